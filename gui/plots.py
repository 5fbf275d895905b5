"""Live pyqtgraph plots of a run: the loss, the fit over the data, and the parameters with their gradient norms."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QGraphicsWidget, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from engine.session import Snapshot

from gui.history import DebiasedEMA, HistoryBuffer
from gui.i18n import Retranslatable

# Tableau's ten colours: distinct, print well, and familiar from matplotlib.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
MAX_SCATTER_POINTS = 20_000  # more dots than this only blur together and slow every repaint

# pyqtgraph names the entries of a plot's right-click menu through Qt's translate() in these contexts,
# once, when the plot is made; listed here so that our translation holds them, and set again by
# retranslate_plot_menu() when the language changes. (The option panels inside stay pyqtgraph's.)
VIEW_MENU = (QT_TRANSLATE_NOOP("ViewBox", "ViewBox options"), QT_TRANSLATE_NOOP("ViewBox", "View All"),
             QT_TRANSLATE_NOOP("ViewBox", "axis"), QT_TRANSLATE_NOOP("ViewBox", "Mouse Mode"),
             QT_TRANSLATE_NOOP("ViewBox", "3 button"), QT_TRANSLATE_NOOP("ViewBox", "1 button"))
PLOT_OPTIONS = (QT_TRANSLATE_NOOP("PlotItem", "Plot Options"), QT_TRANSLATE_NOOP("PlotItem", "Transforms"),
                QT_TRANSLATE_NOOP("PlotItem", "Downsample"), QT_TRANSLATE_NOOP("PlotItem", "Average"),
                QT_TRANSLATE_NOOP("PlotItem", "Alpha"), QT_TRANSLATE_NOOP("PlotItem", "Grid"),
                QT_TRANSLATE_NOOP("PlotItem", "Points"))


def configure_pyqtgraph() -> None:
    """Light plots that sit well in a default Qt palette; antialiased lines."""
    pg.setConfigOptions(background="w", foreground="#303030", antialias=True)


def plot_widget(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    item = widget.getPlotItem()
    item.setTitle(title, size="11pt")
    item.setLabel(axis="bottom", text=x_label)
    item.setLabel(axis="left", text=y_label)
    item.showGrid(x=True, y=True, alpha=0.15)
    for side in ("left", "bottom"):
        # Translucent grid lines at the finest tick level cost ~6 ms a repaint; two levels suffice.
        item.getAxis(side).setStyle(maxTickLevel=1)
        # "loss (×0.001)" with ticks in the hundreds misreads the values: show them as they are.
        item.getAxis(side).enableAutoSIPrefix(False)
    item.getViewBox().setMouseMode(pg.ViewBox.RectMode)
    # pyqtgraph draws the left axis label 5 px left of the axis: leave it that room, or ‖∂loss/∂θ‖ is clipped.
    item.layout.setContentsMargins(8, 1, 4, 1)
    widget.setMinimumSize(200, 120)   # two rows of plots and the debugger dock fit a 1280×720 screen
    return widget


def set_titles(widget: pg.PlotWidget, title: str | None = None, x_label: str | None = None,
               y_label: str | None = None) -> None:
    """Set (or, after a language change, reset) a plot's title and axis labels; None leaves one as it is."""
    item = widget.getPlotItem()
    if title is not None:
        item.setTitle(title, size="11pt")
    if x_label is not None:
        item.setLabel(axis="bottom", text=x_label)
    if y_label is not None:
        item.setLabel(axis="left", text=y_label)


def retranslate_plot_menu(widget: pg.PlotWidget) -> None:
    """The right-click menu's own entries (View All, X axis, Mouse Mode, Plot Options …) in the current language."""
    item = widget.getPlotItem()
    menu = item.getViewBox().menu
    if menu is not None:
        view = [QCoreApplication.translate("ViewBox", text) for text in VIEW_MENU]
        menu.setTitle(view[0])
        menu.viewAll.setText(view[1])
        submenus = [action.menu() for action in menu.actions() if action.menu() is not None]
        for axis, submenu in zip("XY", submenus[:2]):
            submenu.setTitle(f"{axis} {view[2]}")
        if len(submenus) > 2:
            submenus[2].setTitle(view[3])
        for action, text in zip(menu.mouseModes, view[4:]):
            action.setText(text)
    options = [QCoreApplication.translate("PlotItem", text) for text in PLOT_OPTIONS]
    item.ctrlMenu.setTitle(options[0])
    groups = [action.menu() for action in item.ctrlMenu.actions() if action.menu() is not None]
    for submenu, text in zip(groups, options[1:]):
        submenu.setTitle(text)


def rename_curve(item: pg.PlotItem, curve: pg.PlotDataItem, name: str) -> None:
    """Give a curve a new name, in its legend too (pyqtgraph reads the name only when adding it)."""
    curve.opts["name"] = name
    legend = item.legend
    if legend is not None:
        for sample, label in legend.items:
            if sample.item is curve:
                label.setText(name)
        legend.updateSize()


class LegendRow(pg.LegendItem):
    """A plot's legend in a row of its own beneath the x axis: at any plot size it never covers the
    data (a legend inside the view covered the newest points on laptop-sized windows)."""

    ROW = 4  # PlotItem's grid: title 0, top axis 1, view 2, bottom axis 3
    MAX_COLUMNS = 5

    def __init__(self, item: pg.PlotItem) -> None:
        super().__init__(colCount=self.MAX_COLUMNS, labelTextSize="9pt", frame=False, horSpacing=4)
        self.plot_item = item
        self.room = QGraphicsWidget()   # holds the row's height in the plot's layout
        item.layout.addItem(self.room, self.ROW, 1)
        self.setParentItem(item)
        self.anchor(itemPos=(0.5, 1), parentPos=(0.5, 1), offset=(0, -2))
        item.legend = self   # curves plotted with a name join it
        item.geometryChanged.connect(self._fit_columns)

    def _fit_columns(self) -> None:
        """As many entries per row as the plot's width holds: a narrow plot gets more rows."""
        self.setColumnCount(self.MAX_COLUMNS)
        while self.columnCount > 1 and self.width() > self.plot_item.width() - 8:
            self.setColumnCount(self.columnCount - 1)

    def updateSize(self) -> None:
        super().updateSize()
        height = self.height() + 2 if self.items else 0
        self.room.setMinimumHeight(height)
        self.room.setMaximumHeight(height)


def legend(item: pg.PlotItem, offset: tuple[int, int] | None = None) -> pg.LegendItem:
    return LegendRow(item)


def _long_curve(item: pg.PlotItem, name: str, pen) -> pg.PlotDataItem:
    """A curve that stays fast over a million points: only the visible, peak-decimated part is drawn.

    Not antialiased: Qt's raster engine strokes a jagged antialiased path of a few thousand
    points in tens of milliseconds, which alone would eat the GUI's frame budget.
    """
    curve = item.plot(name=name, pen=pen, antialias=False)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    # pyqtgraph keeps ~5 points per pixel; with peak (min/max) decimation one bin per pixel
    # already draws the same envelope, at a fifth of the stroking cost. No setter exists.
    curve.opts["autoDownsampleFactor"] = 1.0
    return curve


def _finite_range(arrays: list[np.ndarray], positive: bool = False) -> tuple[float, float] | None:
    lows, highs = [], []
    for values in arrays:
        values = values[np.isfinite(values)]
        if positive:
            values = values[values > 0]
        if len(values):
            lows.append(values.min())
            highs.append(values.max())
    if not lows:
        return None
    low, high = float(min(lows)), float(max(highs))
    return (np.log10(low), np.log10(high)) if positive else (low, high)


class ViewFollower:
    """Keeps a plot's view around its growing data, changing the range rarely.

    pyqtgraph's auto-range re-fits the view on every frame, and each change of range lays out
    and repaints both axes: the biggest cost of a live plot. Growing the view with a quarter
    of headroom when the data leaves it changes the axes a few dozen times in a run instead
    of thirty times a second. A manual zoom or pan stops the following; the plot's "A" button
    (auto-range) starts it again.
    """

    HEADROOM = (0.5, 0.1)  # of the span, for x (steps keep coming) and y (values mostly settle)

    def __init__(self, item: pg.PlotItem):
        self.item = item
        self.view = item.getViewBox()
        self.view.disableAutoRange()
        self.view.sigRangeChangedManually.connect(self._stop_following)
        self.following = True
        self._bounds: list[float] | None = None  # x0, x1, y0, y1 of the range last set
        self._last: tuple[list[np.ndarray], list[np.ndarray]] | None = None

    def _stop_following(self, *_args) -> None:
        self.following = False

    def reset(self) -> None:
        self.following = True
        self._bounds = None
        self._last = None
        self.view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)   # an emptied plot keeps no old range

    def fit(self) -> None:
        """Fit the view tightly to the data last followed (when the data has stopped growing)."""
        if self.following and self._last is not None:
            self._bounds = None
            self.follow(*self._last)

    def follow(self, xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
        self._last = (xs, ys)
        if any(self.view.state["autoRange"]):  # the user pressed "A": fit once more, then follow again
            self.view.disableAutoRange()
            self.reset()
        if not self.following:
            return
        x_range = _finite_range(xs)
        y_range = _finite_range(ys, positive=self.item.getAxis("left").logMode)
        if x_range is None or y_range is None:
            return
        if self._bounds is None:
            self._bounds = [*_padded(x_range, 0.02), *_padded(y_range, 0.08)]
        else:
            grew = False
            for axis, (low, high) in enumerate((x_range, y_range)):
                b_low, b_high = self._bounds[2 * axis], self._bounds[2 * axis + 1]
                span = max(high, b_high) - min(low, b_low)
                if low < b_low:
                    self._bounds[2 * axis] = low - self.HEADROOM[axis] * span
                    grew = True
                if high > b_high:
                    self._bounds[2 * axis + 1] = high + self.HEADROOM[axis] * span
                    grew = True
            if not grew:
                return
        x0, x1, y0, y1 = self._bounds
        self.view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)


def _padded(bounds: tuple[float, float], fraction: float) -> tuple[float, float]:
    low, high = bounds
    pad = fraction * (high - low) if high > low else max(abs(high) * 0.1, 0.5)
    return low - pad, high + pad


def _color(index: int, alpha: int = 255) -> pg.QtGui.QColor:
    color = pg.mkColor(PALETTE[index % len(PALETTE)])
    color.setAlpha(alpha)
    return color


class LossPlot(Retranslatable, QWidget):
    """Training loss per step: the raw curve faint behind its debiased EMA, with a log-scale toggle."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = plot_widget("", "", "")
        self._loss_name: str | None = None
        item = self.plot.getPlotItem()
        legend(item, (-10, 10))
        self.raw_curve = _long_curve(item, "", pg.mkPen(_color(0, 70), width=1))
        self.smoothed_curve = _long_curve(item, "", pg.mkPen(_color(0), width=2))
        # the loss over the held-out points: in the legend only while a run has them
        self.test_curve = item.plot(pen=pg.mkPen(_color(3), width=2))
        self.test_buffer = HistoryBuffer(2)  # step, test loss
        self.buffer = HistoryBuffer(3)  # step, loss, smoothed loss
        self.ema = DebiasedEMA(0.6)
        self.follower = ViewFollower(item)

        self.smoothing = QSlider(Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing_value = QLabel("0.60")
        self.smoothing_value.setMinimumWidth(self.smoothing_value.fontMetrics().horizontalAdvance("0.000"))
        self.smoothing.valueChanged.connect(self._on_smoothing)
        self.smoothing.setMinimumWidth(60)
        self.log_scale = QCheckBox()
        self.log_scale.toggled.connect(self.set_log_scale)
        self.log_scale.setChecked(True)   # a loss falls over decades: log scale shows all of its fall

        controls = QHBoxLayout()
        controls.setContentsMargins(8, 0, 8, 0)
        self.smoothing_label = QLabel()
        controls.addWidget(self.smoothing_label)
        controls.addWidget(self.smoothing, 1)
        controls.addWidget(self.smoothing_value)
        controls.addSpacing(12)
        controls.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addLayout(controls)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        y_label = self.tr("loss ({0})").format(self._loss_name) if self._loss_name else self.tr("loss")
        set_titles(self.plot, self.tr("Loss"), self.tr("step"), y_label)
        retranslate_plot_menu(self.plot)
        item = self.plot.getPlotItem()
        rename_curve(item, self.raw_curve, self.tr("raw"))
        rename_curve(item, self.smoothed_curve, self.tr("smoothed"))
        rename_curve(item, self.test_curve, self.tr("test"))
        self.smoothing.setToolTip(self.tr("Exponential moving average weight, debiased as in TensorBoard (0 = raw)."))
        self.smoothing_label.setText(self.tr("Smoothing"))
        self.log_scale.setText(self.tr("Log scale"))
        self.log_scale.setToolTip(self.tr("Show the loss on a logarithmic axis."))

    def set_loss_name(self, name: str) -> None:
        self._loss_name = name
        self.plot.getPlotItem().setLabel(axis="left", text=self.tr("loss ({0})").format(name))

    def clear(self) -> None:
        self.buffer.clear()
        self.test_buffer.clear()
        self.plot.getPlotItem().legend.removeItem(self.test_curve)
        self.ema = DebiasedEMA(self.ema.weight)
        self.follower.reset()
        self._redraw()

    def append(self, steps: np.ndarray, losses: np.ndarray) -> None:
        if len(steps) == 0:
            return
        self.buffer.append(np.column_stack([steps, losses, self.ema.update(losses)]))
        self._redraw()

    def append_evaluation(self, evaluation) -> None:
        """The test loss of a snapshot's evaluation (nothing without a test set)."""
        if evaluation is None or evaluation.test_loss is None:
            return
        steps = self.test_buffer.column(0)
        if len(steps) and evaluation.step <= steps[-1]:
            return
        if not len(steps):
            self.plot.getPlotItem().legend.addItem(self.test_curve, self.tr("test"))
        self.test_buffer.append([evaluation.step, evaluation.test_loss])
        self.test_curve.setData(self.test_buffer.column(0), self.test_buffer.column(1))

    def set_log_scale(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self.follower.reset()
        self._redraw()

    def _on_smoothing(self, value: int) -> None:
        weight = value / 100
        self.smoothing_value.setText(f"{weight:.2f}")
        # Re-smooth what is held (decimated past the cap) and carry on from its end.
        self.ema = DebiasedEMA(weight)
        if len(self.buffer):
            self.buffer.column(2)[:] = self.ema.update(self.buffer.column(1))
        self._redraw()

    def _redraw(self) -> None:
        steps = self.buffer.column(0)
        self.raw_curve.setData(steps, self.buffer.column(1))
        self.test_curve.setData(self.test_buffer.column(0), self.test_buffer.column(1))
        self.smoothed_curve.setData(steps, self.buffer.column(2))
        self.follower.follow([steps], [self.buffer.column(1)])


class FitPlot(Retranslatable, QWidget):
    """The data points, the true function (dashed) when known, and the model's current prediction."""

    def __init__(self) -> None:
        super().__init__()
        self.plot = plot_widget("", "x", "y")
        item = self.plot.getPlotItem()
        legend(item, (10, 10))
        self.points = item.plot(name="", pen=None, symbol="o", symbolSize=5,
                                symbolBrush=pg.mkBrush(80, 80, 80, 110), symbolPen=None)
        self.truth = item.plot(name="", pen=pg.mkPen("#555555", width=2, style=Qt.PenStyle.DashLine))
        self.fit = item.plot(name="", pen=pg.mkPen(_color(1), width=2.5))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        set_titles(self.plot, self.tr("Fit"))  # the axes are named after the data's columns
        retranslate_plot_menu(self.plot)
        item = self.plot.getPlotItem()
        rename_curve(item, self.points, self.tr("data"))
        rename_curve(item, self.truth, self.tr("true function"))
        rename_curve(item, self.fit, self.tr("model"))

    def set_data(self, x: np.ndarray, y: np.ndarray, truth_x: np.ndarray | None, truth_y: np.ndarray | None,
                 labels: tuple[str, str] = ("x", "y")) -> None:
        item = self.plot.getPlotItem()
        item.setLabel(axis="bottom", text=labels[0])
        item.setLabel(axis="left", text=labels[1])
        every = max(1, int(np.ceil(len(x) / MAX_SCATTER_POINTS)))
        self.points.setData(x[::every], y[::every])
        if truth_x is not None and truth_y is not None:
            self.truth.setData(truth_x, truth_y)
            self.truth.show()
        else:
            self.truth.setData([], [])
            self.truth.hide()
        self.fit.setData([], [])
        # Frame the data, not the model: an early wild prediction should not zoom the view out.
        ys = [y] + ([truth_y] if truth_y is not None else [])
        y_all = np.concatenate([np.asarray(v, dtype=float).ravel() for v in ys])
        y_all = y_all[np.isfinite(y_all)]
        x_all = np.asarray(x, dtype=float)
        x_all = x_all[np.isfinite(x_all)]
        if len(x_all) and len(y_all):
            item.getViewBox().setRange(xRange=(x_all.min(), x_all.max()), yRange=(y_all.min(), y_all.max()),
                                       padding=0.08)

    def set_fit(self, grid_x: np.ndarray, grid_pred: np.ndarray) -> None:
        self.fit.setData(grid_x, grid_pred)

    def show_whole_fit(self) -> None:
        """Widen the view to take in the fitted curve too (after divergence it has left the data's frame)."""
        view = self.plot.getPlotItem().getViewBox()
        x, y = self.fit.getData()
        if x is None or y is None:
            return
        finite = np.isfinite(y)
        if not finite.any():
            return
        (x0, x1), (y0, y1) = view.viewRange()
        low, high = min(y0, float(y[finite].min())), max(y1, float(y[finite].max()))
        if (low, high) != (y0, y1):
            view.setRange(xRange=(x0, x1), yRange=(low, high), padding=0.05)

    def clear_fit(self) -> None:
        self.fit.setData([], [])


class ParametersPlot(Retranslatable, QWidget):
    """Each scalar parameter over steps (or each layer's weight norm for an MLP), and gradient norms on a log axis."""

    def __init__(self) -> None:
        super().__init__()
        self.values_plot = plot_widget("", "", "")
        self.grads_plot = plot_widget("", "", "")
        self.grads_plot.getPlotItem().setLogMode(y=True)
        self.followers = [ViewFollower(self.values_plot.getPlotItem()), ViewFollower(self.grads_plot.getPlotItem())]
        self.legends = [legend(plot.getPlotItem(), (-10, 10)) for plot in (self.values_plot, self.grads_plot)]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.values_plot)
        layout.addWidget(self.grads_plot)
        self.norms_only = False
        self.buffer: HistoryBuffer | None = None
        self._value_names: list[str] = []
        self._grad_names: list[str] = []
        self._curves: list[pg.PlotDataItem] = []
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        if self.norms_only:
            set_titles(self.values_plot, self.tr("Weight norms"), self.tr("step"), self.tr("‖W‖ (Frobenius norm)"))
        else:
            set_titles(self.values_plot, self.tr("Parameters"), self.tr("step"), self.tr("value"))
        set_titles(self.grads_plot, self.tr("Gradient norms"), self.tr("step"), self.tr("‖∂loss/∂θ‖"))
        for plot in (self.values_plot, self.grads_plot):
            retranslate_plot_menu(plot)

    def configure(self, model_kind: str) -> None:
        """Start over for a model: MLPs show per-layer norms, the others every scalar parameter."""
        self.norms_only = model_kind == "mlp"
        self.retranslate_ui()
        self.clear()

    def clear(self) -> None:
        for plot in (self.values_plot, self.grads_plot):
            item = plot.getPlotItem()
            for curve in self._curves:
                if curve.getViewBox() is item.getViewBox():
                    item.removeItem(curve)
        self._curves.clear()
        self._value_names, self._grad_names = [], []
        self.buffer = None
        for follower in self.followers:
            follower.reset()
        for legend in self.legends:
            legend.hide()  # an empty legend is a stray box

    def _series(self, snapshot: Snapshot) -> tuple[dict[str, float], dict[str, float]]:
        if self.norms_only:
            weights = [name for name in snapshot.params if name.endswith("weight")] or list(snapshot.params)
            values = {f"‖{name}‖": float(np.linalg.norm(snapshot.params[name])) for name in weights}
            grads = {name: snapshot.grad_norms.get(name, np.nan) for name in weights}
            return values, grads
        values: dict[str, float] = {}
        for name, value in snapshot.params.items():
            flat = np.asarray(value, dtype=float).ravel()
            if flat.size == 1:
                values[name] = float(flat[0])
            else:
                values.update({f"{name}[{i}]": float(v) for i, v in enumerate(flat)})
        return values, dict(snapshot.grad_norms)

    def append(self, snapshots: list[Snapshot]) -> None:
        """Add one row per snapshot (oldest first) and redraw once."""
        if not snapshots:
            return
        rows = []
        for snapshot in snapshots:
            values, grads = self._series(snapshot)
            if list(values) != self._value_names or list(grads) != self._grad_names:
                self.clear()
                self._make_curves(list(values), list(grads))
                rows = []
            rows.append([snapshot.step, *values.values(), *grads.values()])
        self.buffer.append(np.array(rows, dtype=float))
        self._redraw()

    def show_history(self, history) -> None:
        """Draw a reopened run from its RunHistory: the same curves live training would have drawn
        (runs saved before the history kept norms have no gradient-norm rows: those stay empty)."""
        self.clear()
        if not len(history):
            return
        norms = set(history.norm_names)
        if self.norms_only:
            weights = [name[len("norm:"):] for name in history.norm_names if name.startswith("norm:")]
            weights = [name for name in weights if name.endswith("weight")] or weights
            values = {f"‖{name}‖": history.column(f"norm:{name}") for name in weights}
        else:
            weights = history.param_names
            values = {name: history.column(name) for name in weights}
        nan = np.full(len(history), np.nan)
        grads = {name: history.column(f"grad_norm:{name}") if f"grad_norm:{name}" in norms else nan
                 for name in (weights if self.norms_only else
                              [name[len("grad_norm:"):] for name in history.norm_names
                               if name.startswith("grad_norm:")] or weights)}
        steps = history.column("step")
        # compiled blocks know the norms only at their last step: draw the line through those
        values, grads = ({name: _through_known(steps, column) for name, column in table.items()}
                         for table in (values, grads))
        self._make_curves(list(values), list(grads))
        self.buffer.append(np.column_stack([steps, *values.values(), *grads.values()]))
        self._redraw()

    def _make_curves(self, value_names: list[str], grad_names: list[str]) -> None:
        self._value_names, self._grad_names = value_names, grad_names
        self.buffer = HistoryBuffer(1 + len(value_names) + len(grad_names))
        values_item, grads_item = self.values_plot.getPlotItem(), self.grads_plot.getPlotItem()
        for i, name in enumerate(value_names):
            self._curves.append(_long_curve(values_item, name, pg.mkPen(_color(i), width=2)))
        for i, name in enumerate(grad_names):
            self._curves.append(_long_curve(grads_item, name, pg.mkPen(_color(i), width=1.5)))
        for legend in self.legends:
            legend.show()

    def _redraw(self) -> None:
        steps = self.buffer.column(0)
        for column, curve in enumerate(self._curves, start=1):
            curve.setData(steps, self.buffer.column(column))
        n_values = len(self._value_names)
        columns = [self.buffer.column(i) for i in range(1, len(self._curves) + 1)]
        self.followers[0].follow([steps], columns[:n_values])
        self.followers[1].follow([steps], columns[n_values:])

    def curve_names(self) -> list[str]:
        return self._value_names + self._grad_names

    def curves(self) -> list[pg.PlotDataItem]:
        return list(self._curves)


def _through_known(steps: np.ndarray, column: np.ndarray) -> np.ndarray:
    """`column` with NaN gaps filled linearly between its known values (left as is when none is known)."""
    known = ~np.isnan(column)
    if known.all() or not known.any():
        return column
    return np.interp(steps, steps[known], column[known])
