"""Tests for engine._tensor_str: output must match PyTorch's repr character for character.

The literal tests run without torch (their expected strings were copied from
PyTorch 2.13's output); the table tests compare with a live ``repr(torch.tensor(...))``.
"""

import math

import numpy as np
import pytest

from engine import _tensor_str
from engine._tensor_str import get_printoptions, printoptions, set_printoptions, tensor_repr

# Dtypes PyTorch leaves out of the repr (default float dtype, int64, bool).
DEFAULT_DTYPES = {np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_)}


def ours(data, suffixes=()):
    data = np.asarray(data)
    return tensor_repr(
        data,
        dtype_name=f"torch.{data.dtype.name}",  # numpy and torch share these names
        default_dtype=data.dtype in DEFAULT_DTYPES,
        suffixes=list(suffixes),
    )


@pytest.fixture(autouse=True)
def _restore_print_options():
    """Print options are global state, in torch and here; reset both after each test."""
    yield
    set_printoptions(profile="default")
    try:
        import torch
    except ImportError:
        return
    torch.set_printoptions(profile="default")


# --------------------------------------------------------------------------
# Torch-free tests: expected strings copied from PyTorch 2.13's actual output.
# --------------------------------------------------------------------------

LITERAL_CASES = [
    ("float_int_valued", np.array([7.0], np.float32), [], "tensor([7.])"),
    ("scalar_grad_fn", np.array(28.0, np.float32), ["grad_fn=<MulBackward0>"],
     "tensor(28., grad_fn=<MulBackward0>)"),
    ("requires_grad", np.arange(4, dtype=np.float32), ["requires_grad=True"],
     "tensor([0., 1., 2., 3.], requires_grad=True)"),
    ("sci_mode", np.array([1e-5, 1e5], np.float32), [], "tensor([1.0000e-05, 1.0000e+05])"),
    ("scalar_float", np.array(2.5, np.float32), [], "tensor(2.5000)"),
    ("scalar_int", np.array(3, np.int64), [], "tensor(3)"),
    ("bool", np.array([True, False]), [], "tensor([ True, False])"),
    ("empty_float64", np.array([], np.float64), [], "tensor([], dtype=torch.float64)"),
    ("empty_2d", np.zeros((0, 3), np.float32), [], "tensor([], size=(0, 3))"),
    ("empty_int64", np.array([], np.int64), [], "tensor([], dtype=torch.int64)"),
    ("empty_2d_int64", np.zeros((0, 3), np.int64), [],
     "tensor([], size=(0, 3), dtype=torch.int64)"),
    ("summarized", np.arange(2000, dtype=np.float32), [],
     "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
     "        1.9990e+03])"),
    ("3d_int", np.arange(12).reshape(2, 2, 3), [],
     "tensor([[[ 0,  1,  2],\n"
     "         [ 3,  4,  5]],\n"
     "\n"
     "        [[ 6,  7,  8],\n"
     "         [ 9, 10, 11]]])"),
    ("nan_inf_negzero", np.array([math.nan, math.inf, -math.inf, -0.0, 1.5], np.float32), [],
     "tensor([   nan,    inf,   -inf, -0.0000, 1.5000])"),
    ("negzero_int_mode", np.array([-0.0, 1.0, -2.0], np.float32), [], "tensor([-0.,  1., -2.])"),
    ("float64_requires_grad", np.array([1.0, 2.5]), ["requires_grad=True"],
     "tensor([1.0000, 2.5000], dtype=torch.float64, requires_grad=True)"),
    ("2d_alignment", np.array([[1.5, -2.25], [1000.0, 3.0]], np.float32), [],
     "tensor([[   1.5000,   -2.2500],\n"
     "        [1000.0000,    3.0000]])"),
    ("values_wrap", np.full(11, 2.4691356), ["grad_fn=<MulBackward0>"],
     "tensor([2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691,\n"
     "        2.4691, 2.4691], dtype=torch.float64, grad_fn=<MulBackward0>)"),
    ("suffixes_wrap", np.full(8, 2.4691356), ["grad_fn=<MulBackward0>"],
     "tensor([2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691, 2.4691],\n"
     "       dtype=torch.float64, grad_fn=<MulBackward0>)"),
]


@pytest.mark.parametrize(
    "data, suffixes, expected", [c[1:] for c in LITERAL_CASES], ids=[c[0] for c in LITERAL_CASES]
)
def test_literal(data, suffixes, expected):
    assert ours(data, suffixes) == expected


def test_literal_print_options():
    set_printoptions(precision=2)
    assert ours(np.array([1.12345], np.float32)) == "tensor([1.12])"
    set_printoptions(profile="default")
    assert ours(np.array([1.12345], np.float32)) == "tensor([1.1235])"
    # edgeitems=0 prints only "..." and adds the size, as PyTorch does.
    set_printoptions(edgeitems=0, threshold=5)
    assert (
        ours(np.arange(10, dtype=np.float32), ["requires_grad=True"])
        == "tensor([...], size=(10,), requires_grad=True)"
    )


def test_printoptions_context_and_sci_mode_reset():
    with printoptions(precision=1, sci_mode=True):
        assert get_printoptions()["precision"] == 1
        assert ours(np.array([2.0], np.float32)) == "tensor([2.0e+00])"
    assert get_printoptions() == {
        "precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None,
    }
    # Like torch.set_printoptions, any call without sci_mode resets it to automatic.
    set_printoptions(sci_mode=False)
    set_printoptions(precision=4)
    assert _tensor_str.PRINT_OPTS.sci_mode is None


# --------------------------------------------------------------------------
# Comparison with live PyTorch.
# --------------------------------------------------------------------------

RNG = np.random.default_rng(1234)


def _f32(x):
    return np.asarray(x, dtype=np.float32)


# (id, numpy data, how the torch tensor is made: None / "requires_grad" / "mul", print options)
COMPARE_CASES = [
    # 0-d
    ("0d_float", _f32(2.5), None, {}),
    ("0d_int_valued", _f32(-4.0), None, {}),
    ("0d_int", np.array(3), None, {}),
    ("0d_bool", np.array(True), None, {}),
    ("0d_float64", np.array(1 / 3), None, {}),
    ("0d_nan", _f32(math.nan), None, {}),
    ("0d_tiny", _f32(1e-7), None, {}),
    ("0d_mul", _f32(14.0), "mul", {}),
    ("0d_requires_grad", np.array(0.5), "requires_grad", {}),
    # 1-d
    ("1d_small", _f32([1.0, 2.5, -3.25]), None, {}),
    ("1d_int_valued", _f32([1, 2, 3]), None, {}),
    ("1d_zeros", _f32([0, 0, -0.0]), None, {}),
    ("1d_negzero_fixed", _f32([-0.0, 0.5]), None, {}),
    ("1d_mixed_magnitude", _f32([1e-5, 1.0, 1e5]), None, {}),
    ("1d_ratio_over_1000", _f32([0.5, 600.0]), None, {}),
    ("1d_ratio_1000", _f32([0.5, 500.0]), None, {}),
    ("1d_big_values", _f32([1e9, 2e9]), None, {}),
    ("1d_big_int_valued", _f32([1e8, 2.0]), None, {}),
    ("1d_nan_inf", _f32([math.nan, math.inf, -math.inf, 1.5, -2.0]), None, {}),
    ("1d_only_nonfinite", _f32([math.nan, math.inf]), None, {}),
    ("1d_nan_int_valued", _f32([math.nan, 2.0, -math.inf]), None, {}),
    ("1d_negatives", _f32(-np.linspace(0, 3, 7)), None, {}),
    ("1d_random", _f32(RNG.standard_normal(25)), None, {}),
    ("1d_random_wrap_sci", _f32(RNG.standard_normal(30) * 1e4), None, {}),
    ("1d_float64", np.array([0.1, 0.2, 0.30000000000000004]), None, {}),
    ("1d_float64_sci", np.array([1e-300, 1e300]), None, {}),
    ("1d_float16", np.array([0.1, 65504.0], np.float16), None, {}),
    ("1d_int", np.array([1, -20, 300]), None, {}),
    ("1d_int32", np.array([1, -20, 300], np.int32), None, {}),
    ("1d_uint8", np.array([0, 7, 255], np.uint8), None, {}),
    ("1d_bool", np.array([True, False, True]), None, {}),
    ("1d_long_int", np.arange(100) * 12345, None, {}),
    # empty
    ("empty_float32", _f32([]), None, {}),
    ("empty_float64", np.array([]), None, {}),
    ("empty_int64", np.array([], np.int64), None, {}),
    ("empty_bool", np.array([], np.bool_), None, {}),
    ("empty_0x3", np.zeros((0, 3), np.float32), None, {}),
    ("empty_2x0x4_float64", np.zeros((2, 0, 4)), None, {}),
    ("empty_requires_grad", _f32([]), "requires_grad", {}),
    # 2-d, 3-d, 4-d
    ("2d_small", _f32([[1, 2], [3, 4]]), None, {}),
    ("2d_random", _f32(RNG.standard_normal((4, 5))), None, {}),
    ("2d_wide_wraps", _f32(RNG.standard_normal((3, 15))), None, {}),
    ("2d_bool", RNG.random((3, 4)) < 0.5, None, {}),
    ("2d_float64_mul", RNG.standard_normal((3, 4)), "mul", {}),
    ("3d_float", _f32(RNG.standard_normal((2, 3, 4))), None, {}),
    ("3d_int", np.arange(24).reshape(2, 3, 4), None, {}),
    ("4d_float", _f32(np.arange(16).reshape(2, 2, 2, 2) / 3), None, {}),
    ("2d_single_column", _f32([[1e-3], [2.0]]), None, {}),
    # summarized (more than threshold elements)
    ("sum_1d_arange", np.arange(2000, dtype=np.float32), None, {}),
    ("sum_1d_int", np.arange(5000), None, {}),
    ("sum_1d_bool", np.arange(1500) % 3 == 0, None, {}),
    ("sum_2d", _f32(RNG.standard_normal((40, 40))), None, {}),
    ("sum_3d", _f32(RNG.standard_normal((12, 10, 12))), None, {}),
    ("sum_2d_narrow", _f32(RNG.standard_normal((1001, 1))), None, {}),
    ("sum_2d_requires_grad", RNG.standard_normal((50, 30)), "requires_grad", {}),
    # gradients / suffixes
    ("mul_1d", _f32([1.0, 2.0, 3.0]), "mul", {}),
    ("requires_grad_float64", np.array([1.0, 2.5]), "requires_grad", {}),
    ("suffix_wrap_float64", np.full(8, 1.2345678), "mul", {}),
    ("suffix_wrap_2d_float64", np.full((2, 8), 1.2345678), "requires_grad", {}),
    ("suffix_wrap_narrow_line", _f32([1.0, 2.0]), "mul", {"linewidth": 20}),
    # print options
    ("opt_precision_2", _f32([1.12345, 2.5]), None, {"precision": 2}),
    ("opt_precision_0", _f32([1.5, 2.5, 0.49]), None, {"precision": 0}),
    ("opt_sci_true", _f32([1.0, 2.5]), None, {"sci_mode": True}),
    ("opt_sci_false", _f32([1e-5, 1e5]), None, {"sci_mode": False}),
    ("opt_threshold_edgeitems", np.arange(20), None, {"threshold": 5, "edgeitems": 2}),
    ("opt_edgeitems_0_1d", _f32(np.arange(10)), "requires_grad", {"threshold": 5, "edgeitems": 0}),
    ("opt_edgeitems_0_2d", np.arange(20.0).reshape(4, 5), None, {"threshold": 5, "edgeitems": 0}),
    ("opt_linewidth_30", _f32(RNG.standard_normal(12)), None, {"linewidth": 30}),
    ("opt_linewidth_tiny", np.arange(5), None, {"linewidth": 5}),
    ("opt_profile_short", _f32(RNG.standard_normal((10, 10)) * 3), None, {"profile": "short"}),
    ("opt_profile_full", np.arange(1200), None, {"profile": "full"}),
]


def _torch_tensor(torch, data, mode):
    """The torch tensor and our suffixes for one table row."""
    if mode is None:
        return torch.tensor(data), []
    if mode == "requires_grad":
        return torch.tensor(data, requires_grad=True), ["requires_grad=True"]
    return torch.tensor(data, requires_grad=True) * 2, ["grad_fn=<MulBackward0>"]


@pytest.mark.parametrize(
    "data, mode, options", [c[1:] for c in COMPARE_CASES], ids=[c[0] for c in COMPARE_CASES]
)
def test_matches_torch(data, mode, options):
    torch = pytest.importorskip("torch")
    torch.set_printoptions(**options)
    set_printoptions(**options)
    t, suffixes = _torch_tensor(torch, data, mode)
    # Format the values torch holds (after "* 2" for grad_fn cases).
    assert ours(t.detach().numpy(), suffixes) == repr(t)


def test_long_custom_suffix_list_wraps_like_torch():
    """Suffix lists longer than torch ever makes still wrap where torch's code wraps them."""
    torch = pytest.importorskip("torch")
    suffixes = [
        "requires_grad=True",
        "grad_fn=<AddmmBackward0>",
        "name='a rather long parameter name'",
        "device='cpu'",
        "x=" + "y" * 90,
        "z=1",
    ]
    data = _f32(RNG.standard_normal((3, 6)))
    t = torch.tensor(data)
    expected = torch._tensor_str._add_suffixes(
        "tensor(" + torch._tensor_str._tensor_str(t, 7), suffixes, 7, False
    )
    assert ours(data, suffixes) == expected
    assert expected.count("\n") > 3  # the case really does wrap


def test_non_contiguous_input_matches_torch():
    torch = pytest.importorskip("torch")
    data = _f32(RNG.standard_normal((6, 7)))[::2, ::-3].T
    assert not data.flags.c_contiguous
    assert ours(data) == repr(torch.tensor(data.copy()))
