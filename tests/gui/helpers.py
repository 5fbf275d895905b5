"""Helpers for GUI tests: type as a user would, run the app in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

REPO = Path(__file__).resolve().parents[2]

LAUNCH = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def type_into(qtbot, edit: QLineEdit, text: str, commit: bool = True) -> None:
    """Replace the text of a line edit by typing, then press Enter (as a user would)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    if commit:
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def run_gradstudio(args: list[str], tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)
