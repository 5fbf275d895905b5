"""Builds the graph model of root tensors by walking `grad_fn` / `next_functions` (iteratively).

What can be seen from the graph itself: every operator, every leaf (an `AccumulateGrad`'s
variable) and the tensors operators saved for backward. Intermediate results have no reference
from the graph, so a result is drawn as a variable only when it is known another way: a root, a
named tensor (scratchpad variables, model outputs), or one that called `retain_grad()`.
Constants and detached tensors are found among the saved tensors.
"""
from __future__ import annotations

from collections import deque

from engine import nn
from engine.autograd.graph import AccumulateGrad, accumulate_node
from engine.session.i18n import translate
from engine.session.graph_model import (CONSTANT, DETACHED, INPUT, OPERATOR, OUTPUT, PARAMETER, RESULT, RETAINED,
                                        VARIABLE, GraphEdge, GraphModel, GraphNode)
from engine.session.module_calls import ModuleCallRecorder
from engine.tensor import Tensor

UNNAMED_SLOT = "saved_"   # the name of a saved tensor its operator gives no name


def build_graph(roots, names: dict | None = None, calls: ModuleCallRecorder | None = None,
                max_operators: int | None = None) -> GraphModel:
    """The graph of `roots` (a tensor or a list). `names` maps names to tensors (scratchpad
    variables, `dict(model.named_parameters())`); `calls` tells which module made each operator.
    With `max_operators`, only that many operators nearest the roots are kept (`hidden` says how
    many were left out): a 100,000-op chain is no picture."""
    roots = [roots] if isinstance(roots, Tensor) else list(roots)
    names = {k: v for k, v in (names or {}).items() if isinstance(v, Tensor)}
    builder = _Builder(roots, names)
    builder.walk(max_operators)
    builder.add_variables()
    builder.add_edges()
    model = GraphModel(builder.nodes, builder.edge_list(), roots, _by_fn=builder.op_id, _by_tensor=builder.var_id,
                       hidden=builder.total_operators - len(builder.fns))
    if calls is not None:
        _assign_modules(model, calls, builder)
    return model


class _Builder:
    def __init__(self, roots: list, names: dict) -> None:
        self.roots = roots
        self.names_of: dict[int, list[str]] = {}
        self.tensors: dict[int, Tensor] = {}
        for name, t in names.items():
            self.names_of.setdefault(id(t), []).append(name)
            self.tensors[id(t)] = t
        self.nodes: dict[str, GraphNode] = {}
        self.op_id: dict = {}        # fn -> node id
        self.var_id: dict = {}       # id(tensor) -> node id
        self.fns: list = []
        self.edges: dict[tuple[str, str], GraphEdge] = {}
        self.detach_edges: list[tuple[Tensor, str]] = []   # (source tensor, detached variable id)
        self.out_var: dict = {}      # fn -> ids of the variables drawn for its output
        self.total_operators = 0

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{len(self.nodes)}"

    def walk(self, max_operators: int | None) -> None:
        """The operators reachable from the roots, nearest first (iteratively: deep graphs need
        no recursion); past `max_operators` the rest are only counted."""
        queue = deque(t.grad_fn if t.grad_fn is not None else accumulate_node(t) for t in self.roots if t.requires_grad)
        seen = set(queue)
        while queue:
            fn = queue.popleft()
            if max_operators is None or len(self.fns) < max_operators:
                node_id = self._new_id("op")
                role = "accumulate" if isinstance(fn, AccumulateGrad) else "operator"
                self.nodes[node_id] = GraphNode(node_id, OPERATOR, type(fn).__name__, role, fn=fn)
                self.op_id[fn] = node_id
                self.fns.append(fn)
            for nxt, _ in fn.next_functions:
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        self.total_operators = len(seen)

    def _variable(self, t: Tensor, role: str) -> GraphNode:
        node = self.nodes.get(self.var_id.get(id(t), ""))
        if node is not None:
            return node
        node_id = self._new_id("var")
        label = ", ".join(self.names_of.get(id(t), ())) or _default_label(role, t)
        node = GraphNode(node_id, VARIABLE, label, role, tensor=t)
        self.nodes[node_id] = node
        self.var_id[id(t)] = node_id
        self.tensors[id(t)] = t
        return node

    def add_variables(self) -> None:
        outputs: dict = {}   # fn -> tensors known to be its output
        for t in self.roots:
            if t.grad_fn is not None:
                outputs.setdefault(t.grad_fn, []).append(t)
        for t in self.tensors.values():
            if t.grad_fn is not None and t.grad_fn in self.op_id:
                outputs.setdefault(t.grad_fn, []).append(t)
        for fn in self.fns:
            if fn._retained is not None:
                t = fn._retained()
                if t is not None and t.grad_fn is fn:
                    outputs.setdefault(fn, []).append(t)
        saved_outputs = {}
        for fn in self.fns:
            for _, t in saved_slots(fn):
                if t.grad_fn is not None and t.grad_fn in self.op_id:
                    saved_outputs.setdefault(t.grad_fn, t)

        root_ids = {id(t) for t in self.roots}
        for fn in self.fns:
            op = self.nodes[self.op_id[fn]]
            if isinstance(fn, AccumulateGrad):
                leaf = fn.variable
                role = PARAMETER if isinstance(leaf, nn.Parameter) else INPUT
                op.tensor = leaf
                self._variable(leaf, role)
                continue
            known = outputs.get(fn, [])
            op.tensor = known[0] if known else saved_outputs.get(fn)
            for t in known:
                if id(t) in root_ids:
                    role = OUTPUT
                elif t.retains_grad:
                    role = RETAINED
                else:
                    role = RESULT
                self._variable(t, role)
        # a root that needs no grad is a graph of one variable
        for t in self.roots:
            if not t.requires_grad:
                self._variable(t, OUTPUT)
        self._add_constants()

    def _add_constants(self) -> None:
        """Saved tensors that need no grad: detached from a known tensor (same version counter,
        as `detach()` makes) or plain constants (data, targets, `.data` copies). What an operator
        saves beyond its named operands (the 2 of `x * 2`, index arrays) is the engine's own
        bookkeeping and is not drawn, unless the program named it."""
        by_counter = {id(t._vc): t for t in self.tensors.values() if t.requires_grad}
        for fn in self.fns:
            for _, t in saved_slots(fn):
                if t.requires_grad:
                    if t.grad_fn is None:
                        continue
                    by_counter.setdefault(id(t._vc), t)
        for fn in self.fns:
            for slot, t in saved_slots(fn):
                if t.requires_grad:
                    continue
                source = by_counter.get(id(t._vc))
                if slot.startswith(UNNAMED_SLOT) and source is None and id(t) not in self.names_of:
                    continue
                node = self._variable(t, DETACHED if source is not None else CONSTANT)
                self.edges.setdefault((node.id, self.op_id[fn]), GraphEdge(node.id, self.op_id[fn]))
                if source is not None:
                    node.detached_from = ", ".join(self.names_of.get(id(source), ())) \
                        or translate("graph", "a tensor in the graph")
                    self.detach_edges.append((source, node.id))

    def _source_of(self, t: Tensor) -> str | None:
        """The node a tensor's value is drawn at: its variable, or the operator that made it."""
        if id(t) in self.var_id:
            return self.var_id[id(t)]
        if t.grad_fn is not None and t.grad_fn in self.op_id:
            return self.out_var[t.grad_fn][0] if t.grad_fn in self.out_var else self.op_id[t.grad_fn]
        return None

    def add_edges(self) -> None:
        out_var = self.out_var
        for node in list(self.nodes.values()):
            t = node.tensor
            if node.kind == VARIABLE and t is not None and t.grad_fn is not None and t.grad_fn in self.op_id:
                out_var.setdefault(t.grad_fn, []).append(node.id)
        for fn, var_ids in out_var.items():
            for vid in var_ids:
                self._edge(self.op_id[fn], vid, ())
        for fn in self.fns:
            dst = self.op_id[fn]
            if isinstance(fn, AccumulateGrad):
                self._edge(self.var_id[id(fn.variable)], dst, ())
                continue
            for slot, (nxt, _) in enumerate(fn.next_functions):
                if nxt is None or nxt not in self.op_id:   # a constant, or an operator left out
                    continue
                # a result drawn as a variable sits between its operator and the consumers
                src = out_var[nxt][0] if nxt in out_var else self.op_id[nxt]
                self._edge(src, dst, (slot,))
        for source, detached_id in self.detach_edges:
            src = self._source_of(source)
            if src is not None and src != detached_id:
                self.edges[(src, detached_id)] = GraphEdge(src, detached_id, (), "detach")

    def _edge(self, src: str, dst: str, slots: tuple) -> None:
        old = self.edges.get((src, dst))
        self.edges[(src, dst)] = GraphEdge(src, dst, (old.slots if old else ()) + slots)

    def edge_list(self) -> list[GraphEdge]:
        return list(self.edges.values())


def _assign_modules(model: GraphModel, recorder: ModuleCallRecorder, builder: _Builder) -> None:
    """Each node's innermost module call: operators by sequence number, parameters (and their
    AccumulateGrad) by the module that owns them, a call's output just outside the call."""
    finished = [c for c in recorder.calls if c.last_seq >= 0]
    output_of = {}   # a tensor returned by nested calls belongs just outside the outermost
    for c in sorted(finished, key=lambda c: -c.depth):
        if isinstance(c.output, Tensor):
            output_of[id(c.output)] = c
    owner = {}
    for call in finished:
        for p in call.module._parameters.values():
            if p is not None:
                owner.setdefault(id(p), call)
    used = set()
    for node in model.nodes.values():
        call = None
        if node.kind == OPERATOR and isinstance(node.fn, AccumulateGrad):
            call = owner.get(id(node.fn.variable))
        elif node.kind == OPERATOR:
            call = recorder.innermost(node.fn._seq)
        elif node.role in (PARAMETER, INPUT):
            call = owner.get(id(node.tensor))
        elif node.tensor is not None and id(node.tensor) in output_of:
            call = output_of[id(node.tensor)].parent
        elif node.tensor is not None and node.tensor.grad_fn is not None and node.tensor.grad_fn in builder.op_id:
            call = recorder.innermost(node.tensor.grad_fn._seq)
        if call is not None:
            node.module = call.key
            while call is not None:
                used.add(call)
                call = call.parent
    model.calls = {c.key: c for c in finished if c in used}


def saved_slots(fn) -> list[tuple[str, Tensor]]:
    """(slot name, tensor) pairs an operator saved (unnamed ones start with UNNAMED_SLOT)."""
    return fn.saved_tensors


def _default_label(role: str, t: Tensor) -> str:
    """The label of a tensor the program gave no name (in the interface's language)."""
    labels = {OUTPUT: translate("graph", "output"), CONSTANT: translate("graph", "constant"),
              DETACHED: translate("graph", "detached"), PARAMETER: translate("graph", "parameter"),
              INPUT: translate("graph", "leaf"), RETAINED: translate("graph", "retained"),
              RESULT: translate("graph", "result")}
    return labels.get(role) or translate("graph", "tensor")


# -- the graph of a training step ------------------------------------------------

def training_step_graph(trainer) -> GraphModel:
    """The graph of the loss the trainer's next step computes, with its modules, parameters,
    the batch input `x`, the `prediction` and the `target`, named. Nothing is trained."""
    recorder = ModuleCallRecorder({"model": trainer.model, "loss_fn": trainer.loss_fn})
    with recorder:
        loss = trainer.loss_graph()
    names = {name: p for name, p in trainer.model.named_parameters()}
    for call in recorder.calls:
        if call.module is trainer.model and call.parent is None and call.args:
            names.setdefault("x", call.args[0])
            if isinstance(call.output, Tensor):
                names.setdefault("prediction", call.output)
        if call.module is trainer.loss_fn and call.parent is None and len(call.args) > 1:
            names.setdefault("target", call.args[1])
    known = {id(t) for t in names.values()}
    for call in recorder.calls:   # e.g. the rescaled x an MLP hands to its layers
        arg = call.args[0] if call.args else None
        if isinstance(arg, Tensor) and id(arg) not in known and not arg.requires_grad:
            names[translate("graph", "{0} input").format(call.path)] = arg
            known.add(id(arg))
    names["loss"] = loss
    return build_graph([loss], names, recorder)
