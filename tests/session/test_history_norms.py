"""The run history keeps the Parameters plot's gradient norms (and weight norms of non-scalar
parameters) beside its rows: through a session file and back, and still reading files without them."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.session.config import DataConfig, ModelConfig, SessionConfig
from engine.session.history import RunHistory
from engine.session.session_file import read_session_file, write_session_file
from engine.session.trainer import Trainer


def test_the_trainer_records_each_parameters_gradient_norm():
    trainer = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(4,))))
    for _ in range(5):
        trainer.train_step()
    history = trainer.history
    assert history.norm_names == ["grad_norm:layers.0.weight", "grad_norm:layers.0.bias", "grad_norm:layers.2.weight",
                                  "grad_norm:layers.2.bias", "norm:layers.0.weight", "norm:layers.0.bias",
                                  "norm:layers.2.weight"]
    snapshot = trainer.snapshot()
    for name, norm in snapshot.grad_norms.items():
        assert history.column(f"grad_norm:{name}")[-1] == pytest.approx(norm, rel=1e-6)
    weight = snapshot.params["layers.0.weight"]
    assert history.column("norm:layers.0.weight")[-1] == pytest.approx(float(np.linalg.norm(weight)), rel=1e-6)
    assert history.columns == ["step", "wall_time", "loss", "layers.2.bias"]   # rows (and the CSV) are unchanged


def test_norms_survive_a_session_file_and_thinning(tmp_path):
    trainer = Trainer(SessionConfig(data=DataConfig(batch_size=8)))
    trainer.history = RunHistory(trainer.history.param_names, row_cap=8, norm_names=trainer.history.norm_names)
    for _ in range(20):
        trainer.train_step()
    assert trainer.history.stride == 4
    path = write_session_file(tmp_path / "run.json", trainer.config, trainer)
    reopened = read_session_file(path).trainer.history
    assert reopened == trainer.history
    assert np.isfinite(reopened.column("grad_norm:w")).all()
    assert list(reopened.column("step")) == [4.0, 8.0, 12.0, 16.0, 20.0]


def test_a_history_without_norms_still_reads():
    old = {"columns": ["step", "wall_time", "loss", "w", "b"], "stride": 1, "rows": [[1, 0.0, 2.0, 0.5, 0.1]]}
    history = RunHistory.from_dict(old)
    assert history.norm_names == [] and history.rows().tolist() == [[1, 0.0, 2.0, 0.5, 0.1]]
    with pytest.raises(ValueError, match="norms.rows"):
        RunHistory.from_dict({**old, "norms": {"columns": ["grad_norm:w"], "rows": []}})
    bad = {**old, "norms": {"columns": ["grad_norm:w"], "rows": [["x"]]}}
    with pytest.raises(ValueError, match=r"norms.rows\[0\]"):
        RunHistory.from_dict(bad)
    good = RunHistory.from_dict({**old, "norms": {"columns": ["grad_norm:w"], "rows": [[None]]}})
    assert math.isnan(good.column("grad_norm:w")[0])
