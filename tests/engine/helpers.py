"""The checks every engine test is built from: `check_grads` (the engine's backward against
central finite differences in float64), `compare_with_torch` (one program run through both
libraries, compared value by value, gradient by gradient, node by node) and
`compare_behaviour` (what a program observes, raises and warns, in both libraries).

A program is written once, taking the library as its first argument:

    compare_with_torch(lambda T, x, y: (x * y).sum(), [np.ones(3), np.arange(3.0)])

Inputs are numpy arrays (float arrays become leaves that require grad; integer and bool
arrays do not), `Const(array)` for a float leaf that does not require grad, or plain Python
values passed through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

import engine

FLOAT_TOL = {np.dtype(np.float32): (2e-4, 2e-5), np.dtype(np.float64): (1e-7, 1e-9)}


@dataclass(frozen=True)
class Const:
    """An input array that becomes a tensor *not* requiring grad."""
    value: object


def _make_inputs(T, inputs, dtype=None):
    """Tensors of library T from the input specs (fresh leaves every call)."""
    out = []
    for spec in inputs:
        const = isinstance(spec, Const)
        value = spec.value if const else spec
        if not isinstance(value, np.ndarray):
            out.append(value)
            continue
        arr = value.astype(dtype) if dtype is not None and value.dtype.kind == "f" else value
        t = T.tensor(arr.copy())
        if arr.dtype.kind == "f" and not const:
            t.requires_grad_(True)
        out.append(t)
    return out


def _outputs(result):
    """The tensors a program returned, as a list (a program may return one or a tuple)."""
    if isinstance(result, (tuple, list)):
        return [r for r in result if hasattr(r, "shape")]
    return [result]


def _float_outputs(result):
    return [o for o in _outputs(result) if o.dtype.is_floating_point]


def _data(t) -> np.ndarray:
    """A tensor's values as a numpy array, from either library."""
    if t is None:
        return None
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


def _leaves(tensors):
    return [t for t in tensors if hasattr(t, "requires_grad") and t.requires_grad]


# ---------------------------------------------------------------------------------------
# finite differences
# ---------------------------------------------------------------------------------------

def _projected(fn, tensors, weights) -> float:
    """sum_k <w_k, out_k>: one scalar that carries every output element."""
    total = 0.0
    for w, out in zip(weights, _float_outputs(fn(*tensors))):
        total += float(np.sum(w * np.asarray(out._data, dtype=np.float64)))
    return total


def _numeric_grads(fn, arrays, weights, eps):
    """Central differences of the projected output with respect to every float input."""
    grads = []
    for i, a in enumerate(arrays):
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
            continue
        g = np.zeros(a.shape)
        for idx in np.ndindex(a.shape):
            vals = []
            for sign in (1, -1):
                pert = [x.copy() if isinstance(x, np.ndarray) else x for x in arrays]
                pert[i][idx] += sign * eps
                vals.append(_projected(fn, _make_inputs(engine, pert), weights))
            g[idx] = (vals[0] - vals[1]) / (2 * eps)
        grads.append(g)
    return grads


def _analytic_grads(fn, tensors, weights, create_graph: bool):
    """The engine's gradient of the projected output for each leaf (None where unused)."""
    total = None
    for w, out in zip(weights, _float_outputs(fn(*tensors))):
        if out.requires_grad:
            term = (out * engine.tensor(w)).sum()
            total = term if total is None else total + term
    leaves = _leaves(tensors)
    if total is None:
        return [None] * len(leaves)
    return list(engine.autograd.grad(total, leaves, create_graph=create_graph, allow_unused=True))


def _gradient_of(fn, weights):
    """The function tensors -> gradients of fn's projected output, recorded (create_graph)."""
    def grads(*tensors):
        gs = _analytic_grads(fn, tensors, weights, create_graph=True)
        return tuple(engine.zeros(t.shape, dtype=t.dtype) if g is None else g
                     for g, t in zip(gs, _leaves(tensors)))
    return grads


def check_grads(fn, *inputs, order: int = 1, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7):
    """Check fn's backward against central finite differences in float64, for every float
    input; with order=2 also the backward of its (create_graph=True) backward.

    `fn(*tensors)` returns a tensor or a tuple of tensors. Outputs are projected on fixed
    random weights, so one backward checks the whole vector-Jacobian product.
    """
    arrays = [np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in inputs]
    rng = np.random.default_rng(1234)
    for k in range(1, order + 1):
        probe = _float_outputs(fn(*_make_inputs(engine, arrays)))
        for o in probe:
            assert o.dtype == engine.float64, f"float64 inputs gave a {o.dtype} output"
        weights = [rng.standard_normal(tuple(o.shape)) for o in probe]
        got = _analytic_grads(fn, _make_inputs(engine, arrays), weights, create_graph=False)
        want = _numeric_grads(fn, arrays, weights, eps)
        floats = [a for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
        for i, (g, w, a) in enumerate(zip(got, want, floats)):
            g = np.zeros(a.shape) if g is None else np.asarray(g._data)
            assert g.shape == a.shape, f"order {k}: gradient of float input {i} has shape {g.shape}, not {a.shape}"
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol,
                                       err_msg=f"order-{k} gradient of float input {i} vs finite differences")
        fn = _gradient_of(fn, weights)


# ---------------------------------------------------------------------------------------
# PyTorch as the oracle
# ---------------------------------------------------------------------------------------

def graph_names(t, leaves=()):
    """The backward graph below `t` as nested (name, children) tuples; None for a missing
    edge, AccumulateGrad tagged with the index of its leaf in `leaves`. Works for both libraries."""
    fn = t.grad_fn if hasattr(t, "grad_fn") else t
    memo = {}

    def walk(node, depth=0):
        if node is None:
            return None
        if id(node) in memo:
            return memo[id(node)]
        name = type(node).__name__  # torch's AccumulateGrad.name() is "torch::autograd::AccumulateGrad"
        if name == "AccumulateGrad":
            var = node.variable
            idx = next((i for i, leaf in enumerate(leaves) if leaf is var), "?")
            name = f"AccumulateGrad[{idx}]"
        if depth > 200:
            return (name, "...")
        out = (name, tuple(walk(n, depth + 1) for n, _ in node.next_functions))
        memo[id(node)] = out
        return out

    return walk(fn)


def _assert_same_tensor(e, t, what, rtol, atol, check_repr=True, mask_grad_fn=False):
    assert (e is None) == (t is None), f"{what}: engine gives {e!r}, torch gives {t!r}"
    if e is None:
        return
    assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} vs torch {tuple(t.shape)}"
    assert repr(e.dtype) == repr(t.dtype), f"{what}: dtype {e.dtype} vs torch {t.dtype}"
    ev, tv = _data(e), _data(t)
    if ev.dtype.kind == "f":
        np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, err_msg=f"{what}: values differ")
    else:
        np.testing.assert_array_equal(ev, tv, err_msg=f"{what}: values differ")
    if check_repr:
        re_, rt = repr(e), repr(t)
        if mask_grad_fn:
            # the line wrap before grad_fn depends on the name's length: compare words only
            re_, rt = (" ".join(re.sub(r"grad_fn=<\w+>", "grad_fn=<...>", r).split()) for r in (re_, rt))
        assert re_ == rt, f"{what}: repr differs\nengine: {re_}\ntorch:  {rt}"


def compare_with_torch(fn_engine, fn_torch=None, inputs=(), *, dtype=None, order: int = 1,
                       check_graph: bool = True, check_repr: bool = True, rtol=None, atol=None):
    """Run a program through the engine and through PyTorch and assert they agree on values,
    dtypes, shapes, requires_grad/is_leaf, grad_fn graphs (names, None edges, which leaf),
    repr, and the gradient every input leaf receives. `fn_torch` defaults to `fn_engine`
    (a program written once: `fn(T, *tensors)`); `dtype` casts float inputs first.
    order=2 also compares second derivatives (autograd.grad with create_graph=True, twice).
    Skips the calling test when PyTorch is not installed. Returns (engine outputs, torch outputs).
    """
    import pytest
    torch = pytest.importorskip("torch")
    if fn_torch is not None and not callable(fn_torch):  # compare_with_torch(fn, inputs)
        fn_torch, inputs = None, fn_torch
    fn_torch = fn_torch or fn_engine
    ins_e, ins_t = _make_inputs(engine, inputs, dtype), _make_inputs(torch, inputs, dtype)
    outs_e, outs_t = _outputs(fn_engine(engine, *ins_e)), _outputs(fn_torch(torch, *ins_t))
    assert len(outs_e) == len(outs_t), "the programs return different numbers of tensors"

    def tolerances(t):
        r, a = FLOAT_TOL.get(np.dtype(_data(t).dtype), (0, 0)) if t is not None else (0, 0)
        return rtol if rtol is not None else r, atol if atol is not None else a

    leaves_e, leaves_t = _leaves(ins_e), _leaves(ins_t)
    for k, (e, t) in enumerate(zip(outs_e, outs_t)):
        what = f"output {k}"
        assert e.requires_grad == t.requires_grad, f"{what}: requires_grad {e.requires_grad} vs {t.requires_grad}"
        assert e.is_leaf == t.is_leaf, f"{what}: is_leaf {e.is_leaf} vs {t.is_leaf}"
        if check_graph:
            assert graph_names(e, ins_e) == graph_names(t, ins_t), f"{what}: grad_fn graphs differ"
        _assert_same_tensor(e, t, what, *tolerances(t), check_repr=check_repr, mask_grad_fn=not check_graph)

    rng = np.random.default_rng(99)
    diff = [(e, t) for e, t in zip(outs_e, outs_t) if t.requires_grad]
    if not diff:
        return outs_e, outs_t
    cot = [rng.standard_normal(tuple(t.shape)).astype(_data(t).dtype) for _, t in diff]
    if order == 1:
        if len(diff) == 1 and diff[0][1].dim() == 0:
            diff[0][0].backward()
            diff[0][1].backward()
        else:
            engine.autograd.backward([e for e, _ in diff], [engine.tensor(c) for c in cot])
            torch.autograd.backward([t for _, t in diff], [torch.tensor(c) for c in cot])
    else:
        firsts = []
        for lib, outs, leaves in ((engine, [e for e, _ in diff], leaves_e), (torch, [t for _, t in diff], leaves_t)):
            firsts.append(lib.autograd.grad(outs, leaves, [lib.tensor(c) for c in cot],
                                            create_graph=True, allow_unused=True))
        for i, (ge, gt) in enumerate(zip(*firsts)):
            _assert_same_tensor(ge, gt, f"first-order gradient of leaf {i}", *tolerances(gt), check_repr=False)
        w2 = [rng.standard_normal(tuple(leaf.shape)) for leaf in leaves_t]
        for lib, gs in ((engine, firsts[0]), (torch, firsts[1])):
            total = sum((g * lib.tensor(w, dtype=g.dtype)).sum() for g, w in zip(gs, w2)
                        if g is not None and g.requires_grad)
            if not isinstance(total, int):
                total.backward()
    for i, (le, lt) in enumerate(zip(leaves_e, leaves_t)):
        # second derivatives are formulas of formulas: the last bit (and the sign of an exact
        # zero) depends on their order, so their printed form is not compared
        _assert_same_tensor(le.grad, lt.grad, f"gradient of leaf {i}", *tolerances(lt),
                            check_repr=check_repr and order == 1)
    return outs_e, outs_t


def observe(value):
    """A library-neutral picture of what a program observed: tensors by their repr (which
    carries values, dtype, grad_fn and requires_grad), nodes by name, sizes as tuples."""
    name = type(value).__name__
    if name == "Size":
        return ("Size", tuple(value))
    if isinstance(value, tuple) and type(value) is not tuple:  # torch.return_types.max(...) and such
        return (repr(value).split("(")[0], tuple(observe(v) for v in value))
    if type(value) in (list, tuple):
        return type(value)(observe(v) for v in value)
    if hasattr(value, "grad_fn") and hasattr(value, "shape"):
        return ("tensor", repr(value))
    if hasattr(value, "next_functions"):
        return ("node", name)
    if name == "dtype":
        return ("dtype", repr(value))
    return value


# Warned once per process by PyTorch (and by the engine): whether a program sees them depends on
# what ran before it, so in-process comparisons leave them out; test_once_per_process_warnings
# compares them in fresh interpreters.
ONCE_PER_PROCESS = ("Using backward() with create_graph=True", "Converting a tensor with requires_grad=True",
                    "The use of `x.T` on tensors")


def run_observed(program, T):
    """program(T) -> (its observations, the exception it raised as (type, message), the
    warnings it emitted as (category, message)); warnings are always recorded."""
    import warnings
    observed, error = None, None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            observed = observe(program(T))
        except Exception as exc:  # noqa: BLE001 - the exception is what is compared
            error = (type(exc).__name__, str(exc))
    return observed, error, [(w.category.__name__, str(w.message)) for w in caught
                             if not str(w.message).startswith(ONCE_PER_PROCESS)]


def compare_behaviour(program, *, warnings_too: bool = True):
    """Run program(T) with T = engine and T = torch and assert they observe the same things,
    raise the same exception with the same message, and warn the same warnings.
    Returns the engine's (observations, error, warnings). Skips without PyTorch."""
    import pytest
    torch = pytest.importorskip("torch")
    ours, theirs = run_observed(program, engine), run_observed(program, torch)
    assert ours[1] == theirs[1], f"exceptions differ:\nengine: {ours[1]}\ntorch:  {theirs[1]}"
    assert ours[0] == theirs[0], f"observations differ:\nengine: {ours[0]}\ntorch:  {theirs[0]}"
    if warnings_too:
        assert ours[2] == theirs[2], f"warnings differ:\nengine: {ours[2]}\ntorch:  {theirs[2]}"
    return ours
