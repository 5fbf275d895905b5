"""Compiled training (engine.compile) against PyTorch eager, measured in the same run.

Workloads of issue 10: the seed loop (batch 4, SGD by hand) one step per call and 1,000 steps
per call; a·sin(w·x)+c on 200 points with MSE and Adam; an MLP 2→16→16→1 tanh at batch 256
with MSE, SGD and Adam; and the warm (cached) start of a compiled step in a fresh process.
Medians of alternating rounds; PyTorch runs on one thread.

    python bench/bench_compiled.py [--rounds 7] [--seconds 0.2] [--window 4]

--window S also runs the window on the default example (the seed's linear regression) with the
compiled engine for S seconds, twice: steps/s trained and plotted live, and the event-loop
lateness (p50/p99 of a 10 ms timer), as bench/bench_gui.py measures the eager window.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when imported as bench.bench_compiled
from bench_engine import linear_regression  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # still reports our own speed
    torch = None


def seed_loop(T):
    return linear_regression(T, lr=0.002)   # bench_engine.py's seed loop, with a step size fit for long runs


def expression(T):
    T.manual_seed(0)
    x = T.linspace(-3, 3, 200).reshape(200, 1)
    y = 1.5 * T.sin(2.0 * x) + 0.5
    a, w, c = (T.tensor(v, requires_grad=True) for v in (1.0, 1.0, 0.0))
    opt = T.optim.Adam([a, w, c], lr=0.01)

    def step():
        opt.zero_grad()
        loss = T.nn.functional.mse_loss(a * T.sin(w * x) + c, y)
        loss.backward()
        opt.step()
        return loss
    return step


def mlp(T, optimizer):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(2, 16), T.nn.Tanh(), T.nn.Linear(16, 16), T.nn.Tanh(), T.nn.Linear(16, 1))
    x = T.randn(256, 2)
    y = (x[:, :1] * x[:, 1:]).sin()
    opt = T.optim.SGD(model.parameters(), lr=0.05) if optimizer == "sgd" else T.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = T.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def per_step(fn, seconds, steps_per_call=1):
    """Median-friendly time per step: calls repeated for about `seconds`."""
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / (n * steps_per_call)


def compiled(make, *args):
    step = engine.compile(make(engine, *args))
    for _ in range(3):  # trace (twice when the first step creates .grad or optimizer state), compile
        step()
    if not step.is_compiled:
        raise SystemExit(f"did not compile: {step.reason}")
    return step


def warm_start() -> float:
    """Seconds from a fresh interpreter's `engine.compile(...)` to its first compiled step (cache warm)."""
    code = ("import time, sys; sys.path.insert(0, %r); import engine; from bench.bench_compiled import expression;"
            "s = engine.compile(expression(engine)); t = time.perf_counter(); s(); s(); s(); "
            "assert s.is_compiled, s.reason; print(time.perf_counter() - t)") % str(Path(__file__).resolve().parents[1])
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.2)
    parser.add_argument("--window", type=float, default=0.0, metavar="S")
    opts = parser.parse_args()
    rows = [
        ("seed loop, 1 step per call", lambda: seed_loop, (), 1, 100),
        ("seed loop, 1,000 steps per call", lambda: seed_loop, (), 1000, 1000),
        ("a*sin(w*x)+c, 200 points, MSE, Adam", lambda: expression, (), 1, 100),
        ("MLP 2-16-16-1 tanh, B=256, MSE, SGD", lambda: mlp, ("sgd",), 1, 10),
        ("MLP 2-16-16-1 tanh, B=256, MSE, Adam", lambda: mlp, ("adam",), 1, 10),
    ]
    print(f"{'workload':42s} {'ours/step':>11s} {'torch/step':>11s} {'speed-up':>9s} {'target':>7s}")
    for title, make, args, k, target in rows:
        ours = compiled(make(), *args)
        run = (lambda s=ours, k=k: s.run(k)) if k > 1 else ours
        theirs = make()(torch, *args) if torch is not None else None
        t_ours, t_theirs = [], []
        for _ in range(opts.rounds):
            t_ours.append(per_step(run, opts.seconds, k))
            if theirs is not None:
                t_theirs.append(per_step(theirs, opts.seconds))
        mo = statistics.median(t_ours)
        if theirs is not None:
            mt = statistics.median(t_theirs)
            print(f"{title:42s} {mo * 1e6:9.3f}us {mt * 1e6:9.2f}us {mt / mo:8.0f}x {target:6d}x")
        else:
            print(f"{title:42s} {mo * 1e6:9.3f}us")
    print(f"warm (cached) start of a compiled step: {warm_start():.3f} s (target < 0.5 s)")
    if opts.window:
        live_window(opts.window)


def live_window(seconds: float) -> None:
    import os

    import numpy as np
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from bench.bench_gui import until_stopped, window_run
    from engine.session import Trainer
    from gui.examples import default_session
    app = QApplication.instance() or QApplication([sys.argv[0]])
    trainer = Trainer(until_stopped(default_session()))  # the default example's step, compiled (or
    for _ in range(3):                                   # loaded from the cache) before timing
        trainer.train_steps(1)
        if trainer._compiled is not None:
            trainer._compiled.wait()
    assert trainer.engine_status == "compiled", trainer.engine_reason
    rate, _, share = window_run(app, seconds, probe_latency=False)
    _, lateness, _ = window_run(app, seconds, probe_latency=True)
    p50, p99 = np.percentile(np.array(lateness) * 1000, [50, 99])
    print(f"live window, compiled default example: {rate:,.0f} steps/s trained and plotted "
          f"(worker waited for drawing {share:.0%}); event-loop lateness p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"(targets >= 1,000,000 steps/s, p99 < 50 ms)")


if __name__ == "__main__":
    main()
