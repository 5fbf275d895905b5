"""Writes one example session file per model kind from the Examples menu's settings (gui/examples.py,
which imports no Qt) and one per lesson (engine/session/lessons.py): `python assets/examples/regenerate.py`.
The files are untrained sessions."""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from engine.session.session_file import write_session_file  # noqa: E402
from engine.session.lessons import LESSONS, write_lesson  # noqa: E402
from gui.examples import examples  # noqa: E402

FILE_NAMES = {"linear": "linear.json", "polynomial": "polynomial.json", "mlp": "mlp.json",
              "expression": "expression.json"}


def main() -> None:
    for config in examples():
        path = write_session_file(HERE / FILE_NAMES[config.model.kind], config)
        print(path.relative_to(HERE.parent.parent))
    for lesson in LESSONS:
        print(write_lesson(lesson, HERE).relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
