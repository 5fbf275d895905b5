"""Copies and dtype casts: clone and `.to(dtype)`."""
from __future__ import annotations

from engine import dtypes
from engine.autograd.graph import Node, make_node, needs_grad
from engine.tensor import _wrap


class CloneBackward0(Node):
    def apply(self, g, F, saved):
        return (g,)


class ToCopyBackward0(Node):
    def apply(self, g, F, saved):
        return (F.cast(g, self.dtype),)


def clone(x):
    out = x._data.copy()
    if not needs_grad(x):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(CloneBackward0, (x,)))


def to_dtype(x, dtype):
    np_dtype = dtypes.to_numpy(dtype)
    if x._data.dtype == np_dtype:
        return x
    out = x._data.astype(np_dtype)
    if not needs_grad(x) or np_dtype.kind not in "fc":
        return _wrap(out)
    node = make_node(ToCopyBackward0, (x,))
    node.dtype = x._data.dtype
    return _wrap(out, grad_fn=node)
