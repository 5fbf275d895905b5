"""The Setup dock: the Model, Data and Training forms as one scrolling column, read together into a
session config. Its texts keep the main window's translation context."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDockWidget, QGroupBox, QScrollArea, QVBoxLayout, QWidget

from engine.session import SessionConfig

from gui.editors import DataEditor, ModelEditor, TrainingEditor, read_session, show_session_errors
from gui.form_fields import FieldError


class SetupDock(QDockWidget):
    """One dock for the three forms, each a titled section: they are read top to bottom as one
    recipe, and separate docks would share the height evenly, not by content."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("setupDock")
        self.model_editor, self.data_editor, self.training_editor = ModelEditor(), DataEditor(), TrainingEditor()
        self.errors: list[FieldError] = []   # the fields marked now
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
        self.setWidget(scroll)

    def editors(self) -> tuple[ModelEditor, DataEditor, TrainingEditor]:
        return self.model_editor, self.data_editor, self.training_editor

    def retranslate_ui(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("MainWindow", "Setup"))
        titles = (QCoreApplication.translate("MainWindow", "Model"), QCoreApplication.translate("MainWindow", "Data"),
                  QCoreApplication.translate("MainWindow", "Training"))
        for box, title in zip(self.form_boxes, titles):
            box.setTitle(title)
        self.fit_width()

    def fit_width(self) -> None:
        """Captions of the three forms share one width; the dock never cuts the fields off at the right."""
        for editor in self.editors():
            editor.align_captions(0)
        caption_width = max(editor.caption_width() for editor in self.editors())
        for editor in self.editors():
            editor.align_captions(caption_width)
        scroll = self.widget()
        sections = scroll.widget()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the forms' layouts, updated now
        sections.layout().activate()
        scroll.setMinimumWidth(sections.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())

    # ----- the session in the forms ----------------------------------------------------------

    def load(self, config: SessionConfig) -> None:
        self.model_editor.load(config.model)
        self.data_editor.load(config.data)
        self.training_editor.load(config.training)

    def read(self, name: str) -> tuple[SessionConfig, list[FieldError]]:
        return read_session(*self.editors(), name=name)

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors = errors
        show_session_errors(errors, *self.editors())

    def set_hidden_sizes(self, hidden: tuple[int, ...]) -> None:
        """An MLP with these hidden layers; none: a linear model (the hidden sizes kept for later)."""
        model = self.model_editor.read([])
        self.model_editor.load(replace(model, kind="mlp" if hidden else "linear", hidden=tuple(hidden) or model.hidden))

    def max_steps(self) -> int | None:
        """The step limit in the form (None: until stopped)."""
        editor = self.training_editor
        return None if editor.until_stopped.isChecked() else editor.steps.value()
