"""Classification losses against PyTorch eager, measured in the same run: cross_entropy (log_softmax
+ nll_loss) and binary_cross_entropy_with_logits, forward and backward, logits of (256, C).

    python bench/bench_losses.py [--rounds 7] [--seconds 0.1]
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


def loss_step(T, kind: str, classes: int):
    T.manual_seed(0)
    x = T.randn(256, classes, requires_grad=True)
    labels = T.randint(0, classes, (256,))
    bits = T.rand(256, classes)
    F = T.nn.functional

    def step():
        loss = F.cross_entropy(x, labels) if kind == "cross_entropy" else \
            F.binary_cross_entropy_with_logits(x, bits)
        loss.backward()
        x.grad = None
    return step


def rate(step, seconds: float) -> float:
    start, n = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    return n / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.1)
    args = parser.parse_args()
    print(f"{'workload':34}{'engine it/s':>12}{'torch it/s':>13}{'ratio':>8}")
    for kind, classes in (("cross_entropy", 3), ("cross_entropy", 10), ("bce_with_logits", 1), ("bce_with_logits", 3)):
        libs = [engine] + ([torch] if torch is not None else [])
        steps = [loss_step(T, kind, classes) for T in libs]
        for s in steps:
            for _ in range(20):
                s()
        rates = [[] for _ in libs]
        for _ in range(args.rounds):  # alternate the libraries so both see the same machine load
            for r, s in zip(rates, steps):
                r.append(rate(s, args.seconds))
        medians = [statistics.median(r) for r in rates]
        ratio = f"{medians[0] / medians[1]:.2f}x" if len(medians) > 1 else "-"
        theirs = f"{medians[1]:.0f}" if len(medians) > 1 else "-"
        print(f"{f'{kind}, (256, {classes})':34}{medians[0]:>12.0f}{theirs:>13}{ratio:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
