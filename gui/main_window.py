"""The main window: assembles the Setup forms, the live plots, the graph workbench, the lessons and the
File menu around one Training (trainer, worker run, run state), and draws what the training reports."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget

from engine.session import ConfigError, SessionConfig, Trainer
from engine.session.run_state import Phase, needs_new_trainer

from gui.draw_pacing import draw_in_turn
from gui.examples import default_session, examples
from gui.form_fields import FieldError
from gui.graph_workbench import GraphWorkbench
from gui.lessons import Lessons
from gui.plots import configure_pyqtgraph
from gui.session_files import FileActions, SessionFiles
from gui.settings import APPLICATION, ORGANIZATION, app_icon, app_settings, restore_layout, save_layout  # noqa: F401
from gui.setup_dock import SetupDock
from gui.status_line import StatusLine
from gui.training import Training, TrainerFactory
from gui.training_plots import TrainingPlots
from gui.window_actions import WindowActions
from gui.worker import RunEnd, TrainingUpdate

CLOSE_WAIT_MS = 500  # closing waits this long for a training step to end, then detaches it
SETTINGS_VERSION = 2  # bump when docks or toolbars change, so stale saved layouts are ignored


class MainWindow(QMainWindow):
    """Edits a session, trains it on a worker thread and draws what each snapshot shows."""

    def __init__(self, config: SessionConfig | None = None, trainer_factory: TrainerFactory = Trainer,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else app_settings()
        self.session_name = "Linear regression"
        self._declined_changes = False  # the user chose to keep training with settings not yet applied
        self._asking = False
        self._engine_message = ""

        configure_pyqtgraph()
        self.setWindowTitle(APPLICATION)
        self.setWindowIcon(app_icon())
        self.resize(1360, 860)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        # the parts
        self.setup = self.setup_dock = SetupDock(self)
        self.model_editor, self.data_editor, self.training_editor = self.setup.editors()
        self.training = Training(self, trainer_factory, settings_valid=lambda: not self.setup.errors,
                                 engine_kind=self.training_editor.engine_kind)
        self.plots = self.training_tab = TrainingPlots()
        self.loss_plot, self.fit_plot, self.params_plot = self.plots.loss_plot, self.plots.fit_plot, self.plots.params_plot
        self.boundary_view, self.network_view = self.plots.boundary_view, self.plots.network_view
        # the Graph and Gradient-flow tabs, the backward debugger and the scratchpad
        self.workbench = GraphWorkbench(self, lambda: self.training.trainer, self.training.run_active)
        self.status = StatusLine(self, self.statusBar())
        self.state_label, self.step_label = self.status.state_label, self.status.step_label
        self.loss_label, self.rate_label = self.status.loss_label, self.status.rate_label
        self.menus = WindowActions(self, examples())   # the menus and the toolbar
        a = self.menus
        self.train_action, self.step_action, self.stop_action, self.reset_action = a.train, a.step, a.stop, a.reset
        self.open_action, self.save_action, self.export_action, self.quit_action = a.open, a.save, a.export, a.quit
        self.file_menu, self.training_menu, self.examples_menu = a.file_menu, a.training_menu, a.examples_menu
        self.view_menu, self.help_menu, self.toolbar = a.view_menu, a.help_menu, a.toolbar
        self._build_docks()
        self._build_centre()
        self.reset_layout_action, self.language_menu = a.reset_layout, a.language_menu
        self.language_actions, self.example_actions, self.about_action = a.language_actions, a.example_actions, a.about
        # File menu: open, save, export, load weights
        self.session_files = SessionFiles(
            self, self.settings, self.training, self.status, self.workbench.scratchpad,
            FileActions(self.file_menu, self.open_action, self.save_action, self.export_action, self.quit_action),
            read_forms=self.read_forms, load_session=self.load_session,
            session_name=lambda: self.session_name, display_name=self.session_display_name,
            plot_widgets=self.plots.plot_widgets)
        # the Lessons tab, the lessons in Examples, the explanation dock
        self.lessons = Lessons(self, self.tabs, self.settings, self.status, self.view_menu, self.examples_menu,
                               open_file=self.session_files.open_copy, get_trainer=lambda: self.training.trainer,
                               read_forms=self.read_forms)

        # what the parts report
        for action, slot in ((a.train, self.toggle_training), (a.step, self.step_once), (a.stop, self.stop_training),
                             (a.reset, self.reset), (a.reset_layout, self.reset_layout)):
            action.triggered.connect(slot)
        a.example_chosen.connect(self.open_example)
        self.network_view.hidden_requested.connect(self._set_hidden_sizes)
        # a new data set picks a loss that fits its problem, before the forms are validated
        self.data_editor.committed.connect(lambda: self.training_editor.fit_loss_to(self.data_editor.read([])))
        self.set_language = a.set_language
        for editor in self.setup.editors():
            editor.edited.connect(self._on_edited)
            editor.committed.connect(self._on_committed)
            editor.edited.connect(self.session_files.forms_edited)
        self.training.trainer_changed.connect(self._on_trainer_changed)
        self.training.build_failed.connect(self._on_build_failed)
        self.training.phase_changed.connect(self._on_phase_changed)
        self.training.updated.connect(self._on_update)
        self.training.ended.connect(self._on_run_ended)
        self.training.rest_ended.connect(lambda: self.plots.catch_up(self.training.trainer))
        self.session_files.opened.connect(self._session_opened)
        self.session_files.weights_loaded.connect(self._draw_snapshot_of_idle_trainer)
        self.lessons.training_wanted.connect(lambda: (self.tabs.setCurrentIndex(0), self.setup.raise_()))
        self.lessons.graph_wanted.connect(self.workbench.graph_wanted.emit)
        self.lessons.scratchpad_wanted.connect(
            lambda: (self.workbench.scratchpad_dock.show(), self.workbench.scratchpad_dock.raise_()))

        self.load_session(config or default_session())
        self.session_files.mark_saved()
        self.retranslate_ui()
        self._default_state = self.saveState(SETTINGS_VERSION)   # for View → Reset layout
        restore_layout(self, self.settings, SETTINGS_VERSION)

    # what the parts hold, as tests and scripts read it from the window
    trainer = property(lambda self: self.training.trainer)
    trainer_config = property(lambda self: self.training.trainer_config)
    run = property(lambda self: self.training.run)
    state = property(lambda self: self.training.state.phase)   # a Phase (equal to its English key)
    errors = property(lambda self: self.setup.errors)
    last_message = property(lambda self: self.status.last_message)

    def editors(self) -> tuple:
        return self.setup.editors()

    def is_training(self) -> bool:
        return self.training.is_training()

    # ----- language --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            # The forms get their own LanguageChange, maybe after this one: measure their new captions then.
            QTimer.singleShot(0, self.setup.fit_width)
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        """Every text the window itself sets, in the current language (the forms, the lessons, the
        workbench and the file controller retranslate themselves)."""
        self.menus.retranslate_ui()
        self.setup.retranslate_ui()
        self.status.retranslate_ui()
        self._update_actions()
        if self.status.numbers is not None:
            self._show_numbers(*self.status.numbers)
        self._revalidate()  # the field errors, in the new language

    def session_display_name(self) -> str:
        """The session's name in the interface language (the built-in examples' and lessons' names are translated)."""
        name = QCoreApplication.translate("examples", self.session_name)
        return name if name != self.session_name else QCoreApplication.translate("lessons", self.session_name)

    # ----- construction -------------------------------------------------------------------

    def _build_docks(self) -> None:
        self.form_boxes = self.setup.form_boxes
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.setup)
        self.docks = [self.setup, self.workbench.scratchpad_dock, self.workbench.debugger_dock]
        self.resizeDocks([self.setup], [380], Qt.Orientation.Horizontal)
        self.menus.fill_view_menu(self.docks)

    def _build_centre(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.plots.place_in(self.tabs)
        self.workbench.place_in(self, self.tabs, beside=self.setup)
        self.setCentralWidget(self.tabs)
        self.resizeDocks([self.setup], [380], Qt.Orientation.Horizontal)  # again, now the scratchpad shares it

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, SETTINGS_VERSION)
        for dock in self.docks:
            dock.show()

    # ----- sessions and the trainer ---------------------------------------------------------

    def load_session(self, config: SessionConfig, trainer: Trainer | None = None) -> None:
        """Put a session into the forms and build its trainer, or take `trainer`, built from `config`
        already and maybe trained (the current run, if any, is dropped)."""
        self.session_name = config.name
        self.setup.load(config)
        self._revalidate()
        self._rebuild_trainer(trainer)
        if trainer is not None and self.trainer is trainer:
            self._show_restored_run()

    def _show_restored_run(self) -> None:
        """Draw what an opened run had reached: loss and parameter history, the fit, the numbers."""
        trainer = self.trainer
        self.plots.show_history(trainer)
        self._draw_snapshot_of_idle_trainer()
        if trainer.step:
            self._show_numbers(trainer.step, trainer.last_loss)
        self.training.state.restored(trainer.step, trainer.diverged)
        if trainer.diverged:
            self.fit_plot.show_whole_fit()

    def open_example(self, config: SessionConfig) -> None:
        name = QCoreApplication.translate("examples", config.name)
        if self.training.has_progress() and not self.confirm_reset(self.tr("Open the example “{0}”?").format(name)):
            return
        self.load_session(config)
        self.session_files.forget_file()
        self._session_opened(config.name)

    @Slot(tuple)
    def _set_hidden_sizes(self, hidden: tuple) -> None:
        """The Network view's +/−: new hidden sizes (none: a linear model), after asking when a run has progress."""
        if self.training.has_progress() and not self.confirm_reset(self.tr("Change the network's layers?")):
            return
        self.setup.set_hidden_sizes(hidden)
        self._revalidate()
        self._rebuild_trainer()

    def _session_opened(self, name: str) -> None:
        self.workbench.session_opened()
        self.lessons.session_opened(name)

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

    def read_forms(self) -> tuple[SessionConfig, list[FieldError]]:
        return self.setup.read(self.session_name)

    def _rebuild_trainer(self, prebuilt: Trainer | None = None) -> bool:
        """Build a fresh trainer from the forms (or take `prebuilt`); False (and the fields marked) when
        they are invalid, or while it is built in the background."""
        self.training.end_run()
        config, errors = self.read_forms()
        self.plots.start_over(config)
        self._declined_changes = False
        return self.training.rebuild(config, valid=not errors, prebuilt=prebuilt)

    @Slot()
    def _on_trainer_changed(self) -> None:
        self.plots.show_trainer(self.training.trainer, self.training.trainer_config)
        if self.training.trainer is None:
            return
        self._draw_snapshot_of_idle_trainer()
        self.workbench.trainer_changed()

    @Slot(object)
    def _on_build_failed(self, error: Exception) -> None:
        if isinstance(error, ConfigError):
            self._show_errors([FieldError.from_config_error(error)])
        else:  # e.g. an unreadable CSV file: the user must see why
            self.status.notify(self.tr("Could not set up training: {0}").format(error))

    def _draw_snapshot_of_idle_trainer(self) -> None:
        snapshot = self.trainer.snapshot()
        self.plots.show_snapshot(snapshot)
        self._show_numbers(snapshot.step, None)
        self.lessons.on_training_update([snapshot])  # a reset restarts the landscape's live path

    def _apply_form_changes(self) -> None:
        """Rebuild the trainer when the forms changed what it was built from; ask first if that loses progress."""
        if self._asking or self.errors:
            return
        config, errors = self.read_forms()
        if errors or not needs_new_trainer(config, self.training.trainer_config):
            return
        if self.training.has_progress():
            if self._declined_changes:
                return
            if not self.confirm_reset(self.tr("Apply the changed settings?")):
                self._declined_changes = True
                self.status.notify(self.tr("The changed settings apply at the next Reset."))
                self._update_actions()
                return
        self._rebuild_trainer()

    # ----- live validation ------------------------------------------------------------------

    def _show_errors(self, errors: list[FieldError]) -> None:
        self.setup.show_errors(errors)
        self._update_actions()

    def _revalidate(self) -> SessionConfig:
        self.training.state.max_steps = self.setup.max_steps()
        config, errors = self.read_forms()
        self._show_errors(errors)
        return config

    @Slot()
    def _on_edited(self) -> None:
        self._revalidate()
        # The learning rate and step limit change a run in place; everything else needs a reset.
        self.training.apply_live_settings(self.training_editor.read_lr(), self.setup.max_steps())
        self._update_actions()

    @Slot()
    def _on_committed(self) -> None:
        self._apply_form_changes()

    # ----- training control -----------------------------------------------------------------

    @Slot()
    def toggle_training(self) -> None:
        if self.training.is_training():
            self.training.pause()
            QTimer.singleShot(100, self._settle_plots)  # after the worker's last update has arrived
            return
        self._apply_form_changes()
        if self.training.train() and self.tabs.currentWidget() is self.lessons.gallery:
            self.tabs.setCurrentIndex(0)  # Train from the gallery: show the training plots

    @Slot()
    def step_once(self) -> None:
        self._apply_form_changes()
        self.training.step_once()

    @Slot()
    def stop_training(self) -> None:
        self.training.stop()

    @Slot()
    def reset(self) -> None:
        if not self._asking:
            self._rebuild_trainer()

    @Slot(object)
    def _on_update(self, update: TrainingUpdate) -> None:
        control, snapshot = self.training.run.control, update.snapshot
        self.plots.show_update(update)
        self.workbench.on_training_update(update.samples)  # while the worker waits: safe to read the trainer
        self.lessons.on_training_update(update.samples)
        self._show_numbers(snapshot.step, snapshot.loss)
        if update.engine_message != self._engine_message:
            self._engine_message = update.engine_message  # "compiling…", then "compiled" (or why not)
            self.training_editor.show_engine(update.engine_message)
            if update.engine_message:
                self.status.show_message(update.engine_message, 8000)
        draw_in_turn(control, [*self.centralWidget().findChildren(pg.GraphicsView), self.statusBar()])

    @Slot(object)
    def _on_run_ended(self, end: RunEnd) -> None:
        self._settle_plots()
        if end.reason == "diverged":
            self.fit_plot.show_whole_fit()   # the last finite fit, wherever it went
        self.status.show_run_end(end)
        if self.trainer is not None:
            self._show_numbers(self.trainer.step, None)

    def _settle_plots(self) -> None:
        """Fit the plots tightly to their data once it stops growing (the live headroom is no longer needed)."""
        if not self.training.is_training():
            self.plots.settle()

    # ----- status -----------------------------------------------------------------------------

    @Slot(object)
    def _on_phase_changed(self, _phase: Phase) -> None:
        self.workbench.set_training(self.training.is_training())
        self._update_actions()

    def _show_numbers(self, step: int, loss: float | None) -> None:
        self.status.show_numbers(step, loss, self.training.shown_rate())

    def _update_actions(self) -> None:
        training = self.training.is_training()
        self.menus.show_run(training, has_run=self.run is not None, block=self.training.train_block(),
                            may_reset=not self.errors or self.trainer is not None)
        shown = self.training.state.shown(settings_valid=not self.errors, training=training)
        self.status.show_phase(shown)
        if self._declined_changes and shown in (Phase.TRAINING, Phase.PAUSED):
            self.state_label.setToolTip(self.tr("Changed settings apply at the next Reset"))

    # ----- shutdown --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.session_files.may_close(event):  # the user closed it with unsaved changes and chose Cancel
            event.ignore()
            return
        # The worker must be stopped and joined before Qt tears the thread object down, or Qt aborts
        # with "QThread: Destroyed while thread is still running"; one inside a step of many seconds
        # is detached instead, so closing never waits on it.
        self.training.end_run(wait_ms=CLOSE_WAIT_MS)
        self.status.close_box()
        self.workbench.shutdown()
        save_layout(self, self.settings, SETTINGS_VERSION)
        super().closeEvent(event)
