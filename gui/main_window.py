"""The main window: editors on the left, live plots in the centre, training controls in the toolbar and status bar."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
import shiboken6

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from engine.session import ConfigError, SessionConfig, Trainer
from engine.session.assets import asset
from engine.session.memory import BACKGROUND_BUILD_BYTES, step_bytes

from gui import i18n
from gui.editors import (
    DataEditor,
    ModelEditor,
    TrainingEditor,
    read_session,
    show_session_errors,
    without_live_settings,
)
from gui.examples import default_session, examples
from gui.form_fields import FieldError
from gui.graph_workbench import GraphWorkbench
from gui.lessons import Lessons
from gui.boundary_view import BoundaryView
from gui.network_view import NetworkView
from gui.plots import FitPlot, LossPlot, ParametersPlot, configure_pyqtgraph
from gui.session_files import SessionFiles
from gui.worker import RunEnd, TrainingControl, TrainingRun, TrainingUpdate

ORGANIZATION = "GradStudio"
APPLICATION = "GradStudio"
CLOSE_WAIT_MS = 500  # closing waits this long for a training step to end, then detaches it
SETTINGS_VERSION = 2  # bump when docks or toolbars change, so stale saved layouts are ignored

TrainerFactory = Callable[[SessionConfig], Trainer]


def app_icon() -> QIcon:
    return QIcon(str(asset("gradstudio.svg")))


def app_settings() -> QSettings:
    # Ini format everywhere, so tests (and users) can point it at a directory with QSettings.setPath.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class MainWindow(QMainWindow):
    """Edits a session, trains it on a worker thread and draws what each snapshot shows."""

    _built = Signal(object, object, object)   # build token, config, Trainer or the exception building raised

    def __init__(self, config: SessionConfig | None = None, trainer_factory: TrainerFactory = Trainer,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.trainer_factory = trainer_factory
        self._building: object | None = None   # the token of a trainer being built in the background
        self._built.connect(self._on_built)
        self.settings = settings if settings is not None else app_settings()
        self.trainer: Trainer | None = None
        self.trainer_config: SessionConfig | None = None  # what the forms said when the trainer was built
        self.run: TrainingRun | None = None
        self.state = "Ready"
        self.last_message = ""  # the last error or notice shown to the user
        self.errors: list[FieldError] = []
        self._declined_changes = False  # the user chose to keep training with settings not yet applied
        self._asking = False
        self._applied_lr: float | None = None
        self._rate: float | None = None  # steps per second, smoothed
        self._rate_mark: tuple[float, int] | None = None
        self._message_box: QMessageBox | None = None
        self._session_name = "Linear regression"
        self._shown_state = ""  # the state the state label shows ("Invalid settings" or self.state)
        self._numbers: tuple[int, float | None] | None = None  # the step and loss the status bar shows

        configure_pyqtgraph()
        self.setWindowTitle(APPLICATION)
        self.setWindowIcon(app_icon())
        self.resize(1360, 860)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.model_editor, self.data_editor, self.training_editor = ModelEditor(), DataEditor(), TrainingEditor()
        self.loss_plot, self.fit_plot, self.params_plot = LossPlot(), FitPlot(), ParametersPlot()
        self.boundary_view = BoundaryView()  # in place of the Fit plot for 2-D data
        self.network_view = NetworkView()  # its own tab, for 2-D data
        self.network_view.setParent(self)   # owned (hidden) while no tab shows it
        self.network_view.hide()
        self.network_view.hidden_requested.connect(self._set_hidden_sizes)
        # the Graph and Gradient-flow tabs, the backward debugger and the scratchpad
        self.workbench = GraphWorkbench(self, lambda: self.trainer,
                                        lambda: self.run is not None and not self.run.control.asleep)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_docks()
        self._build_centre()
        self._build_status_bar()
        # a new data set picks a loss that fits its problem, before the forms are validated
        self.data_editor.committed.connect(lambda: self.training_editor.fit_loss_to(self.data_editor.read([])))
        for editor in self.editors():
            editor.edited.connect(self._on_edited)
            editor.committed.connect(self._on_committed)

        self.load_session(config or default_session())
        self.session_files = SessionFiles(self)  # File menu: open, save, export, load weights
        self.lessons = Lessons(self)  # the Lessons tab, the lessons in Examples, the explanation dock
        self.retranslate_ui()
        self._restore_layout()

    # ----- language --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            # The forms get their own LanguageChange, maybe after this one: measure their new captions then.
            QTimer.singleShot(0, self._fit_setup_width)
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Every text the window itself sets, in the current language (the forms, the lessons, the
        workbench and the file controller retranslate themselves)."""
        self._set_action_texts(self.train_action, self.tr("Train"), self.tr("Train, or pause training"))
        self._set_action_texts(self.step_action, self.tr("Step"), self.tr("Run one training step"))
        self._set_action_texts(self.stop_action, self.tr("Stop"), self.tr("Stop the run, keeping what it learned"))
        self._set_action_texts(self.reset_action, self.tr("Reset"),
                               self.tr("Start over from step 0 with the settings in the forms"))
        self._set_action_texts(self.open_action, self.tr("Open…"), self.tr("Open a session file"))
        self._set_action_texts(self.save_action, self.tr("Save"), self.tr("Save the session"))
        self._set_action_texts(self.export_action, self.tr("Export…"),
                               self.tr("Export weights, plots, history and the session into a folder"))
        self._set_action_texts(self.quit_action, self.tr("Quit"), self.tr("Quit GradStudio"))
        self.file_menu.setTitle(self.tr("&File"))
        self.training_menu.setTitle(self.tr("&Training"))
        self.examples_menu.setTitle(self.tr("E&xamples"))
        for action, example in self.example_actions:
            action.setText(QCoreApplication.translate("examples", example.name))
        self.view_menu.setTitle(self.tr("&View"))
        self.reset_layout_action.setText(self.tr("Reset layout"))
        self.language_menu.setTitle(self.tr("Language"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.about_action.setText(self.tr("About GradStudio"))
        self.toolbar.setWindowTitle(self.tr("Training"))
        self.setup_dock.setWindowTitle(self.tr("Setup"))
        for box, title in zip(self.form_boxes, (self.tr("Model"), self.tr("Data"), self.tr("Training"))):
            box.setTitle(title)
        self.tabs.setTabText(self.tabs.indexOf(self.training_tab), self.tr("Training"))
        if self.tabs.indexOf(self.network_view) >= 0:
            self.tabs.setTabText(self.tabs.indexOf(self.network_view), self.tr("Network"))
        self._fit_setup_width()
        self._size_status_labels()
        self._shown_state = ""  # redraw the state label in the new language
        self._update_actions()
        if self._numbers is not None:
            self._show_numbers(*self._numbers)
        self._revalidate()  # the field errors, in the new language
        if not hasattr(self, "session_files"):  # once it exists, the file controller owns the title
            self.setWindowTitle(self.tr("{0} — GradStudio").format(self.session_display_name()))

    def session_display_name(self) -> str:
        """The session's name in the interface language (the built-in examples' and lessons' names are translated)."""
        name = QCoreApplication.translate("examples", self._session_name)
        return name if name != self._session_name else QCoreApplication.translate("lessons", self._session_name)

    def _fit_setup_width(self) -> None:
        """Captions of the three forms share one width; the dock never cuts the fields off at the right."""
        for editor in self.editors():
            editor.align_captions(0)
        caption_width = max(editor.caption_width() for editor in self.editors())
        for editor in self.editors():
            editor.align_captions(caption_width)
        scroll = self.setup_dock.widget()
        sections = scroll.widget()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the forms' layouts, updated now
        sections.layout().activate()
        scroll.setMinimumWidth(sections.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())

    # ----- construction -------------------------------------------------------------------

    def _action(self, icon: QStyle.StandardPixmap, shortcut: str | QKeySequence.StandardKey | None,
                slot: Callable[[], None] | None) -> QAction:
        """An action with its icon and shortcut; its texts are set by retranslate_ui (_set_action_texts)."""
        action = QAction(self.style().standardIcon(icon), "", self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    @staticmethod
    def _with_keys(action: QAction, tip: str) -> str:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        return f"{tip} ({keys})" if keys else tip

    def _set_action_texts(self, action: QAction, text: str, tip: str) -> None:
        action.setText(text)
        action.setToolTip(self._with_keys(action, tip))
        action.setStatusTip(tip)

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.train_action = self._action(sp.SP_MediaPlay, "Space", self.toggle_training)
        self.step_action = self._action(sp.SP_MediaSkipForward, "Ctrl+.", self.step_once)
        self.stop_action = self._action(sp.SP_MediaStop, "Esc", self.stop_training)
        self.reset_action = self._action(sp.SP_BrowserReload, "Ctrl+R", self.reset)
        # Their slots are in SessionFiles (gui/session_files.py), made once the window exists.
        self.open_action = self._action(sp.SP_DialogOpenButton, "Ctrl+O", None)
        self.save_action = self._action(sp.SP_DialogSaveButton, "Ctrl+S", None)
        self.export_action = self._action(sp.SP_ArrowDown, "Ctrl+E", None)
        self.quit_action = self._action(sp.SP_DialogCloseButton, QKeySequence.StandardKey.Quit, self.close)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        # The menus' titles and their actions' texts are set in retranslate_ui.
        file_menu = self.file_menu = bar.addMenu("")
        file_menu.addActions([self.open_action, self.save_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        training_menu = self.training_menu = bar.addMenu("")
        training_menu.addActions([self.train_action, self.step_action, self.stop_action, self.reset_action])
        examples_menu = self.examples_menu = bar.addMenu("")  # the lessons go first (gui/lessons.py)
        self.example_actions: list[tuple[QAction, SessionConfig]] = []
        for example in examples():
            action = examples_menu.addAction("")
            action.triggered.connect(lambda _checked=False, config=example: self.open_example(config))
            self.example_actions.append((action, example))
        self.view_menu = bar.addMenu("")
        help_menu = self.help_menu = bar.addMenu("")
        self.about_action = help_menu.addAction("")
        self.about_action.triggered.connect(self.show_about)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("trainingToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        self.toolbar.addActions([self.train_action, self.step_action, self.stop_action, self.reset_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.open_action, self.save_action, self.export_action])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_docks(self) -> None:
        # One dock for the three forms, each a titled section: they are read top to bottom
        # as one recipe, and separate docks would share the height evenly, not by content.
        caption_width = max(editor.caption_width() for editor in self.editors())
        for editor in self.editors():
            editor.align_captions(caption_width)
        sections = QWidget()
        column = QVBoxLayout(sections)
        self.form_boxes: list[QGroupBox] = []  # titled Model, Data, Training in retranslate_ui
        for editor in self.editors():
            box = QGroupBox()
            self.form_boxes.append(box)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(6, 6, 6, 6)
            box_layout.addWidget(editor)
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(sections)
        # The forms must never be cut off at the right: squeeze the plots, not the fields.
        scroll.setMinimumWidth(sections.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.setup_dock = QDockWidget(self)
        self.setup_dock.setObjectName("setupDock")
        self.setup_dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.setup_dock)
        self.docks = [self.setup_dock, self.workbench.scratchpad_dock, self.workbench.debugger_dock]
        self.resizeDocks([self.setup_dock], [380], Qt.Orientation.Horizontal)
        for dock in self.docks:
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addAction(self.toolbar.toggleViewAction())
        self.view_menu.addSeparator()
        self.reset_layout_action = self.view_menu.addAction("")
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self._build_language_menu()

    def _build_language_menu(self) -> None:
        """View → Language: one checkable entry per language, each named in its own language."""
        self.language_menu = self.view_menu.addMenu("")  # titled in retranslate_ui
        group = QActionGroup(self)
        self.language_actions = {}
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

    def _build_centre(self) -> None:
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.fit_plot)
        top.addWidget(self.boundary_view)
        self.boundary_view.hide()
        top.addWidget(self.loss_plot)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(top)
        centre.addWidget(self.params_plot)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        for splitter in (top, centre):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(6)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.training_tab = centre
        self.tabs.addTab(centre, "")  # titled in retranslate_ui
        self.workbench.place_in(self, self.tabs, beside=self.setup_dock)
        self.setCentralWidget(self.tabs)
        self.resizeDocks([self.setup_dock], [380], Qt.Orientation.Horizontal)  # again, now the scratchpad shares it

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.state_label, self.step_label, self.loss_label, self.rate_label = (QLabel() for _ in range(4))
        for label in (self.step_label, self.loss_label, self.rate_label, self.state_label):
            bar.addPermanentWidget(label)
        self.state_label.setObjectName("stateLabel")

    def _size_status_labels(self) -> None:
        """Room for the widest text each label shows, so the status bar does not jump while training."""
        widest = {self.step_label: [self.tr("step {0}").format("000,000,000")],
                  self.loss_label: [self.tr("loss {0}").format("0.000000e+00")],
                  self.rate_label: [self.tr("{0} steps/s").format("000,000")],
                  self.state_label: [self._state_text(state) for state in self._STATES]}
        for label, texts in widest.items():
            label.setMinimumWidth(max(label.fontMetrics().horizontalAdvance(text) for text in texts) + 12)

    _STATES = ("Ready", "Training", "Paused", "Stopped", "Finished", "Diverged", "Invalid settings", "Preparing")

    def _state_text(self, state: str) -> str:
        """What the state label shows for a state (self.state stays the English key)."""
        return {"Ready": self.tr("Ready"), "Training": self.tr("Training", "state: training is running"),
                "Paused": self.tr("Paused"), "Stopped": self.tr("Stopped"), "Finished": self.tr("Finished"),
                "Diverged": self.tr("Diverged"), "Invalid settings": self.tr("Invalid settings"),
                "Preparing": self.tr("Preparing…", "state: the model and data are being built")}.get(state, state)

    def editors(self) -> tuple[ModelEditor, DataEditor, TrainingEditor]:
        return self.model_editor, self.data_editor, self.training_editor

    # ----- layout persistence --------------------------------------------------------------

    def _restore_layout(self) -> None:
        self._default_state = self.saveState(SETTINGS_VERSION)
        geometry, state = self.settings.value("window/geometry"), self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, SETTINGS_VERSION)

    def _save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(SETTINGS_VERSION))
        self.settings.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, SETTINGS_VERSION)
        for dock in self.docks:
            dock.show()

    # ----- sessions and the trainer ---------------------------------------------------------

    def load_session(self, config: SessionConfig, trainer: Trainer | None = None) -> None:
        """Put a session into the forms and build its trainer, or take `trainer`, built from `config`
        already (the current run, if any, is dropped)."""
        self._session_name = config.name
        self.setWindowTitle(self.tr("{0} — GradStudio").format(self.session_display_name()))
        self.model_editor.load(config.model)
        self.data_editor.load(config.data)
        self.training_editor.load(config.training)
        self._revalidate()
        self._rebuild_trainer(trainer)

    def open_example(self, config: SessionConfig) -> None:
        name = QCoreApplication.translate("examples", config.name)
        if self._has_progress() and not self.confirm_reset(self.tr("Open the example “{0}”?").format(name)):
            return
        self.load_session(config)
        self.session_files.forget_file()
        self.workbench.session_opened()
        self.lessons.session_opened(config.name)

    @Slot(tuple)
    def _set_hidden_sizes(self, hidden: tuple) -> None:
        """The Network view's +/−: new hidden sizes (none: a linear model), after asking when a run has progress."""
        if self._has_progress() and not self.confirm_reset(self.tr("Change the network's layers?")):
            return
        model = self.model_editor.read([])
        model = replace(model, kind="mlp" if hidden else "linear", hidden=tuple(hidden) or model.hidden)
        self.model_editor.load(model)
        self._revalidate()
        self._rebuild_trainer()

    def _has_progress(self) -> bool:
        return self.trainer is not None and self.trainer.step > 0

    def confirm_reset(self, question: str) -> bool:
        """Ask before throwing away a run's progress (tests replace this)."""
        self._asking = True
        try:
            answer = QMessageBox.question(
                self, self.tr("Reset training?"),
                self.tr("{0}\n\nThe current run is at step {1}; applying the change starts over from step 0.")
                .format(question, f"{self.trainer.step:,}"),
                QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Reset)
        finally:
            self._asking = False
        return answer == QMessageBox.StandardButton.Reset

    def _read_forms(self) -> tuple[SessionConfig, list[FieldError]]:
        return read_session(*self.editors(), name=self._session_name)

    def _rebuild_trainer(self, prebuilt: Trainer | None = None) -> bool:
        """Build a fresh trainer from the forms (or take `prebuilt`); False (and the fields marked) when
        they are invalid."""
        self._end_run()
        config, errors = self._read_forms()
        self.loss_plot.clear()
        self.params_plot.configure(config.model.kind)
        self.loss_plot.set_loss_name({"mse": "MSE", "bce_with_logits": "BCE", "cross_entropy": "CE"}
                                     .get(config.training.loss, "½·SSE"))
        self._declined_changes = False
        self._building = None   # a build still running in the background is superseded
        if errors:
            self.trainer, self.trainer_config = None, None
            self.fit_plot.set_data(*_empty_data())
            self._set_state("Invalid settings")
            return False
        # The worker enforces the step limit itself, so that it can be raised mid-run.
        build_config = replace(config, training=replace(config.training, steps=None))
        if prebuilt is None and step_bytes(build_config) > BACKGROUND_BUILD_BYTES:
            self._build_in_background(config, build_config)
            return False
        try:
            trainer = prebuilt if prebuilt is not None else self.trainer_factory(build_config)
        except Exception as error:
            return self._on_built(None, config, error)
        return self._install_trainer(trainer, config)

    def _build_in_background(self, config: SessionConfig, build_config: SessionConfig) -> None:
        """Big models take seconds to build (data, parameters, a first forward): never on this thread."""
        self.trainer, self.trainer_config = None, None
        self.fit_plot.set_data(*_empty_data())
        token = self._building = object()

        def build() -> None:
            try:
                result = self.trainer_factory(build_config)
            except Exception as error:  # shown by _on_built, on the GUI thread
                result = error
            if shiboken6.isValid(self):   # the window may have closed meanwhile
                try:
                    self._built.emit(token, config, result)
                except RuntimeError:
                    pass

        self._set_state("Preparing")
        threading.Thread(target=build, daemon=True).start()

    @Slot(object, object, object)
    def _on_built(self, token, config: SessionConfig, result) -> bool:
        if token is not self._building:   # superseded by newer settings, or built in the foreground
            return False
        self._building = None
        if isinstance(result, ConfigError):
            self._show_errors([FieldError.from_config_error(result)])
        elif isinstance(result, Exception):  # e.g. an unreadable CSV file: the user must see why
            self._notify(self.tr("Could not set up training: {0}").format(result))
        else:
            return self._install_trainer(result, config)
        self.trainer, self.trainer_config = None, None
        self._set_state("Invalid settings")
        return False

    def _install_trainer(self, trainer: Trainer, config: SessionConfig) -> bool:
        self.trainer, self.trainer_config = trainer, config
        self._applied_lr = config.training.lr
        labels = (config.data.x_column or "x", config.data.y_column or "y") if config.data.source == "csv" else ("x", "y")
        self.fit_plot.set_data(trainer.data_x, trainer.data_y, trainer.truth_x, trainer.truth_y, labels)
        plane = getattr(trainer, "points", None) is not None
        self.fit_plot.setVisible(not plane)
        self.boundary_view.setVisible(plane)
        index = self.tabs.indexOf(self.network_view)   # the Network tab is there for 2-D data only
        if plane and index < 0:
            self.tabs.insertTab(1, self.network_view, self.tr("Network"))
        elif not plane and index >= 0:
            self.tabs.removeTab(index)
        if plane:
            self.boundary_view.set_data(trainer.points, trainer.labels, trainer.train_index, trainer.test_index,
                                        trainer.problem, trainer.classes, trainer.boundary_extent)
            self.network_view.set_network(config.data.features, config.model.hidden if config.model.kind == "mlp"
                                          else (), trainer.classes if trainer.problem == "multiclass" else 1)
        self._draw_snapshot_of_idle_trainer()
        self.workbench.trainer_changed()
        self._set_state("Ready")
        return True

    def _draw_snapshot_of_idle_trainer(self) -> None:
        snapshot = self.trainer.snapshot()
        self.fit_plot.set_fit(snapshot.grid_x, snapshot.grid_pred)
        self.boundary_view.show_snapshot(snapshot)
        self.network_view.show_snapshot(snapshot)
        self.loss_plot.append_evaluation(snapshot.evaluation)
        self._show_numbers(snapshot.step, None)
        if hasattr(self, "lessons"):  # (not yet while the window is being built)
            self.lessons.on_training_update([snapshot])  # a reset restarts the landscape's live path

    def _forms_differ_from_trainer(self, config: SessionConfig) -> bool:
        return self.trainer_config is None or without_live_settings(config) != without_live_settings(self.trainer_config)

    def _apply_form_changes(self) -> None:
        """Rebuild the trainer when the forms changed what it was built from; ask first if that loses progress."""
        if self._asking or self.errors:
            return
        config, errors = self._read_forms()
        if errors or not self._forms_differ_from_trainer(config):
            return
        if self._has_progress():
            if self._declined_changes:
                return
            if not self.confirm_reset(self.tr("Apply the changed settings?")):
                self._declined_changes = True
                self._notify(self.tr("The changed settings apply at the next Reset."))
                self._update_actions()
                return
        self._rebuild_trainer()

    # ----- live validation ------------------------------------------------------------------

    def _show_errors(self, errors: list[FieldError]) -> None:
        self.errors = errors
        show_session_errors(errors, *self.editors())
        self._update_actions()

    def _revalidate(self) -> SessionConfig:
        config, errors = self._read_forms()
        self._show_errors(errors)
        return config

    @Slot()
    def _on_edited(self) -> None:
        config = self._revalidate()
        # The learning rate and step limit change a run in place; everything else needs a reset.
        lr = self.training_editor.read_lr()
        if lr is not None and lr != self._applied_lr and self.trainer is not None:
            self._applied_lr = lr
            if self.run is not None:
                self.run.control.set_lr(lr)
            else:
                self.trainer.set_lr(lr)
        if self.run is not None:
            self.run.control.set_max_steps(config.training.steps)
        if self.state == "Finished" and not self._at_step_limit():
            self._set_state("Stopped")
        self._update_actions()

    @Slot()
    def _on_committed(self) -> None:
        self._apply_form_changes()

    # ----- training control -----------------------------------------------------------------

    def _max_steps(self) -> int | None:
        return None if self.training_editor.until_stopped.isChecked() else self.training_editor.steps.value()

    def _at_step_limit(self) -> bool:
        limit = self._max_steps()
        return self.trainer is not None and limit is not None and self.trainer.step >= limit

    def _can_train(self) -> bool:
        return (not self.errors and self.trainer is not None and not self.trainer.diverged
                and not self._at_step_limit())

    def is_training(self) -> bool:
        return self.run is not None and not self.run.control.paused

    @Slot()
    def toggle_training(self) -> None:
        if self.is_training():
            self.run.control.pause()
            self._set_state("Paused")
            QTimer.singleShot(100, self._settle_plots)  # after the worker's last update has arrived
            return
        self._apply_form_changes()
        if not self._can_train():
            return
        if self.run is None:
            self._start_run(paused=False)
        else:
            self.run.control.resume()
        if self.tabs.currentWidget() is self.lessons.gallery:
            self.tabs.setCurrentIndex(0)  # Train from the gallery: show the training plots
        self._set_state("Training")

    @Slot()
    def step_once(self) -> None:
        self._apply_form_changes()
        if not self._can_train():
            return
        if self.run is None:
            self._start_run(paused=True)
        self.run.control.request_step()
        self._set_state("Paused")

    @Slot()
    def stop_training(self) -> None:
        if self.run is not None:
            self.run.control.stop()

    @Slot()
    def reset(self) -> None:
        if self._asking:
            return
        self._rebuild_trainer()

    def _start_run(self, paused: bool) -> None:
        self.trainer.engine_kind = self.training_editor.engine_kind()
        self.run = TrainingRun(self.trainer, self._max_steps(), paused=paused)
        self.run.worker.update.connect(self._on_update)
        self.run.worker.ended.connect(self._on_run_ended)
        self._rate, self._rate_mark = None, (time.monotonic(), self.trainer.step)
        self.run.start()

    def _end_run(self, wait_ms: int = 10_000) -> None:
        """Stop the worker (if any) and wait for its thread: nothing may touch the trainer after this.
        One still inside a long step after `wait_ms` is detached (see TrainingRun.detach)."""
        if self.run is not None:
            run, self.run = self.run, None
            if not run.shutdown(wait_ms):
                run.detach()

    @Slot(object)
    def _on_update(self, update: TrainingUpdate) -> None:
        if self.run is None or update.run_id != self.run.run_id:
            return  # from a run already ended by Reset
        self.loss_plot.append(update.steps, update.losses)
        snapshot = update.snapshot
        self.fit_plot.set_fit(snapshot.grid_x, snapshot.grid_pred)
        self.boundary_view.show_snapshot(snapshot)
        self.network_view.show_snapshot(snapshot)
        self.loss_plot.append_evaluation(snapshot.evaluation)
        self.params_plot.append(update.samples)
        self.workbench.on_training_update(update.samples)  # while the worker waits: safe to read the trainer
        self.lessons.on_training_update(update.samples)
        self._measure_rate(snapshot.step)
        self._show_numbers(snapshot.step, snapshot.loss)
        if update.engine_message != getattr(self, "_engine_message", ""):
            self._engine_message = update.engine_message  # "compiling…", then "compiled" (or why not)
            self.training_editor.show_engine(update.engine_message)
            if update.engine_message:
                self.statusBar().showMessage(update.engine_message, 8000)
        self._draw_in_turn(self.run.control, self._live_widgets())

    def _live_widgets(self) -> list[QWidget]:
        plots = self.centralWidget().findChildren(pg.GraphicsView)
        return [*plots, self.statusBar()]

    def _draw_in_turn(self, control: TrainingControl, widgets: list[QWidget]) -> None:
        """Repaint the live widgets one per event-loop pass, then let the sleeping worker go on.

        Left to Qt, the repaint would run at its next update timer with training holding the
        GIL again, and each of the repaint's many Python calls would wait for the
        interpreter's switch interval. Painting now, while the worker waits for this update,
        avoids that; one widget per pass keeps input and timers flowing between them.
        """
        if not widgets or not shiboken6.isValid(widgets[0]):  # done, or the window was closed meanwhile
            control.mark_delivered()
            return
        widget, rest = widgets[0], widgets[1:]
        if isinstance(widget, pg.GraphicsView):
            QCoreApplication.sendPostedEvents(widget.scene())  # the scene's changed items, not other signals
            widget.viewport().repaint()
        else:
            widget.repaint()
        QTimer.singleShot(0, lambda: self._draw_in_turn(control, rest))

    @Slot(object)
    def _on_run_ended(self, end: RunEnd) -> None:
        if self.run is None or end.run_id != self.run.run_id:
            return
        self._end_run()
        self._rate = None
        self._settle_plots()
        if end.reason == "diverged":
            message = end.message
            if "learning rate" not in message and self.tr("learning rate") not in message:
                message = self.tr("{0} — try a smaller learning rate.").format(message)
            self._set_state("Diverged")
            self.fit_plot.show_whole_fit()   # the last finite fit, wherever it went
            self._notify(message, warning=True)
        elif end.reason == "error":
            self._set_state("Stopped")
            self._notify(end.message, warning=True)
        elif end.reason == "finished":
            self._set_state("Finished")
            # Train is disabled at the step limit: say how to go on, until the next message.
            self.statusBar().showMessage(self.tr("{0}. To train on, raise Steps under Training (or tick "
                                                 "“until stopped”) and press Train; Reset starts over.")
                                         .format(end.message))
        else:
            self._set_state("Stopped")
            self.statusBar().showMessage(end.message, 5000)
        if self.trainer is not None:
            self._show_numbers(self.trainer.step, None)

    def _settle_plots(self) -> None:
        """Fit the plots tightly to their data once it stops growing (the live headroom is no longer needed)."""
        if not self.is_training():
            self.loss_plot.follower.fit()
            for follower in self.params_plot.followers:
                follower.fit()

    def _measure_rate(self, step: int) -> None:
        now = time.monotonic()
        if self._rate_mark is not None:
            then, then_step = self._rate_mark
            if now - then >= 0.25:
                rate = (step - then_step) / (now - then)
                self._rate = rate if self._rate is None else 0.5 * self._rate + 0.5 * rate
                self._rate_mark = (now, step)
        else:
            self._rate_mark = (now, step)

    # ----- status and messages ---------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        self.state = state
        self.workbench.set_training(self.is_training())
        self._update_actions()

    def _show_numbers(self, step: int, loss: float | None) -> None:
        self._numbers = (step, loss if loss is not None else (self._numbers[1] if self._numbers and step else None))
        self.step_label.setText(self.tr("step {0}").format(f"{step:,}"))
        if loss is not None:
            self.loss_label.setText(self.tr("loss {0}").format(f"{loss:.6g}"))
        elif step == 0:
            self.loss_label.setText(self.tr("loss {0}").format("—"))
        self.rate_label.setText(self.tr("{0} steps/s").format(f"{self._rate:,.0f}")
                                if self._rate is not None and self.is_training() else "")

    def _notify(self, message: str, warning: bool = False) -> None:
        """Show a message in the one place messages go: the status bar, and a non-blocking box for problems."""
        self.last_message = message
        self.statusBar().showMessage(message, 0 if warning else 8000)
        if warning:
            if self._message_box is not None:
                self._message_box.close()
            self._message_box = QMessageBox(QMessageBox.Icon.Warning, "GradStudio", message,
                                            QMessageBox.StandardButton.Ok, self)
            self._message_box.open()  # open(), not exec(): training and tests must not block on it

    def _update_actions(self) -> None:
        training = self.is_training()
        can_train = self._can_train()
        self.train_action.setText(self.tr("Pause") if training
                                  else (self.tr("Resume") if self.run is not None else self.tr("Train")))
        self.train_action.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if training else QStyle.StandardPixmap.SP_MediaPlay))
        self.train_action.setEnabled(training or can_train)
        if self.errors:
            why = self.tr("Fix the marked fields first")
        elif self.trainer is not None and self.trainer.diverged:
            why = self.tr("The run diverged: lower the learning rate and Reset")
        elif self._at_step_limit():
            why = self.tr("All steps are done: raise Steps, or Reset")
        else:
            why = self.tr("Train, or pause training")
        self.train_action.setToolTip(self._with_keys(self.train_action, why))
        self.step_action.setEnabled(can_train)
        shown = "Invalid settings" if self.errors and not training else self.state
        if self._shown_state != shown:
            self._shown_state = shown
            self.state_label.setText(self._state_text(shown))
            self.state_label.setProperty("state", shown.split()[0].lower())  # the stylesheet colours it
            self.state_label.style().unpolish(self.state_label)
            self.state_label.style().polish(self.state_label)
        self.stop_action.setEnabled(self.run is not None)
        self.reset_action.setEnabled(not self.errors or self.trainer is not None)
        if self._declined_changes and shown in ("Training", "Paused"):
            self.state_label.setToolTip(self.tr("Changed settings apply at the next Reset"))

    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("About GradStudio"),
            self.tr("<h3>GradStudio</h3><p>See gradient-based training: edit a model and its data, "
                    "train it live and watch the loss, the fit and the parameters move.</p>"
                    "<p>Runs on its own autograd engine, whose API follows PyTorch's.</p>"))

    # ----- shutdown --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.session_files.may_close(event):  # the user closed it with unsaved changes and chose Cancel
            event.ignore()
            return
        # The worker must be stopped and joined before Qt tears the thread object down, or Qt aborts
        # with "QThread: Destroyed while thread is still running"; one inside a step of many seconds
        # is detached instead, so closing never waits on it.
        self._end_run(wait_ms=CLOSE_WAIT_MS)
        if self._message_box is not None:
            self._message_box.close()
        self.workbench.shutdown()
        self._save_layout()
        super().closeEvent(event)


def _empty_data() -> tuple:
    empty = np.empty(0)
    return empty, empty, None, None
