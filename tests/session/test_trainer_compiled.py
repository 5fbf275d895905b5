"""The Trainer's compiled engine against its eager engine: every model kind, optimizer and loss the
app offers (the expression model with every function the parser accepts in one formula), with
the minibatch sampler drawing the same batches; divergence undone and reported as eager does.

The cases cover each kind, optimizer and loss (not their full product): each case is one cold
numba compile, paid once per machine thanks to the shared NUMBA_CACHE_DIR.
"""
from __future__ import annotations

import numpy as np
import pytest

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.expression import FUNCTIONS
from engine.session.trainer import Trainer

EVERY_FUNCTION = ("a*sin(w*x) + b*cos(x) + c*tan(x/8) + d*exp(-x/4) + log(x + 2)*e + f*sqrt(abs(x) + 1)"
                  " + tanh(g*x) + sigmoid(h*x) + relu(x - 1)*k + atan(m*x)")
EXACT = "exact"  # bit-identical parameters; otherwise within float32 rounding (matmul order, tanh, sin…)

CASES = [
    # model, optimizer, loss, exact
    (ModelConfig(kind="linear"), "sgd", "mse", EXACT),
    (ModelConfig(kind="linear"), "momentum", "half_sse", EXACT),
    (ModelConfig(kind="linear"), "adam", "mse", EXACT),
    (ModelConfig(kind="polynomial", degree=3), "adam", "half_sse", EXACT),
    (ModelConfig(kind="mlp", hidden=(16, 16), activation="tanh"), "adam", "mse", None),
    (ModelConfig(kind="mlp", hidden=(8,), activation="relu"), "sgd", "half_sse", None),
    (ModelConfig(kind="mlp", hidden=(8,), activation="sigmoid"), "momentum", "mse", None),
    (ModelConfig(kind="expression", expression=EVERY_FUNCTION), "adam", "mse", None),
]


def test_the_expression_case_uses_every_parser_function():
    assert all(f"{name}(" in EVERY_FUNCTION for name in FUNCTIONS)


def _config(model, optimizer, loss, lr=0.01, steps=300, batch=8):
    return SessionConfig(model=model, data=DataConfig(n_points=64, batch_size=batch, x_min=-2.0, x_max=3.0),
                         training=TrainingConfig(optimizer=optimizer, lr=lr, loss=loss, steps=steps, seed=3))


def _train_compiled(trainer: Trainer, steps: int) -> None:
    trainer.train_steps(1)
    trainer.train_steps(1)
    if trainer._compiled is not None:
        trainer._compiled.wait()
    while trainer.step < steps and trainer.train_steps(37):
        pass


@pytest.mark.parametrize("model, optimizer, loss, exact", CASES,
                         ids=[f"{m.kind}-{m.activation if m.kind == 'mlp' else ''}-{o}-{l}" for m, o, l, _ in CASES])
def test_compiled_training_matches_eager(model, optimizer, loss, exact):
    config = _config(model, optimizer, loss)
    eager = Trainer(config, engine_kind="eager")
    for _ in range(300):
        eager.train_step()
    compiled = Trainer(config)
    _train_compiled(compiled, 300)
    assert compiled.engine_status == "compiled" and compiled.engine_reason is None
    assert compiled.step == eager.step == 300 and compiled.diverged is None
    for name, a, b in zip(eager._names, eager._values, compiled._values):
        if exact:
            assert a.tobytes() == b.tobytes(), name
        else:
            np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5, err_msg=name)
    # the same batches in the same order: the sampler ends where eager's does
    assert compiled._sampler.state_dict() == eager._sampler.state_dict()
    # a history row per step, parameters included
    rows_e, rows_c = eager.history.rows(), compiled.history.rows()
    np.testing.assert_array_equal(rows_c[:, 0], rows_e[:, 0])
    np.testing.assert_allclose(rows_c[:, 2], rows_e[:, 2], rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(rows_c[:, 3:], rows_e[:, 3:], rtol=1e-4, atol=1e-5)
    # optimizer state as eager leaves it
    for p, q in zip(eager._parameters, compiled._parameters):
        s, t = eager.optimizer.state.get(p), compiled.optimizer.state.get(q)
        assert (s is None) == (t is None)
        if isinstance(s, dict):
            assert s["step"] == t["step"] == 300
            np.testing.assert_allclose(t["exp_avg"], s["exp_avg"], rtol=1e-3, atol=1e-5)


def test_divergence_is_reported_at_the_same_step_as_eager():
    config = _config(ModelConfig(kind="linear"), "sgd", "half_sse", lr=5.0, steps=400)
    eager = Trainer(config, engine_kind="eager")
    while eager.diverged is None and eager.step < 400:
        eager.train_step()
    compiled = Trainer(config)
    _train_compiled(compiled, 400)
    assert eager.diverged is not None
    assert compiled.diverged == eager.diverged and compiled.step == eager.step
    for a, b in zip(eager._values, compiled._values):
        assert a.tobytes() == b.tobytes()


def test_the_eager_engine_never_compiles():
    trainer = Trainer(_config(ModelConfig(kind="linear"), "sgd", "mse"), engine_kind="eager")
    assert trainer.train_steps(20) == 20
    assert trainer.engine_status == "eager" and trainer.engine_reason


def test_train_steps_stops_at_the_step_limit():
    trainer = Trainer(_config(ModelConfig(kind="linear"), "sgd", "mse", steps=50))
    done = 0
    while True:
        n = trainer.train_steps(30)
        if not n:
            break
        done += n
        trainer._compiled.wait()
    assert done == 50 and trainer.step == 50
