"""torch.nn.functional: activations, losses and layers as functions. Each is an engine op (with
PyTorch's node name) or a composition of ops in the order PyTorch composes them, so the graph
and the gradients are PyTorch's."""
from __future__ import annotations

import numpy as np

from engine import random
from engine.ops import arithmetic, elementwise, linalg, loss, reduction
from engine.ops.activation import log_softmax as _log_softmax, softmax as _softmax
from engine.ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss,  # noqa: F401
                             nll_loss, smooth_l1_loss)
from engine.ops.convolution import conv2d, max_pool2d  # noqa: F401
from engine.ops.selection import embedding, one_hot  # noqa: F401
from engine.tensor import Tensor, _wrap

relu = elementwise.relu
tanh = elementwise.tanh
sigmoid = elementwise.sigmoid
linear = linalg.linear


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):  # noqa: A002
    return elementwise.leaky_relu(input, negative_slope)


def gelu(input, approximate: str = "none"):  # noqa: A002
    return elementwise.gelu(input, approximate)


def silu(input, inplace: bool = False):  # noqa: A002
    return elementwise.silu(input)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):  # noqa: A002
    return elementwise.softplus(input, beta, threshold)


def elu(input, alpha: float = 1.0, inplace: bool = False):  # noqa: A002
    return elementwise.elu(input, alpha)


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return _softmax(input, dim, dtype, _stacklevel + 1)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):  # noqa: A002
    return _log_softmax(input, dim, dtype, _stacklevel + 1)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):  # noqa: A002
    return loss.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):  # noqa: A002
    # PyTorch composes it: AbsBackward0 over SubBackward0, then MeanBackward0 / SumBackward0
    diff = elementwise.abs(input - target)
    return _reduce(diff, reduction)


def _reduce(t: Tensor, reduction_: str) -> Tensor:
    if reduction_ == "mean":
        return reduction.mean(t)
    if reduction_ == "sum":
        return reduction.sum(t)
    if reduction_ == "none":
        return t
    raise ValueError(f"{reduction_} is not a valid value for reduction")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim (1, or 0 for one unbatched sample), then nll_loss for class
    indices, or -(log p · target) for class probabilities — as ATen's cross_entropy_loss does."""
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    target_t = target if isinstance(target, Tensor) else _wrap(np.asarray(target))
    logp = _log_softmax(input, class_dim, None)
    n_classes = input.shape[class_dim]
    if target_t.shape == input.shape:  # class probabilities (as ATen decides: by shape)
        if target_t._data.dtype.kind != "f":
            raise RuntimeError("Expected floating point type for target with class probabilities, got "
                               + {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(target_t.dtype.name, "Long"))
        if label_smoothing > 0:
            target_t = target_t * (1 - label_smoothing) + label_smoothing / n_classes
        terms = logp * target_t
        if weight is not None:
            terms = terms * weight.reshape([n_classes] + [1] * (input.ndim - class_dim - 1))
        if reduction == "mean":
            return arithmetic.scaled(-terms.sum(), input.numel() // n_classes, divide=True)
        if reduction == "sum":
            return -terms.sum()
        if reduction == "none":
            return -terms.sum(class_dim)
        raise ValueError(f"{reduction} is not a valid value for reduction")
    nll = nll_loss(logp, target_t, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0:
        return nll
    # ATen's cross_entropy_loss_label_smoothing
    if weight is not None:
        wb = weight.reshape([n_classes] + [1] * (input.ndim - class_dim - 1))
        smooth = -(logp * wb).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    keep = target_t._data != ignore_index
    smooth = smooth * _wrap(keep.astype(smooth._data.dtype))
    if reduction == "mean":
        if weight is not None:
            denom = float(weight._data[target_t._data[keep]].sum())
        else:
            denom = int(keep.sum())
        ret = smooth.sum() / denom
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return arithmetic.scaled(nll, 1 - label_smoothing) + arithmetic.scaled(ret, label_smoothing / n_classes)


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """While training: input times a mask of Bernoulli(1 - p) draws scaled by 1/(1 - p) (MulBackward0)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    data = input._data
    if p == 1:
        mask = np.zeros_like(data)
    else:
        keep = random.bernoulli(np.full(data.shape, 1 - p, dtype=data.dtype))
        mask = (keep / (1 - p)).astype(data.dtype)
    if inplace:
        return input.mul_(_wrap(mask))
    return input * _wrap(mask)


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:  # noqa: A002
    """input / max(‖input‖_p along dim, eps), as PyTorch composes it."""
    norm = reduction.norm(input, p, dim, keepdim=True)
    return input / elementwise.clamp_min(norm, eps).expand_as(input)


def pad(input, pad, mode: str = "constant", value=None) -> Tensor:  # noqa: A002
    """Constant padding of the last dims: pad = (left, right, top, bottom, …)."""
    if mode != "constant":
        raise NotImplementedError(f"pad mode {mode!r} is not supported by GradStudio's engine")
    from engine.ops import joining
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        parts = []
        size = list(out.shape)
        if before:
            size[dim] = before
            parts.append(_wrap(np.full(size, value or 0, dtype=input._data.dtype)))
        parts.append(out)
        if after:
            size[dim] = after
            parts.append(_wrap(np.full(size, value or 0, dtype=input._data.dtype)))
        out = joining.cat(parts, dim) if len(parts) > 1 else out
    return out


__all__ = ["relu", "tanh", "sigmoid", "linear", "leaky_relu", "gelu", "silu", "softplus", "elu", "softmax", "log_softmax", "mse_loss", "l1_loss",
           "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "one_hot", "embedding", "dropout", "pad", "normalize", "conv2d", "max_pool2d"]
