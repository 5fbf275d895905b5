"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, lazy
parameters (as torch.distributions.utils)."""
from __future__ import annotations

import math
from functools import update_wrapper
from numbers import Number

import numpy as np

from engine.ops.shape import expand
from engine.tensor import Tensor, _wrap

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def broadcast_all(*values) -> tuple:
    """Tensors broadcast to one shape; numbers become tensors of the tensors' dtype
    (the default dtype when all are numbers)."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or "
                         "objects implementing __torch_function__.")
    dtype = next((v._data.dtype for v in values if isinstance(v, Tensor)), np.dtype(np.float32))
    tensors = [v if isinstance(v, Tensor) else _wrap(np.asarray(v, dtype=dtype)) for v in values]
    shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(t if t._data.shape == shape else expand(t, *shape) for t in tensors)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities kept inside (0, 1) by the dtype's epsilon, so their logs are finite."""
    eps = float(np.finfo(probs._data.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def logsumexp(x: Tensor, dim: int, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) along dim, shifted by the (constant) maximum so exp cannot overflow."""
    shift = np.max(x._data, axis=dim, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    out = (x - _wrap(shift)).exp().sum(dim, keepdim=True).log() + _wrap(shift)
    return out if keepdim else out.squeeze(dim)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    if is_binary:
        return logits.sigmoid()
    return (logits - logsumexp(logits, -1, keepdim=True)).exp()


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (1 - ps).log()
    return ps.log()


def lgamma(x) -> np.ndarray:
    """log Γ(x) of constant values (counts), as a float64 array."""
    return _lgamma(np.asarray(x, dtype=np.float64))


class lazy_property:  # noqa: N801 - PyTorch's name
    """A parameter computed on first access from the other parameterisation (probs from
    logits or the reverse), then stored on the instance."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
