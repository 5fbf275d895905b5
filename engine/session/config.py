"""What a training session is made of — model, data and training settings — and the dict form
the session JSON file is built on (checking them: engine/session/validation.py)."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.session.i18n import QT_TRANSLATE_NOOP, translate

SCHEMA_VERSION = 1

MAX_DEGREE = 10
MAX_HIDDEN_LAYERS = 6
MAX_LAYER_WIDTH = 1024
MIN_POINTS, MAX_POINTS = 2, 1_000_000
MAX_SEED = 2**32 - 1
MAX_STEPS = 2_000_000_000   # the Steps field's range: every value the validator accepts fits the form
LR_MUST_BE_POSITIVE = QT_TRANSLATE_NOOP("config", "the learning rate must be a finite number > 0")
MAX_CLASSES = 8
MAX_TEST_FRACTION = 0.9
# Which losses fit which problem (see `problem_of`); the first is the one a GUI switches to.
PROBLEM_LOSSES = {"regression": ("mse", "half_sse"), "binary": ("bce_with_logits",),
                  "multiclass": ("cross_entropy",)}


@dataclass
class ModelConfig:
    kind: str = "linear"  # "linear" | "polynomial" | "mlp" | "expression"
    degree: int = 3  # polynomial
    hidden: tuple[int, ...] = (16, 16)  # mlp
    activation: str = "tanh"  # mlp
    expression: str = "a * sin(w * x) + c"  # expression model
    initial: dict[str, float] = field(default_factory=dict)  # expression parameters' initial values; missing -> 1.0


@dataclass
class DataConfig:
    source: str = "generated"  # "generated" | "csv"
    truth: str = "2*x + 3"  # ground truth in x (generated)
    noise_std: float = 1.0
    x_min: float = 0.0
    x_max: float = 5.0
    n_points: int = 100
    seed: int = 0
    batch_size: int = 4
    csv_path: str = ""
    x_column: str = ""
    y_column: str = ""
    # source "shapes": a built-in 2-D data set; n_points, seed and batch_size apply as above
    shape: str = "circle"  # a key of datasets2d.DATA_SHAPES
    classes: int = 2  # spiral arms / gaussians for multi-class
    noise: float = 0.0  # Playground's noise, 0 to 0.5
    features: tuple[str, ...] = ("x1", "x2")  # keys of datasets2d.FEATURES, the model's inputs
    test_fraction: float = 0.0  # held out by a seeded split (any source)


@dataclass
class TrainingConfig:
    optimizer: str = "sgd"  # "sgd" | "momentum" | "adam"
    lr: float = 0.02
    momentum: float = 0.9
    steps: int | None = 500  # None = until stopped
    loss: str = "mse"  # "mse" | "half_sse" (½·Σ(pred−y)²) | "bce_with_logits" | "cross_entropy"
    seed: int = 0
    regularization: str = "none"  # "none" | "l1" | "l2": rate·Σ|w| or rate·Σw² over weights (not biases)
    regularization_rate: float = 0.0


@dataclass
class SessionConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    name: str = "Linear regression"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, with the schema version first."""
        sections = dataclasses.asdict(self)
        sections["model"]["hidden"] = list(self.model.hidden)
        sections["model"]["initial"] = dict(self.model.initial)
        sections["data"]["features"] = list(self.data.features)
        return {"schema": SCHEMA_VERSION, "name": self.name, "model": sections["model"],
                "data": sections["data"], "training": sections["training"]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionConfig:
        """The config stored by `to_dict`; missing settings take their defaults, unknown ones are errors.

        Keys at the top level other than the sections are ignored, so a session file can carry
        more (weights, history) beside them. Values are not checked here: call `validate`.
        """
        if not isinstance(data, Mapping):
            raise ConfigError("schema", translate("config", "a session must be a JSON object"))
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise ConfigError("schema", translate("config", "this session has schema version {0}; "
                                                            "this GradStudio reads version {1}")
                              .format(repr(schema), SCHEMA_VERSION))
        config = cls(model=_section(ModelConfig, data, "model"), data=_section(DataConfig, data, "data"),
                     training=_section(TrainingConfig, data, "training"))
        if "name" in data:
            config.name = data["name"]
        if isinstance(config.model.hidden, list):
            config.model.hidden = tuple(config.model.hidden)
        if isinstance(config.model.initial, Mapping):
            config.model.initial = dict(config.model.initial)
        if isinstance(config.data.features, list):
            config.data.features = tuple(config.data.features)
        return config


def _section(section_class: type, data: Mapping[str, Any], name: str):
    values = data.get(name, {})
    if not isinstance(values, Mapping):
        raise ConfigError(name, translate("config", "the '{0}' section must be a JSON object").format(name))
    known = {f.name for f in dataclasses.fields(section_class)}
    for key in values:
        if key not in known:
            raise ConfigError(f"{name}.{key}", translate("config", "unknown setting '{0}' in the {1} section")
                              .format(key, name))
    return section_class(**values)


class ConfigError(ValueError):
    """One invalid field: `field` is its dotted path ("data.noise_std"), `message` says what to fix,
    `position` is the 0-based column in an expression when known."""

    def __init__(self, field: str, message: str, position: int | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.position = position

    def __repr__(self) -> str:
        return f"ConfigError({self.field!r}, {self.message!r}, position={self.position!r})"


def problem_of(data: DataConfig) -> str:
    """"regression", "binary" or "multiclass": what the data asks the model to predict."""
    if data.source != "shapes":
        return "regression"
    from engine.session.datasets2d import DATA_SHAPES

    spec = DATA_SHAPES.get(data.shape)
    if spec is None or spec.problem == "regression":
        return "regression"
    return "multiclass" if spec.any_classes and data.classes != 2 else "binary"


def input_size(data: DataConfig) -> int:
    """How many numbers the model takes per example: 1 (x), or the chosen 2-D features."""
    return len(data.features) if data.source == "shapes" else 1
