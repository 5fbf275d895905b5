"""The lessons' own views: the derivative as a limit (f, its tangent and the difference-quotient
table), dice frequencies converging to their probabilities, and the loss landscape with optimizer
paths. The numbers come from engine/session/lessons.py; these widgets only draw them."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from engine.session.config import ConfigError, SessionConfig
from engine.session.expression import ExpressionError
from engine.session.i18n import QT_TRANSLATE_NOOP
from engine.session.lessons import (DEFAULT_STEPS, LANDSCAPE_CONFIG, LANDSCAPE_OPTIMIZERS, LANDSCAPE_START,
                                    autograd_derivative, dice_frequencies, difference_quotients, function_values,
                                    initial_point, landscape_gradient, landscape_minimum, least_squares_minimum,
                                    loss_landscape, optimizer_path, paths_window, tangent_line)
from gui.hidden_layer_view import HiddenLayerView
from gui.i18n import Retranslatable
from gui.plots import legend, plot_widget, rename_curve

FACE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
PATH_COLOURS = {"sgd": "#d62728", "momentum": "#1f77b4", "adam": "#2ca02c"}
FRAME_MS = 30


def _plot(x_label: str = "", y_label: str = "") -> pg.PlotWidget:
    """A plot styled like the training plots, with a legend; titled in `retranslate_ui`."""
    widget = plot_widget("", x_label, y_label)
    legend(widget.getPlotItem(), (10, 10))
    return widget


class DerivativeView(Retranslatable, QWidget):
    """f with its tangent at x, and the table of difference quotients next to autograd's value."""

    def __init__(self) -> None:
        super().__init__()
        self.f_field, self.x_field, self.h_field = QLineEdit("3*x**2 - 4*x"), QLineEdit("1"), QLineEdit("0.1")
        self.x_label, self.h_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow("f(x) =", self.f_field)
        form.addRow(self.x_label, self.x_field)
        form.addRow(self.h_label, self.h_field)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(320)   # with every dock open the lesson still fits a 1280-pixel screen
        self.table.verticalHeader().hide()
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.table, 1)
        side.addWidget(self.message)
        self.plot = _plot("x", "y")
        self.f_curve = self.plot.plot(pen=pg.mkPen("#1f77b4", width=2), name="f")
        self.tangent_curve = self.plot.plot(pen=pg.mkPen("#d62728", width=2, style=Qt.PenStyle.DashLine),
                                            name=self.tr("tangent"))
        self.point = self.plot.plot(pen=None, symbol="o", symbolBrush="#d62728")
        layout = QHBoxLayout(self)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMaximumWidth(440)
        layout.addWidget(side_widget)
        layout.addWidget(self.plot, 1)
        for field in (self.f_field, self.x_field, self.h_field):
            field.editingFinished.connect(self.refresh)
        self.quotients: list[tuple[float, float]] = []
        self.exact: float | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.x_label.setText(self.tr("at x ="))
        self.h_label.setText(self.tr("first h ="))
        self.table.setHorizontalHeaderLabels(["h", "(f(x+h) − f(x)) / h", self.tr("− autograd")])
        self.plot.getPlotItem().setTitle(self.tr("f and its tangent"), size="11pt")
        rename_curve(self.plot.getPlotItem(), self.tangent_curve, self.tr("tangent"))
        self.refresh()   # the message under the table

    def refresh(self) -> None:
        try:
            f = self.f_field.text()
            try:
                x, h = float(self.x_field.text()), float(self.h_field.text())
            except ValueError:
                raise ValueError(self.tr("x and h must be numbers")) from None
            if not h > 0:
                raise ValueError(self.tr("h must be a number > 0"))
            steps = [h * 10.0 ** -k for k in range(len(DEFAULT_STEPS))]
            self.quotients, self.exact = difference_quotients(f, x, steps), autograd_derivative(f, x)
            slope, intercept = tangent_line(f, x)
            t = np.linspace(x - 2, x + 2, 200)
            values = function_values(f, t)
        except (ExpressionError, ValueError) as error:
            self.message.setText(self.tr("Cannot compute: {0}").format(error))
            return
        self.table.setRowCount(len(self.quotients))
        for row, (step, quotient) in enumerate(self.quotients):
            for column, text in enumerate((f"{step:g}", f"{quotient:.8f}", f"{quotient - self.exact:+.2e}")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.message.setText(self.tr("autograd: f'({0:g}) = {1:.10g}    tangent: y = {2:.6g}·x {3:+.6g}").format(
            x, self.exact, slope, intercept))
        self.f_curve.setData(t, values)
        self.tangent_curve.setData(t, slope * t + intercept)
        self.point.setData([x], [float(function_values(f, np.array([x]))[0])])


class DiceView(Retranslatable, QWidget):
    """Relative frequencies of each face, drawn group by group, with the probabilities dashed."""

    def __init__(self) -> None:
        super().__init__()
        self.probs_field = QLineEdit(", ".join(["1/6"] * 6))
        self.groups = QSpinBox()
        self.groups.setRange(10, 100_000)
        self.groups.setValue(500)
        self.roll_button = QPushButton()
        self.roll_button.clicked.connect(self.roll)
        self.message = QLabel()
        self.probs_label, self.groups_label = QLabel(), QLabel()
        controls = QHBoxLayout()
        controls.addWidget(self.probs_label)
        controls.addWidget(self.probs_field, 1)
        controls.addWidget(self.groups_label)
        controls.addWidget(self.groups)
        controls.addWidget(self.roll_button)
        self.plot = _plot()
        self.curves = [self.plot.plot(pen=pg.mkPen(colour, width=1.5), name=str(face + 1))
                       for face, colour in enumerate(FACE_COLOURS)]
        self.lines: list[pg.InfiniteLine] = []
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.message)
        self.frequencies = np.empty((0, 6))
        self.shown = 0
        self.failed = False   # the last roll's probabilities were wrong; the message says why
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self.retranslate_ui()
        self.roll()

    def retranslate_ui(self) -> None:
        self.roll_button.setText(self.tr("Roll"))
        self.probs_label.setText(self.tr("Probabilities"))
        self.groups_label.setText(self.tr("groups of 10 rolls"))
        item = self.plot.getPlotItem()
        item.setTitle(self.tr("Relative frequency of each face"), size="11pt")
        item.getAxis("bottom").setLabel(self.tr("groups of 10 rolls"))
        item.getAxis("left").setLabel(self.tr("estimated probability"))
        for face, curve in enumerate(self.curves):
            rename_curve(self.plot.getPlotItem(), curve, self.tr("face {0}").format(face + 1))
        if self.failed:
            self.roll()   # fails again at once, saying why in the new language
        elif self.shown:
            self.draw(self.shown)

    def probabilities(self) -> np.ndarray:
        values = []
        try:
            for part in self.probs_field.text().replace(";", ",").split(","):
                numerator, _, denominator = part.strip().partition("/")
                values.append(float(numerator) / float(denominator) if denominator else float(numerator))
        except (ValueError, ZeroDivisionError):
            raise ValueError(self.tr("write the probabilities as numbers or fractions, such as 1/6")) from None
        return np.array(values)

    def roll(self) -> None:
        try:
            probs = self.probabilities()
            self.frequencies = dice_frequencies(probs, groups=self.groups.value())
        except ValueError as error:
            self.failed = True
            if self.timer.isActive():
                self.finish()   # the last good roll, drawn in full, so it does not overwrite the message
            self.message.setText(self.tr("Cannot roll: {0}").format(error))
            return
        self.failed = False
        probs = probs / probs.sum()
        for line in self.lines:
            self.plot.removeItem(line)
        self.lines = [self.plot.addLine(y=p, pen=pg.mkPen("#303030", width=1, style=Qt.PenStyle.DashLine))
                      for p in sorted(set(np.round(probs, 12)))]
        for curve, visible in zip(self.curves, range(6)):
            curve.setVisible(visible < probs.size)
        self.message.setText("")
        self.shown = 0
        self.timer.start(FRAME_MS)

    def _advance(self) -> None:
        total = len(self.frequencies)
        self.shown = min(total, self.shown + max(1, total // 100))
        self.draw(self.shown)
        if self.shown >= total:
            self.timer.stop()

    def finish(self) -> None:
        """Draw all groups at once (no animation)."""
        self.timer.stop()
        self.shown = len(self.frequencies)
        self.draw(self.shown)

    def draw(self, groups: int) -> None:
        steps = np.arange(1, groups + 1)
        for face, curve in enumerate(self.curves):
            if face < self.frequencies.shape[1]:
                curve.setData(steps, self.frequencies[:groups, face])
        if groups:
            last = ", ".join(f"{v:.3f}" for v in self.frequencies[groups - 1])
            self.message.setText(self.tr("after {0:,} rolls: {1}").format(groups * 10, last))


class LandscapeView(Retranslatable, QWidget):
    """Contours of the loss over a model's two parameters (the lesson's linear model unless
    `set_config` gives another); the optimizers' paths drawn step by step from one start, with the
    negative gradient at SGD's current point. While the window trains the same model, `follow_run`
    draws that run's path live and the arrow follows it. "Use the Setup's model" emits `config_wanted`."""

    config_wanted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.replay_button = QPushButton()
        self.replay_button.clicked.connect(self.replay)
        self.setup_button = QPushButton()
        self.setup_button.clicked.connect(self.config_wanted)
        self.message = QLabel()
        self.message.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self.message, 1)
        controls.addWidget(self.setup_button)
        controls.addWidget(self.replay_button)
        self.plot = _plot("w", "b")
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plot, 1)
        self._items: list = []
        self.paths: dict[str, np.ndarray] = {}
        self.shown = 0
        self.landscape = None
        self.live: list[tuple[int, float, float]] = []   # (step, first, second) of the window's run
        self.failed: tuple | None = None   # (config, start) of the last landscape that could not be drawn
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self.retranslate_ui()
        self.set_config(LANDSCAPE_CONFIG, LANDSCAPE_START)

    def optimizer_names(self) -> dict[str, str]:
        return {"sgd": "SGD", "momentum": self.tr("momentum"), "adam": "Adam"}

    def retranslate_ui(self) -> None:
        self.replay_button.setText(self.tr("Replay"))
        self.setup_button.setText(self.tr("Use the Setup's model"))
        self.setup_button.setToolTip(self.tr("Draw the landscape of the model in the Setup forms "
                                             "(it must have exactly two scalar parameters)"))
        item = self.plot.getPlotItem()
        if self.landscape is None:
            item.setTitle(self.tr("Loss landscape"), size="11pt")
            return
        item.setTitle(self.tr("Loss over ({0}, {1})").format(*self.landscape.names), size="11pt")
        rename_curve(self.plot.getPlotItem(), self.marker, self.tr("minimum"))
        names = self.optimizer_names()
        for name, curve in self.curves.items():
            rename_curve(self.plot.getPlotItem(), curve, names[name])
        rename_curve(self.plot.getPlotItem(), self.live_curve, self.tr("your run"))
        if self.failed is not None:
            self.set_config(*self.failed)   # fails again at once, saying why in the new language
        elif self.live:
            self._draw_live()
        else:
            self.draw(self.shown)

    def set_config(self, config: SessionConfig, start=None) -> bool:
        """Draw the landscape of `config`'s model from `start` (its initial parameters if None);
        False, with the reason shown, when the model does not have two scalar parameters."""
        try:
            start = initial_point(config) if start is None else start
            paths = {name: optimizer_path(name, config, start) for name in LANDSCAPE_OPTIMIZERS}
            first_range, second_range = paths_window(paths.values())
            landscape = loss_landscape(config, first_range, second_range)
        except (ValueError, ConfigError) as error:
            self.failed = (config, start)
            if self.timer.isActive():
                self.finish()   # the last good landscape, drawn in full, so it does not overwrite the message
            self.message.setText(self.tr("Cannot draw this landscape: {0}").format(error))
            return False
        self.failed = None
        self.timer.stop()
        self.live = []
        self.config, self.paths, self.landscape = config, paths, landscape
        linear = config.model.kind == "linear"
        self.minimum = least_squares_minimum(config) if linear else landscape_minimum(landscape)
        self._draw_surface()
        self.replay()
        return True

    def _draw_surface(self) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        landscape, item = self.landscape, self.plot.getPlotItem()
        u, v = landscape.names
        item.getAxis("bottom").setLabel(u)
        item.getAxis("left").setLabel(v)
        item.setTitle(self.tr("Loss over ({0}, {1})").format(u, v), size="11pt")
        loss = np.where(np.isfinite(landscape.loss), landscape.loss, np.nanmax(landscape.loss))
        image = pg.ImageItem(np.log10(np.maximum(loss, 1e-12)).T)
        image.setColorMap(pg.colormap.get("viridis"))
        image.setOpacity(0.35)
        first, second = landscape.first, landscape.second
        image.setRect(first[0], second[0], first[-1] - first[0], second[-1] - second[0])
        self.plot.addItem(image)
        for level in np.quantile(loss, np.linspace(0.0, 0.9, 14) ** 2):
            pg.IsocurveItem(loss.T, level, pen=pg.mkPen("#606060", width=1)).setParentItem(image)
        marker = self.marker = self.plot.plot([self.minimum[0]], [self.minimum[1]], pen=None, symbol="+",
                                              symbolSize=14, symbolBrush="k", name=self.tr("minimum"))
        names = self.optimizer_names()
        self.curves = {name: self.plot.plot(pen=pg.mkPen(PATH_COLOURS[name], width=2), name=names[name])
                       for name in self.paths}
        self.live_curve = self.plot.plot(pen=pg.mkPen("k", width=2, style=Qt.PenStyle.DashLine), symbol="o",
                                         symbolSize=4, symbolBrush="k", name=self.tr("your run"))
        self.arrow = pg.ArrowItem(pen=pg.mkPen("k"), brush="k", headLen=12)
        self.arrow_line = self.plot.plot(pen=pg.mkPen("k", width=1.5))
        self.plot.addItem(self.arrow)
        self._items = [image, marker, *self.curves.values(), self.live_curve, self.arrow, self.arrow_line]
        self.plot.setRange(xRange=(first[0], first[-1]), yRange=(second[0], second[-1]), padding=0)

    def replay(self) -> None:
        self.shown = 0
        self.timer.start(FRAME_MS)

    def finish(self) -> None:
        self.timer.stop()
        self.shown = self._last_step()
        self.draw(self.shown)

    def _last_step(self) -> int:
        return max(len(path) for path in self.paths.values()) - 1

    def _advance(self) -> None:
        self.shown = min(self._last_step(), self.shown + 5)
        self.draw(self.shown)
        if self.shown >= self._last_step():
            self.timer.stop()

    def draw(self, steps: int) -> None:
        for name, path in self.paths.items():
            self.curves[name].setData(path[:steps + 1, 0], path[:steps + 1, 1])
        self._show_gradient(self.paths["sgd"][min(steps, len(self.paths["sgd"]) - 1)])
        names = self.optimizer_names()
        ends = "   ".join(f"{names[name]}: ({path[min(steps, len(path) - 1), 0]:.2f}, "
                           f"{path[min(steps, len(path) - 1), 1]:.2f})" for name, path in self.paths.items())
        self.message.setText(self.tr("step {0}   {1}   minimum ({2:.2f}, {3:.2f})").format(
            steps, ends, *self.minimum))

    def _show_gradient(self, point) -> None:
        """The negative gradient of the loss at `point`, as an arrow that shrinks as the gradient vanishes."""
        point = np.asarray(point, dtype=float)
        gradient = landscape_gradient(point, self.config)
        norm = float(np.hypot(*gradient))
        direction = -gradient / norm if norm > 0 else np.zeros(2)
        size = 0.1 * min(np.ptp(self.landscape.first), np.ptp(self.landscape.second))
        tip = point + size * min(1.0, norm / 5.0) * direction
        self.arrow_line.setData([point[0], tip[0]], [point[1], tip[1]])
        self.arrow.setPos(*tip)
        self.arrow.setVisible(norm > 0.05)

    def follow_run(self, samples) -> None:
        """The window's training run, as it trains: its parameters after each sampled step (Snapshots)
        join the dashed path, and the arrow moves to its latest point. A run that starts over (its step
        goes back) starts a new path."""
        if self.landscape is None or self.failed is not None:
            return
        first, second = self.landscape.names
        added = False
        for sample in samples:
            values = sample.params
            if first not in values or second not in values:
                return
            if self.live and sample.step <= self.live[-1][0]:
                self.live = []  # reset, or another run
            self.live.append((sample.step, float(np.ravel(values[first])[0]), float(np.ravel(values[second])[0])))
            added = True
        if added:
            if self.timer.isActive():
                self.finish()   # the optimizers' paths in full: the arrow now belongs to the live run
            self._draw_live()

    def _draw_live(self) -> None:
        steps, first, second = zip(*self.live)
        self.live_curve.setData(first, second)
        point = (first[-1], second[-1])
        if all(np.isfinite(point)):
            self._show_gradient(point)
        self.message.setText(self.tr("your run: step {0} at ({1:.2f}, {2:.2f})   minimum ({3:.2f}, {4:.2f})")
                             .format(steps[-1], *point, *self.minimum))


VIEW_CLASSES = {"derivative": DerivativeView, "dice": DiceView, "landscape": LandscapeView,
                "hidden_layer": HiddenLayerView}
# Tab titles, translated where shown (gui/lessons.py).
VIEW_TITLES = {"derivative": QT_TRANSLATE_NOOP("lessons", "Derivative"), "dice": QT_TRANSLATE_NOOP("lessons", "Dice"),
               "landscape": QT_TRANSLATE_NOOP("lessons", "Loss landscape"),
               "hidden_layer": QT_TRANSLATE_NOOP("lessons", "Hidden layer")}
