"""All ops, and the table that binds them to Tensor as operators and methods.

Each op lives in one module beside its backward rule (elementwise rows, arithmetic, reduction,
linalg, shape, indexing, joining, copies, inplace); this file only says which Tensor method calls which op. The
elementwise table's rows bind their own names (ops/elementwise.py METHODS).
"""
from __future__ import annotations

import numpy as np

from engine.ops import (activation, arithmetic, copies, elementwise, indexing, inplace, linalg, reduction, selection,
                        shape, statistics)
from engine.tensor import Tensor, _wrap


def _compare(np_fn):
    def compare(a, b):
        other = b._data if isinstance(b, Tensor) else b
        return _wrap(np_fn(a._data, other))
    return compare


_METHODS = {
    **elementwise.METHODS,
    # arithmetic
    "__rsub__": arithmetic.rsub, "__rtruediv__": arithmetic.rdiv,
    "__pow__": arithmetic.pow, "__rpow__": arithmetic.rpow, "pow": arithmetic.pow,
    "square": arithmetic.square, "maximum": arithmetic.maximum, "minimum": arithmetic.minimum,
    "__matmul__": linalg.matmul, "__rmatmul__": linalg.rmatmul, "matmul": linalg.matmul, "bmm": linalg.bmm,
    "mm": linalg.mm, "mv": linalg.mv, "dot": linalg.dot,
    "clamp": elementwise.clamp, "clip": elementwise.clamp,
    "clamp_min": elementwise.clamp_min, "clamp_max": elementwise.clamp_max,
    # reductions
    "sum": reduction.sum, "mean": reduction.mean, "max": reduction.max, "min": reduction.min,
    "argmax": reduction.argmax, "argmin": reduction.argmin, "cumsum": reduction.cumsum,
    "norm": reduction.norm,
    "var": statistics.var, "std": statistics.std, "logsumexp": statistics.logsumexp,
    "amax": statistics.amax, "amin": statistics.amin,
    "softmax": activation.softmax, "log_softmax": activation.log_softmax,
    # picking by index or mask
    "gather": selection.gather, "scatter_add": selection.scatter_add, "index_select": selection.index_select,
    "masked_fill": selection.masked_fill, "tril": selection.tril, "triu": selection.triu,
    "topk": selection.topk, "sort": selection.sort, "argsort": selection.argsort, "nonzero": selection.nonzero,
    # shape and indexing
    "view": shape.view, "reshape": shape.reshape, "flatten": shape.flatten,
    "expand": shape.expand, "expand_as": shape.expand_as, "permute": shape.permute,
    "t": shape.t, "transpose": shape.transpose, "squeeze": shape.squeeze,
    "unsqueeze": shape.unsqueeze, "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
    "clone": copies.clone, "type_as": lambda a, other: a.type(other.dtype),
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
