"""The Graph tab: the computation graph of the current training step (followed live, throttled)
or of a scratchpad tensor, an inspector for the clicked node, module boxes that expand and
collapse on click, and the backward debugger's progress drawn onto the graph."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableWidget, QTableWidgetItem,
                               QToolBar, QVBoxLayout, QWidget)

from engine.session import tensor_summary as summary
from engine.session.debugger_text import retranslated
from engine.session.graph_inspect import node_details
from engine.session.graph_build import build_graph
from engine.session.graph_model import MODULE, VARIABLE, GraphModel
from gui.graph_canvas import GraphCanvas
from gui.i18n import Retranslatable

EXPANDED_NODES = 20         # graphs with more nodes start with their innermost modules collapsed
MAX_OPERATORS = 400         # a bigger graph is cut to the operators nearest its root (layout stays quick)


class Inspector(QWidget):
    """Field/value rows for the clicked node (shape, dtype, value, requires_grad, .grad, …)."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setWordWrap(True)
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.title.setFont(title_font)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["", ""])
        self.table.horizontalHeader().hide()
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.clear()

    def show_rows(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.title.setText(title)
        self.table.setRowCount(len(rows))
        for i, (field, value) in enumerate(rows):
            key = QTableWidgetItem(field)
            key.setForeground(Qt.GlobalColor.darkGray)
            val = QTableWidgetItem(value)
            val.setFont(self.mono)
            val.setToolTip(value)
            self.table.setItem(i, 0, key)
            self.table.setItem(i, 1, val)
        self.table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()   # wrapped values need new heights at a new width

    def clear(self) -> None:
        self.show_rows(self.tr("Click a node to inspect it"), [])

    def rows(self) -> dict[str, str]:
        return {self.table.item(i, 0).text(): self.table.item(i, 1).text() for i in range(self.table.rowCount())}


class GraphPanel(Retranslatable, QWidget):
    """The graph view with its toolbar and inspector."""

    graph_changed = Signal()   # a different graph (not just new values) is shown
    debug_requested = Signal()  # "Step through backward" pressed: the owner shows the debugger
    model_changed = Signal()   # any new model is shown (a live refresh of the same graph too)

    def __init__(self) -> None:
        super().__init__()
        self.model: GraphModel | None = None
        self.collapsed: set[str] = set()
        self.selected: str | None = None          # a model node id (or a module box id)
        self.source = ""
        self._walk = None                          # (debugger, record index) last drawn
        self._source: Callable[[], tuple | None] | None = None
        self.canvas = GraphCanvas()
        self.inspector = Inspector()
        self.source_label = QLabel()
        self.source_label.setStyleSheet("color: #475569; padding: 0 6px;")
        self.toolbar = self._build_toolbar()
        side = QWidget()   # the inspector, and the legend beneath it: outside the drawing, never over a node
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.inspector, 1)
        side_layout.addWidget(self.canvas.legend, 0, Qt.AlignmentFlag.AlignHCenter)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 260])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(split, 1)
        self.canvas.node_clicked.connect(self._on_node_clicked)
        self.canvas.frame_clicked.connect(self.toggle_module)
        self.retranslate_ui()

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setIconSize(bar.iconSize() * 0.8)
        self.fit_action = bar.addAction("", self.canvas.fit)
        self.zoom_in_action = bar.addAction("", lambda: self.canvas.zoom(1.25))
        self.zoom_out_action = bar.addAction("", lambda: self.canvas.zoom(0.8))
        bar.addSeparator()
        self.expand_action = bar.addAction("", self.expand_all)
        self.collapse_action = bar.addAction("", self.collapse_default)
        bar.addSeparator()
        self.debug_action = bar.addAction("", self.debug_requested.emit)
        bar.addSeparator()
        self.follow_action = QAction(self)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.toggled.connect(self._on_follow_toggled)
        bar.addAction(self.follow_action)
        bar.addWidget(self.source_label)
        return bar

    def retranslate_ui(self) -> None:
        self.fit_action.setText(self.tr("Fit"))
        self.fit_action.setToolTip(self.tr("Fit the whole graph in view (F, or double-click the background); "
                                           "wheel zooms, dragging pans"))
        self.zoom_in_action.setText(self.tr("Zoom in"))
        self.zoom_out_action.setText(self.tr("Zoom out"))
        self.expand_action.setText(self.tr("Expand all"))
        self.expand_action.setToolTip(self.tr("Show every operator inside every module"))
        self.collapse_action.setText(self.tr("Collapse"))
        self.collapse_action.setToolTip(self.tr("Draw the innermost modules as single boxes (click a box to open it)"))
        self.debug_action.setText(self.tr("Debug backward…"))
        self.debug_action.setToolTip(self.tr("Open the backward debugger on this graph"))
        self.follow_action.setText(self.tr("Follow training"))
        self.follow_action.setToolTip(self.tr("Show the graph of the current training step, redrawn while "
                                              "training runs"))
        if self.model is None:
            self.inspector.clear()
            return
        self.source = retranslated(self.source)
        self._show_source()
        self._redraw(fit=False)   # node captions and the legend change size with the language
        self._refresh_inspector()

    def _show_source(self) -> None:
        hidden = self.model.hidden if self.model is not None else 0
        cut = self.tr(" · the {0} operators nearest the root ({1} more not drawn)").format(
            MAX_OPERATORS, f"{hidden:,}") if hidden else ""
        self.source_label.setText(self.source + cut)

    # -- what is shown ----------------------------------------------------------------
    def show_graph(self, model: GraphModel, source: str = "", keep_layout: bool = False) -> None:
        """Draw `model`. With `keep_layout` and the same structure as now, only values change."""
        same = keep_layout and self.model is not None and _signature(self.model) == _signature(model)
        self.model = model
        self.source = source
        self._show_source()
        if same:
            for key, item in self.canvas.nodes.items():
                node = model.nodes.get(key)
                if node is not None:
                    item.node = node
            self.canvas.model = model
            self.canvas.update_legend()
            self.canvas.viewport().update()
        else:
            self.collapsed = model.default_collapsed(EXPANDED_NODES)
            self._walk = None
            self._redraw(fit=True)
            self.graph_changed.emit()
        self._refresh_inspector()
        self.model_changed.emit()

    def show_tensor(self, root, names: dict | None = None, source: str = "") -> GraphModel:
        model = build_graph(root, names, max_operators=MAX_OPERATORS)
        self.show_graph(model, source)
        return model

    def _redraw(self, fit: bool) -> None:
        view = self.model.view(self.collapsed)
        self.canvas.show_view(self.model, view)
        if self._walk is not None:
            self.show_walk(*self._walk)
        if self.selected is not None:
            self.canvas.set_selected(view.shown_as.get(self.selected, self.selected))
        if fit:
            self.canvas.fit(readable=True)

    def toggle_module(self, key: str) -> None:
        if self.model is None or key not in self.model.calls:
            return
        self.collapsed ^= {key}
        self._redraw(fit=False)

    def expand_all(self) -> None:
        if self.model is not None:
            self.collapsed = set()
            self._redraw(fit=True)

    def collapse_default(self) -> None:
        if self.model is not None:
            depth = max((c.depth for c in self.model.calls.values()), default=0)
            self.collapsed = {k for k, c in self.model.calls.items() if c.depth > 0 and not c.children} or \
                {k for k, c in self.model.calls.items() if c.depth == depth and depth > 0}
            self._redraw(fit=True)

    def _on_node_clicked(self, key: str) -> None:
        if self.model is None:
            return
        node = self.canvas.view_.nodes.get(key)
        if node is not None and node.kind == MODULE:
            self.select(key)
            self.toggle_module(node.call.key)
            return
        self.select(key)

    def select(self, key: str | None) -> None:
        self.selected = key
        self.canvas.set_selected(key)
        self._refresh_inspector()

    def _refresh_inspector(self) -> None:
        node = None
        if self.model is not None and self.selected is not None:
            node = self.model.nodes.get(self.selected) or (self.canvas.view_.nodes.get(self.selected)
                                                            if self.canvas.view_ else None)
        if node is None:
            self.inspector.clear()
            return
        title = node.label if node.kind != VARIABLE else self.tr("{0}  (variable)").format(node.label)
        self.inspector.show_rows(title, node_details(self.model, node))

    def node_ids(self, label: str) -> list[str]:
        """Ids of the visible nodes with this label (for tests and scripted screenshots)."""
        view = self.canvas.view_
        return [] if view is None else [k for k, n in view.nodes.items() if n.label == label]

    # -- following training -------------------------------------------------------------
    def set_graph_source(self, source: Callable[[], tuple | None]) -> None:
        """`source()` gives (model, description) of the current training step, or None. While
        "Follow training" is on, the view shows it; the owner calls `refresh_from_source` when
        the step changes (and when reading the trainer is safe)."""
        self._source = source
        self.refresh_from_source(keep_layout=False)

    @property
    def following(self) -> bool:
        return self.follow_action.isChecked()

    def refresh_from_source(self, keep_layout: bool = True) -> None:
        if self._source is None or not self.following:
            return
        with np.errstate(all="ignore"):
            shown = self._source()
        if shown is not None:
            self._walk = None
            self.show_graph(*shown, keep_layout=keep_layout)

    def _on_follow_toggled(self, on: bool) -> None:
        if on:
            self.clear_walk()
            self.refresh_from_source(keep_layout=False)

    def pin(self) -> None:
        """Stop following training (a backward walk or a scratchpad graph is being shown)."""
        self.follow_action.blockSignals(True)
        self.follow_action.setChecked(False)
        self.follow_action.blockSignals(False)

    # -- the backward walk ----------------------------------------------------------------
    def show_walk(self, debugger, upto: int | None = None) -> None:
        """Draw a debugger's records (up to index `upto`, default all) onto this graph."""
        if self.model is None or self.canvas.view_ is None:
            return
        self._walk = (debugger, upto)
        model, view = self.model, self.canvas.view_
        records = debugger.records if upto is None else debugger.records[: upto + 1]
        orders, labels, current, freed = {}, {}, None, set()
        for record in records:
            node = model.node_of_fn(record.node)
            if node is None:
                continue
            shown = view.shown_as[node.id]
            orders[shown] = record.index + 1
            is_current = record is records[-1]
            if is_current:
                current = shown
            if record.released:
                freed.add(shown)
            for slot, grad in enumerate(record.grads_out):
                edge = model.edge_into(record.node, slot) if grad is not None else None
                if edge is not None and (edge.src, edge.dst) in view.edge_of:
                    labels[view.edge_of[(edge.src, edge.dst)]] = (gradient_text(grad), is_current)
            for edge in model.edges:   # the gradient of the variable(s) this node made, or its leaf
                into_output = edge.src == node.id and model.nodes[edge.dst].kind == VARIABLE
                into_leaf = edge.dst == node.id and record.accumulated
                if (into_output or into_leaf) and edge.kind == "data" and (edge.src, edge.dst) in view.edge_of:
                    labels[view.edge_of[(edge.src, edge.dst)]] = (gradient_text(record.grad_in), is_current)
        failed = set()
        if debugger.error is not None and upto is None:   # the nodes that could not run
            for fn in debugger.not_run:
                node = model.node_of_fn(fn)
                if node is not None and getattr(fn, "freed", False):
                    failed.add(view.shown_as[node.id])
        self.canvas.set_walk(orders, current, labels, freed, failed)
        if current is not None:
            self.canvas.centre_on(current)
        self._refresh_inspector()

    def clear_walk(self) -> None:
        self._walk = None
        self.canvas.set_walk({}, None, {})


def gradient_text(grad) -> str:
    """A gradient in a few characters for an edge: its value, or its norm and shape."""
    data = np.asarray(getattr(grad, "_data", grad))
    if data.size <= 3:
        return f"∇ {summary.values(data)}"
    return f"∇ ‖{summary.number(np.linalg.norm(data.astype(np.float64)))}‖ {summary.shape_text(data.shape)}"


def _signature(model: GraphModel) -> tuple:
    return (tuple((k, n.kind, n.label, n.role, n.shape) for k, n in model.nodes.items()),
            tuple((e.src, e.dst, e.kind) for e in model.edges), tuple(model.calls))
