"""Step-through backward: `BackwardDebugger` drives the engine's own `backward_steps` generator
one record at a time, so a walk to the end leaves exactly the `.grad` that `backward()` would
(it is the same code, never a re-enactment). Breakpoints stop a run on a node type, on the first
NaN or Inf in a gradient, or on the node of a named tensor; errors are reported, not raised, with
PyTorch's message and an explanation."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.autograd import prepare_roots
from engine.autograd.engine import BackwardStep, backward_steps, reachable_nodes
from engine.autograd.graph import SECOND_BACKWARD_MESSAGE, AccumulateGrad, accumulate_node
from engine.session.debugger_text import Message
from engine.session.i18n import QT_TRANSLATE_NOOP
from engine.session.tensor_summary import has_nonfinite
from engine.tensor import Tensor, _wrap

# Shown to the user (context "debugger"): marked here, translated where a Message is made of them.
FREED_EXPLANATION = QT_TRANSLATE_NOOP(
    "debugger",
    "Buffers freed by the previous backward: {0} saved tensors for backward, and the backward "
    "that already ran through this graph without retain_graph=True freed them. Run the forward "
    "again to build a new graph, or give the first backward retain_graph=True.")
INPLACE_EXPLANATION = QT_TRANSLATE_NOOP(
    "debugger",
    "A tensor this graph saved for backward was changed in place after it was saved, so the "
    "gradient formula would use the wrong value. Compute on a copy (x.clone()) or move the in-place "
    "change after backward.")
RESTART_EXPLANATION = QT_TRANSLATE_NOOP(
    "debugger",
    "Cannot restart: this walk ran without retain_graph=True, so {0} already freed the "
    "tensors saved for backward. Start again with \"retain_graph\" on, or rebuild the graph.")
ITS_NODES = QT_TRANSLATE_NOOP("debugger", "its nodes")
ABANDONED = QT_TRANSLATE_NOOP("debugger", "abandoned")


class DebuggerError(RuntimeError):
    """An action the debugger cannot take now (the message says why)."""


@dataclass
class Breakpoints:
    """Where `run_to_breakpoint` stops: after a node of one of `node_types` runs, after the first
    node whose gradients hold a NaN or Inf, or after the node of one of the named tensors (its
    grad_fn, or the AccumulateGrad of a leaf)."""

    node_types: set[str] = field(default_factory=set)
    nan_inf: bool = False
    tensors: dict[str, Tensor] = field(default_factory=dict)

    def hit(self, record: BackwardStep) -> str | None:
        """Why `record` stops a run, or None."""
        if record.name in self.node_types:
            return Message("debugger", QT_TRANSLATE_NOOP("debugger", "breakpoint on node type {0}"), record.name)
        for name, t in self.tensors.items():
            if record.node is t.grad_fn or (t.is_leaf and record.node is t._acc):
                return Message("debugger", QT_TRANSLATE_NOOP("debugger", "breakpoint on tensor '{0}'"), name)
        if self.nan_inf:
            where = nonfinite_gradient(record)
            if where:
                return Message("debugger", QT_TRANSLATE_NOOP("debugger", "NaN/Inf: {0}"), where)
        return None


def nonfinite_gradient(record: BackwardStep) -> str | None:
    """Where a record's gradients first hold a NaN or Inf, in words, or None."""
    if has_nonfinite(record.grad_in):
        return Message("debugger", QT_TRANSLATE_NOOP("debugger", "{0} received a non-finite gradient"), record.name)
    for slot, g in enumerate(record.grads_out):
        if has_nonfinite(g):
            return Message("debugger", QT_TRANSLATE_NOOP("debugger", "{0} produced a non-finite gradient for input {1}"),
                           record.name, slot)
    for _, _, after in record.accumulated:
        if has_nonfinite(after):
            return Message("debugger", QT_TRANSLATE_NOOP("debugger", "{0} accumulated a non-finite .grad"),
                           record.name)
    return None


class BackwardDebugger:
    """Walk a backward pass node by node. Not thread-safe: drive it from one thread at a time."""

    def __init__(self) -> None:
        self.breakpoints = Breakpoints()
        self._steps = None
        self._clear()

    def _clear(self) -> None:
        self.records: list[BackwardStep] = []
        self.started = False
        self.finished = False
        self.error: str | None = None          # the exception's message, as PyTorch words it
        self.exception: BaseException | None = None
        self.explanation: str | None = None
        self.stop_reason: str | None = None
        self.not_run: list = []                # after a failure: the nodes backward never reached
        self.abandoned: str | None = None      # why the walk was given up before its end
        self._graph_nodes: list = []
        self._executed: set = set()
        self._grads_before: list = []

    # -- driving ------------------------------------------------------------------
    def start(self, root, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
              inputs=None) -> bool:
        """Prepare a walk from `root` (a tensor or list) as `root.backward(gradient, ...)` would;
        nothing runs until `step`. False (with `error` set) when backward would refuse to start."""
        self.close()
        self._clear()
        self._args = (root, gradient, retain_graph, create_graph, inputs)
        self.retain_graph = create_graph if retain_graph is None else bool(retain_graph)
        try:
            roots, seeds = prepare_roots(root, gradient, create_graph)
            if inputs is not None:
                inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
                if not inputs:
                    raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        except RuntimeError as exc:
            self._fail(exc)
            return False
        self.roots = roots
        self._graph_nodes = _reachable(roots)
        self._grads_before = _grad_state(self._graph_nodes)
        self._steps = backward_steps(roots, seeds, self.retain_graph, create_graph, inputs=inputs)
        self.started = True
        return True

    def step(self) -> BackwardStep | None:
        """Run the next node; its record, or None once the walk is over (or failed)."""
        if self._steps is None or self.finished:
            return None
        try:
            record = next(self._steps)
        except StopIteration:
            self._finish()
            return None
        except Exception as exc:  # a failing node ends backward: report it as backward would raise it
            self._fail(exc)
            return None
        self.records.append(record)
        self._executed.add(record.node)
        self.stop_reason = None
        if not self.pending:
            # every node has run, so the generator has nothing left: let it end now, so the
            # walk reads as finished right after its last node rather than one Step later
            self._end_if_exhausted()
        return record

    def _end_if_exhausted(self) -> None:
        try:
            next(self._steps)
        except StopIteration:
            self._finish()
            return
        raise AssertionError("backward_steps ran a node outside the graph it was given")

    def continue_(self) -> BackwardStep | None:
        """Run to the end, ignoring breakpoints; the last record."""
        while self.step() is not None:
            pass
        return self.current

    def run_to_breakpoint(self) -> BackwardStep | None:
        """Run until a node hits a breakpoint (and stop after it), or to the end."""
        while True:
            record = self.step()
            if record is None:
                return self.current
            reason = self.breakpoints.hit(record)
            if reason:
                self.stop_reason = reason
                return record

    @property
    def can_restart(self) -> bool:
        return self.started and self._restart_blocker() is None

    def restart(self) -> None:
        """Rewind: put back the `.grad` values from before this walk and start it again.
        Possible only while the graph still has its saved tensors (retain_graph=True, or no node
        that saves anything has run yet)."""
        if not self.started:
            raise DebuggerError(Message("debugger", QT_TRANSLATE_NOOP("debugger", "Nothing to restart: start a walk first.")))
        blocker = self._restart_blocker()
        if blocker:
            raise DebuggerError(blocker)
        self.close()
        _restore_grads(self._grads_before)
        breakpoints = self.breakpoints
        self.start(*self._args)
        self.breakpoints = breakpoints

    def reset(self) -> None:
        """Forget the walk entirely (another session was opened): no records, nothing started."""
        self.close()
        self._clear()

    def close(self, reason: str | None = None) -> None:
        """Abandon the walk in progress (the generator is closed; .grad keeps what ran)."""
        if self._steps is not None:
            self._steps.close()
            self._steps = None
            if not self.finished:
                self.finished = True
                self.abandoned = reason or Message("debugger", ABANDONED)

    # -- state ----------------------------------------------------------------------
    @property
    def current(self) -> BackwardStep | None:
        return self.records[-1] if self.records else None

    @property
    def execution_order(self) -> list[str]:
        return [r.name for r in self.records]

    @property
    def pending(self) -> list:
        """Nodes of the graph that have not run (yet). Empty once the walk has ended."""
        if self.finished:
            return []
        return [n for n in self._graph_nodes if n not in self._executed]

    @property
    def graph_nodes(self) -> list:
        return list(self._graph_nodes)

    def freed_nodes(self) -> list:
        """Nodes of the graph whose saved tensors are gone."""
        return [n for n in self._graph_nodes if not isinstance(n, AccumulateGrad) and n.freed]

    def _finish(self) -> None:
        self.finished = True
        self._steps = None

    def _fail(self, exc: BaseException) -> None:
        self.not_run = self.pending
        self.exception = exc
        self.error = str(exc)
        self.explanation = self._explain(exc)
        self._finish()

    def _explain(self, exc: BaseException) -> str | None:
        message = str(exc)
        if message == SECOND_BACKWARD_MESSAGE:
            names = _names(n for n in self.pending if n.freed) or _names(self.freed_nodes()) \
                or Message("debugger", ITS_NODES)
            return Message("debugger", FREED_EXPLANATION, names)
        if "modified by an inplace operation" in message:
            return Message("debugger", INPLACE_EXPLANATION)
        return None

    def _restart_blocker(self) -> str | None:
        if self.retain_graph:
            return None
        released = [r.node for r in self.records if r.released]
        if released or (self.error == SECOND_BACKWARD_MESSAGE):
            return Message("debugger", RESTART_EXPLANATION,
                           _names(released or self.freed_nodes()) or Message("debugger", ITS_NODES))
        return None


def _names(nodes) -> str:
    names = []
    for n in nodes:
        if type(n).__name__ not in names:
            names.append(type(n).__name__)
    return ", ".join(names)


def _reachable(roots) -> list:
    """Every node backward from `roots` can reach, in discovery order."""
    return reachable_nodes([t.grad_fn if t.grad_fn is not None else accumulate_node(t) for t in roots])


def _grad_state(nodes) -> list:
    """Copies of every `.grad` a walk over `nodes` can change: leaves', and retained non-leaves'."""
    state = []
    for node in nodes:
        t = node.variable if isinstance(node, AccumulateGrad) else (node._retained() if node._retained else None)
        if t is not None:
            state.append((t, None if t._grad is None else np.array(t._grad.detach().numpy(), copy=True)))
    return state


def _restore_grads(state) -> None:
    for t, before in state:
        if before is None:
            t._grad = None
        elif t._grad is not None and t._grad.shape == before.shape:
            t._grad.detach().numpy()[...] = before
        else:
            t._grad = _wrap(before.copy())
