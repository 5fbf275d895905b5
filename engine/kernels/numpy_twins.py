"""Plain-numpy twins of the numba kernels: the test oracles, and the fallback whenever
numba is off, still compiling, or handed an array layout its kernel does not take."""

import math

import numpy as np


def tanh_backward(g: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Gradient through ``t = tanh(x)``: ``g * (1 - t*t)``."""
    return np.asarray(g * (1 - t * t))


def sigmoid_backward(g: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Gradient through ``s = sigmoid(x)``: ``g * s * (1 - s)``."""
    return np.asarray(g * s * (1 - s))


def relu_backward(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient through ``relu(x)``: ``g`` where ``x > 0``, else +0 (PyTorch's threshold_backward:
    a select, so the result is never -0 and a NaN in ``g`` stays only where x > 0)."""
    return np.where(x > 0, g, np.zeros((), dtype=np.result_type(g)))


def mse_forward_backward(
    pred: np.ndarray, target: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """``scale * sum((pred - target)**2)`` as a 0-d array, and its gradient wrt ``pred``."""
    scale = float(scale)  # a numpy float64 scale would promote float32 arrays
    diff = np.asarray(pred - target)
    return np.asarray(scale * np.sum(diff * diff)), np.asarray((2 * scale) * diff)


def sum_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape``: leading axes are summed away, axes
    where ``shape`` has 1 are summed with keepdims. Returns ``g`` itself (or a view of
    it) when nothing needs summing."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum a gradient of shape {g.shape} to the larger shape {shape}")
    axes = list(range(lead))
    for i, n in enumerate(shape):
        if n != g.shape[lead + i]:
            if n != 1:
                raise ValueError(f"cannot sum a gradient of shape {g.shape} to shape {shape}")
            axes.append(lead + i)
    return np.asarray(g.sum(axis=tuple(axes), keepdims=True)).reshape(shape)


def sum_middle(g: np.ndarray) -> np.ndarray:
    """``g.sum(axis=1)`` of a 3-d array: the one reduction ``sum_to`` hands to numba."""
    return g.sum(axis=1)


def sgd_momentum_(
    param: np.ndarray, grad: np.ndarray, buf: np.ndarray, lr: float, momentum: float
) -> None:
    """In place, as torch.optim.SGD without dampening: ``buf = momentum*buf + grad``,
    ``param -= lr*buf``."""
    buf *= float(momentum)
    buf += grad
    param -= float(lr) * buf


def adam_(
    param: np.ndarray,
    grad: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    step: int,
) -> None:
    """In place, as torch.optim.Adam (no weight decay, no amsgrad); ``step`` counts from 1."""
    lr, beta1, beta2, eps = float(lr), float(beta1), float(beta2), float(eps)
    bias1 = 1 - beta1 ** int(step)
    bias2 = 1 - beta2 ** int(step)
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    denom = np.sqrt(v)
    denom /= math.sqrt(bias2)
    denom += eps
    param -= (lr / bias1) * m / denom
