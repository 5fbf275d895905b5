"""Indexing: reading (`x[i]`, `x[1:, [0, 2]]`) as PyTorch records it — a chain of select/slice
views, or an index copy — and indexed assignment (`y[i] = v`), recorded as CopySlices or
IndexPutBackward0.
"""
from __future__ import annotations

import builtins
import re

import numpy as np

from engine.autograd.graph import Node, edge, make_node, needs_grad
from engine.ops import views
from engine.ops._operands import sum_to
from engine.ops.inplace import VIEW_OF_LEAF_INPLACE_MESSAGE, CopyBackwards, check_inplace, record_history
from engine.ops.shape import _view_result, unsqueeze
from engine.tensor import Tensor, _wrap


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
        try:
            out = data[index if len(index) > 1 else index[0]]
        except (IndexError, ValueError) as exc:
            raise _index_error(exc, data, index) from None
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


def _index_error(exc, data, index) -> IndexError:
    """numpy's complaint about an advanced index, in PyTorch's words."""
    text = str(exc)
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if "could not be broadcast" in text:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        return IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}")
    if "must be of integer" in text or "only integers" in text:
        return IndexError("tensors used as indices must be long, int, byte or bool tensors")
    found = re.search(r"along axis (\d+); size of axis is (\d+) but size of corresponding boolean axis is (\d+)",
                      text)
    if found:
        axis = int(found.group(1))
        start = 0
        for i in index:
            if isinstance(i, np.ndarray) and i.dtype == np.bool_:
                break
            start += 0 if i is None else 1
        mask = next(a for a in arrays if a.dtype == np.bool_)
        return IndexError(f"The shape of the mask {list(mask.shape)} at index {axis - start} does not match the "
                          f"shape of the indexed tensor {list(data.shape)} at index {axis}")
    found = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", text)
    if found:
        return IndexError(f"index {found.group(1)} is out of bounds for dimension {found.group(2)} with size "
                          f"{found.group(3)}")
    return IndexError(text)


class IndexPutBackward0(Node):
    """`y[indices] = v` with only tensor/list indices (PyTorch's index_put_): y's old history gets
    the gradient with the overwritten elements zeroed, v the gradient at its elements."""
    saved_names = ("indices",)

    def apply(self, g, F, saved):
        g_old = F.zero_region(g, self.index) if self.next_functions[0][0] is not None else None
        g_val = None
        if self.next_functions[1][0] is not None:
            g_val = sum_to(g[self.index], self.value_shape)
        return g_old, g_val


def _only_advanced(index) -> bool:
    return not _is_basic(index) and builtins.all(
        isinstance(i, np.ndarray) or i is Ellipsis or (isinstance(i, slice) and i == slice(None)) for i in index)


def setitem(x, index, value):
    """`x[index] = value`: PyTorch's `x[index].copy_(value)` (recorded as CopySlices around
    CopyBackwards), or index_put_ when every index is a tensor or list."""
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
    if not record:
        return
    value_shape = tv._data.shape if tv is not None else ()
    if _only_advanced(index):
        node = make_node(IndexPutBackward0, (None, tv), [_wrap(i) for i in index if isinstance(i, np.ndarray)])
        node.index, node.value_shape = key, value_shape
    else:
        copy = make_node(CopyBackwards, (None, tv))
        copy.src_shape = value_shape
        copy.src_dtype = tv._data.dtype if tv is not None else x._data.dtype
        # the trailing Ellipsis keeps a single element an array
        positions = np.arange(x._data.size).reshape(x._data.shape)[
            index if builtins.any(i is Ellipsis for i in index) else index + (Ellipsis,)]
        region = np.zeros(x._data.size, dtype=bool)
        region[positions] = True
        # the mask of what was overwritten is saved (and freed after backward), so a second backward
        # fails as PyTorch's does
        node = views.copy_slices(copy, positions, x._data.shape, (_wrap(region.reshape(x._data.shape)),))
        node.saved_names = ("region",)
    node.next_functions = (old_edge, node.next_functions[1])
    record_history(x, node)


# -- placing a gradient (the backward of indexing, differentiated again) -------------------

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
