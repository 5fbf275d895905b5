"""Retakes the README's lesson screenshots that show live training (English and Chinese):

    QT_QPA_PLATFORM=offscreen python assets/take_screenshots.py

Each opens the real window at 1360×860 with fresh settings, opens the lesson, trains it and
saves the window.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gui import i18n  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402

ASSETS = Path(__file__).resolve().parent
SHOTS = [  # (file, language, lesson, training steps)
    ("screenshot-lesson-loss-landscape.png", "en", "11-loss-landscape", 40),
    ("screenshot-zh-lesson-loss-landscape.png", "zh_CN", "11-loss-landscape", 40),
]


def take(app: QApplication, file: str, language: str, lesson: str, steps: int) -> None:
    QSettings().clear()  # every shot starts from the default layout
    i18n.set_language(language)
    window = MainWindow()
    window.show()
    window.resize(1360, 860)
    window.lessons.open_lesson(lesson)
    window.training_editor.until_stopped.setChecked(False)
    window.training_editor.steps.setValue(steps)
    window.toggle_training()
    while window.run is not None:
        app.processEvents()
    for _ in range(20):  # the last updates drawn
        app.processEvents()
        QTimer.singleShot(20, lambda: None)
    window.grab().save(str(ASSETS / file))
    print(f"saved {file}")
    window.close()


def main() -> int:
    app = QApplication.instance() or QApplication([])
    settings = tempfile.mkdtemp()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app.setOrganizationName("GradStudioScreenshots")
    for shot in SHOTS:
        take(app, *shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
