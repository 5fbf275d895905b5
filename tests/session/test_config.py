"""Session configs: validation names each bad field with an actionable message; the dict form round-trips."""
import json
import math

import pytest

from engine.session.config import SCHEMA_VERSION, ConfigError, SessionConfig
from engine.session.validation import validate


def config_with(**changes) -> SessionConfig:
    """The default session with dotted-path changes, e.g. config_with(**{"data.noise_std": -1})."""
    config = SessionConfig()
    for path, value in changes.items():
        section, name = path.split(".")
        setattr(getattr(config, section), name, value)
    return config


VALID = [
    {},
    {"model.kind": "polynomial", "model.degree": 10},
    {"model.kind": "mlp", "model.hidden": (1024,) * 6, "model.activation": "relu"},
    {"model.kind": "mlp", "model.hidden": [8]},
    {"model.kind": "expression", "model.expression": "a * sin(w * x) + c", "model.initial": {"a": 2.0, "zz": "stale"}},
    {"data.noise_std": 0.0, "data.n_points": 2, "data.batch_size": 2},
    {"data.n_points": 1_000_000, "data.batch_size": 1_000_000},
    {"data.truth": "sqrt(x)", "data.x_min": 0.0},
    {"training.optimizer": "momentum", "training.momentum": 0.0},
    {"training.optimizer": "adam", "training.lr": 1e-6, "training.steps": None, "training.loss": "half_sse"},
    {"model.degree": -5, "model.hidden": (), "data.csv_path": 3},  # fields the chosen kind/source do not use
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_configs_have_no_errors(changes):
    assert validate(config_with(**changes)) == []


INVALID = [
    # changes, the field reported, words in its message
    ({"model.kind": "cnn"}, "model.kind", "unknown model kind 'cnn'"),
    ({"model.kind": "polynomial", "model.degree": 0}, "model.degree", "1 to 10"),
    ({"model.kind": "polynomial", "model.degree": 11}, "model.degree", "1 to 10"),
    ({"model.kind": "polynomial", "model.degree": 2.5}, "model.degree", "whole number"),
    ({"model.kind": "mlp", "model.hidden": ()}, "model.hidden", "1 to 6"),
    ({"model.kind": "mlp", "model.hidden": (4,) * 7}, "model.hidden", "1 to 6"),
    ({"model.kind": "mlp", "model.hidden": (0,)}, "model.hidden", "1 to 1024"),
    ({"model.kind": "mlp", "model.hidden": (1025,)}, "model.hidden", "1 to 1024"),
    ({"model.kind": "mlp", "model.activation": "gelu"}, "model.activation", "unknown activation 'gelu'"),
    ({"model.kind": "expression", "model.expression": "a * sin(w * x)) + c"}, "model.expression",
     "unexpected ')' at column 15"),
    ({"model.kind": "expression", "model.expression": "2 * x"}, "model.expression", "no parameters"),
    ({"model.kind": "expression", "model.expression": "train * x"}, "model.expression", "'train' is a reserved name"),
    ({"model.kind": "expression", "model.expression": "a * x", "model.initial": {"a": math.inf}}, "model.initial",
     "'a' must be a finite number"),
    ({"data.source": "ftp"}, "data.source", "unknown data source 'ftp'"),
    ({"data.truth": "2*x + q"}, "data.truth", "unknown name 'q' at column 7"),
    ({"data.truth": "log(x)", "data.x_min": -1.0}, "data.truth", "not a finite number at x = -1"),
    ({"data.noise_std": -0.1}, "data.noise_std", "≥ 0"),
    ({"data.noise_std": math.nan}, "data.noise_std", "≥ 0"),
    ({"data.x_min": 5.0, "data.x_max": 5.0}, "data.x_max", "greater than its start"),
    ({"data.x_min": -math.inf}, "data.x_min", "finite"),
    ({"data.n_points": 1}, "data.n_points", "2 to 1,000,000"),
    ({"data.n_points": 1_000_001}, "data.n_points", "2 to 1,000,000"),
    ({"data.batch_size": 0}, "data.batch_size", "1 to 100"),
    ({"data.batch_size": 101}, "data.batch_size", "1 to 100"),
    ({"data.seed": -1}, "data.seed", "seed"),
    ({"data.source": "csv"}, "data.csv_path", "choose a CSV file"),
    ({"data.source": "csv", "data.csv_path": "/no/such/file.csv"}, "data.csv_path", "no file at /no/such/file.csv"),
    ({"training.optimizer": "rmsprop"}, "training.optimizer", "unknown optimizer 'rmsprop'"),
    ({"training.lr": 0.0}, "training.lr", "> 0"),
    ({"training.lr": -0.1}, "training.lr", "> 0"),
    ({"training.lr": math.inf}, "training.lr", "finite"),
    ({"training.lr": "0.1"}, "training.lr", "finite"),
    ({"training.optimizer": "momentum", "training.momentum": 1.0}, "training.momentum", "less than 1"),
    ({"training.steps": 0}, "training.steps", "from 1 to 2,000,000,000"),
    ({"training.steps": 10**10}, "training.steps", "from 1 to 2,000,000,000"),
    ({"training.loss": "l1"}, "training.loss", "unknown loss 'l1'"),
    ({"training.seed": True}, "training.seed", "whole number"),
]


@pytest.mark.parametrize("changes, field, words", INVALID)
def test_invalid_field_is_named_with_its_problem(changes, field, words):
    errors = validate(config_with(**changes))
    assert [error.field for error in errors] == [field]
    assert words in errors[0].message


def test_expression_errors_carry_their_position():
    [error] = validate(config_with(**{"model.kind": "expression", "model.expression": "a * x.real"}))
    assert error.position == 5
    assert "attribute access is not allowed at column 6" in error.message


def test_every_bad_field_is_reported_at_once():
    errors = validate(config_with(**{"data.noise_std": -1, "training.lr": 0, "training.loss": "?"}))
    assert {error.field for error in errors} == {"data.noise_std", "training.lr", "training.loss"}


@pytest.mark.parametrize("value", [None, "text", [1], object(), math.nan])
def test_validate_never_raises_on_wrong_types(value):
    for path in ["model.kind", "model.degree", "model.hidden", "model.expression", "data.truth", "data.n_points",
                 "data.x_min", "training.steps", "training.momentum"]:
        changes = {"model.kind": "mlp" if path == "model.hidden" else "expression", path: value}
        config = config_with(**changes)
        assert all(isinstance(error, ConfigError) for error in validate(config))


def test_config_error_reads_as_field_and_message():
    error = ConfigError("data.noise_std", "must be ≥ 0")
    assert str(error) == "data.noise_std: must be ≥ 0" and error.position is None
    assert isinstance(error, ValueError)


ROUND_TRIPS = [
    {},
    {"model.kind": "mlp", "model.hidden": (32, 8, 4), "model.activation": "sigmoid"},
    {"model.kind": "expression", "model.expression": "a * exp(-k * x)", "model.initial": {"a": 2.5, "k": 0.1}},
    {"data.source": "csv", "data.csv_path": "/data/points.csv", "data.x_column": "t", "data.y_column": "v"},
    {"training.steps": None, "training.optimizer": "adam", "training.lr": 1e-3},
]


@pytest.mark.parametrize("changes", ROUND_TRIPS)
def test_dict_round_trip_through_json(changes):
    config = config_with(**changes)
    config.name = "Mine"
    data = json.loads(json.dumps(config.to_dict()))
    assert data["schema"] == SCHEMA_VERSION == 1
    assert SessionConfig.from_dict(data) == config


def test_to_dict_is_plain_json_data():
    data = SessionConfig().to_dict()
    assert list(data) == ["schema", "name", "model", "data", "training"]
    assert data["model"]["hidden"] == [16, 16]


def test_from_dict_fills_missing_settings_with_defaults():
    config = SessionConfig.from_dict({"schema": 1, "training": {"lr": 0.5}})
    assert config.training.lr == 0.5 and config.model == SessionConfig().model


def test_from_dict_ignores_extra_top_level_keys():
    data = SessionConfig().to_dict() | {"weights": "weights.safetensors"}
    assert SessionConfig.from_dict(data) == SessionConfig()


@pytest.mark.parametrize("data, field", [
    ({"schema": 2}, "schema"),
    ([], "schema"),
    ({"model": {"kind": "linear", "dgree": 3}}, "model.dgree"),
    ({"data": "generated"}, "data"),
])
def test_from_dict_rejects_what_it_cannot_read(data, field):
    with pytest.raises(ConfigError) as caught:
        SessionConfig.from_dict(data)
    assert caught.value.field == field
