"""Drawing a training update while the worker waits for it, one live widget per event-loop pass."""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

from gui.worker import TrainingControl


def draw_in_turn(control: TrainingControl, widgets: list[QWidget]) -> None:
    """Repaint the live widgets one per event-loop pass, then let the sleeping worker go on.

    Left to Qt, the repaint would run at its next update timer with training holding the
    GIL again, and each of the repaint's many Python calls would wait for the
    interpreter's switch interval. Painting now, while the worker waits for this update,
    avoids that; one widget per pass keeps input and timers flowing between them.
    """
    if not widgets or not shiboken6.isValid(widgets[0]):  # done, or the window was closed meanwhile
        control.mark_delivered()
        return
    widget, rest = widgets[0], widgets[1:]
    if isinstance(widget, pg.GraphicsView):
        QCoreApplication.sendPostedEvents(widget.scene())  # the scene's changed items, not other signals
        widget.viewport().repaint()
    else:
        widget.repaint()
    QTimer.singleShot(0, lambda: draw_in_turn(control, rest))
