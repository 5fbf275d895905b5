"""The gradient-flow view: each parameter's (or each layer's) gradient norm over the steps on a log
axis, with the vanishing and exploding ranges shaded, so a gradient that dies out or blows up on
its way back through the layers is seen at a glance."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.session import Snapshot
from gui.history import HistoryBuffer
from gui.i18n import Retranslatable
from gui.plots import PALETTE

VANISHING = 1e-6     # below this a layer effectively stops learning
EXPLODING = 1e3      # above this one step moves the parameters far


def layer_of(name: str) -> str:
    """`layers.2.weight` -> `layers.2`; a top-level parameter (`w`) is its own layer."""
    return name.rsplit(".", 1)[0] if "." in name else name


def layer_norms(grad_norms: dict[str, float]) -> dict[str, float]:
    """Combine parameter norms into one norm per layer (the norm of all its gradients together)."""
    squares: dict[str, float] = {}
    for name, norm in grad_norms.items():
        squares[layer_of(name)] = squares.get(layer_of(name), 0.0) + float(norm) ** 2
    return {layer: float(np.sqrt(s)) for layer, s in squares.items()}


class GradientFlowPlot(Retranslatable, QWidget):
    """Appends Snapshot.grad_norms as they arrive; `per_layer` groups parameters by module."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen(200, 200, 200))
        self.band_labels: dict[str, pg.TextItem] = {}
        self._bands(item)
        self.layer_check = QCheckBox()
        self.layer_check.toggled.connect(self._regroup)
        self.latest = QLabel()
        self.latest.setStyleSheet("color: #475569;")
        bar = QHBoxLayout()
        bar.addWidget(self.layer_check)
        bar.addStretch(1)
        bar.addWidget(self.latest)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        self.raw_names: list[str] = []            # parameters, in the snapshots' order
        self.raw: HistoryBuffer | None = None     # step and each parameter's norm (bounded)
        self.names: list[str] = []                # the curves: parameters or layers
        self.curves: list[pg.PlotDataItem] = []
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        item = self.plot.getPlotItem()
        item.setTitle(self.tr("Gradient flow"), size="11pt")
        item.getAxis("bottom").setLabel(self.tr("step"))
        item.getAxis("left").setLabel(self.tr("‖∂loss/∂θ‖"))
        self.band_labels["vanishing"].setText(self.tr("vanishing"))
        self.band_labels["exploding"].setText(self.tr("exploding"))
        self.layer_check.setText(self.tr("one curve per layer"))
        self.layer_check.setToolTip(self.tr("Combine each module's parameters (weight and bias) into one norm"))
        self._show_latest()

    def _bands(self, item: pg.PlotItem) -> None:
        # log mode: the y axis is log10 of the value
        for low, high, color, key in ((-12, np.log10(VANISHING), (100, 116, 139, 28), "vanishing"),
                                      (np.log10(EXPLODING), 12, (220, 38, 38, 24), "exploding")):
            band = pg.LinearRegionItem((low, high), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(*color), pen=pg.mkPen(None))
            band.setZValue(-10)
            item.addItem(band, ignoreBounds=True)
            label = pg.TextItem("", color=color[:3], anchor=(0, 1 if key == "vanishing" else 0))
            label.setPos(0, np.log10(VANISHING) if key == "vanishing" else np.log10(EXPLODING))
            item.addItem(label, ignoreBounds=True)
            self.band_labels[key] = label

    @property
    def per_layer(self) -> bool:
        return self.layer_check.isChecked()

    def clear(self) -> None:
        self.raw_names, self.raw = [], None
        self._reset_curves([])
        self.latest.setText("")

    def append(self, snapshots: list[Snapshot]) -> None:
        """Add one point per snapshot (oldest first) and redraw once."""
        rows = []
        for s in snapshots:
            if list(s.grad_norms) != self.raw_names:   # another model: start over
                if rows:
                    self.raw.append(np.array(rows))
                    rows = []
                self.raw_names = list(s.grad_norms)
                self.raw = HistoryBuffer(1 + len(self.raw_names))
            rows.append([s.step, *s.grad_norms.values()])
        if rows:
            self.raw.append(np.array(rows, dtype=float))
            self._redraw()

    def series(self) -> dict[str, np.ndarray]:
        """The curves' values by name (NaN where a norm is 0: a log axis has no place for it)."""
        if self.raw is None:
            return {}
        columns = {name: self.raw.column(i + 1) for i, name in enumerate(self.raw_names)}
        if self.per_layer:
            grouped: dict[str, np.ndarray] = {}
            for name, values in columns.items():
                layer = layer_of(name)
                grouped[layer] = grouped.get(layer, 0.0) + values ** 2
            columns = {layer: np.sqrt(total) for layer, total in grouped.items()}
        return {name: np.where(values > 0, values, np.nan) for name, values in columns.items()}

    def _reset_curves(self, names: list[str]) -> None:
        item = self.plot.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        self.curves = []
        self.names = names
        for i, name in enumerate(names):
            curve = item.plot(name=name, pen=pg.mkPen(PALETTE[i % len(PALETTE)], width=2), connect="finite")
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves.append(curve)

    def _regroup(self) -> None:
        self._reset_curves([])
        self._redraw()

    def _redraw(self) -> None:
        series = self.series()
        if list(series) != self.names:
            self._reset_curves(list(series))
        if not series:
            return
        steps = self.raw.column(0)
        for curve, values in zip(self.curves, series.values()):
            curve.setData(steps, values)
        self._show_latest(series)

    def _show_latest(self, series: dict | None = None) -> None:
        """The newest norms beside the checkbox (the first six curves)."""
        series = self.series() if series is None else series
        if not series or self.raw is None or not len(self.raw.column(0)):
            self.latest.setText("")
            return
        latest = "  ".join(f"{name} {values[-1]:.3g}" for name, values in list(series.items())[:6])
        self.latest.setText(self.tr("step {0}: {1}").format(f"{int(self.raw.column(0)[-1]):,}", latest))
