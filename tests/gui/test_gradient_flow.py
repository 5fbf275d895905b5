"""The gradient-flow plot: one curve per parameter (or per layer) from the snapshots' gradient
norms, on a log axis where a zero norm leaves a gap instead of breaking the scale."""
from __future__ import annotations

import numpy as np
import pytest

from engine.session import ModelConfig, SessionConfig, Trainer
from gui.gradient_flow import GradientFlowPlot, layer_norms


@pytest.fixture
def plot(qtbot):
    widget = GradientFlowPlot()
    qtbot.addWidget(widget)
    return widget


def snapshots(trainer, steps):
    out = [trainer.snapshot()]
    for _ in range(steps):
        trainer.train_step()
        out.append(trainer.snapshot())
    return out


def test_one_curve_per_parameter_on_a_log_axis(plot):
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(8,))))
    shots = snapshots(trainer, 10)
    plot.append(shots[:4])
    plot.append(shots[4:])
    assert plot.names == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    assert plot.plot.getPlotItem().ctrl.logYCheck.isChecked()
    x, y = plot.curves[0].getOriginalDataset()
    assert list(x) == list(range(11))
    assert np.isnan(y[0])   # step 0 has no gradient yet
    np.testing.assert_allclose(y[1:], [s.grad_norms["layers.0.weight"] for s in shots[1:]], rtol=1e-6)
    assert plot.latest.text().startswith("step 10:")


def test_per_layer_curves_combine_weight_and_bias(plot):
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(8,))))
    shots = snapshots(trainer, 5)
    plot.append(shots)
    plot.layer_check.setChecked(True)
    assert plot.names == ["layers.0", "layers.2"]
    expected = layer_norms(shots[-1].grad_norms)["layers.0"]
    assert plot.series()["layers.0"][-1] == pytest.approx(expected)
    assert expected == pytest.approx(np.hypot(shots[-1].grad_norms["layers.0.weight"],
                                              shots[-1].grad_norms["layers.0.bias"]))


def test_a_new_model_starts_the_plot_over(plot):
    plot.append(snapshots(Trainer(SessionConfig()), 3))
    assert plot.names == ["w", "b"]
    plot.append(snapshots(Trainer(SessionConfig(model=ModelConfig(kind="polynomial", degree=2))), 2))
    assert plot.names == ["c0", "c1", "c2"] and len(plot.curves[0].getOriginalDataset()[0]) == 3
