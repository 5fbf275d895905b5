"""Times each kernel's numba version against its numpy twin, for the table in
__init__.py and its size thresholds: ``python -m engine.kernels.bench [float64]``."""

import sys
import timeit

import numpy as np

from engine import kernels

SIZES = (4, 64, 256, 1024, 2048, 4096, 16384, 65536)


def best_us(fn, *args) -> float:
    fn(*args)
    number = 200
    return min(timeit.repeat(lambda: fn(*args), number=number, repeat=7)) / number * 1e6


def cases(n: int, dtype, rng):
    def arr(shape=(n,)):
        return rng.standard_normal(shape).astype(dtype)

    rows = (max(n // 16, 1), 16) if n >= 16 else (1, n)
    yield "tanh_backward", (arr(), arr())
    yield "sigmoid_backward", (arr(), arr())
    yield "relu_backward", (arr(), arr())
    yield "mse_forward_backward", (arr(rows), arr(rows), 1.0 / n)
    yield "sgd_momentum_", (arr(), arr(), arr(), 0.01, 0.9)
    yield "adam_", (arr(), arr(), arr(), np.abs(arr()), 1e-3, 0.9, 0.999, 1e-8, 3)
    if n >= 16:
        yield "sum_to (B,16)->(16,)", (arr(rows), (16,))
        yield "sum_to (B,16)->(B,1)", (arr(rows), (rows[0], 1))
        yield "sum_to (B,2)->(B,1)", (arr((n // 2, 2)), (n // 2, 1))
        if n >= 256:
            yield "sum_to (4,T,16)->(4,1,16)", (arr((4, n // 64, 16)), (4, 1, 16))
        yield "sum_to (B,16)->()", (arr(rows), ())
    if n >= 512:
        yield "sum_to (B,256)->(256,)", (arr((n // 256, 256)), (256,))


def main(dtype=np.float32) -> None:
    kernels.warmup(background=False)
    rng = np.random.default_rng(0)
    columns = ("numpy us", "numba us", "speedup", "dispatch us")
    print(f"{'kernel':28s} {'size':>6s} " + " ".join(f"{c:>9s}" for c in columns))
    for n in SIZES:
        for label, args in cases(n, dtype, rng):
            kernel = kernels.get(label.split()[0])
            twin = best_us(kernel.numpy, *args)
            fused = best_us(kernel.numba, *args)
            chosen = best_us(kernel, *args)
            print(f"{label:28s} {n:6d} {twin:9.2f} {fused:9.2f} {twin / fused:8.2f}x {chosen:9.2f}")


if __name__ == "__main__":
    main(np.float64 if "float64" in sys.argv[1:] else np.float32)
