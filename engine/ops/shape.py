"""Shape ops: views (view, reshape, flatten), expand, transposes and squeezes.

Views share the version counter of the tensor they view, as in PyTorch, so an in-place
change through a view is seen by the saved-tensor check.
"""
from __future__ import annotations

import numpy as np

from engine import dtypes
from engine.autograd.grad_mode import state as _grad_state
from engine.autograd.graph import TENSOR_TYPE_NAMES, Node, make_node, needs_grad
from engine.ops import views
from engine.ops._operands import broadcast_view, sum_to
from engine.ops.copies import clone
from engine.tensor import _result, _wrap


def _view_result(x, data, node_cls=None, **attrs):
    """A tensor sharing x's storage and version counter, recorded as `node_cls` if needed."""
    if node_cls is not None and needs_grad(x):
        node = make_node(node_cls, (x,))
        for k, v in attrs.items():
            setattr(node, k, v)
        t = _result(data, node)
    else:
        t = _wrap(data)
        if x._rg and node_cls is not None and not _grad_state.enabled:
            t._rg = True  # as in PyTorch: a leaf requiring grad, and no in-place on it with grad mode on
            t._no_grad_view = True
    t._vc = x._vc
    t._base = x if x._base is None else x._base
    views.register(t)
    return t


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if type(s) is not int:
            return tuple(int(s) for s in shape)
    return shape


class ViewBackward0(Node):
    def apply(self, g, F, saved):
        return (g.reshape(self.shape),)


VIEW_STRIDE_MESSAGE = ("view size is not compatible with input tensor's size and stride (at least one dimension "
                       "spans across two contiguous subspaces). Use .reshape(...) instead.")


def _reshaped(x, shape):
    """x's data in `shape`, and whether that is a view of it (numpy copies when strides forbid a view)."""
    data = x._data
    try:
        out = data.reshape(shape)
    except ValueError:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {data.size}") from None
    return out, data.flags.c_contiguous or out.size == 0 or np.may_share_memory(out, data)


def view(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        return _wrap(x._data.view(shape[0].np))
    data, is_view = _reshaped(x, _shape_args(shape))
    if not is_view:
        raise RuntimeError(VIEW_STRIDE_MESSAGE)
    return _view_result(x, data, ViewBackward0, shape=x._data.shape)


class UnsafeViewBackward0(Node):
    def apply(self, g, F, saved):
        return (g.reshape(self.shape),)


def unsafe_view(x, shape):
    """PyTorch's _unsafe_view: a reshape recorded as UnsafeViewBackward0 whose result is not a view."""
    data = x._data.reshape(shape)
    if not needs_grad(x):
        return _wrap(data)
    node = make_node(UnsafeViewBackward0, (x,))
    node.shape = x._data.shape
    return _result(data, node)


class ReshapeAliasBackward0(ViewBackward0):
    """reshape of a non-contiguous tensor whose strides still allow a view (PyTorch's _reshape_alias)."""


def reshape(x, *shape):
    """A view when the strides allow one, else a copy (clone, then _unsafe_view), recorded as PyTorch does."""
    shape = _shape_args(shape)
    data, is_view = _reshaped(x, shape)
    if not is_view:
        return unsafe_view(clone(x), data.shape)
    node_cls = ViewBackward0 if x._data.flags.c_contiguous else ReshapeAliasBackward0
    return _view_result(x, data, node_cls, shape=x._data.shape)


def flatten(x, start_dim=0, end_dim=-1):
    shape = x._data.shape
    if not shape:
        return reshape(x, 1)
    s, e = start_dim % len(shape), end_dim % len(shape)
    return reshape(x, *shape[:s], -1, *shape[e + 1:])


class ExpandBackward0(Node):
    def apply(self, g, F, saved):
        return (sum_to(g, self.shape),)


def expand(x, *sizes):
    sizes = _shape_args(sizes)
    shape = x._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(f"expand(torch.{TENSOR_TYPE_NAMES.get(x._data.dtype.name, 'Tensor')}{{{list(shape)}}}, "
                           f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater or "
                           f"equal to the number of dimensions in the tensor ({len(shape)})")
    target = sizes if -1 not in sizes else tuple(s if s != -1 else shape[i - lead] for i, s in enumerate(sizes))
    try:
        data = broadcast_view(x._data, target)
    except ValueError:
        dim = next(i for i in range(len(target) - 1, lead - 1, -1)
                   if shape[i - lead] != 1 and shape[i - lead] != target[i])
        raise RuntimeError(f"The expanded size of the tensor ({target[dim]}) must match the existing size "
                           f"({shape[dim - lead]}) at non-singleton dimension {dim}.  Target sizes: {list(sizes)}.  "
                           f"Tensor sizes: {list(shape)}") from None
    return _view_result(x, data, ExpandBackward0, shape=shape)


def expand_as(x, other):
    return expand(x, other._data.shape)


def broadcast_to(x, shape):
    return expand(x, *shape)


class PermuteBackward0(Node):
    def apply(self, g, F, saved):
        return (F.transpose(g, self.inverse),)


class TBackward0(Node):
    def apply(self, g, F, saved):
        return (g.T,)


class TransposeBackward0(Node):
    def apply(self, g, F, saved):
        return (F.swapaxes(g, self.dims[0], self.dims[1]),)


def permute(x, *dims):
    dims = tuple(d % max(x._data.ndim, 1) for d in _shape_args(dims))
    return _view_result(x, np.transpose(x._data, dims), PermuteBackward0, inverse=tuple(np.argsort(dims)))


_T_WARNED = False


def T(x):
    global _T_WARNED
    if x._data.ndim != 2 and not _T_WARNED:  # PyTorch warns once per process
        _T_WARNED = True
        import warnings
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
            "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
            "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
            "tensor. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)",
            UserWarning, stacklevel=2)
    return permute(x, *range(x._data.ndim - 1, -1, -1))


def t(x):
    if x._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x._data.ndim}D")
    return _view_result(x, x._data.T, TBackward0)


def transpose(x, dim0, dim1):
    return _view_result(x, np.swapaxes(x._data, dim0, dim1), TransposeBackward0, dims=(dim0, dim1))


class SqueezeBackward0(Node):
    def apply(self, g, F, saved):
        return (g.reshape(self.shape),)


class SqueezeBackward1(SqueezeBackward0):
    def apply(self, g, F, saved):
        if F.plain or len(self.shape) == g.ndim:
            return (g.reshape(self.shape),)
        return (unsqueeze(g, self.dim),)  # recorded as PyTorch records it (UnsqueezeBackward0)


class UnsqueezeBackward0(SqueezeBackward0):
    def apply(self, g, F, saved):
        return (g.reshape(self.shape) if F.plain else squeeze(g, self.dim),)  # (SqueezeBackward1)


def squeeze(x, dim=None):
    data = x._data
    if dim is None:
        return _view_result(x, np.squeeze(data), SqueezeBackward0, shape=data.shape)
    d = dim % data.ndim if data.ndim else 0
    out = np.squeeze(data, axis=d) if data.ndim and data.shape[d] == 1 else data.view()
    return _view_result(x, out, SqueezeBackward1, shape=data.shape, dim=d)


def unsqueeze(x, dim):
    data = x._data
    d = dim % (data.ndim + 1)
    return _view_result(x, np.expand_dims(data, d), UnsqueezeBackward0, shape=data.shape, dim=d)
