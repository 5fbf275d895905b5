"""The examples the Examples menu offers, as session configs (until example session files ship in assets/).

Their names stay English in the configs (and in saved session files); the menu and the window
title show them through QCoreApplication.translate("examples", name)."""

from __future__ import annotations

from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.i18n import QT_TRANSLATE_NOOP


def default_session() -> SessionConfig:
    """Fit y = 2x + 3 plus Gaussian noise by linear regression with plain SGD: the classic first exercise."""
    return SessionConfig(model=ModelConfig(kind="linear"), data=DataConfig(), training=TrainingConfig(),
                         name=QT_TRANSLATE_NOOP("examples", "Linear regression"))


def examples() -> list[SessionConfig]:
    """Built-in sessions, the default first."""
    return [
        default_session(),
        SessionConfig(
            model=ModelConfig(kind="polynomial", degree=3),
            data=DataConfig(truth="0.5*x**3 - x", noise_std=0.3, x_min=-2.0, x_max=2.0, n_points=120, batch_size=16),
            training=TrainingConfig(optimizer="adam", lr=0.05, steps=2000),
            name=QT_TRANSLATE_NOOP("examples", "Cubic by polynomial regression")),
        SessionConfig(
            model=ModelConfig(kind="mlp", hidden=(32, 32), activation="tanh"),
            data=DataConfig(truth="sin(2*x)", noise_std=0.1, x_min=-3.0, x_max=3.0, n_points=200, batch_size=32),
            training=TrainingConfig(optimizer="adam", lr=0.01, steps=3000),
            name=QT_TRANSLATE_NOOP("examples", "Sine wave by a small MLP")),
        SessionConfig(
            model=ModelConfig(kind="expression", expression="a * sin(w * x) + c", initial={"a": 1.0, "w": 1.2, "c": 0.0}),
            data=DataConfig(truth="2*sin(1.5*x) + 1", noise_std=0.2, x_min=0.0, x_max=6.0, n_points=150, batch_size=16),
            training=TrainingConfig(optimizer="momentum", lr=0.01, momentum=0.9, steps=3000),
            name=QT_TRANSLATE_NOOP("examples", "Custom expression a·sin(w·x) + c")),
    ]
