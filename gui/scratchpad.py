"""The scratchpad panel: a Python editor whose program runs on a worker thread with `torch` bound
to the engine, its printed output below, errors marked on their line, Stop, a tensor picker that
shows any of the program's tensors as a graph, and "debug backward", which hands each
`backward()` the program calls to the debugger."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from engine.session.debugger_text import Message
from engine.session.i18n import QT_TRANSLATE_NOOP
from engine.session.scratchpad import BackwardRequest, RunResult, Scratchpad
from gui.code_editor import CodeEditor
from gui.i18n import Retranslatable

EXAMPLE = """\
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3*x + 1
y.backward()
print(x.grad)   # dy/dx = 2x + 3 = 7
"""
ERROR_COLOR = QColor("#b91c1c")


class ScratchpadWorker(QObject):
    """Runs one program on its thread; the program's Stop and debugger hand-over are thread-safe."""

    output = Signal(str)
    backward_requested = Signal(object)     # a BackwardRequest; the program waits for request.finish()
    finished = Signal(object)               # RunResult

    def __init__(self, pad: Scratchpad, code: str, debug_backward: bool) -> None:
        super().__init__()
        self.pad, self.code, self.debug_backward = pad, code, debug_backward

    @Slot()
    def run(self) -> None:
        handler = self.backward_requested.emit if self.debug_backward else None
        try:
            result = self.pad.run(self.code, on_output=self.output.emit, on_backward=handler)
        except BaseException as exc:  # noqa: BLE001 - nothing the program does may take the window down
            result = RunResult("", None, {}, stopped=False)
            result.output = QCoreApplication.translate("scratchpad", "Internal error: {0}").format(repr(exc)) + "\n"
        self.finished.emit(result)


class ScratchpadPanel(Retranslatable, QWidget):
    # descriptions are str (a Message, translated again when the language changes)
    graph_requested = Signal(object, object, object)  # root tensor, {name: tensor}, description
    backward_requested = Signal(object, object)       # BackwardRequest, description
    run_finished = Signal(object)                     # RunResult

    def __init__(self) -> None:
        super().__init__()
        self.pad = Scratchpad()
        self.result: RunResult | None = None
        self._thread: QThread | None = None
        self._worker: ScratchpadWorker | None = None
        self._state = lambda: ""                       # the state line, in the current language
        self.editor = CodeEditor()
        self.editor.setPlainText(EXAMPLE)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.run_button = QPushButton()
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.stop)
        self.debug_check = QCheckBox()
        self.root_combo = QComboBox()
        self.root_combo.setMinimumContentsLength(8)
        self.graph_button = QPushButton()
        self.graph_button.clicked.connect(self.show_selected_graph)
        self.graph_of_label = QLabel()
        self.state_label = QLabel()
        QShortcut(QKeySequence("Ctrl+Return"), self.editor, self.run)

        # two rows, so the panel (tabbed with the setup forms) stays as narrow as the forms
        bar = QVBoxLayout()
        run_row, graph_row = QHBoxLayout(), QHBoxLayout()
        for w in (self.run_button, self.stop_button, self.debug_check):
            run_row.addWidget(w)
        run_row.addStretch(1)
        graph_row.addWidget(self.graph_of_label)
        graph_row.addWidget(self.root_combo, 1)
        graph_row.addWidget(self.graph_button)
        bar.addLayout(run_row)
        bar.addLayout(graph_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.editor)
        split.addWidget(self.output)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.state_label)
        self._set_running(False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.output.setPlaceholderText(self.tr("What the program prints appears here."))
        self.run_button.setText(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Run the program (Ctrl+Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the program at its next line"))
        self.debug_check.setText(self.tr("debug backward"))
        self.debug_check.setToolTip(self.tr("backward() opens the debugger at the first node instead of running "
                                            "through; the program goes on when the walk ends"))
        self.root_combo.setToolTip(self.tr("A tensor of the last run, to draw as the root of a graph"))
        self.graph_button.setText(self.tr("Show graph"))
        self.graph_of_label.setText(self.tr("graph of"))
        self.state_label.setText(self._state())

    def _set_state(self, text) -> None:
        """The state line; `text()` gives it in the current language (called again on a switch)."""
        self._state = text
        self.state_label.setText(text())

    # -- text (saved in session files by the owner) --------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    # -- running ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(self) -> None:
        if self.running:
            return
        self.output.clear()
        self.editor.mark_error(None)
        self._thread = QThread(self)
        self._worker = ScratchpadWorker(self.pad, self.text(), self.debug_check.isChecked())
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.output.connect(self._append_output)
        self._worker.backward_requested.connect(self._on_backward_requested)
        self._worker.finished.connect(self._on_finished)
        self._set_running(True)
        self._thread.start()

    def stop(self) -> None:
        self.pad.stop()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop a running program and wait for its thread (on window close)."""
        if self._thread is not None:
            self.pad.stop()
            self._thread.quit()
            self._thread.wait(timeout_ms)

    @Slot(str)
    def _append_output(self, text: str) -> None:
        cursor = self.output.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.output.setTextCursor(cursor)
        self.output.ensureCursorVisible()

    @Slot(object)
    def _on_backward_requested(self, request: BackwardRequest) -> None:
        self._set_state(lambda: self.tr("Line {0}: backward() is waiting for the debugger").format(request.line))
        self.backward_requested.emit(request, Message("scratchpad", QT_TRANSLATE_NOOP("scratchpad", "backward() on line {0}"),
                                                      request.line))

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        thread = self._thread
        self._thread, self._worker = None, None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self.result = result
        if result.error is not None:
            fmt = QTextCharFormat()
            fmt.setForeground(ERROR_COLOR)
            cursor = self.output.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(result.error.traceback + "\n", fmt)
            self.editor.mark_error(result.error.line)
        self._fill_roots(result)
        self._set_running(False)
        error = result.error
        if result.stopped:
            self._set_state(lambda: self.tr("Stopped"))
        elif error is not None and error.line:
            self._set_state(lambda: self.tr("Error on line {0}: {1}").format(error.line, error.message))
        elif error is not None:
            self._set_state(lambda: self.tr("Error: {0}").format(error.message))
        else:
            self._set_state(lambda: self.tr("Finished"))
        self.run_finished.emit(result)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.debug_check.setEnabled(not running)
        if running:
            self._set_state(lambda: self.tr("Running…"))

    # -- graphs of the program's tensors ----------------------------------------------------
    def _fill_roots(self, result: RunResult) -> None:
        previous = self.root_combo.currentText()
        tensors = result.tensors()
        self.root_combo.clear()
        # results with a history first: they make the interesting graphs
        names = sorted(tensors, key=lambda n: (tensors[n].grad_fn is None, n))
        self.root_combo.addItems(names)
        if previous in names:
            self.root_combo.setCurrentText(previous)
        self.graph_button.setEnabled(bool(names))

    def show_selected_graph(self) -> None:
        if self.result is None:
            return
        tensors = self.result.tensors()
        name = self.root_combo.currentText()
        if name in tensors:
            self.graph_requested.emit(tensors[name], tensors,
                                      Message("graph", QT_TRANSLATE_NOOP("graph", "scratchpad: {0}"), name))
