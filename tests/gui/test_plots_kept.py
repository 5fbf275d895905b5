"""What the plots show survives what a user does: a reopened run keeps its gradient norms (and an MLP
its weight norms); Reset empties the axes too; a diverged fit stays in view; axis labels are not
clipped; the loss starts on a log scale, as the README says; a finished run says how to go on; and
every setting lives in one file."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from engine.session import SessionConfig, TrainingConfig
from gui.examples import examples
from gui.main_window import MainWindow, app_settings


def train(qtbot, window, steps: int) -> None:
    window.training_editor.until_stopped.setChecked(False)
    window.training_editor.steps.setValue(steps)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=60_000)


def curve_data(plot) -> dict[str, np.ndarray]:
    return {curve.name(): curve.getOriginalDataset()[1] for curve in plot.curves()
            if curve.getViewBox() is plot.grads_plot.getPlotItem().getViewBox()}


@pytest.mark.parametrize("example", [0, 2], ids=["linear", "mlp"])
def test_a_reopened_session_keeps_its_gradient_norms(qtbot, window, tmp_path, example):
    window.load_session(examples()[example])
    train(qtbot, window, 40)
    live = curve_data(window.params_plot)
    assert live and all(np.isfinite(values).any() for values in live.values())
    assert window.session_files.save_to(tmp_path / "run.json")
    window.load_session(examples()[1])
    assert window.session_files.open_path(tmp_path / "run.json", ask=False)
    reopened = curve_data(window.params_plot)
    assert sorted(reopened) == sorted(live)
    for name, values in reopened.items():
        assert np.isfinite(values).sum() >= 40, name
        assert values[-1] == pytest.approx(live[name][-1], rel=1e-6)
    if example == 2:   # the MLP's weight norms too
        values = [curve.getOriginalDataset()[1] for curve in window.params_plot.curves()[:3]]
        assert all(np.isfinite(v).sum() >= 40 for v in values)


def test_reset_empties_the_axes_as_well_as_the_curves(qtbot, window):
    train(qtbot, window, 300)
    view = window.loss_plot.plot.getPlotItem().getViewBox()
    assert view.viewRange()[0][1] > 100
    window.reset()
    QApplication.processEvents()
    for plot in (window.loss_plot.plot, window.params_plot.values_plot, window.params_plot.grads_plot):
        x_range = plot.getPlotItem().getViewBox().viewRange()[0]
        assert x_range[1] <= 1.5, x_range


def test_after_divergence_the_fitted_line_stays_in_view(qtbot, window):
    window.load_session(SessionConfig(training=TrainingConfig(lr=0.2, steps=500)))
    train(qtbot, window, 500)
    assert window.state == "Diverged"
    x, y = window.fit_plot.fit.getData()
    finite = y[np.isfinite(y)]
    (_, _), (low, high) = window.fit_plot.plot.getPlotItem().getViewBox().viewRange()
    assert len(finite) and low <= finite.min() and finite.max() <= high


def test_axis_labels_are_not_clipped_on_the_left(window):
    window.load_session(examples()[2])
    window.resize(1280, 720)
    QApplication.processEvents()
    for plot in (window.params_plot.values_plot, window.params_plot.grads_plot, window.loss_plot.plot):
        label = plot.getPlotItem().getAxis("left").label
        assert label.sceneBoundingRect().left() >= 0, label.toPlainText()


def test_the_loss_plot_starts_on_a_log_scale_as_the_readme_says(window):
    from pathlib import Path

    assert window.loss_plot.log_scale.isChecked()
    assert window.loss_plot.plot.getPlotItem().getAxis("left").logMode
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "the loss (log scale" in readme


def test_a_finished_run_says_how_to_train_on(qtbot, window):
    train(qtbot, window, 20)
    assert window.state == "Finished" and not window.train_action.isEnabled()
    message = window.statusBar().currentMessage()
    assert "Finished 20 steps" in message and "raise Steps" in message and "Reset" in message


def test_every_setting_is_in_one_file(qtbot):
    """The language went to GradStudio.conf (QSettings' native format) and the layout to GradStudio.ini."""
    from gui.main_window import APPLICATION, ORGANIZATION

    app = QApplication.instance()
    names = app.organizationName(), app.applicationName()
    app.setOrganizationName(ORGANIZATION)   # as run_app names the application
    app.setApplicationName(APPLICATION)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.set_language("en")
        assert QSettings().fileName() == app_settings().fileName() == window.settings.fileName()
        assert app_settings().value("view/language") == "en"
        window.close()
    finally:
        app.setOrganizationName(names[0])
        app.setApplicationName(names[1])


def test_a_language_chosen_before_the_settings_were_one_file_is_still_used():
    from gui import i18n

    app = QApplication.instance()
    older = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, app.organizationName(),
                      app.applicationName())
    older.setValue(i18n.SETTING, "zh_CN")
    older.sync()
    try:
        assert QSettings().value(i18n.SETTING) is None
        assert i18n.saved_language() == "zh_CN"
    finally:
        older.remove(i18n.SETTING)
