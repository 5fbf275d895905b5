"""gradcheck and gradgradcheck: analytical gradients (the engine's backward) against central
finite differences, with PyTorch's arguments, messages and GradcheckError.

Exposed as `engine.autograd.gradcheck` / `gradgradcheck`. The module is not named
`gradcheck` so that importing it can never replace the function on the package.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Error raised by gradcheck and gradgradcheck."""


FAST_FAIL_SLOW_OK_MSG = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


# -- helpers ------------------------------------------------------------------------------

def _is_tensor(x) -> bool:
    from engine.tensor import Tensor
    return isinstance(x, Tensor)


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _is_float(t) -> bool:
    return _is_tensor(t) and t._data.dtype.kind in "fc"


def _diff_inputs(inputs):
    """(index, tensor) of the inputs that require grad."""
    return [(i, t) for i, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]


def _differentiable_outputs(out) -> tuple:
    return tuple(o for o in _as_tuple(out) if _is_tensor(o) and o.requires_grad)


def _show(array) -> str:
    """An array printed as PyTorch prints the tensor in its messages."""
    from engine.tensor import _wrap
    return repr(_wrap(np.asarray(array)))


def _check_inputs(inputs) -> None:
    any_requires_grad = False
    for idx, inp in enumerate(inputs):
        if not (_is_tensor(inp) and inp.requires_grad):
            continue
        if inp._data.dtype not in (np.float64, np.complex128):
            warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point "
                          "or complex. This check will likely fail if all the inputs are not of double "
                          "precision floating point or complex. ", UserWarning, stacklevel=3)
        data = inp._data
        if not all(st > 0 or sz <= 1 for st, sz in zip(data.strides, data.shape)):
            raise RuntimeError(f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                               "inputs that are non-overlapping to be able to compute the numerical "
                               "gradients correctly. You should call .contiguous on the input before "
                               "passing it to gradcheck.")
        any_requires_grad = True
    if not any_requires_grad:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of "
                         "them have requires_grad=True.")


# -- numerical side: central differences, perturbing each input in place ------------------

def _outputs_data(func, inputs) -> list:
    """Copies of func's outputs (an output may be a view of the input being perturbed)."""
    return [np.array(o._data, copy=True) if _is_tensor(o) else None for o in _as_tuple(func(*inputs))]


def _central_difference(func, inputs, data, index, delta, eps: float) -> list:
    """(f(x + delta) - f(x - delta)) / (2 eps) per output, flattened; x = data[index]
    (the storage of an input, changed in place and restored, bypassing the version check)."""
    orig = np.array(data[index], copy=True)
    data[index] = orig - delta
    before = _outputs_data(func, inputs)
    data[index] = orig + delta
    after = _outputs_data(func, inputs)
    data[index] = orig
    res = []
    for a, b in zip(before, after):
        if a is None:
            res.append(None)
            continue
        if a.shape != b.shape:
            raise AssertionError(f"Expected `func` to return outputs with the same shape when inputs are "
                                 f"perturbed by {eps}, but got: shapes {a.shape} and {b.shape}.")
        res.append(((b - a) / (2 * eps)).reshape(-1))
    return res


def _numerical_jacobians(func, inputs, func_out, eps: float) -> list:
    """numerical[k][j]: d(output j)/d(input k) as an (input numel, output numel) array,
    for the k-th input requiring grad and the j-th float output."""
    outs = [o for o in _as_tuple(func_out)]
    jacobians = []
    for _, inp in _diff_inputs(inputs):
        data = inp._data
        per_output = [np.zeros((data.size, o._data.size), dtype=o._data.dtype) if _is_float(o) else None
                      for o in outs]
        for d_idx, idx in enumerate(itertools.product(*(range(s) for s in data.shape))):
            cols = _central_difference(func, inputs, data, idx, eps, eps)
            for jac, col in zip(per_output, cols):
                if jac is not None:
                    jac[d_idx] = col
        jacobians.append(per_output)
    return jacobians


# -- analytical side: the engine's backward, one row per output element --------------------

def _vjp(output, diff_inputs, grad_output):
    from engine.autograd import grad
    from engine.tensor import _wrap
    return grad(output, diff_inputs, _wrap(grad_output), retain_graph=True, allow_unused=True)


def _analytical_rows(output, diff_inputs) -> list:
    """rows[k] = list over output elements of the gradient reaching input k (None = unused)."""
    out = output._data
    rows = [[] for _ in diff_inputs]
    for j in range(out.size):
        one_hot = np.zeros(out.size, dtype=out.dtype)
        one_hot[j] = 1
        for k, g in enumerate(_vjp(output, diff_inputs, one_hot.reshape(out.shape))):
            rows[k].append(None if g is None else np.array(g._data, copy=True))
    return rows


def _stack_rows(rows, diff_inputs, n_out: int):
    """Rows into (input numel, output numel) Jacobians; also whether sizes and dtypes matched."""
    sizes_ok = types_ok = True
    jacobians = []
    for inp, row in zip(diff_inputs, rows):
        jac = np.zeros((inp._data.size, n_out), dtype=inp._data.dtype)
        for j, g in enumerate(row):
            if g is None:
                continue
            if g.shape != inp._data.shape:
                sizes_ok = False
                continue
            if g.dtype != inp._data.dtype:
                types_ok = False
            jac[:, j] = g.reshape(-1)
        jacobians.append(jac)
    return jacobians, sizes_ok, types_ok


def _analytical_jacobians(inputs, output, nondet_tol: float, check_grad_dtypes: bool) -> list:
    diff = [t for _, t in _diff_inputs(inputs)]
    first, sizes_ok, types_ok = _stack_rows(_analytical_rows(output, diff), diff, output._data.size)
    second, _, _ = _stack_rows(_analytical_rows(output, diff), diff, output._data.size)
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    for a, b in zip(first, second):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError("Backward is not reentrant, i.e., running backward with same input and "
                                 "grad_output multiple times gives different values, although analytical "
                                 "gradient matches numerical gradient."
                                 f"The tolerance for nondeterminism was {nondet_tol}.")
    return first


def _mismatch_message(analytical, numerical, output_idx: int, input_idx: int) -> str:
    return (f"Jacobian mismatch for output {output_idx:d} with respect to input {input_idx:d},\n"
            f"numerical:{numerical}\nanalytical:{analytical}\n")


def _allclose(a, b, rtol, atol) -> bool:
    dtype = np.result_type(a, b)
    return bool(np.allclose(np.asarray(a, dtype), np.asarray(b, dtype), rtol=rtol, atol=atol))


# -- the two modes ------------------------------------------------------------------------

def _no_differentiable_outputs(func, inputs, func_out, eps) -> bool:
    for per_output in _numerical_jacobians(func, inputs, func_out, eps):
        for jac in per_output:
            if jac is not None and np.count_nonzero(jac):
                raise GradcheckError("Numerical gradient for function expected to be zero")
    return True


def _slow_gradcheck(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol):
    if not outputs:
        return _no_differentiable_outputs(func, inputs, func_out, eps)
    numerical = _numerical_jacobians(func, inputs, func_out, eps)
    # numerical per differentiable output, then per input
    diff_positions = [j for j, o in enumerate(_as_tuple(func_out)) if _is_tensor(o) and o.requires_grad]
    for i, output in enumerate(outputs):
        analytical = _analytical_jacobians(inputs, output, nondet_tol, check_grad_dtypes)
        for k, a in enumerate(analytical):
            n = numerical[k][diff_positions[i]]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch_message(_show(a), _show(n), i, k))
    return True


def _random_unit_vector(rng, size: int, dtype) -> np.ndarray:
    vec = rng.random(size).astype(dtype)
    norm = np.linalg.norm(vec)
    return vec / norm if norm else vec


def _fast_gradcheck(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol):
    """Compare vᵀ·J·u for random unit u (per input) and v (per output): J·u from one central
    difference along u, vᵀ·J from one backward, instead of the whole Jacobian."""
    rng = np.random.default_rng(67280421310721)  # its own generator: the user's RNG is untouched
    diff = _diff_inputs(inputs)
    all_u = [_random_unit_vector(rng, t._data.size, t._data.dtype) for _, t in diff]
    all_v = [_random_unit_vector(rng, o._data.size, o._data.dtype) for o in outputs]
    diff_positions = [j for j, o in enumerate(_as_tuple(func_out)) if _is_tensor(o) and o.requires_grad]
    numerical = []  # numerical[k][i] = J_ik · u_k (flattened)
    for (_, inp), u in zip(diff, all_u):
        data = inp._data
        cols = _central_difference(func, inputs, data, (...,), u.reshape(data.shape) * eps, eps)
        numerical.append(cols)
    if not outputs:
        for cols in numerical:
            for col in cols:
                if col is not None and col.size and np.abs(col).max() > nondet_tol:
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    diff_tensors = [t for _, t in diff]
    for i, (output, v) in enumerate(zip(outputs, all_v)):
        grads = [_vjp(output, diff_tensors, v.reshape(output._data.shape)) for _ in range(2)]
        for g1, g2 in zip(*grads):
            if g1 is not None and g1._data.size and np.abs(g1._data - g2._data).max() > nondet_tol:
                raise GradcheckError("Backward is not reentrant, i.e., running backward with same input "
                                     "and grad_output multiple times gives different values, although "
                                     "analytical gradient matches numerical gradient."
                                     f"The tolerance for nondeterminism was {nondet_tol}.")
        for k, (g, u) in enumerate(zip(grads[0], all_u)):
            if g is not None and g._data.shape != diff_tensors[k]._data.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            a = 0.0 if g is None else float(np.dot(g._data.reshape(-1), u))
            n = float(np.dot(v, numerical[k][diff_positions[i]]))
            if not _allclose(a, n, rtol, atol * float(u.sum()) * float(v.sum())):
                raise GradcheckError(_mismatch_message(a, n, i, k)
                                     + _slow_mode_details(func, inputs, func_out, output, k, i,
                                                          rtol, atol, eps))
    return True


def _slow_mode_details(func, inputs, func_out, output, input_idx, output_idx, rtol, atol, eps) -> str:
    diff_positions = [j for j, o in enumerate(_as_tuple(func_out)) if _is_tensor(o) and o.requires_grad]
    n = _numerical_jacobians(func, inputs, func_out, eps)[input_idx][diff_positions[output_idx]]
    a = _analytical_jacobians(inputs, output, float("inf"), False)[input_idx]
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed \n"
           "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
           "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
           f"Numerical:\n {_show(n)}\n"
           f"Analytical:\n{_show(a)}\n\n"
           f"The max per-element difference (slow mode) is: {np.abs(n - a).max()}.\n")
    if _allclose(a, n, rtol, atol):
        msg += FAST_FAIL_SLOW_OK_MSG
    return msg


def _backward_scales_with_grad_output(outputs, inputs) -> bool:
    """A zero grad_output must give zero input gradients of the input's dtype and shape."""
    from engine.autograd import grad
    from engine.tensor import _wrap
    diff = [t for _, t in _diff_inputs(inputs)]
    grads = grad(list(outputs), diff, [_wrap(np.zeros_like(o._data)) for o in outputs], allow_unused=True)
    for g, inp in zip(grads, diff):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g._data.dtype != inp._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._data.shape != inp._data.shape:
            raise GradcheckError("grad is incorrect size")
    return True


# -- public API ---------------------------------------------------------------------------

def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check the engine's gradients of func at inputs against central finite differences.

    Every output element's backward row is compared with the numerical Jacobian (fast_mode:
    one random projection of it). Returns True, or raises GradcheckError naming the output
    and input whose Jacobians differ (returns False instead if raise_exception=False).
    Undefined output gradients do not exist in this engine, so check_undefined_grad only
    amounts to the zero-grad_output check that always runs.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if check_batched_grad and not check_backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError("Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("GradStudio's engine has neither forward-mode AD nor vmap: "
                                  "check_forward_ad, check_batched_grad and check_batched_forward_grad "
                                  "must be False.")
    try:
        inputs = _as_tuple(inputs)
        _check_inputs(inputs)
        func_out = func(*inputs)
        outputs = _differentiable_outputs(func_out)
        check = _fast_gradcheck if fast_mode else _slow_gradcheck
        check(func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol)
        if outputs:
            _backward_scales_with_grad_output(outputs, inputs)
        return True
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """gradcheck of the gradient itself: checks the backward of func's backward (with respect
    to the inputs and to grad_outputs, random in [-1, 1) when not given)."""
    from engine.autograd import grad
    from engine.tensor import _wrap
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_batched_grad=True requires check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _wrap(rng.uniform(-1, 1, o._data.shape).astype(
                o._data.dtype if o._data.dtype.kind in "fc" else np.float64), requires_grad=True)
            for o in _differentiable_outputs(func(*inputs)))
    else:
        grad_outputs = _as_tuple(grad_outputs)
    num_outputs = len(grad_outputs)
    diff_input_indices = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}

    def gradient(*args):
        input_args = args[:len(args) - num_outputs]
        outputs = _differentiable_outputs(func(*input_args))
        diff_args = [x for i, x in enumerate(input_args) if i in diff_input_indices]
        grads = grad(list(outputs), diff_args, list(args[len(args) - num_outputs:]),
                     create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(gradient, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev,
                     masked=masked)
