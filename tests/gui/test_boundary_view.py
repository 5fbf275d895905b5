"""2-D data in the window: the Data panel's choices, the decision boundary drawn live over the points,
its toggles, and the test loss and accuracy curves."""
from __future__ import annotations

import numpy as np

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from gui.boundary_view import NEGATIVE, POSITIVE, SHADE
from gui.main_window import MainWindow


def xor_session(steps: int = 400) -> SessionConfig:
    return SessionConfig(
        model=ModelConfig(kind="mlp", hidden=(4,), activation="tanh"),
        data=DataConfig(source="shapes", shape="xor", n_points=200, features=("x1", "x2"), test_fraction=0.5,
                        batch_size=10, seed=1),
        training=TrainingConfig(optimizer="adam", lr=0.03, steps=steps, loss="bce_with_logits"), name="XOR")


def open_window(qtbot, config: SessionConfig) -> MainWindow:
    window = MainWindow(config)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentIndex(0)   # the Training tab (a first launch shows the lesson gallery)
    return window


def test_two_dimensional_data_shows_the_boundary_instead_of_the_fit(qtbot):
    window = open_window(qtbot, xor_session())
    try:
        assert window.boundary_view.isVisible() and not window.fit_plot.isVisible()
        assert len(window.boundary_view.train_points.data) == 100
        assert len(window.boundary_view.test_points.data) == 100
        assert window.boundary_view.image.image.shape == (100, 100, 4)
    finally:
        window.close()


def test_training_redraws_the_boundary_and_the_test_curves(qtbot):
    window = open_window(qtbot, xor_session(600))
    try:
        window.toggle_training()
        qtbot.waitUntil(lambda: window.run is None, timeout=60_000)
        image = window.boundary_view.image.image[:, :, :3].astype(float)
        blue = 255 + (POSITIVE - 255) * SHADE
        orange = 255 + (NEGATIVE - 255) * SHADE
        # row = x₂ upward, column = x₁: exclusive-or is class 1 where x₁·x₂ > 0
        assert np.abs(image[85, 85] - blue).max() < 40 and np.abs(image[15, 15] - blue).max() < 40
        assert np.abs(image[85, 15] - orange).max() < 40 and np.abs(image[15, 85] - orange).max() < 40
        steps, accuracy = window.boundary_view.accuracy.test_curve.getData()
        assert len(steps) >= 2 and accuracy[-1] >= 95
        test_steps, test_loss = window.loss_plot.test_curve.getData()
        assert len(test_steps) >= 2 and test_loss[-1] < test_loss[0]
        assert "test accuracy" in window.boundary_view.numbers.text()
    finally:
        window.close()


def test_discretize_leaves_two_colours_and_show_test_data_hides_the_test_points(qtbot):
    window = open_window(qtbot, xor_session())
    try:
        view = window.boundary_view
        view.discretize.setChecked(True)
        colours = np.unique(view.image.image[:, :, :3].reshape(-1, 3), axis=0)
        assert len(colours) <= 2
        view.show_test.setChecked(False)
        assert not view.test_points.isVisible() and view.train_points.isVisible()
    finally:
        window.close()


def test_choosing_a_data_set_in_the_form_builds_the_config_and_fits_the_loss(qtbot):
    window = open_window(qtbot, SessionConfig())
    try:
        editor = window.data_editor
        editor.source.setCurrentIndex(editor.source.findData("shapes"))
        assert editor.cell_of(editor.shape).isVisible() and not editor.cell_of(editor.truth).isVisible()
        assert window.training_editor.loss.currentData() == "bce_with_logits"
        editor.shape.setCurrentIndex(editor.shape.findData("spiral"))
        editor.classes.setValue(3)
        assert window.training_editor.loss.currentData() == "cross_entropy"
        editor.features["sin(x1)"].setChecked(True)
        window.model_editor.kind.setCurrentIndex(window.model_editor.kind.findData("mlp"))
        config, errors = window.read_forms()
        assert errors == []
        assert config.data.features == ("x1", "x2", "sin(x1)") and config.data.classes == 3
        window.reset_action.trigger()
        assert window.trainer.problem == "multiclass" and window.boundary_view.isVisible()
    finally:
        window.close()


def test_exported_fit_picture_of_2d_data_is_the_decision_boundary(qtbot, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from engine.session.trainer import Trainer
    from gui.plot_export import run_plot_renderer

    config = xor_session(400)
    trainer = Trainer(config, engine_kind="eager")
    samples = [trainer.snapshot()]
    for _ in trainer.run():
        pass
    samples.append(trainer.snapshot())
    paths = run_plot_renderer(config, trainer, samples, formats=("png",))(tmp_path)
    assert tmp_path / "fit.png" in paths
    image = QImage(str(tmp_path / "fit.png"))
    colours = {QColor(image.pixel(x, y)).getRgb()[:3] for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    blue = tuple(int(round(255 + (c - 255) * SHADE)) for c in POSITIVE)
    orange = tuple(int(round(255 + (c - 255) * SHADE)) for c in NEGATIVE)
    assert any(max(abs(a - b) for a, b in zip(colour, blue)) < 12 for colour in colours)
    assert any(max(abs(a - b) for a, b in zip(colour, orange)) < 12 for colour in colours)
