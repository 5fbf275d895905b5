"""2-D data sets, features, the train/test split, classification losses and regularisation in the
session layer: configs, the trainer's evaluations and boundary, session files and the CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig, input_size, problem_of
from engine.session.validation import validate
from engine.session.datasets2d import DATA_SHAPES, FEATURES, feature_matrix, make_points, split_indices
from engine.session.trainer import BOUNDARY_CELLS, Trainer

ALL_FEATURES = tuple(FEATURES)


def plane_config(shape="xor", hidden=(4,), features=("x1", "x2"), loss="bce_with_logits", steps=1000, classes=2,
                 kind="mlp", activation="tanh", **training) -> SessionConfig:
    return SessionConfig(
        model=ModelConfig(kind=kind, hidden=hidden, activation=activation),
        data=DataConfig(source="shapes", shape=shape, n_points=400, noise=0.0, features=features, test_fraction=0.5,
                        batch_size=10, seed=1, classes=classes),
        training=TrainingConfig(optimizer="adam", lr=0.03, steps=steps, loss=loss, seed=0, **training))


def train(config: SessionConfig) -> Trainer:
    trainer = Trainer(config, engine_kind="eager")
    for _ in trainer.run():
        pass
    return trainer


@pytest.mark.parametrize("shape", list(DATA_SHAPES))
def test_each_data_set_is_seeded_and_in_the_plane(shape):
    points, targets = make_points(shape, 300, 0.2, 3, seed=7)
    again, _ = make_points(shape, 300, 0.2, 3, seed=7)
    other, _ = make_points(shape, 300, 0.2, 3, seed=8)
    assert points.shape == (300, 2) and targets.shape == (300,)
    assert np.array_equal(points, again) and not np.array_equal(points, other)
    assert np.abs(points).max() < 9
    if DATA_SHAPES[shape].problem == "classification":
        classes = 3 if DATA_SHAPES[shape].any_classes else 2
        assert set(np.unique(targets)) == set(range(classes))
    else:
        assert np.all(np.abs(targets) <= 1) and targets.std() > 0.1


def test_exclusive_or_labels_follow_the_quadrants_without_noise():
    points, labels = make_points("xor", 500, 0.0, 2, seed=0)
    assert np.array_equal(labels, (points[:, 0] * points[:, 1] >= 0).astype(int))


def test_features_are_scaled_columns_in_the_chosen_order():
    points = np.array([[6.0, -3.0], [0.0, 1.5]])
    matrix = feature_matrix(points, ("x1*x2", "x1", "sin(x2)"))
    np.testing.assert_allclose(matrix, [[-0.5, 1.0, np.sin(-3.0)], [0.0, 0.0, np.sin(1.5)]], rtol=1e-6)
    assert matrix.dtype == np.float32


def test_split_is_seeded_disjoint_and_keeps_a_training_row():
    train, test = split_indices(100, 0.3, seed=5)
    assert len(test) == 30 and len(train) == 70 and not set(train) & set(test)
    assert np.array_equal(test, split_indices(100, 0.3, seed=5)[1])
    assert not np.array_equal(test, split_indices(100, 0.3, seed=6)[1])
    assert len(split_indices(3, 0.9, seed=0)[0]) == 1
    assert len(split_indices(10, 0.0, seed=0)[1]) == 0


def test_problem_and_input_size_follow_the_data():
    assert problem_of(DataConfig()) == "regression" and input_size(DataConfig()) == 1
    assert problem_of(DataConfig(source="shapes", shape="circle")) == "binary"
    assert problem_of(DataConfig(source="shapes", shape="spiral", classes=4)) == "multiclass"
    assert problem_of(DataConfig(source="shapes", shape="plane")) == "regression"
    assert input_size(DataConfig(source="shapes", features=ALL_FEATURES)) == 7


@pytest.mark.parametrize("change, field", [
    (dict(data=dict(shape="moons")), "data.shape"),
    (dict(data=dict(noise=0.7)), "data.noise"),
    (dict(data=dict(features=())), "data.features"),
    (dict(data=dict(features=("x1", "x3"))), "data.features"),
    (dict(data=dict(features=("x1", "x1"))), "data.features"),
    (dict(data=dict(test_fraction=0.95)), "data.test_fraction"),
    (dict(data=dict(shape="spiral", classes=1)), "data.classes"),
    (dict(data=dict(batch_size=300)), "data.batch_size"),   # 200 training rows of 400
    (dict(training=dict(loss="mse")), "training.loss"),
    (dict(training=dict(regularization="l3")), "training.regularization"),
    (dict(training=dict(regularization_rate=-1.0)), "training.regularization_rate"),
    (dict(model=dict(kind="polynomial")), "model.kind"),
])
def test_bad_settings_name_their_field(change, field):
    config = plane_config()
    for section, values in change.items():
        for key, value in values.items():
            setattr(getattr(config, section), key, value)
    assert field in [error.field for error in validate(config)]


def test_multiclass_needs_cross_entropy():
    config = plane_config(shape="spiral", classes=3)
    assert [e.field for e in validate(config)] == ["training.loss"]
    assert "cross_entropy" in validate(config)[0].message
    config.training.loss = "cross_entropy"
    assert validate(config) == []


def test_session_dict_round_trips_the_new_settings():
    config = plane_config(shape="spiral", classes=3, loss="cross_entropy", features=("x1", "sin(x2)"),
                          regularization="l1", regularization_rate=0.003)
    again = SessionConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config and again.data.features == ("x1", "sin(x2)")


def test_old_sessions_keep_their_meaning():
    config = SessionConfig.from_dict({"schema": 1, "model": {"kind": "linear"}})
    assert config.data.test_fraction == 0.0 and config.training.regularization == "none"
    trainer = Trainer(config, engine_kind="eager")
    assert len(trainer.test_index) == 0 and trainer.snapshot().boundary is None


def test_exclusive_or_with_one_hidden_layer_of_four_tanh_reaches_98_percent():
    # four tanh units can settle in one of exclusive-or's local minima (~95%) from some starts:
    # of four seeded starts, at least three must reach 98% on the test half
    reached = []
    for seed in range(4):
        config = plane_config("xor", hidden=(4,), steps=1000)
        config.training.seed = seed
        reached.append(train(config).evaluate().test_accuracy >= 0.98)
    assert sum(reached) >= 3, reached


def test_spiral_with_all_features_reaches_95_percent_within_2000_steps():
    config = plane_config("spiral", hidden=(8, 8), features=ALL_FEATURES, steps=2000)
    assert train(config).evaluate().test_accuracy >= 0.95


def test_a_linear_model_cannot_learn_exclusive_or():
    evaluation = train(plane_config("xor", kind="linear", steps=1000)).evaluate()
    assert evaluation.test_accuracy < 0.7


def test_multiclass_spiral_learns_and_its_boundary_holds_probabilities():
    trainer = train(plane_config("spiral", hidden=(16, 16), features=ALL_FEATURES, classes=3, loss="cross_entropy",
                                 steps=1500))
    snapshot = trainer.snapshot()
    assert snapshot.evaluation.train_accuracy > 0.9
    assert snapshot.boundary.shape == (BOUNDARY_CELLS, BOUNDARY_CELLS, 3)
    np.testing.assert_allclose(snapshot.boundary.sum(axis=2), 1.0, rtol=1e-4)


def test_binary_boundary_is_the_probability_at_each_cell():
    trainer = train(plane_config("xor", steps=300))
    boundary = trainer.snapshot().boundary
    assert boundary.shape == (BOUNDARY_CELLS, BOUNDARY_CELLS) and 0 <= boundary.min() and boundary.max() <= 1
    # row = x₂, column = x₁: the quadrant x₁ > 0, x₂ > 0 (top right) is class 1, x₁ < 0 < x₂ is class 0
    assert boundary[85, 85] > 0.5 and boundary[85, 15] < 0.5


def test_regression_in_the_plane_fits_the_plane():
    trainer = train(plane_config("plane", loss="mse", steps=500))
    evaluation = trainer.evaluate()
    assert evaluation.test_loss < 0.01 and evaluation.test_accuracy is None


def test_evaluation_losses_are_the_loss_over_each_set():
    trainer = train(plane_config("xor", steps=50))
    evaluation = trainer.evaluate()
    p = trainer.predict(trainer._test_inputs)
    y = trainer._test_targets.reshape(-1)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert evaluation.test_loss == pytest.approx(expected, rel=1e-4)
    assert evaluation.test_accuracy == pytest.approx(np.mean((p > 0.5) == y))


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_regularisation_adds_rate_times_the_weight_penalty_to_the_step_loss(kind):
    plain = Trainer(plane_config("xor"), engine_kind="eager")
    regular = Trainer(plane_config("xor", regularization=kind, regularization_rate=0.1), engine_kind="eager")
    weights = [p.detach().numpy() for name, p in regular.model.named_parameters() if name.endswith("weight")]
    penalty = sum(np.abs(w).sum() if kind == "l1" else (w ** 2).sum() for w in weights)
    assert regular.train_step() == pytest.approx(plain.train_step() + 0.1 * penalty, rel=1e-5)


def test_l2_shrinks_the_weights():
    def weight_norm(**training):
        trainer = train(plane_config("xor", steps=500, **training))
        return sum(np.abs(p.detach().numpy()).sum() for n, p in trainer.model.named_parameters() if "weight" in n)
    assert weight_norm(regularization="l2", regularization_rate=0.05) < 0.5 * weight_norm()


def test_activation_linear_makes_the_mlp_a_linear_map():
    trainer = Trainer(plane_config("plane", loss="mse", activation="linear", hidden=(5, 3)), engine_kind="eager")
    a, b = np.array([[0.1, 0.2]], np.float32), np.array([[0.4, -0.3]], np.float32)
    f = trainer.predict
    np.testing.assert_allclose(f(a + b) - f(b), f(a) - f(np.zeros_like(a)), atol=1e-6)


def test_one_dimensional_regression_with_a_test_split_reports_test_loss():
    config = SessionConfig(data=DataConfig(test_fraction=0.25), training=TrainingConfig(steps=200))
    trainer = train(config)
    evaluation = trainer.snapshot().evaluation
    assert len(trainer.test_index) == 25 and evaluation.test_loss is not None
    assert evaluation.train_accuracy is None and evaluation.test_loss < 5.0


def test_cli_prints_test_loss_and_accuracy(tmp_path, capsys):
    from engine.session.cli import main
    from engine.session.session_file import write_session_file

    path = write_session_file(tmp_path / "xor.json", plane_config("xor", steps=600))
    assert main([str(path), "--out", str(tmp_path / "run"), "--no-plots", "--quiet"]) == 0
    out = capsys.readouterr().out
    line = [text for text in out.splitlines() if "test accuracy" in text]
    assert line and "test loss" in line[0]
    accuracy = float(line[0].rsplit("test accuracy ", 1)[1].rstrip("%"))
    assert accuracy >= 95.0


def test_a_session_file_reopens_a_trained_classifier_where_it_stopped(tmp_path):
    from engine.session.session_file import read_session_file, write_session_file

    config = plane_config("spiral", hidden=(8,), classes=3, loss="cross_entropy", steps=100,
                          regularization="l2", regularization_rate=0.001)
    trainer = train(config)
    path = write_session_file(tmp_path / "spiral.json", config, trainer)
    session = read_session_file(path, lambda c: Trainer(c, engine_kind="eager"))
    assert session.config == config and session.trainer.step == 100
    np.testing.assert_array_equal(session.trainer.snapshot().boundary, trainer.snapshot().boundary)
    assert session.trainer.train_step() == trainer.train_step()


def test_the_graph_of_a_classification_step_names_cross_entropy():
    from engine.session.graph_build import training_step_graph

    trainer = Trainer(plane_config("spiral", hidden=(4,), classes=3, loss="cross_entropy"), engine_kind="eager")
    graph = training_step_graph(trainer)
    labels = {node.label for node in graph.nodes.values()}
    assert {"NllLossBackward0", "LogSoftmaxBackward0", "target", "x", "layers.0.weight"} <= labels


@pytest.mark.parametrize("loss, shape, classes", [("bce_with_logits", "xor", 2), ("cross_entropy", "spiral", 3)])
def test_the_compiled_engine_trains_classifiers_as_eager_or_says_why_not(loss, shape, classes):
    config = plane_config(shape, loss=loss, classes=classes, steps=150)
    compiled, eager = Trainer(config), Trainer(config, engine_kind="eager")
    while compiled.step < 150:
        assert compiled.train_steps(50) > 0
    for _ in eager.run():
        pass
    for (name, a), b in zip(compiled.snapshot().params.items(), eager.snapshot().params.values()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=name)
    if compiled.engine_status == "eager":
        assert "template" in compiled.engine_reason   # the loss's op, named
