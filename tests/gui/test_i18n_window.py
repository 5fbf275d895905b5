"""The main window in Simplified Chinese: menus, toolbar, the Setup forms, the status bar and the
messages of the session layer, switched live and back, and View → Language remembered for the next start."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel

from gui import i18n
from tests.gui.helpers import REPO, type_into
from tests.gui.i18n_check import english_words, visible_english


KEEP_HERE = ("MLP", "tan")  # the model's name as Chinese textbooks write it; the function tan


def switch(code: str) -> None:
    """Change the language and deliver the LanguageChange events Qt posts (as the event loop would)."""
    i18n.set_language(code)
    QApplication.processEvents()


def _captions(editor) -> list[str]:
    return [caption.text() for caption in editor.captions]


def _own_action_texts(window) -> list[str]:
    """The texts of the actions and menus this window makes itself (the other controllers add more)."""
    actions = [window.train_action, window.step_action, window.stop_action, window.reset_action,
               window.open_action, window.save_action, window.export_action, window.quit_action,
               window.reset_layout_action, window.about_action, window.setup_dock.toggleViewAction(),
               window.toolbar.toggleViewAction(), *(action for action, _ in window.example_actions)]
    texts = [text for action in actions for text in (action.text(), action.toolTip(), action.statusTip())]
    menus = [window.file_menu, window.training_menu, window.examples_menu, window.view_menu,
             window.language_menu, window.help_menu]
    return texts + [menu.title() for menu in menus]


def test_the_window_speaks_chinese_and_english_again(window):
    switch("zh_CN")

    assert window.file_menu.title() == "文件(&F)" and window.help_menu.title() == "帮助(&H)"
    assert window.train_action.text() == "训练" and window.reset_action.text() == "重置"
    assert window.setup_dock.windowTitle() == "设置"
    assert [box.title() for box in window.form_boxes] == ["模型", "数据", "训练"]
    assert window.tabs.tabText(window.tabs.indexOf(window.training_tab)) == "训练"
    assert "学习率" in _captions(window.training_editor) and "批大小" in _captions(window.data_editor)
    assert window.state_label.text() == "就绪" and window.step_label.text() == "第 0 步"
    assert window.model_editor.kind.currentText() == "线性  w·x + b"
    assert window.training_editor.until_stopped.text() == "直到停止"
    assert [action.text() for action, _ in window.example_actions][:2] == ["线性回归", "用多项式回归拟合三次函数"]
    assert [t for t in _own_action_texts(window) if english_words(t, KEEP_HERE)] == []
    # The whole Setup dock (every form row, shown or hidden), the toolbar and the status bar.
    for part in (window.setup_dock, window.toolbar, window.statusBar()):
        assert visible_english(part, KEEP_HERE) == []

    switch("en")

    assert window.file_menu.title() == "&File" and window.help_menu.title() == "&Help"
    assert window.train_action.text() == "Train" and window.train_action.toolTip().startswith("Train, or pause")
    assert window.setup_dock.windowTitle() == "Setup"
    assert [box.title() for box in window.form_boxes] == ["Model", "Data", "Training"]
    assert "Learning rate" in _captions(window.training_editor)
    assert window.state_label.text() == "Ready" and window.step_label.text() == "step 0"
    assert window.model_editor.kind.currentText() == "Linear  w·x + b"
    assert window.examples_menu.title() == "E&xamples"


def test_switching_keeps_the_forms_and_the_choices(window, qtbot):
    type_into(qtbot, window.data_editor.truth, "3*x")
    window.training_editor.optimizer.setCurrentIndex(window.training_editor.optimizer.findData("momentum"))
    switch("zh_CN")
    assert window.data_editor.truth.text() == "3*x"
    assert window.training_editor.optimizer.currentData() == "momentum"
    assert window.training_editor.optimizer.currentText() == "带动量的 SGD"
    switch("en")
    assert window.training_editor.optimizer.currentText() == "SGD with momentum"


def test_session_layer_messages_appear_translated_and_follow_the_language(window, qtbot):
    switch("zh_CN")
    type_into(qtbot, window.data_editor.truth, "2*x + q")
    assert window.data_editor.errors_for("data.truth") == ["第 7 列：未知名称“q”"]
    assert window.state_label.text() == "设置无效"
    type_into(qtbot, window.data_editor.noise, "abc")
    assert window.data_editor.errors_for("data.noise_std") == ["“abc”不是数字"]

    switch("en")  # the errors shown are rewritten in the new language
    assert window.data_editor.errors_for("data.truth") == ["unknown name 'q' at column 7"]
    assert window.data_editor.errors_for("data.noise_std") == ["'abc' is not a number"]
    assert window.state_label.text() == "Invalid settings"


def test_a_diverged_run_says_so_in_chinese(window, qtbot):
    switch("zh_CN")
    type_into(qtbot, window.training_editor.lr, "1e6")
    window.toggle_training()
    qtbot.waitUntil(lambda: window.state == "Diverged", timeout=15000)
    assert window.state_label.text() == "已发散"
    assert "学习率" in window.last_message and "第" in window.last_message
    assert english_words(window.last_message, keep=("NaN", "Inf")) == []


def test_view_language_switches_the_menu_bar_and_is_saved(window):
    menu = window.language_menu
    entries = {action.text(): action for action in menu.actions()}
    assert set(entries) == {"English", "简体中文"}

    entries["简体中文"].trigger()
    QApplication.processEvents()
    assert i18n.current_language() == "zh_CN"
    assert [m.title() for m in (window.file_menu, window.training_menu, window.view_menu, window.help_menu)] == \
        ["文件(&F)", "训练(&T)", "视图(&V)", "帮助(&H)"]
    assert window.language_menu.title() == "语言" and entries["简体中文"].isChecked()
    assert QSettings().value(i18n.SETTING) == "zh_CN" and i18n.saved_language() == "zh_CN"

    entries["English"].trigger()
    QApplication.processEvents()
    assert i18n.current_language() == "en"
    assert [m.title() for m in (window.file_menu, window.training_menu, window.view_menu, window.help_menu)] == \
        ["&File", "&Training", "&View", "&Help"]
    assert QSettings().value(i18n.SETTING) == "en" and i18n.saved_language() == "en"


# Two runs of the app in subprocesses sharing one settings folder: the first picks 简体中文 in
# View → Language, the second (gradstudio itself, gui.app.run_app) must start in Chinese.
_CHOOSE = """
import sys
from PySide6.QtWidgets import QApplication
from gui.main_window import APPLICATION, ORGANIZATION, MainWindow
app = QApplication([])
app.setOrganizationName(ORGANIZATION); app.setApplicationName(APPLICATION)
window = MainWindow()
window.language_actions["zh_CN"].trigger()
app.processEvents()
print(window.file_menu.title())
window.close()
"""
_START = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui import app as gui_app, i18n
from gui.main_window import MainWindow
app = QApplication([])  # run_app takes this one (the timer below needs it)
seen = []
def look():
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    seen.extend([i18n.current_language(), window.file_menu.title(), window.train_action.text()])
QTimer.singleShot(1500, look)
code = gui_app.run_app(["--quit-after", "3"])
print("|".join(seen))
sys.exit(code)
"""


def test_the_chosen_language_is_used_at_the_next_start(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), LANG="en_US.UTF-8",
               LC_ALL="en_US.UTF-8", PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    first = subprocess.run([sys.executable, "-c", _CHOOSE], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "文件(&F)"
    second = subprocess.run([sys.executable, "-c", _START], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines()[-1] == "zh_CN|文件(&F)|训练"


def test_status_labels_have_room_for_the_chinese_texts(window):
    switch("zh_CN")
    for label in (window.state_label, window.step_label):
        assert isinstance(label, QLabel)
        assert label.minimumWidth() >= label.fontMetrics().horizontalAdvance(label.text())
