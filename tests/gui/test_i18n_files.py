"""The "files" group in Chinese and back: the plots (titles, axes, legends, controls), the File menu's
entries and questions, the Export dialog, a session file's error message and a plot picture's file dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from engine.session import SessionConfig, Trainer
from engine.session.session_file import read_session_file
from gui import i18n
from gui.export_dialog import ExportDialog
from tests.gui.i18n_check import english_words, visible_english

KEEP = ("TensorBoard", "dpi")  # a program's name and a unit, as Chinese texts write them


def switch(code: str) -> None:
    """Change the language and deliver the LanguageChange events Qt posts to every window."""
    i18n.set_language(code)
    QApplication.processEvents()


def plot_texts(widget) -> dict[str, str]:
    item = widget.getPlotItem()
    texts = {"title": item.titleLabel.text, "left": item.getAxis("left").labelText,
             "bottom": item.getAxis("bottom").labelText}
    if item.legend is not None:
        texts["legend"] = " | ".join(label.text for _, label in item.legend.items)
    return texts


def menu_texts(window) -> list[str]:
    """The loss plot's right-click menu: pyqtgraph's entries and ours."""
    return [action.text() for action in window.loss_plot.plot.getPlotItem().getViewBox().menu.actions()]


def plot_menu_titles(window) -> list[str]:
    item = window.loss_plot.plot.getPlotItem()
    return [item.ctrlMenu.title(), *(action.text() for action in item.ctrlMenu.actions())]


def test_plots_switch_to_chinese_and_back_live(window):
    loss, fit, params = window.loss_plot, window.fit_plot, window.params_plot
    assert plot_texts(loss.plot) == {"title": "Loss", "left": "loss (MSE)", "bottom": "step",
                                     "legend": "raw | smoothed"}
    switch("zh_CN")
    for widget in (loss, fit, params):
        assert visible_english(widget, keep=KEEP) == []
    assert plot_texts(loss.plot) == {"title": "损失", "left": "损失（MSE）", "bottom": "步", "legend": "原始 | 平滑后"}
    assert plot_texts(fit.plot)["title"] == "拟合"
    assert plot_texts(fit.plot)["legend"] == "数据 | 真实函数 | 模型"
    assert plot_texts(params.values_plot)["title"] == "参数"
    assert plot_texts(params.grads_plot) == {"title": "梯度范数", "left": "‖∂损失/∂θ‖", "bottom": "步",
                                             "legend": " | ".join(params.curve_names()[len(params._value_names):])}
    assert loss.log_scale.text() == "对数坐标" and loss.smoothing_label.text() == "平滑"
    # A model chosen while Chinese is shown gets Chinese titles; and English ones after switching back.
    params.configure("mlp")
    assert plot_texts(params.values_plot)["title"] == "权重范数"
    assert plot_texts(params.values_plot)["left"] == "‖W‖（F 范数）"
    loss.set_loss_name("½·SSE")
    assert plot_texts(loss.plot)["left"] == "损失（½·SSE）"

    switch("en")
    assert plot_texts(params.values_plot)["title"] == "Weight norms"
    assert plot_texts(params.values_plot)["left"] == "‖W‖ (Frobenius norm)"
    assert plot_texts(loss.plot) == {"title": "Loss", "left": "loss (½·SSE)", "bottom": "step",
                                     "legend": "raw | smoothed"}
    assert plot_texts(fit.plot)["legend"] == "data | true function | model"
    assert loss.log_scale.text() == "Log scale"


def test_file_menu_entries_and_plot_menus_follow_the_language(window):
    files = window.session_files
    assert files.save_as_action.text() == "Save As…"
    assert "Save Loss plot as PNG…" in menu_texts(window)
    switch("zh_CN")
    assert files.save_as_action.text() == "另存为…"
    assert files.load_weights_action.text() == "加载权重…"
    assert files.recent_menu.title() == "最近打开(&R)"
    assert "将损失图保存为 PNG…" in menu_texts(window) and "将损失图保存为 SVG…" in menu_texts(window)
    assert "查看全部" in menu_texts(window) and "X 轴" in menu_texts(window)
    assert plot_menu_titles(window)[:2] == ["绘图选项", "变换"]
    ours = [files.save_as_action.text(), files.save_as_action.statusTip(), files.load_weights_action.text(),
            files.load_weights_action.statusTip(), files.recent_menu.title(),
            *menu_texts(window), *plot_menu_titles(window)]
    assert [text for text in ours if english_words(text)] == []
    files._fill_recent_menu()
    assert [action.text() for action in files.recent_menu.actions() if action.text()] == ["没有最近的会话", "清空菜单"]
    assert window.windowTitle() == f"{window.session_display_name()}[*] — GradStudio"  # keeps the unsaved mark

    switch("en")
    assert files.save_as_action.text() == "Save As…" and files.recent_menu.title() == "Open &Recent"
    assert "Save Loss plot as PNG…" in menu_texts(window)
    assert "View All" in menu_texts(window) and "Plot Options" in plot_menu_titles(window)
    assert window.windowTitle() == "Linear regression[*] — GradStudio"


def test_unsaved_changes_question_is_asked_in_chinese(window, monkeypatch):
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append((title, text))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(window.session_files, "has_unsaved_changes", lambda: True)
    switch("zh_CN")
    assert not window.session_files.ask_to_save("quit")
    title, text = asked[-1]
    assert title == "保存更改？" and "有尚未保存的更改" in text and text.endswith("退出前要保存吗？")
    switch("en")
    assert not window.session_files.ask_to_save("open")
    assert asked[-1][0] == "Save changes?" and asked[-1][1].endswith("Save them before opening another session?")


def test_a_damaged_session_file_is_reported_in_chinese_then_in_english(window, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    switch("zh_CN")
    assert not window.session_files.open_path(empty, ask=False)
    message = window.last_message
    assert message == f"无法打开 {empty}：文件为空"
    box = window.status.message_box
    assert box is not None and box.text() == message
    cut = tmp_path / "cut.json"
    cut.write_text('{"schema": 1, "name": "x')
    assert not window.session_files.open_path(cut, ask=False)
    assert "文件提前结束" in window.last_message and "第 1 行" in window.last_message

    switch("en")
    assert not window.session_files.open_path(empty, ask=False)
    assert window.last_message == f"Cannot open {empty}: the file is empty"


def test_session_errors_are_english_without_a_translator(tmp_path):
    """The engine's messages are English in a headless run (no translator), whatever the window did before."""
    switch("zh_CN")
    switch("en")
    (tmp_path / "s.json").write_text("[]")
    with pytest.raises(Exception, match="it is not a GradStudio session file: it holds a JSON list, not an object"):
        read_session_file(tmp_path / "s.json")


def test_export_dialog_in_chinese_and_back(qtbot, tmp_path):
    dialog = ExportDialog(None, QSettings(), tmp_path / "run")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Export" and dialog.plots.title() == "Plots"
    switch("zh_CN")
    assert visible_english(dialog, keep=KEEP) == []
    assert dialog.windowTitle() == "导出" and dialog.weights.title() == "权重" and dialog.plots.title() == "图表"
    assert dialog.plot_checks["gradient_norms"].text() == "梯度范数"
    assert dialog.export_button.text() == "导出" and dialog.browse.text() == "浏览…"
    assert dialog.weights_format.itemText(0) == "safetensors（PyTorch，默认）"
    assert dialog.weights_format.currentData() == "safetensors"  # the choice is kept, only its words change
    QApplication.processEvents()  # the layout follows the new texts
    dialog.grab().save("/tmp/files-export-dialog-zh.png")
    # Built while Chinese is shown, it starts in Chinese.
    second = ExportDialog(None, QSettings(), tmp_path / "run")
    qtbot.addWidget(second)
    assert second.run_folder.text() == "全部：完整的运行文件夹"

    switch("en")
    assert dialog.windowTitle() == "Export" and dialog.weights.title() == "Weights"
    assert dialog.plot_checks["window"].text() == "Whole window"
    assert dialog.session.text().startswith("Session file")


def test_plot_picture_dialog_is_asked_in_chinese(window, tmp_path, monkeypatch):
    asked = []

    def dialog(parent, title, suggestion, label, *args, **kwargs):
        asked.append((title, label))
        return str(tmp_path / "fit.png"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    switch("zh_CN")
    written = window.session_files.save_plot("fit", "png")
    assert written == tmp_path / "fit.png" and written.is_file()
    assert asked == [("保存拟合图", "PNG 图片 (*.png)")]
    assert window.statusBar().currentMessage() == f"已保存 {written}"


def test_headless_plots_stay_english(tmp_path):
    """`gradstudio train --out` draws with the window's plot classes but installs no translator."""
    from gui.plot_export import run_plot_renderer

    config = SessionConfig()
    trainer = Trainer(config)
    for _ in range(3):
        trainer.train_step()
    render = run_plot_renderer(config, trainer, [trainer.snapshot()], size=(320, 240), formats=("svg",))
    files = render(tmp_path)
    svg = (tmp_path / "loss.svg").read_text(encoding="utf-8")
    assert [path.name for path in files] == ["loss.svg", "fit.svg", "parameters.svg", "gradient_norms.svg"]
    assert "<title>Loss</title>" in svg and "损失" not in svg


def test_screenshots_in_chinese(window, qtbot, tmp_path):
    """Pictures to look at (not compared): the plots and the File menu with the window in Chinese."""
    switch("zh_CN")
    qtbot.wait(50)
    window.grab().save("/tmp/files-window-zh.png")
    window.loss_plot.grab().save("/tmp/files-loss-zh.png")
    window.params_plot.grab().save("/tmp/files-params-zh.png")
    assert Path("/tmp/files-window-zh.png").stat().st_size > 0
