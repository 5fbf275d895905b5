"""Probability distributions with PyTorch's API (torch.distributions), sampling from the
engine's RNG: `engine.manual_seed(s)` makes every draw below reproducible."""
from engine.distributions import constraints
from engine.distributions.bernoulli import Bernoulli
from engine.distributions.categorical import Categorical
from engine.distributions.distribution import Distribution
from engine.distributions.multinomial import Multinomial
from engine.distributions.normal import Normal
from engine.distributions.uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Multinomial", "Normal", "Uniform", "constraints"]
