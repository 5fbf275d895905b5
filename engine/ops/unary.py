"""Elementwise math: each op's forward beside its backward rule.

Ops whose derivative is cheapest from their own result (exp, sqrt, tanh, sigmoid, relu)
save the result, as PyTorch does; the others save their input.
"""
from __future__ import annotations

import numpy as np

from engine import kernels
from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.ops._operands import fix_float
from engine.tensor import _wrap


def _unary(x, fn, node_cls, saves: str | None, keeps_int: bool = False):
    data = x._data
    if data.dtype.kind in "iub" and not (keeps_int and data.dtype.kind != "b"):
        data = data.astype(np.float32)  # PyTorch's float ops on integer tensors give float32
    out = fn(data)
    if not needs_grad(x):
        return _wrap(out)
    if saves == "self":
        return _wrap(out, grad_fn=make_node(node_cls, (x,), (x,)))
    node = make_node(node_cls, (x,))
    t = _wrap(out, grad_fn=node)
    if saves == "result":
        save(node, t)
    return t


class AbsBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        return (g * F.sign(saved[0]),)


class ExpBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        return (g * saved[0],)


class LogBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        return (g / saved[0],)


class SqrtBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        return (g / (2 * saved[0]),)


class SinBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        return (g * F.cos(saved[0]),)


class CosBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        return (-g * F.sin(saved[0]),)


class TanhBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        t = saved[0]
        if F.plain:
            return (kernels.tanh_backward(g, t),)
        return (g * (1 - t * t),)


class SigmoidBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        s = saved[0]
        if F.plain:
            return (kernels.sigmoid_backward(g, s),)
        return (g * s * (1 - s),)


class ReluBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        if F.plain:
            return (kernels.relu_backward(g, saved[0]),)
        return (g * F.mask(saved[0] > 0, g),)


class SignBackward0(Node):
    def apply(self, g, F, saved):
        return (F.zeros_like(g),)


class ClampBackward1(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        keep = np.ones(np.shape(x), dtype=bool)
        xd = x if F.plain else x._data
        if self.min is not None:
            keep &= xd >= self.min
        if self.max is not None:
            keep &= xd <= self.max
        return (F.select(keep, g),)


def abs(x):  # noqa: A001 - PyTorch's name
    return _unary(x, np.abs, AbsBackward0, "self", keeps_int=True)


def exp(x):
    return _unary(x, np.exp, ExpBackward0, "result")


def log(x):
    return _unary(x, np.log, LogBackward0, "self")


def sqrt(x):
    return _unary(x, np.sqrt, SqrtBackward0, "result")


def sin(x):
    return _unary(x, np.sin, SinBackward0, "self")


def cos(x):
    return _unary(x, np.cos, CosBackward0, "self")


def tanh(x):
    return _unary(x, np.tanh, TanhBackward0, "result")


def _sigmoid_np(d):
    # split by sign so neither branch overflows exp
    out = np.empty_like(d)
    pos = d >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-d[pos]))
    e = np.exp(d[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def sigmoid(x):
    return _unary(x, _sigmoid_np, SigmoidBackward0, "result")


def relu(x):
    return _unary(x, lambda d: np.maximum(d, 0), ReluBackward0, "result", keeps_int=True)


def sign(x):
    return _unary(x, np.sign, SignBackward0, None, keeps_int=True)


def clamp(x, min=None, max=None):  # noqa: A002 - PyTorch's names
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    out = fix_float(np.clip(x._data, min, max), x._data)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(ClampBackward1, (x,), (x,))
    node.min, node.max = min, max
    return _wrap(out, grad_fn=node)


def clamp_min(x, min):  # noqa: A002
    return clamp(x, min=min)


def clamp_max(x, max):  # noqa: A002
    return clamp(x, max=max)
