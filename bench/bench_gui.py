"""GUI benchmark: training speed with the window's live plots versus headless, and event-loop latency while training.

Run: QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--runs 5] [--seconds 4]
Targets: the window costs at most 30% of the headless steps/s; event-loop p99 latency under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from engine.session import Trainer  # noqa: E402
from gui.examples import default_session  # noqa: E402

TICK_MS = 10  # the latency probe: a timer that should fire every 10 ms (in runs of its own)
SETTLE_S = 0.5  # steps and latencies of the first half second (start-up, first plots) are not counted


def until_stopped(config):
    return replace(config, training=replace(config.training, steps=None))


def headless_steps_per_second(seconds: float) -> float:
    trainer = Trainer(until_stopped(default_session()))
    steps = trainer.run()
    end = time.perf_counter() + SETTLE_S
    while time.perf_counter() < end:
        next(steps)
    start_step, start = trainer.step, time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        next(steps)
    return (trainer.step - start_step) / (time.perf_counter() - start)


def window_run(app, seconds: float, probe_latency: bool) -> tuple[float, list[float], float]:
    """Steps/s with the window training and drawing, the probe timer's lateness samples (s), and
    the share of the time the worker slept while the window drew (the window's cost by design).

    The latency probe wakes the GUI thread 100 times a second, and each wake-up takes the GIL
    from training: throughput is measured in runs without it, latency in runs with it.
    """
    from PySide6.QtCore import QTimer

    from gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.training_editor.until_stopped.setChecked(True)
    lateness: list[float] = []
    marks: dict[str, float] = {}
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        if now - marks.get("t0", now) > SETTLE_S:
            lateness.append(max(0.0, now - last[0] - TICK_MS / 1000))
        last[0] = now

    def settle() -> None:
        marks["step"], marks["t"] = window.trainer.step, time.perf_counter()
        marks["wait"] = window.run.control.drawing_wait_s

    probe = QTimer()
    probe.setTimerType(probe.timerType().PreciseTimer)
    probe.timeout.connect(tick)
    if probe_latency:
        probe.start(TICK_MS)
    window.toggle_training()
    marks["t0"] = time.perf_counter()
    QTimer.singleShot(int(SETTLE_S * 1000), settle)
    result: list[float] = []

    def finish() -> None:
        # Measured before quitting: quit() closes the window, and closing ends the run.
        assert window.run is not None, f"the run ended early: {window.state}: {window.last_message}"
        elapsed = time.perf_counter() - marks["t"]
        result.extend([(window.trainer.step - marks["step"]) / elapsed,
                       (window.run.control.drawing_wait_s - marks["wait"]) / elapsed])
        app.quit()

    QTimer.singleShot(int((SETTLE_S + seconds) * 1000), finish)
    app.exec()
    probe.stop()
    window.close()
    return result[0], lateness, result[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    headless_steps_per_second(0.5)  # compile kernels and warm caches before anything is timed

    headless, windowed, p50s, p99s, shares = [], [], [], [], []
    for run in range(args.runs):
        # Interleaved, so that drift in the machine's speed hits both sides alike.
        headless.append(headless_steps_per_second(args.seconds))
        rate, _, share = window_run(app, args.seconds, probe_latency=False)
        _, lateness, _ = window_run(app, args.seconds, probe_latency=True)
        windowed.append(rate)
        shares.append(share)
        p50, p99 = np.percentile(np.array(lateness) * 1000, [50, 99])
        p50s.append(p50)
        p99s.append(p99)
        print(f"run {run + 1}: headless {headless[-1]:8.0f} steps/s | window {rate:8.0f} steps/s "
              f"({rate / headless[-1]:.0%}; worker waited for drawing {share:.0%} of the time) | "
              f"event-loop lateness p50 {p50:5.1f} ms p99 {p99:5.1f} ms", flush=True)

    ratio = statistics.median(w / h for w, h in zip(windowed, headless))
    print()
    print(f"default example (linear regression), {args.runs} runs of {args.seconds:g} s, medians:")
    print(f"  headless trainer        {statistics.median(headless):8.0f} steps/s")
    print(f"  window with live plots  {statistics.median(windowed):8.0f} steps/s  "
          f"= {ratio:.0%} of headless (window cost {1 - ratio:.0%}; target at most 30%)")
    print(f"  worker asleep while the window drew: {statistics.median(shares):.0%} of the time "
          "(the cost by design; unlike the ratio, it does not move with other load on the machine)")
    print(f"  event-loop lateness     p50 {statistics.median(p50s):.1f} ms, p99 {statistics.median(p99s):.1f} ms "
          f"(target p99 < 50 ms)")


if __name__ == "__main__":
    main()
