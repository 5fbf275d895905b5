"""The training loop of a session: a generator of steps the caller drives, snapshots for the
plots, and a stop with a clear message when the loss or a gradient stops being finite."""
from __future__ import annotations

import copy
import math
import numbers
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

import engine
from engine import nn, optim
from engine.autograd import backward_steps
from engine.session.choices import REGULARIZATIONS, build_loss, build_model, build_optimizer
from engine.session.config import LR_MUST_BE_POSITIVE, ConfigError, SessionConfig, problem_of
from engine.session.data import MinibatchSampler, make_dataset
from engine.session.datasets2d import HALF_WIDTH, feature_matrix, make_points, split_indices
from engine.session.history import RunHistory
from engine.session.i18n import translate
from engine.session.memory import check_memory
from engine.session.validation import validate

GRID_POINTS = 400
BOUNDARY_CELLS = 100   # the decision boundary's grid: cells per side over [-6, 6]²
NEURON_CELLS = 24   # each neuron's thumbnail in the network view


@dataclass
class Evaluation:
    """Loss (without regularisation) and accuracy over the whole training and test sets at `step`;
    accuracies are None for regression, test values None without a test set."""

    step: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None


@dataclass
class Snapshot:
    """The state of a run after `step` steps — copies, never views of arrays the trainer changes.

    `loss` is the batch loss of the latest step (before its update); at step 0 it is the loss
    of the first batch under the initial parameters. `grad_norms` are from that step's backward
    (0.0 before the first step; NaN or Inf in the snapshot of a diverged step).
    """

    step: int
    loss: float
    params: dict[str, np.ndarray]
    grad_norms: dict[str, float]
    grid_x: np.ndarray
    grid_pred: np.ndarray
    diverged: str | None = None
    evaluation: Evaluation | None = None
    # 2-D data: the model over the plane, BOUNDARY_CELLS² cells (row = x₂, column = x₁): P(class 1)
    # for binary, (cells, cells, k) class probabilities for multi-class, the value for regression
    boundary: np.ndarray | None = None
    # 2-D data: each layer's outputs over a NEURON_CELLS² grid, (units, cells, cells) per layer: the input
    # features first, then each hidden layer after its activation, then the output (before sigmoid/softmax)
    neurons: list[np.ndarray] | None = None


class Trainer:
    """Trains the model a SessionConfig describes, one step per `next()` of `run()`.

    Not thread-safe except `set_lr`, which may be called from any thread while a step runs.

    `engine_kind`: "compiled" (default) runs `train_steps` as one numba function per block of steps
    once the model compiles (it compiles in the background, training eagerly meanwhile), "eager"
    never compiles. `train_step`, `run` and `loss_graph` are always eager (the graph views).
    """

    ENGINES = ("compiled", "eager")

    def __init__(self, config: SessionConfig, engine_kind: str = "compiled") -> None:
        errors = validate(config)
        if errors:
            raise errors[0]
        if engine_kind not in self.ENGINES:
            raise ValueError(f"engine_kind must be one of {', '.join(self.ENGINES)}, not {engine_kind!r}")
        self.engine_kind = engine_kind
        check_memory(config)   # before building anything: refused with the estimate, not swapped to death
        self.config = copy.deepcopy(config)
        self.problem = problem_of(self.config.data)
        data = self.config.data
        if data.source == "shapes":
            self._init_plane()
        else:
            self._init_line()
        self.train_index, self.test_index = split_indices(len(self._all_inputs), data.test_fraction, data.seed)
        # The engine trains in float32; batches are views of the sampler's buffers.
        self._inputs, self._targets = self._all_inputs[self.train_index], self._all_targets[self.train_index]
        self._test_inputs, self._test_targets = self._all_inputs[self.test_index], self._all_targets[self.test_index]
        self.reset()

    def _init_line(self) -> None:
        """1-D data: x → y, drawn as a fitted curve over `grid_x`."""
        dataset = make_dataset(self.config.data)
        self.data_x, self.data_y = dataset.x, dataset.y
        self.points = self.labels = None
        if dataset.truth is not None:
            low, high = float(self.config.data.x_min), float(self.config.data.x_max)
        else:
            low, high = float(dataset.x.min()), float(dataset.x.max())
        self.grid_x = np.linspace(low, high, GRID_POINTS)
        self.truth_x = self.grid_x.copy() if dataset.truth is not None else None
        self.truth_y = dataset.truth.evaluate_numpy(self.truth_x) if dataset.truth is not None else None
        self._x_range = (low, high)
        self._inputs_per_example, self._outputs = 1, 1
        self._all_inputs = dataset.x.astype(np.float32).reshape(-1, 1)
        self._all_targets = dataset.y.astype(np.float32).reshape(-1, 1)
        self._grid_input = engine.from_numpy(self.grid_x.astype(np.float32).reshape(-1, 1))
        self._boundary_input = None

    def _init_plane(self) -> None:
        """A built-in 2-D data set: points (x₁, x₂) → a class or a value, drawn over the plane."""
        data = self.config.data
        self.points, self.labels = make_points(data.shape, data.n_points, data.noise, data.classes, data.seed)
        self.classes = int(data.classes) if self.problem == "multiclass" else 2
        self.data_x = self.data_y = self.grid_x = np.empty(0)
        self.truth_x = self.truth_y = None
        self._x_range = None   # the features are scaled already
        self._inputs_per_example = len(data.features)
        self._outputs = self.classes if self.problem == "multiclass" else 1
        self._all_inputs = feature_matrix(self.points, data.features)
        if self.problem == "multiclass":
            self._all_targets = self.labels.astype(np.int64)   # CrossEntropyLoss takes class indices
        else:
            self._all_targets = self.labels.astype(np.float32).reshape(-1, 1)
        self._grid_input = engine.from_numpy(np.empty((0, self._inputs_per_example), np.float32))
        self.boundary_extent = (-HALF_WIDTH, HALF_WIDTH)
        self._boundary_input = engine.from_numpy(feature_matrix(_plane_grid(BOUNDARY_CELLS), data.features))
        self._neuron_input = engine.from_numpy(feature_matrix(_plane_grid(NEURON_CELLS), data.features))

    @property
    def lr(self) -> float:
        """The learning rate of the next step."""
        return self.config.training.lr

    def reset(self) -> None:
        """Back to step 0 with the same seed: the same initial parameters and batch order.

        The learning rate stays the latest one given to `set_lr`.
        """
        training = self.config.training
        self.model = build_model(self.config.model, self._x_range, training.seed, self._inputs_per_example,
                                 self._outputs)
        self._names = [name for name, _ in self.model.named_parameters()]
        self._parameters = [p for _, p in self.model.named_parameters()]
        # The parameters' storage: optimizers update it in place, as PyTorch's do.
        self._values = [p.detach().numpy() for p in self._parameters]
        self._backup = [np.empty_like(values) for values in self._values]
        self._zeros = [np.zeros(values.size, values.dtype) for values in self._values]
        scalars = [index for index, values in enumerate(self._values) if values.size == 1]
        self._scalar_values = [self._values[index].reshape(-1) for index in scalars]
        # the Parameters plot's gradient norms and weight norms, kept so a reopened run draws them again
        self._norm_of = [index for index, values in enumerate(self._values) if values.size > 1]
        self.history = RunHistory([self._names[index] for index in scalars], norm_names=[
            *(f"grad_norm:{name}" for name in self._names), *(f"norm:{self._names[i]}" for i in self._norm_of)])
        self._lr = training.lr
        self.optimizer = build_optimizer(training, self._parameters)
        self.loss_fn = build_loss(training)
        # Playground's regularisation: the weights of each layer, not the biases
        self._penalized = [p for name, p in self.model.named_parameters() if p.dim() >= 2]
        batch_size = min(self.config.data.batch_size, len(self._inputs))
        self._sampler = MinibatchSampler((self._inputs, self._targets), batch_size, training.seed)
        self.step = 0
        self.diverged: str | None = None
        self._compiled = None  # engine.compile of `_compiled_body`, made at the first train_steps
        self.block_losses = np.empty(0)  # the losses of the steps the last train_steps ran
        with engine.no_grad():
            self.last_loss = self.loss_graph().item()

    def set_lr(self, lr: float) -> None:
        """Use `lr` from the next step on."""
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr <= 0:
            raise ConfigError("training.lr", translate("config", LR_MUST_BE_POSITIVE))
        self.config.training.lr = float(lr)  # one attribute store: safe to call from another thread

    def run(self) -> Iterator[float]:
        """One training step per `next()`, yielding its loss; ends after `config.training.steps`
        steps in all, or at divergence (see `diverged`)."""
        steps = self.config.training.steps
        while self.diverged is None and (steps is None or self.step < steps):
            loss = self.train_step()
            if self.diverged is not None:
                return
            yield loss

    def train_step(self) -> float:
        """One step on the next minibatch; returns its loss (does nothing once diverged)."""
        if self.diverged is not None:
            return math.nan
        # Overflow on the way to divergence is reported once, by `diverged`, not by numpy warnings.
        with np.errstate(all="ignore"):
            return self._step()

    def _step(self) -> float:
        if self.config.training.lr != self._lr:
            self._lr = self.config.training.lr
            for group in self.optimizer.param_groups:
                group["lr"] = self._lr
        x, y = self._sampler.next_batch()
        self.optimizer.zero_grad()
        prediction = self.model(engine.from_numpy(x))
        loss = self._regularized(self.loss_fn(prediction, engine.from_numpy(y)))
        loss.backward()
        value = loss.item()
        step = self.step + 1
        if not math.isfinite(value):
            self._stop_on_loss(value, step, x, prediction.detach().numpy())
            return value
        for index, p in enumerate(self._parameters):
            if p.grad is not None and not self._finite(index, p.grad.numpy()):
                self._stop(translate("trainer", "The gradient of '{0}' became {1} at step {2}")
                           .format(self._names[index], _kind(p.grad.numpy()), f"{step:,}")
                           + self._nonfinite_gradient_source(x, y))
                return value
        for backup, values in zip(self._backup, self._values):
            np.copyto(backup, values)
        self.optimizer.step()
        for index, values in enumerate(self._values):
            if not self._finite(index, values):
                self._stop(translate("trainer", "Parameter '{0}' became {1} at step {2}")
                           .format(self._names[index], _kind(values), f"{step:,}"))
                for backup, target in zip(self._backup, self._values):
                    np.copyto(target, backup)
                return value
        self.step = step
        self.last_loss = value
        if self.history.wants(step):
            self.history.record(step, time.time(), value, [values[0] for values in self._scalar_values],
                                self._norms())
        return value

    # -- compiled training ----------------------------------------------------------------
    @property
    def engine_status(self) -> str:
        """"eager", "compiling" or "compiled": how `train_steps` runs now."""
        return "eager" if self._compiled is None else self._compiled.status

    @property
    def engine_reason(self) -> str | None:
        """Why `train_steps` runs eagerly (None when it runs compiled, or has not started)."""
        if self.engine_kind != "compiled":
            return translate("trainer", "the eager engine was chosen")
        return None if self._compiled is None else self._compiled.reason

    def _regularized(self, loss):
        """The objective a step minimises: the loss plus rate·Σ|w| (L1) or rate·Σw² (L2)."""
        training = self.config.training
        if training.regularization == "none" or not training.regularization_rate:
            return loss
        penalty = None
        for weight in self._penalized:
            term = REGULARIZATIONS[training.regularization].build(weight)
            penalty = term if penalty is None else penalty + term
        return loss if penalty is None else loss + training.regularization_rate * penalty

    def _compiled_body(self, x, y):
        self.optimizer.zero_grad()
        loss = self._regularized(self.loss_fn(self.model(x), y))
        loss.backward()
        self.optimizer.step()
        return loss

    def train_steps(self, k: int) -> int:
        """Up to k steps (fewer at the step limit or divergence); returns how many ran. With the
        compiled engine they run as one call of the compiled step once it is ready; a block whose
        loss, gradients or parameters stop being finite is undone and rerun eagerly, so divergence
        is reported exactly as `train_step` reports it."""
        if self.diverged is not None or k <= 0:
            return 0
        limit = self.config.training.steps
        if limit is not None:
            k = min(k, limit - self.step)
        if k <= 0:
            return 0
        if self.engine_kind == "compiled":
            if self._compiled is None:
                self._compiled = engine.compile(self._compiled_body, background=True)
            compiled = self._compiled
            if compiled.is_compiled:
                done = self._compiled_block(k)
            elif compiled.status != "compiling" and not compiled.failed:
                done = self._compiled_block(1)  # a traced eager step: it may start the compile
            else:
                done = 0
            if done:
                return done
        losses = []
        while len(losses) < k and self.diverged is None:
            loss = self.train_step()
            if self.diverged is None:
                losses.append(loss)
        self.block_losses = np.array(losses)
        return len(losses)

    def _compiled_block(self, k: int) -> int:
        if self.config.training.lr != self._lr:
            self._lr = self.config.training.lr
            for group in self.optimizer.param_groups:
                group["lr"] = self._lr
        saved = self._saved_state()
        xs, ys = self._sampler.next_batches(k)
        with np.errstate(all="ignore"):
            losses = self._compiled.run(k, xs, ys, each_step=True)
        trajectory, order = self._compiled.trajectory, self._compiled.trajectory_params
        finite = np.isfinite(losses).all() and all(
            self._finite(i, values) and (p._grad is None or self._finite(i, p._grad._data))
            for i, (p, values) in enumerate(zip(self._parameters, self._values)))
        if not finite or (trajectory is None and k > 1):
            # rerun eagerly: the exact step, message and parameters of a divergence, and a history row per step
            self._restore_state(saved)
            return 0
        if trajectory is None:  # the traced (eager) step
            trajectory, order = np.array([[values[0] for values in self._scalar_values]]), [
                p for p, values in zip(self._parameters, self._values) if values.size == 1]
        first = self.step + 1
        self.step += k
        self.last_loss = float(losses[-1])
        self.block_losses = losses
        columns = [next(j for j, q in enumerate(order) if q is self._parameters[i])
                   for i, values in enumerate(self._values) if values.size == 1]
        self.history.record_steps(first, time.time(), losses, trajectory[:, columns], self._norms())
        return k

    def _saved_state(self):
        optimizer_state = {p: copy.deepcopy(state) for p, state in self.optimizer.state.items()}
        grads = [None if p._grad is None else p._grad._data.copy() for p in self._parameters]
        return ([v.copy() for v in self._values], grads, optimizer_state, self._sampler.state_dict())

    def _restore_state(self, saved) -> None:
        values, grads, optimizer_state, sampler = saved
        for target, source in zip(self._values, values):
            np.copyto(target, source)
        for p, grad in zip(self._parameters, grads):
            if grad is None:
                p._grad = None
            elif p._grad is not None and p._grad._data.shape == grad.shape:
                np.copyto(p._grad._data, grad)
            else:
                p.grad = engine.from_numpy(grad)
        self.optimizer.state.clear()
        self.optimizer.state.update(optimizer_state)
        self._sampler.load_state_dict(sampler)
    def _norms(self) -> list[float]:
        grads = [math.nan if p.grad is None else _norm(p.grad.numpy()) for p in self._parameters]
        return [*grads, *(_norm(self._values[index]) for index in self._norm_of)]

    def _finite(self, index: int, values: np.ndarray) -> bool:
        # x·0 is 0 for every finite x and NaN for NaN or ±Inf: one dot product checks a whole
        # array, and unlike a sum it cannot overflow on large finite values.
        return math.isfinite(values.reshape(-1).dot(self._zeros[index]))

    def _nonfinite_gradient_source(self, x: np.ndarray, y: np.ndarray) -> str:
        """Which backward function first produced NaN/Inf on this batch, found by replaying backward
        with finiteness checks (only on divergence: the checks cost too much for every step)."""
        loss = self.loss_fn(self.model(engine.from_numpy(x)), engine.from_numpy(y))
        seed = np.ones_like(loss.detach().numpy())
        try:
            for _ in backward_steps([loss], [seed], accumulate=False, captured={}, record=False, check_finite=True):
                pass
        except FloatingPointError as error:
            return f" ({error})"
        return ""

    def _stop_on_loss(self, value: float, step: int, x: np.ndarray, prediction: np.ndarray) -> None:
        """A non-finite loss. When the model's own output is not finite before any update, no learning
        rate is to blame: say so, and at which x (the expression, or its initial values, are)."""
        if prediction.ndim and prediction.shape[0] == len(x):
            rows = ~np.isfinite(prediction.reshape(len(x), -1)).all(axis=1)
        else:  # an output that does not depend on x (a constant model) broadcasts
            rows = np.full(len(x), not np.isfinite(prediction).all())
        if self.step > 0:
            self._stop(translate("trainer", "Loss became {0} at step {1}").format(_kind(np.float64(value)), f"{step:,}"))
            return
        if not rows.any():   # finite outputs whose loss overflows: too large for the loss's float32
            largest = np.abs(prediction).reshape(-1)
            self.diverged = translate(
                "trainer", "The loss is {0} before any training step: the model's starting outputs are too large "
                           "(up to {1:.3g}) for the loss to be computed. Change the model or its initial values; a "
                           "smaller learning rate will not help").format(_kind(np.float64(value)),
                                                                         float(largest.max()) if largest.size else 0.0)
            return
        first = x.reshape(len(x), -1)[np.argmax(rows)]
        where = "x = " + (f"{first[0]:g}" if first.size == 1 else "(" + ", ".join(f"{v:g}" for v in first) + ")")
        if rows.all() and len(x) > 1:
            where = translate("trainer", "every x of the batch ({0})").format(where)
        self.diverged = translate(
            "trainer", "The model's output is {0} at {1} with its starting parameters, before any training "
                       "step: the model cannot be computed there (a division by zero, an overflowing power or "
                       "exp?). Change the model or its initial values, or the data's x range; a smaller learning "
                       "rate will not help").format(_kind(prediction), where)

    def _stop(self, what: str) -> None:
        self.diverged = translate("trainer", "{0} — try a smaller learning rate (it is {1})").format(what, f"{self._lr:g}")

    def snapshot(self) -> Snapshot:
        """Copies of the current state, with the model's predictions on `grid_x`."""
        params = {name: values.copy() for name, values in zip(self._names, self._values)}
        with np.errstate(all="ignore"), engine.no_grad():
            grad_norms = {name: 0.0 if p.grad is None else float(np.linalg.norm(p.grad.numpy().astype(np.float64)))
                          for name, p in zip(self._names, self._parameters)}
            grid_pred = (self.model(self._grid_input).numpy().astype(np.float64).reshape(-1)
                         if self._boundary_input is None else np.empty(0))
            boundary = None if self._boundary_input is None else self.boundary()
            neurons = None if self._boundary_input is None else self.neuron_maps()
            # 1-D regression without a test set has nothing beyond the step loss (and may have 10⁶ points)
            evaluation = self.evaluate() if self.problem != "regression" or len(self.test_index) \
                or self._boundary_input is not None else None
        return Snapshot(step=self.step, loss=self.last_loss, params=params, grad_norms=grad_norms,
                        grid_x=self.grid_x.copy(), grid_pred=grid_pred, diverged=self.diverged,
                        evaluation=evaluation, boundary=boundary, neurons=neurons)

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """The model's outputs turned into what the problem predicts: P(class 1) (n,) for binary,
        class probabilities (n, k) for multi-class, the value (n,) for regression."""
        with np.errstate(all="ignore"), engine.no_grad():
            out = self.model(engine.from_numpy(np.ascontiguousarray(inputs, np.float32))).numpy().astype(np.float64)
        if self.problem == "binary":
            return 1.0 / (1.0 + np.exp(-out.reshape(-1)))
        if self.problem == "multiclass":
            shifted = np.exp(out - out.max(axis=1, keepdims=True))
            return shifted / shifted.sum(axis=1, keepdims=True)
        return out.reshape(-1)

    def boundary(self) -> np.ndarray:
        """The model over the plane's BOUNDARY_CELLS² grid (see Snapshot.boundary), float32."""
        values = self.predict(self._boundary_input.numpy())
        return values.reshape(BOUNDARY_CELLS, BOUNDARY_CELLS, *values.shape[1:]).astype(np.float32)

    def neuron_maps(self) -> list[np.ndarray]:
        """Every unit's output over the NEURON_CELLS² grid, layer by layer (see Snapshot.neurons)."""
        x = self._neuron_input
        maps = [x.numpy().T.reshape(-1, NEURON_CELLS, NEURON_CELLS).copy()]
        layers = list(self.model.layers) if hasattr(self.model, "layers") else [self.model]
        with np.errstate(all="ignore"), engine.no_grad():
            for index, layer in enumerate(layers):
                x = layer(x)
                is_last = index == len(layers) - 1
                if is_last or not isinstance(layer, nn.Linear):   # after the activation (or the output)
                    maps.append(x.numpy().T.reshape(-1, NEURON_CELLS, NEURON_CELLS).astype(np.float32))
        return maps

    def evaluate(self) -> Evaluation:
        """Loss and accuracy on the whole training and test sets under the current parameters."""
        def measure(inputs, targets):
            if len(inputs) == 0:
                return None, None
            with np.errstate(all="ignore"), engine.no_grad():
                loss = self.loss_fn(self.model(engine.from_numpy(inputs)), engine.from_numpy(targets)).item()
            if self.problem == "regression":
                return loss, None
            predicted = self.predict(inputs)
            classes = predicted.argmax(axis=1) if predicted.ndim == 2 else (predicted > 0.5)
            return loss, float(np.mean(classes == targets.reshape(-1)))

        train_loss, train_accuracy = measure(self._inputs, self._targets)
        test_loss, test_accuracy = measure(self._test_inputs, self._test_targets)
        return Evaluation(self.step, train_loss, test_loss, train_accuracy, test_accuracy)

    def state_dict(self) -> dict[str, Any]:
        """Copies of what continuing this run needs besides its config and history: the step counter,
        the last loss, the divergence message, the parameters and their last gradients by name, the
        optimizer's state by parameter name and the minibatch sampler's place."""
        # PyTorch's optimizer state numbers the parameters in order; the session names them
        optimizer_state = {self._names[index]: {key: int(value.item()) if key == "step" else value.numpy().copy()
                                                for key, value in entry.items()}
                           for index, entry in self.optimizer.state_dict()["state"].items()}
        return {
            "step": self.step,
            "last_loss": self.last_loss,
            "diverged": self.diverged,
            "parameters": {name: values.copy() for name, values in zip(self._names, self._values)},
            "gradients": {name: p.grad.numpy().copy() for name, p in zip(self._names, self._parameters)
                          if p.grad is not None},
            "optimizer": optimizer_state,
            "sampler": self._sampler.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Continue the run that `state_dict()` described, on a trainer built from the same config (the
        learning rate and step limit may differ). Everything is checked before anything changes;
        a ValueError names the bad part, as in "parameters.w: has shape (2,), the model's is (1, 1)"."""
        shapes = {name: values.shape for name, values in zip(self._names, self._values)}
        parameters = _named_arrays(state.get("parameters"), "parameters", shapes, required=True)
        gradients = _named_arrays(state.get("gradients", {}), "gradients", shapes, required=False)
        optimizer_state = _optimizer_state(state.get("optimizer", {}), self.optimizer, shapes)
        step, last_loss, diverged = state.get("step"), state.get("last_loss"), state.get("diverged")
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError("step: must be a whole number ≥ 0")
        if isinstance(last_loss, bool) or not isinstance(last_loss, numbers.Real):
            raise ValueError("last_loss: must be a number")
        if diverged is not None and not isinstance(diverged, str):
            raise ValueError("diverged: must be text or null")
        sampler_state = state.get("sampler")
        if not isinstance(sampler_state, Mapping):
            raise ValueError("sampler: must be an object with epoch and position")

        self.reset()
        try:
            self._sampler.load_state_dict(sampler_state)
        except ValueError as error:
            self.reset()
            raise ValueError(f"sampler.{error}") from None
        by_name = dict(zip(self._names, self._parameters))
        with engine.no_grad():  # an in-place copy: graphs that saved the old values notice the new version
            for name, p in by_name.items():
                p.copy_(engine.from_numpy(np.asarray(parameters[name])))
        for name, grad in gradients.items():
            by_name[name].grad = engine.from_numpy(grad.astype(by_name[name].detach().numpy().dtype))
        optimizer = self.optimizer.state_dict()  # keeps this run's settings (its learning rate)
        index = {name: i for i, name in enumerate(self._names)}
        optimizer["state"] = {index[name]: {key: value if key == "step" else engine.from_numpy(np.asarray(value))
                                            for key, value in entry.items()}
                              for name, entry in optimizer_state.items()}
        self.optimizer.load_state_dict(optimizer)
        self.step, self.last_loss, self.diverged = int(step), float(last_loss), diverged

    def loss_graph(self):
        """The loss of the batch the next step will use, from a fresh forward with its graph (no step).

        The batch is copied, so the graph stays valid while training goes on.
        """
        x, y = (engine.from_numpy(a.copy()) for a in self._sampler.peek_batch())
        return self._regularized(self.loss_fn(self.model(x), y))


def _plane_grid(cells: int) -> np.ndarray:
    """Cell centres over [-6, 6]², row by row from x₂ = -6 up, as (cells², 2) points (x₁, x₂)."""
    centers = (np.arange(cells) + 0.5) / cells * 2 * HALF_WIDTH - HALF_WIDTH
    x1, x2 = np.meshgrid(centers, centers)
    return np.stack([x1.reshape(-1), x2.reshape(-1)], axis=1)


def _named_arrays(data: Any, where: str, shapes: dict[str, tuple[int, ...]], required: bool) -> dict[str, np.ndarray]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: must map parameter names to arrays")
    unknown = [name for name in data if name not in shapes]
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: the model has no parameter named {unknown[0]!r}; "
                         f"its parameters are {', '.join(shapes)}")
    if required:
        missing = [name for name in shapes if name not in data]
        if missing:
            raise ValueError(f"{where}.{missing[0]}: missing (the model's parameters are {', '.join(shapes)})")
    arrays = {}
    for name, value in data.items():
        array = np.asarray(value)
        if array.shape != shapes[name]:
            raise ValueError(f"{where}.{name}: has shape {tuple(array.shape)} where the model needs {shapes[name]}")
        if array.dtype.kind not in "fiu":
            raise ValueError(f"{where}.{name}: must hold numbers")
        arrays[name] = array
    return arrays


def _optimizer_state(data: Any, optimizer: optim.Optimizer, shapes: dict[str, tuple[int, ...]]) -> dict[str, dict]:
    """The optimizer state by parameter name, checked against the kind of optimizer it will go into."""
    if not isinstance(data, Mapping):
        raise ValueError("optimizer: must map parameter names to their optimizer state")
    keys = set(optimizer.state_keys(optimizer.param_groups[0]))
    arrays, scalars = keys - {"step"}, keys & {"step"}
    entries = {}
    for name, entry in data.items():
        where = f"optimizer.{name}"
        if name not in shapes:
            raise ValueError(f"{where}: the model has no parameter named {name!r}")
        if not isinstance(entry, Mapping) or set(entry) != arrays | scalars:
            expected = ", ".join(sorted(arrays | scalars)) or "no state (plain SGD)"
            raise ValueError(f"{where}: does not fit the {type(optimizer).__name__} optimizer, "
                             f"which keeps {expected}")
        checked = dict(_named_arrays({key: entry[key] for key in arrays}, where, dict.fromkeys(arrays, shapes[name]),
                                     required=True))
        for key in scalars:
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{where}.{key}: must be a whole number ≥ 1")
            checked[key] = int(value)
        entries[name] = checked
    return entries


def _norm(values: np.ndarray) -> float:
    flat = values.reshape(-1)
    square = float(flat.dot(flat))
    if not math.isfinite(square):   # float32 squares overflow long before the values do
        flat = flat.astype(np.float64)
        square = float(flat.dot(flat))
    return math.sqrt(square)


def _kind(values: np.ndarray) -> str:
    return "NaN" if np.isnan(values).any() else "Inf"
