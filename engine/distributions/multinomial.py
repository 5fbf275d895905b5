"""Multinomial: counts of each of K classes in `total_count` independent draws."""
from __future__ import annotations

import numpy as np

from engine.distributions import constraints
from engine.distributions.categorical import Categorical
from engine.distributions.distribution import Distribution
from engine.distributions.utils import lgamma
from engine.tensor import Size, Tensor, _wrap

__all__ = ["Multinomial"]


class Multinomial(Distribution):
    """`Multinomial(10, torch.ones(6) / 6).sample((500,))`: 500 rows of 6 float counts, each
    row summing to 10. event_shape is (K,)."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    total_count: int

    def __init__(self, total_count: int = 1, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    def sample(self, sample_shape=Size()) -> Tensor:
        # as PyTorch: total_count categorical draws per sample, counted per category
        shape = tuple(self._extended_shape(sample_shape))
        k = shape[-1]
        samples = self._categorical.sample((self.total_count,) + tuple(sample_shape))._data
        samples = np.moveaxis(samples, 0, -1).reshape(-1, self.total_count)
        counts = np.zeros((samples.shape[0], k), dtype=np.int64)
        np.add.at(counts, (np.arange(samples.shape[0])[:, None], samples), 1)
        return _wrap(counts.reshape(shape).astype(self.probs._data.dtype))

    def log_prob(self, value: Tensor) -> Tensor:
        """log(n! / Π xᵢ!) + Σ xᵢ·logitsᵢ (the counts are constants; gradients reach the logits)."""
        if self._validate_args:
            self._validate_sample(value)
        v = value._data.astype(np.float64)
        dtype = self.logits._data.dtype
        log_coef = (lgamma(v.sum(-1) + 1) - lgamma(v + 1).sum(-1)).astype(dtype)
        # a -inf logit times a zero count contributes 0, not NaN
        logits = self.logits.clamp(min=float(np.finfo(dtype).min))
        return (logits * _wrap(v.astype(dtype))).sum(-1) + _wrap(log_coef)

    def entropy(self) -> Tensor:
        """n·H(categorical) − log n! + Σᵢ Σₖ Binomial(n, pᵢ)(k)·log k!."""
        n = self.total_count
        dtype = self.probs._data.dtype
        k = np.arange(1, n + 1, dtype=np.float64).reshape((-1,) + (1,) * len(self.probs.shape))
        p = self.probs.clamp(min=float(np.finfo(dtype).tiny))
        q = (1 - self.probs).clamp(min=float(np.finfo(dtype).tiny))
        log_binom = _wrap((lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)).astype(dtype))
        log_pmf = log_binom + _wrap(k.astype(dtype)) * p.log() + _wrap((n - k).astype(dtype)) * q.log()
        term2 = (log_pmf.exp() * _wrap(lgamma(k + 1).astype(dtype))).sum(0).sum(-1)
        return n * self._categorical.entropy() - float(lgamma(n + 1)) + term2
