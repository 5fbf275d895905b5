"""Uniform(low, high): continuous samples in [low, high), reparameterised (low + u·(high − low))."""
from __future__ import annotations

from numbers import Number

import numpy as np

from engine.distributions import constraints
from engine.distributions.distribution import Distribution, _rng
from engine.distributions.utils import broadcast_all
from engine.tensor import Size, Tensor, _wrap

__all__ = ["Uniform"]


class Uniform(Distribution):
    has_rsample = True

    @property
    def arg_constraints(self) -> dict:
        return {"low": constraints.less_than(self.high), "high": constraints.greater_than(self.low)}

    def __init__(self, low, high, validate_args: bool | None = None) -> None:
        self.low, self.high = broadcast_all(low, high)
        batch_shape = Size() if isinstance(low, Number) and isinstance(high, Number) else self.low.shape
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def mode(self) -> Tensor:
        return self.high * float("nan")

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.interval(self.low, self.high)

    def rsample(self, sample_shape=Size()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        u = _wrap(_rng().uniform(shape, dtype=self.low._data.dtype).astype(self.low._data.dtype, copy=False))
        return self.low + u * (self.high - self.low)

    def log_prob(self, value) -> Tensor:
        """−log(high − low) inside [low, high), −inf outside."""
        if self._validate_args:
            self._validate_sample(value)
        v = value._data if isinstance(value, Tensor) else np.asarray(value)
        inside = (self.low._data <= v) & (self.high._data > v)
        with np.errstate(divide="ignore"):
            outside = np.log(inside.astype(self.low._data.dtype))
        return _wrap(outside) - (self.high - self.low).log()

    def cdf(self, value) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(min=0, max=1)

    def icdf(self, value) -> Tensor:
        return value * (self.high - self.low) + self.low

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()
