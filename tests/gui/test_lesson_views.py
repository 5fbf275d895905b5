"""The lessons' own views draw what engine/session/lessons.py computes, and take the lesson's inputs."""
import pytest


def test_derivative_view_takes_f_x_and_h(qtbot):
    from gui.lesson_views import DerivativeView

    view = DerivativeView()
    qtbot.addWidget(view)
    view.f_field.setText("x**3")
    view.x_field.setText("2")
    view.h_field.setText("0.01")
    view.refresh()
    assert view.exact == 12.0 and view.quotients[0][0] == 0.01
    assert abs(view.quotients[-1][1] - 12) < 1e-3
    assert view.table.rowCount() == 5
    view.f_field.setText("x +* 2")
    view.refresh()
    assert view.message.text().startswith("Cannot compute")


def test_dice_view_converges_to_the_probabilities(qtbot):
    from gui.lesson_views import DiceView

    view = DiceView()
    qtbot.addWidget(view)
    view.finish()
    assert view.shown == 500
    assert abs(view.frequencies[-1] - 1 / 6).max() < 0.03
    x, y = view.curves[0].getData()
    assert len(x) == 500
    assert [line.value() for line in view.lines] == [pytest.approx(1 / 6)]
    view.probs_field.setText("0.5, 0.1, 0.1, 0.1, 0.1, 0.1")
    view.roll()
    view.finish()
    assert abs(view.frequencies[-1] - [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]).max() < 0.03
    assert len(view.lines) == 2


def test_landscape_view_paths_end_near_the_minimum(qtbot):
    import numpy as np

    from gui.lesson_views import LandscapeView

    view = LandscapeView()
    qtbot.addWidget(view)
    view.finish()
    for name, curve in view.curves.items():
        x, y = curve.getData()
        assert len(x) == 501
        assert np.hypot(x[-1] - view.minimum[0], y[-1] - view.minimum[1]) < 0.1, name
