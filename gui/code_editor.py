"""A small Python code editor: line numbers in a gutter, syntax highlighting, the error line
marked, four-space indentation."""
from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (QColor, QFont, QFontDatabase, QKeyEvent, QPainter, QSyntaxHighlighter, QTextCharFormat,
                           QTextFormat)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

ERROR_LINE = QColor("#fee2e2")


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, numbers, strings (triple-quoted across lines too), comments, decorators."""

    RULES = [   # (pattern, format, the group to colour)
        (r"\b(" + "|".join(keyword.kwlist) + r")\b", _format("#7c3aed", bold=True), 0),
        (r"\b(" + "|".join(n for n in dir(builtins) if not n.startswith("_")) + r")\b", _format("#0369a1"), 0),
        (r"\btorch\b|\bself\b", _format("#b45309"), 0),
        (r"@\w+", _format("#b45309"), 0),
        (r"\b\d+\.?\d*(e[+-]?\d+)?\b|\.\d+\b", _format("#15803d"), 0),
        (r"\bdef\s+(\w+)", _format("#1d4ed8", bold=True), 1),
        (r"\bclass\s+(\w+)", _format("#1d4ed8", bold=True), 1),
    ]
    STRING = _format("#b91c1c")
    COMMENT = _format("#64748b", italic=True)
    TRIPLE = re.compile(r"'''|\"\"\"")
    SIMPLE_STRING = re.compile(r"[rbfu]*('([^'\\\n]|\\.)*'|\"([^\"\\\n]|\\.)*\")", re.IGNORECASE)

    def __init__(self, document) -> None:
        super().__init__(document)
        self.rules = [(re.compile(p), f, g) for p, f, g in self.RULES]

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt, group in self.rules:
            for m in pattern.finditer(text):
                self.setFormat(m.start(group), m.end(group) - m.start(group), fmt)
        covered = []   # strings and comments override everything under them
        for m in self.SIMPLE_STRING.finditer(text):
            self.setFormat(m.start(), m.end() - m.start(), self.STRING)
            covered.append((m.start(), m.end()))
        hash_at = next((i for i, c in enumerate(text) if c == "#" and not any(a <= i < b for a, b in covered)), None)
        if hash_at is not None:
            self.setFormat(hash_at, len(text) - hash_at, self.COMMENT)
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        # block state 1: inside a triple-quoted string that started on an earlier line
        start = 0 if self.previousBlockState() == 1 else None
        self.setCurrentBlockState(0)
        pos = 0
        while True:
            m = self.TRIPLE.search(text, pos)
            if start is None:
                if m is None:
                    return
                start, pos = m.start(), m.end()
                continue
            if m is None:
                self.setFormat(start, len(text) - start, self.STRING)
                self.setCurrentBlockState(1)
                return
            self.setFormat(start, m.end() - start, self.STRING)
            start, pos = None, m.end()


class _Gutter(QWidget):
    def __init__(self, editor: "CodeEditor") -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """Plain-text Python editing with line numbers; `mark_error(line)` highlights a line."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.0))
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 4)
        self.highlighter = PythonHighlighter(self.document())
        self.gutter = _Gutter(self)
        self.error_line: int | None = None
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_gutter)
        self.textChanged.connect(lambda: self.mark_error(None))
        self._update_margin()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _update_margin(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect, dy) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        r = self.contentsRect()
        self.gutter.setGeometry(QRect(r.left(), r.top(), self.gutter_width(), r.height()))

    def paint_gutter(self, event) -> None:
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), QColor("#f1f5f9"))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                is_error = self.error_line == number + 1
                painter.setPen(QColor("#b91c1c") if is_error else QColor("#94a3b8"))
                painter.drawText(0, top, self.gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight,
                                 str(number + 1))
            block = block.next()
            top = bottom
            number += 1

    def mark_error(self, line: int | None) -> None:
        """Highlight a 1-based line (None clears it) and scroll it into view."""
        if line == self.error_line:
            return
        self.error_line = line
        selections = []
        if line is not None:
            block = self.document().findBlockByNumber(line - 1)
            if block.isValid():
                selection = QTextEdit.ExtraSelection()
                selection.format.setBackground(ERROR_LINE)
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                cursor = self.textCursor()
                cursor.setPosition(block.position())
                selection.cursor = cursor
                selections.append(selection)
                self.setTextCursor(cursor)
                self.ensureCursorVisible()
        self.setExtraSelections(selections)
        self.gutter.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Tab and not event.modifiers():
            self.insertPlainText("    ")
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            # keep the indentation, one level more after a colon
            line = self.textCursor().block().text()
            indent = line[: len(line) - len(line.lstrip(" "))]
            if line.rstrip().endswith(":"):
                indent += "    "
            super().keyPressEvent(event)
            self.insertPlainText(indent)
            return
        super().keyPressEvent(event)
