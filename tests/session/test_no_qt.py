"""The engine and its session layer never load Qt or pyqtgraph: the headless CLI and tests depend on it."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "shiboken6", "PyQt", "pyqtgraph")


def test_importing_engine_and_session_loads_no_qt():
    code = (
        "import sys, engine, engine.session\n"
        "from engine.session import Trainer, SessionConfig\n"
        "Trainer(SessionConfig()).train_step()\n"
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
