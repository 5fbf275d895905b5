"""The start page: a grid of lesson cards (title and one-line description); clicking one opens it."""
from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.session.lessons import LESSONS, Lesson
from gui.i18n import Retranslatable

COLUMNS = 3


def lesson_title(lesson: Lesson) -> str:
    return QCoreApplication.translate("lessons", lesson.title)


def lesson_description(lesson: Lesson) -> str:
    return QCoreApplication.translate("lessons", lesson.description)


class LessonCard(Retranslatable, QFrame):
    """One lesson: its number and title in bold, the description beneath; the whole card is clickable."""

    clicked = Signal(str)   # the lesson id

    def __init__(self, number: int, lesson: Lesson) -> None:
        super().__init__()
        self.lesson, self.number = lesson, number
        self.setObjectName("lessonCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title, self.description = QLabel(), QLabel()
        for label in (self.title, self.description):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.description)
        layout.addStretch(1)
        self.setMinimumSize(240, 96)
        self.setStyleSheet("#lessonCard { border: 1px solid palette(mid); border-radius: 6px; }"
                           "#lessonCard:hover { border-color: palette(highlight); }")
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setToolTip(self.tr("Open this lesson"))
        self.title.setText(f"<b>{self.number}. {html.escape(lesson_title(self.lesson))}</b>")
        self.description.setText(lesson_description(self.lesson))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.lesson.id)
        super().mouseReleaseEvent(event)


class LessonGallery(Retranslatable, QScrollArea):
    """All lessons as cards, in lesson order; emits `lesson_chosen(id)` when one is clicked."""

    lesson_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        column = QVBoxLayout(page)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        column.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self.cards: list[LessonCard] = []
        for index, lesson in enumerate(LESSONS):
            card = LessonCard(index + 1, lesson)
            card.clicked.connect(self.lesson_chosen)
            self.cards.append(card)
        self.columns = 0
        self._arrange(COLUMNS)
        column.addLayout(self.grid)
        column.addStretch(1)
        self.setWidget(page)
        self.retranslate_ui()

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(card, index // columns, index % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # As many columns as fit: on a laptop-sized window the cards wrap instead of scrolling sideways.
        card = self.cards[0].minimumWidth() + self.grid.spacing()
        room = self.viewport().width() - 24
        self._arrange(max(1, min(COLUMNS, (room + self.grid.spacing()) // card)))
        super().resizeEvent(event)

    def retranslate_ui(self) -> None:
        self.heading.setText(self.tr("<h2>Lessons</h2><p>Classic autograd lessons, each runnable and visible. "
                                     "Click one to open it: its program goes into the scratchpad (press Run), "
                                     "its explanation beside the views.</p>"))

