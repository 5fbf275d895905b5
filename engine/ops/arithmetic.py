"""Arithmetic beyond the table's rows (ops/elementwise.py: + - * / and negation): number-first
forms, powers, elementwise max/min and where, each forward beside its backward.

Gradients of broadcast operands are summed back to their shapes with `sum_to`. A Python
number operand is a constant: its edge is `(None, 0)`, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.ops._operands import as_tensor, broadcast_error, fix_float, into, operand, sum_to
from engine.ops.elementwise import mul, reciprocal
from engine.tensor import Tensor, _result, _wrap


class RsubBackward1(Node):
    def apply(self, g, F, saved):
        return (-g,)


def rsub(a, b):
    """b - a for a Python number b (`1 - x`)."""
    ta, da = operand(a)
    out = fix_float(np.subtract(b, da), da)
    if not needs_grad(ta):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(RsubBackward1, (ta,)))


# compiled step (engine.compile): scalar templates over a (the tensor), b (the number), g
rsub.forward_template, rsub.vjp_templates = "b - a", ("-g", None)


def rdiv(a, b):
    """b / a for a Python number b: PyTorch computes it as reciprocal(a) * b."""
    return mul(reciprocal(a), b)


class PowBackward0(Node):
    """Tensor to a constant power."""
    saved_names = ("self",)

    def apply(self, g, F, saved):
        (a,) = saved
        p = self.exponent
        if p == 2:
            return (g * (a + a),)
        if p == 0:
            return (F.zeros_like(g),)  # constant in a: no graph, and +0 as in PyTorch
        return (g * p * a ** (p - 1),)


class PowBackward1(Node):
    """Tensor to a tensor power."""
    saved_names = ("self", "exponent", "result")

    def apply(self, g, F, saved):
        a, b, r = saved
        sa, sb = self.shapes
        bd = F.data(b)
        ga = gb = None
        if self.next_functions[0][0] is not None:  # +0 where the exponent is 0, as in PyTorch
            ga = sum_to(F.select(bd != 0, g * b * a ** (b - 1)), sa)
        if self.next_functions[1][0] is not None:
            gb = sum_to(g * (r * F.where_positive_log(a)), sb)
        return ga, gb


class PowBackward2(Node):
    """A constant base to a tensor power (`2 ** x`)."""
    saved_names = ("exponent", "result")

    def apply(self, g, F, saved):
        r = saved[1]
        return (g * r * float(np.log(self.base)),)


def pow(a, exponent):
    ta, da = operand(a)
    tb, db = operand(exponent)
    if ta is None:  # number ** tensor
        out = fix_float(np.power(float(da) if tb._data.dtype.kind == "f" else da, db), db)
        if not needs_grad(tb):
            return _wrap(out)
        node = make_node(PowBackward2, (tb,))
        node.base = da
        t = _wrap(out, grad_fn=node)
        save(node, tb, t)
        return t
    if tb is None:
        if da.dtype.kind in "iub" and isinstance(db, (float, np.floating)):
            da = da.astype(np.float32)
        out = np.power(da, db) if not (da.dtype.kind in "iu" and db < 0) else np.power(da.astype(np.float32), db)
        if not needs_grad(ta):
            return _wrap(out)
        node = make_node(PowBackward0, (ta,), (ta,))
        node.exponent = db
        return _result(out, node)
    out = fix_float(np.power(da, db), da, db)
    if not needs_grad(ta, tb):
        return _wrap(out)
    node = make_node(PowBackward1, (ta, tb))
    node.shapes = (da.shape, db.shape)
    t = _wrap(out, grad_fn=node)
    save(node, ta, tb, t)
    return t


def _pow_templates(p) -> tuple[str, str]:
    """Compiled templates of x ** p for a constant p, over x and g, as numpy computes it (its
    fast paths for 2, 1, 0.5, -1 and 0; other powers are libm's, numpy's may be SVML's)."""
    fast = {2: "x * x", 1: "x", 0.5: "np.sqrt(x)", -1: "one / x", 0: "one + zero * x"}
    if p == 2:
        return fast[2], "g * (x + x)"
    if p == 0:
        return fast[0], "zero * g"
    power = fast.get(p - 1, f"x ** {p - 1!r}") if p - 1 != 0 else "one"
    return fast.get(p, f"x ** {p!r}"), f"g * {p!r} * ({power})"


pow.templates = _pow_templates  # compiled step (engine.compile): tensor ** constant only


def rpow(a, base):
    return pow(base, a)


def square(a):
    return pow(a, 2)


class MaximumBackward0(Node):
    """Elementwise max/min of two tensors: the gradient goes to the chosen side (split on ties)."""
    saved_names = ("self", "other")

    def apply(self, g, F, saved):
        a, b = saved
        ad, bd, gd = F.data(a), F.data(b), F.data(g)
        pick_a = (ad > bd) if self.is_max else (ad < bd)
        share = np.where(ad == bd, 0.5, pick_a.astype(np.float64)).astype(np.result_type(gd.dtype, np.float32))
        sa, sb = self.shapes
        return (sum_to(F.select(share != 0, g * F.const(share, g)), sa),
                sum_to(F.select(share != 1, g * F.const(1 - share, g)), sb))


class MinimumBackward0(MaximumBackward0):
    pass


def _pairwise(a, b, is_max: bool):
    ta, tb = as_tensor(a), as_tensor(b)
    out = (np.maximum if is_max else np.minimum)(ta._data, tb._data)
    if not needs_grad(ta, tb):
        return _wrap(out)
    node = make_node(MaximumBackward0 if is_max else MinimumBackward0, (ta, tb), (ta, tb))
    node.is_max = is_max
    node.shapes = (ta._data.shape, tb._data.shape)
    return _wrap(out, grad_fn=node)


def maximum(a, b):
    return _pairwise(a, b, True)


def minimum(a, b):
    return _pairwise(a, b, False)


class WhereBackward0(Node):
    """where(condition, x, y): x's gradient where the condition holds, y's elsewhere."""
    saved_names = ("condition",)

    def apply(self, g, F, saved):
        c = self.condition
        sa, sb = self.shapes
        ga = sum_to(F.select(c, g), sa) if self.next_functions[0][0] is not None else None
        gb = sum_to(F.select(~c, g), sb) if self.next_functions[1][0] is not None else None
        return ga, gb


def where(condition, input=None, other=None, *, out=None):  # noqa: A002 - PyTorch's keywords
    """where(condition, input, other); where(condition) alone is nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        data = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(data)))
    if out is not None:
        return into(out, where(condition, input, other), "where")
    return _where(condition, input, other)


def _where(condition, x, y):
    c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    c = c.astype(bool, copy=False)
    tx, dx = operand(x)
    ty, dy = operand(y)
    try:
        out = fix_float(np.where(c, dx, dy), dx, dy)
    except ValueError:
        raise broadcast_error(np.broadcast_shapes(np.shape(c), np.shape(dx)) if np.ndim(dx) else np.shape(c),
                              np.shape(dy)) from None
    if not needs_grad(tx, ty):
        return _wrap(out)
    node = make_node(WhereBackward0, (tx, ty), (_wrap(c),))
    node.condition = c
    node.shapes = (np.shape(dx), np.shape(dy))
    return _wrap(out, grad_fn=node)


# -- Tensor-Scalar arithmetic as ATen's C++ composites record it (DivBackward1, MulBackward1) --------

class DivBackward1(Node):
    def apply(self, g, F, saved):
        return (g / self.other if F.plain else scaled(g, self.other, divide=True),)


class MulBackward1(Node):
    def apply(self, g, F, saved):
        return (g * self.other if F.plain else scaled(g, self.other),)


def scaled(x, factor: float, divide: bool = False):
    """x * factor or x / factor with a number, recorded as ATen records Tensor-Scalar arithmetic
    inside its composites (losses, mean's backward); Python's `x / 3` records DivBackward0 instead."""
    out = (x._data / factor if divide else x._data * factor).astype(x._data.dtype, copy=False)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(DivBackward1 if divide else MulBackward1, (x,))
    node.other = factor
    return _wrap(out, grad_fn=node)
