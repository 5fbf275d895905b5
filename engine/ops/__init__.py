"""All ops, and the table that binds them to Tensor as operators and methods.

Each op lives in one module beside its backward rule (arithmetic, unary, reduction, linalg,
shape, inplace); this file only says which Tensor method calls which op.
"""
from __future__ import annotations

import numpy as np

from engine.ops import arithmetic, inplace, linalg, reduction, shape, unary
from engine.tensor import Tensor, _wrap


def _compare(np_fn):
    def compare(a, b):
        other = b._data if isinstance(b, Tensor) else b
        return _wrap(np_fn(a._data, other))
    return compare


def _reverse(fn):
    return lambda a, b: fn(b if isinstance(b, Tensor) else _wrap(np.asarray(b, dtype=a._data.dtype)), a)


_METHODS = {
    # arithmetic
    "__add__": arithmetic.add, "__radd__": arithmetic.add, "add": arithmetic.add,
    "__sub__": arithmetic.sub, "__rsub__": arithmetic.rsub, "sub": arithmetic.sub,
    "__mul__": arithmetic.mul, "__rmul__": arithmetic.mul, "mul": arithmetic.mul,
    "__truediv__": arithmetic.div, "__rtruediv__": arithmetic.rdiv, "div": arithmetic.div,
    "__pow__": arithmetic.pow, "__rpow__": arithmetic.rpow, "pow": arithmetic.pow,
    "__neg__": arithmetic.neg, "neg": arithmetic.neg, "reciprocal": arithmetic.reciprocal,
    "square": arithmetic.square, "maximum": arithmetic.maximum, "minimum": arithmetic.minimum,
    "__matmul__": linalg.matmul, "__rmatmul__": linalg.rmatmul, "matmul": linalg.matmul, "bmm": linalg.bmm,
    "mm": linalg.mm, "mv": linalg.mv, "dot": linalg.dot,
    # elementwise math
    "abs": unary.abs, "__abs__": unary.abs, "exp": unary.exp, "log": unary.log, "sqrt": unary.sqrt,
    "sin": unary.sin, "cos": unary.cos, "tanh": unary.tanh, "sigmoid": unary.sigmoid,
    "relu": unary.relu, "sign": unary.sign, "clamp": unary.clamp, "clip": unary.clamp,
    "clamp_min": unary.clamp_min, "clamp_max": unary.clamp_max,
    # reductions
    "sum": reduction.sum, "mean": reduction.mean, "max": reduction.max, "min": reduction.min,
    "argmax": reduction.argmax, "argmin": reduction.argmin, "cumsum": reduction.cumsum,
    "norm": reduction.norm,
    # shape and indexing
    "view": shape.view, "reshape": shape.reshape, "flatten": shape.flatten,
    "expand": shape.expand, "expand_as": shape.expand_as, "permute": shape.permute,
    "t": shape.t, "transpose": shape.transpose, "squeeze": shape.squeeze,
    "unsqueeze": shape.unsqueeze, "__getitem__": shape.getitem, "__setitem__": shape.setitem,
    "clone": shape.clone,
    # in place
    "add_": inplace.add_, "sub_": inplace.sub_, "mul_": inplace.mul_, "div_": inplace.div_,
    "__iadd__": inplace.add_, "__isub__": inplace.sub_, "__imul__": inplace.mul_,
    "__itruediv__": inplace.div_, "zero_": inplace.zero_, "fill_": inplace.fill_,
    "copy_": inplace.copy_, "clamp_": inplace.clamp_, "uniform_": inplace.uniform_,
    "normal_": inplace.normal_,
    # comparisons give bool tensors, outside the graph
    "__eq__": _compare(np.equal), "__ne__": _compare(np.not_equal), "__lt__": _compare(np.less),
    "__le__": _compare(np.less_equal), "__gt__": _compare(np.greater),
    "__ge__": _compare(np.greater_equal), "eq": _compare(np.equal), "ne": _compare(np.not_equal),
    "lt": _compare(np.less), "le": _compare(np.less_equal), "gt": _compare(np.greater),
    "ge": _compare(np.greater_equal),
    "__and__": _compare(np.logical_and), "__or__": _compare(np.logical_or),
    "__invert__": lambda a: _wrap(np.logical_not(a._data) if a._data.dtype == bool else ~a._data),
    "all": lambda a, dim=None: _wrap(np.all(a._data, axis=dim)),
    "any": lambda a, dim=None: _wrap(np.any(a._data, axis=dim)),
    "equal": lambda a, b: bool(a._data.shape == b._data.shape and np.array_equal(a._data, b._data)),
    "allclose": lambda a, b, rtol=1e-05, atol=1e-08, equal_nan=False:
        bool(np.allclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)),
    "isnan": lambda a: _wrap(np.isnan(a._data)), "isinf": lambda a: _wrap(np.isinf(a._data)),
    "isfinite": lambda a: _wrap(np.isfinite(a._data)),
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
Tensor.T = property(shape.T)
Tensor.mT = property(lambda a: shape.transpose(a, -2, -1))


class TensorMath:
    """Math for backward formulas on Tensors, so that the backward pass is itself recorded
    (create_graph=True, for higher-order gradients). Mirrors autograd.engine._PlainMath."""
    plain = False
    sign, sin, cos, exp, log = unary.sign, unary.sin, unary.cos, unary.exp, unary.log
    broadcast_to = staticmethod(shape.broadcast_to)
    transpose = staticmethod(lambda g, dims: shape.permute(g, *dims))
    swapaxes = staticmethod(shape.transpose)
    swap_last = staticmethod(lambda a: shape.transpose(a, -1, -2))

    @staticmethod
    def mask(m, like):
        return _wrap(np.asarray(m, dtype=like._data.dtype))

    const = mask

    @staticmethod
    def select(m, g):
        return g * TensorMath.mask(m, g)

    @staticmethod
    def zeros_like(g):
        return _wrap(np.zeros_like(g._data))

    @staticmethod
    def cumsum(g, axis):
        return reduction.cumsum(g, axis)

    @staticmethod
    def where_nonzero(r):
        # r is only a divisor here; a zero norm gives a zero gradient, as in PyTorch
        return r + _wrap(np.where(r._data == 0, np.inf, 0).astype(r._data.dtype))  # not 0 * inf = nan

    @staticmethod
    def where_positive_log(a):
        pos = a._data > 0
        safe = a * _wrap(pos.astype(a._data.dtype)) + _wrap((~pos).astype(a._data.dtype))
        return unary.log(safe)

    @staticmethod
    def embed(g, shape_, index, accumulate):
        return shape.embed(g, shape_, index, accumulate)

    @staticmethod
    def zero_region(g, index):
        keep = np.ones(g._data.shape, dtype=g._data.dtype)
        keep[index] = 0
        return g * _wrap(keep)

    @staticmethod
    def cast(g, dtype):
        return shape.to_dtype(g, dtype)
