"""Shape and indexing ops: views, expand, transposes, indexing and indexed assignment
(CopySlices), concatenation, copies and dtype casts.

Views share the version counter of the tensor they view, as in PyTorch, so an in-place
change through a view is seen by the saved-tensor check.
"""
from __future__ import annotations

import builtins

import numpy as np

from engine import dtypes
from engine.autograd.grad_mode import state as _grad_state
from engine.autograd.graph import Node, edge, make_node, needs_grad
from engine.ops import views
from engine.ops._operands import as_tensor, broadcast_view, sum_to
from engine.tensor import Tensor, _result, _wrap


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
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of "
                           "sizes provided must be greater or equal to the number of dimensions in the tensor")
    target = sizes if -1 not in sizes else tuple(s if s != -1 else shape[i - lead] for i, s in enumerate(sizes))
    try:
        data = broadcast_view(x._data, target)
    except ValueError:
        raise RuntimeError(f"The expanded size of the tensor must match the existing size at "
                           f"non-singleton dimensions. Target sizes: {list(sizes)}.  Tensor sizes: "
                           f"{list(shape)}") from None
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
    pass


class UnsqueezeBackward0(SqueezeBackward0):
    pass


def squeeze(x, dim=None):
    data = x._data
    if dim is None:
        return _view_result(x, np.squeeze(data), SqueezeBackward0, shape=data.shape)
    d = dim % data.ndim if data.ndim else 0
    out = np.squeeze(data, axis=d) if data.ndim and data.shape[d] == 1 else data.view()
    return _view_result(x, out, SqueezeBackward1, shape=data.shape)


def unsqueeze(x, dim):
    data = x._data
    d = dim % (data.ndim + 1)
    return _view_result(x, np.expand_dims(data, d), UnsqueezeBackward0, shape=data.shape)


# -- indexing ---------------------------------------------------------------------

class SelectBackward0(Node):
    """x[i] on one dimension: the gradient lands in row i, zeros elsewhere."""

    def apply(self, g, F, saved):
        return (F.embed(g, self.shape, self.index, False),)


class SliceBackward0(SelectBackward0):
    pass


class IndexBackward0(Node):
    """Advanced indexing: gradients of repeated indices add up."""
    saved_names = ("indices",)

    def apply(self, g, F, saved):
        return (F.embed(g, self.shape, self.index, True),)


def _normalise_index(index):
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i._data if i._data.ndim else i._data.item()
        elif isinstance(i, list):
            i = np.asarray(i)
        out.append(i)
    return tuple(out)


def _is_basic(index) -> bool:
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in index)


def _apply_basic_part(x, index):
    """PyTorch applies the ints, slices and Nones of a mixed index first (as views), then
    indexes the result with the tensors: x[1, :, [0, 1]] has shape (3, 2) there, (2, 3) in numpy.
    Returns the view and the index left for it."""
    basic, rest = [], []
    for i in index:
        if i is None or isinstance(i, slice):
            basic.append(i)
            rest.append(slice(None))
        elif i is Ellipsis:
            basic.append(i)
            rest.append(i)
        elif isinstance(i, (int, np.integer)):
            basic.append(i)
        else:
            arr = np.asarray(i)
            basic.extend([slice(None)] * (arr.ndim if arr.dtype == np.bool_ else 1))
            rest.append(arr)
    if builtins.any(b is not Ellipsis and b != slice(None) for b in basic):
        x = getitem(x, tuple(basic))
    return x, tuple(rest)


def getitem(x, index):
    index = _normalise_index(index)
    if not _is_basic(index):
        x, index = _apply_basic_part(x, index)
        data = x._data
        out = data[index if len(index) > 1 else index[0]]
        if not needs_grad(x):
            return _wrap(out.copy() if np.shares_memory(out, data) else out)
        # the index arrays are saved (and freed) as PyTorch saves its indices
        node = make_node(IndexBackward0, (x,), [_wrap(np.asarray(i)) for i in index if isinstance(i, np.ndarray)])
        node.shape, node.index = data.shape, index
        return _wrap(out, grad_fn=node)
    # Basic indexing is a chain of select/slice views, one per indexed dimension, as PyTorch records it.
    data = x._data
    n_real = builtins.sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {data.ndim}")
    if Ellipsis in index:
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (data.ndim - n_real) + index[at + 1:]
    result, dim = x, 0
    for i in index:
        shape = result._data.shape
        if i is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(i, slice):
            if i != slice(None) and i.indices(shape[dim]) != (0, shape[dim], 1):
                key = (slice(None),) * dim + (i,)
                result = _view_result(result, result._data[key], SliceBackward0, shape=shape, index=key)
            dim += 1
        else:
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            key = (slice(None),) * dim + (int(i),)
            # the trailing Ellipsis keeps a 0-d result a view (numpy returns a copied scalar otherwise)
            result = _view_result(result, result._data[key + (Ellipsis,)], SelectBackward0, shape=shape, index=key)
    if result is x:
        return _view_result(x, data.view(), None if not needs_grad(x) else SliceBackward0,
                            shape=data.shape, index=(slice(None),))
    return result


class CopySlices(Node):
    """`y[idx] = v` recorded in the graph: y's old history gets the gradient with the
    overwritten region zeroed, v gets the gradient of that region."""
    saved_names = ("region",)  # a mask of what was overwritten; freed after backward, as in PyTorch

    def apply(self, g, F, saved):
        g_old = F.zero_region(g, self.index) if self.next_functions[0][0] is not None else None
        g_val = None
        if self.next_functions[1][0] is not None:
            region = g[self.index]
            g_val = sum_to(region, self.value_shape) if region.shape != self.value_shape else region
        return g_old, g_val


class IndexPutBackward0(CopySlices):
    """`y[indices] = v` with only tensor/list indices: PyTorch's index_put_, same gradients."""
    saved_names = ("indices",)


def _only_advanced(index) -> bool:
    return not _is_basic(index) and builtins.all(
        isinstance(i, np.ndarray) or i is Ellipsis or (isinstance(i, slice) and i == slice(None)) for i in index)


def setitem(x, index, value):
    from engine.ops.inplace import VIEW_OF_LEAF_INPLACE_MESSAGE, check_inplace, record_history
    index = _normalise_index(index)
    key = index if len(index) > 1 else index[0]
    tv = value if isinstance(value, Tensor) else None
    record = needs_grad(x, tv)
    if record and x._fn is None and x._rg:  # PyTorch assigns through a view: x[i].copy_(v)
        raise RuntimeError(VIEW_OF_LEAF_INPLACE_MESSAGE)
    check_inplace(x, record)
    old_edge = edge(x)
    x._data[key] = value._data if tv is not None else value
    x._vc[0] += 1
    if record:
        if _only_advanced(index):
            node = make_node(IndexPutBackward0, (None, tv), [_wrap(i) for i in index if isinstance(i, np.ndarray)])
        else:
            region = np.zeros(x._data.shape, dtype=bool)
            region[key] = True
            node = make_node(CopySlices, (None, tv), (_wrap(region),))
        node.next_functions = (old_edge, node.next_functions[1])
        node.index = key
        node.value_shape = tv._data.shape if tv is not None else ()
        record_history(x, node)


# -- joining ---------------------------------------------------------------------------

class CatBackward0(Node):
    def apply(self, g, F, saved):
        grads, start = [], 0
        for size in self.sizes:
            key = (slice(None),) * self.dim + (slice(start, start + size),)
            grads.append(g[key])
            start += size
        return tuple(grads)


class StackBackward0(Node):
    def apply(self, g, F, saved):
        return tuple(g[(slice(None),) * self.dim + (i,)] for i in range(self.count))


def cat(tensors, dim=0):
    tensors = [as_tensor(t) for t in tensors]
    datas = [t._data for t in tensors]
    nd = datas[0].ndim
    d = dim % nd if nd else 0
    try:
        out = np.concatenate(datas, axis=d)
    except ValueError as e:
        raise RuntimeError(f"torch.cat(): {e}") from None
    if not needs_grad(*tensors):
        return _wrap(out)
    node = make_node(CatBackward0, tensors)
    node.dim, node.sizes = d, [a.shape[d] for a in datas]
    return _wrap(out, grad_fn=node)


concat = cat


def stack(tensors, dim=0):
    tensors = [as_tensor(t) for t in tensors]
    datas = [t._data for t in tensors]
    d = dim % (datas[0].ndim + 1)
    try:
        out = np.stack(datas, axis=d)
    except ValueError:
        raise RuntimeError("stack expects each tensor to be equal size, but got "
                           + " and ".join(str(list(a.shape)) for a in datas[:2])) from None
    if not needs_grad(*tensors):
        return _wrap(out)
    node = make_node(StackBackward0, tensors)
    node.dim, node.count = d, len(tensors)
    return _wrap(out, grad_fn=node)


# -- copies and casts ---------------------------------------------------------------------

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


class EmbedBackward0(Node):
    """Backward of placing a gradient into a zero tensor (used when differentiating twice)."""

    def apply(self, g, F, saved):
        return (g[self.index if len(self.index) > 1 else self.index[0]],)


def embed(g, shape, index, accumulate):
    """A zero tensor of `shape` with `g` placed (or, for repeated indices, added) at `index`."""
    out = np.zeros(shape, dtype=g._data.dtype)
    key = index if len(index) > 1 else index[0]
    if accumulate:
        np.add.at(out, key, g._data)
    else:
        out[index] = g._data
    if not needs_grad(g):
        return _wrap(out)
    node = make_node(EmbedBackward0, (g,))
    node.index = index
    return _wrap(out, grad_fn=node)
