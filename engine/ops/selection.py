"""Ops that pick or place elements by an index or a mask: gather, scatter_add, index_select,
embedding, topk, sort, masked_fill, tril/triu — each forward beside its backward. gather and scatter_add are each other's backward,
so their backward is itself recorded when differentiating twice."""
from __future__ import annotations

import collections

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops._operands import as_tensor
from engine.tensor import Tensor, _wrap


def _dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _long(index, op: str) -> np.ndarray:
    data = as_tensor(index)._data
    if data.dtype != np.int64:
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    return data


def _along(index: np.ndarray, dim: int):
    """The full index tuple that addresses `index`'s entries along `dim` (the others in place)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _check_index(index: np.ndarray, size: int, dim: int, op: str) -> None:
    if index.size and (index.min() < -size or index.max() >= size):
        bad = index[(index < -size) | (index >= size)].flat[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


# -- gather / scatter_add ----------------------------------------------------------------

class GatherBackward0(Node):
    saved_names = ("self", "index")

    def apply(self, g, F, saved):
        if F.plain:
            out = np.zeros(self.shape, dtype=g.dtype)
            np.add.at(out, _along(self.index, self.dim), g)
            return (out,)
        return (scatter_add(_wrap(np.zeros(self.shape, dtype=g._data.dtype)), self.dim, _wrap(self.index), g),)


def gather(input, dim: int, index, *, sparse_grad: bool = False, out=None):  # noqa: A002
    """out[i][j] = input[i][index[i][j]] (dim=1): picks one entry along `dim` per index entry."""
    x = input._data
    dim = _dim(dim, x.ndim)
    idx = _long(index, "gather")
    if idx.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    _check_index(idx, x.shape[dim], dim, "gather")
    result = x[_along(idx, dim)]
    if not needs_grad(input):
        return _to_out(_wrap(result), out)
    node = make_node(GatherBackward0, (input,), (input, as_tensor(index)))
    node.dim, node.index, node.shape = dim, idx, x.shape
    return _to_out(_wrap(result, grad_fn=node), out)


class ScatterAddBackward0(Node):
    saved_names = ("index",)

    def apply(self, g, F, saved):
        gs = None
        if self.next_functions[1][0] is not None:
            gs = g[_along(self.index, self.dim)] if F.plain else gather(g, self.dim, _wrap(self.index))
        return g, gs


def scatter_add(input, dim: int, index, src):  # noqa: A002
    """A copy of input with src[i][j] added at [i][index[i][j]] (dim=1); repeated indices add up."""
    x = input._data
    dim = _dim(dim, x.ndim)
    idx = _long(index, "scatter_add")
    _check_index(idx, x.shape[dim], dim, "scatter_add")
    src_t = as_tensor(src)
    s = src_t._data[tuple(slice(0, n) for n in idx.shape)]
    result = np.array(x, dtype=np.result_type(x, s), copy=True)
    np.add.at(result, _along(idx, dim), s)
    if not needs_grad(input, src_t):
        return _wrap(result)
    node = make_node(ScatterAddBackward0, (input, src_t), (as_tensor(index),))
    node.dim, node.index = dim, idx
    return _wrap(result, grad_fn=node)


# -- index_select ------------------------------------------------------------------------

class IndexSelectBackward0(Node):
    saved_names = ("index",)

    def apply(self, g, F, saved):
        if F.plain:
            out = np.zeros(self.shape, dtype=g.dtype)
            np.add.at(out, (slice(None),) * self.dim + (self.index,), g)
            return (out,)
        # recorded: bring dim to the front, add rows in with embed, and move it back
        perm = (self.dim,) + tuple(i for i in range(len(self.shape)) if i != self.dim)
        inverse = tuple(int(i) for i in np.argsort(perm))
        shape_t = tuple(self.shape[i] for i in perm)
        return (F.transpose(F.embed(F.transpose(g, perm), shape_t, (self.index,), True), inverse),)


def index_select(input, dim: int, index, *, out=None):  # noqa: A002
    x = input._data
    dim = _dim(dim, x.ndim)
    idx = as_tensor(index)._data
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if idx.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    _check_index(idx, x.shape[dim] if x.ndim else 1, dim, "index_select")
    result = np.take(x, idx.reshape(-1), axis=dim) if x.ndim else x.reshape(1)[idx.reshape(-1)]
    if not needs_grad(input):
        return _to_out(_wrap(result), out)
    node = make_node(IndexSelectBackward0, (input,), (as_tensor(index),))
    node.dim, node.index, node.shape = dim, idx.reshape(-1), x.shape
    return _to_out(_wrap(result, grad_fn=node), out)


# -- masks --------------------------------------------------------------------------------

class MaskedFillBackward0(Node):
    saved_names = ("mask",)

    def apply(self, g, F, saved):
        return (F.select(~self.mask, g) if self.next_functions[0][0] is not None else None,)


def masked_fill(input, mask, value):  # noqa: A002
    """input with `value` where mask is True (mask broadcasts); no gradient flows to those places."""
    m = as_tensor(mask)._data
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{as_tensor(mask).dtype!r}".replace("torch.", ""))
    x = input._data
    fill = value.item() if isinstance(value, Tensor) else value
    result = np.where(m, np.asarray(fill, dtype=x.dtype), x)
    if result.shape != x.shape:
        raise RuntimeError(f"masked_fill: the mask's shape {list(m.shape)} does not broadcast to the input's "
                           f"{list(x.shape)}")
    if not needs_grad(input):
        return _wrap(result)
    node = make_node(MaskedFillBackward0, (input,), (_wrap(m),))
    node.mask = np.broadcast_to(m, x.shape)
    return _wrap(result, grad_fn=node)


class TrilBackward0(Node):
    def apply(self, g, F, saved):
        return (F.select(self.keep, g),)


class TriuBackward0(TrilBackward0):
    pass


def _triangle(input, diagonal: int, lower: bool):  # noqa: A002
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'}: input tensor must have at least 2 dimensions")
    rows, cols = x.shape[-2:]
    keep = (np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool))
    keep = np.broadcast_to(keep, x.shape)
    result = np.where(keep, x, np.zeros((), x.dtype))
    if not needs_grad(input):
        return _wrap(result)
    node = make_node(TrilBackward0 if lower else TriuBackward0, (input,))
    node.keep = keep
    return _wrap(result, grad_fn=node)


def tril(input, diagonal: int = 0, *, out=None):  # noqa: A002
    return _to_out(_triangle(input, diagonal, True), out)


def triu(input, diagonal: int = 0, *, out=None):  # noqa: A002
    return _to_out(_triangle(input, diagonal, False), out)


def nonzero(input, *, out=None, as_tuple: bool = False):  # noqa: A002
    found = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in found)
    return _to_out(_wrap(np.stack(found, axis=1).astype(np.int64)), out)


def argsort(input, dim: int = -1, descending: bool = False, stable: bool = False):  # noqa: A002
    x = input._data
    if x.ndim == 0:
        return _wrap(np.int64(0))
    return _wrap(_ordered(x, _dim(dim, x.ndim), descending).astype(np.int64))


# -- embedding ---------------------------------------------------------------------------

class EmbeddingBackward0(Node):
    saved_names = ("indices",)

    def apply(self, g, F, saved):
        idx = self.indices.reshape(-1)
        rows = g.reshape(idx.size, self.shape[1]) if F.plain else g.reshape(idx.size, self.shape[1])
        if self.padding_idx is not None:
            keep = (idx != self.padding_idx)[:, None]
            rows = F.select(keep, rows)
        if F.plain:
            out = np.zeros(self.shape, dtype=g.dtype)
            np.add.at(out, idx, rows)
            return (out,)
        return (F.embed(rows, self.shape, (idx,), True),)


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type: float = 2.0,  # noqa: A002
              scale_grad_by_freq: bool = False, sparse: bool = False):
    """weight[input]: one row of the table per index (the rows of a padding index get no gradient)."""
    idx = as_tensor(input)._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {as_tensor(input).type()} instead (while checking "
                           "arguments for embedding)")
    w = weight._data
    if idx.size and (idx.min() < 0 or idx.max() >= w.shape[0]):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += w.shape[0]
    result = w[idx]
    if not needs_grad(weight):
        return _wrap(result)
    node = make_node(EmbeddingBackward0, (weight,), (as_tensor(input),))
    node.indices, node.shape, node.padding_idx = idx, w.shape, padding_idx
    return _wrap(result, grad_fn=node)


def one_hot(tensor, num_classes: int = -1) -> Tensor:
    """int64 rows with a 1 at each class index (num_classes=-1: the largest index + 1)."""
    idx = as_tensor(tensor)._data
    if idx.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _wrap((idx[..., None] == np.arange(num_classes)).astype(np.int64))


# -- topk / sort ---------------------------------------------------------------------------

class _TopkResult(collections.namedtuple("topk", "values indices")):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.return_types.{self._op}(\nvalues={self.values!r},\nindices={self.indices!r})"

    _op = "topk"


class _SortResult(_TopkResult):
    __slots__ = ()
    _op = "sort"


class TopkBackward0(Node):
    saved_names = ("indices",)

    def apply(self, g, F, saved):
        if F.plain:
            out = np.zeros(self.shape, dtype=g.dtype)
            out[_along(self.indices, self.dim)] = g
            return (out,)
        return (scatter_add(_wrap(np.zeros(self.shape, dtype=g._data.dtype)), self.dim, _wrap(self.indices), g),)


class SortBackward0(TopkBackward0):
    pass


def _ordered(x, dim, descending: bool) -> np.ndarray:
    # stable, and descending keeps equal values in their original order as PyTorch's CPU sort does
    key = -x if descending and x.dtype.kind != "b" else x
    order = np.argsort(key, axis=dim, kind="stable")
    return order[..., ::-1] if descending and x.dtype.kind == "b" else order


def _picked(input, order, dim, node_cls, result_cls):  # noqa: A002
    values = np.take_along_axis(input._data, order, axis=dim)
    indices = _wrap(order.astype(np.int64))
    if not needs_grad(input):
        return result_cls(_wrap(values), indices)
    node = make_node(node_cls, (input,), (indices,))
    node.dim, node.indices, node.shape = dim, order, input._data.shape
    return result_cls(_wrap(values, grad_fn=node), indices)


def sort(input, dim: int = -1, descending: bool = False, stable: bool = False):  # noqa: A002
    x = input._data
    if x.ndim == 0:
        return _SortResult(input.clone() if input.requires_grad else _wrap(x.copy()), _wrap(np.int64(0)))
    dim = _dim(dim, x.ndim)
    return _picked(input, _ordered(x, dim, descending), dim, SortBackward0, _SortResult)


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    x = input._data
    dim = _dim(dim, x.ndim)
    size = x.shape[dim] if x.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if x.ndim == 0:
        return _TopkResult(input * 1, _wrap(np.int64(0)))
    order = np.take(_ordered(x, dim, largest), np.arange(k), axis=dim)
    return _picked(input, order, dim, TopkBackward0, _TopkResult)


def _to_out(result: Tensor, out):
    if out is None:
        return result
    out._data = result._data
    out._vc[0] += 1
    return out
