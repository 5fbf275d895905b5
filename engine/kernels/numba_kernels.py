"""The numba kernels, each the twin of the function of the same name in numpy_twins.py,
on 1-d C-contiguous float arrays (sum_middle: 3-d). Imported only by warmup, so
importing engine.kernels never imports numba."""

import numpy as np
from numba import njit, types

# error_model="numpy": a float division by zero gives inf instead of a check that
# raises, and without that check the loops vectorize (adam_ was 2x slower with it).
kernel = njit(cache=True, nogil=True, error_model="numpy")
# reassoc lets LLVM split a sum over several accumulators and vectorize it; without
# it a float sum runs one add at a time and loses to numpy's pairwise sum.
summing_kernel = njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc"})


@kernel
def tanh_backward(g, t):
    out = np.empty_like(g)
    one = out.dtype.type(1)
    for i in range(out.size):
        ti = t[i]
        out[i] = g[i] * (one - ti * ti)
    return out


@kernel
def sigmoid_backward(g, s):
    out = np.empty_like(g)
    one = out.dtype.type(1)
    for i in range(out.size):
        si = s[i]
        out[i] = g[i] * si * (one - si)
    return out


@kernel
def relu_backward(g, x):
    out = np.empty_like(g)
    zero = out.dtype.type(0)
    for i in range(out.size):
        # a select, as PyTorch's threshold_backward: +0 (never -0) where x <= 0
        out[i] = g[i] if x[i] > 0 else zero
    return out


@summing_kernel
def mse_forward_backward(pred, target, scale):
    grad = np.empty_like(pred)
    real = pred.dtype.type
    two_scale = real(2 * scale)
    total = 0.0  # float64 even for float32 input
    for i in range(pred.size):
        d = pred[i] - target[i]
        total += d * d
        grad[i] = two_scale * d
    return real(scale) * real(total), grad


@summing_kernel
def sum_middle(g):
    outer, middle, inner = g.shape
    out = np.empty((outer, inner), dtype=g.dtype)
    if inner == 1:
        for o in range(outer):
            acc = g[o, 0, 0]
            for k in range(1, middle):
                acc += g[o, k, 0]
            out[o, 0] = acc
        return out
    for o in range(outer):
        for j in range(inner):
            out[o, j] = g[o, 0, j]
        for k in range(1, middle):
            for j in range(inner):
                out[o, j] += g[o, k, j]
    return out


@kernel
def sgd_momentum_(param, grad, buf, lr, momentum):
    real = param.dtype.type
    lr_ = real(lr)
    momentum_ = real(momentum)
    for i in range(param.size):
        b = momentum_ * buf[i] + grad[i]
        buf[i] = b
        param[i] -= lr_ * b


@kernel
def adam_(param, grad, m, v, lr, beta1, beta2, eps, step):
    real = param.dtype.type
    step_size = real(lr / (1 - beta1**step))
    bias2_sqrt = real(np.sqrt(1 - beta2**step))
    beta1_, beta2_, eps_ = real(beta1), real(beta2), real(eps)
    one_minus_beta1, one_minus_beta2 = real(1 - beta1), real(1 - beta2)
    for i in range(param.size):
        gi = grad[i]
        mi = beta1_ * m[i] + one_minus_beta1 * gi
        vi = beta2_ * v[i] + one_minus_beta2 * gi * gi
        m[i] = mi
        v[i] = vi
        param[i] -= step_size * mi / (np.sqrt(vi) / bias2_sqrt + eps_)


def signatures(name: str) -> list[tuple]:
    """The argument types warmup compiles ``name`` for: float32, then float64."""
    result = []
    for real in (types.float32, types.float64):
        vec = types.Array(real, 1, "C")
        result.append(
            {
                "tanh_backward": (vec, vec),
                "sigmoid_backward": (vec, vec),
                "relu_backward": (vec, vec),
                "mse_forward_backward": (vec, vec, types.float64),
                "sum_middle": (types.Array(real, 3, "C"),),
                "sgd_momentum_": (vec, vec, vec, types.float64, types.float64),
                "adam_": (vec, vec, vec, vec) + (types.float64,) * 4 + (types.int64,),
            }[name]
        )
    return result
