"""The lessons of the Examples menu and start page — each a session file in assets/examples/ — and
the Qt-free computations their special views draw: difference quotients, dice frequencies, and a
two-parameter loss landscape with optimizer paths."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

import engine
from engine.distributions.multinomial import Multinomial
from engine.session import lesson_texts as texts
from engine.session.assets import examples_dir
from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.expression import parse_expression
from engine.session.i18n import QT_TRANSLATE_NOOP, translate
from engine.session.session_file import SessionFile, read_session_file, write_session_file
from engine.session.trainer import Trainer

EXAMPLES_DIR = examples_dir()  # assets/examples in a checkout, gradstudio_assets/examples when installed
VIEWS = ("training", "graph", "derivative", "dice", "landscape", "hidden_layer")


# Full-batch gradient descent, so the path moves over exactly the surface that is drawn.
LANDSCAPE_CONFIG = SessionConfig(model=ModelConfig(kind="linear"), data=DataConfig(batch_size=100),
                                 training=TrainingConfig(lr=0.02, steps=500), name="Loss landscape")


# Exclusive or, 2 → 4 → 1 tanh; the lesson races it against the same session with a linear model.
XOR_CONFIG = SessionConfig(
    model=ModelConfig(kind="mlp", hidden=(4,), activation="tanh"),
    data=DataConfig(source="shapes", shape="xor", n_points=300, noise=0.0, features=("x1", "x2"), test_fraction=0.5,
                    batch_size=10, seed=1),
    training=TrainingConfig(optimizer="adam", lr=0.03, steps=600, loss="bce_with_logits"), name="Why a hidden layer")


@dataclass(frozen=True)
class Lesson:
    """One lesson: `view` is the view it opens ("training", "graph", "derivative", "dice" or
    "landscape"); `program` is the scratchpad text ("" for a training lesson)."""

    id: str
    title: str
    description: str
    explanation: str
    view: str
    program: str = ""
    training: SessionConfig | None = field(default=None, compare=False)  # None: the default linear session

    @property
    def file_name(self) -> str:
        return f"{self.id}.json"

    @property
    def config(self) -> SessionConfig:
        """The lesson's session settings, named after it."""
        return replace(self.training or SessionConfig(), name=self.title)


LESSONS: tuple[Lesson, ...] = (
    Lesson("01-linear-regression", QT_TRANSLATE_NOOP("lessons", "Linear regression, live"),
           QT_TRANSLATE_NOOP("lessons", "Fit y = 2x + 3 with noise and watch the line and the loss as it learns."),
           texts.LINEAR_REGRESSION, "training"),
    Lesson("02-autograd-basics", QT_TRANSLATE_NOOP("lessons", "Autograd basics"),
           QT_TRANSLATE_NOOP("lessons", "y = x² + 3x + 1 at x = 2: the graph, grad_fn, and x.grad = 7."),
           texts.AUTOGRAD_BASICS, "graph", texts.AUTOGRAD_BASICS_PROGRAM),
    Lesson("03-detach-vs-data", QT_TRANSLATE_NOOP("lessons", "detach() versus .data"),
           QT_TRANSLATE_NOOP("lessons", "Two ways to drop history that share storage with x."),
           texts.DETACH_VS_DATA, "graph", texts.DETACH_VS_DATA_PROGRAM),
    Lesson("04-non-leaf-gradients", QT_TRANSLATE_NOOP("lessons", "Non-leaf gradients"),
           QT_TRANSLATE_NOOP("lessons", "retain_grad() and tensor hooks, seen in the debugger."),
           texts.NON_LEAF_GRADIENTS, "graph", texts.NON_LEAF_GRADIENTS_PROGRAM),
    Lesson("05-derivative-as-limit", QT_TRANSLATE_NOOP("lessons", "Derivative as a limit"),
           QT_TRANSLATE_NOOP("lessons", "Difference quotients of 3x² − 4x at 1 converge to autograd's 2."),
           texts.DERIVATIVE_AS_LIMIT, "derivative", texts.DERIVATIVE_AS_LIMIT_PROGRAM),
    Lesson("06-dot-product-gradient", QT_TRANSLATE_NOOP("lessons", "Gradient of a dot product"),
           QT_TRANSLATE_NOOP("lessons", "y = 2·xᵀx gives 4x; gradients accumulate until zero_()."),
           texts.DOT_PRODUCT, "graph", texts.DOT_PRODUCT_PROGRAM),
    Lesson("07-detaching-a-computation", QT_TRANSLATE_NOOP("lessons", "Detaching a computation"),
           QT_TRANSLATE_NOOP("lessons", "u = y.detach(): the gradient of u·x is u, not 3x²."),
           texts.DETACH_COMPUTATION, "graph", texts.DETACH_COMPUTATION_PROGRAM),
    Lesson("08-control-flow", QT_TRANSLATE_NOOP("lessons", "Gradient through control flow"),
           QT_TRANSLATE_NOOP("lessons", "A while loop and an if: the graph follows the input; a.grad = d / a."),
           texts.CONTROL_FLOW, "graph", texts.CONTROL_FLOW_PROGRAM),
    Lesson("09-jacobian-row-by-row", QT_TRANSLATE_NOOP("lessons", "Jacobian, row by row"),
           QT_TRANSLATE_NOOP("lessons", "backward(v) gives vᵀJ: rows [4, 3] and [2, 6]; v = (1, 1) is not J."),
           texts.JACOBIAN, "graph", texts.JACOBIAN_PROGRAM),
    Lesson("10-dice", QT_TRANSLATE_NOOP("lessons", "Dice and probability"),
           QT_TRANSLATE_NOOP("lessons", "Frequencies of a fair die's faces converge to 1/6."),
           texts.DICE, "dice", texts.DICE_PROGRAM),
    Lesson("11-loss-landscape", QT_TRANSLATE_NOOP("lessons", "Loss landscape"),
           QT_TRANSLATE_NOOP("lessons", "The loss over (w, b) with SGD, momentum and Adam paths from one start."),
           texts.LOSS_LANDSCAPE, "landscape", texts.LOSS_LANDSCAPE_PROGRAM, LANDSCAPE_CONFIG),
    Lesson("12-why-a-hidden-layer", QT_TRANSLATE_NOOP("lessons", "Why a hidden layer"),
           QT_TRANSLATE_NOOP("lessons", "Exclusive or: impossible for a linear model, easy with 4 tanh neurons."),
           texts.HIDDEN_LAYER, "hidden_layer", texts.HIDDEN_LAYER_PROGRAM, XOR_CONFIG),
)




def lesson_by_id(lesson_id: str) -> Lesson:
    for lesson in LESSONS:
        if lesson.id == lesson_id:
            return lesson
    raise KeyError(f"no lesson '{lesson_id}'; the lessons are {', '.join(l.id for l in LESSONS)}")


def lesson_of(name: str) -> Lesson | None:
    """The lesson whose session file this is (a lesson file keeps the lesson's title as its session
    name, wherever it was opened from), or None for any other session."""
    return next((lesson for lesson in LESSONS if lesson.title == name), None)


def is_trainable(lesson: Lesson) -> bool:
    """A lesson with a model of its own; the others' files hold only a program for the scratchpad."""
    return lesson.view == "training" or lesson.training is not None


def bundled_sessions() -> dict[str, Path]:
    """The session files that ship with GradStudio, by the name `gradstudio train NAME` accepts:
    the lessons without their number (`linear-regression`) and the model examples (`mlp`)."""
    names = {path.stem: path for path in sorted(EXAMPLES_DIR.glob("*.json"))}
    return {stem.split("-", 1)[1] if stem[:2].isdigit() and "-" in stem else stem: path
            for stem, path in names.items()}


def lesson_path(lesson: Lesson, folder: Path = EXAMPLES_DIR) -> Path:
    return Path(folder) / lesson.file_name


def load_lesson(lesson: Lesson, folder: Path = EXAMPLES_DIR) -> SessionFile:
    """The lesson's session file, read and checked like any other."""
    return read_session_file(lesson_path(lesson, folder))


def scratchpad_text(lesson: Lesson) -> str:
    """What the lesson's session file keeps in its scratchpad: the explanation as comments, so a
    file opened with File → Open still says what to look at, then the program."""
    comments = "\n".join(f"# {line}".rstrip() for line in lesson.explanation.strip().splitlines())
    return f"{comments}\n\n{lesson.program}" if lesson.program else f"{comments}\n"


def write_lesson(lesson: Lesson, folder: Path = EXAMPLES_DIR) -> Path:
    return write_session_file(lesson_path(lesson, folder), lesson.config, scratchpad=scratchpad_text(lesson))


# ----- lesson 5: derivative as a limit -----------------------------------------------------------

DEFAULT_STEPS = (0.1, 0.01, 0.001, 0.0001, 0.00001)


def difference_quotients(f: str, x: float, steps=DEFAULT_STEPS) -> list[tuple[float, float]]:
    """(h, (f(x + h) − f(x)) / h) for each h, in float64; `f` is an expression in x."""
    expression = parse_expression(f)
    fx = float(expression.evaluate_numpy(x))
    return [(float(h), (float(expression.evaluate_numpy(x + h)) - fx) / h) for h in steps]


def autograd_derivative(f: str, x: float) -> float:
    """f'(x) by the engine's autograd, in float64."""
    point = engine.tensor(float(x), dtype=engine.float64, requires_grad=True)
    parse_expression(f).evaluate_tensor(point).backward()
    return float(point.grad.item())


def tangent_line(f: str, x: float) -> tuple[float, float]:
    """(slope, intercept) of the tangent to f at x: y = slope·t + intercept."""
    slope = autograd_derivative(f, x)
    return slope, float(parse_expression(f).evaluate_numpy(x)) - slope * x


def function_values(f: str, t: np.ndarray) -> np.ndarray:
    return parse_expression(f).evaluate_numpy(t)


# ----- lesson 10: dice --------------------------------------------------------------------------


def dice_frequencies(probs=(1 / 6,) * 6, groups: int = 500, rolls_per_group: int = 10,
                     seed: int = 0) -> np.ndarray:
    """Relative frequency of each face after each group of rolls: (groups, faces), row i counting
    the first (i + 1)·rolls_per_group rolls."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or probs.size < 2 or (probs < 0).any() or probs.sum() <= 0:
        raise ValueError(translate("lessons", "the probabilities must be two or more numbers ≥ 0, not all 0"))
    engine.manual_seed(seed)
    counts = Multinomial(rolls_per_group, engine.tensor(probs / probs.sum())).sample((groups,)).numpy()
    cumulative = counts.astype(np.float64).cumsum(axis=0)
    return cumulative / cumulative.sum(axis=1, keepdims=True)


# ----- lesson 11: loss landscape -----------------------------------------------------------------

LANDSCAPE_START = (-1.0, -2.0)
LANDSCAPE_OPTIMIZERS = {"sgd": {"lr": 0.02}, "momentum": {"lr": 0.02, "momentum": 0.9}, "adam": {"lr": 0.1}}


@dataclass
class Landscape:
    """The loss over a grid of the model's two scalar parameters: loss[i, j] at (first[j], second[i])."""

    names: tuple[str, str]
    first: np.ndarray
    second: np.ndarray
    loss: np.ndarray


def _two_parameters(trainer: Trainer) -> list:
    params = [(name, p) for name, p in trainer.model.named_parameters()]
    if len(params) != 2 or any(p.numel() != 1 for _, p in params):
        raise ValueError(translate("lessons",
                                   "the loss landscape needs a model with exactly two scalar parameters"))
    return params


def loss_landscape(config: SessionConfig = LANDSCAPE_CONFIG, first_range=(-2.0, 5.0), second_range=(-3.0, 6.0),
                   points: int = 60) -> Landscape:
    """The full-data loss of the session's model (two scalar parameters) over a grid."""
    trainer = Trainer(config)
    params = _two_parameters(trainer)
    storage = [p.detach().numpy() for _, p in params]
    inputs = engine.from_numpy(trainer.data_x.astype(np.float32).reshape(-1, 1))
    targets = engine.from_numpy(trainer.data_y.astype(np.float32).reshape(-1, 1))
    first, second = np.linspace(*first_range, points), np.linspace(*second_range, points)
    loss = np.empty((points, points))
    with engine.no_grad():
        for i, v in enumerate(second):
            for j, u in enumerate(first):
                storage[0].fill(u)
                storage[1].fill(v)
                loss[i, j] = trainer.loss_fn(trainer.model(inputs), targets).item()
    return Landscape((params[0][0], params[1][0]), first, second, loss)


def optimizer_path(optimizer: str, config: SessionConfig = LANDSCAPE_CONFIG, start=LANDSCAPE_START,
                   steps: int | None = None, **settings) -> np.ndarray:
    """The two parameters after each step of `optimizer` from `start`: (steps + 1, 2), row 0 the start.
    `settings` (lr, momentum) override LANDSCAPE_OPTIMIZERS[optimizer]."""
    training = replace(config.training, optimizer=optimizer, **{**LANDSCAPE_OPTIMIZERS.get(optimizer, {}), **settings})
    trainer = Trainer(replace(config, training=training))
    storage = [p.detach().numpy() for _, p in _two_parameters(trainer)]
    for values, value in zip(storage, start):
        values.fill(value)
    path = [tuple(float(values.item()) for values in storage)]
    for _ in range(steps if steps is not None else training.steps or 500):
        trainer.train_step()
        if trainer.diverged:
            break
        path.append(tuple(float(values.item()) for values in storage))
    return np.array(path)


def least_squares_minimum(config: SessionConfig = LANDSCAPE_CONFIG) -> tuple[float, float]:
    """(w, b) minimising the linear model's squared error on the session's data."""
    trainer = Trainer(config)
    w, b = np.polyfit(trainer.data_x, trainer.data_y, 1)
    return float(w), float(b)


def landscape_gradient(point, config: SessionConfig = LANDSCAPE_CONFIG) -> np.ndarray:
    """The full-data loss gradient with respect to the two parameters at `point`, by autograd."""
    trainer = Trainer(config)
    params = [p for _, p in _two_parameters(trainer)]
    for p, value in zip(params, point):
        p.detach().numpy().fill(value)
    inputs = engine.from_numpy(trainer.data_x.astype(np.float32).reshape(-1, 1))
    targets = engine.from_numpy(trainer.data_y.astype(np.float32).reshape(-1, 1))
    trainer.loss_fn(trainer.model(inputs), targets).backward()
    return np.array([float(p.grad.sum().item()) for p in params])


def initial_point(config: SessionConfig) -> tuple[float, float]:
    """The model's two scalar parameters as the session initialises them."""
    return tuple(float(p.detach().numpy().item()) for _, p in _two_parameters(Trainer(config)))


def paths_window(paths, margin: float = 0.25) -> tuple[tuple[float, float], tuple[float, float]]:
    """A (first, second) range that holds every path's finite points, with `margin` of its size around."""
    points = np.concatenate([np.asarray(path) for path in paths])
    points = points[np.isfinite(points).all(axis=1)]
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * margin, 0.5)
    return (float(low[0] - pad[0]), float(high[0] + pad[0])), (float(low[1] - pad[1]), float(high[1] + pad[1]))


def landscape_minimum(landscape: Landscape) -> tuple[float, float]:
    """The grid point of lowest loss."""
    i, j = np.unravel_index(np.nanargmin(landscape.loss), landscape.loss.shape)
    return float(landscape.first[j]), float(landscape.second[i])


# ----- lesson 12: why a hidden layer ------------------------------------------------------------

def hidden_layer_race(config: SessionConfig = XOR_CONFIG, every: int = 20):
    """The lesson's session trained twice, as a linear model and as its MLP, on the same data and batches:
    [(step, linear snapshot, MLP snapshot)] every `every` steps from 0 to config.training.steps."""
    linear = Trainer(replace(config, model=replace(config.model, kind="linear")), engine_kind="eager")
    network = Trainer(config, engine_kind="eager")
    frames = [(0, linear.snapshot(), network.snapshot())]
    while network.step < config.training.steps:
        for _ in range(every):
            linear.train_step()
            network.train_step()
        frames.append((network.step, linear.snapshot(), network.snapshot()))
    return frames
