"""Shared helpers for ops: turning operands into data, dtype rules, and unbroadcasting."""
from __future__ import annotations

import numpy as np

from engine.tensor import Tensor, _wrap

_f32 = np.dtype(np.float32)
_f64 = np.dtype(np.float64)
_number = (int, float, bool, np.number, np.bool_)


def operand(x):
    """(tensor or None, data) for an op's operand: Python scalars stay scalars so numpy's
    weak-scalar promotion matches PyTorch (float32 tensor * 2.5 stays float32)."""
    if isinstance(x, Tensor):
        return x, x._data
    if isinstance(x, _number):
        return None, x
    if isinstance(x, (list, tuple, np.ndarray)):
        t = _wrap(np.asarray(x))
        return t, t._data
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


def as_tensor(x) -> Tensor:
    if isinstance(x, Tensor):
        return x
    data = np.asarray(x)
    if data.dtype == _f64 and not isinstance(x, np.ndarray):
        data = data.astype(np.float32)  # Python floats become the default dtype
    return _wrap(data)


def fix_float(result, *datas):
    """numpy makes float64 from integer tensors and Python floats; PyTorch makes float32."""
    if result.dtype == _f64:
        for d in datas:
            if isinstance(d, (np.ndarray, np.float64)) and d.dtype == _f64:
                return result
        return result.astype(np.float32)
    return result


def sum_to(g, shape):
    """Sum a broadcast gradient back to an input's shape (works on arrays and Tensors)."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)
