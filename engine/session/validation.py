"""Checking a session's settings: every invalid field, each named with an actionable message."""
from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from engine.session.choices import ACTIVATIONS, DATA_SOURCES, LOSSES, MODEL_KINDS, OPTIMIZERS
from engine.session.choices import REGULARIZATIONS
from engine.session.config import (LR_MUST_BE_POSITIVE, MAX_CLASSES, MAX_DEGREE, MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH,
                                   MAX_POINTS, MAX_SEED, MAX_STEPS, MAX_TEST_FRACTION, MIN_POINTS, PROBLEM_LOSSES,
                                   ConfigError, DataConfig, ModelConfig, SessionConfig, TrainingConfig, problem_of)
from engine.session.datasets2d import DATA_SHAPES, FEATURES, MAX_NOISE
from engine.session.data import read_csv_columns
from engine.session.expression import ExpressionError, parse_expression
from engine.session.i18n import QT_TRANSLATE_NOOP, translate
from engine.session.models import reserved_parameter_names

# Words of the messages, translated where they are used.
_SEED = QT_TRANSLATE_NOOP("config", "the seed")
_BATCH_SIZE = QT_TRANSLATE_NOOP("config", "the batch size")


def validate(config: SessionConfig) -> list[ConfigError]:
    """Every invalid field of `config` (only the fields the chosen kind and source use); [] when valid."""
    try:
        return [*_check_model(config.model), *_check_data(config.data), *_check_training(config.training),
                *_check_problem(config)]
    except Exception as error:  # noqa: BLE001 - validation must never take the caller down
        return [ConfigError("session", translate("config", "could not check the settings: {0}").format(error))]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _is_finite(value: Any) -> bool:
    return _is_real(value) and math.isfinite(value)


def _choice(field: str, value: Any, choices: tuple[str, ...], what: str) -> Iterator[ConfigError]:
    if value not in choices:
        yield ConfigError(field, translate("config", "unknown {0} {1}; choose one of: {2}")
                          .format(translate("config", what), repr(value), ", ".join(choices)))


def _int_in_range(field: str, value: Any, low: int, high: int, what: str) -> Iterator[ConfigError]:
    if not _is_int(value) or not low <= value <= high:
        yield ConfigError(field, translate("config", "{0} must be a whole number from {1} to {2}")
                          .format(translate("config", what), low, f"{high:,}"))


def _expression(field: str, text: Any, allow_params: bool):
    """The parsed expression, or the ConfigError that says where it is wrong."""
    try:
        return parse_expression(text, allow_params=allow_params)
    except ExpressionError as error:
        return ConfigError(field, error.message, error.position)


def _check_model(model: ModelConfig) -> Iterator[ConfigError]:
    yield from _choice("model.kind", model.kind, tuple(MODEL_KINDS), QT_TRANSLATE_NOOP("config", "model kind"))
    if model.kind == "polynomial":
        yield from _int_in_range("model.degree", model.degree, 1, MAX_DEGREE, QT_TRANSLATE_NOOP("config", "the degree"))
    elif model.kind == "mlp":
        hidden = model.hidden
        if not isinstance(hidden, (tuple, list)) or not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS:
            yield ConfigError("model.hidden", translate("config", "give 1 to {0} hidden layer sizes").format(MAX_HIDDEN_LAYERS))
        elif not all(_is_int(size) and 1 <= size <= MAX_LAYER_WIDTH for size in hidden):
            yield ConfigError("model.hidden",
                              translate("config", "each hidden layer needs 1 to {0} units").format(MAX_LAYER_WIDTH))
        yield from _choice("model.activation", model.activation, tuple(ACTIVATIONS),
                           QT_TRANSLATE_NOOP("config", "activation"))
    elif model.kind == "expression":
        yield from _check_expression_model(model)


def _check_expression_model(model: ModelConfig) -> Iterator[ConfigError]:
    parsed = _expression("model.expression", model.expression, allow_params=True)
    if isinstance(parsed, ConfigError):
        yield parsed
        return
    if not parsed.params:
        yield ConfigError("model.expression", translate("config", "the expression has no parameters to train; "
                                                                  "use names such as a and b, as in a * x + b"))
    reserved = reserved_parameter_names()
    for name, position in parsed.param_positions.items():
        if name in reserved:
            yield ConfigError("model.expression", translate("config", "'{0}' is a reserved name; rename this "
                                                                      "parameter at column {1}")
                              .format(name, position + 1), position)
    if not isinstance(model.initial, Mapping):
        yield ConfigError("model.initial", translate("config", "initial values must map parameter names to numbers"))
        return
    for name in parsed.params:
        if name in model.initial and not _is_finite(model.initial[name]):
            yield ConfigError("model.initial",
                              translate("config", "the initial value of '{0}' must be a finite number").format(name))


def _check_data(data: DataConfig) -> Iterator[ConfigError]:
    yield from _choice("data.source", data.source, tuple(DATA_SOURCES), QT_TRANSLATE_NOOP("config", "data source"))
    if data.source == "generated":
        yield from _check_generated(data)
    elif data.source == "csv":
        yield from _check_csv(data)
    elif data.source == "shapes":
        yield from _check_shapes(data)
    if not _is_finite(data.test_fraction) or not 0 <= data.test_fraction <= MAX_TEST_FRACTION:
        yield ConfigError("data.test_fraction", translate("config", "the test fraction must be a number from 0 to {0}")
                          .format(MAX_TEST_FRACTION))


def _check_generated(data: DataConfig) -> Iterator[ConfigError]:
    truth = _expression("data.truth", data.truth, allow_params=False)
    if isinstance(truth, ConfigError):
        yield truth
    if not _is_finite(data.noise_std) or data.noise_std < 0:
        yield ConfigError("data.noise_std", translate("config", "the noise standard deviation must be a number ≥ 0"))
    range_ok = _is_finite(data.x_min) and _is_finite(data.x_max) and data.x_min < data.x_max
    if not (_is_finite(data.x_min) and _is_finite(data.x_max)):
        yield ConfigError("data.x_min" if not _is_finite(data.x_min) else "data.x_max",
                          translate("config", "the x range must be finite numbers"))
    elif not range_ok:
        yield ConfigError("data.x_max", translate("config", "the end of the x range must be greater than its start"))
    yield from _int_in_range("data.n_points", data.n_points, MIN_POINTS, MAX_POINTS,
                                 QT_TRANSLATE_NOOP("config", "the number of points"))
    yield from _int_in_range("data.seed", data.seed, 0, MAX_SEED, _SEED)
    if _is_int(data.n_points) and MIN_POINTS <= data.n_points <= MAX_POINTS:
        yield from _int_in_range("data.batch_size", data.batch_size, 1, data.n_points, _BATCH_SIZE)
    if range_ok and not isinstance(truth, ConfigError):
        grid = np.linspace(data.x_min, data.x_max, 1001)
        bad = ~np.isfinite(truth.evaluate_numpy(grid))
        if bad.any():
            yield ConfigError("data.truth", translate("config", "the ground truth is not a finite number at x = {0}; "
                                                                "change the expression or the x range")
                              .format(f"{grid[bad][0]:.4g}"))


def _check_csv(data: DataConfig) -> Iterator[ConfigError]:
    if not isinstance(data.csv_path, str) or not data.csv_path.strip():
        yield ConfigError("data.csv_path", translate("config", "choose a CSV file"))
        return
    if not os.path.isfile(data.csv_path):
        yield ConfigError("data.csv_path", translate("config", "no file at {0}").format(data.csv_path))
        return
    for name, column, axis in (("data.x_column", data.x_column, "x"), ("data.y_column", data.y_column, "y")):
        if not isinstance(column, str) or not column.strip():
            yield ConfigError(name, translate("config", "choose the column that holds {0}").format(axis))
    if not (data.x_column and data.y_column):
        return
    try:
        x, _ = read_csv_columns(data.csv_path, data.x_column, data.y_column)
    except ConfigError as error:
        yield error
        return
    yield from _int_in_range("data.batch_size", data.batch_size, 1, len(x), _BATCH_SIZE)


def _check_training(training: TrainingConfig) -> Iterator[ConfigError]:
    yield from _choice("training.optimizer", training.optimizer, tuple(OPTIMIZERS),
                       QT_TRANSLATE_NOOP("config", "optimizer"))
    if not _is_finite(training.lr) or training.lr <= 0:
        yield ConfigError("training.lr", translate("config", LR_MUST_BE_POSITIVE))
    if training.optimizer == "momentum" and (not _is_finite(training.momentum) or not 0 <= training.momentum < 1):
        yield ConfigError("training.momentum", translate("config", "momentum must be at least 0 and less than 1"))
    if training.steps is not None and (not _is_int(training.steps) or not 1 <= training.steps <= MAX_STEPS):
        yield ConfigError("training.steps", translate("config", "the number of steps must be a whole number from 1 "
                                                                   "to {0} (or none, to run until stopped)")
                          .format(f"{MAX_STEPS:,}"))
    yield from _choice("training.loss", training.loss, tuple(LOSSES), QT_TRANSLATE_NOOP("config", "loss"))
    yield from _choice("training.regularization", training.regularization, tuple(REGULARIZATIONS),
                       QT_TRANSLATE_NOOP("config", "regularization"))
    if not _is_finite(training.regularization_rate) or training.regularization_rate < 0:
        yield ConfigError("training.regularization_rate",
                          translate("config", "the regularization rate must be a finite number ≥ 0"))
    yield from _int_in_range("training.seed", training.seed, 0, MAX_SEED, _SEED)


def _check_shapes(data: DataConfig) -> Iterator[ConfigError]:
    yield from _choice("data.shape", data.shape, tuple(DATA_SHAPES), QT_TRANSLATE_NOOP("config", "data set"))
    if data.shape in DATA_SHAPES and DATA_SHAPES[data.shape].any_classes:
        yield from _int_in_range("data.classes", data.classes, 2, MAX_CLASSES,
                                 QT_TRANSLATE_NOOP("config", "the number of classes"))
    if not _is_finite(data.noise) or not 0 <= data.noise <= MAX_NOISE:
        yield ConfigError("data.noise", translate("config", "the noise must be a number from 0 to {0}").format(MAX_NOISE))
    features = data.features
    if not isinstance(features, (tuple, list)) or not features:
        yield ConfigError("data.features", translate("config", "choose at least one input feature"))
    else:
        for name in features:
            if name not in FEATURES:
                yield ConfigError("data.features", translate("config", "unknown feature {0}; choose from: {1}")
                                  .format(repr(name), ", ".join(FEATURES)))
        if len(set(map(str, features))) != len(features):
            yield ConfigError("data.features", translate("config", "each feature may be chosen once"))
    yield from _int_in_range("data.n_points", data.n_points, MIN_POINTS, MAX_POINTS,
                             QT_TRANSLATE_NOOP("config", "the number of points"))
    yield from _int_in_range("data.seed", data.seed, 0, MAX_SEED, _SEED)
    if _is_int(data.n_points) and MIN_POINTS <= data.n_points <= MAX_POINTS and _is_finite(data.test_fraction):
        n_train = data.n_points - min(int(data.n_points * min(max(data.test_fraction, 0), 1)), data.n_points - 1)
        yield from _int_in_range("data.batch_size", data.batch_size, 1, n_train, _BATCH_SIZE)


def _check_problem(config: SessionConfig) -> Iterator[ConfigError]:
    """What must agree across sections: the loss with the problem, the model with 2-D inputs."""
    problem = problem_of(config.data)
    losses = PROBLEM_LOSSES[problem]
    if config.training.loss in LOSSES and config.training.loss not in losses:
        yield ConfigError("training.loss", translate("config", "this data asks for {0}; its loss is one of: {1}")
                          .format(translate("config", _PROBLEM_WORDS[problem]), ", ".join(losses)))
    if config.data.source == "shapes" and config.model.kind not in ("linear", "mlp"):
        yield ConfigError("model.kind", translate("config", "a 2-D data set trains a linear model or an MLP; "
                                                            "polynomials and expressions take one input x"))


_PROBLEM_WORDS = {"regression": QT_TRANSLATE_NOOP("config", "regression"),
                  "binary": QT_TRANSLATE_NOOP("config", "binary classification"),
                  "multiclass": QT_TRANSLATE_NOOP("config", "multi-class classification")}
