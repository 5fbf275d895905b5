"""How the computation graph looks: colours per role, the scene items for variables (ellipses),
operators (rectangles), module boxes and frames, data-flow edges with arrowheads and gradient
labels, and the legend."""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QGraphicsPathItem, QWidget

from engine.session import tensor_summary as summary
from engine.session.graph_inspect import role_text
from engine.session.graph_model import MODULE, ROLE_LEGEND, VARIABLE, GraphNode
from engine.session.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Style:
    fill: str
    border: str
    dashed: bool = False
    text: str = "#0f172a"


STYLES = {
    "parameter": Style("#dbeafe", "#2563eb"),
    "input": Style("#dcfce7", "#16a34a"),
    "constant": Style("#f1f5f9", "#94a3b8"),
    "result": Style("#ffffff", "#475569"),
    "retained": Style("#fef3c7", "#d97706"),
    "output": Style("#ede9fe", "#7c3aed"),
    "detached": Style("#ffffff", "#94a3b8", dashed=True, text="#64748b"),
    "operator": Style("#f8fafc", "#334155"),
    "accumulate": Style("#ccfbf1", "#0f766e"),
    MODULE: Style("#fdf4ff", "#a21caf"),
}
CURRENT = QColor("#f97316")        # the node the debugger is on, and the gradients it sent
DONE = QColor("#16a34a")           # execution-order badges of nodes that have run
PAST_GRADIENT = QColor("#475569")
EDGE = QColor("#64748b")
SELECTED = QColor("#0ea5e9")
GRAD_TAG = QColor("#be123c")       # a variable's .grad
FAILED = QColor("#dc2626")         # where backward failed
FREED_TAG = QColor("#94a3b8")      # an operator whose saved tensors this walk freed



@lru_cache(maxsize=None)
def font(kind: str) -> QFont:
    """The fonts of the graph (made on first use: a QFont needs the application to exist)."""
    f = QFont()
    f.setPointSizeF({"label": 9.5, "bold": 9.5, "caption": 9.0, "badge": 9.0}[kind])   # ≥ 9 pt at the default zoom
    f.setBold(kind in ("bold", "badge"))
    return f


def node_size(node: GraphNode) -> tuple[float, float]:
    """The (width, height) a node needs for its label and caption."""
    label_w = QFontMetricsF(font("bold" if node.kind != "operator" else "label")).horizontalAdvance(_title(node))
    caption = _caption(node)
    caption_w = QFontMetricsF(font("caption")).horizontalAdvance(caption) if caption else 0.0
    text_w = max(label_w, caption_w)
    if node.kind == VARIABLE:
        return max(64.0, text_w * 1.25 + 26), 42.0 if caption else 32.0
    if node.kind == MODULE:
        return max(90.0, text_w + 34), 44.0
    return max(70.0, text_w + 22), 30.0


def _title(node: GraphNode) -> str:
    return f"▸ {node.label}" if node.kind == MODULE else node.label


def _caption(node: GraphNode) -> str:
    if node.kind == VARIABLE:
        return node.caption()
    if node.kind == MODULE:
        count = sum(1 for _ in node.call.module.parameters())
        if count == 1:
            return QCoreApplication.translate("graph", "1 parameter · click to expand")
        if count:
            return QCoreApplication.translate("graph", "{0} parameters · click to expand").format(count)
        return QCoreApplication.translate("graph", "click to expand")
    return ""


class NodeItem(QGraphicsItem):
    """A variable (ellipse), an operator (rectangle) or a collapsed module (double-bordered box)."""

    def __init__(self, node: GraphNode, size: tuple[float, float]) -> None:
        super().__init__()
        self.node = node
        self.w, self.h = size
        self.current = False
        self.selected_ = False
        self.order: int | None = None      # position in the backward execution order, once run
        self.failed = False                # backward failed here (its saved tensors were freed)
        self.freed = False                 # this walk freed its saved tensors
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:
        m = 10.0  # room for the halo and the badges; the tags may stick out right and below
        return QRectF(-self.w / 2 - m, -self.h / 2 - m, self.w + 2 * m + 90, self.h + 2 * m + 12)

    def shape_rect(self) -> QRectF:
        return QRectF(-self.w / 2, -self.h / 2, self.w, self.h)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self.node.kind == VARIABLE:
            path.addEllipse(self.shape_rect())
        else:
            path.addRoundedRect(self.shape_rect(), 5, 5)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        style = STYLES.get(self.node.role, STYLES["operator"])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.shape_rect()
        outline = self.shape()
        if self.current or self.selected_ or self.failed:
            halo = QColor(FAILED if self.failed else CURRENT if self.current else SELECTED)
            halo.setAlpha(90)
            painter.setPen(QPen(halo, 9))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(outline)
        pen = QPen(QColor(style.border), 2.6 if self.current else 1.5)
        if self.current or self.failed:
            pen.setColor(FAILED if self.failed else CURRENT)
            pen.setWidthF(2.6)
        if style.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor(style.fill)))
        painter.drawPath(outline)
        if self.node.kind == MODULE:
            inner = rect.adjusted(3, 3, -3, -3)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(style.border), 1))
            painter.drawRoundedRect(inner, 3, 3)
        self._paint_text(painter, rect, style)
        if self.order is not None:
            self._paint_badge(painter, rect)
        grad = self.grad_text()
        if grad:
            # just under the node, right of where its edges leave: the gap to the next layer is free
            self._paint_tag(painter, QPointF(rect.center().x() + 8, rect.bottom() - 5), grad, GRAD_TAG)
        if self.failed or self.freed:
            text = QCoreApplication.translate("graph", "saved tensors freed") if self.failed \
                else QCoreApplication.translate("graph", "freed")
            self._paint_tag(painter, QPointF(rect.left() - 6, rect.bottom() - 5), text,
                            FAILED if self.failed else FREED_TAG)

    def _paint_text(self, painter: QPainter, rect: QRectF, style: Style) -> None:
        painter.setPen(QColor(style.text))
        caption = _caption(self.node)
        title_font = font("label" if self.node.kind == "operator" else "bold")
        if self.node.role == "detached":
            title_font = QFont(title_font)
            title_font.setItalic(True)
        painter.setFont(title_font)
        if caption:
            title_rect = QRectF(rect.left(), rect.top() + 3, rect.width(), rect.height() * 0.55)
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, _title(self.node))
            painter.setFont(font("caption"))
            painter.setPen(QColor("#475569"))
            caption_rect = QRectF(rect.left(), rect.top() + rect.height() * 0.55 + 1, rect.width(), rect.height() * 0.45)
            painter.drawText(caption_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)
        else:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _title(self.node))

    def _paint_badge(self, painter: QPainter, rect: QRectF) -> None:
        text = str(self.order)
        r = 8.0 if len(text) < 3 else 10.0
        centre = QPointF(rect.right() - 2, rect.top() + 1)
        painter.setPen(QPen(QColor("white"), 1.2))
        painter.setBrush(CURRENT if self.current else DONE)
        painter.drawEllipse(centre, r, r)
        painter.setFont(font("badge"))
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, text)

    def grad_text(self) -> str:
        """`∇ 7.` under a variable that has a .grad (a leaf after backward, or a retained one)."""
        t = self.node.tensor
        if self.node.kind != VARIABLE or t is None:
            return ""
        with warnings.catch_warnings():   # a non-leaf's .grad warns when empty: here that only means "none"
            warnings.simplefilter("ignore", UserWarning)
            grad = t.grad
        if grad is None:
            return ""
        data = grad.detach().numpy()
        if data.size <= 3:
            return f"∇ {summary.values(data.reshape(-1) if data.size > 1 else data.reshape(-1)[0])}"
        return f"∇ ‖{summary.number(float(np.linalg.norm(data.astype(np.float64))))}‖"

    def _paint_tag(self, painter: QPainter, at: QPointF, text: str, color: QColor) -> None:
        """A small rounded label with its top-left corner at `at`."""
        metrics = QFontMetricsF(font("badge"))
        w, h = metrics.horizontalAdvance(text) + 10, metrics.height() + 3
        tag = QRectF(at.x(), at.y(), w, h)
        painter.setPen(QPen(QColor("white"), 1))
        painter.setBrush(color)
        painter.drawRoundedRect(tag, h / 2, h / 2)
        painter.setFont(font("badge"))
        painter.setPen(QColor("white"))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)

    def port(self, dx: float, top: bool) -> QPointF:
        """The point on the outline `dx` from the centre line, on the top or the bottom."""
        dx = max(-self.w / 2 + 4, min(self.w / 2 - 4, dx))
        if self.node.kind == VARIABLE:
            a, b = self.w / 2, self.h / 2
            dy = b * math.sqrt(max(0.0, 1 - (dx / a) ** 2))
        else:
            dy = self.h / 2
        return self.pos() + QPointF(dx, -dy if top else dy)


class EdgeItem(QGraphicsPathItem):
    """A data-flow edge: a smooth curve through the layout's route, an arrowhead at the consumer,
    and, during a backward walk, the gradient that travelled along it (against the arrow)."""

    def __init__(self, src: str, dst: str, kind: str = "data") -> None:
        super().__init__()
        self.src, self.dst, self.kind = src, dst, kind
        self.arrow = QPolygonF()
        self.label = "detach()" if kind == "detach" else ""
        self.label_current = False
        self.setZValue(1)
        self._label_rect = QRectF()

    def set_route(self, points: list[QPointF]) -> None:
        path = QPainterPath(points[0])
        for p, q in zip(points, points[1:]):
            dy = (q.y() - p.y()) * 0.5
            path.cubicTo(QPointF(p.x(), p.y() + dy), QPointF(q.x(), q.y() - dy), q)
        end = points[-1]
        self.arrow = QPolygonF([end, end + QPointF(-4.5, -9), end + QPointF(4.5, -9)])
        self.setPath(path)
        self._place_label()

    def set_label(self, text: str, current: bool) -> None:
        """A gradient that travelled this edge ("" for none); a detach edge keeps its name."""
        if self.kind == "detach":
            text, current = "detach()", False
        self.label, self.label_current = text, current
        self._place_label()
        self.update()

    def _place_label(self) -> None:
        self.prepareGeometryChange()
        if not self.label:
            self._label_rect = QRectF()
            return
        metrics = QFontMetricsF(font("caption"))
        w, h = metrics.horizontalAdvance(self.label) + 8, metrics.height() + 2
        mid = self.path().pointAtPercent(0.5)
        self._label_rect = QRectF(mid.x() + 5, mid.y() - h / 2, w, h)

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(self.arrow.boundingRect()).united(self._label_rect).adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(EDGE)
        width = 1.3
        pen = QPen(color, width)
        if self.kind == "detach":
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setColor(QColor("#94a3b8"))
        if self.label_current:
            pen.setColor(CURRENT)
            pen.setWidthF(2.2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self.arrow)
        if self.label:
            back = QColor("#fff7ed") if self.label_current else QColor(255, 255, 255, 235)
            painter.setBrush(back)
            painter.setPen(QPen(CURRENT if self.label_current else QColor("#cbd5e1"), 1))
            painter.drawRoundedRect(self._label_rect, 4, 4)
            painter.setFont(font("caption"))
            painter.setPen(CURRENT.darker(130) if self.label_current else PAST_GRADIENT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)


class FrameItem(QGraphicsObject):
    """An expanded module: a tinted box around its nodes with a header that collapses it."""

    HEADER = 20.0

    def __init__(self, key: str, title: str, rect: QRectF) -> None:
        super().__init__()
        self.key, self.title, self.rect = key, title, rect
        self.setZValue(0)
        self.setAcceptHoverEvents(True)

    def header_rect(self) -> QRectF:
        metrics = QFontMetricsF(font("caption"))
        return QRectF(self.rect.left(), self.rect.top(), metrics.horizontalAdvance(f"▾ {self.title}") + 24, self.HEADER)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        style = STYLES[MODULE]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(style.fill)
        fill.setAlpha(150)
        pen = QPen(QColor(style.border), 1.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect, 8, 8)
        header = self.header_rect()
        painter.setPen(QPen(QColor(style.border), 0.8))
        painter.setBrush(QColor("#fae8ff"))
        painter.drawRoundedRect(header.adjusted(3, 3, 0, 0), 5, 5)
        painter.setFont(font("caption"))
        painter.setPen(QColor(style.border).darker(140))
        painter.drawText(header.adjusted(7, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, f"▾ {self.title}")


# Marks that are not node roles: what they mean in the legend (shown through mark_text).
MARKS = {
    "grad": QT_TRANSLATE_NOOP("graph", "∇ a tensor's .grad"),
    "order": QT_TRANSLATE_NOOP("graph", "order in which backward ran"),
    "sent": QT_TRANSLATE_NOOP("graph", "gradient sent along an edge"),
}


def mark_text(mark: str) -> str:
    return QCoreApplication.translate("graph", MARKS[mark])


class Legend(QWidget):
    """Swatches for the roles (and marks) present in the graph, painted as the graph paints them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roles: list[str] = []
        self.marks: list[str] = []
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_roles(self, roles, marks=()) -> None:
        order = list(ROLE_LEGEND)
        self.roles = sorted(set(roles), key=order.index)
        self.marks = [m for m in MARKS if m in set(marks)]
        metrics = QFontMetricsF(font("caption"))
        texts = self.texts()
        width = max((metrics.horizontalAdvance(t) for t in texts), default=0) + 52
        self.setFixedSize(int(width), int(len(texts) * 19 + 12))
        self.setVisible(bool(texts))
        self.update()

    def texts(self) -> list[str]:
        """The rows' texts, top to bottom, in the current language."""
        return [role_text(r) for r in self.roles] + [mark_text(m) for m in self.marks]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#cbd5e1"), 1))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        rows = [(role, role_text(role)) for role in self.roles] + [(m, mark_text(m)) for m in self.marks]
        for i, (key, text) in enumerate(rows):
            y = 8 + i * 19
            swatch = QRectF(9, y + 2, 28, 13)
            if key in MARKS:
                _paint_mark(painter, key, swatch)
            else:
                style = STYLES[key]
                pen = QPen(QColor(style.border), 1.4)
                if style.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(QColor(style.fill))
                if key in ("operator", "accumulate", MODULE):
                    painter.drawRoundedRect(swatch, 3, 3)
                else:
                    painter.drawEllipse(swatch)
            painter.setFont(font("caption"))
            painter.setPen(QColor("#334155"))
            painter.drawText(QRectF(44, y, self.width() - 48, 17), Qt.AlignmentFlag.AlignVCenter, text)


def _paint_mark(painter: QPainter, mark: str, swatch: QRectF) -> None:
    painter.setFont(font("badge"))
    if mark == "order":
        centre = swatch.center()
        painter.setPen(QPen(QColor("white"), 1.2))
        painter.setBrush(DONE)
        painter.drawEllipse(centre, 8, 8)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignmentFlag.AlignCenter, "1")
        return
    if mark == "grad":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(GRAD_TAG)
        painter.drawRoundedRect(swatch, 6.5, 6.5)
        painter.setPen(QColor("white"))
        painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, "∇")
        return
    painter.setPen(QPen(CURRENT, 1))
    painter.setBrush(QColor("#fff7ed"))
    painter.drawRoundedRect(swatch, 4, 4)
    painter.setPen(CURRENT.darker(130))
    painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, "∇")
