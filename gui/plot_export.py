"""Pictures of plots and of the window: PNG at a chosen size and DPI, and SVG with the curves as vector
paths — drawn through QSvgGenerator, since pyqtgraph 0.14's SVGExporter fails on a plain PlotItem with
PySide6. Also renders a headless run's plots for `gradstudio train` (on the offscreen platform)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

from engine.session import SessionConfig, Snapshot, Trainer
from engine.session.export import ExportError, PlotRenderer
from engine.session.files import atomic_write, describe_os_error

# Messages go through QCoreApplication.translate: Chinese in the window, English in a headless run
# (`gradstudio train` installs no translator), which draws the plots with their English titles too.
SCREEN_DPI = 96  # the logical DPI layouts are made for: a picture at 192 DPI is drawn twice as fine
PLOT_FORMATS = ("png", "svg")
DEFAULT_SIZE = (1200, 800)


@contextmanager
def _laid_out(plot: pg.PlotWidget, width: float, height: float) -> Iterator[QRectF]:
    """The plot laid out at width × height (axes, legend and ticks placed for that size), then put back.

    Only the scene item is resized, not the widget: the window does not move, and since no event
    is processed in between, nothing on screen flickers.
    """
    item = plot.getPlotItem()
    old = item.geometry()
    item.setGeometry(QRectF(0, 0, width, height))
    try:
        yield item.sceneBoundingRect()
    finally:
        item.setGeometry(old)


@contextmanager
def _export_mode(widget: QWidget, resolution_scale: float = 1.0) -> Iterator[None]:
    """pyqtgraph's export mode on every item drawn: scatter symbols are drawn as vector shapes (their
    on-screen pixmap atlas comes out garbled in SVG) and, being sized in pixels, scaled to the picture's
    resolution. Everything else is scaled by the painter already, so it keeps a scale of 1."""
    views = [widget] if isinstance(widget, pg.GraphicsView) else widget.findChildren(pg.GraphicsView)
    items = [item for view in views for item in view.scene().items() if hasattr(item, "setExportMode")]
    options = {"antialias": True, "background": pg.mkColor("w"), "resolutionScale": 1.0}
    # Long thick curves are drawn on screen as separate segments (faster); in a file each curve
    # should be one path.
    curves = [(item, item.opts["segmentedLineMode"]) for item in items if isinstance(item, pg.PlotCurveItem)]
    for item in items:
        scale = resolution_scale if isinstance(item, pg.ScatterPlotItem) else 1.0
        item.setExportMode(True, {**options, "resolutionScale": scale})
    for curve, _ in curves:
        curve.opts["segmentedLineMode"] = "off"
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)
        for curve, mode in curves:
            curve.opts["segmentedLineMode"] = mode


@contextmanager
def _painting(device) -> Iterator[QPainter]:
    """A painter on `device` that is ended whatever happens: a device destroyed while still being
    painted takes the whole process down."""
    painter = QPainter(device)
    try:
        yield painter
    finally:
        painter.end()


def _logical_size(size: tuple[int, int], dpi: float) -> tuple[float, float]:
    scale = SCREEN_DPI / dpi
    return size[0] * scale, size[1] * scale


def _check_size(size: tuple[int, int], dpi: float) -> tuple[int, int]:
    width, height = int(size[0]), int(size[1])
    if not (1 <= width <= 20_000 and 1 <= height <= 20_000):
        raise ValueError(QCoreApplication.translate("PlotExport", "picture size {0}×{1} must be 1 to 20,000 pixels "
                                                                  "each way").format(width, height))
    if not 24 <= dpi <= 1200:
        raise ValueError(QCoreApplication.translate("PlotExport", "DPI {0} must be from 24 to 1200").format(f"{dpi:g}"))
    return width, height


def _png_bytes(image: QImage, dpi: float) -> bytes:
    # The DPI goes into the file only now: while painting, a device of another logical DPI makes Qt
    # rescale fonts and the pictures pyqtgraph's axes cache, drawing them twice too big at 192 dpi.
    dots_per_meter = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(QCoreApplication.translate("PlotExport", "Qt could not encode the PNG"))
    buffer.close()
    return bytes(data)


def _image(size: tuple[int, int]) -> QImage:
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    dots_per_meter = round(SCREEN_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    return image


def plot_png(plot: pg.PlotWidget, size: tuple[int, int] = DEFAULT_SIZE, dpi: float = SCREEN_DPI) -> bytes:
    """The plot as PNG bytes of exactly `size` pixels; at a higher DPI the same layout is drawn finer."""
    size = _check_size(size, dpi)
    image = _image(size)
    # Drawn as on a high-DPI screen: the painter works in logical pixels and the image's device pixel
    # ratio makes each one dpi/96 real pixels. (Scaling the painter instead breaks pyqtgraph's axes,
    # which place their text through the view's own transform.)
    image.setDevicePixelRatio(dpi / SCREEN_DPI)
    width, height = _logical_size(size, dpi)
    with _laid_out(plot, width, height) as source, _export_mode(plot), _painting(image) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        plot.scene().render(painter, QRectF(0, 0, width, height), source)
    image.setDevicePixelRatio(1.0)
    return _png_bytes(image, dpi)


def _svg_generator(size: tuple[int, int], title: str) -> tuple[QSvgGenerator, QBuffer, QByteArray]:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(*size))
    generator.setViewBox(QRect(0, 0, *size))
    generator.setResolution(SCREEN_DPI)
    generator.setTitle(title)
    generator.setDescription(QCoreApplication.translate("PlotExport", "Drawn by GradStudio"))
    return generator, buffer, data


def plot_svg(plot: pg.PlotWidget, size: tuple[int, int] = DEFAULT_SIZE, title: str = "") -> bytes:
    """The plot as SVG bytes: curves, axes and text as vectors, `size` in pixels at 96 DPI."""
    size = _check_size(size, SCREEN_DPI)
    generator, buffer, data = _svg_generator(size, title or plot.getPlotItem().titleLabel.text
                                             or QCoreApplication.translate("PlotExport", "plot"))
    with _laid_out(plot, *size) as source, _export_mode(plot), _painting(generator) as painter:
        plot.scene().render(painter, QRectF(0, 0, *size), source)
    buffer.close()
    return bytes(data)


def widget_png(widget: QWidget, size: tuple[int, int] | None = None, dpi: float = SCREEN_DPI) -> bytes:
    """A whole widget (the main window) as PNG; `size` defaults to its size on screen times dpi/96."""
    scale = dpi / SCREEN_DPI
    if size is None:
        size = (round(widget.width() * scale), round(widget.height() * scale))
    size = _check_size(size, dpi)
    image = _image(size)
    with _export_mode(widget, size[0] / max(widget.width(), 1)), _painting(image) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size[0] / max(widget.width(), 1), size[1] / max(widget.height(), 1))
        widget.render(painter, QPoint(0, 0))
    return _png_bytes(image, dpi)


def widget_svg(widget: QWidget, title: str = "GradStudio") -> bytes:
    """A whole widget as SVG at its size on screen; plots inside it stay vector paths."""
    size = (max(widget.width(), 1), max(widget.height(), 1))
    generator, buffer, data = _svg_generator(size, title)
    with _export_mode(widget), _painting(generator) as painter:
        widget.render(painter, QPoint(0, 0))
    buffer.close()
    return bytes(data)


def save_picture(path: str | Path, content: bytes) -> Path:
    """Write picture bytes atomically; ExportError names the path and the reason on failure."""
    path = Path(path)
    try:
        return atomic_write(path, content)
    except OSError as error:
        raise ExportError(path, describe_os_error(error)) from None


def export_plot(plot: pg.PlotWidget, path: str | Path, size: tuple[int, int] = DEFAULT_SIZE,
                dpi: float = SCREEN_DPI) -> Path:
    """One plot to `path`; .png or .svg by the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return save_picture(path, plot_png(plot, size, dpi))
    if suffix == ".svg":
        return save_picture(path, plot_svg(plot, size))
    raise ExportError(path, QCoreApplication.translate("PlotExport", "unknown picture format {0}; use .png or .svg")
                      .format(repr(suffix) if suffix else QCoreApplication.translate("PlotExport", "(no suffix)")))


def export_plots(plots: dict[str, pg.PlotWidget], folder: str | Path, size: tuple[int, int] = DEFAULT_SIZE,
                 dpi: float = SCREEN_DPI, formats: Sequence[str] = PLOT_FORMATS) -> list[Path]:
    """Each named plot into `folder` as NAME.png and/or NAME.svg."""
    folder = Path(folder)
    return [export_plot(plot, folder / f"{name}.{fmt}", size, dpi) for name, plot in plots.items() for fmt in formats]


def _application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        # Kept on the function so it outlives this call: Qt needs the application while plots exist.
        app = _application.app = QApplication(["gradstudio"])
    return app


def run_plot_renderer(config: SessionConfig, trainer: Trainer, samples: Sequence[Snapshot],
                      size: tuple[int, int] = DEFAULT_SIZE, dpi: float = SCREEN_DPI,
                      formats: Sequence[str] = PLOT_FORMATS) -> PlotRenderer:
    """A renderer for `export_run_folder`: the Loss, Fit, Parameters and Gradient norms plots of a
    trained run, drawn by the window's own plot classes without showing them."""
    from gui.plots import FitPlot, LossPlot, ParametersPlot, configure_pyqtgraph

    _application()
    configure_pyqtgraph()
    loss_plot, fit_plot, params_plot = LossPlot(), FitPlot(), ParametersPlot()
    history = trainer.history
    loss_plot.set_loss_name({"mse": "MSE", "bce_with_logits": "BCE", "cross_entropy": "CE"}
                            .get(config.training.loss, "½·SSE"))
    loss_plot.append(history.column("step"), history.column("loss"))
    for sample in samples:
        loss_plot.append_evaluation(sample.evaluation)
    data = config.data
    labels = (data.x_column or "x", data.y_column or "y") if data.source == "csv" else ("x", "y")
    fit_plot.set_data(trainer.data_x, trainer.data_y, trainer.truth_x, trainer.truth_y, labels)
    snapshot = trainer.snapshot()
    fit_plot.set_fit(snapshot.grid_x, snapshot.grid_pred)
    params_plot.configure(config.model.kind)
    params_plot.append(list(samples))
    plots = {"loss": loss_plot.plot, "fit": fit_plot.plot, "parameters": params_plot.values_plot,
             "gradient_norms": params_plot.grads_plot}
    widgets = (loss_plot, fit_plot, params_plot)
    if trainer.points is not None:   # 2-D data: fit.* is the decision boundary over the points
        from gui.boundary_view import BoundaryView

        boundary = BoundaryView()
        boundary.set_data(trainer.points, trainer.labels, trainer.train_index, trainer.test_index, trainer.problem,
                          trainer.classes, trainer.boundary_extent)
        for sample in samples:
            boundary.accuracy.append(sample.evaluation)
        boundary.show_snapshot(snapshot)
        plots["fit"] = boundary.plot
        widgets = (*widgets, boundary)

    def render(folder: Path) -> list[Path]:
        assert widgets  # the plot widgets must live as long as the renderer
        return export_plots(plots, folder, size, dpi, formats)

    return render
