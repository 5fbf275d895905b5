"""Joining tensors: cat and stack, each gradient the matching slice of the output's."""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops._operands import as_tensor, into
from engine.tensor import _wrap


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


def cat(tensors, dim=0, *, out=None):
    if out is not None:
        return into(out, cat(tensors, dim), "cat")
    tensors = [as_tensor(t) for t in tensors]
    datas = [t._data for t in tensors]
    nd = datas[0].ndim
    d = dim % nd if nd else 0
    _check_cat(datas, d)
    result = np.concatenate(datas, axis=d)
    if not needs_grad(*tensors):
        return _wrap(result)
    node = make_node(CatBackward0, tensors)
    node.dim, node.sizes = d, [a.shape[d] for a in datas]
    return _wrap(result, grad_fn=node)


def _check_cat(datas, d: int) -> None:
    """PyTorch's messages for tensors that cannot be joined (not numpy's)."""
    first = datas[0]
    if first.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    for i, a in enumerate(datas[1:], 1):
        if a.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {a.ndim}")
        for k, (n, m) in enumerate(zip(first.shape, a.shape)):
            if k != d and n != m:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {n} but "
                                   f"got size {m} for tensor number {i} in the list.")


concat = cat


def stack(tensors, dim=0, *, out=None):
    if out is not None:
        return into(out, stack(tensors, dim), "stack")
    tensors = [as_tensor(t) for t in tensors]
    datas = [t._data for t in tensors]
    d = dim % (datas[0].ndim + 1)
    try:
        out = np.stack(datas, axis=d)
    except ValueError:
        bad = next(i for i, a in enumerate(datas) if a.shape != datas[0].shape)
        raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(datas[0].shape)} at entry 0 "
                           f"and {list(datas[bad].shape)} at entry {bad}") from None
    if not needs_grad(*tensors):
        return _wrap(out)
    node = make_node(StackBackward0, tensors)
    node.dim, node.count = d, len(tensors)
    return _wrap(out, grad_fn=node)
