"""Normal(loc, scale): Gaussian samples, reparameterised (loc + ε·scale) so rsample is
differentiable in both parameters."""
from __future__ import annotations

import math
from numbers import Number

import numpy as np

from engine.distributions import constraints
from engine.distributions.distribution import Distribution, _rng
from engine.distributions.utils import broadcast_all
from engine.tensor import Size, Tensor, _wrap

__all__ = ["Normal"]


class Normal(Distribution):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args: bool | None = None) -> None:
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = Size() if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.shape
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def rsample(self, sample_shape=Size()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        eps = _wrap(_rng().normal(shape, dtype=self.loc._data.dtype).astype(self.loc._data.dtype, copy=False))
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value) -> Tensor:
        """Φ((value − loc)/scale), outside the graph (the engine has no erf op)."""
        if self._validate_args:
            self._validate_sample(value)
        v = value._data if isinstance(value, Tensor) else np.asarray(value)
        z = (v - self.loc._data) / (self.scale._data * math.sqrt(2))
        erf = np.vectorize(math.erf, otypes=[np.float64])(z)
        return _wrap((0.5 * (1 + erf)).astype(self.loc._data.dtype))

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
