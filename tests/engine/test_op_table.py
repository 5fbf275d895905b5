"""The elementwise op table (engine/ops/elementwise.py): every row's compiled templates compute what
its eager forward and backward compute, element by element; and each row reaches every place that
offers ops (Tensor methods, engine functions, graph node names, custom expressions)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine.ops.elementwise import BINARY, NODES, ROWS, TEMPLATE_CONSTANTS, UNARY
from engine.session import expression

# both signs, zeros, the sigmoid's branch point, values beyond exp's float32 range, and NaN
VALUES = np.array([-100.0, -30.0, -3.0, -1.5, -0.7, -0.1, -0.0, 0.0, 0.05, 0.3, 0.9, 1.0, 2.5, 4.0, 30.0, 100.0,
                   np.nan], dtype=np.float32)
OTHER = np.array([0.5, -2.0, 1.25, 3.0, -0.3, 7.0, 2.0, -1.0, 0.25, -4.0, 1.5, 0.1, -0.6, 2.0, 0.7, -1.1, 1.0],
                 dtype=np.float32)


def _scalars(**values) -> dict:
    env = {"np": np, "math": math, **{k: np.float32(v) for k, v in TEMPLATE_CONSTANTS.items()}}
    env.update({k: np.float32(v) for k, v in values.items()})
    return env


def _same(template: str, env: dict, eager) -> None:
    with np.errstate(all="ignore"):
        got = eval(template, env)  # noqa: S307 - the table's own templates, on numbers
    assert isinstance(got, np.float32), f"{template!r} gives {type(got).__name__}, not float32"
    np.testing.assert_array_equal(got, eager, err_msg=f"{template!r} at {env}")


def _grad_seed(n: int) -> np.ndarray:
    return np.random.default_rng(0).uniform(-2, 2, n).astype(np.float32)


@pytest.mark.parametrize("row", UNARY, ids=lambda r: r.name)
def test_unary_templates_compute_the_eager_forward_and_vjp_bit_for_bit(row):
    x = engine.tensor(VALUES, requires_grad=True)
    y = getattr(engine, row.name)(x)
    g = _grad_seed(len(VALUES))
    y.backward(engine.tensor(g))
    ys, grads = y.detach().numpy(), x.grad.numpy()
    for i, xi in enumerate(VALUES):
        _same(row.forward_template, _scalars(x=xi), ys[i])
        _same(row.vjp_template, _scalars(x=xi, y=ys[i], g=g[i]), grads[i])


@pytest.mark.parametrize("row", BINARY, ids=lambda r: r.name)
def test_binary_templates_compute_the_eager_forward_and_vjps_bit_for_bit(row):
    a = engine.tensor(VALUES, requires_grad=True)
    b = engine.tensor(OTHER, requires_grad=True)
    y = getattr(engine, row.name)(a, b)
    g = _grad_seed(len(VALUES))
    y.backward(engine.tensor(g))
    ys = y.detach().numpy()
    for i in range(len(VALUES)):
        env = _scalars(a=VALUES[i], b=OTHER[i], y=ys[i], g=g[i])
        _same(row.forward_template, env, ys[i])
        _same(row.vjp_templates[0], env, a.grad.numpy()[i])
        _same(row.vjp_templates[1], env, b.grad.numpy()[i])


def test_every_row_is_a_tensor_method_an_engine_function_and_a_pytorch_node_name():
    x = engine.tensor([0.5, 0.25], requires_grad=True)
    for name, row in ROWS.items():
        for alias in (name,) + row.aliases:
            assert getattr(engine.Tensor, alias) is getattr(engine, name) or alias.startswith("__"), alias
        y = getattr(x, name)(x) if row in BINARY else getattr(x, name)()
        assert type(y.grad_fn).__name__ == row.node_name, name
        assert type(y.grad_fn) is NODES[row.node_name]
        if row in UNARY:
            assert type(y.grad_fn).saved_names == ((row.saves,) if row.saves else ())


def test_custom_expressions_offer_exactly_the_rows_marked_for_them():
    offered = [row.name for row in UNARY if row.expression]
    assert list(expression.FUNCTIONS) == offered
    parsed = expression.parse_expression("atan(x) + tan(x)", variables={"x"})
    xs = np.array([0.1, 0.5])
    np.testing.assert_allclose(parsed.evaluate_numpy(xs), np.arctan(xs) + np.tan(xs))
    y = parsed.evaluate_tensor(engine.tensor(xs, requires_grad=True))
    assert {type(fn).__name__ for fn, _ in y.grad_fn.next_functions} == {"AtanBackward0", "TanBackward0"}


# numba's exp/log/trig/tanh are not numpy's float32 loops: they may differ by a few units in the last place
_TRANSCENDENTAL = ("np.exp", "np.log", "np.sin", "np.cos", "np.tan", "np.arctan", "np.tanh", "np.sinh", "np.cosh",
                   "np.arcsin", "np.arccos", "np.log10", "np.log2", "np.log1p", "np.expm1", "math.erf")


def _ulps(got: np.ndarray, want: np.ndarray) -> int:
    differ = (got != want) & ~(np.isnan(got) & np.isnan(want))
    if not differ.any():
        return 0
    as_int = lambda a: a[differ].view(np.int32).astype(np.int64)  # noqa: E731
    return int(np.max(np.abs(as_int(got) - as_int(want))))


def _templates(row) -> tuple:
    return (row.forward_template,) + ((row.vjp_template,) if row in UNARY else row.vjp_templates)


def test_templates_compile_in_numba_and_match_eager_in_float32():
    from numba import njit
    rows = UNARY + BINARY
    lines = ["def step(first, second, ys, gs, out):"]
    lines += [f"    {name} = first.dtype.type({value})" for name, value in TEMPLATE_CONSTANTS.items()]
    lines.append("    for i in range(first.shape[0]):")
    for r, row in enumerate(rows):
        operands = "x = first[i]" if row in UNARY else "a = first[i]; b = second[i]"
        lines.append(f"        {operands}; y = ys[{r}, i]; g = gs[{r}, i]")
        lines += [f"        out[{r}, {k}, i] = {template}" for k, template in enumerate(_templates(row))]
    namespace = {"np": np, "math": math}
    exec("\n".join(lines), namespace)  # noqa: S102 - the table's own templates
    step = njit(cache=False, error_model="numpy")(namespace["step"])

    rng = np.random.default_rng(1)
    a = np.concatenate([VALUES, rng.uniform(-5, 5, 500).astype(np.float32)])
    b = np.concatenate([OTHER, rng.uniform(-5, 5, 500).astype(np.float32)])
    ys = np.empty((len(rows), a.size), np.float32)
    gs = rng.uniform(-2, 2, ys.shape).astype(np.float32)
    want = np.empty((len(rows), 3, a.size), np.float32)
    for r, row in enumerate(rows):
        ta, tb = engine.tensor(a, requires_grad=True), engine.tensor(b, requires_grad=True)
        y = getattr(engine, row.name)(*((ta,) if row in UNARY else (ta, tb)))
        y.backward(engine.tensor(gs[r]))
        ys[r] = want[r, 0] = y.detach().numpy()
        want[r, 1] = ta.grad.numpy()
        want[r, 2] = tb.grad.numpy() if row in BINARY else 0
    out = np.zeros_like(want)
    step(a, b, ys, gs, out)
    for r, row in enumerate(rows):
        for k, template in enumerate(_templates(row)):
            # a few ulp per libm call; more where calls compound (silu's sigmoid inside its vjp)
            allowed = 4 * sum(template.count(f) for f in _TRANSCENDENTAL)
            if allowed:  # or a few float32 epsilons absolute, where 1 + erf(x) cancels (gelu)
                close = np.abs(out[r, k] - want[r, k]) <= allowed * np.finfo(np.float32).eps
                out[r, k] = np.where(close, want[r, k], out[r, k])
            assert _ulps(out[r, k], want[r, k]) <= allowed, f"{row.name}: {template!r}"
