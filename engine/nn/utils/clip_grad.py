"""Gradient clipping, in place on each parameter's .grad (PyTorch's arithmetic and order)."""
from __future__ import annotations

import math

import numpy as np

from engine.tensor import Tensor, _wrap


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale all gradients together so their joint norm is at most max_norm; returns the norm before."""
    grads = _grads(parameters)
    if not grads:
        return _wrap(np.asarray(0.0, dtype=np.float32))
    norm_type = float(norm_type)
    if norm_type == math.inf:
        norms = [np.max(np.abs(g._data)) for g in grads]
        total = np.max(norms)
    else:
        norms = [np.linalg.norm(g._data.ravel(), ord=norm_type) for g in grads]
        total = np.linalg.norm(np.asarray(norms, dtype=grads[0]._data.dtype), ord=norm_type)
    total = np.asarray(total, dtype=grads[0]._data.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    coef = np.minimum(np.asarray(max_norm, total.dtype) / (total + np.asarray(1e-6, total.dtype)), 1.0)
    for g in grads:
        g._data *= coef.astype(g._data.dtype)
    return _wrap(total)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
