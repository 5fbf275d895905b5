"""The run state without Qt: phases, the step limit, what blocks Train, the transitions the window
relies on, which settings a running trainer takes in place, and the steps-per-second meter."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine.session import SessionConfig, TrainingConfig
from engine.session.run_state import (LIVE_TRAINING_SETTINGS, Phase, RunState, StepRate, TrainBlock,
                                      needs_new_trainer, without_live_settings)


def test_phases_are_an_enum_with_stable_keys_and_style_names():
    assert Phase("Paused") is Phase.PAUSED and Phase.PAUSED == "Paused"
    assert Phase.INVALID.style_key == "invalid" and Phase.TRAINING.style_key == "training"
    assert {phase.style_key for phase in Phase} >= {"ready", "training", "paused", "finished", "diverged"}


def test_observers_hear_every_phase_change():
    state, heard = RunState(), []
    state.observe(heard.append)
    state.set_phase(Phase.TRAINING)
    state.set_phase("Paused")   # a key converts to the enum
    assert heard == [Phase.TRAINING, Phase.PAUSED] and state.phase is Phase.PAUSED


@pytest.mark.parametrize("max_steps, step, at_limit", [
    (None, 10**9, False),   # until stopped: never
    (500, 499, False), (500, 500, True), (500, 501, True),
    (500, None, False),     # no trainer: no limit to reach
])
def test_step_limit(max_steps, step, at_limit):
    assert RunState(max_steps=max_steps).at_step_limit(step) is at_limit


@pytest.mark.parametrize("step, diverged, valid, block", [
    (0, False, True, None),
    (3, False, False, TrainBlock.INVALID_SETTINGS),     # invalid settings come first
    (None, False, True, TrainBlock.NO_TRAINER),         # being built
    (3, True, True, TrainBlock.DIVERGED),
    (10, True, True, TrainBlock.DIVERGED),              # diverged wins over the step limit
    (10, False, True, TrainBlock.STEP_LIMIT),
])
def test_what_blocks_train(step, diverged, valid, block):
    assert RunState(max_steps=10).train_block(step, diverged, valid) is block


def test_raising_the_limit_of_a_finished_run_lets_it_go_on():
    state = RunState(Phase.FINISHED, max_steps=10)
    state.limit_changed(10)
    assert state.phase is Phase.FINISHED
    state.max_steps = 20
    state.limit_changed(10)
    assert state.phase is Phase.STOPPED
    state = RunState(Phase.PAUSED, max_steps=5)
    state.limit_changed(10)
    assert state.phase is Phase.PAUSED   # only a finished run changes


@pytest.mark.parametrize("reason, phase", [("finished", Phase.FINISHED), ("diverged", Phase.DIVERGED),
                                           ("stopped", Phase.STOPPED), ("error", Phase.STOPPED)])
def test_how_a_run_ended_sets_the_phase(reason, phase):
    state = RunState(Phase.TRAINING)
    state.run_ended(reason)
    assert state.phase is phase


@pytest.mark.parametrize("step, diverged, max_steps, phase", [
    (0, False, 100, Phase.READY), (40, False, 100, Phase.STOPPED), (100, False, 100, Phase.FINISHED),
    (40, True, 100, Phase.DIVERGED), (40, False, None, Phase.STOPPED),
])
def test_a_restored_run_stands_where_it_stopped(step, diverged, max_steps, phase):
    state = RunState(max_steps=max_steps)
    state.restored(step, diverged)
    assert state.phase is phase


def test_invalid_settings_show_over_an_idle_phase_never_over_training():
    state = RunState(Phase.PAUSED)
    assert state.shown(settings_valid=False, training=False) is Phase.INVALID
    assert state.shown(settings_valid=True, training=False) is Phase.PAUSED
    state.set_phase(Phase.TRAINING)
    assert state.shown(settings_valid=False, training=True) is Phase.TRAINING


def test_only_the_learning_rate_and_step_count_change_a_running_trainer():
    base = SessionConfig(training=TrainingConfig(lr=0.02, steps=500))
    assert set(LIVE_TRAINING_SETTINGS) == {"lr", "steps"}
    for live in (replace(base, training=replace(base.training, lr=0.5)),
                 replace(base, training=replace(base.training, steps=None)),
                 replace(base, name="renamed")):
        assert not needs_new_trainer(live, base)
    assert needs_new_trainer(replace(base, training=replace(base.training, seed=7)), base)
    assert needs_new_trainer(base, None)   # no trainer yet
    assert without_live_settings(base).training.lr == 0.0 and base.training.lr == 0.02   # a copy


def test_step_rate_is_smoothed_over_quarter_seconds():
    now = [100.0]
    rate = StepRate(clock=lambda: now[0])
    rate.start(0)
    now[0] += 0.1
    assert rate.measure(50) is None           # too soon to say
    now[0] += 0.15
    assert rate.measure(100) == pytest.approx(400.0)
    now[0] += 0.25
    assert rate.measure(300) == pytest.approx(0.5 * 400 + 0.5 * 800)
    rate.stop()
    assert rate.rate is None

