"""The numba kernels against their numpy twins, and the dispatch and warmup around them."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import kernels
from engine.kernels import dispatch

REPO = Path(__file__).resolve().parents[2]
DTYPES = (np.float32, np.float64)
RTOL = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module")
def warm():
    if not dispatch.numba_enabled():
        pytest.skip("GRADSTUDIO_NUMBA=0")
    kernels.warmup(background=False)
    return kernels


def arr(shape, dtype, seed=0, layout="C"):
    """A random array of shape; layout "F" is Fortran-ordered, "strided" a non-contiguous view."""
    rng = np.random.default_rng(seed)
    if layout == "F":
        return np.asfortranarray(rng.standard_normal(shape).astype(dtype))
    if layout == "strided":
        return rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)[..., ::2]
    return np.asarray(rng.standard_normal(shape).astype(dtype))


def assert_same(got, want, dtype):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype == dtype
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=RTOL[dtype])


ELEMENTWISE = ("tanh_backward", "sigmoid_backward", "relu_backward")
SHAPES = [(), (1,), (7,), (3, 5), (2, 3, 4), (64, 33)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_numba_matches_twin(warm, name, shape, dtype):
    kernel = kernels.get(name)
    layouts = ("C", "F") if len(shape) > 1 else ("C",)
    for layout in layouts:
        g, x = arr(shape, dtype, 1, layout), arr(shape, dtype, 2, layout)
        assert_same(kernel.numba(g, x), kernel.numpy(g, x), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_other_layouts_fall_back_to_twin(warm, monkeypatch, name, dtype):
    kernel = kernels.get(name)
    monkeypatch.setattr(kernel, "min_size", 0)
    g, x = arr((6, 5), dtype, 1, "strided"), arr((6, 5), dtype, 2)
    with pytest.raises(ValueError, match="does not take"):
        kernel.numba(g, x)
    assert_same(kernel(g, x), kernel.numpy(g, x), dtype)
    assert_same(kernel(g, x[0]), kernel.numpy(g, x[0]), dtype)  # broadcasting


def test_relu_backward_selects_like_pytorch_threshold_backward(warm):
    # where x <= 0 the gradient is +0 (never -0, and a NaN in g does not leak through)
    g = np.array([np.nan, np.nan, 1.0, -2.0], np.float32)
    x = np.array([-1.0, 1.0, np.nan, -3.0], np.float32)
    expected = np.array([0.0, np.nan, 0.0, 0.0], np.float32)
    for out in (kernels.relu_backward.numba(g, x), kernels.relu_backward.numpy(g, x)):
        np.testing.assert_array_equal(out, expected)
        assert not np.signbit(out[3])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (5,), (4, 3), (64, 10)])
def test_mse_forward_backward_numba_matches_twin(warm, shape, dtype):
    kernel = kernels.mse_forward_backward
    layouts = ("C", "F") if len(shape) > 1 else ("C",)
    for layout in layouts:
        pred, target = arr(shape, dtype, 1, layout), arr(shape, dtype, 2, layout)
        scale = 1.0 / max(pred.size, 1)
        loss, grad = kernel.numba(pred, target, scale)
        want_loss, want_grad = kernel.numpy(pred, target, scale)
        assert loss.shape == ()
        assert_same(loss, want_loss, dtype)
        assert_same(grad, want_grad, dtype)
        np.testing.assert_allclose(want_loss, scale * np.sum((pred - target) ** 2), rtol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_mse_forward_backward_strided_falls_back(warm, dtype):
    pred, target = arr((5, 4), dtype, 1, "strided"), arr((5, 4), dtype, 2)
    loss, grad = kernels.mse_forward_backward(pred, target, np.float64(0.05))
    want_loss, want_grad = kernels.mse_forward_backward.numpy(pred, target, 0.05)
    assert_same(loss, want_loss, dtype)
    assert_same(grad, want_grad, dtype)


SUM_TO = [  # (gradient shape, input shape); one run of summed axes goes to numba
    ((5,), ()),
    ((4, 3), (3,)),
    ((4, 3), (1, 3)),
    ((4, 3), (4, 1)),
    ((4, 3), ()),
    ((4, 3), (1, 1)),
    ((2, 3, 4), (3, 4)),
    ((2, 3, 4), (2, 1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 3, 4), (2, 1, 1)),
    ((2, 1, 4), (1, 4)),
    ((100, 2), (100, 1)),
    ((64, 40), (40,)),
]
SUM_TO_TWIN_ONLY = [  # several separate runs of summed axes: numpy
    ((2, 3, 4), (1, 3, 1)),
    ((2, 3, 4), (3, 1)),
    ((2, 3, 4, 5), (3, 1, 5)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("g_shape, shape", SUM_TO)
def test_sum_to_numba_matches_twin(warm, g_shape, shape, dtype):
    g = arr(g_shape, dtype)
    got = kernels.sum_to.numba(g, shape)
    assert_same(got, kernels.sum_to.numpy(g, shape), dtype)
    assert_same(got, np.sum(g, axis=tuple(range(g.ndim - len(shape))), dtype=dtype).sum(
        axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True
    ).reshape(shape), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("g_shape, shape", SUM_TO_TWIN_ONLY + [((4, 3), (3,))])
def test_sum_to_other_patterns_and_layouts_use_twin(warm, monkeypatch, g_shape, shape, dtype):
    monkeypatch.setattr(kernels.sum_to, "min_size", 0)
    for layout in ("C", "F", "strided"):
        g = arr(g_shape, dtype, layout=layout)
        assert_same(kernels.sum_to(g, shape), kernels.sum_to.numpy(g, shape), dtype)


def test_sum_to_same_shape_returns_the_gradient_itself(warm):
    g = arr((3, 4), np.float32)
    assert kernels.sum_to(g, (3, 4)) is g


def test_sum_to_rejects_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="larger shape"):
        kernels.sum_to(np.ones(3), (2, 3))
    with pytest.raises(ValueError, match=r"cannot sum a gradient of shape \(4, 2\) to shape \(4,\)"):
        kernels.sum_to(np.ones((4, 2)), (4,))


def test_summed_block_finds_one_run_of_summed_axes():
    assert dispatch.summed_block((2, 3, 4), (3, 4)) == (1, 2, 12)
    assert dispatch.summed_block((2, 3, 4), (2, 1, 4)) == (2, 3, 4)
    assert dispatch.summed_block((2, 3, 4), (2, 3, 1)) == (6, 4, 1)
    assert dispatch.summed_block((2, 3, 4), ()) == (1, 24, 1)
    assert dispatch.summed_block((2, 3, 4), (1, 3, 1)) is None
    assert dispatch.summed_block((2, 3), (2, 3)) is None
    assert dispatch.summed_block((2, 3), (5,)) is None


OPTIMIZER_SHAPES = [(), (7,), (4, 3), (64, 33)]


def run_sgd(fn, shape, dtype, layout):
    param, grad, buf = (arr(shape, dtype, seed, layout) for seed in (1, 2, 3))
    for _ in range(3):
        fn(param, grad, buf, 0.1, 0.9)
    return param, buf


def run_adam(fn, shape, dtype, layout):
    param, grad, m = (arr(shape, dtype, seed, layout) for seed in (1, 2, 3))
    v = arr(shape, dtype, 4, layout)
    np.abs(v, out=v)
    for step in (1, 2, 3):
        fn(param, grad, m, v, 1e-2, 0.9, 0.999, 1e-8, step)
    return param, m, v


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", OPTIMIZER_SHAPES)
@pytest.mark.parametrize("name, run", [("sgd_momentum_", run_sgd), ("adam_", run_adam)])
def test_optimizer_numba_matches_twin(warm, name, run, shape, dtype):
    kernel = kernels.get(name)
    layouts = ("C", "F") if len(shape) > 1 else ("C",)
    for layout in layouts:
        got, want = run(kernel.numba, shape, dtype, layout), run(kernel.numpy, shape, dtype, layout)
        for got_array, want_array in zip(got, want):
            assert_same(got_array, want_array, dtype)


@pytest.mark.parametrize("name, run", [("sgd_momentum_", run_sgd), ("adam_", run_adam)])
def test_optimizer_updates_strided_params_in_place(warm, monkeypatch, name, run):
    kernel = kernels.get(name)
    monkeypatch.setattr(kernel, "min_size", 0)
    got = run(kernel, (5, 3), np.float32, "strided")
    assert not got[0].flags.c_contiguous
    for g, w in zip(got, run(kernel.numpy, (5, 3), np.float32, "strided")):
        assert_same(g, w, np.float32)


def test_adam_matches_the_textbook_update():
    param, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    m, v = np.zeros(2), np.zeros(2)
    kernels.adam_.numpy(param, grad, m, v, 0.1, 0.9, 0.999, 1e-8, 1)
    # first step: m_hat = g, v_hat = g*g, so the step is lr * sign(g)
    np.testing.assert_allclose(param, [0.9, -2.1], rtol=1e-6)


def test_dispatch_uses_numba_only_from_min_size(warm, monkeypatch):
    kernel = kernels.tanh_backward
    twin_calls = []

    def counting_twin(*args):
        twin_calls.append(args)
        return kernels.numpy_twins.tanh_backward(*args)

    monkeypatch.setattr(kernel, "numpy", counting_twin)
    small = arr((kernel.min_size - 1,), np.float32)
    large = arr((kernel.min_size,), np.float32)
    kernel(small, small)
    assert len(twin_calls) == 1
    np.testing.assert_allclose(kernel(large, large), kernels.numpy_twins.tanh_backward(large, large))
    assert len(twin_calls) == 1


def test_odd_arguments_never_trigger_a_compile(warm, monkeypatch):
    for kernel in kernels.KERNELS.values():
        monkeypatch.setattr(kernel, "min_size", 0)
    readonly = arr((4, 4), np.float32)
    readonly.flags.writeable = False
    f32, f64, i64 = arr((4, 4), np.float32), arr((4, 4), np.float64), np.ones((4, 4), np.int64)
    pairs = [(readonly, f32), (f32, f64), (i64, i64), (f32, f32.astype(">f4")), (f32[:, ::2], f32[:, ::2])]
    for g, x in pairs:
        for name in ELEMENTWISE:
            np.testing.assert_allclose(kernels.get(name)(g, x), kernels.get(name).numpy(g, x))
        kernels.mse_forward_backward(g, x, 0.5)
        kernels.sum_to(g, g.shape[-1:])
    kernels.sgd_momentum_(f32, readonly, f32.copy(), 0.1, 0.9)
    kernels.adam_(f32, f64, f32.copy(), f32 * f32, 0.1, 0.9, 0.99, 1e-8, 1)
    for kernel in kernels.KERNELS.values():
        assert len(kernel.compiled.signatures) == 2, kernel.name


def test_warmup_marks_every_kernel_ready(warm):
    assert kernels.status() == {name: True for name in kernels.KERNELS}
    assert all(k.ready for k in kernels.KERNELS.values())
    thread = kernels.warmup()  # a second call compiles nothing new
    assert thread is None or not thread.is_alive()


def test_get_names_the_kernels_on_a_typo():
    assert kernels.get("adam_") is kernels.adam_
    with pytest.raises(KeyError, match="tanh_backward"):
        kernels.get("tanh_bakward")


def run_python(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_compiles_nothing_and_leaves_numba_unimported():
    out = run_python(
        "import sys, engine.kernels as k; print('numba' in sys.modules, any(k.status().values()))"
    )
    assert out == "False False"


def test_numba_off_by_environment_is_never_imported():
    code = """
import sys
import numpy as np
import engine.kernels as k
assert k.warmup() is None and k.warmup(background=False) is None
a = np.ones((64, 64), np.float32)
k.tanh_backward(a, a); k.sigmoid_backward(a, a); k.relu_backward(a, a)
k.mse_forward_backward(a, a, 0.5); k.sum_to(a, (64,))
k.sgd_momentum_(a, a.copy(), a.copy(), 0.1, 0.9)
k.adam_(a, a.copy(), a.copy(), a.copy(), 0.1, 0.9, 0.99, 1e-8, 1)
print('numba' in sys.modules, any(k.status().values()))
"""
    assert run_python(code, GRADSTUDIO_NUMBA="0") == "False False"


def test_background_warmup_returns_a_daemon_thread_and_flips_status():
    code = """
import engine.kernels as k
before = any(k.status().values())
thread = k.warmup()
print(before, thread.daemon, k.warmup() is thread)
thread.join()
print(all(k.status().values()))
"""
    if not dispatch.numba_enabled():
        pytest.skip("GRADSTUDIO_NUMBA=0")
    assert run_python(code).split() == ["False", "True", "True", "True"]


def test_numba_cache_dir_when_the_package_is_read_only(tmp_path):
    writable = tmp_path / "pkg"
    writable.mkdir()
    assert dispatch.numba_cache_dir(writable, {}) is None
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")  # mkdir of file/__pycache__ fails as a read-only dir would
    assert dispatch.numba_cache_dir(not_a_dir, {"XDG_CACHE_HOME": "/c"}) == "/c/gradstudio/numba"
    assert dispatch.numba_cache_dir(not_a_dir, {}).endswith(os.path.join(".cache", "gradstudio", "numba"))
    assert dispatch.numba_cache_dir(not_a_dir, {"NUMBA_CACHE_DIR": "/mine"}) is None
