"""The window's File menu for sessions and exports: Open, Open Recent, Save, Save As, Export…, Load
Weights…, picture entries in each plot's context menu, and asking before unsaved work is lost.

All file work is done by `engine.session` (session_file, export); this only asks for paths and shows
what happened. Errors go to the window's one message place, never as a traceback.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from engine.session import SessionConfig, Snapshot, Trainer
from engine.session.export import (ExportError, WeightsError, check_run_folder, export_history_csv, export_readme,
                                   export_run_session, export_run_weights, load_weights, prepare_folder)
from engine.session.files import describe_os_error, remove_stale_parts, staged_folder
from engine.session.memory import BACKGROUND_BUILD_BYTES, step_bytes
from engine.session.run_state import needs_new_trainer
from engine.session.session_file import (SessionFile, SessionFileError, read_session_config, read_session_file,
                                         write_session_file)

from gui.editors import DataEditor, ModelEditor, TrainingEditor, read_session
from gui.export_dialog import ExportOptions, ask_export_options, plot_label
from gui.form_fields import FieldError
from gui.plot_export import export_plot, save_picture, widget_png, widget_svg
from gui.scratchpad import ScratchpadPanel
from gui.status_line import StatusLine
from gui.training import Training

SESSION_PATTERNS = "*.json"
WEIGHTS_PATTERNS = "*.safetensors *.npz *.json"
MAX_RECENT = 8
MODIFIED_POLL_MS = 1000  # how often the title's unsaved-changes mark follows training progress


@dataclass
class FileActions:
    """The window's File menu and the actions of it that the window names and places in its toolbar."""

    menu: QMenu
    open: QAction
    save: QAction
    export: QAction
    quit: QAction


class SessionFiles(QObject):
    """Owns the session's file (path, saved state, recent files) for one main window.

    It reads the forms through `read_forms()`, puts an opened session in place with
    `load_session(config, trainer)`, names files after `session_name()` and titles the window with
    `display_name()`; the trainer is `training`'s, messages go to `status`.
    """

    opened = Signal(str)        # a session file was opened: its session's name
    weights_loaded = Signal()   # Load Weights changed the trainer's parameters: draw them
    _opened = Signal(object, object, bool, bool, object)   # token, path, remember, copy, SessionFile or the error

    def __init__(self, window: QMainWindow, settings: QSettings, training: Training, status: StatusLine,
                 scratchpad: ScratchpadPanel, actions: FileActions, *,
                 read_forms: Callable[[], tuple[SessionConfig, list[FieldError]]],
                 load_session: Callable[[SessionConfig, Trainer | None], None],
                 session_name: Callable[[], str], display_name: Callable[[], str],
                 plot_widgets: Callable[[], dict[str, pg.PlotWidget]]) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.training, self.status, self.scratchpad = training, status, scratchpad
        self.read_forms, self.load_session = read_forms, load_session
        self.session_name, self.display_name = session_name, display_name
        self.plot_widgets = plot_widgets   # the plots a user can save as pictures, by file name, now
        self.path: Path | None = None
        self._saved_config: dict | None = None
        self._saved_trainer = None
        self._saved_step = 0
        self._saved_scratchpad = ""
        self._forms_edited = False
        self._weights_loaded = False
        self._quitting = False
        self._opening: object | None = None   # the file being opened on another thread (its token)
        self._opened.connect(self._finish_open)

        w = window
        actions.open.triggered.connect(self.open)
        actions.save.triggered.connect(self.save)
        actions.export.triggered.connect(self.export)
        for action in (actions.open, actions.save, actions.export):
            action.setEnabled(True)
        self.save_as_action = QAction(w)
        self.save_as_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_as_action.triggered.connect(self.save_as)
        self.load_weights_action = QAction(w)
        self.load_weights_action.triggered.connect(self.load_weights)
        w.addAction(self.save_as_action)
        self.recent_menu = QMenu(w)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        menu = actions.menu
        menu.insertMenu(actions.save, self.recent_menu)
        menu.insertAction(actions.export, self.save_as_action)
        menu.insertSeparator(actions.export)
        menu.insertAction(actions.quit, self.load_weights_action)
        menu.insertSeparator(actions.quit)
        # Quit asks first; a close() from code (tests, scripted runs) does not.
        actions.quit.triggered.connect(self.quit)

        scratchpad.edited.connect(self._refresh_modified)
        self._plot_actions: list[tuple[QAction, str, str]] = []  # (action, plot name, format)
        self._add_plot_menus()
        self.retranslate_ui()
        w.installEventFilter(self)  # the window's LanguageChange retranslates what this adds to it
        self.mark_saved()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._refresh_modified)
        self._timer.start(MODIFIED_POLL_MS)
        # saves killed mid-write (kill -9, power cut) leave temporary files beside their sessions;
        # off the GUI thread: a folder may be on a slow network disk
        folders = sorted({str(Path(path).parent) for path in self.recent_files()})
        threading.Thread(target=lambda: [remove_stale_parts(folder) for folder in folders], daemon=True).start()

    # ----- texts -----------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        # Open, Save and Export are the window's actions, named and explained by the window.
        self.save_as_action.setText(self.tr("Save As…"))
        self.save_as_action.setStatusTip(self.tr("Save the session under a new name"))
        self.load_weights_action.setText(self.tr("Load Weights…"))
        self.load_weights_action.setStatusTip(self.tr("Load trained weights (safetensors, .npz, JSON) into the current "
                                                      "model"))
        self.recent_menu.setTitle(self.tr("Open &Recent"))
        for action, name, fmt in self._plot_actions:
            action.setText(self.tr("Save {0} plot as {1}…").format(plot_label(name), fmt.upper()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self._update_title()  # the window leaves its title to this controller
        return False

    def _filter(self, description: str, patterns: str) -> str:
        everything = self.tr("All files")
        return f"{description} ({patterns});;{everything} (*)"

    # ----- saved state ---------------------------------------------------------------------

    def mark_saved(self) -> None:
        """What the window shows now is what is on disk (or a fresh session with nothing to lose)."""
        config, _ = self.read_forms()
        self._saved_config = config.to_dict()
        self._saved_trainer = self.training.trainer
        self._saved_step = self.training.trainer.step if self.training.trainer is not None else 0
        self._saved_scratchpad = self._scratchpad_text()
        self._forms_edited = self._weights_loaded = False
        self._update_title()

    def forget_file(self) -> None:
        """Another session (an example) replaced the one from the file."""
        self.path = None
        self.mark_saved()

    def has_unsaved_changes(self) -> bool:
        trainer = self.training.trainer
        if self._weights_loaded or self._scratchpad_text() != self._saved_scratchpad:
            return True
        if trainer is not None and trainer.step > 0 and (trainer is not self._saved_trainer
                                                         or trainer.step != self._saved_step):
            return True
        if not self._forms_edited:
            return False
        config, _ = self.read_forms()
        return config.to_dict() != self._saved_config

    def forms_edited(self) -> None:
        """The user edited a form (the window connects each form's `edited`)."""
        self._forms_edited = True
        self._refresh_modified()

    def _refresh_modified(self) -> None:
        trainer = self.training.trainer
        progressed = trainer is not None and trainer.step > 0 and (trainer is not self._saved_trainer
                                                                   or trainer.step != self._saved_step)
        modified = (self._forms_edited or self._weights_loaded or progressed
                    or self._scratchpad_text() != self._saved_scratchpad)
        if "[*]" in self.window.windowTitle():
            self.window.setWindowModified(modified)

    def _update_title(self) -> None:
        name = self.display_name()
        if self.path is not None:
            title = self.tr("{0} — {1}[*] — GradStudio").format(name, self.path.name)
        else:
            title = self.tr("{0}[*] — GradStudio").format(name)
        self.window.setWindowTitle(title)
        self._refresh_modified()

    def ask_to_save(self, before: str) -> bool:
        """With unsaved changes, ask Save / Discard / Cancel; True when it is fine to go on.
        `before`: what happens next, "quit", "close" or "open"."""
        if not self.has_unsaved_changes():
            return True
        step = self.training.trainer.step if self.training.trainer is not None else 0
        name = self.display_name()
        if step:
            changes = self.tr("“{0}” (trained to step {1}) has changes that are not saved.").format(name, f"{step:,}")
        else:
            changes = self.tr("“{0}” has changes that are not saved.").format(name)
        question = {"quit": self.tr("Save them before quitting?"), "close": self.tr("Save them before closing?"),
                    "open": self.tr("Save them before opening another session?")}[before]
        answer = QMessageBox.question(
            self.window, self.tr("Save changes?"), f"{changes}\n\n{question}",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def quit(self) -> None:
        if self.ask_to_save("quit"):
            self._quitting = True
            self.window.close()

    def may_close(self, event: QCloseEvent) -> bool:
        """Whether the window may close: asks only when the user closed it (not a close() from code)."""
        if self._quitting or not event.spontaneous():
            return True
        return self.ask_to_save("close")

    # ----- open ------------------------------------------------------------------------------

    def open(self) -> bool:
        if not self.ask_to_save("open"):
            return False
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open session"), self._start_folder(),
                                              self._filter(self.tr("GradStudio sessions"), SESSION_PATTERNS))
        return self.open_path(path, ask=False) if path else False

    def open_path(self, path: str | Path, ask: bool = True, remember: bool = True, copy: bool = False) -> bool:
        """Open a session file; on any problem show it and leave the current session as it was.
        `remember=False` (a lesson from the app's own assets) keeps it out of the recent files and folder;
        `copy=True` opens it as a starting point (see open_copy)."""
        if ask and not self.ask_to_save("open"):
            return False
        path = Path(path)
        training = self.training

        def build(config: SessionConfig) -> Trainer:   # as the window builds: the worker enforces the step limit
            return training.trainer_factory(replace(config, training=replace(config.training, steps=None)))

        # all or nothing: the whole file is checked, the trainer built and restored, and the forms
        # tried, off to the side; only then does the open session give way. A big model is built on
        # another thread (seconds), the open session staying as it is until then.
        try:
            big = step_bytes(read_session_config(path)) > BACKGROUND_BUILD_BYTES
        except SessionFileError as error:
            self.status.notify(str(error), warning=True)
            return False
        if big:
            token = self._opening = object()

            def read() -> None:
                try:
                    result = read_session_file(path, build)
                except Exception as error:  # noqa: BLE001 - shown on the GUI thread
                    result = error
                if shiboken6.isValid(self):
                    self._opened.emit(token, path, remember, copy, result)

            self.status.show_message(self.tr("Opening {0}…").format(path))
            threading.Thread(target=read, daemon=True).start()
            return True
        self._opening = None   # this file supersedes one still being read on another thread
        try:
            session = read_session_file(path, build)
        except SessionFileError as error:
            self.status.notify(str(error), warning=True)
            return False
        return self._finish_open(None, path, remember, copy, session)

    @Slot(object, object, bool, bool, object)
    def _finish_open(self, token, path: Path, remember: bool, copy: bool, session) -> bool:
        if token is not self._opening:   # another file was opened meanwhile
            return False
        self._opening = None
        try:
            if not isinstance(session, SessionFile):
                raise session if isinstance(session, SessionFileError) else SessionFileError(path, str(session))
            _check_fits_forms(session.config, path)
        except SessionFileError as error:
            self.status.notify(str(error), warning=True)
            return False
        self.load_session(session.config, session.trainer)   # draws the run it had reached
        if self.training.trainer is None:   # the forms were tried: only a bug gets here
            self.status.notify(self.tr("Cannot open {0}: {1}").format(
                path, self.status.last_message or self.tr("the settings are invalid")), warning=True)
            return False
        # shown as the file's, never run until Run is pressed
        self.scratchpad.set_text(session.scratchpad, origin=path.name if session.scratchpad.strip() else "")
        self.path = path.resolve()
        if remember:
            self._add_recent(self.path)
        self.mark_saved()
        self.status.show_message(self.tr("Opened {0}").format(path), 5000)
        self.opened.emit(session.config.name)  # a lesson file opens as the lesson, from anywhere
        if copy:
            self.forget_file()
        return True

    def open_copy(self, path: str | Path) -> bool:
        """Open a file of the app's own (a lesson) as a starting point: kept out of the recent files,
        and Save asks where, never overwriting it."""
        return self.open_path(path, remember=False, copy=True)

    def _scratchpad_text(self) -> str:
        return self.scratchpad.text()

    # ----- save ------------------------------------------------------------------------------

    def _config_to_save(self) -> SessionConfig | None:
        """The settings that belong with the trained state; None (and a message) when there are none."""
        config, errors = self.read_forms()
        base = self.training.trainer_config
        if errors or self.training.trainer is None or base is None:
            self.status.notify(self.tr("The settings have errors: fix the marked fields, then save."), warning=True)
            return None
        if needs_new_trainer(config, base):
            # The run was trained with the settings it was built from; the edits wait for a Reset.
            self.status.show_message(self.tr("Saved the settings the run uses; the changed settings apply at "
                                                   "the next Reset and are not in the file."), 8000)
            return replace(base, name=config.name, training=replace(base.training, lr=config.training.lr,
                                                                    steps=config.training.steps))
        return config

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        suggestion = self.path or Path(self._start_folder()) / f"{_slug(self.session_name())}.json"
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save session as"), str(suggestion),
                                              self._filter(self.tr("GradStudio sessions"), SESSION_PATTERNS))
        if not path:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".json")
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        config = self._config_to_save()
        if config is None:
            return False
        trainer = self.training.trainer
        try:
            with self.training.at_rest():
                write_session_file(path, config, trainer if trainer.step > 0 or self._weights_loaded else None,
                                   self._scratchpad_text())
        except SessionFileError as error:
            self.status.notify(str(error), warning=True)
            return False
        self.path = Path(path).resolve()
        self._add_recent(self.path)
        self.mark_saved()
        self.status.show_message(self.tr("Saved {0}").format(path), 5000)
        return True

    # ----- recent files ----------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("session/recent", [])
        return [value] if isinstance(value, str) else [str(item) for item in (value or [])]

    def _add_recent(self, path: Path) -> None:
        recent = [str(path)] + [item for item in self.recent_files() if item != str(path)]
        self.settings.setValue("session/recent", recent[:MAX_RECENT])
        self.settings.setValue("session/folder", str(path.parent))
        self.settings.sync()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for index, item in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{index} {Path(item).name}")
            action.setStatusTip(item)
            action.setToolTip(item)
            action.setEnabled(Path(item).is_file())
            action.triggered.connect(lambda _checked=False, item=item: self.open_path(item))
        if not recent:
            self.recent_menu.addAction(self.tr("No recent sessions")).setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction(self.tr("Clear Menu"))
        clear.setEnabled(bool(recent))
        clear.triggered.connect(lambda: self.settings.setValue("session/recent", []))

    def _start_folder(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return str(self.settings.value("session/folder", str(Path.home())))

    # ----- weights ---------------------------------------------------------------------------

    def load_weights(self) -> bool:
        if self.training.trainer is None:
            self.status.notify(self.tr("There is no model to load weights into: fix the marked fields first."), warning=True)
            return False
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Load weights"), self._start_folder(),
                                              self._filter(self.tr("Weights"), WEIGHTS_PATTERNS))
        return self.load_weights_from(path) if path else False

    def load_weights_from(self, path: str | Path) -> bool:
        try:
            with self.training.at_rest():
                load_weights(path, self.training.trainer)
        except WeightsError as error:
            self.status.notify(self.tr("Cannot load weights: {0}").format(error), warning=True)
            return False
        self._weights_loaded = True
        self.weights_loaded.emit()
        self._refresh_modified()
        self.status.show_message(self.tr("Loaded weights from {0}").format(path), 5000)
        return True

    # ----- export ----------------------------------------------------------------------------

    def _default_export_folder(self) -> Path:
        last = self.settings.value("export/last_folder", "")
        base = Path(str(last)).parent if last else Path.home() / "GradStudio exports"
        step = self.training.trainer.step if self.training.trainer is not None else 0
        return base / f"{_slug(self.session_name())}-step{step}"

    def export(self) -> list[Path]:
        if self.training.trainer is None:
            self.status.notify(self.tr("There is nothing to export: fix the marked fields first."), warning=True)
            return []
        options = ask_export_options(self.window, self.settings, self._default_export_folder())
        return self.export_with(options) if options is not None else []

    def export_with(self, options: ExportOptions) -> list[Path]:
        """Write what `options` ask for, all or nothing: into a staging folder, then renamed into place;
        on a failure the folder keeps what it had and the message says so."""
        config = self._config_to_save()
        if config is None:
            return []
        trainer = self.training.trainer
        folder = options.folder
        if not self._may_write_into(folder):
            return []
        files: list[Path] = []
        try:
            # new, empty, a run folder, or the user said yes
            with self.training.at_rest(), staged_folder(prepare_folder(folder, force=True)) as staging:
                if options.weights:
                    files.append(export_run_weights(staging, config, trainer, options.weights_format, options.dtype))
                if options.history:
                    files.append(export_history_csv(staging / "history.csv", trainer))
                if options.session:
                    files.append(export_run_session(staging, config, trainer, self._scratchpad_text()))
                files += self._export_pictures(replace(options, folder=staging))
                if options.readme:
                    readme = staging / "README.md"
                    files.append(export_readme(readme, config, trainer, [*files, readme], options.dtype))
        except (ExportError, OSError) as error:
            if not isinstance(error, ExportError):
                error = ExportError(folder, describe_os_error(error))
            self.status.notify(self.tr("{0}. Nothing was lost: files already there are unchanged.").format(error),
                           warning=True)
            return []
        files = [folder / path.name for path in files]
        done = self.tr("Exported 1 file to {1}") if len(files) == 1 else self.tr("Exported {0} files to {1}")
        self.status.show_message(done.format(len(files), folder), 8000)
        return files

    def _may_write_into(self, folder: Path) -> bool:
        """A folder of other files (a project's README.md…) is written into only if the user says so."""
        try:
            check_run_folder(folder)
            return True
        except ExportError:
            answer = QMessageBox.question(
                self.window, self.tr("Export into this folder?"),
                self.tr("{0} holds other files and was not written by GradStudio. Files with the names of an "
                        "export (README.md, history.csv, session.json, weights, plots) would be replaced.\n\n"
                        "Export into it anyway?").format(folder),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
            return answer == QMessageBox.StandardButton.Yes

    def _export_pictures(self, options: ExportOptions) -> list[Path]:
        files = []
        plots = self.plot_widgets()
        for name in options.plots:
            for fmt in options.formats():
                path = options.folder / f"{name}.{fmt}"
                if name == "window":
                    content = widget_png(self.window, dpi=options.dpi) if fmt == "png" else widget_svg(self.window)
                    files.append(save_picture(path, content))
                else:
                    files.append(export_plot(plots[name], path, options.png_size, options.dpi))
        return files

    # ----- per-plot pictures -----------------------------------------------------------------

    def _add_plot_menus(self) -> None:
        for name, plot in self.plot_widgets().items():
            # pyqtgraph's own Export… entry offers its SVG exporter, which fails with PySide6: replaced.
            plot.scene().contextMenu = []
            menu = plot.getPlotItem().getViewBox().menu
            menu.addSeparator()
            for fmt in ("png", "svg"):
                action = menu.addAction("")
                self._plot_actions.append((action, name, fmt))
                action.triggered.connect(lambda _checked=False, name=name, fmt=fmt: self.save_plot(name, fmt))

    def save_plot(self, name: str, fmt: str) -> Path | None:
        folder = self.settings.value("export/picture_folder", self._start_folder())
        suggestion = Path(str(folder)) / f"{_slug(self.session_name())}-{name}.{fmt}"
        label = self.tr("PNG image") if fmt == "png" else self.tr("SVG image")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save the {0} plot").format(plot_label(name)),
                                              str(suggestion), f"{label} (*.{fmt})")
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        size = (int(self.settings.value("export/png_width", 1200)), int(self.settings.value("export/png_height", 800)))
        dpi = int(self.settings.value("export/dpi", 96))
        try:
            written = export_plot(self.plot_widgets()[name], path, size, dpi)
        except ExportError as error:
            self.status.notify(str(error), warning=True)
            return None
        self.settings.setValue("export/picture_folder", str(path.parent))
        self.status.show_message(self.tr("Saved {0}").format(written), 5000)
        return written


def _check_fits_forms(config: SessionConfig, path: Path) -> None:
    """Fill a spare set of forms with `config` and read it back: what the window's forms will do,
    so a value they cannot hold is found before the open session is touched."""
    forms = (ModelEditor(), DataEditor(), TrainingEditor())
    try:
        with ExitStack() as stack:
            for form in forms:
                stack.enter_context(form.loading())
            for form, section in zip(forms, (config.model, config.data, config.training)):
                form.load(section)
        _, errors = read_session(*forms, name=config.name)
    except (OverflowError, ValueError, TypeError) as error:
        raise SessionFileError(path, str(error)) from None
    finally:
        for form in forms:
            form.deleteLater()
    if errors:
        raise SessionFileError(path, f"{errors[0].field}: {errors[0].text()}")


def _slug(name: str) -> str:
    """A file-name-friendly form of a session name."""
    slug = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.")
    return slug[:60] or "session"
