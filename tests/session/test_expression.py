"""The expression parser accepts exactly its small language and says where anything else goes wrong."""
import numpy as np
import pytest

from engine.session.expression import MAX_LENGTH, ExpressionError, parse_expression

ACCEPTED = [
    # text, parameters in order of appearance
    ("2*x + 3", []),
    ("x", []),
    ("3", []),
    ("  x + 1  ", []),
    ("a * sin(w * x) + c", ["a", "w", "c"]),
    ("exp(-x**2 / (2 * s**2))", ["s"]),
    ("x**-2 + +x - -x", []),
    ("1e-3 * x + .5 + 1_000 + 0x10", []),
    ("sigmoid(k * (x - x0))", ["k", "x0"]),
    ("relu(x) + abs(x) + sqrt(x) + log(x) + tan(x) + cos(x) + tanh(x)", []),
    ("b + a*x + a", ["b", "a"]),
]


@pytest.mark.parametrize("text, params", ACCEPTED)
def test_accepts(text, params):
    assert parse_expression(text, allow_params=True).params == params


REJECTED = [
    # text, words the message must contain, 0-based position
    ("eval('1')", "unknown function 'eval' at column 1", 0),
    ("import os", "'import' is not allowed", 0),
    ("sin(x))", "unexpected ')' at column 7", 6),
    ("x + )", "unexpected ')' at column 5", 4),
    ("x.real", "attribute access is not allowed at column 2", 1),
    ("2*x.__class__", "attribute access is not allowed at column 4", 3),
    ("x^2", "use '**'", 1),
    ("", "empty", None),
    ("   ", "empty", None),
    ("x" * (MAX_LENGTH + 1), "too long", None),
    ("(" * 150 + "x" + ")" * 150, "nested too deeply", 100),
    ("-" * 300 + "x", "nested too deeply", None),
    ("x +", "ends too early", 3),
    ("(x", "'(' is never closed at column 1", 0),
    ("2x", "missing operator between '2' and 'x'", 1),
    ("x y", "missing operator", 2),
    ("sin()", "missing the argument of sin()", 4),
    ("sin(x, 2)", "takes one argument", 5),
    ("sin", "'sin' is a function", 0),
    ("f(x)", "unknown function 'f'", 0),
    ("x(2)", "unknown function 'x'", 0),
    ("x = 2", "'=' is not allowed", 2),
    ("x == 2", "comparisons are not allowed", 2),
    ("x < 2", "comparisons are not allowed", 2),
    ("x // 2", "'//' is not allowed", 2),
    ("x % 2", "'%' is not allowed", 2),
    ("x @ x", "'@' is not allowed", 2),
    ("1j * x", "complex numbers", 0),
    ("9" * 400, "too large", 0),
    ("x # comment", "comments are not allowed", 2),
    ("x\n+ 1", "line breaks", 1),
    ("αx", "unexpected character 'α'", 0),
    ("True * x", "'True' is not allowed", 0),
    ("x if x else 1", "'if' is not allowed", 2),
    ("(x, 1)", "unexpected ','", 2),
    ("x ** ** 2", "unexpected '**'", 5),
    ("_a * x", "cannot start with '_'", 0),
]


@pytest.mark.parametrize("text, words, position", REJECTED)
def test_rejects_with_message_and_position(text, words, position):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, allow_params=True)
    assert words in caught.value.message
    if position is not None:
        assert caught.value.position == position
        assert f"at column {position + 1}" in caught.value.message


# Everything that could reach Python's machinery is rejected before anything is evaluated.
ESCAPES = [
    "__import__('os')",
    "__import__('os').system('echo hi')",
    "x.__class__",
    "x.__class__.__bases__[0].__subclasses__()",
    "(lambda: 1)()",
    "lambda x: x",
    "[x for x in (1, 2)]",
    "(x for x in (1, 2))",
    "{x: 1}",
    "x[0]",
    "x[1:2]",
    "open('/etc/passwd')",
    "globals()",
    "getattr(x, 'real')",
    "exec('1')",
    "compile('1', '', 'eval')",
    "breakpoint()",
    "f'{x}'",
    "b'x'",
    "x if 1 else 2",
    "(y := 3)",
    "x and x",
    "not x",
    "*x",
    "sin(*x)",
    "sin(x=1)",
    "yield x",
    "await x",
    "...",
    "None",
    "sin.__call__(x)",
    "__builtins__",
    "__name__ * x",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_rejects_anything_that_could_reach_python(text):
    with pytest.raises(ExpressionError):
        parse_expression(text, allow_params=True)


def test_names_other_than_x_are_unknown_unless_params_are_allowed():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("2*x + q")
    assert caught.value.message == "unknown name 'q' at column 7"
    assert caught.value.position == 6


def test_other_variables_are_not_parameters():
    parsed = parse_expression("a * t + x", variables={"x", "t"}, allow_params=True)
    assert parsed.params == ["a"]


def test_parameter_positions_are_first_uses():
    assert parse_expression("b + a*x + a", allow_params=True).param_positions == {"b": 0, "a": 4}


NUMPY_VALUES = [
    ("2*x + 3", {}, lambda x: 2 * x + 3),
    ("-x**2", {}, lambda x: -(x**2)),
    ("2**-1 * x", {}, lambda x: 0.5 * x),
    ("x ** 3 ** 2", {}, lambda x: x**9),
    ("a * sin(w * x) + c", {"a": 2.0, "w": 3.0, "c": -1.0}, lambda x: 2 * np.sin(3 * x) - 1),
    ("sigmoid(x) + relu(x - 1)", {}, lambda x: 1 / (1 + np.exp(-x)) + np.maximum(x - 1, 0)),
    ("exp(x) / sqrt(abs(x) + 1) - log(x + 3) + tan(x) * cos(x) + tanh(x)", {},
     lambda x: np.exp(x) / np.sqrt(np.abs(x) + 1) - np.log(x + 3) + np.tan(x) * np.cos(x) + np.tanh(x)),
    ("3", {}, lambda x: np.full_like(x, 3.0)),
    ("c", {"c": 1.5}, lambda x: np.full_like(x, 1.5)),
]


@pytest.mark.parametrize("text, params, expected", NUMPY_VALUES)
def test_evaluates_with_numpy(text, params, expected):
    x = np.linspace(-2.0, 2.0, 9)
    result = parse_expression(text, allow_params=True).evaluate_numpy(x, params)
    assert result.shape == x.shape
    np.testing.assert_allclose(result, expected(x), rtol=1e-12)


def test_undefined_maths_gives_nan_without_warnings():
    with np.errstate(all="raise"):
        result = parse_expression("log(x) + 1/x").evaluate_numpy(np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(result[0]) and not np.isfinite(result[1]) and result[2] == 1.0


def test_missing_parameter_value_is_named():
    with pytest.raises(ValueError, match="'w'"):
        parse_expression("a * w * x", allow_params=True).evaluate_numpy(np.zeros(2), {"a": 1.0})


def _tensor(values, requires_grad=False):
    import engine

    return engine.tensor(np.asarray(values, dtype=np.float64), dtype=engine.float64, requires_grad=requires_grad)


@pytest.mark.parametrize("text, params, expected", NUMPY_VALUES)
def test_tensor_evaluation_matches_numpy(text, params, expected):
    parsed = parse_expression(text, allow_params=True)
    x = np.linspace(-2.0, 2.0, 9)
    result = parsed.evaluate_tensor(_tensor(x), {name: _tensor(value) for name, value in params.items()})
    assert tuple(result.shape) == x.shape
    np.testing.assert_allclose(result.detach().numpy(), parsed.evaluate_numpy(x, params), rtol=1e-10)


GRADIENT_CASES = [
    ("a * sin(w * x) + c", {"a": 2.0, "w": 0.7, "c": -1.0}),
    ("exp(-k * x**2) / s", {"k": 0.3, "s": 1.5}),
    ("sigmoid(k * (x - x0)) + relu(b * x) + abs(b) * tanh(x)", {"k": 1.3, "x0": 0.2, "b": -0.8}),
    ("sqrt(a + x**2) + log(a) - tan(a * 0.1) + cos(a)", {"a": 2.0}),
    ("p ** 2 + 2 ** p + x / p", {"p": 1.5}),
    ("a", {"a": 3.0}),
]


@pytest.mark.parametrize("text, params", GRADIENT_CASES)
def test_tensor_gradients_match_finite_differences(text, params):
    parsed = parse_expression(text, allow_params=True)
    x = np.linspace(-1.5, 1.5, 7)
    tensors = {name: _tensor(value, requires_grad=True) for name, value in params.items()}
    parsed.evaluate_tensor(_tensor(x), tensors).sum().backward()
    for name, value in params.items():
        step = 1e-6
        up = parsed.evaluate_numpy(x, params | {name: value + step}).sum()
        down = parsed.evaluate_numpy(x, params | {name: value - step}).sum()
        assert tensors[name].grad.item() == pytest.approx((up - down) / (2 * step), rel=1e-5, abs=1e-7)


def test_tensor_evaluation_records_engine_ops():
    parsed = parse_expression("a * sin(x)", allow_params=True)
    result = parsed.evaluate_tensor(_tensor([1.0]), {"a": _tensor(2.0, requires_grad=True)})
    assert type(result.grad_fn).__name__ == "MulBackward0"


# -- constant parts: folded with numpy's float semantics; one without a finite value is an error there
@pytest.mark.parametrize("text, reason, position", [
    ("1/0", "'1/0' has no finite value: division by zero", 0),
    ("x + 1/0", "'1/0' has no finite value: division by zero", 4),
    ("x * 10**400", "'10**400' has no finite value: too large for a floating-point number", 4),
    ("(-8)**0.5 + x", "'(-8)**0.5' has no finite value: not a real number", 0),
    ("x - 0**-1", "'0**-1' has no finite value: division by zero", 4),
    ("x + log(0)", "'log(0)' has no finite value: division by zero", 4),
])
def test_a_constant_part_without_a_finite_value_is_an_error_at_its_position(text, reason, position):
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text)
    assert str(raised.value) == f"{reason} at column {position + 1}" and raised.value.position == position


def test_constant_parts_with_finite_values_fold_as_numpy_does():
    assert parse_expression("x + 1/(1/0)").evaluate_numpy(2.0) == 2.0     # inf inside, finite outside
    assert parse_expression("x * 2**-1074").evaluate_numpy(1.0) == 5e-324


def test_parameters_given_as_python_floats_follow_numpy_semantics_too():
    # found by the fuzzer below: (a - a)**-1 raised ZeroDivisionError with a = 1.5
    assert parse_expression("(a - a)**-1 + x", allow_params=True).evaluate_numpy(0.0, {"a": 1.5}) == np.inf


def test_a_flat_sum_of_a_hundred_terms_is_not_too_deep():
    text = " + ".join(["x"] * 100)
    assert parse_expression(text).evaluate_numpy(1.0) == 100.0
    assert parse_expression("*".join(["x"] * 100)).evaluate_numpy(1.0) == 1.0


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ATOMS = st.sampled_from(["x", "0", "1", "-1", "2", "0.5", "1e308", "1e-320", "10", "400", "-8", "a"])


def _expressions():
    return st.recursive(_ATOMS, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(["sin", "exp", "log", "sqrt", "tanh", "abs", "-"]), inner).map(
            lambda t: f"{t[0]}({t[1]})")), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_expressions() | st.text(alphabet="x0123456789+-*/().e ,_absinlogqrt", max_size=40))
def test_any_text_parses_and_evaluates_or_raises_the_parsers_own_error(text):
    try:
        parsed = parse_expression(text, allow_params=True)
    except ExpressionError as error:
        assert str(error)
        return
    values = parsed.evaluate_numpy(np.linspace(-2, 2, 5), {name: 1.5 for name in parsed.params})
    assert values.shape == (5,)
