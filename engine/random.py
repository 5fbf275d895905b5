"""The engine's random number generator: one seeded numpy Generator (the only global state
besides the grad mode). Values differ from PyTorch's for the same seed; distributions match."""
from __future__ import annotations

import numpy as np


class Generator:
    """A seedable source of random numbers, like torch.Generator."""

    def __init__(self, seed: int = 0) -> None:
        self.manual_seed(seed)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self.np = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def __repr__(self) -> str:
        return f"<engine.random.Generator object at {id(self):#x}>"


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    return default_generator.manual_seed(seed)


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2 ** 63))
    default_generator.manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()


def _rng(generator) -> np.random.Generator:
    return (generator or default_generator).np


def uniform(shape, low=0.0, high=1.0, generator=None) -> np.ndarray:
    return _rng(generator).uniform(low, high, size=shape)


def normal(shape, mean=0.0, std=1.0, generator=None) -> np.ndarray:
    return _rng(generator).normal(mean, std, size=shape)


def integers(low, high, shape, generator=None) -> np.ndarray:
    return _rng(generator).integers(low, high, size=shape, dtype=np.int64)


def permutation(n: int, generator=None) -> np.ndarray:
    return _rng(generator).permutation(n).astype(np.int64)
