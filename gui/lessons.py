"""Wires the lessons into the main window: the Lessons tab (the gallery, in front on first launch),
the lessons in the Examples menu, the explanation dock, and opening a lesson — its session file
loaded, its program put in the scratchpad (never run until Run is pressed) and its view in front."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from engine.session.lessons import LESSONS, Lesson, lesson_by_id, lesson_of, lesson_path
from gui.gallery import LessonGallery, lesson_title
from gui.lesson_panel import LessonPanel
from gui.lesson_views import VIEW_CLASSES, VIEW_TITLES

if TYPE_CHECKING:
    from gui.main_window import MainWindow

GALLERY_SHOWN_KEY = "lessons/gallery_shown"


def view_title(view: str) -> str:
    """The tab title of a lesson's own view, in the interface's language."""
    return QCoreApplication.translate("lessons", VIEW_TITLES[view])


class Lessons(QObject):
    """Owns the gallery, the explanation dock and the lesson entries of the Examples menu."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.current: Lesson | None = None
        self.views: dict[str, QWidget] = {}   # the lessons' own views, made when first opened
        self.view: QWidget | None = None      # the one in the tabs now
        self._surface_tried = None            # the last surface on_training_update tried to draw
        self.gallery = LessonGallery()
        self.gallery.lesson_chosen.connect(self.open_lesson)
        window.tabs.addTab(self.gallery, "")
        self.panel = LessonPanel()
        self.panel.setMinimumWidth(240)  # readable: Chinese text would otherwise let the dock shrink to a column
        self.dock = QDockWidget(window)
        self.dock.setObjectName("lessonDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()   # shown when a lesson opens
        window.view_menu.insertAction(window.view_menu.actions()[0], self.dock.toggleViewAction())
        self._fill_examples_menu()
        self.retranslate_ui()
        window.installEventFilter(self)
        if not window.settings.value(GALLERY_SHOWN_KEY, False, type=bool):
            window.tabs.setCurrentWidget(self.gallery)   # the first launch starts at the lessons
            window.settings.setValue(GALLERY_SHOWN_KEY, True)

    def _fill_examples_menu(self) -> None:
        menu = self.window.examples_menu
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
        tabs = self.window.tabs
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
        self.window.tabs.setCurrentWidget(self.gallery)

    def open_lesson(self, lesson_id: str) -> bool:
        """Open the lesson's session (asking first if unsaved work would be lost) and show its view."""
        lesson = lesson_by_id(lesson_id)
        files = self.window.session_files
        if not files.open_path(lesson_path(lesson), remember=False):   # shows the lesson (session_opened)
            return False
        files.forget_file()   # a lesson is a starting point: Save asks where, never overwrites the asset
        return True

    def session_opened(self, name: str) -> None:
        """A session file was opened (menu, File → Open, command line): a lesson file shows its lesson
        wherever it came from; any other session closes the old lesson and brings its training forward."""
        lesson = lesson_of(name)
        if lesson is None:
            self._close_lesson()
            if self.window.tabs.currentWidget() is self.gallery:
                self.window.tabs.setCurrentIndex(0)
            return
        self.window.statusBar().showMessage(self.tr("Opened the lesson “{0}”").format(lesson_title(lesson)), 5000)
        self.current = lesson
        self.panel.show_lesson(lesson)
        self.dock.show()
        self.dock.raise_()
        self._show_view(lesson)

    def _close_lesson(self) -> None:
        if self.view is not None:
            self.window.tabs.removeTab(self.window.tabs.indexOf(self.view))
            self.view = None
        self.current = None
        self.panel.show_lesson(None)
        self.dock.hide()

    def _show_view(self, lesson: Lesson) -> None:
        window, bench = self.window, self.window.workbench
        if self.view is not None:
            window.tabs.removeTab(window.tabs.indexOf(self.view))
            self.view = None
        if lesson.view in VIEW_CLASSES:
            if lesson.view not in self.views:
                self.views[lesson.view] = VIEW_CLASSES[lesson.view]()
                if lesson.view == "landscape":
                    self.views["landscape"].config_wanted.connect(self._landscape_of_setup)
            self.view = self.views[lesson.view]
            window.tabs.insertTab(window.tabs.indexOf(self.gallery), self.view, view_title(lesson.view))
            window.tabs.setCurrentWidget(self.view)
            bench.scratchpad_dock.show()
            bench.scratchpad_dock.raise_()
            return
        if lesson.view == "training":
            window.tabs.setCurrentIndex(0)
            window.setup_dock.raise_()
            return
        window.tabs.setCurrentWidget(bench.graph)
        bench.scratchpad_dock.show()
        bench.scratchpad_dock.raise_()

    def on_training_update(self, samples) -> None:
        """The loss-landscape lesson follows the window's training run live. When the run trains
        another surface (model, data or loss changed in Setup) that surface is drawn first, once."""
        view = self.views.get("landscape")
        trainer = self.window.trainer
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
        config, errors = self.window._read_forms()
        view = self.views["landscape"]
        if errors:
            view.message.setText(self.tr("Fix the marked fields in Setup first."))
            return
        view.set_config(config)


def _surface(config):
    """What the loss surface depends on: the model, the data and the loss (not the optimizer)."""
    return config.model, config.data, config.training.loss, config.training.seed
