"""In-place methods (`add_`, `mul_`, `zero_`, …): they change storage, bump the version
counter, and — when recording — move the tensor's history onto a new node, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops import elementwise, views
from engine.ops._operands import operand, sum_to
from engine.tensor import Tensor, _wrap

LEAF_INPLACE_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE_MESSAGE = "a view of a leaf Variable that requires grad is being used in an in-place operation."


OVERLAP_MESSAGE = ("unsupported operation: more than one element of the written-to tensor refers to a single "
                   "memory location. Please clone() the tensor before performing the operation.")


def check_inplace(x, recording: bool, whole: bool = False) -> None:
    """Refuse what PyTorch refuses: writing all of an expanded tensor (`whole`: its elements
    share memory), in-place on a leaf that requires grad (or a view of one) while recording,
    and in-place with grad mode on through a view made under no_grad."""
    if whole:
        d = x._data
        for stride, size in zip(d.strides, d.shape):
            if stride == 0 and size > 1:
                raise RuntimeError(OVERLAP_MESSAGE)
    if recording or (x._rg and needs_grad(x)):
        if x._base is not None and x.__dict__.get("_no_grad_view"):
            raise RuntimeError(views.NO_GRAD_VIEW_MESSAGE)
        if x._fn is None and x._rg:
            raise RuntimeError(LEAF_INPLACE_MESSAGE)
        if x._base is not None and x._base._fn is None and x._base._rg:
            raise RuntimeError(VIEW_OF_LEAF_INPLACE_MESSAGE)


def _inplace_binary(x, other, np_fn, node_cls, alpha=1):
    t_other, d_other = operand(other)
    record = needs_grad(x, t_other)
    check_inplace(x, record, whole=True)
    if alpha != 1:
        d_other = d_other * alpha
    if x._data.dtype.kind in "iub" and np.result_type(x._data, d_other).kind == "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{x.dtype.name.capitalize()}")
    node = None
    if record:
        node = make_node(node_cls, (x, t_other))  # wired to x's history before the change
        node.shapes = (x._data.shape, np.shape(d_other))
        node.consts = (None, d_other if t_other is None else None)
        if alpha != 1:
            node.alpha = alpha
        if any(node_cls.row.uses):
            # x's old value and other, as far as the gradients needed read them
            keep_old, keep_other = node_cls.row.keeps(x._rg, t_other is not None and t_other._rg)
            keep_other = keep_other and t_other is not None
            saved = ((_snapshot(x),) if keep_old else ()) + ((t_other,) if keep_other else ())
            if t_other is None:  # the number is saved (and freed) too, as in PyTorch
                saved += (_wrap(np.asarray(d_other, dtype=x._data.dtype)),)
            node._saved = tuple((t, t._vc[0], t._fn) for t in saved)
            node.kept = (keep_old, keep_other)
    np_fn(x._data, d_other, out=x._data, casting="unsafe")
    return _changed(x, node)


def _changed(x, node) -> Tensor:
    """After a write into x's storage: bump its version and, when recorded, move its history onto `node`."""
    x._vc[0] += 1
    if node is not None:
        record_history(x, node)
    return x


def record_history(x, node) -> None:
    """`node` (wired to x's history before the write) is x's history now. Written through a view,
    the history goes to the view's base instead (views.rebase); the base's views regenerate."""
    if x._base is not None:
        views.rebase(x, node)
    else:
        x._fn = node
        x._rg = True
        views.regenerate(x)


def _snapshot(x) -> Tensor:
    """x's value before an in-place change, with x's history (what the backward rule needs)."""
    old = Tensor.__new__(Tensor)
    old._data, old._vc, old._fn, old._rg, old._acc = x._data.copy(), [0], x._fn, x._rg, x._acc
    return old


def add_(x, other, alpha=1):
    return _inplace_binary(x, other, np.add, elementwise.AddBackward0, alpha)


def sub_(x, other, alpha=1):
    return _inplace_binary(x, other, np.subtract, elementwise.SubBackward0, alpha)


def mul_(x, other):
    return _inplace_binary(x, other, np.multiply, elementwise.MulBackward0)


def div_(x, other):
    return _inplace_binary(x, other, np.true_divide, elementwise.DivBackward0)


class ZeroBackward0(Node):
    """An overwrite: the old values get no gradient (the old history still gets a zero one)."""

    def apply(self, g, F, saved):
        return (F.zeros_like(g),)


class FillBackward2(ZeroBackward0):
    pass


class UniformBackward0(ZeroBackward0):
    pass


class NormalBackward0(ZeroBackward0):
    pass


class CopyBackwards(Node):
    """x.copy_(src): the gradient goes to src (summed to its shape, in its dtype), zeros to x's past."""

    def apply(self, g, F, saved):
        g_old = F.zeros_like(g) if self.next_functions[0][0] is not None else None
        g_src = None
        if self.next_functions[1][0] is not None:
            g_src = F.cast(sum_to(g, self.src_shape), self.src_dtype)
        return g_old, g_src


def _overwrite(x, fill, node_cls) -> Tensor:
    """zero_/fill_/uniform_/normal_: the old history is cut (it gets zero gradient)."""
    record = x._fn is not None and needs_grad(x)
    check_inplace(x, needs_grad(x), whole=True)
    node = make_node(node_cls, (x,)) if record else None
    fill(x._data)
    return _changed(x, node)


def zero_(x):
    return _overwrite(x, lambda d: d.fill(0), ZeroBackward0)


def fill_(x, value):
    value = value.item() if isinstance(value, Tensor) else value
    return _overwrite(x, lambda d: d.fill(value), FillBackward2)


def copy_(x, src):
    src_t = src if isinstance(src, Tensor) else None
    data = src._data if src_t is not None else np.asarray(src)
    record = needs_grad(x, src_t)
    check_inplace(x, record, whole=True)
    node = None
    if record:
        node = make_node(CopyBackwards, (x, src_t))  # wired to x's history before the change
        node.src_shape, node.src_dtype = data.shape, data.dtype
    np.copyto(x._data, np.broadcast_to(data, x._data.shape), casting="unsafe")
    return _changed(x, node)


def copy_of(src) -> Tensor:
    """A fresh copy of src recorded as CopyBackwards, what PyTorch stores in a leaf's .grad
    when backward(create_graph=True) accumulates into an empty one."""
    out = Tensor.__new__(Tensor)
    out._data, out._vc = np.array(src._data, copy=True), [0]
    return copy_(out, src)


def clamp_(x, min=None, max=None):  # noqa: A002
    check_inplace(x, needs_grad(x), whole=True)
    if needs_grad(x):
        raise RuntimeError("clamp_ on a tensor that requires grad is not supported; use clamp()")
    np.clip(x._data, min, max, out=x._data)
    x._vc[0] += 1
    return x


def uniform_(x, a=0.0, b=1.0, generator=None):
    from engine import random
    return _overwrite(x, lambda d: d.__setitem__(Ellipsis, random.uniform(d.shape, a, b, generator, d.dtype)),
                      UniformBackward0)


def normal_(x, mean=0.0, std=1.0, generator=None):
    from engine import random
    return _overwrite(x, lambda d: d.__setitem__(Ellipsis, random.normal(d.shape, mean, std, generator, d.dtype)),
                      NormalBackward0)
