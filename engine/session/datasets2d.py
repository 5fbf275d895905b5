"""The built-in 2-D data sets (TensorFlow Playground's shapes, after its dataset.ts), the input
features computed from a point (x₁, x₂), and the seeded train/test split."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.session.i18n import QT_TRANSLATE_NOOP

HALF_WIDTH = 6.0   # points lie in about [-6, 6]², Playground's plane


@dataclass(frozen=True)
class DataShape:
    """One built-in data set: its label, the problem it poses and its generator
    `make(n, noise, classes, rng) -> (points (n, 2), targets (n,))` (class indices, or values)."""

    label: str
    problem: str   # "classification" | "regression"
    make: Callable[[int, float, int, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    any_classes: bool = False   # takes k classes (k ≥ 2); else exactly two


def _circle(n: int, noise: float, classes: int, rng: np.random.Generator):
    radius = 5.0
    inside = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, inside), rng.uniform(radius * 0.7, radius, n - inside)])
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise   # moves the label, not the point (as Playground)
    labels = (np.hypot(*(points + jitter).T) < radius * 0.5).astype(np.int64)
    return points, labels


def _xor(n: int, noise: float, classes: int, rng: np.random.Generator):
    points = rng.uniform(-5, 5, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)   # a gap along the axes
    jitter = rng.uniform(-5, 5, (n, 2)) * noise
    moved = points + jitter
    return points, (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)


def _gaussians(n: int, noise: float, classes: int, rng: np.random.Generator):
    spread = 0.5 + 7.0 * noise   # Playground: noise 0..0.5 → variance 0.5..4
    if classes == 2:
        centers = np.array([[-2.0, -2.0], [2.0, 2.0]])
    else:
        angle = 2 * np.pi * np.arange(classes) / classes
        centers = 3.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    labels = np.arange(n) % classes
    points = centers[labels] + rng.normal(0.0, np.sqrt(spread), (n, 2))
    return points, labels.astype(np.int64)


def _spiral(n: int, noise: float, classes: int, rng: np.random.Generator):
    labels = np.arange(n) % classes
    i = np.arange(n) // classes
    per_arm = -(-n // classes)
    r = i / per_arm * 5.0
    t = 1.75 * i / per_arm * 2 * np.pi + 2 * np.pi * labels / classes
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1, 1, (n, 2)) * noise
    return points, labels.astype(np.int64)


def _plane(n: int, noise: float, classes: int, rng: np.random.Generator):
    points = rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2))
    moved = points + rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2)) * noise
    return points, np.clip((moved[:, 0] + moved[:, 1]) / 10.0, -1.0, 1.0)


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _gaussian_mixture(n: int, noise: float, classes: int, rng: np.random.Generator):
    points = rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2))
    moved = points + rng.uniform(-HALF_WIDTH, HALF_WIDTH, (n, 2)) * noise
    distance = np.hypot(moved[:, None, 0] - _BUMPS[:, 0], moved[:, None, 1] - _BUMPS[:, 1])
    heights = _BUMPS[:, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(heights), axis=1)
    return points, heights[np.arange(n), strongest]


DATA_SHAPES = {
    "circle": DataShape(QT_TRANSLATE_NOOP("config", "Circle"), "classification", _circle),
    "xor": DataShape(QT_TRANSLATE_NOOP("config", "Exclusive or"), "classification", _xor),
    "gaussians": DataShape(QT_TRANSLATE_NOOP("config", "Gaussians"), "classification", _gaussians, any_classes=True),
    "spiral": DataShape(QT_TRANSLATE_NOOP("config", "Spiral"), "classification", _spiral, any_classes=True),
    "plane": DataShape(QT_TRANSLATE_NOOP("config", "Plane (regression)"), "regression", _plane),
    "gaussian_mixture": DataShape(QT_TRANSLATE_NOOP("config", "Mixture of gaussians (regression)"), "regression",
                                  _gaussian_mixture),
}
MAX_NOISE = 0.5


def make_points(shape: str, n: int, noise: float, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points of the data set `shape` as float64 (n, 2), and their class indices (int64) or values."""
    spec = DATA_SHAPES[shape]
    return spec.make(n, float(noise), classes if spec.any_classes else 2, np.random.default_rng(seed))


# Each feature maps raw (x₁, x₂) in about [-6, 6]² to about [-1, 1], so one learning rate suits all.
FEATURES: dict[str, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "x1": ("x₁", lambda a, b: a / HALF_WIDTH),
    "x2": ("x₂", lambda a, b: b / HALF_WIDTH),
    "x1^2": ("x₁²", lambda a, b: a * a / HALF_WIDTH**2),
    "x2^2": ("x₂²", lambda a, b: b * b / HALF_WIDTH**2),
    "x1*x2": ("x₁x₂", lambda a, b: a * b / HALF_WIDTH**2),
    "sin(x1)": ("sin x₁", lambda a, b: np.sin(a)),
    "sin(x2)": ("sin x₂", lambda a, b: np.sin(b)),
}


def feature_matrix(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The chosen features of each point, one column each, as float32 (n, len(features))."""
    a, b = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    return np.stack([FEATURES[name][1](a, b) for name in features], axis=1).astype(np.float32)


def split_indices(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the training and the test set: a seeded shuffle, the last ⌊n·fraction⌋ rows test.
    At least one row stays in training."""
    n_test = min(int(n * test_fraction), n - 1)
    if n_test <= 0:
        return np.arange(n), np.arange(0)
    order = np.random.default_rng([seed, 0x5E5]).permutation(n)
    return np.sort(order[:n - n_test]), np.sort(order[n - n_test:])
