"""Training without a window: building a trainer from settings, the run's phases as the worker trains,
stops at the step limit and is held at rest, all reported through signals."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject

from engine.session import SessionConfig, Trainer, TrainingConfig
from engine.session.run_state import Phase, TrainBlock

from gui.training import Training


def make_training(valid: list[bool]) -> tuple[Training, list, QObject]:
    """A Training whose settings are valid while valid[0]; it records its phases."""
    owner = QObject()
    training = Training(owner, Trainer, settings_valid=lambda: valid[0], engine_kind=lambda: "eager")
    phases: list[Phase] = []
    training.phase_changed.connect(phases.append)
    # stands in for the window: each update counts as drawn at once
    training.updated.connect(lambda update: training.run.control.mark_delivered())
    return training, phases, owner


def test_invalid_settings_leave_no_trainer_and_block_train(qtbot):
    training, phases, _owner = make_training([False])
    changed = []
    training.trainer_changed.connect(lambda: changed.append(training.trainer))
    assert not training.rebuild(SessionConfig(), valid=False)
    assert changed == [None] and phases == [Phase.INVALID]
    assert training.train_block() is TrainBlock.INVALID_SETTINGS and not training.train()


def test_a_run_trains_to_its_step_limit_and_finishes(qtbot):
    training, phases, _owner = make_training([True])
    config = SessionConfig(training=TrainingConfig(steps=30))
    assert training.rebuild(config, valid=True) and training.trainer.step == 0
    assert training.trainer.config.training.steps is None   # the worker enforces the limit, so it can change live
    training.state.max_steps = 30
    ended = []
    training.ended.connect(ended.append)
    assert training.train() and training.is_training()
    qtbot.waitUntil(lambda: bool(ended), timeout=20_000)
    assert ended[0].reason == "finished" and training.trainer.step == 30 and training.run is None
    assert phases == [Phase.READY, Phase.TRAINING, Phase.FINISHED]
    assert training.train_block() is TrainBlock.STEP_LIMIT
    training.apply_live_settings(lr=None, max_steps=40)   # raising the limit lets it go on
    assert training.state.phase is Phase.STOPPED and training.can_train()


def test_at_rest_joins_the_worker_and_restarts_it_paused(qtbot):
    training, phases, _owner = make_training([True])
    training.rebuild(replace(SessionConfig(), training=TrainingConfig(steps=None)), valid=True)
    assert training.step_once()
    qtbot.waitUntil(lambda: training.trainer.step == 1 and training.run.control.asleep, timeout=20_000)
    rested, running_inside = [], []
    training.rest_ended.connect(lambda: rested.append(True))
    with training.at_rest():
        running_inside.append(training.run)
        training.trainer.set_lr(0.5)   # nothing else touches the trainer in here
    assert running_inside == [None] and rested == [True]
    assert training.run is not None and training.run.control.paused and training.state.phase is Phase.PAUSED
    training.end_run()
