"""Wires the lessons into the main window: the Lessons tab (the gallery, in front on first launch),
the lessons in the Examples menu, the explanation dock, and opening a lesson — its session file
loaded, its program put in the scratchpad (never run until Run is pressed) and its view in front."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QTabWidget, QWidget

from engine.session.lessons import LESSONS, Lesson, lesson_by_id, lesson_of, lesson_path
from gui.gallery import LessonGallery, lesson_title
from gui.lesson_panel import LessonPanel
from gui.lesson_views import VIEW_CLASSES, VIEW_TITLES
from gui.status_line import StatusLine

GALLERY_SHOWN_KEY = "lessons/gallery_shown"


def view_title(view: str) -> str:
    """The tab title of a lesson's own view, in the interface's language."""
    return QCoreApplication.translate("lessons", VIEW_TITLES[view])


class Lessons(QObject):
    """Owns the gallery, the explanation dock and the lesson entries of the Examples menu.

    It adds the gallery and the lessons' views to `tabs`, opens a lesson's file with `open_file(path)`
    (False when the user cancelled or it failed), and follows the run of `get_trainer()`; what it
    wants in front of the window's other parts it asks for with signals.
    """

    training_wanted = Signal()     # the training plots and the Setup forms
    graph_wanted = Signal()        # the Graph tab
    scratchpad_wanted = Signal()   # the scratchpad dock, shown and raised

    def __init__(self, window: QMainWindow, tabs: QTabWidget, settings: QSettings, status: StatusLine,
                 view_menu: QMenu, examples_menu: QMenu, *, open_file: Callable[[Path], bool],
                 get_trainer: Callable[[], object], read_forms: Callable[[], tuple]) -> None:
        super().__init__(window)
        self.window, self.tabs, self.status = window, tabs, status
        self.examples_menu = examples_menu
        self.open_file, self.get_trainer, self.read_forms = open_file, get_trainer, read_forms
        self.current: Lesson | None = None
        self.views: dict[str, QWidget] = {}   # the lessons' own views, made when first opened
        self.view: QWidget | None = None      # the one in the tabs now
        self._surface_tried = None            # the last surface on_training_update tried to draw
        self.gallery = LessonGallery()
        self.gallery.lesson_chosen.connect(self.open_lesson)
        tabs.addTab(self.gallery, "")
        self.panel = LessonPanel()
        self.panel.setMinimumWidth(240)  # readable: Chinese text would otherwise let the dock shrink to a column
        self.dock = QDockWidget(window)
        self.dock.setObjectName("lessonDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()   # shown when a lesson opens
        view_menu.insertAction(view_menu.actions()[0], self.dock.toggleViewAction())
        self._fill_examples_menu()
        self.retranslate_ui()
        window.installEventFilter(self)
        if not settings.value(GALLERY_SHOWN_KEY, False, type=bool):
            tabs.setCurrentWidget(self.gallery)   # the first launch starts at the lessons
            settings.setValue(GALLERY_SHOWN_KEY, True)

    def _fill_examples_menu(self) -> None:
        menu = self.examples_menu
        first = menu.actions()[0] if menu.actions() else None
        self.actions = []
        for number, lesson in enumerate(LESSONS, start=1):
            action = QAction(menu)
            action.triggered.connect(lambda _checked=False, lesson_id=lesson.id: self.open_lesson(lesson_id))
            menu.insertAction(first, action)
            self.actions.append(action)
        start = self.all_lessons_action = QAction(menu)
        start.triggered.connect(self.show_gallery)
        menu.insertAction(first, start)
        if first is not None:
            menu.insertSeparator(first)

    def retranslate_ui(self) -> None:
        tabs = self.tabs
        tabs.setTabText(tabs.indexOf(self.gallery), self.tr("Lessons"))
        self.dock.setWindowTitle(self.tr("Lesson"))
        for number, (lesson, action) in enumerate(zip(LESSONS, self.actions), start=1):
            action.setText(f"{number}. {lesson_title(lesson)}")
        self.all_lessons_action.setText(self.tr("All lessons…"))
        if self.view is not None and self.current is not None:
            tabs.setTabText(tabs.indexOf(self.view), view_title(self.current.view))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        return False

    def show_gallery(self) -> None:
        self.tabs.setCurrentWidget(self.gallery)

    def open_lesson(self, lesson_id: str) -> bool:
        """Open the lesson's session (asking first if unsaved work would be lost) and show its view."""
        # a lesson is a starting point: Save asks where, never overwrites the asset; shown by session_opened
        return self.open_file(lesson_path(lesson_by_id(lesson_id)))

    def session_opened(self, name: str) -> None:
        """A session file was opened (menu, File → Open, command line): a lesson file shows its lesson
        wherever it came from; any other session closes the old lesson and brings its training forward."""
        lesson = lesson_of(name)
        if lesson is None:
            self._close_lesson()
            if self.tabs.currentWidget() is self.gallery:
                self.tabs.setCurrentIndex(0)
            return
        self.status.show_message(self.tr("Opened the lesson “{0}”").format(lesson_title(lesson)), 5000)
        self.current = lesson
        self.panel.show_lesson(lesson)
        self.dock.show()
        self.dock.raise_()
        self._show_view(lesson)

    def _close_lesson(self) -> None:
        if self.view is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.view))
            self.view = None
        self.current = None
        self.panel.show_lesson(None)
        self.dock.hide()

    def _show_view(self, lesson: Lesson) -> None:
        tabs = self.tabs
        if self.view is not None:
            tabs.removeTab(tabs.indexOf(self.view))
            self.view = None
        if lesson.view in VIEW_CLASSES:
            if lesson.view not in self.views:
                self.views[lesson.view] = VIEW_CLASSES[lesson.view]()
                if lesson.view == "landscape":
                    self.views["landscape"].config_wanted.connect(self._landscape_of_setup)
            self.view = self.views[lesson.view]
            tabs.insertTab(tabs.indexOf(self.gallery), self.view, view_title(lesson.view))
            tabs.setCurrentWidget(self.view)
            self.scratchpad_wanted.emit()
            return
        if lesson.view == "training":
            self.training_wanted.emit()
            return
        self.graph_wanted.emit()
        self.scratchpad_wanted.emit()

    def on_training_update(self, samples) -> None:
        """The loss-landscape lesson follows the window's training run live. When the run trains
        another surface (model, data or loss changed in Setup) that surface is drawn first, once."""
        view = self.views.get("landscape")
        trainer = self.get_trainer()
        if view is None or view is not self.view or trainer is None or not samples:
            return
        key = _surface(trainer.config)
        if _surface(view.config) != key:
            if self._surface_tried == key:
                return  # it could not be drawn (the view says why): do not retry on every update
            self._surface_tried = key
            if not view.set_config(trainer.config):
                return
        view.follow_run(samples)

    def _landscape_of_setup(self) -> None:
        config, errors = self.read_forms()
        view = self.views["landscape"]
        if errors:
            view.message.setText(self.tr("Fix the marked fields in Setup first."))
            return
        view.set_config(config)


def _surface(config):
    """What the loss surface depends on: the model, the data and the loss (not the optimizer)."""
    return config.model, config.data, config.training.loss, config.training.seed
