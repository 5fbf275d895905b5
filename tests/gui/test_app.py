"""The gradstudio command in a subprocess: scripted runs, screenshots, closing mid-training, and the Qt-free engine."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QImage

from tests.gui.helpers import REPO, run_gradstudio

QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "PySide2")


def test_run_steps_and_screenshot_saves_the_window_and_exits_0(tmp_path):
    shot = tmp_path / "shot.png"
    result = run_gradstudio(["--run-steps", "200", "--screenshot", str(shot)], tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500


def test_closing_the_window_during_training_exits_cleanly(tmp_path):
    # Far more steps than can run in the time: the window closes while the worker is busy.
    result = run_gradstudio(["--run-steps", "100000000", "--quit-after", "3"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "QThread: Destroyed" not in result.stderr
    assert "Traceback" not in result.stderr


def test_engine_source_never_imports_qt():
    offenders = []
    for path in (REPO / "engine").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            words = line.strip().replace(",", " ").split()
            if words[:1] in (["import"], ["from"]) and any(w.split(".")[0] in QT_MODULES for w in words[1:3]):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_importing_the_engine_loads_no_qt_module():
    code = ("import sys, engine, engine.session, engine.session.cli; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_launcher_imports_qt_only_to_open_the_window():
    code = ("import sys, gui.launch; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
