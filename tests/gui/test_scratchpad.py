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


# -- isolation: nothing the program does may freeze the window, lose Stop or hang quitting ----------
def event_loop_gaps(qtbot, seconds: float) -> list[float]:
    """Milliseconds between ticks of a 5 ms timer over `seconds`: how late the event loop runs."""
    import time

    from PySide6.QtCore import QTimer

    ticks = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    qtbot.wait(int(seconds * 1000))
    timer.stop()
    return [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99)]


def stop_and_time(qtbot, pad) -> float:
    import time

    started = time.perf_counter()
    with qtbot.waitSignal(pad.run_finished, timeout=3_000) as finished:
        qtbot.mouseClick(pad.stop_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].stopped and pad.state_label.text().startswith("Stopped")
    return time.perf_counter() - started


@pytest.mark.parametrize("program", [
    "i = 0\nwhile True:\n    print(i)\n    i += 1\n",      # floods the output
    "print(sum(range(10**12)))\n",                          # one C call holding the GIL
    "import sys, time\nsys.settrace(None)\ntime.sleep(60)\n",  # no line events, then a blocking sleep
], ids=["print-flood", "c-loop", "settrace-sleep"])
def test_the_window_stays_responsive_and_stop_ends_any_program_within_a_second(qtbot, pad, program):
    pad.set_text(program)
    pad.run()
    qtbot.waitUntil(lambda: pad.stop_button.isEnabled())
    qtbot.wait(300)   # the child is up and running the program
    gaps = event_loop_gaps(qtbot, 1.5)
    assert len(gaps) > 50 and p99(gaps) < 100, f"event-loop p99 {p99(gaps):.0f} ms"
    assert stop_and_time(qtbot, pad) < 1.0
    assert run(qtbot, pad, "print('again')\n").error is None and pad.output.toPlainText() == "again\n"


def test_a_print_flood_is_capped_and_says_how_many_lines_were_dropped(qtbot, pad):
    from engine.session.scratchpad import MAX_LINES

    result = run(qtbot, pad, f"for i in range({MAX_LINES * 20}):\n    print(i)\n", timeout=20_000)
    lines = pad.output.toPlainText().splitlines()
    assert len(lines) == MAX_LINES and lines[-1] == str(MAX_LINES * 20 - 1)   # the last lines are kept
    assert result.dropped == MAX_LINES * 19
    assert pad.state_label.text() == f"Finished · {MAX_LINES * 19:,} earlier lines of output dropped " \
                                     f"(the last {MAX_LINES:,} are kept)"


def test_stop_ends_a_sleeping_debug_run_within_a_second_and_the_panel_is_free_again(qtbot, pad):
    pad.debug_check.setChecked(True)
    pad.set_text("import time\ntime.sleep(3)\nprint('woke up')\n")
    pad.run()
    qtbot.wait(200)
    assert stop_and_time(qtbot, pad) < 1.0
    assert pad.run_button.isEnabled()
    qtbot.wait(100)
    assert "woke up" not in pad.output.toPlainText()


def test_the_rights_notice_is_said_once(qtbot):
    first = ScratchpadPanel()
    qtbot.addWidget(first)
    assert first.rights_notice.isVisibleTo(first) and "your user's rights" in first.rights_notice.text()
    run(qtbot, first, "print(1)\n")
    first.shutdown()
    second = ScratchpadPanel()
    qtbot.addWidget(second)
    assert not second.rights_notice.isVisibleTo(second)


def test_code_from_a_session_file_is_shown_as_such_and_does_not_run(qtbot, pad):
    pad.set_text("print('side effect')\n", origin="lesson.gradstudio.json")
    assert pad.origin_label.isVisibleTo(pad) and "lesson.gradstudio.json" in pad.origin_label.text()
    qtbot.wait(300)
    assert not pad.running and pad.output.toPlainText() == "" and pad.result is None
    run(qtbot, pad, pad.text())
    assert pad.output.toPlainText() == "side effect\n" and not pad.origin_label.isVisibleTo(pad)


def test_quitting_while_programs_run_exits_0_within_two_seconds(tmp_path):
    """A real app process: one program sleeping in a child, one in a debug run that turned tracing
    off and sleeps in-process; quitting must neither wait for them nor abort."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = tmp_path / "quit.py"
    script.write_text(
        "import sys, time\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from gui.scratchpad import ScratchpadPanel\n"
        "app = QApplication([])\n"
        "pads = [ScratchpadPanel(), ScratchpadPanel()]\n"
        "pads[1].debug_check.setChecked(True)\n"
        "for pad in pads:\n"
        "    pad.set_text('import sys, time\\nsys.settrace(None)\\ntime.sleep(60)\\n')\n"
        "    pad.run()\n"
        "def quit_():\n"
        "    global started\n"
        "    started = time.perf_counter()\n"
        "    for pad in pads:\n"
        "        pad.shutdown()\n"
        "    app.quit()\n"
        "QTimer.singleShot(1500, quit_)\n"
        "code = app.exec()\n"
        "print(f'quit took {time.perf_counter() - started:.2f}')\n"
        "sys.exit(code)\n")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script)], cwd=root, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr[-2000:]
    assert float(done.stdout.split("quit took ")[1]) < 2.0


def test_scratchpad_edits_count_as_unsaved_work(qtbot, window):
    files = window.session_files
    assert not files.has_unsaved_changes()
    window.workbench.scratchpad.editor.insertPlainText("# my note\n")
    assert files.has_unsaved_changes()
    window.workbench.scratchpad.set_text(window.session_files._saved_scratchpad)
    assert not files.has_unsaved_changes()
