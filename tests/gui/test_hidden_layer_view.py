"""The "Why a hidden layer" lesson: opening it shows the linear model and the 2→4→1 network side by side."""
from __future__ import annotations

from gui.hidden_layer_view import HiddenLayerView


def test_the_lesson_opens_its_side_by_side_view_and_only_the_hidden_layer_learns(qtbot, window):
    assert window.lessons.open_lesson("12-why-a-hidden-layer")
    view = window.lessons.view
    assert isinstance(view, HiddenLayerView) and window.tabs.currentWidget() is view
    assert window.trainer.config.model.hidden == (4,) and window.trainer.config.data.shape == "xor"
    view.finish()
    step, linear, network = view.frames[-1]
    assert step == 600 and linear.evaluation.test_accuracy < 0.8 and network.evaluation.test_accuracy >= 0.98
    assert f"{100 * network.evaluation.test_accuracy:.0f}%" in view.message.text()
    assert view.sides[0].image.image is not None and view.sides[1].image.image is not None
