"""Numba kernels compile in the background when the app starts, so the window never waits for a
first compile, and the numpy twins serve until each kernel is ready."""

import pytest

import gui.app
from engine import kernels


def test_starting_the_app_starts_the_background_warmup(qtbot, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(kernels, "warmup", lambda background=True: calls.append(background))
    monkeypatch.setenv("HOME", str(tmp_path))  # a fresh QSettings: the default layout
    assert gui.app.run_app(["--quit-after", "0.2"]) == 0
    assert calls == [True]


def test_warmup_makes_every_kernel_ready():
    if not kernels.numba_enabled():
        pytest.skip("GRADSTUDIO_NUMBA=0 switches numba off; the numpy twins are all there is")
    kernels.warmup(background=False)
    assert all(kernels.status().values())
