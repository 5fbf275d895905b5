"""Shared helpers for ops: turning operands into data, dtype rules, and unbroadcasting."""
from __future__ import annotations

import numpy as np

from engine import kernels

from engine.tensor import Tensor, _wrap

_f32 = np.dtype(np.float32)
_f64 = np.dtype(np.float64)
_number = (int, float, bool, np.number, np.bool_)
_add_reduce = np.add.reduce


def broadcast_copy(g, shape) -> np.ndarray:
    """A fresh array of `shape` filled from `g` (np.broadcast_to is ~10x slower on small arrays)."""
    out = np.empty(shape, dtype=np.result_type(g))
    out[...] = g
    return out


def broadcast_view(data: np.ndarray, shape) -> np.ndarray:
    """`data` viewed as `shape` with zero strides on expanded dims: same storage, no copy."""
    if data.flags.c_contiguous and data.ndim <= len(shape):
        lead = len(shape) - data.ndim
        strides = [0] * lead
        i = lead
        for n, st in zip(data.shape, data.strides):
            if n != shape[i]:
                if n != 1:
                    return np.broadcast_to(data, shape)  # raises numpy's shape error
                st = 0
            strides.append(st)
            i += 1
        return np.ndarray(shape, data.dtype, buffer=data, strides=strides)
    return np.broadcast_to(data, shape)


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


def broadcast_error(sa, sb) -> RuntimeError:
    """PyTorch's words for shapes that do not broadcast (the first mismatch from the right)."""
    for k in range(1, min(len(sa), len(sb)) + 1):
        if sa[-k] != sb[-k] and sa[-k] != 1 and sb[-k] != 1:
            dim = max(len(sa), len(sb)) - k
            return RuntimeError(f"The size of tensor a ({sa[-k]}) must match the size of tensor b ({sb[-k]}) "
                                f"at non-singleton dimension {dim}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def into(out, result: Tensor, name: str) -> Tensor:
    """PyTorch's `out=`: the result's values written into `out` (resized, one version later)."""
    if out is None:
        return result
    if result._rg:
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out._data.shape != result._data.shape and out._data.size:
        import warnings
        warnings.warn(f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, "
                      f"which does not match the required output shape {list(result._data.shape)}. This behavior "
                      "is deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                      "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                      "elements with t.resize_(0). (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/"
                      "native/Resize.cpp:30.)", UserWarning, stacklevel=3)
    out._data = result._data.astype(out._data.dtype)
    out._vc[0] += 1
    return out


def as_tensor(x) -> Tensor:
    if isinstance(x, Tensor):
        return x
    data = np.asarray(x)
    if data.dtype == _f64 and not isinstance(x, np.ndarray):
        data = data.astype(np.float32)  # Python floats become the default dtype
    return _wrap(data)


def fix_float(result, *datas):
    """numpy makes float64 from integer tensors and Python floats; PyTorch keeps the float operand's
    type (int64 + float16 is float16) or makes float32."""
    if result.dtype == _f64:
        floats = [d.dtype for d in datas if isinstance(d, (np.ndarray, np.floating)) and d.dtype.kind == "f"]
        if _f64 in floats:
            return result
        return result.astype(max(floats, key=lambda f: f.itemsize, default=_f32))
    return result


def sum_to(g, shape):
    """Sum a broadcast gradient back to an input's shape (works on arrays and Tensors)."""
    gshape = g.shape
    if gshape == shape:
        return g
    if type(g) is np.ndarray and g.size >= 64:
        return kernels.sum_to(g, shape)  # numba for large broadcast sums (e.g. bias gradients)
    if not shape and type(g) is not np.ndarray:
        return g.sum()  # to a 0-d tensor: one full sum (SumBackward0), as PyTorch's sum_to
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        # np.add.reduce skips np.sum's Python wrapper (~4x faster on small arrays)
        g = _add_reduce(g, axis=axes, keepdims=True) if type(g) is np.ndarray else g.sum(axis=axes, keepdims=True)
    return g if g.shape == shape else g.reshape(shape)  # (no ViewBackward0 for a no-op when recorded)
