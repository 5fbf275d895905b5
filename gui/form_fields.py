"""Form plumbing shared by the editors: field cells that show an error under the input, and a validating form."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from gui.i18n import Retranslatable


class WholeNumberBox(QDoubleSpinBox):
    """A spin box of whole numbers up to 2⁵³ (QSpinBox stops at 2³¹−1; seeds go to 2³²−1). A value
    it cannot hold (a field the chosen model does not use, loaded from a file) leaves it unchanged
    instead of raising half-way through filling a form."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__()
        self.setDecimals(0)
        self.setRange(low, high)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def value(self) -> int:
        return int(super().value())

    def setValue(self, value) -> None:  # noqa: N802 - Qt's name
        if self.fits(value):
            super().setValue(float(value))

    def fits(self, value) -> bool:
        return (isinstance(value, int) and not isinstance(value, bool)
                and self.minimum() <= value <= self.maximum())


@dataclass
class FieldError:
    """One problem with one field, addressed by the config's dotted path ("data.noise_std")."""

    field: str
    message: str
    position: int | None = None

    @classmethod
    def from_config_error(cls, error) -> "FieldError":
        return cls(error.field, error.message, getattr(error, "position", None))

    def text(self) -> str:
        if self.position is not None and not _mentions_column(self.message):
            return QCoreApplication.translate("form_fields", "{0} (column {1})").format(self.message, self.position + 1)
        return self.message


def _mentions_column(message: str) -> bool:
    """Whether an error message already says at which column (in English or the interface language)."""
    word = QCoreApplication.translate("form_fields", "column", "the word for a column of the expression's text")
    return "column" in message or word in message


class FieldCell(QWidget):
    """An input (or a row of inputs) with a message label beneath it that shows what is wrong."""

    def __init__(self, content: QWidget | QLayout):
        super().__init__()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(content, QLayout):
            column.addLayout(content)
        else:
            column.addWidget(content)
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        column.addWidget(self.message)
        self._marked: list[QWidget] = []

    def set_error(self, widget: QWidget, text: str) -> None:
        _set_invalid(widget, True)
        self._marked.append(widget)
        old = self.message.text() if self.message.isVisible() else ""
        self.message.setText(f"{old}\n{text}" if old and text not in old else text)
        self.message.show()

    def clear_error(self) -> None:
        for widget in self._marked:
            _set_invalid(widget, False)
        self._marked.clear()
        self.message.clear()
        self.message.hide()


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    # The stylesheet draws the red border from this dynamic property; re-polish to apply it.
    if widget.property("invalid") == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def row_of(*widgets: QWidget) -> QHBoxLayout:
    """Lay widgets side by side with no margins (a text between them is a QLabel its form retranslates)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for item in widgets:
        row.addWidget(item)
    return row


class ConfigForm(Retranslatable, QWidget):
    """A QFormLayout whose fields are addressed by config path and mark their own errors.

    `edited` fires on every change (for live validation); `committed` when the user has
    finished an edit (Enter, focus out, a combo choice), which is when the window may ask
    before resetting a run.

    Subclasses set their captions, tooltips and choices in `retranslate_ui()`, which runs
    at the end of their construction and again on every language change.
    """

    edited = Signal()
    committed = Signal()

    section = ""  # "model" | "data" | "training": the config paths this form owns

    def __init__(self) -> None:
        super().__init__()
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._fields: dict[str, tuple[FieldCell, QWidget]] = {}
        self._cells: list[FieldCell] = []
        self.captions: list[QLabel] = []
        self._caption_of: dict[FieldCell, QLabel] = {}
        self._loading = False
        self.form_message = QLabel()  # errors no single field owns
        self.form_message.setObjectName("fieldError")
        self.form_message.setWordWrap(True)
        self.form_message.hide()

    def add_row(self, cell_content: QWidget | QLayout) -> FieldCell:
        """A row with an empty caption: `retranslate_ui` names it with `set_row_texts`."""
        cell = FieldCell(cell_content)
        caption = QLabel()
        self.form.addRow(caption, cell)
        self.captions.append(caption)
        self._caption_of[cell] = caption
        self._cells.append(cell)
        return cell

    def set_row_texts(self, widget: QWidget, label: str, tooltip: str) -> None:
        """The caption and tooltip of the row holding `widget` (a registered field)."""
        cell = self.cell_of(widget)
        caption = self._caption_of[cell]
        caption.setText(label)
        caption.setToolTip(tooltip)
        cell.setToolTip(tooltip)

    def retranslate_ui(self) -> None:
        """Set every static text in the current language (overridden by each form)."""

    def align_captions(self, width: int) -> None:
        """Give the labels a common width, so the fields of forms stacked one above the other line up
        (0 lets them take their own width again, to measure them after a language change)."""
        for caption in self.captions:
            caption.setMinimumWidth(width)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def caption_width(self) -> int:
        """The width of the widest caption's text (not sizeHint: a label caches it, minimum width included)."""
        def width(caption: QLabel) -> int:
            margins = caption.contentsMargins()
            return (caption.fontMetrics().horizontalAdvance(caption.text()) + margins.left() + margins.right()
                    + 2 * caption.margin())
        return max((width(caption) for caption in self.captions), default=0)

    def register(self, path: str, cell: FieldCell, widget: QWidget) -> None:
        """Route errors for `path` to `widget` inside `cell`, and watch the widget for edits."""
        self._fields[path] = (cell, widget)
        self.watch(widget)

    def cell_of(self, widget: QWidget) -> FieldCell:
        return next(cell for cell, field_widget in self._fields.values() if field_widget is widget)

    def watch(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._on_edited)
            # Validate again on commit: what Enter commits may differ from the last keystroke
            # (a CSV path fills the column choices only then).
            widget.editingFinished.connect(self._on_edited_and_committed)
        elif isinstance(widget, QAbstractSpinBox):
            # Without keyboard tracking valueChanged fires on Enter, focus-out and arrows,
            # not on every digit typed, which is when a changed value means something.
            widget.setKeyboardTracking(False)
            widget.valueChanged.connect(self._on_edited_and_committed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._on_edited_and_committed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._on_edited_and_committed)
        elif isinstance(widget, QTableWidget):
            widget.itemChanged.connect(self._on_edited_and_committed)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Set widgets from a config without the form reporting them as user edits."""
        self._loading, was = True, self._loading
        try:
            yield
        finally:
            self._loading = was

    def _on_edited(self, *_args) -> None:
        if not self._loading:
            self.edited.emit()

    def _on_edited_and_committed(self, *_args) -> None:
        if not self._loading:
            self.update_visibility()
            self.edited.emit()
            self.committed.emit()

    def update_visibility(self) -> None:
        """Show the rows that apply to the current choices (overridden by forms that switch)."""

    def show_errors(self, errors: list[FieldError]) -> None:
        for cell in self._cells:
            cell.clear_error()
        leftover = []
        for error in errors:
            target = self._fields.get(error.field) or self._fields.get(error.field.rsplit(".", 1)[0])
            if target:
                target[0].set_error(target[1], error.text())
            else:
                leftover.append(error.text())
        self.form_message.setText("\n".join(leftover))
        self.form_message.setVisible(bool(leftover))

    def errors_for(self, path: str) -> list[str]:
        """The messages currently shown for a field (for tests and accessibility)."""
        target = self._fields.get(path)
        if not target or not target[0].message.isVisible():
            return []
        return target[0].message.text().splitlines()

    # Readers for text fields: they record a FieldError instead of raising, so one bad
    # field never hides the problems of the others, and the typed text stays as it is.

    @staticmethod
    def read_float(edit: QLineEdit, path: str, errors: list[FieldError], fallback: float) -> float:
        text = edit.text().strip()
        try:
            value = float(text)
        except ValueError:
            errors.append(FieldError(path, QCoreApplication.translate("form_fields", "'{0}' is not a number").format(text)
                                     if text else QCoreApplication.translate("form_fields", "enter a number")))
            return fallback
        if not math.isfinite(value):
            errors.append(FieldError(path, QCoreApplication.translate("form_fields", "must be a finite number")))
            return fallback
        return value


def float_text(value: float) -> str:
    """A float as a person would type it: 0.02, 1e-05, 3."""
    return f"{value:g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.3g}"
