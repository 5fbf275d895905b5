"""The drawing of a computation graph: a zoomable, pannable QGraphicsView of one laid-out
`GraphView`, with module frames, its legend (shown beside it) and, during a backward walk, execution
badges, the current node and the gradients on the edges."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView

from engine.session.graph_inspect import tooltip
from engine.session.graph_layout import Layout, nested_layout
from engine.session.graph_model import MODULE, GraphModel, GraphView
from gui.graph_items import EdgeItem, FrameItem, Legend, NodeItem, node_size

ZOOM_STEP = 1.15
MIN_SCALE, MAX_SCALE = 0.08, 4.0
MAX_FIT_SCALE = 1.35        # small graphs are not blown up to fill the window
READABLE_SCALE = 1.0        # the default zoom never shrinks text below its size (≥ 9 pt, graph_items.font)
FIT_MARGIN = 0.97           # a little air around a fitted graph (and no rounding into scrollbars)
CLICK_SLOP = 4              # pixels a press may move and still be a click, not a pan
FRAME_PAD = 14.0


class GraphCanvas(QGraphicsView):
    node_clicked = Signal(str)       # id of a visible node (a "module:…" id for a collapsed box)
    frame_clicked = Signal(str)      # key of an expanded module whose header was clicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("#fbfcfe"))
        self.setMouseTracking(True)
        self.model: GraphModel | None = None
        self.view_: GraphView | None = None
        self.layout_: Layout | None = None
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.frames: dict[str, FrameItem] = {}
        self.legend = Legend()   # placed beside the view by the panel: it never covers a node
        self._press: QPointF | None = None
        self.auto_fit: str | None = None   # "readable" or "whole": refit so when resized; None after a zoom

    # -- building ------------------------------------------------------------------
    def show_view(self, model: GraphModel, view: GraphView) -> None:
        """Lay out and draw `view` (a new scene; zoom is kept by the caller's `fit`)."""
        self.model, self.view_ = model, view
        scene = self.scene()
        scene.clear()
        self.nodes, self.edges, self.frames = {}, {}, {}
        sizes = {key: node_size(node) for key, node in view.nodes.items()}
        layout, frames = nested_layout(sizes, [(e.src, e.dst) for e in view.edges], view.cluster_of,
                                       view.frame_parent, pad=FRAME_PAD, header=FrameItem.HEADER)
        self.layout_ = layout
        for key, node in view.nodes.items():
            item = NodeItem(node, sizes[key])
            item.setPos(*layout.positions[key])
            scene.addItem(item)
            self.nodes[key] = item
        self._add_edges(view, layout)
        for key, frame in frames.items():
            item = FrameItem(key, view.frames[key].label, QRectF(frame.x, frame.y, frame.w, frame.h))
            self.scene().addItem(item)
            self.frames[key] = item
        margin = 40.0
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        self.setSceneRect(scene.sceneRect())
        self.update_legend()

    def _add_edges(self, view: GraphView, layout: Layout) -> None:
        # Spread the ends of the edges meeting at a node along its outline, ordered by where the
        # other end is, so arrows do not pile up on one point and fewer of them cross.
        outgoing: dict[str, list] = {}
        incoming: dict[str, list] = {}
        for e in view.edges:
            outgoing.setdefault(e.src, []).append(e)
            incoming.setdefault(e.dst, []).append(e)
        exit_dx, entry_dx = {}, {}
        for key, edges in outgoing.items():
            edges.sort(key=lambda e: self._next_x(layout, e, from_src=True))
            for i, e in enumerate(edges):
                exit_dx[(e.src, e.dst)] = self._spread(i, len(edges), self.nodes[key].w)
        for key, edges in incoming.items():
            edges.sort(key=lambda e: self._next_x(layout, e, from_src=False))
            for i, e in enumerate(edges):
                entry_dx[(e.src, e.dst)] = self._spread(i, len(edges), self.nodes[key].w)
        for e in view.edges:
            key = (e.src, e.dst)
            route = layout.routes.get(key) or [layout.positions[e.src], layout.positions[e.dst]]
            start = self.nodes[e.src].port(exit_dx[key], top=False)
            end = self.nodes[e.dst].port(entry_dx[key], top=True)
            points = [start] + [QPointF(x, y) for x, y in route[1:-1]] + [end]
            item = EdgeItem(e.src, e.dst, e.kind)
            item.set_route(points)
            self.scene().addItem(item)
            self.edges[key] = item

    @staticmethod
    def _next_x(layout: Layout, e, from_src: bool) -> float:
        route = layout.routes.get((e.src, e.dst))
        if route and len(route) > 2:
            return route[1][0] if from_src else route[-2][0]
        return layout.positions[e.dst if from_src else e.src][0]

    @staticmethod
    def _spread(i: int, n: int, width: float) -> float:
        if n == 1:
            return 0.0
        gap = min(16.0, width * 0.6 / (n - 1))
        return (i - (n - 1) / 2) * gap

    # -- the walk --------------------------------------------------------------------
    def set_walk(self, orders: dict[str, int], current: str | None,
                 labels: dict[tuple[str, str], tuple[str, bool]], freed: set = frozenset(),
                 failed: set = frozenset()) -> None:
        """Badges with execution positions, the current node, gradient labels on edges, operators
        whose saved tensors were freed, and where backward failed."""
        for key, item in self.nodes.items():
            item.order = orders.get(key)
            item.current = key == current and key not in failed
            item.freed = key in freed
            item.failed = key in failed
            item.update()
        for key, item in self.edges.items():
            text, is_current = labels.get(key, ("", False))
            item.set_label(text, is_current)
        self.update_legend()

    def update_legend(self) -> None:
        marks = set()
        if any(item.grad_text() for item in self.nodes.values()):
            marks.add("grad")
        if any(item.order is not None for item in self.nodes.values()):
            marks |= {"order", "sent"}
        roles = {item.node.role for item in self.nodes.values()}
        self.legend.set_roles(roles, marks)

    def set_selected(self, key: str | None) -> None:
        for k, item in self.nodes.items():
            if item.selected_ != (k == key):
                item.selected_ = k == key
                item.update()

    def centre_on(self, key: str) -> None:
        item = self.nodes.get(key)
        if item is not None and not self.viewport().rect().contains(self.mapFromScene(item.pos())):
            self.centerOn(item)

    # -- zoom, pan, fit ----------------------------------------------------------------
    def fit(self, readable: bool = False) -> None:
        """Show the whole graph (not blown up if small). `readable`, the default zoom of a new graph:
        never smaller than text at its own size; a graph too big for that shows its top, to scroll."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.auto_fit = "readable" if readable else "whole"
        viewport = self.viewport().rect()
        width, height = max(40, viewport.width()), max(40, viewport.height())
        scale = min(width / rect.width(), height / rect.height(), MAX_FIT_SCALE) * FIT_MARGIN
        if readable:
            scale = max(scale, READABLE_SCALE)
        self.setSceneRect(rect)
        self.resetTransform()
        self.scale(scale, scale)
        if rect.height() * scale > height:
            self.centerOn(rect.center().x(), rect.top() + height / 2 / scale)
        else:
            self.centerOn(rect.center())

    def zoom(self, factor: float) -> None:
        self.auto_fit = None
        scale = self.transform().m11()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP ** steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._press is None or (event.position() - self._press).manhattanLength() > CLICK_SLOP:
            return
        self._press = None
        self.click_at(event.position().toPoint())

    def click_at(self, point) -> None:
        """What a click at a viewport point means: a node, or a frame's header."""
        scene_point = self.mapToScene(point)
        for item in self.items(point):
            if isinstance(item, NodeItem):
                self.node_clicked.emit(item.node.id if item.node.kind != MODULE else item.node.id)
                return
            if isinstance(item, FrameItem) and item.header_rect().contains(scene_point):
                self.frame_clicked.emit(item.key)
                return

    def keyPressEvent(self, event) -> None:
        keys = {Qt.Key.Key_F: self.fit, Qt.Key.Key_Plus: lambda: self.zoom(1.25),
                Qt.Key.Key_Equal: lambda: self.zoom(1.25), Qt.Key.Key_Minus: lambda: self.zoom(0.8)}
        action = keys.get(event.key())
        if action is None:
            super().keyPressEvent(event)
        else:
            action()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if not self.items(event.position().toPoint()):
            self.fit()
        super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        item = next((i for i in self.items(event.position().toPoint()) if isinstance(i, NodeItem)), None)
        text = tooltip(self.model, item.node) if item is not None and self.model is not None else ""
        if self.viewport().toolTip() != text:
            self.viewport().setToolTip(text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.auto_fit is not None:   # the panel changed size: fit again, as it was fitted
            self.fit(readable=self.auto_fit == "readable")
