"""The Network tab: Playground's picture of an MLP (thumbnails per neuron, edges by weight), a click
enlarging a neuron, and +/− changing the layers after asking."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from gui.boundary_view import NEGATIVE, POSITIVE
from gui.main_window import MainWindow


def spiral_session() -> SessionConfig:
    return SessionConfig(
        model=ModelConfig(kind="mlp", hidden=(4, 3), activation="tanh"),
        data=DataConfig(source="shapes", shape="spiral", n_points=200, features=("x1", "x2", "sin(x1)"),
                        test_fraction=0.5, batch_size=10, seed=1),
        training=TrainingConfig(optimizer="adam", lr=0.03, steps=50, loss="bce_with_logits"), name="Spiral")


def open_window(qtbot, config):
    window = MainWindow(config)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.network_view)
    return window


def test_the_network_is_drawn_with_a_thumbnail_per_neuron_and_an_edge_per_weight(qtbot):
    window = open_window(qtbot, spiral_session())
    try:
        view = window.network_view
        assert [len(layer) for layer in view._nodes] == [3, 4, 3, 1]
        assert [lines.shape for lines in view._edges] == [(4, 3), (3, 4), (1, 3)]
        assert all(not item.pixmap().isNull() for layer in view._nodes for item in layer)
        weights = window.trainer.snapshot().params["layers.0.weight"]
        line = view._edges[0][1, 2]
        assert line.toolTip() == f"weight {weights[1, 2]:.4g}"
        expected = POSITIVE if weights[1, 2] > 0 else NEGATIVE
        assert line.pen().color().getRgb()[:3] == tuple(int(v) for v in expected)
        widths = np.array([l.pen().widthF() for l in view._edges[0].ravel()])
        magnitudes = np.abs(weights.ravel())
        assert widths[np.argmax(magnitudes)] == widths.max()   # the largest weight has the widest edge
        view.select(1, 2)
        assert view.large.pixmap() is not None and not view.large.pixmap().isNull()
        assert "neuron 3" in view.large_caption.text()
    finally:
        window.close()


def test_the_input_thumbnail_shows_its_feature(qtbot):
    window = open_window(qtbot, spiral_session())
    try:
        image = window.network_view._nodes[0][0].pixmap().toImage()   # x₁: orange on the left, blue on the right
        middle = image.height() // 2
        left, right = QColor(image.pixel(1, middle)), QColor(image.pixel(image.width() - 2, middle))
        assert left.red() > left.blue() and right.blue() > right.red()
    finally:
        window.close()


def test_plus_and_minus_change_the_layers_after_asking(qtbot):
    window = open_window(qtbot, spiral_session())
    asked = []
    try:
        window.trainer.train_step()
        window.confirm_reset = lambda question: asked.append(question) or False   # the user says Cancel
        window.network_view._request_neurons(1, +1)
        assert asked and window.trainer.config.model.hidden == (4, 3) and window.trainer.step == 1
        window.confirm_reset = lambda question: True
        window.network_view._request_neurons(1, +1)
        assert window.trainer.config.model.hidden == (5, 3) and window.trainer.step == 0
        assert [len(layer) for layer in window.network_view._nodes] == [3, 5, 3, 1]
        window.network_view._request_layers(+1)
        assert window.trainer.config.model.hidden == (5, 3, 3)
        for _ in range(3):
            window.network_view._request_layers(-1)
        assert window.trainer.config.model.kind == "linear"
        assert [len(layer) for layer in window.network_view._nodes] == [3, 1]
        assert window.model_editor.kind.currentData() == "linear"
    finally:
        window.close()


def test_the_network_tab_is_there_for_2d_data_only(qtbot):
    window = open_window(qtbot, SessionConfig())
    try:
        assert window.tabs.indexOf(window.network_view) == -1
        window.load_session(spiral_session())
        assert window.tabs.indexOf(window.network_view) == 1 and window.tabs.tabText(1) == "Network"
        window.load_session(SessionConfig())
        assert window.tabs.indexOf(window.network_view) == -1
    finally:
        window.close()
