"""The explanation panel: the open lesson's title and text (what to look at, what to try), beside the views."""
from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from engine.session.lessons import Lesson
from gui.gallery import lesson_title


def lesson_explanation(lesson: Lesson) -> str:
    return QCoreApplication.translate("lessons", lesson.explanation)


class LessonPanel(QWidget):
    """Shows one lesson's explanation; empty until a lesson is opened."""

    def __init__(self) -> None:
        super().__init__()
        self.lesson: Lesson | None = None
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        self.show_lesson(None)

    def show_lesson(self, lesson: Lesson | None) -> None:
        self.lesson = lesson
        if lesson is None:
            self.title.setText(self.tr("<b>No lesson open</b>"))
            self.text.setPlainText(self.tr("Open a lesson from the Lessons tab or the Examples menu."))
            return
        self.title.setText(f"<h3>{html.escape(lesson_title(lesson))}</h3>")
        paragraphs = lesson_explanation(lesson).strip().split("\n\n")
        self.text.setHtml("".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs))

    def plain_text(self) -> str:
        return self.text.toPlainText()
