"""autograd.gradcheck / gradgradcheck: they pass on the engine's ops (one table), fail with
PyTorch's message on a deliberately wrong backward, and resolve as functions however the
package was imported."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import engine
from engine.autograd import GradcheckError, gradcheck, gradgradcheck
from engine.autograd.graph import Node, make_node, needs_grad
from engine.tensor import _wrap

ROOT = Path(__file__).resolve().parents[2]
RNG = np.random.default_rng(3)


def leaf(*shape, low=-1.0, high=1.0):
    return engine.tensor(RNG.uniform(low, high, shape), dtype=engine.float64, requires_grad=True)


# (name, function, input shapes, smooth: also gradgradcheck, positive inputs)
OPS = [
    ("exp", lambda x: x.exp(), [(3, 2)], True, False),
    ("sin", lambda x: x.sin(), [(4,)], True, False),
    ("cos", lambda x: engine.cos(x), [(4,)], True, False),
    ("tanh", lambda x: x.tanh(), [(2, 3)], True, False),
    ("sigmoid", lambda x: x.sigmoid(), [(5,)], True, False),
    ("log", lambda x: x.log(), [(3,)], True, True),
    ("sqrt", lambda x: x.sqrt(), [(3,)], True, True),
    ("pow_scalar", lambda x: x ** 3, [(2, 2)], True, False),
    ("pow_tensor_exponent", lambda x, y: x ** y, [(3,), (3,)], True, True),
    ("rpow", lambda x: 2.0 ** x, [(3,)], True, False),
    ("mm", lambda a, b: a.mm(b), [(2, 3), (3, 4)], True, False),
    ("matmul_batched", lambda a, b: a @ b, [(2, 2, 3), (3, 2)], True, False),
    ("dot", lambda a, b: a.dot(b), [(4,), (4,)], True, False),
    ("sum_all", lambda x: x.sum(), [(2, 3)], True, False),
    ("sum_dim", lambda x: x.sum(dim=1), [(2, 3)], True, False),
    ("sum_dim_keepdim", lambda x: x.sum(0, keepdim=True), [(2, 3)], True, False),
    ("mean", lambda x: x.mean(), [(2, 3)], True, False),
    ("mean_dim", lambda x: x.mean(dim=0), [(2, 3)], True, False),
    ("cumsum", lambda x: x.cumsum(dim=1), [(2, 3)], True, False),
    ("norm", lambda x: x.norm(), [(2, 3)], True, False),
    ("norm_dim", lambda x: x.norm(dim=1), [(2, 3)], True, False),
    ("cat", lambda a, b: engine.cat([a, b], dim=0), [(2, 3), (1, 3)], True, False),
    ("stack", lambda a, b: engine.stack([a, b], dim=1), [(2, 3), (2, 3)], True, False),
    ("index_int", lambda x: x[1], [(3, 2)], True, False),
    ("index_slice", lambda x: x[:, 1:], [(3, 3)], True, False),
    ("index_advanced_repeated", lambda x: x[[0, 2, 0]], [(3, 2)], True, False),
    ("broadcast_add", lambda a, b: a + b, [(2, 3), (3,)], True, False),
    ("broadcast_mul", lambda a, b: a * b, [(2, 1), (1, 3)], True, False),
    ("broadcast_div", lambda a, b: a / b, [(2, 3), (2, 1)], True, True),
    ("broadcast_sub", lambda a, b: a - b, [(3,), ()], True, False),
    ("expand", lambda x: x.expand(3, 2) * 1.5, [(1, 2)], True, False),
    ("view_transpose", lambda x: x.view(3, 2).t(), [(2, 3)], True, False),
    ("relu", lambda x: x.relu(), [(4,)], False, True),
    ("abs", lambda x: x.abs(), [(4,)], False, True),
    ("max_dim", lambda x: x.max(dim=1).values, [(3, 4)], False, False),
    ("clamp", lambda x: x.clamp(min=-0.5, max=0.5), [(6,)], False, False),
    ("composite", lambda x, w: (x.mm(w).tanh() ** 2).mean(dim=0), [(4, 3), (3, 2)], True, False),
    ("two_outputs", lambda x: (x.exp(), x.sum()), [(3,)], True, False),
]
IDS = [op[0] for op in OPS]


def _inputs(shapes, positive):
    if positive:
        return tuple(leaf(*s, low=0.5, high=1.5) for s in shapes)
    return tuple(leaf(*s) for s in shapes)


@pytest.mark.parametrize("name,fn,shapes,smooth,positive", OPS, ids=IDS)
def test_gradcheck_passes_on_engine_op(name, fn, shapes, smooth, positive):
    assert gradcheck(fn, _inputs(shapes, positive))


SMOOTH = [pytest.param(*op, id=op[0]) for op in OPS if op[3]]


@pytest.mark.parametrize("name,fn,shapes,smooth,positive", SMOOTH)
def test_gradgradcheck_passes_on_smooth_op(name, fn, shapes, smooth, positive):
    assert gradgradcheck(fn, _inputs(shapes, positive))


@pytest.mark.parametrize("name,fn,shapes,smooth,positive", OPS[:12], ids=IDS[:12])
def test_fast_mode_passes_on_engine_op(name, fn, shapes, smooth, positive):
    assert gradcheck(fn, _inputs(shapes, positive), fast_mode=True)


# -- a custom op with a wrong backward, wired the way engine/ops/unary.py wires its ops --------

class WrongSinBackward0(Node):
    saved_names = ("self",)

    def apply(self, g, F, saved):
        return (g * F.cos(saved[0]) * 2,)  # should be g * cos(x)


def wrong_sin(x):
    out = np.sin(x._data)
    if not needs_grad(x):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(WrongSinBackward0, (x,), (x,)))


class WrongScaleBackward0(Node):
    """y = a * b with the gradient of b dropped to a wrong constant."""
    saved_names = ("a", "b")

    def apply(self, g, F, saved):
        a, b = saved
        return (g * b, g * 0 + 1)


def wrong_mul(a, b):
    out = a._data * b._data
    if not needs_grad(a, b):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(WrongScaleBackward0, (a, b), (a, b)))


class DetachedCosBackward0(Node):
    """sin's backward with the right values, but cos(x) taken as a constant: its own
    backward (needed for second derivatives) is therefore wrong."""
    saved_names = ("self",)

    def apply(self, g, F, saved):
        x = saved[0]
        return (g * (np.cos(x) if F.plain else _wrap(np.cos(x._data))),)


def sin_with_constant_backward(x):
    out = np.sin(x._data)
    if not needs_grad(x):
        return _wrap(out)
    return _wrap(out, grad_fn=make_node(DetachedCosBackward0, (x,), (x,)))


def test_wrong_backward_fails_with_message_naming_output_and_input():
    x = engine.tensor([1.0, 2.0], dtype=engine.float64, requires_grad=True)
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_sin, (x,))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
    assert "\nanalytical:" in message


def test_wrong_backward_message_is_pytorchs():
    torch = pytest.importorskip("torch")

    class WrongSin(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.cos() * 2

    with pytest.raises(RuntimeError) as theirs:
        torch.autograd.gradcheck(WrongSin.apply, (torch.tensor([1.0, 2.0], dtype=torch.float64,
                                                               requires_grad=True),))
    with pytest.raises(GradcheckError) as ours:
        gradcheck(wrong_sin, (engine.tensor([1.0, 2.0], dtype=engine.float64, requires_grad=True),))
    assert str(ours.value) == str(theirs.value)


def test_wrong_gradient_of_second_input_names_input_1():
    a, b = leaf(3), leaf(3)
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 1,"):
        gradcheck(wrong_mul, (a, b))


def test_wrong_second_output_names_output_1():
    x = leaf(3)
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 1 with respect to input 0,"):
        gradcheck(lambda x: (x.exp(), wrong_sin(x)), (x,))


def test_fast_mode_fails_on_wrong_backward_and_shows_slow_mode_jacobians():
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_sin, (leaf(3),), fast_mode=True)
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0,")
    assert "Below, we recompute numerical and analytical jacobians in slow mode" in message


def test_raise_exception_false_returns_false():
    assert gradcheck(wrong_sin, (leaf(3),), raise_exception=False) is False


def test_gradcheck_error_is_a_runtime_error():
    assert issubclass(GradcheckError, RuntimeError)


def test_non_differentiable_backward_passes_gradcheck_but_fails_gradgradcheck():
    x = leaf(3)
    assert gradcheck(sin_with_constant_backward, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradgradcheck(sin_with_constant_backward, (x,))


def test_float32_inputs_warn_like_pytorch():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
        gradcheck(lambda x: x * 2, (x,), raise_exception=False)


def test_inputs_without_requires_grad_are_rejected():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda x: x * 2, (engine.ones(2, dtype=engine.float64),))


def test_expanded_input_is_rejected():
    x = engine.ones(1, 3, dtype=engine.float64).expand(2, 3).detach().requires_grad_()
    with pytest.raises(RuntimeError, match="has a dimension with stride 0"):
        gradcheck(lambda x: x * 2, (x,))


def test_inputs_are_restored_after_perturbation():
    x = leaf(2, 2)
    before = x.detach().numpy().copy()
    gradcheck(lambda x: x.exp(), (x,))
    assert np.array_equal(x.detach().numpy(), before) and x.grad is None


def test_single_tensor_input_is_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda x: x.tanh(), leaf(3))


def test_outputs_not_requiring_grad_need_zero_numerical_gradient():
    assert gradcheck(lambda x: engine.ones(3, dtype=engine.float64), (leaf(3),))
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        gradcheck(lambda x: _wrap(x._data * 2), (leaf(3),))


@pytest.mark.parametrize("first_import", [
    "pass",
    "import engine.autograd.checks",
    "from engine.autograd import checks",
    "import engine.autograd.functional",
    "from engine.autograd import gradcheck as g; g(lambda x: x * 2, torch.ones(2, dtype=torch.float64, requires_grad=True))",
])
def test_autograd_gradcheck_is_the_function_whatever_was_imported_first(first_import):
    code = ("import engine as torch\n"
            f"{first_import}\n"
            "x = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)\n"
            "print(torch.autograd.gradcheck(lambda x: x.sin(), (x,)),\n"
            "      torch.autograd.gradgradcheck(lambda x: x.sin(), (x,)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True True"
