"""The model over the plane for 2-D data: the decision boundary as a heat map under the training and
test points (as TensorFlow Playground draws it), and the train/test accuracy over the steps."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from engine.session import Snapshot

from gui.history import HistoryBuffer
from gui.i18n import Retranslatable
from gui.plots import PALETTE, legend, plot_widget, rename_curve, retranslate_plot_menu, set_titles

# Playground's colours: orange for class 0 / negative values, blue for class 1 / positive, white between.
NEGATIVE, POSITIVE, NEUTRAL = np.array([245, 147, 34]), np.array([8, 119, 189]), np.array([255, 255, 255])
SHADE = 0.75   # the map at full confidence is this far from white to the class colour: the points stay readable


def diverging_lut(shade: float = SHADE) -> np.ndarray:
    """256 RGB colours from orange (t = -1) through white (t = 0) to blue (t = +1), uint8."""
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    colour = np.where(t < 0, NEUTRAL + (NEGATIVE - NEUTRAL) * (-t) * shade, NEUTRAL + (POSITIVE - NEUTRAL) * t * shade)
    return np.round(colour).astype(np.uint8)


def class_colours(k: int) -> np.ndarray:
    """RGB per class: Playground's orange and blue for two, the plot palette for more."""
    if k == 2:
        return np.stack([NEGATIVE, POSITIVE]).astype(np.uint8)
    return np.array([pg.mkColor(PALETTE[i % len(PALETTE)]).getRgb()[:3] for i in range(k)], np.uint8)


class BoundaryView(Retranslatable, QWidget):
    """Heat map of the model's output over [-6, 6]² with the data points; redraws into one preallocated
    RGBA buffer and one ImageItem, never rebuilding items while a run goes on."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = plot_widget("", "x₁", "x₂")
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)
        item.showGrid(x=False, y=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=1))
        self.test_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("k", width=1))
        item.addItem(self.train_points)
        item.addItem(self.test_points)
        self._lut = diverging_lut()
        self._rgba: np.ndarray | None = None
        self._boundary: np.ndarray | None = None
        self._evaluation = None
        self._rect = pg.QtCore.QRectF(-6, -6, 12, 12)
        self._problem = "binary"
        self._classes = 2

        self.show_test = QCheckBox()
        self.show_test.setChecked(True)
        self.show_test.toggled.connect(self.test_points.setVisible)
        self.discretize = QCheckBox()
        self.discretize.toggled.connect(self._recolour)
        self.numbers = QLabel()
        controls = QHBoxLayout()
        controls.setContentsMargins(8, 0, 8, 0)
        controls.addWidget(self.show_test)
        controls.addWidget(self.discretize)
        controls.addStretch(1)
        controls.addWidget(self.numbers)

        self.accuracy = AccuracyPlot()
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(2)
        top_layout.addWidget(self.plot, 1)
        top_layout.addLayout(controls)
        split.addWidget(top)
        split.addWidget(self.accuracy)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        set_titles(self.plot, self.tr("Decision boundary") if self._problem != "regression" else self.tr("Prediction"))
        retranslate_plot_menu(self.plot)
        self.show_test.setText(self.tr("Show test data"))
        self.show_test.setToolTip(self.tr("Draw the held-out test points (outlined in black)."))
        self.discretize.setText(self.tr("Discretize output"))
        self.discretize.setToolTip(self.tr("Colour each cell by the predicted class alone, not by its confidence."))
        self._show_numbers()

    def set_data(self, points: np.ndarray, targets: np.ndarray, train_index: np.ndarray, test_index: np.ndarray,
                 problem: str, classes: int, extent: tuple[float, float]) -> None:
        """The data of a new trainer: its points by split, coloured by class (or by value for regression)."""
        self._problem, self._classes = problem, classes
        low, high = extent
        self._rect = pg.QtCore.QRectF(low, low, high - low, high - low)
        self._rgba = None   # the next redraw sizes the image and places it on the plane
        self.plot.getPlotItem().setRange(xRange=(low, high), yRange=(low, high), padding=0)
        if problem == "regression":
            brushes = self._lut[np.clip(np.round((np.clip(targets, -1, 1) + 1) * 127.5), 0, 255).astype(int)]
            brushes = np.round(NEUTRAL + (brushes - NEUTRAL) / SHADE).clip(0, 255)
        else:
            brushes = class_colours(classes)[targets.astype(int)]
        brushes = [pg.mkBrush(*rgb) for rgb in brushes.astype(int)]
        for scatter, rows in ((self.train_points, train_index), (self.test_points, test_index)):
            scatter.setData(points[rows, 0], points[rows, 1], brush=[brushes[i] for i in rows])
        self.test_points.setVisible(self.show_test.isChecked())
        self.accuracy.setVisible(problem != "regression")
        self.accuracy.clear()
        self._boundary = self._evaluation = None
        self.numbers.clear()
        self.retranslate_ui()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Redraw the map from the snapshot's boundary grid, and note its losses and accuracies."""
        if snapshot.boundary is None:
            return
        self._boundary = snapshot.boundary
        self._recolour()
        if snapshot.evaluation is not None:
            self.accuracy.append(snapshot.evaluation)
            self._evaluation = snapshot.evaluation
            self._show_numbers()

    def _show_numbers(self) -> None:
        evaluation = self._evaluation
        if evaluation is not None:
            parts = [self.tr("train loss {0:.4g}").format(evaluation.train_loss)]
            if evaluation.test_loss is not None:
                parts.append(self.tr("test loss {0:.4g}").format(evaluation.test_loss))
            if evaluation.test_accuracy is not None:
                parts.append(self.tr("test accuracy {0:.1f}%").format(100 * evaluation.test_accuracy))
            elif evaluation.train_accuracy is not None:
                parts.append(self.tr("train accuracy {0:.1f}%").format(100 * evaluation.train_accuracy))
            self.numbers.setText(" · ".join(parts))

    def _recolour(self, *_args) -> None:
        boundary = self._boundary
        if boundary is None:
            return
        cells = boundary.shape[0]
        placed = self._rgba is not None and self._rgba.shape[0] == cells
        if not placed:
            self._rgba = np.full((cells, cells, 4), 255, np.uint8)
        rgb = self._rgba[:, :, :3]
        discrete = self.discretize.isChecked()
        if boundary.ndim == 3:   # class probabilities: the winning class's hue, paler where unsure
            winner = boundary.argmax(axis=2)
            k = boundary.shape[2]
            confidence = 1.0 if discrete else (boundary.max(axis=2) - 1.0 / k) / (1.0 - 1.0 / k)
            colours = class_colours(k)[winner].astype(np.float32)
            strength = SHADE * np.asarray(confidence, np.float32)[..., None] if not discrete else SHADE
            rgb[...] = NEUTRAL + (colours - NEUTRAL) * strength
        else:
            t = boundary * 2.0 - 1.0 if self._problem != "regression" else np.clip(boundary, -1.0, 1.0)
            if discrete:
                t = np.where(t >= 0, 1.0, -1.0) if self._problem != "regression" else np.round(t * 4) / 4
            index = np.clip(np.round((t + 1.0) * 127.5), 0, 255).astype(np.intp)
            np.take(self._lut, index, axis=0, out=rgb)
        self.image.setImage(self._rgba, autoLevels=False)
        if not placed:   # the rect scales the image's current size: set it once the image has one
            self.image.setRect(self._rect)


class AccuracyPlot(Retranslatable, QWidget):
    """Train and test accuracy (%) per evaluated step."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = plot_widget("", "", "")
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        legend(item, (-10, -10))
        self.train_curve = item.plot(name="", pen=pg.mkPen(PALETTE[0], width=2))
        self.test_curve = item.plot(name="", pen=pg.mkPen(PALETTE[3], width=2))
        item.setYRange(0, 100, padding=0.02)
        item.getViewBox().setMouseEnabled(y=False)
        self.buffer = HistoryBuffer(3)   # step, train accuracy, test accuracy (NaN without a test set)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        set_titles(self.plot, self.tr("Accuracy"), self.tr("step"), "%")
        retranslate_plot_menu(self.plot)
        item = self.plot.getPlotItem()
        rename_curve(item, self.train_curve, self.tr("train"))
        rename_curve(item, self.test_curve, self.tr("test"))

    def clear(self) -> None:
        self.buffer.clear()
        self._redraw()

    def append(self, evaluation) -> None:
        if evaluation.train_accuracy is None:
            return
        steps = self.buffer.column(0)
        if len(steps) and evaluation.step <= steps[-1]:
            if evaluation.step < steps[-1]:   # a reset or a loaded run: start again
                self.buffer.clear()
            else:
                return
        test = np.nan if evaluation.test_accuracy is None else 100 * evaluation.test_accuracy
        self.buffer.append([evaluation.step, 100 * evaluation.train_accuracy, test])
        self._redraw()

    def _redraw(self) -> None:
        steps = self.buffer.column(0)
        self.train_curve.setData(steps, self.buffer.column(1))
        test = self.buffer.column(2)
        finite = np.isfinite(test)
        self.test_curve.setData(steps[finite], test[finite])
