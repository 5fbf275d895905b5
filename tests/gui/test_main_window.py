"""The main window end to end: default example, training fills the plots, pause/step/resume, lr changes, errors, divergence."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from tests.gui.helpers import type_into


def start_until_stopped(qtbot, window: MainWindow, min_step: int = 5) -> None:
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.trainer.step >= min_step, timeout=20_000)


def wait_idle(qtbot, window: MainWindow, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: window.run is None, timeout=timeout)


def test_window_opens_on_the_default_example(window):
    assert "Linear regression" in window.windowTitle()
    assert window.model_editor.kind.currentData() == "linear"
    assert window.data_editor.truth.text() == "2*x + 3"
    assert window.training_editor.lr.text() == "0.02"
    assert window.data_editor.batch_size.value() == 4
    assert window.training_editor.optimizer.currentData() == "sgd"
    assert window.train_action.isEnabled()
    assert window.state == "Ready"
    assert len(window.fit_plot.points.getData()[0]) == 100  # the data is drawn before any training
    assert not window.windowIcon().isNull()


def test_training_lowers_the_loss_and_fills_every_plot(qtbot, window):
    window.training_editor.steps.setValue(300)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.state == "Finished"
    assert window.trainer.step == 300

    steps, losses = window.loss_plot.raw_curve.getData()
    assert len(steps) == 300 and steps[-1] == 300
    assert np.mean(losses[-50:]) < np.mean(losses[:5]) / 5
    assert len(window.loss_plot.smoothed_curve.getData()[0]) == 300
    assert len(window.fit_plot.fit.getData()[0]) > 10
    assert len(window.fit_plot.truth.getData()[0]) > 10
    assert window.params_plot.curve_names()[:2] == ["w", "b"]
    for curve in window.params_plot.curves():
        x, y = curve.getData()
        assert len(x) > 100  # every early step is sampled, not just the 30 Hz updates
    assert window.step_label.text() == "step 300"


def test_pause_step_and_resume_do_what_they_say(qtbot, window):
    start_until_stopped(qtbot, window)
    window.toggle_training()  # pause
    assert window.state == "Paused" and window.train_action.text() == "Resume"
    qtbot.wait(200)  # the worker finishes the step it is in, then sleeps
    paused_at = window.trainer.step
    qtbot.wait(300)
    assert window.trainer.step == paused_at

    window.step_once()
    qtbot.waitUntil(lambda: window.trainer.step == paused_at + 1, timeout=5000)
    qtbot.wait(200)
    assert window.trainer.step == paused_at + 1
    qtbot.waitUntil(lambda: window.step_label.text() == f"step {paused_at + 1:,}", timeout=5000)

    window.toggle_training()  # resume
    assert window.state == "Training"
    qtbot.waitUntil(lambda: window.trainer.step > paused_at + 20, timeout=10_000)


def test_step_from_ready_runs_exactly_one_step(qtbot, window):
    window.step_once()
    qtbot.waitUntil(lambda: window.trainer.step == 1, timeout=5000)
    qtbot.wait(200)
    assert window.trainer.step == 1 and window.state == "Paused"


def test_learning_rate_change_mid_run_reaches_the_trainer(qtbot, window):
    trainer = window.trainer
    seen: list[float] = []
    set_lr = trainer.set_lr
    trainer.set_lr = lambda lr: (seen.append(lr), set_lr(lr))
    start_until_stopped(qtbot, window)

    type_into(qtbot, window.training_editor.lr, "0.005")
    qtbot.waitUntil(lambda: 0.005 in seen, timeout=5000)
    assert window.trainer is trainer and window.run is not None  # no reset, the same run goes on
    assert seen[-1] == 0.005
    optimizer = getattr(trainer, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "param_groups"):
        assert optimizer.param_groups[0]["lr"] == 0.005


def test_a_typed_ground_truth_dividing_by_zero_says_so_at_the_field(qtbot, window):
    type_into(qtbot, window.data_editor.truth, "x + 1/0", commit=False)
    assert not window.train_action.isEnabled()
    assert window.data_editor.errors_for("data.truth") == ["'1/0' has no finite value: division by zero at column 5"]


def test_invalid_expression_blocks_train_with_its_message_and_keeps_the_text(qtbot, window):
    type_into(qtbot, window.data_editor.truth, "2*x + q", commit=False)
    assert not window.train_action.isEnabled()
    assert not window.step_action.isEnabled()
    messages = window.data_editor.errors_for("data.truth")
    assert messages and "q" in messages[0] and "column" in messages[0]
    assert window.data_editor.truth.property("invalid") is True
    assert window.data_editor.truth.text() == "2*x + q"

    window.toggle_training()  # Space while invalid does nothing
    assert window.run is None

    type_into(qtbot, window.data_editor.truth, "2*x + 3")
    assert window.train_action.isEnabled()
    assert window.data_editor.errors_for("data.truth") == []
    assert window.data_editor.truth.property("invalid") is False


def test_a_number_field_that_is_not_a_number_is_marked(qtbot, window):
    type_into(qtbot, window.data_editor.noise, "abc", commit=False)
    assert not window.train_action.isEnabled()
    assert "not a number" in window.data_editor.errors_for("data.noise_std")[0]
    assert window.data_editor.noise.text() == "abc"


def test_diverging_run_stops_with_a_message_and_keeps_finite_parameters(qtbot, window):
    type_into(qtbot, window.training_editor.lr, "1e6")
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.state == "Diverged"
    assert "learning rate" in window.last_message
    assert not window.train_action.isEnabled()
    snapshot = window.trainer.snapshot()
    assert all(np.all(np.isfinite(value)) for value in snapshot.params.values())
    assert window._message_box is not None and window._message_box.isVisible()

    window.reset()  # a Reset with a sane learning rate trains again
    type_into(qtbot, window.training_editor.lr, "0.02")
    window.reset()
    assert window.state == "Ready" and window.train_action.isEnabled()


def test_changing_the_data_during_a_run_asks_before_resetting(qtbot, window, monkeypatch):
    answers: list[bool] = []
    monkeypatch.setattr(window, "confirm_reset", lambda question: answers.pop(0))
    start_until_stopped(qtbot, window)
    trainer = window.trainer

    answers.append(False)  # keep training: the edit stays in the form, the run goes on
    type_into(qtbot, window.data_editor.truth, "3*x")
    assert window.trainer is trainer and window.run is not None
    assert window.data_editor.truth.text() == "3*x"
    type_into(qtbot, window.data_editor.truth, "3*x + 1")  # declined once: not asked again
    assert window.trainer is trainer

    window.toggle_training()  # pause
    window.reset()  # Reset applies the edited settings
    assert window.trainer is not trainer and window.trainer.step == 0
    assert window.trainer_config.data.truth == "3*x + 1"

    start_until_stopped(qtbot, window)
    answers.append(True)
    window.model_editor.kind.setCurrentIndex(window.model_editor.kind.findData("polynomial"))
    assert window.trainer_config.model.kind == "polynomial" and window.trainer.step == 0
    assert window.run is None and window.state == "Ready"


def test_edits_before_any_training_apply_without_asking(qtbot, window, monkeypatch):
    monkeypatch.setattr(window, "confirm_reset", lambda question: (_ for _ in ()).throw(AssertionError("asked")))
    type_into(qtbot, window.data_editor.truth, "-x + 1")
    assert window.trainer_config.data.truth == "-x + 1"
    y = window.fit_plot.truth.getData()[1]
    assert math.isclose(y[0], 1.0) and y[-1] < y[0]


def test_steps_can_be_raised_after_a_run_finished(qtbot, window):
    window.training_editor.steps.setValue(20)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.state == "Finished" and not window.train_action.isEnabled()
    window.training_editor.steps.setValue(40)
    assert window.train_action.isEnabled()
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.trainer.step == 40
    assert len(window.loss_plot.raw_curve.getData()[0]) == 40


def test_shortcuts_trigger_their_actions(qtbot, window):
    window.activateWindow()
    target = window.loss_plot.plot
    target.setFocus()
    window.training_editor.until_stopped.setChecked(True)
    qtbot.keyClick(target, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.trainer.step == 1, timeout=5000)
    assert window.state == "Paused"
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert window.state == "Training"
    qtbot.waitUntil(lambda: window.trainer.step > 3, timeout=10_000)
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert window.state == "Paused"
    qtbot.keyClick(target, Qt.Key.Key_Space)
    qtbot.keyClick(target, Qt.Key.Key_Escape)  # Stop
    qtbot.waitUntil(lambda: window.run is None, timeout=5000)
    assert window.state == "Stopped" and window.trainer.step > 3
    qtbot.keyClick(target, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.trainer.step == 0 and window.state == "Ready"


def test_space_in_a_text_field_types_a_space(qtbot, window):
    edit = window.data_editor.truth
    edit.setFocus()
    edit.end(False)
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    assert edit.text() == "2*x + 3 "
    assert window.run is None


def test_closing_during_training_stops_the_worker(qtbot, window):
    start_until_stopped(qtbot, window)
    thread = window.run.thread
    window.close()
    assert window.run is None
    assert thread.isFinished()


def test_dock_layout_is_remembered_between_runs(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.setup_dock)
    first.toolbar.hide()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert second.dockWidgetArea(second.setup_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not second.toolbar.isVisible()
    second.reset_layout()
    assert second.dockWidgetArea(second.setup_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.toolbar.isVisible()
    second.close()


def test_examples_menu_opens_each_example(qtbot, window):
    from gui.examples import examples

    for example in examples():
        window.open_example(example)
        assert window.trainer is not None, window.last_message
        assert window.model_editor.kind.currentData() == example.model.kind
        assert not window.errors


def test_a_csv_data_set_trains_with_its_column_names_on_the_axes(qtbot, window, tmp_path):
    path = tmp_path / "houses.csv"
    rows = "\n".join(f"{x},{3 * x - 1 + 0.1 * ((x * 7) % 3)},{x * x}" for x in range(40))
    path.write_text("size,price,other\n" + rows + "\n")
    editor = window.data_editor
    editor.source.setCurrentIndex(editor.source.findData("csv"))
    type_into(qtbot, editor.csv_path, str(path))
    editor.y_column.setCurrentIndex(editor.y_column.findText("price"))
    assert not window.errors, window.errors
    assert window.trainer_config.data.source == "csv" and window.trainer_config.data.y_column == "price"
    assert window.fit_plot.plot.getPlotItem().getAxis("bottom").labelText == "size"
    assert len(window.fit_plot.points.getData()[0]) == 40
    window.training_editor.steps.setValue(30)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=20_000)
    assert window.state in ("Finished", "Diverged"), window.last_message


def test_a_csv_path_that_does_not_exist_is_marked_at_the_field(qtbot, window, tmp_path):
    editor = window.data_editor
    editor.source.setCurrentIndex(editor.source.findData("csv"))
    type_into(qtbot, editor.csv_path, str(tmp_path / "missing.csv"))
    assert not window.train_action.isEnabled()
    assert editor.errors_for("data.csv_path") or window.last_message


def test_a_big_model_is_built_off_the_gui_thread_and_the_window_stays_responsive(qtbot, monkeypatch):
    import threading
    import time

    from engine.session import Trainer
    from gui import main_window
    from gui.main_window import MainWindow

    built_on = []

    def slow_factory(config):
        built_on.append(threading.current_thread() is threading.main_thread())
        time.sleep(1.0)          # as a 6×1024 MLP at batch 2.5·10⁵ takes 17-20 s
        return Trainer(config)

    monkeypatch.setattr(main_window, "BACKGROUND_BUILD_BYTES", 0)
    window = MainWindow(trainer_factory=slow_factory)
    qtbot.addWidget(window)
    assert window.state == "Preparing" and window.trainer is None and not window.train_action.isEnabled()
    ticks = []
    timer = main_window.QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    qtbot.waitUntil(lambda: window.state == "Ready", timeout=10_000)
    timer.stop()
    gaps = sorted(b - a for a, b in zip(ticks, ticks[1:]))
    assert built_on == [False] and window.trainer is not None and window.train_action.isEnabled()
    assert len(gaps) > 50 and gaps[int(len(gaps) * 0.99)] < 0.1
    window.close()


def test_settings_changed_while_a_model_builds_win(qtbot, monkeypatch):
    import time

    from engine.session import Trainer
    from gui import main_window
    from gui.main_window import MainWindow

    def slow_factory(config):
        time.sleep(0.3)
        return Trainer(config)

    monkeypatch.setattr(main_window, "BACKGROUND_BUILD_BYTES", 0)
    window = MainWindow(trainer_factory=slow_factory)
    qtbot.addWidget(window)
    window.training_editor.seed.setValue(7)
    window._rebuild_trainer()
    qtbot.waitUntil(lambda: window.state == "Ready", timeout=10_000)
    qtbot.wait(500)   # the first build has ended too, and was dropped
    assert window.trainer.config.training.seed == 7
    window.close()
