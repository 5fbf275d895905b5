"""Long event-loop runs with live plots: the PySide6 6.12 / Python 3.11 refcount bug on None must not be present."""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication

ITERATIONS = 3000
# PySide6 6.12.0 on Python 3.11 loses one reference to None per processEvents(): 3000 here.
# A healthy build moves by a handful either way.
ALLOWED_DRIFT = 200


def test_none_refcount_does_not_drift_over_thousands_of_event_loop_iterations(qtbot, window):
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    qtbot.waitUntil(lambda: len(window.loss_plot.buffer) > 0, timeout=20_000)
    updates = 0
    last_step = window.step_label.text()
    before = sys.getrefcount(None)
    for _ in range(ITERATIONS):
        QApplication.processEvents()
        time.sleep(0.0005)  # let the worker train and send updates between iterations
        if window.step_label.text() != last_step:
            updates += 1
            last_step = window.step_label.text()
    drift = sys.getrefcount(None) - before
    window.toggle_training()
    assert updates >= 10, "the plots were not updated live during the soak"
    assert abs(drift) < ALLOWED_DRIFT, f"sys.getrefcount(None) drifted by {drift} over {ITERATIONS} iterations"
