"""The Graph tab, the backward debugger, the scratchpad and the gradient-flow plot in Simplified
Chinese, switched live and back to English: toolbar, legend, inspector, the debugger's rows and
status (texts made by engine/session), the scratchpad's state and the plot's titles."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget

import engine as torch
from engine.session import ModelConfig, SessionConfig, Trainer
from engine.session.debugger_text import Message
from gui import i18n
from gui.graph_workbench import TRAINING_BLOCKS_START, GraphWorkbench
from tests.gui.i18n_check import visible_english as _visible_english

# Names that stay English in Chinese text: PyTorch's function (its "()" is stripped as punctuation
# by the check) and IEEE's special values.
KEEP = ("backward", "NaN", "Inf")


def visible_english(widget) -> list[str]:
    return _visible_english(widget, keep=KEEP)


@pytest.fixture
def bench(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    tabs = QTabWidget()
    window.setCentralWidget(tabs)
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(8,))))
    workbench = GraphWorkbench(window, lambda: trainer)
    workbench.place_in(window, tabs)
    workbench.tabs, workbench.trainer = tabs, trainer
    window.resize(1300, 900)
    window.show()
    qtbot.waitExposed(window)
    yield workbench
    workbench.shutdown()


def polynomial(bench):
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    bench._show_scratchpad_graph(y, {"x": x, "y": y}, Message("graph", "scratchpad: {0}", "y"))
    return x, y


def switch(code: str) -> None:
    """Change the language; Qt posts the LanguageChange events, so deliver them."""
    i18n.set_language(code)
    QApplication.processEvents()


def tab_titles(bench) -> list[str]:
    return [bench.tabs.tabText(i) for i in range(bench.tabs.count())]


def test_graph_tab_and_docks_switch_to_chinese_and_back(bench):
    polynomial(bench)
    graph = bench.graph
    assert tab_titles(bench) == ["Graph", "Gradient flow"]
    assert "root (where backward starts)" in graph.canvas.legend.texts()
    english_width = graph.canvas.legend.width()

    switch("zh_CN")
    assert tab_titles(bench) == ["计算图", "梯度流"]
    assert bench.debugger_dock.windowTitle() == "反向传播调试器"
    assert bench.scratchpad_dock.windowTitle() == "草稿本"
    assert graph.fit_action.text() == "适应窗口" and graph.follow_action.text() == "跟随训练"
    assert graph.source_label.text() == "草稿本：y"          # the description made before the switch
    assert "根（反向传播的起点）" in graph.canvas.legend.texts()
    assert graph.canvas.legend.width() != english_width     # re-measured for the new texts
    assert graph.inspector.title.text() == "单击节点查看详情"
    for widget in (graph, bench.gradient_flow, bench.debugger_dock, bench.scratchpad_dock):
        assert visible_english(widget) == []

    graph.select(graph.node_ids("x")[0])
    assert graph.inspector.title.text() == "x  （变量）"
    rows = graph.inspector.rows()
    assert rows["类别"] == "输入：需要梯度的叶子节点" and rows["形状"] == "()" and rows["requires_grad"] == "True"

    switch("en")
    assert tab_titles(bench) == ["Graph", "Gradient flow"]
    assert bench.debugger_dock.windowTitle() == "Backward debugger"
    assert bench.scratchpad_dock.windowTitle() == "Scratchpad"
    assert graph.fit_action.text() == "Fit" and graph.source_label.text() == "scratchpad: y"
    assert graph.inspector.title.text() == "x  (variable)"
    assert graph.inspector.rows()["kind"] == "input: leaf that requires grad"
    assert "root (where backward starts)" in graph.canvas.legend.texts()


def test_debugger_steps_a_backward_pass_in_chinese(bench):
    x, _ = polynomial(bench)
    panel = bench.debugger
    switch("zh_CN")
    assert panel.status.text() == "就绪：草稿本：y"
    assert panel.start_button.text() == "开始" and panel.step_button.text() == "单步"
    panel.start()
    assert panel.details_title.text() == "按“单步”运行第一个节点"
    assert "尚未运行：" in panel.order.item(0).text()
    panel.step()
    details = panel.details_text()
    assert "收到的梯度: 1." in details
    assert "发出的梯度: 2 / 2 个输入" in details
    assert "非叶子节点梯度: 用后丢弃（调用 retain_grad() 可将其保留在 .grad 中）" in details
    assert panel.status.text().startswith("正在遍历 草稿本：y · 第 1 / 5 个节点")
    assert visible_english(bench.debugger_dock) == []
    panel.continue_()
    assert panel.status.text() == "完成：共运行 5 个节点 · x.grad = 7."
    assert "x.grad: None  →  7." in panel.details_text()
    assert x.grad.item() == 7.0
    assert bench.graph.canvas.legend.texts()[-2:] == ["反向传播的执行顺序", "沿边传递的梯度"]
    assert visible_english(bench.debugger_dock) == []

    switch("en")   # the finished walk's rows and status come back in English
    assert panel.status.text() == "Finished: 5 nodes ran · x.grad = 7."
    assert panel.details_text().startswith("gradient received: 7.")
    assert "order in which backward ran" in bench.graph.canvas.legend.texts()


def test_a_stop_reason_and_a_blocked_start_follow_the_language(bench):
    polynomial(bench)
    panel = bench.debugger
    bench.set_training(True)
    switch("zh_CN")
    assert panel.status.text() == "请先暂停训练，再单步执行其反向传播"
    assert not panel.start_button.isEnabled()
    switch("en")
    assert panel.status.text() == TRAINING_BLOCKS_START
    bench.set_training(False)
    panel.add_type_breakpoint("MulBackward0")
    panel.start()
    panel.run_to_breakpoint()
    assert panel.message.text() == "Stopped: breakpoint on node type MulBackward0"
    switch("zh_CN")   # made in English by the engine, shown again in Chinese
    assert panel.message.text() == "已停下：命中节点类型断点 MulBackward0"
    assert panel.breakpoint_list.item(0).text() == "节点类型 MulBackward0"
    assert "命中节点类型断点 MulBackward0" in panel.status.text()
    panel.abandon()
    assert panel.status.text() == "遍历在运行 3 个节点后结束：已放弃"
    switch("en")
    assert panel.status.text() == "Walk ended after 3 node(s): abandoned"
    assert panel.breakpoint_list.item(0).text() == "node type MulBackward0"


def test_scratchpad_runs_and_reports_in_chinese(qtbot, bench):
    pad = bench.scratchpad
    switch("zh_CN")
    assert pad.run_button.text() == "运行" and pad.graph_button.text() == "显示计算图"
    assert pad.output.placeholderText() == "程序打印的内容会显示在这里。"
    with qtbot.waitSignal(pad.run_finished, timeout=10_000):
        pad.run()
    assert pad.output.toPlainText() == "tensor(7.)\n"     # the program's own output stays as it is
    assert pad.state_label.text() == "已完成"
    assert visible_english(bench.scratchpad_dock) == []
    pad.set_text("import torch\nx = torch.ones(2)\ny = x @ torch.ones(3)\n")
    with qtbot.waitSignal(pad.run_finished, timeout=10_000):
        pad.run()
    assert pad.state_label.text().startswith("第 3 行出错：RuntimeError")   # PyTorch's message stays English
    switch("en")
    assert pad.state_label.text().startswith("Error on line 3: RuntimeError")
    assert pad.run_button.text() == "Run" and pad.output.placeholderText() == "What the program prints appears here."


def test_a_scratchpad_backward_walked_in_chinese(qtbot, bench):
    pad = bench.scratchpad
    switch("zh_CN")
    pad.debug_check.setChecked(True)
    pad.run()
    qtbot.waitUntil(lambda: bench.debugger.request is not None, timeout=10_000)
    assert pad.state_label.text() == "第 5 行：backward() 正在等待调试器"
    assert bench.graph.source_label.text() == "草稿本：第 5 行的 backward()"
    switch("en")
    assert bench.graph.source_label.text() == "scratchpad: backward() on line 5"
    assert bench.debugger.status.text().startswith("Walking backward() on line 5")
    with qtbot.waitSignal(pad.run_finished, timeout=10_000):
        bench.debugger.continue_()
    assert pad.output.toPlainText() == "tensor(7.)\n"


def test_gradient_flow_in_chinese(bench):
    plot, trainer = bench.gradient_flow, bench.trainer
    shots = [trainer.snapshot()]
    for _ in range(3):
        trainer.train_step()
        shots.append(trainer.snapshot())
    plot.append(shots)
    item = plot.plot.getPlotItem()
    switch("zh_CN")
    assert item.titleLabel.text == "梯度流"
    assert item.getAxis("bottom").labelText == "步"
    assert plot.band_labels["vanishing"].toPlainText() == "梯度消失"
    assert plot.latest.text().startswith("第 3 步：layers.0.weight")
    assert plot.layer_check.text() == "每层一条曲线"
    assert visible_english(plot) == []
    switch("en")
    assert item.titleLabel.text == "Gradient flow" and item.getAxis("bottom").labelText == "step"
    assert plot.band_labels["exploding"].toPlainText() == "exploding"
    assert plot.latest.text().startswith("step 3:")
