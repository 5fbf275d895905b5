"""Engine speed against PyTorch eager, measured in the same run.

Three workloads from issue 2: the classic linear-regression loop (batch 4), a scalar
expression forward+backward, and an MLP 2→16→16→1 tanh training step at batch 256.
Each is timed in alternating rounds for both libraries; the medians are compared.

    python bench/bench_engine.py [--rounds 15] [--seconds 0.2]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # the benchmark still reports our own speed
    torch = None


def linear_regression(T, lr: float = 0.02):
    """The classic first autograd exercise (the seed loop): y = 2x + 3 + noise, SGD by hand through .data."""
    T.manual_seed(0)
    x = T.rand(4, 1) * 5
    y = 2 * x + 3 + T.randn(4, 1)
    w = T.rand(1, 1, requires_grad=True)
    b = T.tensor(0.0, requires_grad=True)

    def step():
        y_pred = x.mm(w) + b.expand_as(y)
        loss = (0.5 * (y_pred - y) ** 2).sum()
        loss.backward()
        w.data.sub_(lr * w.grad.data)
        b.data.sub_(lr * b.grad.data)
        w.grad.data.zero_()
        b.grad.data.zero_()
        return loss
    return step


def scalar_expression(T):
    """y = x**2 + 3x + 1 at x = 2, forward and backward."""
    x = T.tensor(2.0, requires_grad=True)

    def step():
        y = x ** 2 + 3 * x + 1
        y.backward()
        x.grad = None
    return step


def mlp_step(T):
    """One SGD training step of a 2→16→16→1 tanh MLP on a batch of 256."""
    T.manual_seed(0)
    nn = T.nn
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))
    x = T.randn(256, 2)
    y = T.randn(256, 1)
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return step


WORKLOADS = [("linear regression, batch 4", linear_regression, 2.0),
             ("scalar expression fwd+bwd", scalar_expression, 2.0),
             ("MLP 2-16-16-1 tanh, batch 256", mlp_step, 1.0)]


def time_round(step, seconds: float) -> float:
    """Iterations per second over one round of about `seconds`."""
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(20):
            step()
        n += 20
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=0.2)
    args = parser.parse_args()
    engine.kernels.warmup(background=False)
    print(f"{'workload':32} {'engine it/s':>12} {'torch it/s':>12} {'ratio':>7} {'target':>7}")
    ok = True
    for name, build, target in WORKLOADS:
        ours = build(engine)
        theirs = build(torch) if torch else None
        for _ in range(50):  # warm caches and any lazy paths
            ours()
            theirs and theirs()
        e_rates, t_rates = [], []
        for _ in range(args.rounds):
            e_rates.append(time_round(ours, args.seconds))
            if theirs:
                t_rates.append(time_round(theirs, args.seconds))
        e = statistics.median(e_rates)
        if theirs:
            t = statistics.median(t_rates)
            ratio = e / t
            ok &= ratio >= target
            print(f"{name:32} {e:12.0f} {t:12.0f} {ratio:6.2f}x {target:6.1f}x")
        else:
            print(f"{name:32} {e:12.0f} {'-':>12}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
