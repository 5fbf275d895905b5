"""The debugger dock over the graph view: stepping y = x**2 + 3*x + 1 node by node to x.grad = 7,
breakpoints, PyTorch's message for a second backward, restart, and training blocking Start."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QTabWidget

import engine as torch
from engine.autograd.graph import SECOND_BACKWARD_MESSAGE
from engine.session import SessionConfig, Trainer
from gui.graph_workbench import TRAINING_BLOCKS_START, GraphWorkbench


@pytest.fixture
def bench(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    tabs = QTabWidget()
    window.setCentralWidget(tabs)
    trainer = Trainer(SessionConfig())
    workbench = GraphWorkbench(window, lambda: trainer)
    workbench.place_in(window, tabs)
    window.resize(1300, 900)
    window.show()
    qtbot.waitExposed(window)
    yield workbench
    workbench.shutdown()


def polynomial():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    return x, y


def show(bench, root, names):
    bench._show_scratchpad_graph(root, names, "scratchpad")


def node_item(bench, label):
    (key,) = bench.graph.node_ids(label)
    return bench.graph.canvas.nodes[key]


def order(panel) -> list[str]:
    return [panel.order.item(i).text().split()[-1] for i in range(panel.order.count())
            if panel.order.item(i).data(Qt.ItemDataRole.UserRole) is not None]


def test_stepping_node_by_node_ends_with_seven_on_x(qtbot, bench):
    x, y = polynomial()
    show(bench, y, {"x": x, "y": y})
    panel = bench.debugger
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert not panel.debugger.records and panel.step_button.isEnabled()
    expected = ["AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"]
    for i, name in enumerate(expected, start=1):
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
        assert order(panel) == expected[:i]
        assert panel.details_title.text() == f"#{i}  {name}"
        current = [item for item in bench.graph.canvas.nodes.values() if item.current]
        assert [item.node.label for item in current] == [name]       # highlighted in the graph too
        assert current[0].order == i
    assert not panel.step_button.isEnabled()
    assert "x.grad = 7." in panel.status.text()
    assert "x.grad: None  →  7." in panel.details_text()
    assert node_item(bench, "x").grad_text() == "∇ 7."
    assert x.grad.item() == 7.0


def test_gradients_sent_are_drawn_on_the_edges(qtbot, bench):
    x, y = polynomial()
    show(bench, y, {"x": x, "y": y})
    panel = bench.debugger
    panel.start()
    for _ in range(3):
        panel.step()   # the two adds and MulBackward0 (3*x) have run
    canvas = bench.graph.canvas
    mul = bench.graph.node_ids("MulBackward0")[0]
    acc = bench.graph.node_ids("AccumulateGrad")[0]
    edge = canvas.edges[(acc, mul)]
    assert edge.label == "∇ 3." and edge.label_current
    assert "input 0 → AccumulateGrad (x): 3." in panel.details_text()
    assert "non-leaf gradient: dropped" in panel.details_text()


def test_nan_breakpoint_stops_on_the_node_that_produced_the_nan(qtbot, bench):
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    r = torch.sqrt(x)
    loss = (r * 2).sum()
    show(bench, loss, {"x": x, "r": r, "loss": loss})
    panel = bench.debugger
    panel.nan_check.setChecked(True)
    panel.start()
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.details_title.text().endswith("SqrtBackward0")
    assert "NaN/Inf: SqrtBackward0 produced a non-finite gradient" in panel.message.text()
    assert node_item(bench, "SqrtBackward0").current
    assert panel.step_button.isEnabled()   # stopped, not finished: AccumulateGrad has not run


def test_breakpoint_on_a_node_type_and_on_a_tensor(bench):
    x, y = polynomial()
    show(bench, y, {"x": x, "y": y})
    panel = bench.debugger
    panel.add_type_breakpoint("PowBackward0")
    panel.add_tensor_breakpoint("x")
    assert panel.breakpoint_list.count() == 2
    panel.start()
    panel.run_to_breakpoint()
    assert panel.debugger.current.name == "PowBackward0"
    panel.run_to_breakpoint()
    assert panel.debugger.current.name == "AccumulateGrad" and "tensor 'x'" in panel.message.text()


def test_second_backward_without_retain_graph_shows_pytorchs_message(qtbot, bench):
    x, y = polynomial()
    show(bench, y, {"x": x, "y": y})
    panel = bench.debugger
    panel.start()
    panel.continue_()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    panel.continue_()
    assert panel.message.isVisible()
    assert SECOND_BACKWARD_MESSAGE in panel.message.text()
    assert "Buffers freed by the previous backward" in panel.message.text()
    assert node_item(bench, "PowBackward0").failed
    assert not panel.restart_button.isEnabled()
    assert "retain_graph=True" in panel.restart_button.toolTip()


def test_restart_with_a_retained_graph_walks_again_from_the_same_gradients(qtbot, bench):
    x, y = polynomial()
    show(bench, y, {"x": x, "y": y})
    panel = bench.debugger
    panel.retain_check.setChecked(True)
    panel.start()
    panel.continue_()
    assert panel.restart_button.isEnabled()
    qtbot.mouseClick(panel.restart_button, Qt.MouseButton.LeftButton)
    assert order(panel) == [] and x.grad is None
    panel.continue_()
    assert x.grad.item() == 7.0 and "saved tensors: kept (retain_graph=True)" not in panel.details_text()


def test_training_blocks_start_and_a_training_graph_can_be_walked_when_paused(bench):
    panel = bench.debugger
    bench.graph.follow_action.setChecked(True)
    bench.graph.refresh_from_source(keep_layout=False)
    bench.set_training(True)
    assert not panel.start_button.isEnabled() and panel.status.text() == TRAINING_BLOCKS_START
    bench.set_training(False)
    panel.start()
    panel.continue_()
    assert panel.debugger.execution_order[0] == "MseLossBackward0"
    assert "w.grad" in panel.status.text() and "b.grad" in panel.status.text()
    assert not bench.graph.following    # the walked graph stays on screen
