"""conv2d and max_pool2d (and their modules): backward against finite differences, and values,
gradients, node names, reprs and seeded initialisation against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.engine.helpers import check_grads, compare_behaviour, compare_with_torch

CONV_CASES = {
    "plain": dict(),
    "stride_padding": dict(stride=2, padding=1),
    "dilation": dict(dilation=2, padding=(1, 2)),
    "rectangular_stride": dict(stride=(2, 1)),
    "same": dict(padding="same"),
}


def _conv(options, bias=True):
    if bias:
        return lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, **options)
    return lambda T, x, w: T.nn.functional.conv2d(x, w, **options)


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize("name", sorted(CONV_CASES))
def test_conv2d_backward_matches_finite_differences(name):
    check_grads(lambda *xs: _conv(CONV_CASES[name])(engine, *xs), *_inputs((2, 2, 6, 5), (3, 2, 3, 3), (3,)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CONV_CASES))
def test_conv2d_matches_torch(name, dtype):
    # (float32 sums of many products differ in the last bits: values within tolerance, reprs not compared)
    compare_with_torch(_conv(CONV_CASES[name]), _inputs((2, 2, 6, 5), (3, 2, 3, 3), (3,)), dtype=dtype,
                       check_repr=dtype == np.float64)


def test_conv2d_without_bias_and_unbatched_match_torch():
    compare_with_torch(_conv({}, bias=False), _inputs((1, 2, 4, 4), (3, 2, 2, 2)), dtype=np.float64)
    compare_with_torch(_conv({"padding": 1}), _inputs((2, 5, 5), (4, 2, 3, 3), (4,)), dtype=np.float64)


@pytest.mark.parametrize("options", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                     dict(kernel_size=(2, 3), stride=1, dilation=(1, 2))])
def test_max_pool2d_matches_torch_and_finite_differences(options):
    fn = lambda T, x: T.nn.functional.max_pool2d(x, **options)  # noqa: E731
    x = _inputs((2, 3, 6, 7))
    check_grads(lambda t: fn(engine, t), *x)
    compare_with_torch(fn, x, dtype=np.float64)
    compare_with_torch(fn, x, dtype=np.float32)


def test_conv_modules_initialise_and_print_as_torch():
    def program(T):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Conv2d(1, 4, 3, padding=1), T.nn.ReLU(), T.nn.MaxPool2d(2),
                              T.nn.Conv2d(4, 2, (3, 2), stride=2, bias=False), T.nn.Flatten(), T.nn.Linear(2, 1))
        x = T.randn(2, 1, 8, 8)
        y = net(x)
        y.sum().backward()
        return [repr(net), net[0].weight, net[0].bias, y, net[3].weight.grad]

    compare_behaviour(program)


def test_conv2d_errors_match_torch():
    compare_behaviour(lambda T: T.nn.functional.conv2d(T.zeros(1, 3, 5, 5), T.zeros(2, 2, 3, 3)))


def test_differentiating_twice_through_conv2d_says_it_is_not_supported():
    x = engine.randn(1, 1, 4, 4, requires_grad=True)
    w = engine.randn(1, 1, 2, 2, requires_grad=True)
    (plain,) = engine.autograd.grad(engine.nn.functional.conv2d(x, w).pow(2).sum(), x)
    (gx,) = engine.autograd.grad(engine.nn.functional.conv2d(x, w).pow(2).sum(), x, create_graph=True)
    np.testing.assert_allclose(gx.detach().numpy(), plain.numpy(), rtol=1e-6)   # first order still right
    assert gx.grad_fn.name() == "ConvolutionBackwardBackward0"
    with pytest.raises(RuntimeError, match="differentiating twice through conv2d is not supported"):
        gx.sum().backward()
