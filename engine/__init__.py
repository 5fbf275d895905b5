"""GradStudio's autograd engine. Its API follows PyTorch's, so `import engine as torch`
runs PyTorch tutorial code unchanged (on the CPU, in float32 by default)."""
from __future__ import annotations

import numpy as _np

# PyTorch returns inf/nan silently (1/0, log(0)); numpy would warn on every such op.
_np.seterr(divide="ignore", invalid="ignore", over="ignore", under="ignore")

from engine import _aliases, autograd

_aliases.install()  # `import torch.nn.functional` resolves to engine.nn.functional when torch is the engine
from engine._tensor_str import set_printoptions
from engine.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine.creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,
                             full_like, get_default_device, linspace, logspace, multinomial, normal, ones,
                             ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm,
                             set_default_device, tensor, zeros, zeros_like)
from engine.dtypes import (bool, double, dtype, float, float16, float32, float64, get_default_dtype,  # noqa: A004
                           half, int, int32, int64, long, set_default_dtype, uint8)
from engine.functional import einsum, meshgrid
from engine.ops import arithmetic as _ar
from engine.ops import elementwise as _el
from engine.ops import linalg as _la
from engine.ops import reduction as _red
from engine.ops import shape as _sh
from engine.ops.activation import log_softmax, softmax
from engine.ops.copies import clone
from engine.ops.joining import cat, concat, stack
from engine.ops.selection import (argsort, gather, index_select, masked_fill, nonzero, scatter_add, sort, topk,
                                  tril, triu)
from engine.ops.statistics import amax, amin, logsumexp, std, var
from engine.random import Generator, initial_seed, manual_seed, seed
from engine.tensor import Size, Tensor, device

# functions that mirror Tensor methods: torch.exp(x), torch.sum(x, dim=0), ...
globals().update(_el.FUNCTIONS)  # the elementwise table's rows: add, mul, sin, tanh, ...
pow, square, maximum, minimum, where = _ar.pow, _ar.square, _ar.maximum, _ar.minimum, _ar.where
clamp = clip = _el.clamp
sum, mean, max, min = _red.sum, _red.mean, _red.max, _red.min  # noqa: A001
argmax, argmin, cumsum, norm = _red.argmax, _red.argmin, _red.cumsum, _red.norm
mm, mv, dot, matmul, bmm = _la.mm, _la.mv, _la.dot, _la.matmul, _la.bmm
reshape, flatten, squeeze, unsqueeze = _sh.reshape, _sh.flatten, _sh.squeeze, _sh.unsqueeze
transpose, permute, t, broadcast_to = _sh.transpose, _sh.permute, _sh.t, _sh.broadcast_to

inference_mode = no_grad


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(t: Tensor) -> int:
    return t.numel()


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return a.allclose(b, rtol, atol, equal_nan)


def equal(a, b) -> bool:
    return a.equal(b)


def __getattr__(name):
    # submodules that build on the whole engine load on first use
    if name in ("nn", "optim", "distributions", "kernels", "compile",  # compile: a callable package
                "utils", "cuda", "backends", "accelerator"):
        import importlib
        return importlib.import_module(f"engine.{name}")
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
