"""The engine never imports Qt: importing it and every one of its submodules in a fresh
interpreter loads no Qt binding and no pyqtgraph."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "shiboken2", "pyqtgraph", "qtpy")

IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys
import engine, engine.nn, engine.optim, engine.autograd, engine.autograd.functional
failed = {}
for info in pkgutil.walk_packages(engine.__path__, "engine."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:  # reported, so a broken submodule cannot hide a Qt import
        failed[info.name] = repr(exc)
print(json.dumps({"modules": sorted(sys.modules), "failed": failed}))
"""


def test_importing_engine_and_all_submodules_loads_no_qt():
    proc = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["failed"] == {}
    assert "engine.nn" in report["modules"] and "engine.optim" in report["modules"]
    qt = [m for m in report["modules"] if m.split(".")[0] in QT_MODULES]
    assert qt == []


def test_no_engine_source_imports_qt_or_gui():
    """The one-way door, checked in the source too (a lazy import inside a function would
    not show up in sys.modules): engine/ never names Qt, pyqtgraph or the gui package."""
    import re
    pattern = re.compile(r"^\s*(from|import)\s+(gui\b|" + "|".join(QT_MODULES) + r")", re.M)
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "engine").rglob("*.py")
                 if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
