"""The trainable models of a session as engine modules (built from a ModelConfig by
engine.session.choices.build_model).

Every model maps x of shape (batch, inputs) to outputs of shape (batch, outputs): (batch, 1) to
(batch, 1) for 1-D regression, as `nn.Linear(1, 1)` does in the PyTorch regression tutorials; the
chosen features of 2-D points to one value (regression, a binary logit) or one logit per class.
"""
from __future__ import annotations

from collections.abc import Callable

import engine
from engine import nn
from engine.session.expression import ParsedExpression

DEFAULT_INITIAL_VALUE = 1.0


def _uniform(*shape: int, bound: float = 1.0) -> nn.Parameter:
    return nn.Parameter((engine.rand(*shape) * 2.0 - 1.0) * bound)


class _InputScaling:
    """Maps x in [low, high] to u in [-1, 1]."""

    def __init__(self, x_range: tuple[float, float]) -> None:
        low, high = float(x_range[0]), float(x_range[1])
        self.center = (low + high) / 2.0
        self.half_width = (high - low) / 2.0 if high > low else 1.0

    def __call__(self, x):
        return (x - self.center) / self.half_width


class LinearModel(nn.Module):
    """y = w·x + b, with `nn.Linear(1, 1)`'s shapes and initialisation."""

    def __init__(self) -> None:
        super().__init__()
        self.w = _uniform(1, 1)
        self.b = _uniform(1)

    def forward(self, x):
        return self.w * x + self.b


class PolynomialModel(nn.Module):
    """y = c0 + c1·u + … + ck·u^k with u = x rescaled to [-1, 1] (Horner's scheme)."""

    def __init__(self, degree: int, x_range: tuple[float, float]) -> None:
        super().__init__()
        self.degree = degree
        self.scale = _InputScaling(x_range)
        for power in range(degree + 1):
            self.register_parameter(f"c{power}", _uniform())

    def forward(self, x):
        u = self.scale(x)
        coefficients = self._parameters
        y = coefficients[f"c{self.degree}"]
        for power in range(self.degree - 1, -1, -1):
            y = y * u + coefficients[f"c{power}"]
        return y


class MLP(nn.Module):
    """Linear layers with an activation between them, on x rescaled to [-1, 1]."""

    def __init__(self, hidden: tuple[int, ...], activation: Callable[[], nn.Module],
                 x_range: tuple[float, float] | None, inputs: int = 1, outputs: int = 1) -> None:
        super().__init__()
        self.scale = _InputScaling(x_range) if x_range is not None else None
        sizes = (inputs, *hidden)
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), activation()]
        layers.append(nn.Linear(sizes[-1], outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(self.scale(x) if self.scale is not None else x)


class ExpressionModel(nn.Module):
    """A user's formula in x with named scalar parameters, such as a * sin(w * x) + c."""

    def __init__(self, expression: ParsedExpression, initial: dict[str, float]) -> None:
        super().__init__()
        self.expression = expression
        for name in expression.params:
            value = float(initial.get(name, DEFAULT_INITIAL_VALUE))
            self.register_parameter(name, nn.Parameter(engine.tensor(value)))
        self._values = {name: self._parameters[name] for name in expression.params}

    def forward(self, x):
        return self.expression.evaluate_tensor(x, self._values)


def reserved_parameter_names() -> frozenset[str]:
    """Names an expression parameter cannot have: they are a Module's own attributes."""
    return frozenset(name for name in dir(nn.Module()) if not name.startswith("_")) | {"expression"}
