"""The graph view: the default example's graph with its shapes, the inspector, module boxes,
zoom/fit, tooltips, following a training run and the legend."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from engine.session import ModelConfig, SessionConfig, Trainer
from engine.session import tensor_summary as summary
from engine.session.graph_build import training_step_graph
from gui.graph_view import GraphPanel


@pytest.fixture
def panel(qtbot):
    widget = GraphPanel()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def follow(panel, trainer) -> None:
    panel.set_graph_source(lambda: (training_step_graph(trainer), f"step {trainer.step}"))


def visible(panel) -> dict:
    return {key: item.node for key, item in panel.canvas.nodes.items()}


def click(qtbot, panel, key: str) -> None:
    item = panel.canvas.nodes[key]
    point = panel.canvas.mapFromScene(item.pos())
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_default_example_graph_has_the_expected_nodes_and_shapes(panel):
    trainer = Trainer(SessionConfig())
    follow(panel, trainer)
    batch = trainer.config.data.batch_size
    nodes = visible(panel)
    labels = sorted(n.label for n in nodes.values())
    assert labels == sorted(["w", "b", "x", "target", "prediction", "loss", "AccumulateGrad", "AccumulateGrad",
                             "MulBackward0", "AddBackward0", "MseLossBackward0"])
    shapes = {n.label: n.shape for n in nodes.values() if n.kind == "variable"}
    assert shapes == {"w": (1, 1), "b": (1,), "x": (batch, 1), "target": (batch, 1), "prediction": (batch, 1),
                      "loss": ()}
    assert {n.label for n in nodes.values() if n.kind == "operator"} == {
        "AccumulateGrad", "MulBackward0", "AddBackward0", "MseLossBackward0"}
    assert set(panel.canvas.frames) == {"model"}      # the linear model's ops in one frame
    assert panel.canvas.legend.isVisible() and "parameter" in panel.canvas.legend.roles


def test_every_edge_is_drawn_downward_with_an_arrowhead(panel):
    follow(panel, Trainer(SessionConfig()))
    for (src, dst), edge in panel.canvas.edges.items():
        assert panel.canvas.nodes[src].pos().y() < panel.canvas.nodes[dst].pos().y()
        assert edge.arrow.size() == 3


def test_clicking_a_node_fills_the_inspector(qtbot, panel):
    trainer = Trainer(SessionConfig())
    follow(panel, trainer)
    click(qtbot, panel, panel.node_ids("w")[0])
    rows = panel.inspector.rows()
    assert panel.inspector.title.text().startswith("w")
    assert rows["shape"] == "(1, 1)" and rows["dtype"] == "torch.float32"
    assert rows["requires_grad"] == "True" and rows["is_leaf"] == "True" and rows["grad_fn"] == "None"
    assert rows["value"] == summary.values(trainer.model.w.detach().numpy())
    assert rows[".grad"] == "None"
    click(qtbot, panel, panel.node_ids("MseLossBackward0")[0])
    rows = panel.inspector.rows()
    assert rows["operator"] == "MseLossBackward0" and rows["saved tensors"].startswith("self: (4, 1)")
    assert panel.canvas.nodes[panel.node_ids("MseLossBackward0")[0]].selected_


def test_inspector_shows_the_gradient_after_a_training_step(qtbot, panel):
    trainer = Trainer(SessionConfig())
    follow(panel, trainer)
    trainer.train_step()
    panel.refresh_from_source()
    click(qtbot, panel, panel.node_ids("b")[0])
    assert panel.inspector.rows()[".grad"] != "None"


def test_following_training_updates_values_without_a_new_layout(panel):
    trainer = Trainer(SessionConfig())
    follow(panel, trainer)
    items = dict(panel.canvas.nodes)
    before = visible(panel)[panel.node_ids("w")[0]].caption()
    for _ in range(20):
        trainer.train_step()
    panel.refresh_from_source()
    assert panel.canvas.nodes == items                       # same items, same places
    assert visible(panel)[panel.node_ids("w")[0]].caption() != before
    assert panel.source == "step 20"


def test_module_boxes_expand_and_collapse_on_click(qtbot, panel):
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(16, 16))))
    follow(panel, trainer)
    boxes = {n.label: k for k, n in visible(panel).items() if n.kind == "module"}
    assert set(boxes) == {"layers.0: Linear", "layers.2: Linear", "layers.4: Linear"}
    assert "AddmmBackward0" not in {n.label for n in visible(panel).values()}
    click(qtbot, panel, boxes["layers.2: Linear"])
    labels = [n.label for n in visible(panel).values()]
    assert labels.count("AddmmBackward0") == 1 and "layers.2.weight" in labels
    assert "layers.2" in panel.canvas.frames
    assert panel.inspector.rows()["module"] == "Linear"
    header = panel.canvas.frames["layers.2"].header_rect().center()
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=panel.canvas.mapFromScene(header))
    assert "layers.2: Linear" in {n.label for n in visible(panel).values()}


def test_wheel_zooms_and_fit_shows_the_whole_graph(qtbot, panel):
    follow(panel, Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(16, 16)))))
    panel.expand_all()
    canvas = panel.canvas
    panel.canvas.fit()
    fitted = canvas.transform().m11()
    canvas.zoom(2.0)
    assert canvas.transform().m11() == pytest.approx(2 * fitted)
    canvas.fit()
    assert canvas.transform().m11() == pytest.approx(fitted)
    visible_rect = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert visible_rect.adjusted(-1, -1, 1, 1).contains(canvas.scene().sceneRect())


def test_hovering_a_node_shows_its_tooltip(qtbot, panel):
    follow(panel, Trainer(SessionConfig()))
    item = panel.canvas.nodes[panel.node_ids("prediction")[0]]
    qtbot.mouseMove(panel.canvas.viewport(), panel.canvas.mapFromScene(item.pos()))
    qtbot.waitUntil(lambda: panel.canvas.viewport().toolTip().startswith("prediction"))
    assert "non-leaf result" in panel.canvas.viewport().toolTip()
    qtbot.mouseMove(panel.canvas.viewport(), QPoint(2, 2))
    qtbot.waitUntil(lambda: panel.canvas.viewport().toolTip() == "")


def test_a_scratchpad_tensor_shows_with_its_names(panel):
    import engine as torch
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    panel.show_tensor(y, {"x": x, "y": y}, "scratchpad: y")
    labels = sorted(n.label for n in visible(panel).values())
    assert labels == ["AccumulateGrad", "AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0", "x", "y"]
    assert panel.source_label.text() == "scratchpad: y"
    assert QPointF(panel.canvas.nodes[panel.node_ids("x")[0]].pos()).y() < \
        QPointF(panel.canvas.nodes[panel.node_ids("y")[0]].pos()).y()
