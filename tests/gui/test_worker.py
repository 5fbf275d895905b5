"""The training worker on its QThread: update throttling, the final update, pause/step/stop and lr changes through TrainingControl."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import QObject, Slot

from engine.session import Trainer

from gui.examples import default_session
from gui.worker import SNAPSHOT_INTERVAL_S, RunEnd, TrainingRun, TrainingUpdate, wants_sample


class Receiver(QObject):
    """Stands in for the window: takes updates on the GUI thread and releases the worker at once."""

    def __init__(self, run: TrainingRun):
        super().__init__()
        self.run = run
        self.updates: list[TrainingUpdate] = []
        self.ends: list[RunEnd] = []
        run.worker.update.connect(self.on_update)
        run.worker.ended.connect(self.on_end)

    @Slot(object)
    def on_update(self, update: TrainingUpdate) -> None:
        self.updates.append(update)
        self.run.control.mark_delivered()

    @Slot(object)
    def on_end(self, end: RunEnd) -> None:
        self.ends.append(end)


@pytest.fixture
def trainer():
    config = default_session()
    return Trainer(replace(config, training=replace(config.training, steps=None)))


def start(trainer, max_steps=None, paused=False) -> tuple[TrainingRun, Receiver]:
    run = TrainingRun(trainer, max_steps, paused=paused)
    receiver = Receiver(run)
    run.start()
    return run, receiver


def test_updates_are_throttled_in_time_and_carry_every_loss(qtbot, trainer):
    run, receiver = start(trainer)
    began = time.monotonic()
    qtbot.wait(1500)
    run.control.stop()
    qtbot.waitUntil(lambda: bool(receiver.ends), timeout=5000)
    elapsed = time.monotonic() - began
    assert run.thread.wait(5000)
    assert 3 <= len(receiver.updates) <= elapsed / SNAPSHOT_INTERVAL_S + 2
    steps = [s for u in receiver.updates for s in u.steps]
    assert steps == list(range(1, trainer.step + 1))  # every step's loss reached the GUI, once, in order
    assert receiver.updates[-1].snapshot.step == trainer.step  # the final update shows where it stopped
    assert receiver.ends[0].reason == "stopped"


def test_parameter_samples_are_dense_early_and_sparse_later():
    assert all(wants_sample(step) for step in range(1, 257))
    assert sum(wants_sample(step) for step in range(1, 1_000_001)) < 2000


def test_a_run_ends_at_its_step_limit(qtbot, trainer):
    run, receiver = start(trainer, max_steps=50)
    qtbot.waitUntil(lambda: bool(receiver.ends), timeout=10_000)
    assert receiver.ends[0].reason == "finished" and trainer.step == 50
    assert receiver.updates[-1].snapshot.step == 50
    assert [s.step for u in receiver.updates for s in u.samples][:3] == [0, 1, 2]


def test_paused_run_steps_one_at_a_time_and_applies_a_new_lr_first(qtbot, trainer):
    seen = []
    set_lr = trainer.set_lr
    trainer.set_lr = lambda lr: (seen.append((trainer.step, lr)), set_lr(lr))
    run, receiver = start(trainer, paused=True)
    qtbot.wait(200)
    assert trainer.step == 0
    run.control.set_lr(0.001)
    run.control.request_step()
    qtbot.waitUntil(lambda: trainer.step == 1, timeout=5000)
    qtbot.wait(200)
    assert trainer.step == 1 and seen == [(0, 0.001)]
    assert receiver.updates[-1].snapshot.step == 1
    run.control.resume()
    qtbot.waitUntil(lambda: trainer.step > 10, timeout=5000)
    assert run.shutdown()
    assert receiver.ends or run.thread.isFinished()


def test_shutdown_wakes_a_worker_waiting_for_the_gui(qtbot, trainer):
    run = TrainingRun(trainer, None)  # nobody marks updates delivered: the worker waits after each
    run.start()
    qtbot.wait(300)
    began = time.monotonic()
    assert run.shutdown(5000)
    assert time.monotonic() - began < 1.0


def test_quitting_while_a_training_step_takes_long_exits_0_at_once(tmp_path):
    """A step of 30 s (as a 6×1024 MLP at batch 10⁵ takes) must not hold up quitting, nor abort it."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = tmp_path / "slow.py"
    script.write_text(
        "import sys, time\n"
        "from engine.session.trainer import Trainer\n"
        "step = Trainer.train_step\n"
        "def slow(self):\n"
        "    if self.step == 3:\n"
        "        print('in the long step', flush=True)\n"
        "        time.sleep(30)\n"
        "    return step(self)\n"
        "Trainer.train_step = slow\n"
        "from gui.app import run_app\n"
        "sys.exit(run_app(['--run-steps', '100', '--quit-after', '3']))\n")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert "in the long step" in done.stdout          # it was inside the step when the window closed
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.monotonic() - started < 15 and "QThread" not in done.stderr
