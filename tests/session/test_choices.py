"""The session's choice tables: every entry is accepted by validation and builds a working part;
anything else is refused naming the choices; the CLI help lists them."""
from __future__ import annotations

import math
from dataclasses import replace

import pytest

from engine.session import choices
from engine.session.cli import build_parser
from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.trainer import Trainer
from engine.session.validation import validate


def _session(**settings) -> SessionConfig:
    config = SessionConfig()
    model = {k: v for k, v in settings.items() if k in ("kind", "activation")}
    training = {k: v for k, v in settings.items() if k in ("optimizer", "loss")}
    data = config.data
    if training.get("loss") in ("bce_with_logits", "cross_entropy"):   # classification losses take classes
        data = DataConfig(source="shapes", shape="spiral", classes=2 if training["loss"] == "bce_with_logits" else 3)
    return replace(config, model=replace(config.model, **model), data=data,
                   training=replace(config.training, steps=3, **training))


@pytest.mark.parametrize(("field", "key"), [("kind", k) for k in choices.MODEL_KINDS]
                         + [("activation", k) for k in choices.ACTIVATIONS]
                         + [("optimizer", k) for k in choices.OPTIMIZERS]
                         + [("loss", k) for k in choices.LOSSES])
def test_every_choice_validates_builds_and_trains(field, key):
    settings = {field: key} if field != "activation" else {"kind": "mlp", "activation": key}
    config = _session(**settings)
    assert validate(config) == []
    trainer = Trainer(config)
    losses = list(trainer.run())
    assert len(losses) == 3 and all(math.isfinite(loss) for loss in losses)
    assert type(trainer.optimizer) is type(choices.build_optimizer(config.training, list(trainer.model.parameters())))


@pytest.mark.parametrize(("section", "field", "table"), [
    ("model", "kind", choices.MODEL_KINDS), ("model", "activation", choices.ACTIVATIONS),
    ("training", "optimizer", choices.OPTIMIZERS), ("training", "loss", choices.LOSSES)])
def test_an_unknown_choice_is_refused_naming_the_known_ones(section, field, table):
    config = SessionConfig(model=ModelConfig(kind="mlp"), training=TrainingConfig())
    setattr(getattr(config, section), field, "nope")
    [error] = validate(config)
    assert error.field == f"{section}.{field}"
    assert ", ".join(table) in error.message


def test_labels_are_one_per_choice_and_the_cli_help_lists_the_keys():
    help_text = build_parser().format_help()
    for table in (choices.MODEL_KINDS, choices.ACTIVATIONS, choices.DATA_SOURCES, choices.OPTIMIZERS, choices.LOSSES):
        assert all(choice.label for choice in table.values())
        assert ", ".join(table) in help_text
