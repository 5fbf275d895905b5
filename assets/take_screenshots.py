"""Retakes the README's screenshots that show live training (English and Chinese), the laptop-sized
window with every dock open, the graph after a finished run and the debugger mid-walk on a trained MLP:

    QT_QPA_PLATFORM=offscreen python assets/take_screenshots.py

Each opens the real window with fresh settings, trains through the window's own controls and saves it.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gui import i18n  # noqa: E402
from gui.examples import examples  # noqa: E402
from gui.main_window import MainWindow, app_settings  # noqa: E402

ASSETS = Path(__file__).resolve().parent
LESSON_SHOTS = [  # (file, language, lesson, training steps)
    ("screenshot-lesson-loss-landscape.png", "en", "11-loss-landscape", 40),
    ("screenshot-zh-lesson-loss-landscape.png", "zh_CN", "11-loss-landscape", 40),
]
MLP = examples()[2]


def settle(app: QApplication, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def new_window(app: QApplication, language: str, size: tuple[int, int]) -> MainWindow:
    app_settings().clear()  # every shot starts from the default layout
    i18n.set_language(language)
    window = MainWindow()
    window.show()
    window.resize(*size)
    settle(app, 0.2)
    return window


def train(app: QApplication, window: MainWindow, steps: int) -> None:
    window.training_editor.until_stopped.setChecked(False)
    window.training_editor.steps.setValue(steps)
    window.toggle_training()
    while window.run is not None:
        app.processEvents()
    settle(app)


def save(window: MainWindow, file: str) -> None:
    window.grab().save(str(ASSETS / file))
    print(f"saved {file}")
    window.close()


def lesson_shot(app: QApplication, file: str, language: str, lesson: str, steps: int) -> None:
    window = new_window(app, language, (1360, 860))
    window.lessons.open_lesson(lesson)
    train(app, window, steps)
    save(window, file)


def laptop_shot(app: QApplication) -> None:
    """1366×768 with every dock open: Setup, scratchpad, lesson and debugger, after a run."""
    window = new_window(app, "en", (1366, 768))
    window.lessons.open_lesson("01-linear-regression")
    for dock in (*window.docks, window.lessons.dock):
        dock.show()
    train(app, window, 500)
    save(window, "screenshot-laptop.png")


def graph_shot(app: QApplication) -> None:
    """The MLP's graph after its run finished: the graph of the last step, not of step 1."""
    window = new_window(app, "en", (1366, 768))
    window.open_example(MLP)
    window.tabs.setCurrentWidget(window.workbench.graph)
    train(app, window, 400)
    window.workbench.graph.canvas.fit()   # the Fit button: the whole graph at once
    settle(app, 0.2)
    save(window, "screenshot-graph.png")


def debugger_shot(app: QApplication) -> None:
    """The debugger half-way through the backward pass of a trained MLP's current step."""
    window = new_window(app, "en", (1366, 768))
    window.open_example(MLP)
    train(app, window, 400)
    bench = window.workbench
    window.tabs.setCurrentWidget(bench.graph)
    bench.graph.expand_all()
    bench.debugger_wanted.emit()
    bench.debugger.start()
    for _ in range(6):
        bench.debugger.step()
    settle(app)
    save(window, "screenshot-debugger.png")


def main() -> int:
    app = QApplication.instance() or QApplication([])
    settings = tempfile.mkdtemp()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app.setOrganizationName("GradStudioScreenshots")
    for shot in LESSON_SHOTS:
        lesson_shot(app, *shot)
    laptop_shot(app)
    graph_shot(app)
    debugger_shot(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
