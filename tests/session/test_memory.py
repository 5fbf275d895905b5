"""Settings that would need more memory than the machine has are refused before anything is built."""
import pytest

from engine.session import memory
from engine.session.config import ConfigError, DataConfig, ModelConfig, SessionConfig
from engine.session.trainer import Trainer

BIG_MLP = SessionConfig(model=ModelConfig(kind="mlp", hidden=(1024,) * 6),
                        data=DataConfig(n_points=250_000, batch_size=250_000))


def test_the_estimate_matches_the_measured_peak_of_a_big_mlp():
    # measured on this project's machines: 8.9 GB for a 6×1024 MLP at batch 2.5·10⁵
    assert 8.0e9 < memory.step_bytes(BIG_MLP) < 10.0e9


def test_settings_beyond_the_machines_memory_are_refused_with_the_estimate(monkeypatch):
    import time

    monkeypatch.setattr(memory, "machine_bytes", lambda: 8 * 10**9)
    started = time.perf_counter()
    with pytest.raises(ConfigError) as raised:
        Trainer(BIG_MLP)
    assert time.perf_counter() - started < 5           # refused up front, not after building and a first forward
    assert raised.value.field == "data.batch_size"
    assert raised.value.message == ("these settings need about 9.3 GB of memory per training step and this computer "
                                    "has 8.0 GB: use a smaller batch or fewer hidden units")


def test_ordinary_settings_are_not_refused(monkeypatch):
    monkeypatch.setattr(memory, "machine_bytes", lambda: 2 * 10**9)
    assert Trainer(SessionConfig()).step == 0
