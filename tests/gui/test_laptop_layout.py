"""Laptop screens: with every dock open the window fits 1366×768 and stays usable at 1280×720 on each
tab; the graph's legend sits beside the drawing, its text is ≥ 9 pt at the default zoom and it refits
when its panel resizes; plot legends sit beneath the plots, never over the newest data."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from gui.examples import examples
from gui.graph_items import font


def all_docks_open(window) -> None:
    for dock in (*window.docks, window.lessons.dock):
        dock.show()


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


@pytest.fixture
def styled():
    """The application's stylesheet, as run_app sets it (it changes margins), removed afterwards."""
    from engine.session.assets import asset

    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet(asset("style.qss").read_text())
    yield
    app.setStyleSheet(before)


@pytest.mark.parametrize("language, lesson", [("en", None), ("en", "05-derivative-as-limit"), ("en", "10-dice"),
                                              ("en", "11-loss-landscape"), ("zh_CN", "05-derivative-as-limit")])
def test_every_layout_with_all_docks_open_fits_a_laptop_screen(styled, window, language, lesson):
    if language != "en":
        window.set_language(language)   # the conftest fixture switches back to English afterwards
    window.load_session(examples()[2])   # the MLP: the most parameter curves and the biggest graph
    if lesson:
        window.lessons.open_lesson(lesson)
    all_docks_open(window)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle()
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 690, (window.tabs.tabText(index), hint.toTuple())
    window.resize(1366, 768)
    settle()
    assert window.size().toTuple() == (1366, 768)
    window.resize(1280, 720)
    settle()
    assert window.size().toTuple() == (1280, 720)
    window.tabs.setCurrentWidget(window.training_tab)
    settle()
    for plot in (window.fit_plot, window.loss_plot.plot, window.params_plot.values_plot):
        assert plot.height() >= 120 and plot.width() >= 200
    debugger = window.workbench.debugger
    assert debugger.order.height() >= 60 and debugger.start_button.isVisible()


def test_the_graph_legend_is_beside_the_drawing_and_covers_no_node(window):
    bench = window.workbench
    window.load_session(examples()[2])
    window.tabs.setCurrentWidget(bench.graph)
    window.resize(1280, 720)
    settle()
    canvas = bench.graph.canvas
    legend = canvas.legend
    assert legend.isVisible() and legend.parent() is not canvas.viewport()
    viewport = QRect(canvas.viewport().mapToGlobal(canvas.viewport().rect().topLeft()), canvas.viewport().size())
    shown = QRect(legend.mapToGlobal(legend.rect().topLeft()), legend.size())
    assert not viewport.intersects(shown)


def test_graph_text_is_at_least_9_points_at_the_default_zoom_and_refits_on_resize(qtbot, window):
    bench = window.workbench
    window.load_session(examples()[2])
    window.tabs.setCurrentWidget(bench.graph)
    window.resize(1280, 720)
    settle()
    canvas = bench.graph.canvas
    smallest = min(font(kind).pointSizeF() for kind in ("label", "bold", "caption", "badge"))
    assert canvas.transform().m11() * smallest >= 9.0
    from gui.graph_canvas import READABLE_SCALE

    assert READABLE_SCALE * smallest >= 9.0
    canvas.fit()   # the Fit button: the whole graph, however small
    whole = canvas.transform().m11()
    window.resize(1280 + 300, 720 + 200)
    qtbot.waitUntil(lambda: canvas.transform().m11() > whole * 1.05, timeout=5_000)
    canvas.zoom(1.25)   # a zoom by hand is kept when the panel resizes
    zoomed = canvas.transform().m11()
    window.resize(1280, 720)
    settle()
    assert canvas.transform().m11() == pytest.approx(zoomed)


@pytest.mark.parametrize("width", [1024, 1280])
def test_plot_legends_never_cover_the_plots_data(qtbot, window, width):
    window.load_session(examples()[1])   # the cubic: four parameter curves
    window.training_editor.steps.setValue(30)
    window.toggle_training()
    window.resize(width, 720)
    qtbot.waitUntil(lambda: window.run is None, timeout=60_000)
    settle()
    items = [window.fit_plot.plot.getPlotItem(), window.loss_plot.plot.getPlotItem(),
             window.params_plot.values_plot.getPlotItem(), window.params_plot.grads_plot.getPlotItem()]
    for item in items:
        legend = item.legend
        assert legend is not None and legend.items
        box = item.getViewBox().sceneBoundingRect()
        assert not box.intersects(legend.sceneBoundingRect()), (item.titleLabel.text, box, legend.sceneBoundingRect())
        assert legend.width() <= item.width(), item.titleLabel.text   # a narrow plot wraps its legend


def test_a_narrow_plot_wraps_its_legend_into_more_rows(qtbot, window):
    window.resize(1366, 768)
    window.tabs.setCurrentWidget(window.training_tab)
    item = window.fit_plot.plot.getPlotItem()
    qtbot.waitUntil(lambda: item.legend.layout.rowCount() == 1, timeout=5_000)   # data, true function, model
    window.fit_plot.plot.setFixedWidth(200)
    qtbot.waitUntil(lambda: item.legend.layout.rowCount() > 1, timeout=5_000)
    assert item.legend.width() <= item.width()
