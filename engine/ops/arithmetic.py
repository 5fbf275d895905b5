"""Arithmetic: + - * / ** and negation, each forward beside its backward.

Gradients of broadcast operands are summed back to their shapes with `sum_to`. A Python
number operand is a constant: its edge is `(None, 0)`, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from engine.autograd.grad_mode import state as _grad_state
from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.ops._operands import as_tensor, fix_float, operand, sum_to
from engine.tensor import Tensor, _result, _wrap

_F64 = np.dtype(np.float64)


def _binary(a, b, fn, node_cls, saved_a: bool, saved_b: bool):
    """Shared forward of a binary op: compute, then record the node if a gradient is needed."""
    if type(a) is Tensor or isinstance(a, Tensor):
        ta, da = a, a._data
    else:
        ta, da = operand(a)
    tb = type(b)
    if tb is float or tb is int:  # the common `3 * x`, `x + 1`
        tb, db = None, b
    elif tb is Tensor or isinstance(b, Tensor):
        tb, db = b, b._data
    else:
        tb, db = operand(b)
    out = fn(da, db)
    if out.dtype is _F64:
        out = fix_float(out, da, db)
    if not _grad_state.enabled or not ((ta is not None and ta._rg) or (tb is not None and tb._rg)):
        return _wrap(out)
    keep_a = saved_a and ta is not None
    keep_b = saved_b and tb is not None
    saved = (ta,) * keep_a + (tb,) * keep_b
    if saved_a != keep_a or saved_b != keep_b:
        # PyTorch saves a needed number too (x * 2 keeps the 2), so a second backward fails alike
        saved += (_constant(da if ta is None else db, out.dtype),)
    node = make_node(node_cls, (ta, tb), saved)
    node.shapes = (da.shape if ta is not None else (), db.shape if tb is not None else ())
    if saved_a or saved_b:
        node.consts = (da if ta is None else None, db if tb is None else None)
        node.kept = (keep_a, keep_b)
    return _result(out, node)


_CONSTANTS: dict = {}


def _constant(value, dtype) -> Tensor:
    """The saved copy of a number operand, shared between ops (read-only: nothing may change it)."""
    key = (type(value), value, dtype)
    t = _CONSTANTS.get(key)
    if t is None:
        if len(_CONSTANTS) > 256:
            _CONSTANTS.clear()
        data = np.asarray(value, dtype=dtype)
        data.flags.writeable = False
        t = _CONSTANTS[key] = _wrap(data)
    return t


def _operand_values(node, saved):
    """The two operands for a backward formula: saved tensors, or the constants recorded."""
    it = iter(saved)
    a = next(it) if node.kept[0] else node.consts[0]
    b = next(it) if node.kept[1] else node.consts[1]
    return a, b


class AddBackward0(Node):
    alpha = 1

    def apply(self, g, F, saved):
        sa, sb = self.shapes
        gs = g.shape
        return (g if gs == sa else sum_to(g, sa)), \
            (g if gs == sb and self.alpha == 1 else sum_to(g * self.alpha, sb))


class SubBackward0(Node):
    alpha = 1

    def apply(self, g, F, saved):
        sa, sb = self.shapes
        gs = g.shape
        return (g if gs == sa else sum_to(g, sa)), sum_to(-g * self.alpha if self.alpha != 1 else -g, sb)


class MulBackward0(Node):
    saved_names = ("self", "other")

    def apply(self, g, F, saved):
        sa, sb = self.shapes
        a, b = _operand_values(self, saved)
        ga = sum_to(g * b, sa) if self.next_functions[0][0] is not None else None
        gb = sum_to(g * a, sb) if self.next_functions[1][0] is not None else None
        return ga, gb


class DivBackward0(Node):
    saved_names = ("self", "other")

    def apply(self, g, F, saved):
        sa, sb = self.shapes
        a, b = _operand_values(self, saved)
        ga = sum_to(g / b, sa) if self.next_functions[0][0] is not None else None
        gb = sum_to(-g * a / (b * b), sb) if self.next_functions[1][0] is not None else None
        return ga, gb


def add(a, b, alpha=1):
    if alpha != 1:
        return _with_alpha(_binary(a, b, lambda x, y: np.add(x, np.multiply(y, alpha)), AddBackward0,
                                   False, False), alpha)
    return _binary(a, b, np.add, AddBackward0, False, False)


def sub(a, b, alpha=1):
    if alpha != 1:
        return _with_alpha(_binary(a, b, lambda x, y: np.subtract(x, np.multiply(y, alpha)), SubBackward0,
                                   False, False), alpha)
    return _binary(a, b, np.subtract, SubBackward0, False, False)


def _with_alpha(out, alpha):
    """`alpha` scales the second operand inside the one node, as in PyTorch (no MulBackward0)."""
    if out._fn is not None:
        out._fn.alpha = alpha
    return out


def mul(a, b):
    ta, tb = isinstance(a, Tensor) and a._rg, isinstance(b, Tensor) and b._rg
    # each input's gradient needs only the other operand
    return _binary(a, b, np.multiply, MulBackward0, tb, ta) if ta != tb else \
        _binary(a, b, np.multiply, MulBackward0, True, True)


def div(a, b):
    # self is needed only for other's gradient, other for both (as PyTorch saves them)
    return _binary(a, b, np.true_divide, DivBackward0, isinstance(b, Tensor) and b._rg, True)


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


class NegBackward0(Node):
    def apply(self, g, F, saved):
        return (-g,)


def neg(a):
    out = np.negative(a._data)
    if not needs_grad(a):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(NegBackward0, (a,)))


class ReciprocalBackward0(Node):
    saved_names = ("result",)

    def apply(self, g, F, saved):
        (r,) = saved
        return (-g * r * r,)


def reciprocal(a):
    out = fix_float(np.true_divide(1.0, a._data), a._data)
    if not needs_grad(a):
        return _wrap(out)
    node = make_node(ReciprocalBackward0, (a,))
    t = _wrap(out, grad_fn=node)
    save(node, t)
    return t


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
        bd = b if F.plain else b._data
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


def rpow(a, base):
    return pow(base, a)


def square(a):
    return pow(a, 2)


class MaximumBackward0(Node):
    """Elementwise max/min of two tensors: the gradient goes to the chosen side (split on ties)."""
    saved_names = ("self", "other")

    def apply(self, g, F, saved):
        a, b = saved
        ad, bd = (a, b) if F.plain else (a._data, b._data)
        gd = g if F.plain else g._data
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


def where(condition, x, y):
    c = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    c = c.astype(bool, copy=False)
    tx, dx = operand(x)
    ty, dy = operand(y)
    out = fix_float(np.where(c, dx, dy), dx, dy)
    if not needs_grad(tx, ty):
        return _wrap(out)
    node = make_node(WhereBackward0, (tx, ty), (_wrap(c),))
    node.condition = c
    node.shapes = (np.shape(dx), np.shape(dy))
    return _wrap(out, grad_fn=node)
