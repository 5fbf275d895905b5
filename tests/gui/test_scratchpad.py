"""The scratchpad panel: runs on a worker thread, shows prints and errors with their line, stops,
offers its tensors as graph roots, and in debug mode hands backward() to the debugger dock."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QTabWidget

from engine.session import SessionConfig, Trainer
from gui.graph_workbench import GraphWorkbench
from gui.scratchpad import EXAMPLE, ScratchpadPanel


@pytest.fixture
def pad(qtbot):
    panel = ScratchpadPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    yield panel
    panel.shutdown()


def run(qtbot, panel, code: str, timeout: int = 10_000):
    panel.set_text(code)
    with qtbot.waitSignal(panel.run_finished, timeout=timeout) as finished:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    return finished.args[0]


def test_the_example_runs_and_prints_seven(qtbot, pad):
    assert pad.text() == EXAMPLE
    result = run(qtbot, pad, EXAMPLE)
    assert result.error is None
    assert pad.output.toPlainText() == "tensor(7.)\n"
    assert pad.state_label.text() == "Finished" and pad.run_button.isEnabled()


def test_an_error_shows_its_message_and_marks_its_line(qtbot, pad):
    run(qtbot, pad, "import torch\nx = torch.ones(2)\nprint(x)\ny = x @ torch.ones(3)\n")
    text = pad.output.toPlainText()
    assert text.startswith("tensor([1., 1.])\n")
    assert "line 4, in <module>" in text and "RuntimeError" in text
    assert pad.editor.error_line == 4
    assert pad.state_label.text().startswith("Error on line 4: RuntimeError")


def test_stop_ends_an_endless_loop_and_the_window_stays_usable(qtbot, pad):
    pad.set_text("while True:\n    pass\n")
    with qtbot.waitSignal(pad.run_finished, timeout=10_000) as finished:
        pad.run()
        qtbot.waitUntil(lambda: pad.stop_button.isEnabled())
        qtbot.wait(100)
        qtbot.mouseClick(pad.stop_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].stopped and pad.state_label.text() == "Stopped"
    assert run(qtbot, pad, "print('again')\n").error is None


def test_the_programs_tensors_can_be_drawn_as_a_graph(qtbot, pad):
    run(qtbot, pad, EXAMPLE)
    names = [pad.root_combo.itemText(i) for i in range(pad.root_combo.count())]
    assert names == ["y", "x"]    # results with a history first
    with qtbot.waitSignal(pad.graph_requested) as shown:
        qtbot.mouseClick(pad.graph_button, Qt.MouseButton.LeftButton)
    root, tensors, description = shown.args
    assert root is tensors["y"] and description == "scratchpad: y"


def test_python_is_highlighted_with_line_numbers(pad):
    pad.set_text("import torch\n# a comment\nx = 'text' + 3\n")
    blocks = [pad.editor.document().findBlockByNumber(i) for i in range(3)]
    assert all(block.layout().formats() for block in blocks)
    assert pad.editor.gutter_width() > 0 and pad.editor.gutter.isVisible()


def test_debug_backward_walks_in_the_debugger_and_the_program_continues_after(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    tabs = QTabWidget()
    window.setCentralWidget(tabs)
    trainer = Trainer(SessionConfig())
    bench = GraphWorkbench(window, lambda: trainer)
    bench.place_in(window, tabs)
    window.show()
    pad, debugger = bench.scratchpad, bench.debugger
    pad.debug_check.setChecked(True)
    pad.set_text(EXAMPLE)
    pad.run()
    qtbot.waitUntil(lambda: debugger.request is not None, timeout=10_000)
    assert pad.state_label.text() == "Line 5: backward() is waiting for the debugger"
    assert bench.graph.source == "scratchpad: backward() on line 5"
    assert {n.label for n in bench.graph.canvas.view_.nodes.values()} >= {"x", "y", "PowBackward0"}
    assert pad.output.toPlainText() == ""      # the program waits at backward()
    debugger.step()
    assert debugger.details_title.text() == "#1  AddBackward0"
    with qtbot.waitSignal(pad.run_finished, timeout=10_000):
        debugger.continue_()
    assert pad.output.toPlainText() == "tensor(7.)\n"
    assert debugger.request is None
    bench.shutdown()
