"""The trainer the window trains: built from the forms' settings (big ones off the GUI thread), run on
the worker thread, steered by the run state (engine/session/run_state.py). It draws nothing: it says
what happened through signals, and the window draws."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from engine.session import SessionConfig, Trainer
from engine.session.memory import BACKGROUND_BUILD_BYTES, step_bytes
from engine.session.run_state import Phase, RunState, StepRate, TrainBlock

from gui.worker import RunEnd, TrainingRun, TrainingUpdate

TrainerFactory = Callable[[SessionConfig], Trainer]


class Training(QObject):
    """Owns the trainer, the config it was built from, its worker run and the run state.

    `settings_valid()` says whether the forms hold valid settings (Train needs them); `engine_kind()`
    how the next run executes its steps (the Training form's Engine choice, read at each start).
    """

    trainer_changed = Signal()        # a new trainer, or none (settings invalid, or being built)
    build_failed = Signal(object)     # the exception building raised (a ConfigError names its field)
    updated = Signal(object)          # a TrainingUpdate of the current run: the worker waits for mark_delivered
    ended = Signal(object)            # the current run's RunEnd, after the phase has changed
    phase_changed = Signal(object)    # the new Phase
    rest_ended = Signal()             # a run stopped by at_rest() carries on: what it trained is in the history
    _built = Signal(object, object, object)   # build token, config, Trainer or the exception building raised

    def __init__(self, parent: QObject, trainer_factory: TrainerFactory,
                 settings_valid: Callable[[], bool], engine_kind: Callable[[], str]) -> None:
        super().__init__(parent)
        self.trainer_factory = trainer_factory
        self.settings_valid, self.engine_kind = settings_valid, engine_kind
        self.trainer: Trainer | None = None
        self.trainer_config: SessionConfig | None = None  # what the forms said when the trainer was built
        self.run: TrainingRun | None = None
        self.state = RunState()
        self.state.observe(self.phase_changed.emit)
        self.rate = StepRate()
        self._applied_lr: float | None = None
        self._building: object | None = None   # the token of a trainer being built in the background
        self._built.connect(self._on_built)

    # ----- what the window asks ---------------------------------------------------------------

    def step(self) -> int | None:
        return self.trainer.step if self.trainer is not None else None

    def has_progress(self) -> bool:
        return self.trainer is not None and self.trainer.step > 0

    def is_training(self) -> bool:
        return self.run is not None and not self.run.control.paused

    def run_active(self) -> bool:
        """A worker may be inside a step (it exists and is not asleep): the trainer must not be read."""
        return self.run is not None and not self.run.control.asleep

    def at_step_limit(self) -> bool:
        return self.state.at_step_limit(self.step())

    def train_block(self) -> TrainBlock | None:
        diverged = self.trainer is not None and self.trainer.diverged
        return self.state.train_block(self.step(), diverged, self.settings_valid())

    def can_train(self) -> bool:
        return self.train_block() is None

    def shown_rate(self) -> float | None:
        return self.rate.rate if self.is_training() else None

    # ----- building the trainer -------------------------------------------------------------

    def rebuild(self, config: SessionConfig, valid: bool, prebuilt: Trainer | None = None) -> bool:
        """A fresh trainer from `config` (or `prebuilt`, built from it already); False when the
        settings are invalid, building failed, or it is being built in the background."""
        self.end_run()
        self._building = None   # a build still running in the background is superseded
        if not valid:
            self._set_trainer(None, None)
            self.state.set_phase(Phase.INVALID)
            return False
        # The worker enforces the step limit itself, so that it can be raised mid-run.
        build_config = replace(config, training=replace(config.training, steps=None))
        if prebuilt is None and step_bytes(build_config) > BACKGROUND_BUILD_BYTES:
            self._build_in_background(config, build_config)
            return False
        try:
            trainer = prebuilt if prebuilt is not None else self.trainer_factory(build_config)
        except Exception as error:
            return self._on_built(None, config, error)
        return self._install(trainer, config)

    def _build_in_background(self, config: SessionConfig, build_config: SessionConfig) -> None:
        """Big models take seconds to build (data, parameters, a first forward): never on this thread."""
        self._set_trainer(None, None)
        token = self._building = object()

        def build() -> None:
            try:
                result = self.trainer_factory(build_config)
            except Exception as error:  # shown by _on_built, on the GUI thread
                result = error
            if shiboken6.isValid(self):   # the window may have closed meanwhile
                try:
                    self._built.emit(token, config, result)
                except RuntimeError:
                    pass

        self.state.set_phase(Phase.PREPARING)
        threading.Thread(target=build, daemon=True).start()

    @Slot(object, object, object)
    def _on_built(self, token, config: SessionConfig, result) -> bool:
        if token is not self._building:   # superseded by newer settings, or built in the foreground
            return False
        self._building = None
        if isinstance(result, Exception):
            self.build_failed.emit(result)
            self.trainer, self.trainer_config = None, None   # what the plots show stays, beside the message
            self.state.set_phase(Phase.INVALID)
            return False
        return self._install(result, config)

    def _install(self, trainer: Trainer, config: SessionConfig) -> bool:
        self._applied_lr = config.training.lr
        self._set_trainer(trainer, config)
        self.state.set_phase(Phase.READY)
        return True

    def _set_trainer(self, trainer: Trainer | None, config: SessionConfig | None) -> None:
        self.trainer, self.trainer_config = trainer, config
        self.trainer_changed.emit()

    # ----- what may change while running ----------------------------------------------------

    def apply_live_settings(self, lr: float | None, max_steps: int | None) -> None:
        """The learning rate and the step limit change a run in place (everything else needs a new trainer)."""
        self.state.max_steps = max_steps
        if lr is not None and lr != self._applied_lr and self.trainer is not None:
            self._applied_lr = lr
            if self.run is not None:
                self.run.control.set_lr(lr)
            else:
                self.trainer.set_lr(lr)
        if self.run is not None:
            self.run.control.set_max_steps(max_steps)
        self.state.limit_changed(self.step())

    # ----- the run ---------------------------------------------------------------------------

    def train(self) -> bool:
        """Start or resume training; False when it may not (see train_block)."""
        if not self.can_train():
            return False
        if self.run is None:
            self._start_run(paused=False)
        else:
            self.run.control.resume()
        self.state.set_phase(Phase.TRAINING)
        return True

    def pause(self) -> None:
        if self.run is not None:
            self.run.control.pause()
        self.state.set_phase(Phase.PAUSED)

    def step_once(self) -> bool:
        if not self.can_train():
            return False
        if self.run is None:
            self._start_run(paused=True)
        self.run.control.request_step()
        self.state.set_phase(Phase.PAUSED)
        return True

    def stop(self) -> None:
        if self.run is not None:
            self.run.control.stop()

    def _start_run(self, paused: bool) -> None:
        self.trainer.engine_kind = self.engine_kind()
        self.run = TrainingRun(self.trainer, self.state.max_steps, paused=paused)
        self.run.worker.update.connect(self._on_update)
        self.run.worker.ended.connect(self._on_run_ended)
        self.rate.start(self.trainer.step)
        self.run.start()

    def end_run(self, wait_ms: int = 10_000) -> None:
        """Stop the worker (if any) and wait for its thread: nothing may touch the trainer after this.
        One still inside a long step after `wait_ms` is detached (see TrainingRun.detach)."""
        if self.run is not None:
            run, self.run = self.run, None
            if not run.shutdown(wait_ms):
                run.detach()

    @contextmanager
    def at_rest(self) -> Iterator[None]:
        """Stop the worker while the trainer is read or changed, then carry on as before.

        The run is joined (nothing touches the trainer inside), then restarted running or paused
        as it was; `rest_ended` lets the window draw the steps trained since the last update.
        """
        if self.run is None:
            yield
            return
        paused = self.run.control.paused
        self.end_run()
        try:
            yield
        finally:
            self.rest_ended.emit()
            if self.trainer is not None and self.can_train():
                self._start_run(paused=paused)
                if paused:
                    self.state.set_phase(Phase.PAUSED)
            else:
                self.state.set_phase(Phase.STOPPED)

    @Slot(object)
    def _on_update(self, update: TrainingUpdate) -> None:
        if self.run is None or update.run_id != self.run.run_id:
            return  # from a run already ended by Reset
        self.rate.measure(update.snapshot.step)
        self.updated.emit(update)

    @Slot(object)
    def _on_run_ended(self, end: RunEnd) -> None:
        if self.run is None or end.run_id != self.run.run_id:
            return
        self.end_run()
        self.rate.stop()
        self.state.run_ended(end.reason)
        self.ended.emit(end)
