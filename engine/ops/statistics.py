"""Reductions that summarise spread and soft maxima: var, std, logsumexp, amax, amin — each
forward beside its backward; backward formulas work on numpy arrays and on Tensors alike
(create_graph=True), by reshaping the gradient to the kept shape and broadcasting."""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.tensor import _wrap


def _axes(dim, ndim: int) -> tuple:
    if dim is None or dim == () or dim == []:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = max(ndim, 1)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return tuple(sorted({d % n for d in dims})) if ndim else ()


def _kept(shape, axes) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _float(x):
    d = x._data
    return d if d.dtype.kind == "f" else d.astype(np.float32)


class VarBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        g = g.reshape(self.kept)
        mean = x.mean(axis=self.axes, keepdims=True) if F.plain else x.mean(dim=self.axes, keepdim=True)
        return (g * (x - mean) * (2.0 / self.dof),)


class StdBackward0(Node):
    saved_names = ("self", "result")

    def apply(self, g, F, saved):
        x, result = saved
        g = (g / (2 * result)).reshape(self.kept)
        mean = x.mean(axis=self.axes, keepdims=True) if F.plain else x.mean(dim=self.axes, keepdim=True)
        return (g * (x - mean) * (2.0 / self.dof),)


def _spread(x, dim, correction, keepdim, node_cls, take_root: bool):
    data = _float(x)
    axes = _axes(dim, data.ndim)
    n = int(np.prod([data.shape[a] for a in axes])) if axes else 1
    dof = max(n - correction, 0)
    out = np.var(data, axis=axes, ddof=0, keepdims=keepdim) * (n / dof if dof else np.inf)
    if dof == 0:
        out = np.full(np.shape(out), np.nan, data.dtype)
    out = np.asarray(np.sqrt(out) if take_root else out, dtype=data.dtype)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(node_cls, (x,), (x,))
    node.axes, node.kept, node.dof = axes, _kept(data.shape, axes), dof
    t = _wrap(out, grad_fn=node)
    if take_root:
        save(node, x, t)
    return t


def _correction(unbiased, correction) -> float:
    if correction is not None:
        return float(correction)
    return 1.0 if unbiased in (None, True) else 0.0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    if isinstance(dim, bool):  # var(x, False): the unbiased flag
        dim, unbiased = None, dim
    return _spread(input, dim, _correction(unbiased, correction), keepdim, VarBackward0, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return _spread(input, dim, _correction(unbiased, correction), keepdim, StdBackward0, True)


class LogsumexpBackward0(Node):
    saved_names = ("self", "result")

    def apply(self, g, F, saved):
        x, result = saved
        return (g.reshape(self.kept) * F.exp(x - result.reshape(self.kept)),)


def logsumexp(input, dim, keepdim=False):  # noqa: A002
    data = _float(input)
    axes = _axes(dim, data.ndim)
    m = np.max(data, axis=axes, keepdims=True) if data.size else np.zeros(_kept(data.shape, axes), data.dtype)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(data - m), axis=axes, keepdims=True)) + m
    out = np.asarray(out if keepdim else out.reshape([s for i, s in enumerate(data.shape) if i not in axes]),
                     dtype=data.dtype)
    if not needs_grad(input):
        return _wrap(out)
    node = make_node(LogsumexpBackward0, (input,))
    node.kept = _kept(data.shape, axes)
    t = _wrap(out, grad_fn=node)
    save(node, input, t)
    return t


class AmaxBackward0(Node):
    saved_names = ("self", "result")

    def apply(self, g, F, saved):
        x, result = saved
        xd, rd = (x, result) if F.plain else (x._data, result._data)
        hit = (xd == rd.reshape(self.kept)).astype(xd.dtype)
        share = hit / hit.sum(axis=self.axes, keepdims=True)  # ties share the gradient equally
        return (g.reshape(self.kept) * F.const(share, g),)


class AminBackward0(AmaxBackward0):
    pass


def _extreme(input, dim, keepdim, is_max: bool):  # noqa: A002
    data = input._data
    axes = _axes(dim, data.ndim)
    out = np.asarray((np.max if is_max else np.min)(data, axis=axes, keepdims=keepdim))
    if not needs_grad(input):
        return _wrap(out)
    node = make_node(AmaxBackward0 if is_max else AminBackward0, (input,))
    node.axes, node.kept = axes, _kept(data.shape, axes)
    t = _wrap(out, grad_fn=node)
    save(node, input, t)
    return t


def amax(input, dim=(), keepdim=False):  # noqa: A002
    return _extreme(input, dim, keepdim, True)


def amin(input, dim=(), keepdim=False):  # noqa: A002
    return _extreme(input, dim, keepdim, False)


__all__ = ["var", "std", "logsumexp", "amax", "amin"]
