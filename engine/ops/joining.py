"""Joining tensors: cat and stack, each gradient the matching slice of the output's."""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops._operands import as_tensor
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
