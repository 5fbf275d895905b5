"""The lessons' own views draw what engine/session/lessons.py computes, and take the lesson's inputs."""
import pytest
from PySide6.QtCore import Qt


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


def test_landscape_view_draws_the_setup_model_when_it_has_two_parameters(qtbot, window):
    from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig

    window.lessons.open_lesson("11-loss-landscape")
    view = window.lessons.view
    window.load_session(SessionConfig(
        model=ModelConfig(kind="expression", expression="a * x + c", initial={"a": 0.5, "c": 0.0}),
        data=DataConfig(truth="3*x - 1", noise_std=0.1, batch_size=100),
        training=TrainingConfig(optimizer="adam", lr=0.05, steps=400), name="two parameters"))
    qtbot.mouseClick(view.setup_button, Qt.MouseButton.LeftButton)
    assert view.landscape.names == ("a", "c")
    view.finish()
    x, y = view.curves["adam"].getData()
    assert abs(x[-1] - 3) < 0.3 and abs(y[-1] + 1) < 0.3
    window.load_session(SessionConfig(model=ModelConfig(kind="polynomial", degree=3), name="four parameters"))
    qtbot.mouseClick(view.setup_button, Qt.MouseButton.LeftButton)
    assert "two scalar parameters" in view.message.text()
    assert view.landscape.names == ("a", "c")   # the last good landscape stays


def test_landscape_follows_the_windows_training_run_live(qtbot, window):
    import numpy as np

    window.lessons.open_lesson("11-loss-landscape")
    view = window.lessons.view
    start = (view.arrow.pos().x(), view.arrow.pos().y())
    window.training_editor.until_stopped.setChecked(False)
    window.training_editor.steps.setValue(60)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=20000)
    qtbot.waitUntil(lambda: view.live and view.live[-1][0] == 60, timeout=5000)
    steps, first, second = zip(*view.live)
    assert steps[0] <= 1 and list(steps) == sorted(steps)
    w, b = (float(p.detach().numpy().ravel()[0]) for _, p in window.trainer.model.named_parameters())
    assert (first[-1], second[-1]) == pytest.approx((w, b), abs=1e-6)   # the path ends where the model is
    x, y = view.live_curve.getData()
    assert len(x) == len(view.live) and x[-1] == pytest.approx(w)
    assert (view.arrow.pos().x(), view.arrow.pos().y()) != start                    # the arrow left SGD's replay for the live run
    # the arrow points down the gradient at the run's latest point
    tip = np.array([view.arrow.pos().x(), view.arrow.pos().y()]) - np.array([w, b])
    from engine.session.lessons import landscape_gradient
    gradient = landscape_gradient((w, b), view.config)
    if np.hypot(*gradient) > 0.05:
        assert np.dot(tip, -gradient) > 0
    assert "60" in view.message.text()
    window.reset()                                              # a reset starts a new path at step 0
    assert [step for step, *_ in view.live] == [0]
    window.step_once()
    qtbot.waitUntil(lambda: view.live[-1][0] == 1, timeout=5000)
    assert [step for step, *_ in view.live] == [0, 1]


def test_landscape_redraws_for_the_setup_surface_when_training_another_model(qtbot, window):
    from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig

    window.lessons.open_lesson("11-loss-landscape")
    view = window.lessons.view
    window.load_session(SessionConfig(
        model=ModelConfig(kind="expression", expression="a * x + c", initial={"a": 0.5, "c": 0.0}),
        data=DataConfig(truth="3*x - 1", noise_std=0.1, batch_size=100),
        training=TrainingConfig(optimizer="adam", lr=0.05, steps=30), name="two parameters"))
    window.toggle_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=20000)
    qtbot.waitUntil(lambda: view.live and view.live[-1][0] == 30, timeout=5000)
    assert view.landscape.names == ("a", "c")
    assert view.live[0][1:] == pytest.approx((0.5, 0.0), abs=0.06)   # from the model's own start
