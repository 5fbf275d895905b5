"""The graph tools inside the main window: the Graph tab shows the default example's graph and
follows training, the debugger dock opens on demand and waits for a pause, the gradient-flow tab
fills while training, and typing in the scratchpad does not trigger the window's shortcuts."""
from __future__ import annotations

from PySide6.QtCore import Qt


def wait_idle(qtbot, window, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: window.run is None, timeout=timeout)


def labels(bench) -> list[str]:
    return sorted(n.label for n in bench.graph.canvas.view_.nodes.values())


def test_graph_tab_shows_the_default_example(window):
    bench = window.workbench
    window.tabs.setCurrentWidget(bench.graph)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Training", "Graph", "Gradient flow", "Lessons"]
    assert labels(bench) == sorted(["w", "b", "x", "target", "prediction", "loss", "AccumulateGrad",
                                    "AccumulateGrad", "MulBackward0", "AddBackward0", "MseLossBackward0"])
    shapes = {n.label: n.shape for n in bench.graph.canvas.view_.nodes.values() if n.kind == "variable"}
    assert shapes["w"] == (1, 1) and shapes["b"] == (1,) and shapes["loss"] == ()


def test_the_graph_follows_training_and_gradient_flow_fills(qtbot, window):
    bench = window.workbench
    window.tabs.setCurrentWidget(bench.graph)
    window.training_editor.steps.setValue(300)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert bench.graph.source.startswith("Training step ")
    assert int(bench.graph.source.split()[2].replace(",", "")) > 0
    assert bench.gradient_flow.names == ["w", "b"]
    steps = bench.gradient_flow.curves[0].getOriginalDataset()[0]
    assert steps[-1] == 300


def test_debugger_dock_opens_on_demand_and_walks_a_paused_step(qtbot, window):
    bench = window.workbench
    assert not bench.debugger_dock.isVisible()
    window.tabs.setCurrentWidget(bench.graph)
    bench.graph.debug_action.trigger()
    assert bench.debugger_dock.isVisible()
    window.step_once()                       # one training step, then paused
    qtbot.waitUntil(lambda: window.trainer.step == 1, timeout=20_000)
    qtbot.waitUntil(lambda: bench.graph.source.startswith("Training step 1 "), timeout=20_000)
    panel = bench.debugger
    assert panel.start_button.isEnabled()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    panel.continue_()
    assert panel.debugger.execution_order[0] == "MseLossBackward0"
    assert "w.grad" in panel.status.text()


def test_start_waits_while_training_runs(qtbot, window):
    bench = window.workbench
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.trainer.step > 5, timeout=20_000)
    assert not bench.debugger.start_button.isEnabled()
    window.toggle_training()                 # pause
    assert bench.debugger.start_button.isEnabled()
    window.stop_training()
    wait_idle(qtbot, window)


def test_typing_a_space_in_the_scratchpad_does_not_start_training(qtbot, window):
    bench = window.workbench
    bench.scratchpad_dock.show()
    bench.scratchpad_dock.raise_()
    editor = bench.scratchpad.editor
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, "x = 1 ")
    assert window.run is None and window.state == "Ready"
    assert "x = 1 " in editor.toPlainText()


def step_shown(bench) -> int:
    return int(bench.graph.source.split()[2].replace(",", ""))


def test_after_a_finished_run_the_graph_is_of_the_last_step(qtbot, window):
    """The default run is over in well under the follow interval: the graph must not stay at step 1."""
    bench = window.workbench
    window.tabs.setCurrentWidget(bench.graph)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.state == "Finished" and window.trainer.step == 500
    assert step_shown(bench) == 500


def test_pausing_shows_the_graph_of_the_step_the_run_paused_at(qtbot, window):
    bench = window.workbench
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.trainer.step > 50, timeout=20_000)
    bench._last_follow = float("inf")   # as if a follow redraw had just happened: only the pause may redraw
    window.toggle_training()            # pause
    qtbot.waitUntil(lambda: step_shown(bench) == window.trainer.step, timeout=10_000)
    assert window.run is not None and window.state == "Paused"
    window.stop_training()
    wait_idle(qtbot, window)


def test_debugger_rebuilds_a_graph_later_steps_changed_instead_of_blaming_the_user(qtbot, window):
    """MLP: walk step 1's graph, train on, then Start again — the old graph's saved tensors were changed
    in place by the optimizer, so walking it would raise 'modified by an inplace operation'."""
    from gui.examples import examples

    mlp = next(config for config in examples() if config.model.kind == "mlp")
    window.load_session(mlp)
    bench, panel = window.workbench, window.workbench.debugger
    window.step_once()
    qtbot.waitUntil(lambda: window.trainer.step == 1, timeout=20_000)
    window.stop_training()
    wait_idle(qtbot, window)
    panel.start()
    panel.continue_()
    assert panel.debugger.finished and panel.debugger.exception is None
    window.training_editor.steps.setValue(50)
    window.toggle_training()
    wait_idle(qtbot, window)
    assert window.trainer.step == 50
    bench.graph.pin()                   # the old walk's graph stays on screen (pinned)
    panel.start()
    for _ in range(3):
        panel.step()
    d = panel.debugger
    assert d.exception is None, d.exception
    panel.continue_()
    assert d.exception is None, d.exception
    assert "inplace" not in panel.status.text() and "clone" not in panel.details_text()
    assert d.finished and step_shown(bench) == 50


def test_a_graph_from_before_load_weights_is_rebuilt_before_a_walk(qtbot, window, tmp_path):
    """Load Weights changes the parameters in place at the same step: the graph shown before it has
    saved the old values, and walking it would fail with PyTorch's in-place message."""
    from engine.session import Trainer
    from engine.session.export import export_weights
    from gui.examples import examples

    mlp = next(config for config in examples() if config.model.kind == "mlp")
    source = Trainer(mlp)
    for _ in range(20):
        source.train_step()
    path = export_weights(tmp_path / "w.safetensors", source)
    window.load_session(mlp)
    bench, panel = window.workbench, window.workbench.debugger
    window.tabs.setCurrentWidget(bench.graph)
    shown = bench.graph.model
    bench.graph.pin()
    assert window.session_files.load_weights_from(path)
    assert bench.graph.model is shown   # still the graph of the old values
    panel.start()
    panel.continue_()
    d = panel.debugger
    assert d.finished and d.exception is None, d.exception
    assert bench.graph.model is not shown
