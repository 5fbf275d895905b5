"""The backward debugger dock: Start / Step / Continue / Run to breakpoint / Restart over the
engine's own `backward_steps`, the execution order with the current node, what that node
received and sent, leaves' `.grad` before and after, hooks and what they returned, non-leaf
gradients kept or dropped, freed buffers, breakpoints, and PyTorch's errors explained."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QFrame, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QScrollArea, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from engine.session import tensor_summary as summary
from engine.session.debugger import BackwardDebugger, DebuggerError
from engine.session.debugger_text import record_rows, retranslated, short_values
from engine.session.graph_model import VARIABLE, GraphModel
from engine.session.scratchpad import BackwardRequest
from gui.i18n import Retranslatable

PENDING = QColor("#94a3b8")
CURRENT_BACKGROUND = QColor("#ffedd5")
ERROR_STYLE = "background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; border-radius: 4px; padding: 6px;"
RETAIN_GRAPH = "retain_graph"   # the checkbox is named as the argument it sets: code, not translated
STOP_STYLE = "background: #fff7ed; color: #9a3412; border: 1px solid #fed7aa; border-radius: 4px; padding: 6px;"


class DebuggerPanel(Retranslatable, QWidget):
    """Steps a backward pass of the graph it was given (`set_target`) or that a scratchpad
    program asked for (`start_request`)."""

    walk_changed = Signal(object)    # the record index shown (None = the latest); redraw the graph
    target_needed = Signal()         # Start pressed with no graph: the owner should provide one

    def __init__(self) -> None:
        super().__init__()
        self.debugger = BackwardDebugger()
        self.model: GraphModel | None = None
        self.description = ""
        self.request: BackwardRequest | None = None
        self.shown: int | None = None            # the record shown in the details (None: the latest)
        self.start_blocked: str | None = None    # why Start is not possible now (training runs)
        self.is_stale = lambda model: False      # the owner says which graphs must be rebuilt before a walk
        self.mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._build()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.start_button.setText(self.tr("Start"))
        self.step_button.setText(self.tr("Step"))
        self.step_button.setToolTip(self.tr("Run the next node (F10)"))
        self.continue_button.setText(self.tr("Continue"))
        self.continue_button.setToolTip(self.tr("Run every remaining node"))
        self.run_button.setText(self.tr("Run to breakpoint"))
        self.run_button.setToolTip(self.tr("Run until a breakpoint is hit (F5)"))
        self.restart_button.setText(self.tr("Restart"))
        self.retain_check.setToolTip(self.tr("Keep the saved tensors after the walk, so it can be restarted or "
                                             "run again"))
        self.order_title.setText(self.tr("Execution order"))
        self.breakpoint_box.setTitle(self.tr("Breakpoints"))
        self.nan_check.setText(self.tr("on the first NaN / Inf"))
        self.type_label.setText(self.tr("node type"))
        self.tensor_label.setText(self.tr("tensor"))
        self.type_combo.setToolTip(self.tr("Stop after a node of this type runs, e.g. MulBackward0"))
        self.tensor_combo.setToolTip(self.tr("Stop after the node of this tensor (its grad_fn, or a leaf's "
                                             "AccumulateGrad) runs"))
        self.add_type_button.setText(self.tr("Add"))
        self.add_tensor_button.setText(self.tr("Add"))
        self.remove_button.setText(self.tr("Remove"))
        for i in range(self.breakpoint_list.count()):
            item = self.breakpoint_list.item(i)
            item.setText(self._breakpoint_text(*item.data(Qt.ItemDataRole.UserRole)))
        self.description = retranslated(self.description)
        self.start_blocked = retranslated(self.start_blocked)
        d = self.debugger
        d.stop_reason, d.abandoned, d.explanation = (retranslated(d.stop_reason), retranslated(d.abandoned),
                                                     retranslated(d.explanation))
        self._update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # The lists' own hints would make the dock half a laptop screen tall, squeezing the plots.
        return QSize(900, 230)

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        self.start_button = QPushButton()
        self.step_button = QPushButton()
        self.continue_button = QPushButton()
        self.run_button = QPushButton()
        self.restart_button = QPushButton()
        for button, slot in ((self.start_button, self.start), (self.step_button, self.step),
                             (self.continue_button, self.continue_), (self.run_button, self.run_to_breakpoint),
                             (self.restart_button, self.restart)):
            button.clicked.connect(slot)
        self.step_button.setShortcut("F10")
        self.run_button.setShortcut("F5")
        self.retain_check = QCheckBox(RETAIN_GRAPH)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)   # a long status wraps instead of widening the dock past a laptop screen
        self.status.setMinimumWidth(160)
        controls = QHBoxLayout()
        for w in (self.start_button, self.step_button, self.continue_button, self.run_button, self.restart_button,
                  self.retain_check):
            controls.addWidget(w)
        controls.addWidget(self.status, 1)

        self.order = QListWidget()
        self.order.setFont(self.mono)
        self.order.itemClicked.connect(self._on_order_clicked)
        self.order_title = QLabel()
        order_box = _titled(self.order_title, self.order)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.details = QTreeWidget()
        self.details.setColumnCount(2)
        self.details.setHeaderLabels(["", ""])
        self.details.setHeaderHidden(True)
        self.details.setWordWrap(True)
        self.details.setAlternatingRowColors(True)
        self.details.setColumnWidth(0, 230)
        self.details_title = QLabel()
        bold = self.details_title.font()
        bold.setBold(True)
        self.details_title.setFont(bold)
        node_box = QWidget()
        node_layout = QVBoxLayout(node_box)
        node_layout.setContentsMargins(0, 0, 0, 0)
        node_layout.addWidget(self.details_title)
        node_layout.addWidget(self.message)
        node_layout.addWidget(self.details, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(order_box)
        split.addWidget(node_box)
        # scrolls rather than sets the dock's height: with CJK fonts the panel would need a taller screen
        breakpoints = QScrollArea()
        breakpoints.setWidget(self._build_breakpoints())
        breakpoints.setWidgetResizable(True)
        breakpoints.setFrameShape(QFrame.Shape.NoFrame)
        breakpoints.setMinimumHeight(120)
        split.addWidget(breakpoints)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 1)
        split.setSizes([220, 640, 250])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(controls)
        layout.addWidget(split, 1)

    def _build_breakpoints(self) -> QWidget:
        self.nan_check = QCheckBox()
        self.nan_check.toggled.connect(lambda on: setattr(self.debugger.breakpoints, "nan_inf", on))
        self.type_combo = QComboBox()
        self.type_combo.setEditable(True)
        self.tensor_combo = QComboBox()
        add_type = self.add_type_button = QPushButton()
        add_type.clicked.connect(lambda: self.add_type_breakpoint(self.type_combo.currentText()))
        add_tensor = self.add_tensor_button = QPushButton()
        add_tensor.clicked.connect(lambda: self.add_tensor_breakpoint(self.tensor_combo.currentText()))
        self.breakpoint_list = QListWidget()
        self.breakpoint_list.setMinimumHeight(36)   # laptop screens: the dock's height is precious
        remove = self.remove_button = QPushButton()
        remove.clicked.connect(self._remove_selected_breakpoint)
        box = self.breakpoint_box = QGroupBox()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.nan_check)
        self.type_label, self.tensor_label = QLabel(), QLabel()
        for label, combo, button in ((self.type_label, self.type_combo, add_type),
                                     (self.tensor_label, self.tensor_combo, add_tensor)):
            row = QHBoxLayout()
            row.addWidget(label)
            row.addWidget(combo, 1)
            row.addWidget(button)
            layout.addLayout(row)
        layout.addWidget(self.breakpoint_list, 1)
        layout.addWidget(remove)
        return box

    # -- what to walk --------------------------------------------------------------------
    def set_target(self, model: GraphModel | None, description: str = "") -> None:
        """The graph Start walks (its roots), unless a walk on it is already under way."""
        if model is self.model:
            return
        if self.debugger.started and not self.debugger.finished:
            return   # keep the walk in progress; its graph stays on screen (the owner pins it)
        self.model, self.description = model, description
        self._fill_breakpoint_choices()
        self._update()

    def set_start_blocked(self, reason: str | None) -> None:
        """Disable Start (e.g. "Pause training first") or enable it again (None)."""
        self.start_blocked = reason
        self._update()

    def start(self) -> None:
        if self.model is None or self.is_stale(self.model):
            self.target_needed.emit()   # never walk a graph whose saved tensors later steps changed
        if self.model is not None and self.is_stale(self.model):
            return   # not rebuildable now (the worker is mid-step): Start is blocked until it pauses
        if self.model is None or self.start_blocked or self.request is not None:
            return
        self.debugger.start(self.model.roots, retain_graph=self.retain_check.isChecked())
        self._started()

    def start_request(self, request: BackwardRequest, model: GraphModel, description: str = "") -> None:
        """Walk a backward() a scratchpad program called; the program waits until the walk ends."""
        if self.request is not None and not self.request.done:
            self.request.finish(RuntimeError("a newer backward() took over the debugger"))
        self.debugger.close()
        self.model, self.description, self.request = model, description, request
        self._fill_breakpoint_choices()
        self.debugger.start(request.tensors, request.grad_tensors, request.retain_graph, request.create_graph,
                            request.inputs)
        self._started()

    def _started(self) -> None:
        self.shown = None
        self._after_action()

    # -- actions ------------------------------------------------------------------------
    def step(self) -> None:
        self.debugger.step()
        self._after_action()

    def continue_(self) -> None:
        self.debugger.continue_()
        self._after_action()

    def run_to_breakpoint(self) -> None:
        self.debugger.run_to_breakpoint()
        self._after_action()

    def restart(self) -> None:
        if self.request is None and self.model is not None and self.is_stale(self.model):
            self.debugger.close()
            self.start()   # the graph of the current step, not a replay of an old one
            return
        try:
            self.debugger.restart()
        except DebuggerError as exc:
            self._show_message(str(retranslated(exc.args[0]) if exc.args else exc), ERROR_STYLE)
            return
        self._started()

    def clear(self) -> None:
        """Another session was opened: no graph, no walk, nothing of the old one left on screen."""
        if self.request is not None and not self.request.done:
            self.request.finish(RuntimeError("another session was opened"))
        self.request = None
        self.debugger.reset()
        self.model, self.description, self.shown = None, "", None
        self._fill_breakpoint_choices()
        self._update()

    def abandon(self, reason: str | None = None) -> None:
        """Give up the walk (the scratchpad program, if waiting, gets stopped by its owner)."""
        self.debugger.close(reason)
        self.request = None
        self._update()

    def _after_action(self) -> None:
        self.shown = None
        if self.debugger.finished and self.request is not None:
            request, self.request = self.request, None
            request.finish(self.debugger.exception)
        self._update()
        self.walk_changed.emit(None)

    # -- breakpoints ----------------------------------------------------------------------
    def _fill_breakpoint_choices(self) -> None:
        self.type_combo.clear()
        self.tensor_combo.clear()
        if self.model is None:
            return
        types = sorted({n.label for n in self.model.nodes.values() if n.kind != VARIABLE})
        self.type_combo.addItems(types)
        names = [n.label for n in self.model.nodes.values()
                 if n.kind == VARIABLE and n.tensor is not None and n.tensor.requires_grad]
        self.tensor_combo.addItems(names)

    def add_type_breakpoint(self, name: str) -> None:
        name = name.strip()
        if name and name not in self.debugger.breakpoints.node_types:
            self.debugger.breakpoints.node_types.add(name)
            self._add_breakpoint_item(("type", name))

    def add_tensor_breakpoint(self, name: str) -> None:
        nodes = [] if self.model is None else [n for n in self.model.find(name) if n.kind == VARIABLE]
        if nodes and name not in self.debugger.breakpoints.tensors:
            self.debugger.breakpoints.tensors[name] = nodes[0].tensor
            self._add_breakpoint_item(("tensor", name))

    def _breakpoint_text(self, kind: str, name: str) -> str:
        return self.tr("node type {0}").format(name) if kind == "type" else self.tr("tensor {0}").format(name)

    def _add_breakpoint_item(self, key: tuple) -> None:
        item = QListWidgetItem(self._breakpoint_text(*key))
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.breakpoint_list.addItem(item)

    def _remove_selected_breakpoint(self) -> None:
        for item in self.breakpoint_list.selectedItems():
            kind, name = item.data(Qt.ItemDataRole.UserRole)
            if kind == "type":
                self.debugger.breakpoints.node_types.discard(name)
            else:
                self.debugger.breakpoints.tensors.pop(name, None)
            self.breakpoint_list.takeItem(self.breakpoint_list.row(item))

    # -- showing ----------------------------------------------------------------------------
    def _on_order_clicked(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        if index is None:
            return
        self.shown = None if index == len(self.debugger.records) - 1 else index
        self._show_record()
        self.walk_changed.emit(self.shown)

    def _update(self) -> None:
        d = self.debugger
        running = d.started and not d.finished
        can_start = self.model is not None and not self.start_blocked and self.request is None
        self.start_button.setEnabled(can_start or self.model is None and not self.start_blocked)
        self.start_button.setToolTip(self.start_blocked or self.tr("Begin backward() on the graph shown (nothing runs "
                                                                   "until Step)"))
        for button in (self.step_button, self.continue_button, self.run_button):
            button.setEnabled(running)
        self.restart_button.setEnabled(d.started and d.can_restart)
        self.restart_button.setToolTip(self.tr("Put .grad back as it was and walk again")
                                       if d.can_restart or not d.started else d._restart_blocker() or "")
        self.retain_check.setEnabled(self.request is None)
        self._fill_order()
        self._show_record()
        self.status.setText(self._status_text())

    def _status_text(self) -> str:
        d = self.debugger
        if not d.started and d.error is None:
            if self.start_blocked:
                return self.start_blocked
            return self.tr("Ready: {0}").format(self.description) if self.model is not None \
                else self.tr("Show a graph, then press Start")
        total = len(d.graph_nodes)
        if d.error is not None:
            return self.tr("Backward failed after {0} node(s)").format(len(d.records))
        if d.abandoned:
            return self.tr("Walk ended after {0} node(s): {1}").format(len(d.records), d.abandoned)
        if d.finished:
            leaves = [(leaf, after) for r in d.records for leaf, _, after in r.accumulated]
            grads = ", ".join(f"{self._tensor_label(leaf)}.grad = {short_values(after)}" for leaf, after in leaves[:4])
            return self.tr("Finished: {0} nodes ran").format(len(d.records)) + (f" · {grads}" if grads else "")
        where = self.tr("node {0} of {1}").format(len(d.records), total) if d.records \
            else self.tr("{0} nodes to run").format(total)
        return self.tr("Walking {0} · {1}").format(self.description, where) + \
            (f" · {d.stop_reason}" if d.stop_reason else "")

    def _fill_order(self) -> None:
        d = self.debugger
        self.order.clear()
        current = len(d.records) - 1 if self.shown is None else self.shown
        for record in d.records:
            item = QListWidgetItem(f"{record.index + 1:>3}  {record.name}")
            item.setData(Qt.ItemDataRole.UserRole, record.index)
            if record.index == current:
                item.setBackground(CURRENT_BACKGROUND)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.order.addItem(item)
        pending = d.pending if d.started else []
        if pending:
            header = QListWidgetItem("     " + self.tr("not run yet:"))
            header.setForeground(PENDING)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            self.order.addItem(header)
            for node in pending:
                item = QListWidgetItem(f"     {type(node).__name__}")
                item.setForeground(PENDING)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.order.addItem(item)
        if 0 <= current < self.order.count():
            self.order.scrollToItem(self.order.item(current))

    def _show_message(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    def _show_record(self) -> None:
        d = self.debugger
        self.details.clear()
        if d.error is not None:
            explanation = f"\n\n{d.explanation}" if d.explanation else ""
            self._show_message(f"RuntimeError: {d.error}{explanation}", ERROR_STYLE)
        elif d.stop_reason and self.shown is None:
            self._show_message(self.tr("Stopped: {0}").format(d.stop_reason), STOP_STYLE)
        else:
            self._show_message("", "")
        records = d.records
        if not records:
            self.details_title.setText(self.tr("Press Step to run the first node") if d.started and not d.finished
                                       else "")
            return
        record = records[-1] if self.shown is None else records[self.shown]
        self.details_title.setText(f"#{record.index + 1}  {record.name}")
        for title, value, children in record_rows(record, self._tensor_label, d.retain_graph):
            item = QTreeWidgetItem([title, value])
            item.setFont(1, self.mono)
            item.setToolTip(1, value)
            for child_title, child_value in children:
                child = QTreeWidgetItem([child_title, child_value])
                child.setFont(1, self.mono)
                child.setToolTip(1, child_value)
                item.addChild(child)
            self.details.addTopLevelItem(item)
            item.setExpanded(True)
        self.details.resizeColumnToContents(0)

    def _tensor_label(self, t) -> str:
        node = self.model.node_of_tensor(t) if self.model is not None else None
        return node.label if node is not None else self.tr("tensor {0}").format(summary.shape_text(tuple(t.shape)))

    def details_text(self) -> str:
        """Everything the details tree shows, as text (for tests and copying)."""
        lines = []
        for i in range(self.details.topLevelItemCount()):
            item = self.details.topLevelItem(i)
            lines.append(f"{item.text(0)}: {item.text(1)}")
            for j in range(item.childCount()):
                child = item.child(j)
                lines.append(f"  {child.text(0)}: {child.text(1)}")
        return "\n".join(lines)


class DebuggerDock(Retranslatable, QDockWidget):
    """The debugger panel in a bottom dock."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("debuggerDock")
        self.panel = DebuggerPanel()
        self.setWidget(self.panel)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Backward debugger"))


def _titled(label: QLabel, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box
