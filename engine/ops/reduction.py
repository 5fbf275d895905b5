"""Reductions: sum, mean, max/min, cumsum, norm — each gradient broadcast back over the
reduced dimensions."""
from __future__ import annotations

import collections

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.autograd.grad_mode import state as _grad_state
from engine.ops._operands import into
from engine.tensor import _result, _wrap

_add_reduce = np.add.reduce


def _dims(dim, ndim: int):
    """Normalise `dim` (int, tuple or None) to a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (dim,)
    n = ndim if ndim > 0 else 1  # (this module defines its own max)
    for d in dim:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    if not ndim:  # a 0-d tensor accepts dim 0 or -1 and reduces nothing, as in PyTorch
        return ()
    return tuple(sorted(d % ndim for d in dim))


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _pick_dim(dim, axis):
    return axis if dim is None else dim


def _pick_keep(keepdim, keepdims):
    return bool(keepdim or keepdims)


def _unreduced(g, node, F):
    """g with the reduced dims back (size 1), ready to broadcast; when differentiating twice,
    recorded as PyTorch records it: nothing for a full reduction or keepdim, else one unsqueeze
    per reduced dim (so the second backward shows SqueezeBackward1, not ViewBackward0)."""
    if F.plain or g.shape == node.kept:
        return g.reshape(node.kept)
    axes = getattr(node, "axes", None)
    if axes is None:  # a full reduction: its 0-d gradient expands as it is
        return g
    from engine.ops.shape import unsqueeze
    for axis in axes:
        g = unsqueeze(g, axis)
    return g


class SumBackward0(Node):
    def apply(self, g, F, saved):
        return (F.broadcast_to(_unreduced(g, self, F), self.shape),)


class SumBackward1(SumBackward0):
    pass


class MeanBackward0(Node):
    def apply(self, g, F, saved):
        if F.plain:
            return (F.broadcast_to(_unreduced(g, self, F) / self.count, self.shape),)
        from engine.ops.arithmetic import scaled  # expand, then divide by the count (DivBackward1)
        return (scaled(F.broadcast_to(_unreduced(g, self, F), self.shape), self.count, divide=True),)


class MeanBackward1(MeanBackward0):
    pass


def _reduce(x, dim, keepdim, np_fn, node_all, node_dim, count: bool):
    data = x._data
    if data.dtype.kind == "b":
        data = data.astype(np.int64)
    if dim is None:  # the common full reduction, e.g. a loss
        out = _add_reduce(data, axis=None)  # np.sum's wrapper is slow on small arrays
        if keepdim:
            out = np.reshape(out, (1,) * data.ndim)
        n = data.size
        kept = (1,) * data.ndim
    else:
        axes = _dims(dim, data.ndim)
        out = _add_reduce(data, axis=axes, keepdims=keepdim)
        n = 1
        for a in axes:
            n *= data.shape[a]
        kept = _kept_shape(data.shape, axes)
    if count:
        out = out / n if n else out * np.nan
    if not (_grad_state.enabled and x._rg):
        return _wrap(out)
    node = make_node(node_all if dim is None else node_dim, (x,))
    node.shape = data.shape
    node.kept = kept
    node.count = n
    if dim is not None and not keepdim:
        node.axes = axes
    return _result(out, node)


def sum(input, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=False, out=None):  # noqa: A001,A002
    result = _reduce(input, _pick_dim(dim, axis), _pick_keep(keepdim, keepdims), np.sum,
                     SumBackward0, SumBackward1, False)
    return into(out, result if dtype is None else result.to(dtype), "sum")


_SCALAR_TYPE_NAMES = {"int64": "Long", "int32": "Int", "uint8": "Byte", "bool": "Bool"}  # c10's names


def mean(input, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=False, out=None):  # noqa: A002
    if out is not None:
        return into(out, mean(input, dim, keepdim, dtype, axis=axis, keepdims=keepdims), "mean")
    x = input
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {_SCALAR_TYPE_NAMES.get(x.dtype.name, x.dtype.name)}")
    return _reduce(x, _pick_dim(dim, axis), _pick_keep(keepdim, keepdims), np.mean,
                   MeanBackward0, MeanBackward1, True)


# -- max / min ------------------------------------------------------------------

class _ReturnTypes(collections.namedtuple("_ReturnTypes", "values indices")):
    __slots__ = ()
    _op = "max"

    def __repr__(self) -> str:
        return f"torch.return_types.{self._op}(\nvalues={self.values!r},\nindices={self.indices!r})"


class _MaxResult(_ReturnTypes):
    __slots__ = ()
    _op = "max"


class _MinResult(_ReturnTypes):
    __slots__ = ()
    _op = "min"


class MaxBackward1(Node):
    """max()/min() over everything: the gradient is shared evenly among tied maxima."""
    saved_names = ("self", "result")

    def apply(self, g, F, saved):
        x, r = saved
        mask = (x == r) if F.plain else (x._data == r._data)
        return (F.select(mask, g / int(mask.sum())),)


class MinBackward1(MaxBackward1):
    pass


class MaxBackward0(Node):
    """max(dim)/min(dim): the gradient goes to the selected index only."""
    saved_names = ("indices",)

    def apply(self, g, F, saved):
        if not self.keepdim:
            g = g.reshape(self.kept)
        return (F.select(self.onehot, F.broadcast_to(g, self.shape)),)


class MinBackward0(MaxBackward0):
    pass


def _extreme(x, dim, keepdim, is_max: bool):
    data = x._data
    if dim is None:
        out = data.max() if is_max else data.min()
        if not needs_grad(x):
            return _wrap(out)
        node = make_node(MaxBackward1 if is_max else MinBackward1, (x,))
        t = _wrap(out, grad_fn=node)
        save(node, x, t)
        return t
    result = _MaxResult if is_max else _MinResult
    if not data.ndim:  # dim 0 or -1 of a 0-d tensor: the value itself, index 0
        values = _wrap(data.copy())
        if needs_grad(x):
            node = make_node(MaxBackward0 if is_max else MinBackward0, (x,))
            node.shape = node.kept = ()
            node.keepdim, node.onehot = True, np.ones((), bool)
            save(node, _wrap(node.onehot))
            values = _wrap(data.copy(), grad_fn=node)
        return result(values, _wrap(np.zeros((), np.int64)))
    axis = dim % data.ndim
    idx = (np.argmax if is_max else np.argmin)(data, axis=axis, keepdims=True)
    values = np.take_along_axis(data, idx, axis=axis)
    indices = idx if keepdim else np.squeeze(idx, axis=axis)
    if not keepdim:
        values = np.squeeze(values, axis=axis)
    result = _MaxResult if is_max else _MinResult
    if not needs_grad(x):
        return result(_wrap(values), _wrap(indices.astype(np.int64)))
    node = make_node(MaxBackward0 if is_max else MinBackward0, (x,))
    node.shape = data.shape
    node.kept = _kept_shape(data.shape, (axis,))
    node.keepdim = keepdim
    onehot = np.zeros(data.shape, dtype=bool)
    np.put_along_axis(onehot, idx, True, axis=axis)
    node.onehot = onehot
    save(node, _wrap(onehot))  # PyTorch saves the indices (freed after backward): here as a mask
    return result(_wrap(values, grad_fn=node), _wrap(indices.astype(np.int64)))


def max(x, dim=None, keepdim=False):  # noqa: A001
    from engine.tensor import Tensor
    if isinstance(dim, Tensor):
        from engine.ops.arithmetic import maximum
        return maximum(x, dim)
    return _extreme(x, dim, keepdim, True)


def min(x, dim=None, keepdim=False):  # noqa: A001
    from engine.tensor import Tensor
    if isinstance(dim, Tensor):
        from engine.ops.arithmetic import minimum
        return minimum(x, dim)
    return _extreme(x, dim, keepdim, False)


def argmax(x, dim=None, keepdim=False):
    if dim is None:
        return _wrap(np.int64(np.argmax(x._data)))
    return _extreme(x, dim, keepdim, True).indices


def argmin(x, dim=None, keepdim=False):
    if dim is None:
        return _wrap(np.int64(np.argmin(x._data)))
    return _extreme(x, dim, keepdim, False).indices


# -- cumsum, norm -------------------------------------------------------------------

class CumsumBackward0(Node):
    def apply(self, g, F, saved):
        # reversed cumulative sum: what each input contributes to every later output
        d = self.dim
        if d is None:  # a 0-d input: cumsum was the identity
            return (g,)
        return (g.sum(axis=d, keepdims=True) - F.cumsum(g, d) + g,)


def cumsum(x, dim, dtype=None):
    data = x._data
    if data.dtype.kind in "b":
        data = data.astype(np.int64)
    axis = dim % data.ndim if data.ndim else None
    out = np.cumsum(data, axis=axis) if data.ndim else data.copy()
    out += 0  # PyTorch's running sum starts from +0: a leading -0.0 comes out as 0.0
    if not needs_grad(x):
        res = _wrap(out)
    else:
        node = make_node(CumsumBackward0, (x,))
        node.dim = axis
        res = _wrap(out, grad_fn=node)
    return res if dtype is None else res.to(dtype)


class LinalgVectorNormBackward0(Node):
    saved_names = ("self", "result")

    def apply(self, g, F, saved):
        x, r = saved
        if self.ord == 1:
            return (F.broadcast_to(g.reshape(self.kept), self.shape) * F.sign(x),)
        r = r.reshape(self.kept)
        g = g.reshape(self.kept)
        safe = F.where_nonzero(r)
        return (g * x / safe,)


def norm(x, p="fro", dim=None, keepdim=False, dtype=None):
    ord_ = 2 if p in ("fro", 2, 2.0, None) else p
    if ord_ not in (1, 2):
        raise NotImplementedError(f"norm with p={p!r} is not supported; use p=1 or p=2")
    data = x._data
    axes = _dims(dim, data.ndim)
    if ord_ == 2:
        out = np.sqrt(np.sum(data * data, axis=axes, keepdims=keepdim))
    else:
        out = np.sum(np.abs(data), axis=axes, keepdims=keepdim)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(LinalgVectorNormBackward0, (x,))
    node.ord = ord_
    node.shape = data.shape
    node.kept = _kept_shape(data.shape, axes)
    t = _wrap(out, grad_fn=node)
    save(node, x, t)
    return t
