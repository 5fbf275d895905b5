"""Wires the graph view, the backward debugger, the scratchpad and the gradient-flow plot together
for the main window: which graph is on screen, what Start walks, a scratchpad `backward()` handed
to the debugger, and the training run they must not disturb."""
from __future__ import annotations

import time
import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from engine.session.debugger_text import Message
from engine.session.graph_build import build_graph, training_step_graph
from engine.session.i18n import QT_TRANSLATE_NOOP
from engine.session.scratchpad import BackwardRequest
from gui.debugger_dock import DebuggerDock
from gui.gradient_flow import GradientFlowPlot
from gui.graph_view import MAX_OPERATORS, GraphPanel
from gui.scratchpad import ScratchpadPanel

TRAINING_BLOCKS_START = QT_TRANSLATE_NOOP("debugger", "Pause training to step through its backward pass")
FOLLOW_INTERVAL_S = 1.0   # while training runs, the graph is rebuilt at most this often


class GraphWorkbench(QObject):
    """Owns the four widgets; the main window places them (tabs and docks) and reports training.

    `get_trainer()` gives the current trainer (or None); `run_active()` says whether a training
    thread may be in a step (it exists and is not asleep, paused). While one does, the trainer is read only inside `on_training_update`, which
    the window calls while the worker waits for its update to be drawn (and a paused worker
    sleeps): a graph built from a trainer mid-step could reshuffle its batches under it.
    """

    graph_wanted = Signal()        # the graph tab should come to the front
    debugger_wanted = Signal()     # the debugger dock should be shown

    def __init__(self, window: QWidget, get_trainer: Callable[[], object],
                 run_active: Callable[[], bool] = lambda: False) -> None:
        super().__init__(window)
        self.get_trainer = get_trainer
        self.run_active = run_active
        self._reading = False          # inside on_training_update: the worker is waiting
        self._last_follow = 0.0
        # graphs built from the trainer → (trainer, step, parameter versions) they were built at: a later
        # step or loaded weights change their saved tensors in place, so such a graph is rebuilt, never walked
        self._training_models = weakref.WeakKeyDictionary()
        self.graph = GraphPanel()
        self.gradient_flow = GradientFlowPlot()
        self.debugger_dock = DebuggerDock(window)
        self.debugger = self.debugger_dock.panel
        self.scratchpad = ScratchpadPanel()
        self.scratchpad_dock = QDockWidget(window)
        self.scratchpad_dock.setObjectName("scratchpadDock")
        self.scratchpad_dock.setWidget(self.scratchpad)
        self.training = False
        self._tabs = None
        self.retranslate_ui()
        window.installEventFilter(self)

        self.graph.set_graph_source(self._training_graph)
        self.graph.model_changed.connect(lambda: self.debugger.set_target(self.graph.model, self.graph.source))
        self.debugger.target_needed.connect(self._show_current_step)
        self.debugger.is_stale = self._is_stale
        self.debugger.walk_changed.connect(self._on_walk_changed)
        self.scratchpad.graph_requested.connect(self._show_scratchpad_graph)
        self.scratchpad.backward_requested.connect(self._debug_scratchpad_backward)
        self.scratchpad.run_finished.connect(lambda _: self.debugger.abandon() if self.debugger.request else None)

    # -- language ---------------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.scratchpad_dock.setWindowTitle(self.tr("Scratchpad"))
        if self._tabs is not None:
            for widget, title in ((self.graph, self.tr("Graph")), (self.gradient_flow, self.tr("Gradient flow"))):
                index = self._tabs.indexOf(widget)
                if index >= 0:
                    self._tabs.setTabText(index, title)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.LanguageChange and watched is self.parent():
            self.retranslate_ui()
        return False

    # -- the main window reports ---------------------------------------------------------
    def trainer_changed(self) -> None:
        """A new trainer (reset, new settings): show its graph, start the gradient plot over."""
        self.gradient_flow.clear()
        if self.graph.following:
            self.graph.refresh_from_source(keep_layout=False)

    def session_opened(self) -> None:
        """Another session replaced the old one: the debugger forgets its walk; the graph follows training."""
        self.debugger.clear()
        self.graph.clear_walk()
        if not self.graph.following:
            self.graph.follow_action.setChecked(True)

    def set_training(self, running: bool) -> None:
        """Training runs (not paused): Start is blocked, and a walk on a training graph ends."""
        self.training = running
        if not running and not self.run_active() and self._graph_behind():
            self.graph.refresh_from_source()   # finished or stopped: the graph of the step reached
        self.debugger.set_start_blocked(Message("debugger", TRAINING_BLOCKS_START) if running else None)
        if running and self._walking_training_graph():
            self.debugger.abandon(Message("debugger", QT_TRANSLATE_NOOP("debugger", "training resumed")))

    def on_training_update(self, samples: list) -> None:
        """A training update arrived (the worker waits while it is drawn): plot the gradient
        norms and, at most once a second, redraw the followed graph of the current step."""
        self.gradient_flow.append(samples)
        if self._walking_training_graph():
            self.debugger.abandon(Message("debugger", QT_TRANSLATE_NOOP(
                "debugger", "a training step changed the .grad this walk accumulates into")))
        now = time.monotonic()
        # Paused (or one step): always the step the run stands at; running: at most once a second.
        if self.graph.following and (not self.training or now - self._last_follow >= FOLLOW_INTERVAL_S):
            self._last_follow = now
            self._reading = True
            try:
                self.graph.refresh_from_source()
            finally:
                self._reading = False

    def shutdown(self) -> None:
        self.scratchpad.shutdown()

    # -- graphs -----------------------------------------------------------------------------
    def _walking_training_graph(self) -> bool:
        d = self.debugger.debugger
        return d.started and not d.finished and self.debugger.model in self._training_models

    def _graph_behind(self) -> bool:
        model = self.graph.model
        return self.graph.following and (model not in self._training_models or self._is_stale(model))

    def _is_stale(self, model) -> bool:
        """A training graph of another trainer, an earlier step or parameters changed since (Load Weights):
        its saved tensors are no longer what backward needs."""
        built = self._training_models.get(model)
        if built is None:
            return False
        trainer, step, versions = built
        current = self.get_trainer()
        return current is not trainer() or current is None or current.step != step or versions != _versions(current)

    def _show_current_step(self) -> None:
        """The debugger wants a graph to walk: the current training step's, built now (and followed)."""
        if not self.graph.following:
            self.graph.follow_action.setChecked(True)   # follows training again: refreshes from the source
        else:
            self.graph.refresh_from_source(keep_layout=False)

    def _training_graph(self):
        trainer = self.get_trainer()
        if trainer is None or (self.run_active() and not self._reading):
            return None
        model = training_step_graph(trainer)
        self._training_models[model] = (weakref.ref(trainer), trainer.step, _versions(trainer))
        return model, Message("graph", QT_TRANSLATE_NOOP("graph", "Training step {0} · loss of the next batch"),
                              f"{trainer.step:,}")

    def _on_walk_changed(self, upto) -> None:
        self.graph.pin()
        if self.graph.model is not self.debugger.model and self.debugger.model is not None:
            self.graph.show_graph(self.debugger.model, self.debugger.description)
        self.graph.show_walk(self.debugger.debugger, upto)

    def _show_scratchpad_graph(self, root, names: dict, description: str) -> None:
        self.graph.pin()
        self.graph.show_tensor(root, names, description)
        self.graph_wanted.emit()

    def _debug_scratchpad_backward(self, request: BackwardRequest, description: str) -> None:
        model = build_graph(request.tensors, request.names, max_operators=MAX_OPERATORS)
        self.graph.pin()
        self.graph.show_graph(model, Message("graph", QT_TRANSLATE_NOOP("graph", "scratchpad: {0}"), description))
        self.debugger.start_request(request, model, description)
        self.graph_wanted.emit()
        self.debugger_wanted.emit()

    def place_in(self, main_window, tabs, beside: QDockWidget | None = None) -> None:
        """Graph and Gradient-flow tabs; the debugger docked at the bottom, shown when a walk
        begins; the scratchpad docked on the right, or tabbed with `beside` (the setup forms)."""
        tabs.addTab(self.graph, self.tr("Graph"))
        tabs.addTab(self.gradient_flow, self.tr("Gradient flow"))
        self._tabs = tabs
        main_window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.debugger_dock)
        if beside is None:
            main_window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.scratchpad_dock)
        else:
            main_window.addDockWidget(main_window.dockWidgetArea(beside), self.scratchpad_dock)
            main_window.tabifyDockWidget(beside, self.scratchpad_dock)
            beside.raise_()
            self.debugger_dock.hide()   # training comes first; the debugger opens when wanted
        self.graph_wanted.connect(lambda: tabs.setCurrentWidget(self.graph))
        self.debugger_wanted.connect(lambda: (self.debugger_dock.show(), self.debugger_dock.raise_()))
        self.graph.debug_requested.connect(self.debugger_wanted.emit)


def _versions(trainer) -> tuple[int, ...]:
    """The parameters' version counters: any in-place change (a step, loaded weights) moves one."""
    return tuple(p._version for p in trainer.model.parameters())
