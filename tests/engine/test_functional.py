"""autograd.functional (jacobian, hessian, vjp, jvp, vhp, hvp) against known values and
against torch.autograd.functional: values, shapes and the tuple nesting of results."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.autograd import functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def assert_same_structure(ours, theirs):
    """Same nesting of tuples, and at the leaves tensors with equal shapes and values."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same_structure(a, b)
        return
    assert isinstance(ours, engine.Tensor)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-10, atol=1e-12)


def _tensors(T, arrays):
    ts = tuple(T.tensor(a) for a in arrays)
    return ts if len(ts) > 1 else ts[0]


RNG = np.random.default_rng(7)
A = RNG.uniform(0.5, 1.5, (3,))
B = RNG.uniform(0.5, 1.5, (3,))
M = RNG.uniform(-1, 1, (2, 3))

# (name, function written once for library T, input arrays)
JACOBIAN_CASES = [
    ("elementwise", lambda T: lambda x: x.exp() * x.sin(), [A]),
    ("reduction_to_vector", lambda T: lambda x: (x ** 2).sum(dim=1), [M]),
    ("matrix_in_matrix_out", lambda T: lambda x: x.tanh().t().mm(x), [M]),
    ("scalar_out", lambda T: lambda x: (x ** 3).sum(), [A]),
    ("tuple_inputs", lambda T: lambda x, y: x * y + y.exp(), [A, B]),
    ("tuple_outputs", lambda T: lambda x: (x.sigmoid(), x.sum()), [A]),
    ("tuple_both", lambda T: lambda x, y: (x * y, (x / y).sum(), y.cos()), [A, B]),
    ("unused_input", lambda T: lambda x, y: x * 2, [A, B]),
]
SCALAR_CASES = [
    ("cubic", lambda T: lambda x: (x ** 3).sum(), [A]),
    ("mixed", lambda T: lambda x, y: (x ** 2 * y).sum() + (x * y).exp().sum(), [A, B]),
    ("matrix", lambda T: lambda x: x.mm(x.t()).tanh().sum(), [M]),
    ("unused_input", lambda T: lambda x, y: (x.sin() * x).sum(), [A, B]),
]


def run_both(torch, name_fn, arrays, call):
    ours = call(F, name_fn(engine), _tensors(engine, arrays))
    theirs = call(torch.autograd.functional, name_fn(torch), _tensors(torch, arrays))
    assert_same_structure(ours, theirs)
    return ours


@pytest.mark.parametrize("name,fn,arrays", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacobian_matches_torch(name, fn, arrays, torch):
    run_both(torch, fn, arrays, lambda M_, f, x: M_.jacobian(f, x))


@pytest.mark.parametrize("name,fn,arrays", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_vjp_matches_torch(name, fn, arrays, torch):
    def call(M_, f, x):
        T = engine if M_ is F else torch
        out = f(*(x if isinstance(x, tuple) else (x,)))
        v = tuple(T.ones_like(o) for o in out) if isinstance(out, tuple) else T.ones_like(out)
        return M_.vjp(f, x, v)
    run_both(torch, fn, arrays, call)


@pytest.mark.parametrize("name,fn,arrays", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jvp_matches_torch(name, fn, arrays, torch):
    def call(M_, f, x):
        T = engine if M_ is F else torch
        v = tuple(T.full_like(t, 0.5) for t in x) if isinstance(x, tuple) else T.full_like(x, 0.5)
        return M_.jvp(f, x, v)
    run_both(torch, fn, arrays, call)


@pytest.mark.parametrize("name,fn,arrays", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_hessian_matches_torch(name, fn, arrays, torch):
    run_both(torch, fn, arrays, lambda M_, f, x: M_.hessian(f, x))


@pytest.mark.parametrize("product", ["hvp", "vhp"])
@pytest.mark.parametrize("name,fn,arrays", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_hessian_vector_products_match_torch(name, fn, arrays, product, torch):
    def call(M_, f, x):
        T = engine if M_ is F else torch
        v = tuple(T.ones_like(t) for t in x) if isinstance(x, tuple) else T.ones_like(x)
        return getattr(M_, product)(f, x, v)
    run_both(torch, fn, arrays, call)


def test_jacobian_of_two_by_two_system():
    # y1 = x1² + 3·x2, y2 = x2² + 2·x1 at (2, 3)
    def f(x):
        return engine.stack([x[0] ** 2 + 3 * x[1], x[1] ** 2 + 2 * x[0]])
    J = engine.autograd.functional.jacobian(f, engine.tensor([2.0, 3.0]))
    assert J.tolist() == [[4.0, 3.0], [2.0, 6.0]]
    assert J.grad_fn is None and not J.requires_grad


def test_hessian_of_sum_of_cubes_is_diag_6x():
    x = engine.tensor([1.0, -2.0, 0.5, 3.0], dtype=engine.float64)
    H = engine.autograd.functional.hessian(lambda x: (x ** 3).sum(), x)
    np.testing.assert_allclose(H.numpy(), np.diag(6 * x.numpy()))


def test_jacobian_shape_is_output_shape_then_input_shape():
    x = engine.randn(2, 3)
    J = F.jacobian(lambda x: x.sum(dim=0), x)
    assert J.shape == engine.Size([3, 2, 3])


def test_create_graph_results_are_differentiable():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    J = F.jacobian(lambda x: x ** 3, x, create_graph=True)
    assert J.requires_grad
    (gx,) = engine.autograd.grad(J.sum(), x)
    np.testing.assert_allclose(gx.numpy(), 6 * x.detach().numpy())


def test_results_are_detached_without_create_graph():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    out, v = F.vjp(lambda x: (x ** 2).sum(), x)
    assert not out.requires_grad and not v.requires_grad
    np.testing.assert_allclose(v.numpy(), [2.0, 4.0])


def test_strict_mode_rejects_independent_input():
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        F.jacobian(lambda x, y: x * 2, (engine.ones(2), engine.ones(2)), strict=True)


def test_v_must_match_output_shape():
    with pytest.raises(RuntimeError, match="v has invalid size"):
        F.vjp(lambda x: x * 2, engine.ones(3), engine.ones(2))


def test_v_can_only_be_omitted_for_single_element_outputs():
    with pytest.raises(RuntimeError, match="The vector v can only be None"):
        F.vjp(lambda x: x * 2, engine.ones(3))


def test_non_tensor_inputs_are_rejected():
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        F.jacobian(lambda x: x, [1.0, 2.0])


def test_hessian_requires_a_single_element_output():
    with pytest.raises(RuntimeError, match="should contain a single element"):
        F.hessian(lambda x: x * 2, engine.ones(3))


def test_functional_loads_lazily_through_the_package():
    import subprocess
    import sys
    from pathlib import Path
    code = ("import engine as torch\n"
            "J = torch.autograd.functional.jacobian(lambda x: x * 2, torch.ones(2))\n"
            "print(J.tolist())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[[2.0, 0.0], [0.0, 2.0]]"


@pytest.mark.parametrize("name", ["unsqueeze", "squeeze", "sum_dim", "mean_dim", "full_sum", "broadcast"])
def test_jvp_with_create_graph_records_torchs_nodes(name):
    """The Jacobian-vector product's own graph (built by differentiating twice) has PyTorch's node
    names: a reduced dim comes back through unsqueeze, so its second backward is SqueezeBackward1."""
    torch = pytest.importorskip("torch")
    from tests.engine.helpers import graph_names
    programs = {
        "unsqueeze": lambda T, x: x.unsqueeze(1) * 2,
        "squeeze": lambda T, x: x.unsqueeze(0).squeeze(0) * 2,
        "sum_dim": lambda T, x: (x * x).sum(0),
        "mean_dim": lambda T, x: (x.unsqueeze(0) * x.unsqueeze(1)).mean(1),
        "full_sum": lambda T, x: (x.sin() * 3).sum(),
        "broadcast": lambda T, x: x.unsqueeze(1) + T.ones(1, 3),
    }
    graphs, values = [], []
    for T in (engine, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        _, j = T.autograd.functional.jvp(lambda t: programs[name](T, t), x, T.ones(2), create_graph=True)
        graphs.append(graph_names(j, [x]))
        values.append(j.detach().numpy())
    assert graphs[0] == graphs[1]
    np.testing.assert_allclose(values[0], values[1], rtol=1e-6)
