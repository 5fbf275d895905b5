"""The network drawn as TensorFlow Playground draws it: a column per layer, each neuron a thumbnail of
its output over the plane, each weight an edge coloured by sign and sized by magnitude; +/− buttons
ask for more or fewer layers and neurons."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QGraphicsLineItem, QGraphicsPixmapItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from engine.session import Snapshot
from engine.session.config import MAX_HIDDEN_LAYERS, MAX_LAYER_WIDTH
from engine.session.datasets2d import FEATURES

from gui.boundary_view import NEGATIVE, POSITIVE, diverging_lut
from gui.i18n import Retranslatable

NODE = 44          # a neuron's thumbnail, in scene pixels
COLUMN_GAP = 150   # between layers
ROW_GAP = 14       # between neurons of a layer
LARGE = 220        # the enlarged map of the clicked neuron


def map_image(values: np.ndarray, lut: np.ndarray) -> QImage:
    """A (cells, cells) map in [-1, 1] as an RGB image, row 0 (x₂ = -6) at the bottom as on the plane."""
    index = np.clip(np.round((np.clip(values, -1, 1) + 1) * 127.5), 0, 255).astype(np.intp)
    rgb = np.ascontiguousarray(lut[index[::-1]])
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class NeuronItem(QGraphicsPixmapItem):
    """One neuron's thumbnail; a click asks for it to be shown large."""

    def __init__(self, view: NetworkView, layer: int, unit: int) -> None:
        super().__init__()
        self.view, self.layer, self.unit = view, layer, unit
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.view.select(self.layer, self.unit)


class LayerButton(QGraphicsRectItem):
    """A small "+" or "−" on the diagram; the request goes out after the click's event has returned,
    since it rebuilds the scene that holds this item."""

    def __init__(self, text: str, size: tuple[float, float], action) -> None:
        super().__init__(0, 0, *size)
        self.action = action
        self.setBrush(QBrush(QColor("#f0f0f0")))
        self.setPen(QPen(QColor("#909090")))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        label = QGraphicsSimpleTextItem(text, self)
        bounds = label.boundingRect()
        label.setPos((size[0] - bounds.width()) / 2, (size[1] - bounds.height()) / 2)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.isEnabled():
            QTimer.singleShot(0, self.action)


class NetworkView(Retranslatable, QWidget):
    """Observes snapshots; emits `hidden_requested(new hidden sizes)` for the window to apply (it asks
    before resetting a run). Items are rebuilt only when the structure changes."""

    hidden_requested = Signal(tuple)

    def __init__(self) -> None:
        super().__init__()
        self.scene = QGraphicsScene(self)
        self.canvas = QGraphicsView(self.scene)
        self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.canvas.setBackgroundBrush(QBrush(QColor("white")))
        self.large = QLabel()
        self.large.setFixedSize(LARGE, LARGE)
        self.large.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.large_caption = QLabel()
        self.large_caption.setWordWrap(True)
        self.add_layer, self.remove_layer = QPushButton(), QPushButton()
        self.add_layer.clicked.connect(lambda: QTimer.singleShot(0, lambda: self._request_layers(+1)))
        self.remove_layer.clicked.connect(lambda: QTimer.singleShot(0, lambda: self._request_layers(-1)))
        self.layers_label = QLabel()
        side = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_layer)
        buttons.addWidget(self.layers_label)
        buttons.addWidget(self.add_layer)
        side.addLayout(buttons)
        side.addWidget(self.large)
        side.addWidget(self.large_caption)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(side)
        self._lut = diverging_lut(shade=1.0)
        self._hidden: tuple[int, ...] = ()
        self._features: tuple[str, ...] = ()
        self._structure: tuple[int, ...] = ()
        self._nodes: list[list[NeuronItem]] = []
        self._edges: list[np.ndarray] = []   # per layer gap: (fan_out, fan_in) of QGraphicsLineItem
        self._selected = (0, 0)
        self._snapshot: Snapshot | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.add_layer.setText("+")
        self.add_layer.setToolTip(self.tr("Add a hidden layer (resets the run)"))
        self.remove_layer.setText("−")
        self.remove_layer.setToolTip(self.tr("Remove the last hidden layer (resets the run)"))
        self.layers_label.setText(self.tr("hidden layers: {0}").format(len(self._hidden)))
        self._caption()

    # ----- structure ---------------------------------------------------------------------------

    def set_network(self, features: tuple[str, ...], hidden: tuple[int, ...], outputs: int) -> None:
        """Lay out the items for this structure (features → hidden → outputs)."""
        self._features, self._hidden = tuple(features), tuple(hidden)
        structure = (len(features), *hidden, outputs)
        self.retranslate_ui()
        self.add_layer.setEnabled(len(hidden) < MAX_HIDDEN_LAYERS)
        self.remove_layer.setEnabled(len(hidden) > 0)
        if structure == self._structure:
            return
        self._structure = structure
        self.scene.clear()
        self._nodes, self._edges = [], []
        tallest = max(structure)
        positions = []
        for layer, units in enumerate(structure):
            x = layer * COLUMN_GAP
            top = (tallest - units) * (NODE + ROW_GAP) / 2
            positions.append([QPointF(x, top + unit * (NODE + ROW_GAP)) for unit in range(units)])
        for layer in range(1, len(structure)):   # edges first: the thumbnails cover their ends
            lines = np.empty((structure[layer], structure[layer - 1]), object)
            for j, target in enumerate(positions[layer]):
                for i, source in enumerate(positions[layer - 1]):
                    line = QGraphicsLineItem(source.x() + NODE, source.y() + NODE / 2, target.x(), target.y() + NODE / 2)
                    line.setAcceptHoverEvents(True)
                    self.scene.addItem(line)
                    lines[j, i] = line
            self._edges.append(lines)
        for layer, points in enumerate(positions):
            items = []
            for unit, point in enumerate(points):
                frame = QGraphicsRectItem(point.x() - 1, point.y() - 1, NODE + 2, NODE + 2)
                frame.setPen(QPen(QColor("#909090")))
                self.scene.addItem(frame)
                item = NeuronItem(self, layer, unit)
                item.setPos(point)
                self.scene.addItem(item)
                items.append(item)
            self._nodes.append(items)
        for unit, name in enumerate(self._features):
            label = QGraphicsSimpleTextItem(FEATURES[name][0] if name in FEATURES else name)
            label.setPos(positions[0][unit].x() - 40, positions[0][unit].y() + NODE / 2 - 8)
            self.scene.addItem(label)
        for layer, units in enumerate(hidden, start=1):
            x = positions[layer][0].x()
            top = min(point.y() for point in positions[layer]) - 30
            for sign, dx in ((-1, 0), (+1, NODE / 2 + 2)):
                button = LayerButton("−" if sign < 0 else "+", (NODE / 2 - 2, 20),
                                     lambda layer=layer, sign=sign: self._request_neurons(layer, sign))
                button.setToolTip(self.tr("Remove a neuron from this layer (resets the run)") if sign < 0
                                  else self.tr("Add a neuron to this layer (resets the run)"))
                button.setEnabled(1 <= units + sign <= MAX_LAYER_WIDTH)
                if not button.isEnabled():
                    button.setOpacity(0.35)
                button.setPos(x + dx, top)
                self.scene.addItem(button)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._selected = (len(structure) - 1, 0)
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def _request_layers(self, change: int) -> None:
        hidden = self._hidden
        if change > 0:
            self.hidden_requested.emit((*hidden, hidden[-1] if hidden else 4))
        elif hidden:
            self.hidden_requested.emit(hidden[:-1])

    def _request_neurons(self, layer: int, change: int) -> None:
        hidden = list(self._hidden)
        hidden[layer - 1] += change
        self.hidden_requested.emit(tuple(hidden))

    # ----- live values --------------------------------------------------------------------------

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Redraw the thumbnails and edges from the snapshot (2-D data only)."""
        if snapshot.neurons is None:
            return
        self._snapshot = snapshot
        if not self.isVisible():
            return   # drawn when shown: a hidden tab costs nothing per update
        maps = snapshot.neurons
        if tuple(m.shape[0] for m in maps) != self._structure:
            return   # a snapshot of the structure before a change
        for items, values in zip(self._nodes, maps):
            for item, unit_map in zip(items, values):
                item.setPixmap(QPixmap.fromImage(map_image(unit_map, self._lut)).scaled(
                    NODE, NODE, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation))
        weights = _layer_weights(snapshot.params)
        if len(weights) == len(self._edges):
            largest = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0) or 1.0
            for lines, w in zip(self._edges, weights):
                for (j, i), line in np.ndenumerate(lines):
                    value = float(w[j, i])
                    colour = QColor(*(POSITIVE if value > 0 else NEGATIVE))
                    colour.setAlpha(210)
                    line.setPen(QPen(colour, 0.5 + 5.5 * min(abs(value) / largest, 1.0)))
                    line.setToolTip(self.tr("weight {0:.4g}").format(value))
        self._show_large()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def select(self, layer: int, unit: int) -> None:
        """Show this neuron's map large beside the diagram."""
        self._selected = (layer, unit)
        self._show_large()

    def _show_large(self) -> None:
        layer, unit = self._selected
        snapshot = self._snapshot
        if snapshot is None or snapshot.neurons is None or layer >= len(snapshot.neurons) \
                or unit >= snapshot.neurons[layer].shape[0]:
            self.large.clear()
            return
        image = map_image(snapshot.neurons[layer][unit], self._lut)
        self.large.setPixmap(QPixmap.fromImage(image).scaled(LARGE, LARGE, Qt.AspectRatioMode.IgnoreAspectRatio,
                                                             Qt.TransformationMode.SmoothTransformation))
        self._caption()

    def _caption(self) -> None:
        layer, unit = self._selected
        if not self._structure:
            self.large_caption.clear()
        elif layer == 0 and unit < len(self._features):
            name = self._features[unit]
            self.large_caption.setText(self.tr("Input {0}").format(FEATURES[name][0] if name in FEATURES else name))
        elif layer == len(self._structure) - 1:
            self.large_caption.setText(self.tr("Output {0} (before sigmoid or softmax)").format(unit + 1))
        else:
            self.large_caption.setText(self.tr("Hidden layer {0}, neuron {1}").format(layer, unit + 1))


def _layer_weights(params: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The weight matrices (fan_out, fan_in) of the linear layers, in order."""
    names = [name for name in params if name == "weight" or name.endswith(".weight")]
    names.sort(key=lambda name: int(name.split(".")[-2]) if name.count(".") >= 2 else -1)
    return [np.asarray(params[name]) for name in names]

