"""The trainer: each model learns its natural data, divergence stops cleanly, snapshots are copies,
learning-rate changes apply at the next step and reset replays the same run."""
import itertools
import math
import threading

import numpy as np
import pytest

from engine.session.config import ConfigError, DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.trainer import GRID_POINTS, Snapshot, Trainer


def session(model=None, data=None, training=None) -> SessionConfig:
    return SessionConfig(model=ModelConfig(**(model or {})), data=DataConfig(**(data or {})),
                         training=TrainingConfig(**(training or {})))


LINE = {"noise_std": 0.1, "n_points": 200}
LEARNS = [
    # model, data, training, the parameters it should reach
    ({"kind": "linear"}, LINE, {"steps": 3000}, {"w": 2.0, "b": 3.0}),
    ({"kind": "linear"}, LINE, {"steps": 2000, "optimizer": "momentum", "lr": 0.005}, {"w": 2.0, "b": 3.0}),
    ({"kind": "linear"}, LINE, {"steps": 2000, "optimizer": "adam", "lr": 0.05}, {"w": 2.0, "b": 3.0}),
    ({"kind": "linear"}, LINE, {"steps": 2000, "loss": "half_sse", "lr": 0.01}, {"w": 2.0, "b": 3.0}),
    # x in [-2, 2] is u = x/2 in [-1, 1]: x² − x = 4u² − 2u
    ({"kind": "polynomial", "degree": 2},
     {"truth": "x**2 - x", "x_min": -2, "x_max": 2, "noise_std": 0.1, "batch_size": 16},
     {"steps": 2000, "lr": 0.1}, {"c0": 0.0, "c1": -2.0, "c2": 4.0}),
    ({"kind": "mlp", "hidden": (16, 16)},
     {"truth": "sin(2*x)", "x_min": -2, "x_max": 2, "noise_std": 0.05, "batch_size": 16},
     {"steps": 2000, "optimizer": "adam", "lr": 0.01}, {}),
    ({"kind": "expression", "expression": "a * sin(w * x) + c", "initial": {"w": 1.2}},
     {"truth": "2*sin(1.5*x) + 1", "x_min": -3, "x_max": 3, "noise_std": 0.05, "batch_size": 16},
     {"steps": 2000, "optimizer": "adam", "lr": 0.05}, {"a": 2.0, "w": 1.5, "c": 1.0}),
]


@pytest.mark.parametrize("model, data, training, expected", LEARNS,
                         ids=lambda v: "-".join(str(x) for x in v.values()) if isinstance(v, dict) and "kind" in v else None)
def test_each_model_learns_its_natural_data(model, data, training, expected):
    trainer = Trainer(session(model, data, training))
    losses = list(trainer.run())
    assert len(losses) == training["steps"] == trainer.step
    assert np.mean(losses[-50:]) < 0.1 * np.mean(losses[:10])
    params = trainer.snapshot().params
    for name, value in expected.items():
        assert params[name].item() == pytest.approx(value, abs=0.1)


def test_default_session_fits_the_least_squares_line():
    trainer = Trainer(SessionConfig())
    trainer.config.training.steps = 5000
    list(trainer.run())
    w, b = np.polyfit(trainer.data_x, trainer.data_y, 1)
    params = trainer.snapshot().params
    assert params["w"].item() == pytest.approx(w, abs=0.15)
    assert params["b"].item() == pytest.approx(b, abs=0.4)


def test_half_sse_is_half_the_sum_of_squares():
    trainer = Trainer(session(training={"loss": "half_sse"}))
    loss = trainer.loss_graph()
    x, y = (a.copy() for a in trainer._sampler.peek_batch())
    w, b = trainer.model.w.item(), trainer.model.b.item()
    assert loss.item() == pytest.approx(0.5 * np.sum((w * x + b - y) ** 2), rel=1e-5)


def test_run_stops_after_the_configured_steps_and_resumes_nowhere():
    trainer = Trainer(session(training={"steps": 30}))
    assert len(list(itertools.islice(trainer.run(), 10))) == 10
    assert len(list(trainer.run())) == 20  # a new generator continues up to the total
    assert list(trainer.run()) == []
    assert trainer.step == 30


def test_run_without_a_step_limit_goes_on():
    trainer = Trainer(session(training={"steps": None}))
    assert len(list(itertools.islice(trainer.run(), 700))) == 700


DIVERGES = [
    # model, training, words in the message
    ({"kind": "linear"}, {"lr": 10.0}, "Loss became Inf at step"),
    ({"kind": "mlp"}, {"lr": 1e6, "optimizer": "momentum"}, "at step"),
    ({"kind": "expression", "expression": "sqrt(a) * x + c", "initial": {"a": 0.0}}, {},
     "The gradient of 'a' became Inf at step 1 (Function 'SqrtBackward0' returned nan or inf values"),
    ({"kind": "linear"}, {"lr": 1e38}, "Parameter 'w' became Inf at step 1 "),
]


@pytest.mark.parametrize("model, training, words", DIVERGES)
def test_divergence_stops_with_a_message_and_keeps_finite_parameters(model, training, words):
    trainer = Trainer(session(model, training=training | {"steps": 10_000}))
    before = trainer.snapshot()
    losses = list(trainer.run())
    assert len(losses) == trainer.step < 10_000
    assert all(math.isfinite(loss) for loss in losses)
    assert words in trainer.diverged
    assert f"at step {trainer.step + 1} " in trainer.diverged
    assert "try a smaller learning rate" in trainer.diverged
    snapshot = trainer.snapshot()
    assert snapshot.diverged == trainer.diverged and snapshot.step == trainer.step
    assert all(np.isfinite(values).all() for values in snapshot.params.values())
    if trainer.step == 0:  # the one step tried was not applied
        for name, values in before.params.items():
            np.testing.assert_array_equal(snapshot.params[name], values)
    assert math.isnan(trainer.train_step()) and trainer.step == len(losses)


def test_set_lr_changes_the_size_of_the_next_update():
    def update_after(steps: int, new_lr: float | None) -> np.ndarray:
        trainer = Trainer(session(training={"steps": None}))
        list(itertools.islice(trainer.run(), steps))
        if new_lr is not None:
            trainer.set_lr(new_lr)
        before = trainer.snapshot().params["w"]
        trainer.train_step()
        return trainer.snapshot().params["w"] - before

    plain = update_after(5, None)
    faster = update_after(5, 0.2)  # ten times the default 0.02: the same gradient, ten times the step
    np.testing.assert_allclose(faster, 10 * plain, rtol=1e-4)


def test_set_lr_is_kept_by_reset_and_checked():
    trainer = Trainer(SessionConfig())
    trainer.set_lr(0.05)
    assert trainer.lr == 0.05
    trainer.train_step()
    assert trainer.optimizer.param_groups[0]["lr"] == 0.05
    trainer.reset()
    assert trainer.optimizer.param_groups[0]["lr"] == 0.05
    for bad in [0, -1.0, math.nan, math.inf, "0.1", True]:
        with pytest.raises(ConfigError):
            trainer.set_lr(bad)


def test_set_lr_from_another_thread_reaches_the_loop():
    trainer = Trainer(session(training={"steps": None}))
    steps = trainer.run()
    next(steps)
    thread = threading.Thread(target=trainer.set_lr, args=(0.001,))
    thread.start()
    thread.join()
    next(steps)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.001


def test_snapshots_are_copies():
    trainer = Trainer(SessionConfig())
    trainer.train_step()
    first = trainer.snapshot()
    kept = {name: values.copy() for name, values in first.params.items()}
    for values in [*first.params.values(), first.grid_x, first.grid_pred]:
        values[...] = 1e9
    second = trainer.snapshot()
    for name, values in second.params.items():
        np.testing.assert_array_equal(values, kept[name])
    assert second.grid_x.max() == trainer.data_x.max() or second.grid_x.max() <= 5.0
    assert np.all(second.grid_pred < 1e8)
    trainer.train_step()
    assert not np.array_equal(trainer.snapshot().params["w"], kept["w"])
    np.testing.assert_array_equal(second.params["w"], kept["w"])  # an old snapshot does not follow training


def test_snapshot_contents():
    trainer = Trainer(SessionConfig())
    start = trainer.snapshot()
    assert isinstance(start, Snapshot)
    assert start.step == 0 and math.isfinite(start.loss) and start.diverged is None
    assert start.grad_norms == {"w": 0.0, "b": 0.0}
    assert start.grid_x.shape == start.grid_pred.shape == (GRID_POINTS,)
    assert start.grid_x[0] == 0.0 and start.grid_x[-1] == 5.0
    w, b = start.params["w"].item(), start.params["b"].item()
    np.testing.assert_allclose(start.grid_pred, w * start.grid_x + b, rtol=1e-5, atol=1e-6)
    loss = trainer.train_step()
    after = trainer.snapshot()
    assert after.step == 1 and after.loss == loss
    assert all(norm > 0 for norm in after.grad_norms.values())
    assert after.grid_pred.dtype == np.float64


def test_data_and_true_curve_for_the_fit_plot():
    trainer = Trainer(SessionConfig())
    assert trainer.data_x.shape == trainer.data_y.shape == (100,)
    np.testing.assert_allclose(trainer.truth_y, 2 * trainer.truth_x + 3)


def test_csv_data_has_no_true_curve_and_plots_over_its_range(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("t,v\n" + "".join(f"{t},{2 * t}\n" for t in range(10, 20)))
    trainer = Trainer(session(data={"source": "csv", "csv_path": str(path), "x_column": "t", "y_column": "v"}))
    assert trainer.truth_x is None and trainer.truth_y is None
    snapshot = trainer.snapshot()
    assert snapshot.grid_x[0] == 10.0 and snapshot.grid_x[-1] == 19.0


def test_reset_replays_the_same_run():
    trainer = Trainer(session(model={"kind": "mlp"}, training={"optimizer": "adam", "steps": None}))
    first = list(itertools.islice(trainer.run(), 25))
    trainer.reset()
    assert trainer.step == 0 and trainer.diverged is None
    assert list(itertools.islice(trainer.run(), 25)) == first
    assert list(itertools.islice(Trainer(trainer.config).run(), 25)) == first


def test_reset_clears_divergence():
    trainer = Trainer(session(training={"lr": 10.0}))
    list(trainer.run())
    assert trainer.diverged
    trainer.reset()
    assert trainer.diverged is None and trainer.step == 0


def test_loss_graph_is_a_fresh_forward_without_a_step():
    trainer = Trainer(SessionConfig())
    loss = trainer.loss_graph()
    assert type(loss.grad_fn).__name__ == "MseLossBackward0"
    assert loss.item() == pytest.approx(trainer.snapshot().loss)
    loss.backward()
    assert trainer.step == 0
    assert trainer.train_step() == pytest.approx(loss.item())  # the batch the next step uses


def test_invalid_config_raises_its_first_error():
    with pytest.raises(ConfigError) as caught:
        Trainer(session(data={"noise_std": -1.0}))
    assert caught.value.field == "data.noise_std"


def test_trainer_keeps_its_own_copy_of_the_config():
    config = SessionConfig()
    trainer = Trainer(config)
    config.training.steps = 3
    assert trainer.config.training.steps == 500


@pytest.mark.parametrize("expression, where", [("a/(x-x)", "every x of the batch (x = "),
                                               ("a*x**1e9", "at x = "), ("exp(exp(exp(a*x)))", "at x = ")])
def test_a_model_not_finite_at_the_start_says_so_and_where_not_to_lower_the_learning_rate(expression, where):
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="expression", expression=expression, initial={"a": 1.0}),
                                    data=DataConfig(x_min=0.5, x_max=5.0)))
    assert list(trainer.run()) == []
    message = trainer.diverged
    assert message.startswith("The model's output is Inf at ") and where in message
    assert "before any training step" in message and "try a smaller learning rate" not in message
    x = float(message.split("x = ")[1].split(")")[0].split(" ")[0])
    assert 0.5 <= x <= 5.0
    if expression == "a*x**1e9":
        assert x > 1.0   # x**1e9 overflows only above 1: the x named is one where it does
    assert trainer.step == 0


def test_a_run_that_diverges_after_updates_still_advises_the_learning_rate():
    trainer = Trainer(SessionConfig(training=TrainingConfig(lr=10.0, steps=200)))
    list(trainer.run())
    assert trainer.step > 0 and "try a smaller learning rate (it is 10)" in trainer.diverged


def test_finite_outputs_whose_loss_overflows_at_the_start_are_not_blamed_on_the_learning_rate():
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="expression", expression="a * x", initial={"a": 1e25})))
    assert list(trainer.run()) == []
    assert trainer.diverged.startswith("The loss is Inf before any training step")
    assert "up to" in trainer.diverged and "try a smaller learning rate" not in trainer.diverged
