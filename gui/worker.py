"""The training worker: drives the Trainer in a QThread (blocks of `train_steps` while running, one
eager step per Step), steered through thread-safe state."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from engine.session import Snapshot, Trainer
from engine.session.history import steps_to_next_sample, wants_sample

# Snapshots reach the GUI at most this often, whatever the step rate: more would only
# queue up redraws the eye cannot see, and each redraw takes the GIL from training.
SNAPSHOT_INTERVAL_S = 1 / 30
# Drawing an update is Python (pyqtgraph) on the GUI thread, competing with training for
# the GIL. Rather than let the two interleave (every C++-to-Python call of a repaint then
# waits up to the interpreter's 5 ms switch interval: a 20 ms repaint took hundreds of ms
# and the event loop starved), the worker sleeps while the GUI draws, and spaces updates
# so that drawing gets at most this share of the time.
GUI_SHARE = 0.2
# Between updates the GUI still has events to handle (timers, input, Qt's own repaints),
# and each call from Qt into a Python object needs the GIL, which a worker that never
# blocks hands over only after OS wake-ups that took tens of ms here (event-loop p99
# 65-100 ms). So training also pauses briefly this often: a window for those events.
GIL_BREAK_EVERY_S = 0.01
GIL_BREAK_S = 0.0002
# A safety net only: the GUI always marks an update delivered (a modal dialog runs its own
# event loop, closing sets it), and the window reads the trainer while the worker waits.
DELIVERY_TIMEOUT_S = 5.0
# While running, steps go in blocks sized to take about this long (one call of the compiled step,
# which releases the GIL): the window never waits on Python per step, and pauses, learning-rate
# changes and updates still come within a frame.
BLOCK_S = 0.01
MAX_BLOCK = 1 << 20
# A compiled run makes hundreds of thousands of losses between two updates; the loss plot gets
# each bucket's lowest and highest instead (peak decimation: spikes stay visible), so drawing
# costs the same at any step rate.
MAX_POINTS_PER_UPDATE = 2048


@dataclass
class TrainingUpdate:
    """What the GUI receives: the newest snapshot and every loss since the previous update."""

    run_id: int  # which run sent it: updates of a run already reset are dropped
    snapshot: Snapshot
    steps: np.ndarray  # step numbers, one per training step since the last update
    losses: np.ndarray
    samples: list[Snapshot]  # parameter history since the last update (see wants_sample), oldest first
    engine_status: str = "eager"  # "eager", "compiling" or "compiled": how the blocks of steps run
    engine_reason: str | None = None  # why they run eagerly, when they do
    engine_message: str = ""  # the status bar's words for the two above


@dataclass
class RunEnd:
    """Why a run ended: "finished" (step limit), "stopped" (by the user), "diverged" or "error"."""

    run_id: int
    reason: str
    message: str


class TrainingControl:
    """Commands from the GUI thread to the worker, read by the worker before every step.

    The worker's event loop is busy running the trainer, so queued slots would never be
    delivered; this lock-protected state is what the loop polls instead. While paused
    the worker sleeps on the condition rather than spinning.
    """

    def __init__(self, max_steps: int | None, paused: bool = False):
        self._cond = threading.Condition()
        self._paused = paused
        self._stop = False
        self._pending_steps = 0  # single steps requested while paused
        self._lr: float | None = None  # new learning rate, applied at the next step
        self._max_steps = max_steps
        self._delivered = threading.Event()  # set when the GUI has drawn the last update
        self._waiting = False  # the worker sleeps in next_command (paused, between steps)
        self.drawing_wait_s = 0.0  # time the worker has spent waiting for the GUI to draw (the window's cost)
        self._delivered.set()

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def request_step(self) -> None:
        """Pause (if running) and run exactly one more step."""
        with self._cond:
            self._paused = True
            self._pending_steps += 1
            self._cond.notify_all()

    def begin_delivery(self) -> None:
        self._delivered.clear()

    def wait_delivered(self, timeout: float) -> bool:
        """Sleep (without the GIL) until the GUI has drawn the update; False on timeout."""
        began = time.perf_counter()
        try:
            return self._delivered.wait(timeout)
        finally:
            self.drawing_wait_s += time.perf_counter() - began

    def mark_delivered(self) -> None:
        """The GUI has drawn the last update: the worker may go on."""
        self._delivered.set()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._delivered.set()  # a worker waiting for a window that is closing must not wait

    def set_lr(self, lr: float) -> None:
        with self._cond:
            self._lr = lr

    def set_max_steps(self, max_steps: int | None) -> None:
        with self._cond:
            self._max_steps = max_steps
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        with self._cond:
            return self._paused

    @property
    def asleep(self) -> bool:
        """The paused worker sleeps between steps and stays asleep until the GUI thread wakes it, so
        that thread may read the trainer (to build the graph of the step it paused at)."""
        with self._cond:
            return self._waiting and self._must_wait()

    def _must_wait(self) -> bool:
        return not self._stop and self._paused and self._pending_steps == 0

    def next_command(self, before_wait: Callable[[], None]) -> tuple[str, float | None, int | None]:
        """Block while paused; return ("stop" | "run" | "step", new lr or None, step limit).

        `before_wait` runs just before the worker goes to sleep, so the GUI sees the
        exact state the run paused at.
        """
        with self._cond:
            must_wait = self._must_wait()
        if must_wait:
            before_wait()
            with self._cond:
                self._waiting = True
                while self._must_wait():
                    self._cond.wait()
                self._waiting = False
        with self._cond:
            lr, self._lr = self._lr, None
            if self._stop:
                return "stop", lr, self._max_steps
            if self._paused:
                self._pending_steps -= 1
                return "step", lr, self._max_steps
            return "run", lr, self._max_steps


class TrainingWorker(QObject):
    """Runs the trainer's generator until the step limit, a stop request or divergence."""

    update = Signal(object)  # TrainingUpdate
    ended = Signal(object)  # RunEnd

    def __init__(self, trainer: Trainer, control: TrainingControl, run_id: int = 0):
        super().__init__()
        self.run_id = run_id
        self.trainer = trainer
        self.control = control
        self._steps: list[np.ndarray] = []   # chunks: one per step or per block of steps
        self._losses: list[np.ndarray] = []
        self._block = 1  # steps per train_steps call, adapted to take about BLOCK_S
        self._samples: list[Snapshot] = []
        self._emitted_step = -1  # the step the GUI last saw, so pausing twice does not resend it
        self._next_update = 0.0  # monotonic time of the next update while running
        self._next_break = 0.0   # monotonic time of the next pause for the GUI's events

    def _sample(self) -> Snapshot:
        snapshot = self.trainer.snapshot()
        self._samples.append(snapshot)
        return snapshot

    def _flush(self) -> bool:
        """Send what the GUI has not seen yet: losses, parameter samples and the current snapshot."""
        step = self.trainer.step
        if step == self._emitted_step and not self._losses:
            return False
        latest = self._samples[-1] if self._samples and self._samples[-1].step == step else self._sample()
        steps = np.concatenate(self._steps).astype(float) if self._steps else np.empty(0)
        losses = np.concatenate(self._losses).astype(float) if self._losses else np.empty(0)
        steps, losses = peak_decimated(steps, losses, MAX_POINTS_PER_UPDATE)
        trainer = self.trainer
        status, reason = trainer.engine_status, trainer.engine_reason
        update = TrainingUpdate(self.run_id, latest, steps, losses, self._samples, status, reason,
                                self._engine_message(status, reason))
        self._steps, self._losses, self._samples = [], [], []
        self._emitted_step = step
        self.update.emit(update)
        return True

    def _flush_and_wait(self) -> None:
        """Send an update while running, sleep while the GUI draws it, and schedule the next one."""
        self.control.begin_delivery()
        if not self._flush():
            return
        sent_at = time.monotonic()   # the GUI's share is its drawing, not the worker's packing of the update
        self.control.wait_delivered(DELIVERY_TIMEOUT_S)
        drawn_at = time.monotonic()
        drawing = drawn_at - sent_at
        self._next_update = max(sent_at + SNAPSHOT_INTERVAL_S, drawn_at + drawing * (1 - GUI_SHARE) / GUI_SHARE)

    @Slot()
    def run(self) -> None:
        trainer = self.trainer
        steps = trainer.run()
        end = RunEnd(self.run_id, "stopped", self.tr("Stopped"))
        if trainer.step == 0:
            self._sample()  # the starting point belongs in the parameter history
        try:
            while True:
                command, lr, max_steps = self.control.next_command(self._flush)
                if command == "stop":
                    break
                if lr is not None:
                    trainer.set_lr(lr)
                if max_steps is not None and trainer.step >= max_steps:
                    end = self._finished()
                    break
                if command == "step":  # exactly one step, eager (as the graph views show it)
                    try:
                        loss = next(steps)
                    except StopIteration:
                        end = self._end_of_generator()
                        break
                    if trainer.diverged:
                        end = RunEnd(self.run_id, "diverged", trainer.diverged)
                        break
                    self._steps.append(np.array([trainer.step]))
                    self._losses.append(np.array([loss]))
                    if wants_sample(trainer.step):
                        self._sample()
                    self._flush()
                    continue
                if not self._run_block(max_steps):
                    end = self._end_of_generator()
                    break
                now = time.monotonic()
                if now >= self._next_update:
                    self._flush_and_wait()
                elif now >= self._next_break:
                    time.sleep(GIL_BREAK_S)
                    self._next_break = now + GIL_BREAK_EVERY_S
        except Exception as exc:  # a bug or an engine error must reach the user, not end the thread silently
            end = RunEnd(self.run_id, "error",
                         self.tr("Training failed: {0}").format(f"{type(exc).__name__}: {exc}"))
        finally:
            steps.close()
        self._flush()
        self.ended.emit(end)

    def _engine_message(self, status: str, reason: str | None) -> str:
        if status == "compiling":
            return self.tr("Training step: compiling…")
        if status == "compiled":
            return self.tr("Training step: compiled")
        if reason and self.trainer.engine_kind == "compiled":
            return self.tr("Training step: eager ({0})").format(reason)
        return ""

    def _run_block(self, max_steps: int | None) -> int:
        """A block of steps (compiled once the trainer's step compiles); how many ran."""
        trainer = self.trainer
        first = trainer.step
        # blocks end where the Parameters plot keeps a sample (few: see wants_sample)
        block = min(self._block, steps_to_next_sample(first))
        if max_steps is not None:
            block = max(min(block, max_steps - first), 1)
        began = time.perf_counter()
        done = trainer.train_steps(block)
        elapsed = time.perf_counter() - began
        if done:
            rate = done / max(elapsed, 1e-7)
            self._block = int(min(max(rate * BLOCK_S, 1), MAX_BLOCK))
            # decimated as they come, so what waits for the next update stays small at any step rate
            steps, losses = peak_decimated(np.arange(first + 1, first + done + 1), trainer.block_losses,
                                           MAX_POINTS_PER_UPDATE)
            self._steps.append(steps)
            self._losses.append(losses)
            if wants_sample(trainer.step):
                self._sample()
        return done if trainer.diverged is None else 0

    def _end_of_generator(self) -> RunEnd:
        if self.trainer.diverged:
            return RunEnd(self.run_id, "diverged", self.trainer.diverged)
        return self._finished()

    def _finished(self) -> RunEnd:
        return RunEnd(self.run_id, "finished", self.tr("Finished {0} steps").format(f"{self.trainer.step:,}"))


def peak_decimated(steps: np.ndarray, values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_points` of (steps, values): the lowest and the highest value of each of
    max_points / 2 equal buckets, in step order; NaN and Inf count as the highest, so a
    diverging loss always shows."""
    n = len(values)
    if n <= max_points:
        return steps, values
    buckets = max_points // 2
    size = -(-n // buckets)
    finite = np.isfinite(values)
    low_key = np.full(buckets * size, np.inf)  # padding never wins either slot
    high_key = np.full(buckets * size, -np.inf)
    low_key[:n] = np.where(finite, values, np.inf)
    high_key[:n] = np.where(finite, values, np.inf)
    offsets = np.arange(buckets) * size
    low = low_key.reshape(buckets, size).argmin(axis=1) + offsets
    high = high_key.reshape(buckets, size).argmax(axis=1) + offsets
    index = np.unique(np.minimum(np.concatenate([low, high]), n - 1))
    return steps[index], values[index]


class TrainingRun:
    """One worker on its own QThread; owns both and knows how to shut them down."""

    _next_id = 0

    def __init__(self, trainer: Trainer, max_steps: int | None, paused: bool = False):
        TrainingRun._next_id += 1
        self.run_id = TrainingRun._next_id
        self.control = TrainingControl(max_steps, paused=paused)
        self.thread = QThread()
        self.thread.setObjectName("GradStudio training")
        self.worker = TrainingWorker(trainer, self.control, self.run_id)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: quit() is thread-safe, and the worker thread's own loop is what must stop.
        self.worker.ended.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop the worker and wait for its thread; True when it has ended."""
        self.control.stop()
        self.thread.quit()
        return self.thread.wait(timeout_ms)

    def detach(self) -> None:
        """Leave a stopped worker that is still inside a long step to end on its own (it stops at the
        step's end): it is kept referenced until its thread finishes, so Qt never destroys a running
        thread; a process that quits meanwhile ends through `exit_now_if_detached`."""
        _detached.add(self)
        self.thread.finished.connect(lambda: _detached.discard(self))


_detached: set[TrainingRun] = set()


def detached_runs() -> int:
    """How many detached workers are still inside their step."""
    return sum(1 for run in _detached if run.thread.isRunning())


def exit_now_if_detached(code: int) -> None:
    """At the app's end: with a worker still inside a step there is nothing left to save (the window
    closed after asking), and waiting would hang while tearing down would abort: leave at once."""
    if detached_runs():
        import os
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
