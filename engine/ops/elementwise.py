"""Elementwise ops as rows of one table: each row holds an op's forward, its backward and its
compiled templates side by side. The op functions, their graph nodes (PyTorch's names), the
Tensor methods, the `engine.*` functions and the custom-expression functions are made from it.

Adding an op is one row here plus one row in tests/engine/test_ops_gradients.py.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from engine import kernels
from engine.autograd.grad_mode import state as _grad_state
from engine.autograd.graph import Node, make_node, needs_grad, save
from engine.ops._operands import broadcast_error, fix_float, into, operand, sum_to
from engine.tensor import Tensor, _result, _wrap


@dataclass(frozen=True)
class Unary:
    """One op of one tensor, applied to each element.

    name        PyTorch's function and method name (`torch.sin`, `x.sin()`).
    forward     the numpy function of the input array.
    vjp         the input's gradient, a Python expression over `g` (the output's gradient), `x`
                (the input) or `y` (the result) and `F`, the backward math (ops/backward_math.py):
                numpy arrays normally, Tensors when the backward pass is itself recorded. What it
                reads is what the node saves, as PyTorch saves it: `x` as "self", `y` as "result"
                (cheaper for exp, tanh, ...); the inspector shows the saved tensor under that name.
    forward_template, vjp_template
                the same formulas for the compiled training step: Python expressions over float
                scalars `x`, `y` and `g` that are valid in a numba `@njit` loop body, using `np.*`
                and the constants `zero`, `one`, `two`, `half` (bound to the step's dtype; numba
                types a bare `1` as int64, which would turn float32 arithmetic into float64). Same
                operations in the same order as the eager code, so that compiled float32 results
                can match eager ones bit for bit (exp, log, trig and tanh in numba may differ from
                numpy's float32 loops by a few units in the last place).
    kernel      a numba kernel (engine.kernels) the eager numpy pass calls as `kernel(g, saved)`
                instead of `vjp`; its arithmetic is `vjp_template`'s.
    keeps_int   integer input keeps its dtype (abs, relu); otherwise integers compute as float32.
    aliases     more names for the same function: dunders bind to Tensor only, others also to `engine`.
    expression  offered in custom expressions (the parser's and the editor's list of functions).
    node        PyTorch's backward node name; `<Name>Backward0` by default.
    """
    name: str
    forward: Callable
    vjp: str
    forward_template: str
    vjp_template: str
    kernel: Callable | None = None
    keeps_int: bool = False
    aliases: tuple = ()
    expression: bool = True
    node: str = ""

    @property
    def node_name(self) -> str:
        return self.node or self.name.capitalize() + "Backward0"

    @cached_property
    def saves(self) -> str | None:
        names = _names(self.vjp)
        return "self" if "x" in names else "result" if "y" in names else None


@dataclass(frozen=True)
class Binary:
    """One op of two tensors (or a tensor and a number), broadcast; fields as in `Unary`, with:

    vjps        `(vjp_a, vjp_b)`: each operand's gradient, over `g`, `a`, `b` and `F`, before it is
                summed back to the operand's shape (broadcasting is handled once, here). An operand
                is saved only when the gradient of an input that requires grad reads it, as
                PyTorch saves them.
    forward_template, vjp_templates
                over scalars `a`, `b`, `y`, `g`; one vjp template per operand.
    alpha       takes PyTorch's `alpha=`, which scales `b` inside the one node (add, sub).
    """
    name: str
    forward: Callable
    vjps: tuple
    forward_template: str
    vjp_templates: tuple
    alpha: bool = False
    aliases: tuple = ()
    node: str = ""

    @property
    def node_name(self) -> str:
        return self.node or self.name.capitalize() + "Backward0"

    @cached_property
    def uses(self) -> tuple[str, str]:
        """The operands each vjp reads, e.g. ("b", "ab") for div."""
        return tuple("".join(v for v in "ab" if v in _names(vjp)) for vjp in self.vjps)

    def keeps(self, a_requires_grad: bool, b_requires_grad: bool) -> tuple[bool, bool]:
        """Which operands to save when these operands require grad."""
        need = (self.uses[0] if a_requires_grad else "") + (self.uses[1] if b_requires_grad else "")
        return "a" in need, "b" in need


def _names(expression: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}


def _relu(d):
    return np.maximum(d, 0)


def _sigmoid(d):
    # split by sign so neither branch overflows exp
    out = np.empty_like(d)
    pos = d >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-d[pos]))
    e = np.exp(d[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _erf(d):
    # the correctly rounded float64 erf, rounded to d's dtype (numpy has no erf)
    values = np.asarray(_ERF(np.asarray(d, dtype=np.float64)), dtype=np.float64)
    return values.astype(d.dtype if d.dtype.kind == "f" else np.float32)


_ERF = np.frompyfunc(math.erf, 1, 1)
# sigmoid(x) as a template, with the sigmoid row's own branches (silu's templates use it)
_SIGMOID_TEMPLATE = "(one / (one + np.exp(-x)) if x >= zero else np.exp(x) / (one + np.exp(x)))"


def _silu(d):
    return d * _sigmoid(d)


def _gelu(d):
    return d * 0.5 * (1 + _erf(d * 0.7071067811865476))


# -- the table ----------------------------------------------------------------------------------

UNARY = (
    #     name          forward       vjp (eager)                     forward template  vjp template
    Unary("abs",        np.abs,       "g * F.sign(x)",                "np.abs(x)",      "g * np.sign(x)",
          keeps_int=True, aliases=("__abs__",)),
    Unary("neg",        np.negative,  "-g",                           "-x",             "-g",
          keeps_int=True, aliases=("__neg__", "negative"), expression=False),
    Unary("reciprocal", np.reciprocal, "-g * y * y",                  "one / x",        "-g * y * y",
          expression=False),
    Unary("exp",        np.exp,       "g * y",                        "np.exp(x)",      "g * y"),
    Unary("log",        np.log,       "g / x",                        "np.log(x)",      "g / x"),
    Unary("sqrt",       np.sqrt,      "g / (2 * y)",                  "np.sqrt(x)",     "g / (two * y)"),
    Unary("sin",        np.sin,       "g * F.cos(x)",                 "np.sin(x)",      "g * np.cos(x)"),
    Unary("cos",        np.cos,       "-g * F.sin(x)",                "np.cos(x)",      "-g * np.sin(x)"),
    Unary("tan",        np.tan,       "g * (1 + y * y)",              "np.tan(x)",      "g * (one + y * y)"),
    Unary("atan",       np.arctan,    "g / (x * x + 1)",              "np.arctan(x)",   "g / (x * x + one)"),
    Unary("tanh",       np.tanh,      "g * (1 - y * y)",              "np.tanh(x)",     "g * (one - y * y)",
          kernel=kernels.tanh_backward),
    Unary("sigmoid",    _sigmoid,     "g * y * (1 - y)",
          "one / (one + np.exp(-x)) if x >= zero else np.exp(x) / (one + np.exp(x))", "g * y * (one - y)",
          kernel=kernels.sigmoid_backward),
    Unary("relu",       _relu,        "F.select(F.data(y) > 0, g)",   "np.maximum(x, zero)",
          "g if y > zero else zero", kernel=kernels.relu_backward, keeps_int=True),
    Unary("sign",       np.sign,      "F.zeros_like(g)",              "np.sign(x)",     "zero",
          keeps_int=True, expression=False),
    Unary("sinh",       np.sinh,      "g * F.cosh(x)",                "np.sinh(x)",     "g * np.cosh(x)"),
    Unary("cosh",       np.cosh,      "g * F.sinh(x)",                "np.cosh(x)",     "g * np.sinh(x)"),
    Unary("asin",       np.arcsin,    "g / F.sqrt(1 - x * x)",        "np.arcsin(x)",   "g / np.sqrt(one - x * x)",
          aliases=("arcsin",)),
    Unary("acos",       np.arccos,    "-g / F.sqrt(1 - x * x)",       "np.arccos(x)",   "-g / np.sqrt(one - x * x)",
          aliases=("arccos",)),
    Unary("log10",      np.log10,     "g / (x * 2.302585092994046)",  "np.log10(x)",    "g / (x * ln10)"),
    Unary("log2",       np.log2,      "g / (x * 0.6931471805599453)", "np.log2(x)",     "g / (x * ln2)"),
    Unary("log1p",      np.log1p,     "g / (x + 1)",                  "np.log1p(x)",    "g / (x + one)",
          node="Log1PBackward0"),
    Unary("expm1",      np.expm1,     "g * (y + 1)",                  "np.expm1(x)",    "g * (y + one)"),
    Unary("erf",        _erf,         "1.1283791670955126 * F.exp(-(x * x)) * g", "math.erf(x) * one",
          "two_over_sqrt_pi * np.exp(-(x * x)) * g"),
    # activations (nn.functional.silu, gelu with approximate="none"); not torch.* functions in PyTorch
    Unary("silu",       _silu,        "g * (s := F.sigmoid(x)) * (1 + x * (1 - s))",
          f"x * {_SIGMOID_TEMPLATE}", f"g * (s := {_SIGMOID_TEMPLATE}) * (one + x * (one - s))",
          expression=False),
    Unary("gelu",       _gelu,
          "g * (0.5 * (1 + F.erf(x * 0.7071067811865476)) + x * (F.exp(-0.5 * x * x) * 0.3989422804014327))",
          "x * half * (one + math.erf(x * sqrt1_2) * one)",
          "g * (half * (one + math.erf(x * sqrt1_2) * one) + x * (np.exp(-half * x * x) * inv_sqrt_2pi))",
          expression=False),
)

BINARY = (
    #      name   forward         (vjp a, vjp b)                forward template  (vjp a, vjp b) templates
    Binary("add", np.add,         ("g", "g"),                   "a + b",          ("g", "g"),
           alpha=True, aliases=("__add__", "__radd__")),
    Binary("sub", np.subtract,    ("g", "-g"),                  "a - b",          ("g", "-g"),
           alpha=True, aliases=("__sub__", "subtract")),
    Binary("mul", np.multiply,    ("g * b", "g * a"),           "a * b",          ("g * b", "g * a"),
           aliases=("__mul__", "__rmul__", "multiply")),
    Binary("div", np.true_divide, ("g / b", "-g * a / (b * b)"), "a / b",         ("g / b", "-g * a / (b * b)"),
           aliases=("__truediv__", "divide")),
)

TEMPLATE_CONSTANTS = {"zero": 0.0, "one": 1.0, "two": 2.0, "half": 0.5, "ln2": 0.6931471805599453,
                      "ln10": 2.302585092994046, "two_over_sqrt_pi": 1.1283791670955126,
                      "sqrt1_2": 0.7071067811865476, "inv_sqrt_2pi": 0.3989422804014327}

# engine.compile's tracer, while it traces a step (else None): row ops report their calls to it,
# including calls through references taken before the trace (the custom-expression closures).
trace_hook = None


# -- making ops from rows -----------------------------------------------------------------------

def _backward_class(row, body: list[str]) -> type:
    """The node class of a row: its `apply` is compiled from the row's vjp text, so the backward
    pass runs the formula itself rather than a call per formula."""
    source = "def apply(self, g, F, saved):\n" + "".join(f"    {line}\n" for line in body)
    namespace = {"sum_to": sum_to, "operand_values": operand_values, "kernel": getattr(row, "kernel", None)}
    exec(compile(source, f"<op table: {row.name}>", "exec"), namespace)  # noqa: S102 - the table's own text
    return type(row.node_name, (Node,), {
        "apply": namespace["apply"], "row": row, "__module__": __name__,
        "__doc__": f"Backward of {row.name} (ops/elementwise.py).\n\n{source}"})


def _unary_node(row: Unary) -> type:
    body = []
    if row.saves:
        body.append(f"{'x' if row.saves == 'self' else 'y'} = saved[0]")
    if row.kernel is not None:
        body.append(f"return (kernel(g, saved[0]) if F.plain else {row.vjp},)")
    else:
        body.append(f"return ({row.vjp},)")
    cls = _backward_class(row, body)
    cls.saved_names = (row.saves,) if row.saves else ()
    return cls


def _unary_op(row: Unary, node_cls: type) -> Callable:
    forward, saves, keeps_int = row.forward, row.saves, row.keeps_int

    def op(input, *, out=None):  # noqa: A002 - PyTorch's keyword
        if out is not None:
            return into(out, op(input), row.name)
        x = input
        if trace_hook is not None and trace_hook(row.name, op, (x,)):
            return trace_hook.result
        data = x._data
        if data.dtype.kind in "iub" and not (keeps_int and data.dtype.kind != "b"):
            data = data.astype(np.float32)  # PyTorch's float ops on integer tensors give float32
        out = forward(data)
        if not needs_grad(x):
            return _wrap(out)
        if saves == "self":
            return _result(out, make_node(node_cls, (x,), (x,)))
        node = make_node(node_cls, (x,))
        t = _result(out, node)
        if saves == "result":
            save(node, t)
        return t
    op.__name__ = op.__qualname__ = row.name
    op.__doc__ = f"torch.{row.name}, elementwise: {row.forward_template} (backward {row.node_name})."
    return op


_F64 = np.dtype(np.float64)


def _binary(a, b, fn, node_cls, saved_a: bool, saved_b: bool):
    """The forward of a binary op: compute, then record the node if a gradient is needed.
    A Python number operand is a constant: its edge is `(None, 0)`, as in PyTorch."""
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
    try:
        out = fn(da, db)
    except ValueError:
        raise broadcast_error(np.shape(da), np.shape(db)) from None
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


def operand_values(node, saved):
    """The two operands for a backward formula: saved tensors, or the constants recorded."""
    it = iter(saved)
    a = next(it) if node.kept[0] else node.consts[0]
    b = next(it) if node.kept[1] else node.consts[1]
    return a, b


def _binary_node(row: Binary) -> type:
    reads = any(row.uses)
    body = ["sa, sb = self.shapes", "a, b = operand_values(self, saved)" if reads else "", "ga = gb = None"]
    for k, (vjp, grad, shape_) in enumerate(zip(row.vjps, ("ga", "gb"), ("sa", "sb"))):
        # a gradient that reads no operand is sent even to a constant (the debugger shows it sent)
        body.append(f"if self.next_functions[{k}][0] is not None:" if reads else "if True:")
        body.append(f"    {grad} = {vjp}")
        if k == 1 and row.alpha:
            body.append(f"    if self.alpha != 1: {grad} = {grad} * self.alpha")
        body.append(f"    if {grad}.shape != {shape_}: {grad} = sum_to({grad}, {shape_})")
    body.append("return ga, gb")
    cls = _backward_class(row, [line for line in body if line])
    cls.saved_names = ("self", "other") if reads else ()
    cls.alpha = 1
    return cls


def _binary_op(row: Binary, node_cls: type) -> Callable:
    forward = row.forward
    if row.alpha:  # (alpha rows read no operand in backward: add, sub)
        def op(input, other, *, alpha=1, out=None):  # noqa: A002 - PyTorch's keywords
            if out is not None:
                return into(out, op(input, other, alpha=alpha), row.name)
            a, b = input, other
            if trace_hook is not None and trace_hook(row.name, op, (a, b), {} if alpha == 1 else {"alpha": alpha}):
                return trace_hook.result
            if alpha != 1:  # alpha scales b inside the one node, as in PyTorch (no MulBackward0)
                out = _binary(a, b, lambda x, y: forward(x, np.multiply(y, alpha)), node_cls, False, False)
                if out._fn is not None:
                    out._fn.alpha = alpha
                return out
            return _binary(a, b, forward, node_cls, False, False)
    else:
        # which operand each gradient reads (row.keeps, unrolled: this runs for every op)
        (a_for_a, b_for_a), (a_for_b, b_for_b) = (("a" in uses, "b" in uses) for uses in row.uses)

        def op(input, other, *, out=None):  # noqa: A002 - PyTorch's keywords
            if out is not None:
                return into(out, op(input, other), row.name)
            a, b = input, other
            if trace_hook is not None and trace_hook(row.name, op, (a, b)):
                return trace_hook.result
            ra = isinstance(a, Tensor) and a._rg
            rb = isinstance(b, Tensor) and b._rg
            return _binary(a, b, forward, node_cls, ra and a_for_a or rb and a_for_b, ra and b_for_a or rb and b_for_b)
    op.__name__ = op.__qualname__ = row.name
    op.__doc__ = f"torch.{row.name}, broadcast: {row.forward_template} (backward {row.node_name})."
    return op


ROWS: dict[str, Unary | Binary] = {row.name: row for row in UNARY + BINARY}
FUNCTIONS: dict[str, Callable] = {}    # engine.<name>: every row's name and its non-dunder aliases
METHODS: dict[str, Callable] = {}      # Tensor.<name>: names and all aliases
NODES: dict[str, type] = {}            # node name -> class
for _row in ROWS.values():
    _cls = (_unary_node if isinstance(_row, Unary) else _binary_node)(_row)
    _fn = (_unary_op if isinstance(_row, Unary) else _binary_op)(_row, _cls)
    NODES[_cls.__name__] = _cls
    for _name in (_row.name,) + _row.aliases:
        METHODS[_name] = _fn
        if not _name.startswith("__"):
            FUNCTIONS[_name] = _fn
globals().update(FUNCTIONS)
globals().update(NODES)

# the functions of custom expressions: name -> (numpy function on float64, engine function)
EXPRESSION_FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    row.name: (lambda v, f=row.forward: f(np.asarray(v, dtype=np.float64)), FUNCTIONS[row.name])
    for row in UNARY if row.expression}


# -- elementwise ops with attributes ------------------------------------------------------------

class ClampBackward1(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        xd = F.data(saved[0])
        keep = np.ones(np.shape(xd), dtype=bool)
        if self.min is not None:
            keep &= xd >= self.min
        if self.max is not None:
            keep &= xd <= self.max
        return (F.select(keep, g),)


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


# activations with options (nn.functional); no compiled templates yet: a compiled step that
# uses one runs eagerly

class LeakyReluBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        slope = np.where(F.data(saved[0]) > 0, 1, self.negative_slope).astype(F.data(saved[0]).dtype)
        return (g * F.const(slope, g),)


def leaky_relu(x, negative_slope: float = 0.01):
    d = x._data
    out = np.where(d > 0, d, d * np.asarray(negative_slope, d.dtype))
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(LeakyReluBackward0, (x,), (x,))
    node.negative_slope = negative_slope
    return _result(out, node)


class SoftplusBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        linear = F.data(x) * self.beta > self.threshold
        z = F.exp(x * self.beta)
        return (F.select(~linear, g * z / (z + 1)) + F.select(linear, g),)


def softplus(x, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta·x)) / beta, and x itself where beta·x > threshold (no overflow)."""
    d = x._data
    if d.dtype.kind != "f":
        d = d.astype(np.float32)
    bx = d * np.asarray(beta, d.dtype)
    out = np.where(bx > threshold, d, np.log1p(np.exp(np.minimum(bx, threshold))) / np.asarray(beta, d.dtype))
    out = out.astype(d.dtype, copy=False)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(SoftplusBackward0, (x,), (x,))
    node.beta, node.threshold = beta, threshold
    return _result(out, node)


_GELU_BETA = math.sqrt(2.0) * (2.0 / math.sqrt(math.pi)) * 0.5  # sqrt(2/pi), as ATen spells it
_GELU_KAPPA = 0.044715


class GeluBackward0(Node):
    """gelu's node for both forms; PyTorch names them alike (approximate is an attribute)."""
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        if self.approximate == "none":
            cdf = 0.5 * (1 + F.erf(x * 0.7071067811865476))
            return (g * (cdf + x * (F.exp(-0.5 * x * x) * 0.3989422804014327)),)
        inner = _GELU_BETA * (x + _GELU_KAPPA * (x * x * x))
        t = F.tanh(inner)
        right = 0.5 * x * (1 - t * t) * _GELU_BETA * (1 + 3 * _GELU_KAPPA * (x * x))
        return (g * (0.5 * (1 + t) + right),)


def gelu(x, approximate: str = "none"):
    """x·Φ(x) (approximate="none", the table's row) or its tanh approximation."""
    if approximate == "none":
        return FUNCTIONS["gelu"](x)
    if approximate != "tanh":
        raise RuntimeError("approximate argument must be either none or tanh.")
    d = x._data
    out = 0.5 * d * (1 + np.tanh(_GELU_BETA * (d + _GELU_KAPPA * (d * d * d))))
    out = out.astype(d.dtype, copy=False)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(GeluBackward0, (x,), (x,))
    node.approximate = approximate
    return _result(out, node)


class EluBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        neg = F.data(x) <= 0
        return (F.select(~neg, g) + F.select(neg, g * self.alpha * F.exp(x)),)


def elu(x, alpha: float = 1.0):
    d = x._data
    out = np.where(d > 0, d, np.asarray(alpha, d.dtype) * np.expm1(np.minimum(d, 0))).astype(d.dtype, copy=False)
    if not needs_grad(x):
        return _wrap(out)
    node = make_node(EluBackward0, (x,), (x,))
    node.alpha = alpha
    return _result(out, node)
