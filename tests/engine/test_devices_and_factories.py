"""What CPU programs touch besides math: device names and the CUDA/MPS/accelerator queries as a
CPU-only PyTorch answers them, the default dtype, and factories with PyTorch's keywords."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.engine.helpers import compare_behaviour


def test_device_queries_answer_as_a_cpu_only_torch():
    def program(T):
        dev = "cuda" if T.cuda.is_available() else "cpu"
        cuda = T.device("cuda")
        return [dev, T.cuda.device_count(), T.backends.mps.is_available(), T.backends.mps.is_built(),
                T.accelerator.is_available(), T.accelerator.current_accelerator(), repr(cuda), str(cuda),
                cuda.type, cuda.index, repr(T.device("cuda:1")), str(T.device("cuda", 0)), T.device("cuda:0").index,
                T.device("cpu") == T.device("cpu"), T.device("cpu") == T.device("cuda"),
                T.zeros(2, device=dev).device == T.device("cpu"), T.cuda.manual_seed(0)]

    compare_behaviour(program)


@pytest.mark.parametrize("move", [
    lambda T: T.zeros(2).to("cuda"),
    lambda T: T.zeros(2).to(T.device("cuda", 0)),
    lambda T: T.zeros(2).cuda(),
    lambda T: T.zeros(2, device="cuda"),
    lambda T: T.ones(3).to(device="cuda:0"),
    lambda T: T.nn.Linear(2, 2).to("cuda"),
    lambda T: T.tensor([1.0], device="cuda"),
    lambda T: T.cuda.current_device(),
    lambda T: T.zeros(2).to("mps"),
    lambda T: T.device("banana"),
])
def test_using_a_missing_device_raises_torchs_error(move):
    compare_behaviour(move)


def test_default_dtype_changes_what_factories_and_floats_give():
    def program(T):
        before = T.get_default_dtype()
        T.set_default_dtype(T.float64)
        try:
            made = [T.tensor([1.5]), T.zeros(2), T.rand(1).dtype, T.arange(0.0, 2.0), T.full((1,), 2.0),
                    T.linspace(0, 1, 3), T.nn.Linear(1, 1).weight.dtype, T.tensor([2.0], dtype=T.float32),
                    T.get_default_dtype()]
        finally:
            T.set_default_dtype(before)
        return [before, made, T.zeros(1).dtype]

    compare_behaviour(program)
    compare_behaviour(lambda T: T.set_default_dtype(T.int64))


def test_factories_take_torchs_keywords():
    def program(T):
        T.manual_seed(1)
        a = T.normal(0, 1, (3, 2), requires_grad=True)
        b = T.normal(2.0, 0.5, size=(4,), dtype=T.float64)
        g = T.Generator().manual_seed(3)
        c = T.rand(2, 3, generator=g, dtype=T.float64, requires_grad=True)
        d = T.randn(size=(2,), generator=g)
        e = T.randint(0, 10, (5,), generator=g)
        f = T.randint(5, (3,))
        out = T.empty(0)
        T.zeros(2, 2, out=out)
        T.manual_seed(2)
        likes = [T.rand_like(c), T.randn_like(a), T.full_like(e, 7), T.empty_like(a).shape,
                 T.zeros_like(c, dtype=T.float32), T.ones_like(e, requires_grad=False)]
        return [a, b, c, d, e, f, out, likes, T.linspace(-1, 1, steps=5), T.arange(5, dtype=T.float32),
                T.eye(2, 3), T.randperm(6, generator=g), T.logspace(0, 2, steps=3)]

    compare_behaviour(program)


@pytest.mark.parametrize("start, end, steps", [(-1, 1, 5), (0, 1, 7), (-3.7, 2.2, 100), (-1, 1, 1000), (2, 2, 1)])
def test_linspace_is_torchs_to_the_last_bit(start, end, steps):
    torch = pytest.importorskip("torch")
    for dt, tdt in ((engine.float32, torch.float32), (engine.float64, torch.float64)):
        ours = engine.linspace(start, end, steps, dtype=dt)._data
        theirs = torch.linspace(start, end, steps, dtype=tdt).numpy()
        np.testing.assert_array_equal(ours, theirs)


def test_functions_take_torchs_keyword_names_and_out():
    def program(T):
        x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        y = T.ones(3, 2)
        out = T.empty(0)
        total = T.sum(x, 1, out=out)
        made = [T.matmul(input=x, other=y), T.sum(x, dim=1, keepdim=True), T.sum(input=x, dim=0),
                T.mean(x, dim=(0, 1)), T.add(input=x, other=x, alpha=2), T.mul(x, other=2.0),
                T.cat((x, x), dim=1), T.stack(tensors=[x, x], dim=0), T.where(x > 2, input=x, other=-x),
                T.where(x > 2), T.exp(x, out=T.empty(2, 3)), T.cat([x, x], out=T.empty(1)), total is out,
                out._version]
        return made

    compare_behaviour(program)
    compare_behaviour(lambda T: T.add(T.ones(2, requires_grad=True), 1, out=T.empty(2)))
