"""Softmax and log-softmax along a dim: one node each (SoftmaxBackward0, LogSoftmaxBackward0),
saving their result as PyTorch does. Backward formulas are written once for numpy arrays and
for Tensors (create_graph=True): both take `.sum(axis=, keepdims=)`."""
from __future__ import annotations

import warnings

import numpy as np

from engine import dtypes
from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.tensor import _wrap


def implicit_dim(name: str, ndim: int, stacklevel: int = 3) -> int:
    """PyTorch's choice when dim is left out (deprecated, with its warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _checked_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _float_data(x, dtype):
    data = x._data
    if dtype is not None:
        data = data.astype(dtypes.to_numpy(dtype))
    elif data.dtype.kind not in "fc":
        raise RuntimeError(f'"softmax_lastdim_kernel_impl" not implemented for '
                           f"'{x.dtype!r}'".replace("torch.", "").replace("int64", "Long"))
    return data


def _shifted(d, axis):
    if d.ndim == 0:
        return d - d
    return d - np.max(d, axis=axis, keepdims=True)


class SoftmaxBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        y = saved[0]
        if y.ndim == 0:
            return (g * 0,)
        return (y * (g - (g * y).sum(axis=self.dim, keepdims=True)),)


class LogSoftmaxBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        r = saved[0]
        if r.ndim == 0:
            return (g * 0,)
        return (g - F.exp(r) * g.sum(axis=self.dim, keepdims=True),)


def _record(x, out, node_cls, dim):
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(node_cls, (x,))
    node.dim = dim
    t = _wrap(out, grad_fn=node)
    save(node, t)
    return t


def softmax(x, dim=None, dtype=None, _stacklevel: int = 3):
    if dim is None:
        dim = implicit_dim("softmax", x.ndim, _stacklevel)
    data = _float_data(x, dtype)
    dim = _checked_dim(dim, data.ndim)
    e = np.exp(_shifted(data, dim))
    out = e / (e.sum(axis=dim, keepdims=True) if data.ndim else e)
    return _record(x, out, SoftmaxBackward0, dim)


def log_softmax(x, dim=None, dtype=None, _stacklevel: int = 3):
    if dim is None:
        dim = implicit_dim("log_softmax", x.ndim, _stacklevel)
    data = _float_data(x, dtype)
    dim = _checked_dim(dim, data.ndim)
    z = _shifted(data, dim)
    out = z - (np.log(np.exp(z).sum(axis=dim, keepdims=True)) if data.ndim else z)
    return _record(x, out.astype(data.dtype, copy=False), LogSoftmaxBackward0, dim)

