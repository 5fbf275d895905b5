"""GUI benchmark: the live decision boundary (100×100 cells) while the window trains a 2-D classifier —
boundary redraws per second, event-loop lateness, and what one redraw costs.

Run: QT_QPA_PLATFORM=offscreen python bench/bench_boundary.py [--runs 3] [--seconds 4]
Targets: the boundary redrawn ≥ 20 times a second while training; event-loop p99 lateness < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig  # noqa: E402
from engine.session.datasets2d import FEATURES  # noqa: E402

TICK_MS = 10   # the latency probe: a timer that should fire every 10 ms
SETTLE_S = 0.5   # the first half second (start-up, first draws) is not counted
SPIRAL = SessionConfig(
    model=ModelConfig(kind="mlp", hidden=(8, 8), activation="tanh"),
    data=DataConfig(source="shapes", shape="spiral", n_points=500, noise=0.1, features=tuple(FEATURES),
                    test_fraction=0.5, batch_size=10, seed=1),
    training=TrainingConfig(optimizer="adam", lr=0.03, steps=None, loss="bce_with_logits"), name="Spiral")


def window_run(app, seconds: float) -> tuple[float, list[float], float]:
    """Boundary redraws per second, the probe timer's lateness samples (s), and training steps/s."""
    from PySide6.QtCore import QTimer

    from gui.main_window import MainWindow

    window = MainWindow(SPIRAL)
    window.resize(1400, 900)
    window.show()
    window.tabs.setCurrentIndex(0)
    view = window.boundary_view
    redraws = [0]
    redraw = view._recolour

    def counted(*args) -> None:
        redraw(*args)
        redraws[0] += 1

    view._recolour = counted
    lateness: list[float] = []
    marks: dict[str, float] = {}
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        if now - marks.get("t0", now) > SETTLE_S:
            lateness.append(max(0.0, now - last[0] - TICK_MS / 1000))
        last[0] = now

    def settle() -> None:
        marks["redraws"], marks["step"], marks["t"] = redraws[0], window.trainer.step, time.perf_counter()

    probe = QTimer()
    probe.setTimerType(probe.timerType().PreciseTimer)
    probe.timeout.connect(tick)
    probe.start(TICK_MS)
    window.toggle_training()
    marks["t0"] = time.perf_counter()
    QTimer.singleShot(int(SETTLE_S * 1000), settle)
    result: list[float] = []

    def finish() -> None:
        assert window.run is not None, f"the run ended early: {window.state}: {window.last_message}"
        elapsed = time.perf_counter() - marks["t"]
        result.extend([(redraws[0] - marks["redraws"]) / elapsed, (window.trainer.step - marks["step"]) / elapsed])
        app.quit()

    QTimer.singleShot(int((SETTLE_S + seconds) * 1000), finish)
    app.exec()
    probe.stop()
    window.close()
    return result[0], lateness, result[1]


def redraw_cost_ms(repeats: int = 200) -> tuple[float, float]:
    """Median milliseconds to compute the 100×100 boundary in the engine, and to recolour it in the view."""
    from engine.session import Trainer
    from gui.boundary_view import BoundaryView

    trainer = Trainer(SPIRAL, engine_kind="eager")
    view = BoundaryView()
    view.set_data(trainer.points, trainer.labels, trainer.train_index, trainer.test_index, trainer.problem,
                  trainer.classes, trainer.boundary_extent)
    compute, colour = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        snapshot = trainer.snapshot()
        middle = time.perf_counter()
        view.show_snapshot(snapshot)
        end = time.perf_counter()
        compute.append(middle - start)
        colour.append(end - middle)
    return 1000 * statistics.median(compute), 1000 * statistics.median(colour)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    snapshot_ms, colour_ms = redraw_cost_ms()
    rates, p50s, p99s, steps = [], [], [], []
    for run in range(args.runs):
        rate, lateness, step_rate = window_run(app, args.seconds)
        p50, p99 = np.percentile(np.array(lateness) * 1000, [50, 99])
        rates.append(rate)
        p50s.append(p50)
        p99s.append(p99)
        steps.append(step_rate)
        print(f"run {run + 1}: boundary redrawn {rate:5.1f}/s | training {step_rate:7.0f} steps/s | "
              f"event-loop lateness p50 {p50:5.1f} ms p99 {p99:5.1f} ms", flush=True)
    print()
    print(f"spiral, 2→8→8→1 tanh on 7 features, 100×100 boundary, {args.runs} runs of {args.seconds:g} s, medians:")
    print(f"  one snapshot (boundary, 24×24 neuron maps, train/test evaluation) {snapshot_ms:.2f} ms; "
          f"recolouring the view {colour_ms:.2f} ms")
    print(f"  boundary redraws        {statistics.median(rates):5.1f} per second (target ≥ 20)")
    print(f"  training                {statistics.median(steps):7.0f} steps/s with the window drawing")
    print(f"  event-loop lateness     p50 {statistics.median(p50s):.1f} ms, p99 {statistics.median(p99s):.1f} ms "
          f"(target p99 < 50 ms)")


if __name__ == "__main__":
    main()
