"""Starts the Qt application for the main window, including the --run-steps/--screenshot automation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine import kernels
from engine.session.assets import asset
from engine.session.cli import COMMANDS_HELP
from engine.session.lessons import bundled_sessions
from gui import i18n
from gui.examples import default_session
from gui.main_window import APPLICATION, ORGANIZATION, MainWindow, app_icon
from gui.worker import exit_now_if_detached

CATCH_UP_MS = 400  # after a scripted run: time for queued snapshots to be drawn before the screenshot


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gradstudio", description="See gradient-based training, live.",
                                     epilog=COMMANDS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session", nargs="?", help="a session file to open, as File → Save writes it, or the name "
                                                   "of a lesson or example that comes with GradStudio, such as "
                                                   "derivative-as-limit (default: the linear regression example)")
    parser.add_argument("--run-steps", type=int, metavar="N", help="train N steps as soon as the window opens")
    parser.add_argument("--screenshot", type=Path, metavar="FILE.png",
                        help="after --run-steps, save a screenshot of the window and quit")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="put GradStudio in the desktop's application menu (a .desktop file and the icon "
                             "under $XDG_DATA_HOME) and exit")
    parser.add_argument("--quit-after", type=float, metavar="SECONDS",
                        help="close the window after this many seconds, whatever it is doing (for tests)")
    return parser.parse_args(argv)


class ScriptedRun:
    """Trains N steps in the window, waits for the plots to catch up, saves a screenshot and quits."""

    def __init__(self, app: QApplication, window: MainWindow, steps: int, screenshot: Path | None):
        self.app, self.window, self.screenshot = app, window, screenshot
        self.exit_code = 0
        window.training_editor.until_stopped.setChecked(False)
        window.training_editor.steps.setValue(steps)  # through the form, as a user would
        self._timer = QTimer()
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self.window.toggle_training()
        self._timer.start(50)

    def _poll(self) -> None:
        if not self.window.isVisible():  # closed before the run ended (--quit-after, or by hand)
            self._timer.stop()
            return
        if self.window.run is not None:
            return
        self._timer.stop()
        if self.window.state not in ("Finished", "Stopped", "Diverged"):
            print(f"gradstudio: could not train: {self.window.last_message or self.window.state}", file=sys.stderr)
            self.exit_code = 1
        QTimer.singleShot(CATCH_UP_MS, self._finish)

    def _finish(self) -> None:
        if self.screenshot is not None:
            if not self.window.grab().save(str(self.screenshot)):
                print(f"gradstudio: could not save the screenshot to {self.screenshot}", file=sys.stderr)
                self.exit_code = 1
        self.window.close()


def run_app(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.install_desktop_entry:
        from gui.desktop_entry import main as install_desktop_entry
        return install_desktop_entry()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(app_icon())
    style = asset("style.qss")
    if style.exists():
        app.setStyleSheet(style.read_text())
    i18n.set_language(i18n.saved_language())  # View → Language's last choice, else the system's
    kernels.warmup(background=True)  # numba compiles beside the window; numpy twins serve until then
    window = MainWindow(default_session())
    window.show()
    if args.session:  # a file that cannot be opened is shown in a message box over the default example
        bundled = bundled_sessions().get(args.session) if not Path(args.session).exists() else None
        window.session_files.open_path(bundled or args.session, ask=False, remember=bundled is None)
        if bundled is not None:
            window.session_files.forget_file()   # Save asks where: never over the installed asset
    scripted = None
    if args.run_steps is not None:
        scripted = ScriptedRun(app, window, args.run_steps, args.screenshot)
        QTimer.singleShot(0, scripted.start)
    elif args.screenshot is not None:
        QTimer.singleShot(CATCH_UP_MS, lambda: (window.grab().save(str(args.screenshot)), window.close()))
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    code = app.exec()
    code = code or (scripted.exit_code if scripted else 0)
    exit_now_if_detached(code)
    return code
