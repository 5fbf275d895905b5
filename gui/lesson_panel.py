"""The explanation panel: the open lesson's title and text (what to look at, what to try), beside the views."""
from __future__ import annotations

import html
import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from engine.session.lessons import Lesson
from gui.gallery import lesson_title
from gui.i18n import Retranslatable

# A line break inside a paragraph is a space in English, nothing between two Chinese characters.
_WIDE = r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]"
_WIDE_BREAK = re.compile(rf"(?<={_WIDE})\s*\n\s*|\s*\n\s*(?={_WIDE})")


def lesson_explanation(lesson: Lesson) -> str:
    return QCoreApplication.translate("lessons", lesson.explanation)


def paragraphs_html(text: str) -> str:
    """Blank-line separated paragraphs as HTML, each paragraph's lines joined."""
    paragraphs = [_WIDE_BREAK.sub("", p) for p in text.strip().split("\n\n")]
    return "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)


class LessonPanel(Retranslatable, QWidget):
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
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.show_lesson(self.lesson)

    def show_lesson(self, lesson: Lesson | None) -> None:
        self.lesson = lesson
        if lesson is None:
            self.title.setText(self.tr("<b>No lesson open</b>"))
            self.text.setPlainText(self.tr("Open a lesson from the Lessons tab or the Examples menu."))
            return
        self.title.setText(f"<h3>{html.escape(lesson_title(lesson))}</h3>")
        self.text.setHtml(paragraphs_html(lesson_explanation(lesson)))

    def plain_text(self) -> str:
        return self.text.toPlainText()
