"""Compiled templates of the elementwise ops: scalar expressions for numba loop bodies, written
in eager arithmetic's order. Unary over `x` (input), `y` (result), `g` (incoming gradient);
binary over `a`, `b`, `y`, `g` with one vjp per operand. Number literals become constants of
the tensor's dtype (numpy's weak scalars), so float32 stays float32 as in eager. The numba
functions they call (`tanh_`, `sigmoid_`, …) are in engine/compile/helpers.py."""
from __future__ import annotations


UNARY = {
    "neg": ("-x", "-g"),
    "exp": ("math.exp(x)", "g * y"),
    "log": ("math.log(x)", "g / x"),
    "sqrt": ("math.sqrt(x)", "g / (2 * y)"),
    "sin": ("math.sin(x)", "g * math.cos(x)"),
    "cos": ("math.cos(x)", "-g * math.sin(x)"),
    "tanh": ("tanh_(x)", "g * (1 - y * y)"),
    "sigmoid": ("sigmoid_(x)", "g * y * (1 - y)"),
    "relu": ("x if (x >= 0 or x != x) else 0 * x", "g if y > 0 else 0 * g"),
    "abs": ("abs(x)", "g * sign_(x)"),
    "reciprocal": ("1 / x", "-g * y * y"),
}

BINARY = {
    "add": ("a + b", "g", "g"),
    "sub": ("a - b", "g", "-g"),
    "mul": ("a * b", "g * b", "g * a"),
    "div": ("a / b", "g / b", "-g * a / (b * b)"),
    "rsub": ("b - a", "-g", None),        # number b minus tensor a
}


def pow_templates(p: float) -> tuple[str, str]:
    """x ** p for a constant p, as numpy computes it (its fast paths for 2, 1, 0.5, -1, 0)."""
    forward = {2: "x * x", 1: "x", 0.5: "math.sqrt(x)", -1: "1 / x", 0: "1 + 0 * x"}.get(p, f"x ** {p!r}")
    if p == 2:
        return forward, "g * (x + x)"
    if p == 0:
        return forward, "0 * g"
    q = p - 1
    power = {2: "x * x", 1: "x", 0.5: "math.sqrt(x)", -1: "1 / x", 0: "1"}.get(q, f"x ** {q!r}")
    return forward, f"g * {p!r} * ({power})"
