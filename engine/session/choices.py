"""The choices a session offers — model kinds, activations, optimizers, losses, data sources — one
table each (key → label → builder), read by config validation, the models, the trainer, the editors
and the CLI. Adding an optimizer or an activation is one entry here."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import engine
from engine import nn, optim
from engine.session import models
from engine.session.config import ModelConfig, TrainingConfig
from engine.session.expression import parse_expression
from engine.session.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Choice:
    """One option: `key` is what configs and session files store, `label` what people read (English;
    shown through translate("choices", label) where it is translated), `build` makes the thing."""
    key: str
    label: str
    build: Callable | None = None


def _table(*choices: Choice) -> dict[str, Choice]:
    return {choice.key: choice for choice in choices}


class HalfSumSquaredError(nn.Module):
    """½·Σ(pred − y)², the loss of many autograd tutorials."""

    def forward(self, prediction, target):
        return 0.5 * ((prediction - target) ** 2).sum()


# activations are named as in code: their labels are never translated
ACTIVATIONS = _table(
    Choice("tanh", "tanh", nn.Tanh),
    Choice("relu", "ReLU", nn.ReLU),
    Choice("sigmoid", "sigmoid", nn.Sigmoid),
    Choice("linear", QT_TRANSLATE_NOOP("choices", "linear"), nn.Identity),   # no activation: a word, translated
)

# build(config, x_range, inputs, outputs) -> the model; x_range is the span of the training inputs (None:
# inputs already scaled, as 2-D features are); inputs/outputs are 1 and 1 but for 2-D data
MODEL_KINDS = _table(
    Choice("linear", QT_TRANSLATE_NOOP("choices", "Linear  w·x + b"),
           lambda config, x_range, inputs, outputs: models.LinearModel() if (inputs, outputs) == (1, 1)
           else nn.Linear(inputs, outputs)),
    Choice("polynomial", QT_TRANSLATE_NOOP("choices", "Polynomial"),
           lambda config, x_range, inputs, outputs: models.PolynomialModel(config.degree, x_range)),
    Choice("mlp", QT_TRANSLATE_NOOP("choices", "MLP (neural network)"),
           lambda config, x_range, inputs, outputs: models.MLP(tuple(config.hidden),
                                                               ACTIVATIONS[config.activation].build, x_range,
                                                               inputs, outputs)),
    Choice("expression", QT_TRANSLATE_NOOP("choices", "Custom expression"),
           lambda config, x_range, inputs, outputs: models.ExpressionModel(
               parse_expression(config.expression, allow_params=True), config.initial)),
)

# build(parameters, training config) -> the optimizer
OPTIMIZERS = _table(
    Choice("sgd", "SGD", lambda params, training: optim.SGD(params, lr=training.lr)),
    Choice("momentum", QT_TRANSLATE_NOOP("choices", "SGD with momentum"),
           lambda params, training: optim.SGD(params, lr=training.lr, momentum=training.momentum)),
    Choice("adam", "Adam", lambda params, training: optim.Adam(params, lr=training.lr)),
)

# build() -> the loss module
LOSSES = _table(
    Choice("mse", QT_TRANSLATE_NOOP("choices", "Mean squared error"), nn.MSELoss),
    Choice("half_sse", QT_TRANSLATE_NOOP("choices", "½ · sum of squared errors"), HalfSumSquaredError),
    Choice("bce_with_logits", QT_TRANSLATE_NOOP("choices", "Binary cross-entropy (BCEWithLogitsLoss)"),
           nn.BCEWithLogitsLoss),
    Choice("cross_entropy", QT_TRANSLATE_NOOP("choices", "Cross-entropy (CrossEntropyLoss)"), nn.CrossEntropyLoss),
)

# Playground's regularisation, over the weights (not the biases): rate·Σ|w| or rate·Σw²
REGULARIZATIONS = _table(
    Choice("none", QT_TRANSLATE_NOOP("choices", "None")),
    Choice("l1", "L1", lambda weight: weight.abs().sum()),
    Choice("l2", "L2", lambda weight: (weight * weight).sum()),
)

# the data itself is made by engine.session.data.make_dataset
DATA_SOURCES = _table(
    Choice("generated", QT_TRANSLATE_NOOP("choices", "Generated from an expression")),
    Choice("csv", QT_TRANSLATE_NOOP("choices", "CSV file")),
    Choice("shapes", QT_TRANSLATE_NOOP("choices", "2-D data set (classification, regression)")),   # datasets2d
)


def build_model(config: ModelConfig, x_range: tuple[float, float] | None, seed: int, inputs: int = 1,
                outputs: int = 1) -> nn.Module:
    """A freshly initialised model; the same seed gives the same initial parameters.

    `x_range` is the span of the training inputs: polynomial and MLP models rescale x from it
    to [-1, 1] so that one learning rate suits any data range (None: inputs already scaled).
    """
    if config.kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {config.kind!r}")
    engine.manual_seed(seed)
    return MODEL_KINDS[config.kind].build(config, x_range, inputs, outputs)


def build_optimizer(training: TrainingConfig, params: list) -> optim.Optimizer:
    return OPTIMIZERS[training.optimizer].build(params, training)


def build_loss(training: TrainingConfig) -> nn.Module:
    return LOSSES[training.loss].build()
