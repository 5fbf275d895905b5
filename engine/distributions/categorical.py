"""Categorical: one of K classes, parameterised by probs or logits over the last dim."""
from __future__ import annotations

import numpy as np

from engine.distributions import constraints
from engine.distributions.distribution import Distribution, _rng
from engine.distributions.utils import lazy_property, logits_to_probs, logsumexp, probs_to_logits
from engine.ops import shape as _shape
from engine.tensor import Size, Tensor, _wrap

__all__ = ["Categorical"]


class Categorical(Distribution):
    """Integer samples in [0, K); batch_shape is the parameter's shape without its last dim."""
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logsumexp(logits, -1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = self._param.shape[:-1] if self._param.dim() > 1 else Size()
        super().__init__(batch_shape, validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> Size:
        return self._param.shape

    @property
    def mean(self) -> Tensor:
        return _wrap(np.full(self._extended_shape(), np.nan, dtype=self.probs._data.dtype))

    @property
    def variance(self) -> Tensor:
        return self.mean

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(dim=-1)

    def sample(self, sample_shape=Size()) -> Tensor:
        """Class indices (int64) of shape sample_shape + batch_shape: as PyTorch,
        multinomial(probs.reshape(-1, K), sample_shape.numel(), replacement=True).T."""
        shape = tuple(self._extended_shape(sample_shape))
        probs_2d = self.probs._data.reshape(-1, self._num_events)
        n = int(np.prod(tuple(sample_shape), dtype=np.int64))
        samples_2d = _rng().multinomial(probs_2d, n, True).T
        return _wrap(np.ascontiguousarray(samples_2d).reshape(shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        v = np.asarray(value._data if isinstance(value, Tensor) else value).astype(np.int64)
        logits = self.logits
        shape = np.broadcast_shapes(v.shape, tuple(logits.shape[:-1]))
        k = self._num_events
        flat = _shape.expand(logits, *shape, k).reshape(-1, k)
        picked = np.broadcast_to(v, shape).reshape(-1)
        return flat[np.arange(picked.size), picked].reshape(shape)

    def entropy(self) -> Tensor:
        logits = self.logits.clamp(min=float(np.finfo(self.logits._data.dtype).min))
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = np.arange(self._num_events, dtype=np.int64).reshape((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = np.broadcast_to(values, (self._num_events,) + tuple(self._batch_shape)).copy()
        return _wrap(values)
