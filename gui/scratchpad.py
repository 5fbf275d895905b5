"""The scratchpad panel: a Python editor whose program runs on a worker thread with `torch` bound
to the engine, its printed output below, errors marked on their line, Stop, a tensor picker that
shows any of the program's tensors as a graph, and "debug backward", which hands each
`backward()` the program calls to the debugger."""
from __future__ import annotations

import os
import pickle
import queue
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QProcessEnvironment, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QSplitter,
                               QVBoxLayout, QWidget)

from engine.session.debugger_text import Message
from engine.session.i18n import QT_TRANSLATE_NOOP
import engine
from engine.session.scratchpad import MAX_LINES, BackwardRequest, RunResult, Scratchpad, ScratchpadError
from engine.session.scratchpad_process import FrameReader
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
NOTICE_STYLE = "background: #fff7ed; color: #9a3412; border: 1px solid #fed7aa; border-radius: 4px; padding: 4px;"
RIGHTS_NOTICE_KEY = "scratchpad/rights_notice_shown"
STOP_GRACE_MS = 900     # Stop ends a run within a second, whatever the program is doing
POLL_MS = 20            # how often a debug run's output and requests are picked up


def _settings() -> QSettings:
    from gui.main_window import app_settings   # late: the window imports this panel
    return app_settings()


class ChildRun(QObject):
    """One program run in a child process: whatever the program does, the window only reads
    throttled frames from a pipe, and Stop kills the process."""

    output = Signal(str)
    dropped = Signal(int)
    backward_requested = Signal(object)     # never: debug runs are in-process (ThreadRun)
    finished = Signal(object)               # RunResult

    def __init__(self, code: str, parent: QObject) -> None:
        super().__init__(parent)
        self.code, self.stopped, self.result = code, False, None
        self._frames = FrameReader()
        self.process = QProcess(self)
        self.process.setProgram(sys.executable)
        self.process.setArguments(["-m", "engine.session.scratchpad_process"])
        env = QProcessEnvironment.systemEnvironment()
        root = str(Path(engine.__file__).resolve().parent.parent)
        env.insert("PYTHONPATH", os.pathsep.join(filter(None, [root, env.value("PYTHONPATH")])))
        self.process.setProcessEnvironment(env)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._on_exit)
        self.process.errorOccurred.connect(self._on_error)

    def start(self) -> None:
        self.process.start()
        self.process.write(pickle.dumps(self.code))
        self.process.closeWriteChannel()

    def stop(self) -> None:
        self.stopped = True
        self.process.kill()

    def shutdown(self, timeout_ms: int) -> None:
        self.stop()
        self.process.waitForFinished(timeout_ms)

    def _read(self) -> None:
        for message in self._frames.feed(bytes(self.process.readAllStandardOutput())):
            if message[0] == "output":
                self.output.emit(message[1])
            elif message[0] == "dropped":
                self.dropped.emit(message[1])
            elif message[0] == "done":
                self.result = message[1]
                self.result.namespace = pickle.loads(message[2])

    def _on_exit(self, code: int = 0, status=None) -> None:
        self._read()
        result = self.result
        if result is None:
            error = None if self.stopped else ScratchpadError(QCoreApplication.translate(
                "scratchpad", "The program ended the process it ran in (exit code {0})").format(code), None)
            result = RunResult("", error, {}, stopped=self.stopped)
            if error is not None:
                result.error.traceback = error.message
        self.finished.emit(result)

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._on_exit(-1)


class ThreadRun(QObject):
    """One program run in this process on a daemon thread: "debug backward" hands the program's
    own backward() to the debugger, so the program must share the window's memory. Stop ends it at
    its next line; one that does not get there within STOP_GRACE_MS (a sleep, a long C call) is
    left to end on its own, unseen, and the panel is free again; a closing window never waits.

    The thread never touches a Qt object (the panel may be gone by the time it wakes): it puts
    what happens into a queue that a timer on the GUI thread empties."""

    output = Signal(str)
    dropped = Signal(int)
    backward_requested = Signal(object)     # a BackwardRequest; the program waits for request.finish()
    finished = Signal(object)               # RunResult

    def __init__(self, code: str, parent: QObject) -> None:
        super().__init__(parent)
        self.pad, self.code = Scratchpad(), code     # its own Stop flag: an abandoned run keeps it set
        events: queue.SimpleQueue = queue.SimpleQueue()
        self._events = events
        self.thread = threading.Thread(target=_run_in_thread, args=(self.pad, code, events), daemon=True)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._deliver)
        self._done = False

    def start(self) -> None:
        self.thread.start()
        self._poll.start()

    def stop(self) -> None:
        self.pad.stop()
        QTimer.singleShot(STOP_GRACE_MS, self, self._abandon)

    def shutdown(self, timeout_ms: int) -> None:
        self.pad.stop()
        self.thread.join(timeout_ms / 1000)
        self._poll.stop()

    def _abandon(self) -> None:
        if not self._done and self.thread.is_alive():
            self._end(RunResult(QCoreApplication.translate("scratchpad", "Stopped.") + "\n", None, {}, stopped=True))

    def _deliver(self) -> None:
        while not self._done:
            try:
                kind, value = self._events.get_nowait()
            except queue.Empty:
                return
            if kind == "finished":
                self._end(value)
            else:
                getattr(self, kind).emit(value)

    def _end(self, result: RunResult) -> None:
        self._done = True
        self._poll.stop()
        self.finished.emit(result)


def _run_in_thread(pad: Scratchpad, code: str, events: queue.SimpleQueue) -> None:
    try:
        result = pad.run(code, on_output=lambda text: events.put(("output", text)),
                         on_backward=lambda request: events.put(("backward_requested", request)),
                         on_dropped=lambda lines: events.put(("dropped", lines)))
    except BaseException as exc:  # noqa: BLE001 - nothing the program does may take the window down
        result = RunResult("", None, {}, stopped=False)
        result.output = QCoreApplication.translate("scratchpad", "Internal error: {0}").format(repr(exc)) + "\n"
    events.put(("finished", result))


class ScratchpadPanel(Retranslatable, QWidget):
    # descriptions are str (a Message, translated again when the language changes)
    graph_requested = Signal(object, object, object)  # root tensor, {name: tensor}, description
    backward_requested = Signal(object, object)       # BackwardRequest, description
    run_finished = Signal(object)                     # RunResult
    edited = Signal()                                 # the user changed the program (unsaved work)

    def __init__(self) -> None:
        super().__init__()
        self.result: RunResult | None = None
        self._run: ChildRun | ThreadRun | None = None
        self._dropped = self._lines_shown = 0          # output lines of this run not kept / shown
        self._origin = ""                              # the session file the program came from
        self._state = lambda: ""                       # the state line, in the current language
        self.editor = CodeEditor()
        self.editor.setPlainText(EXAMPLE)
        self.editor.textChanged.connect(self._on_text_changed)
        self._setting_text = False
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(MAX_LINES + 1)
        # small minimums: with both notices shown the panel must still fit a 768-pixel-high screen
        self.editor.setMinimumHeight(56)
        self.output.setMinimumHeight(40)
        # said once per installation, plainly: this is not a sandbox
        self.rights_notice = QLabel()
        self.rights_notice.setWordWrap(True)
        self.rights_notice.setStyleSheet(NOTICE_STYLE)
        self.rights_notice.setVisible(not _settings().value(RIGHTS_NOTICE_KEY, False, type=bool))
        self.origin_label = QLabel()
        self.origin_label.setWordWrap(True)
        self.origin_label.setStyleSheet(NOTICE_STYLE)
        self.origin_label.hide()
        for notice in (self.rights_notice, self.origin_label):   # wrapped text keeps its full height
            notice.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
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
        layout.addWidget(self.rights_notice)
        layout.addWidget(self.origin_label)
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
        self.stop_button.setToolTip(self.tr("Stop the program now"))
        self.debug_check.setText(self.tr("debug backward"))
        self.debug_check.setToolTip(self.tr("backward() opens the debugger at the first node instead of running "
                                            "through; the program goes on when the walk ends"))
        self.root_combo.setToolTip(self.tr("A tensor of the last run, to draw as the root of a graph"))
        self.graph_button.setText(self.tr("Show graph"))
        self.graph_of_label.setText(self.tr("graph of"))
        self.rights_notice.setText(self.tr("The scratchpad runs your program as ordinary Python with your user's "
                                           "rights: it can read, change and delete your files. Run only code you "
                                           "trust."))
        self.origin_label.setText(self.tr("This program was loaded from {0} and has not run. Read it, then press "
                                          "Run to run it.").format(self._origin))
        self.state_label.setText(self._state())

    def _set_state(self, text) -> None:
        """The state line; `text()` gives it in the current language (called again on a switch)."""
        self._state = text
        self.state_label.setText(text())

    # -- text (saved in session files by the owner) --------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str, origin: str = "") -> None:
        """Show `text`; with `origin` (a session file's name) say where it came from: it never
        runs until Run is pressed."""
        self._setting_text = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._setting_text = False
        self._origin = origin
        self.origin_label.setVisible(bool(origin))
        self.retranslate_ui()

    def _on_text_changed(self) -> None:
        if not self._setting_text:
            self.edited.emit()

    # -- running ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._run is not None

    def run(self) -> None:
        if self.running:
            return
        if not self.rights_notice.isHidden():
            _settings().setValue(RIGHTS_NOTICE_KEY, True)   # shown this once; the panel keeps it until closed
        self.origin_label.hide()
        self.output.clear()
        self._dropped = self._lines_shown = 0
        self.editor.mark_error(None)
        # normal runs in a child process (killable, never blocks the window); debug runs in-process,
        # where the debugger can walk the program's own backward()
        if self.debug_check.isChecked():
            self._run = ThreadRun(self.text(), self)
        else:
            self._run = ChildRun(self.text(), self)
        self._run.output.connect(self._append_output)
        self._run.dropped.connect(self._count_dropped)
        self._run.backward_requested.connect(self._on_backward_requested)
        self._run.finished.connect(self._on_finished)
        self._set_running(True)
        self._run.start()

    def stop(self) -> None:
        if self._run is not None:
            self._run.stop()

    def shutdown(self, timeout_ms: int = 1000) -> None:
        """End a running program without waiting long for it (on window close)."""
        if self._run is not None:
            run, self._run = self._run, None
            run.finished.disconnect(self._on_finished)
            run.shutdown(timeout_ms)

    @Slot(int)
    def _count_dropped(self, lines: int) -> None:
        self._dropped += lines

    @Slot(str)
    def _append_output(self, text: str) -> None:
        lines = text.count("\n")
        self._lines_shown += lines
        if lines >= MAX_LINES:   # a flood: the batch replaces everything shown (4× cheaper than inserting)
            self.output.setPlainText(text)
            self.output.moveCursor(QTextCursor.MoveOperation.End)
        else:
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
        if self._run is None:
            return
        self._run.deleteLater()
        self._run = None
        if result.stopped and not result.output:   # killed: what it printed is what was shown
            self._append_output(QCoreApplication.translate("scratchpad", "Stopped.") + "\n")
            result.output = self.output.toPlainText()
        # the widget keeps the last MAX_LINES lines too: what it lost is dropped as well
        dropped = max(result.dropped, self._dropped + max(0, self._lines_shown - MAX_LINES))
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
            state = lambda: self.tr("Stopped")  # noqa: E731
        elif error is not None and error.line:
            state = lambda: self.tr("Error on line {0}: {1}").format(error.line, error.message)  # noqa: E731
        elif error is not None:
            state = lambda: self.tr("Error: {0}").format(error.message)  # noqa: E731
        else:
            state = lambda: self.tr("Finished")  # noqa: E731
        if dropped:
            self._set_state(lambda: self.tr("{0} · {1} earlier lines of output dropped (the last {2} are kept)")
                            .format(state(), f"{dropped:,}", f"{MAX_LINES:,}"))
        else:
            self._set_state(state)
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
