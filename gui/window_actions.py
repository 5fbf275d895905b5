"""The main window's actions, menus and toolbar — Train / Step / Stop / Reset, File, Training, Examples,
View (docks, Reset layout, Language) and Help — with their texts and shortcuts, and what Train says when
it may not run. The window connects their slots."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QStyle, QToolBar

from engine.session import SessionConfig
from engine.session.run_state import TrainBlock

from gui import i18n


def with_keys(action: QAction, tip: str) -> str:
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({keys})" if keys else tip


class WindowActions(QObject):
    """Builds the actions into `window`'s menu bar and a toolbar; `examples` fill the Examples menu."""

    example_chosen = Signal(object)    # a SessionConfig of the Examples menu

    def __init__(self, window: QMainWindow, examples: list[SessionConfig]) -> None:
        super().__init__(window)
        self.window = window
        sp = QStyle.StandardPixmap
        self.train = self._action(sp.SP_MediaPlay, "Space")
        self.step = self._action(sp.SP_MediaSkipForward, "Ctrl+.")
        self.stop = self._action(sp.SP_MediaStop, "Esc")
        self.reset = self._action(sp.SP_BrowserReload, "Ctrl+R")
        self.open = self._action(sp.SP_DialogOpenButton, "Ctrl+O")   # the file actions' slots: gui/session_files.py
        self.save = self._action(sp.SP_DialogSaveButton, "Ctrl+S")
        self.export = self._action(sp.SP_ArrowDown, "Ctrl+E")
        self.quit = self._action(sp.SP_DialogCloseButton, QKeySequence.StandardKey.Quit)

        bar = window.menuBar()   # the menus' titles and the actions' texts are set in retranslate_ui
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions([self.open, self.save, self.export])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit)
        self.training_menu = bar.addMenu("")
        self.training_menu.addActions([self.train, self.step, self.stop, self.reset])
        self.examples_menu = bar.addMenu("")  # the lessons go first (gui/lessons.py)
        self.example_actions: list[tuple[QAction, SessionConfig]] = []
        for example in examples:
            action = self.examples_menu.addAction("")
            action.triggered.connect(lambda _checked=False, config=example: self.example_chosen.emit(config))
            self.example_actions.append((action, example))
        self.view_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        self.about = self.help_menu.addAction("")
        self.about.triggered.connect(self.show_about)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("trainingToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        self.toolbar.addActions([self.train, self.step, self.stop, self.reset])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.open, self.save, self.export])
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _action(self, icon: QStyle.StandardPixmap, shortcut: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(self.window.style().standardIcon(icon), "", self.window)
        action.setShortcut(QKeySequence(shortcut))
        self.window.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    def fill_view_menu(self, docks: list[QDockWidget]) -> None:
        """View: a toggle per dock and the toolbar, Reset layout, and Language (each named in its own language)."""
        for dock in docks:
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addAction(self.toolbar.toggleViewAction())
        self.view_menu.addSeparator()
        self.reset_layout = self.view_menu.addAction("")
        self.language_menu = self.view_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in i18n.LANGUAGES.items():
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, code=code: self.set_language(code))
            group.addAction(action)
            self.language_actions[code] = action

    def set_language(self, code: str) -> None:
        """Switch the interface language now (widgets retranslate themselves) and for the next start."""
        i18n.set_language(code)
        QSettings().setValue(i18n.SETTING, code)
        self.language_actions[code].setChecked(True)

    def show_about(self) -> None:
        QMessageBox.about(
            self.window, self.tr("About GradStudio"),
            self.tr("<h3>GradStudio</h3><p>See gradient-based training: edit a model and its data, "
                    "train it live and watch the loss, the fit and the parameters move.</p>"
                    "<p>Runs on its own autograd engine, whose API follows PyTorch's.</p>"))

    def retranslate_ui(self) -> None:
        texts = ((self.train, self.tr("Train"), self.tr("Train, or pause training")),
                 (self.step, self.tr("Step"), self.tr("Run one training step")),
                 (self.stop, self.tr("Stop"), self.tr("Stop the run, keeping what it learned")),
                 (self.reset, self.tr("Reset"), self.tr("Start over from step 0 with the settings in the forms")),
                 (self.open, self.tr("Open…"), self.tr("Open a session file")),
                 (self.save, self.tr("Save"), self.tr("Save the session")),
                 (self.export, self.tr("Export…"), self.tr("Export weights, plots, history and the session into a folder")),
                 (self.quit, self.tr("Quit"), self.tr("Quit GradStudio")))
        for action, text, tip in texts:
            action.setText(text)
            action.setToolTip(with_keys(action, tip))
            action.setStatusTip(tip)
        self.file_menu.setTitle(self.tr("&File"))
        self.training_menu.setTitle(self.tr("&Training"))
        self.examples_menu.setTitle(self.tr("E&xamples"))
        for action, example in self.example_actions:
            action.setText(QCoreApplication.translate("examples", example.name))
        self.view_menu.setTitle(self.tr("&View"))
        self.reset_layout.setText(self.tr("Reset layout"))
        self.language_menu.setTitle(self.tr("Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about.setText(self.tr("About GradStudio"))
        self.toolbar.setWindowTitle(self.tr("Training"))

    def show_run(self, training: bool, has_run: bool, block: TrainBlock | None, may_reset: bool) -> None:
        """Train reads Pause / Resume / Train; disabled, its tip says why (`block`)."""
        self.train.setText(self.tr("Pause") if training else (self.tr("Resume") if has_run else self.tr("Train")))
        self.train.setIcon(self.window.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if training else QStyle.StandardPixmap.SP_MediaPlay))
        self.train.setEnabled(training or block is None)
        why = {TrainBlock.INVALID_SETTINGS: self.tr("Fix the marked fields first"),
               TrainBlock.DIVERGED: self.tr("The run diverged: lower the learning rate and Reset"),
               TrainBlock.STEP_LIMIT: self.tr("All steps are done: raise Steps, or Reset")}
        self.train.setToolTip(with_keys(self.train, why.get(block) or self.tr("Train, or pause training")))
        self.step.setEnabled(block is None)
        self.stop.setEnabled(has_run)
        self.reset.setEnabled(may_reset)
