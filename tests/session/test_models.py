"""Model builders: parameter names and shapes as PyTorch would name them, seeded initialisation."""
import numpy as np
import pytest

import engine
from engine.session.config import ModelConfig
from engine.session.choices import build_model
from engine.session.models import reserved_parameter_names

SHAPES = [
    (ModelConfig(kind="linear"), {"w": (1, 1), "b": (1,)}),
    (ModelConfig(kind="polynomial", degree=3), {"c0": (), "c1": (), "c2": (), "c3": ()}),
    (ModelConfig(kind="mlp", hidden=(16, 8)),
     {"layers.0.weight": (16, 1), "layers.0.bias": (16,), "layers.2.weight": (8, 16), "layers.2.bias": (8,),
      "layers.4.weight": (1, 8), "layers.4.bias": (1,)}),
    (ModelConfig(kind="expression", expression="a * sin(w * x) + c"), {"a": (), "w": (), "c": ()}),
]


@pytest.mark.parametrize("config, shapes", SHAPES, ids=lambda v: getattr(v, "kind", ""))
def test_parameter_names_and_shapes(config, shapes):
    model = build_model(config, (0.0, 5.0), seed=0)
    assert {name: tuple(p.shape) for name, p in model.named_parameters()} == shapes
    assert all(p.requires_grad and p.is_leaf for p in model.parameters())


@pytest.mark.parametrize("config", [config for config, _ in SHAPES], ids=lambda c: c.kind)
def test_maps_a_column_of_inputs_to_a_column_of_predictions(config):
    model = build_model(config, (0.0, 5.0), seed=0)
    x = engine.from_numpy(np.linspace(0, 5, 7, dtype=np.float32).reshape(-1, 1))
    assert tuple(model(x).shape) == (7, 1)


@pytest.mark.parametrize("kind", ["linear", "polynomial", "mlp"])
def test_initialisation_follows_the_seed(kind):
    def initial(seed):
        model = build_model(ModelConfig(kind=kind), (0.0, 5.0), seed)
        return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])

    np.testing.assert_array_equal(initial(3), initial(3))
    assert not np.array_equal(initial(3), initial(4))


def test_linear_model_is_w_times_x_plus_b():
    model = build_model(ModelConfig(kind="linear"), (0.0, 1.0), seed=0)
    w, b = model.w.item(), model.b.item()
    x = engine.tensor([[0.0], [2.0]])
    np.testing.assert_allclose(model(x).detach().numpy().ravel(), [b, 2 * w + b], rtol=1e-6)


def test_polynomial_works_on_x_rescaled_to_unit_range():
    model = build_model(ModelConfig(kind="polynomial", degree=2), (100.0, 300.0), seed=0)
    c = [getattr(model, f"c{k}").item() for k in range(3)]
    x = engine.tensor([[100.0], [200.0], [300.0]])
    expected = [c[0] + c[1] * u + c[2] * u**2 for u in (-1.0, 0.0, 1.0)]
    np.testing.assert_allclose(model(x).detach().numpy().ravel(), expected, rtol=1e-5)


def test_expression_parameters_start_at_given_values_or_one():
    model = build_model(ModelConfig(kind="expression", expression="a * x + c", initial={"a": 2.5}), (0, 1), 0)
    assert {name: p.item() for name, p in model.named_parameters()} == {"a": 2.5, "c": 1.0}


def test_module_attributes_are_reserved_parameter_names():
    assert {"train", "eval", "forward", "parameters", "training"} <= reserved_parameter_names()
    assert "a" not in reserved_parameter_names()
