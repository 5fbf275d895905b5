"""The training run's state without Qt: its phase, the step limit, which settings may change while it
runs, and the steps-per-second meter. The window shows it; the worker (gui/worker.py) carries it out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from enum import Enum, StrEnum

from engine.session.config import SessionConfig


class Phase(StrEnum):
    """Where the run stands. The values are stable English keys (the window translates them for display)."""

    READY = "Ready"                # idle: a trainer at step 0
    PREPARING = "Preparing"        # a big trainer is being built in the background
    INVALID = "Invalid settings"   # the forms have errors: there is no trainer
    TRAINING = "Training"
    PAUSED = "Paused"
    STOPPED = "Stopped"            # idle after some steps, below the step limit
    FINISHED = "Finished"          # the step limit was reached
    DIVERGED = "Diverged"          # NaN/Inf: training cannot go on without a reset

    @property
    def style_key(self) -> str:
        """The stylesheet's name for it (`QLabel#stateLabel[state="invalid"]`)."""
        return self.value.split()[0].lower()


class TrainBlock(Enum):
    """Why Train is disabled (None when it is not)."""

    INVALID_SETTINGS = "invalid"
    NO_TRAINER = "no_trainer"      # being built, or building failed
    DIVERGED = "diverged"
    STEP_LIMIT = "step_limit"


# How a worker's run ended (gui.worker.RunEnd.reason) → the phase it leaves.
_END_PHASES = {"finished": Phase.FINISHED, "diverged": Phase.DIVERGED}

# A running trainer takes these training settings in place; any other change needs a new trainer.
LIVE_TRAINING_SETTINGS = ("lr", "steps")


def without_live_settings(config: SessionConfig) -> SessionConfig:
    """The config minus what a running trainer can change in place (learning rate, step count) and its name."""
    return replace(config, name="", training=replace(config.training, lr=0.0, steps=None))


def needs_new_trainer(config: SessionConfig, built_from: SessionConfig | None) -> bool:
    """Whether `config` differs from the one the trainer was built from in more than the live settings."""
    return built_from is None or without_live_settings(config) != without_live_settings(built_from)


class RunState:
    """The phase and the step limit of the window's run; observers are called on every phase change.

    The trainer's own facts (its step, whether it diverged) are passed in, never copied, so the state
    cannot drift from the trainer.
    """

    def __init__(self, phase: Phase = Phase.READY, max_steps: int | None = None) -> None:
        self.phase = phase
        self.max_steps = max_steps   # None: train until stopped
        self._observers: list[Callable[[Phase], None]] = []

    def observe(self, callback: Callable[[Phase], None]) -> None:
        self._observers.append(callback)

    def set_phase(self, phase: Phase) -> None:
        self.phase = Phase(phase)
        for callback in list(self._observers):
            callback(self.phase)

    # ----- the step limit ------------------------------------------------------------------

    def at_step_limit(self, step: int | None) -> bool:
        """`step` None: there is no trainer."""
        return step is not None and self.max_steps is not None and step >= self.max_steps

    def train_block(self, step: int | None, diverged: bool, settings_valid: bool) -> TrainBlock | None:
        """Why Train (and Step) may not run now; None when they may."""
        if not settings_valid:
            return TrainBlock.INVALID_SETTINGS
        if step is None:
            return TrainBlock.NO_TRAINER
        if diverged:
            return TrainBlock.DIVERGED
        if self.at_step_limit(step):
            return TrainBlock.STEP_LIMIT
        return None

    # ----- transitions ---------------------------------------------------------------------

    def limit_changed(self, step: int | None) -> None:
        """The step limit was edited: a finished run below its new limit may go on."""
        if self.phase is Phase.FINISHED and not self.at_step_limit(step):
            self.set_phase(Phase.STOPPED)

    def run_ended(self, reason: str) -> None:
        """The worker ended: "finished", "diverged", "stopped" or "error"."""
        self.set_phase(_END_PHASES.get(reason, Phase.STOPPED))

    def restored(self, step: int, diverged: bool) -> None:
        """A trainer restored from a file: the phase its run had reached."""
        if diverged:
            self.set_phase(Phase.DIVERGED)
        elif self.at_step_limit(step):
            self.set_phase(Phase.FINISHED)
        else:
            self.set_phase(Phase.READY if step == 0 else Phase.STOPPED)

    def shown(self, settings_valid: bool, training: bool) -> Phase:
        """What the state label shows: invalid settings win over an idle phase, never over a running one."""
        return Phase.INVALID if not settings_valid and not training else self.phase


class StepRate:
    """Steps per second, smoothed over quarter-second windows, for the status bar."""

    WINDOW_S = 0.25

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.rate: float | None = None
        self._mark: tuple[float, int] | None = None

    def start(self, step: int) -> None:
        self.rate, self._mark = None, (self._clock(), step)

    def stop(self) -> None:
        self.rate = None

    def measure(self, step: int) -> float | None:
        now = self._clock()
        if self._mark is None:
            self._mark = (now, step)
            return self.rate
        then, then_step = self._mark
        if now - then >= self.WINDOW_S:
            rate = (step - then_step) / (now - then)
            self.rate = rate if self.rate is None else 0.5 * self.rate + 0.5 * rate
            self._mark = (now, step)
        return self.rate
