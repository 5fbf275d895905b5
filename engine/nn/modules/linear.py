"""Linear (y = x Wᵀ + b) and Identity."""
from __future__ import annotations

import math

from engine import creation, random
from engine.nn.modules.module import Module, Parameter
from engine.ops import linalg
from engine.tensor import Tensor


class Identity(Module):
    """Returns its input; takes and ignores any arguments, as PyTorch's does."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x Wᵀ + b, initialised uniformly in ±1/√in_features as PyTorch does."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        np_dtype = creation._default(dtype)
        # reset_parameters: kaiming_uniform_(weight, a=sqrt(5)), then bias.uniform_(±1/sqrt(fan_in)),
        # with PyTorch's arithmetic for the bounds so the same seed gives the same weights
        gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
        w_bound = math.sqrt(3.0) * (gain / math.sqrt(in_features)) if in_features else 0.0
        b_bound = 1.0 / math.sqrt(in_features) if in_features else 0.0
        self.weight = Parameter(creation._finish(random.uniform(
            (out_features, in_features), -w_bound, w_bound, dtype=np_dtype).astype(np_dtype, copy=False)))
        self.bias = Parameter(creation._finish(random.uniform(
            (out_features,), -b_bound, b_bound, dtype=np_dtype).astype(np_dtype, copy=False))) if bias else None
        if not bias:
            self._parameters["bias"] = None

    def forward(self, x: Tensor) -> Tensor:
        return linalg.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
