"""What the inspector shows for a node of the graph: rows of (field, text), read live from the
tensor and the autograd node, so a gradient appears as soon as backward has produced it.
Field names that are attributes (requires_grad, grad_fn, .grad, dtype) stay as code; the other
words are translated (context "graph")."""
from __future__ import annotations

from engine.autograd.graph import AccumulateGrad
from engine.session import tensor_summary as summary
from engine.session.graph_build import saved_slots
from engine.session.graph_model import MODULE, OPERATOR, ROLE_LEGEND, VARIABLE, GraphModel, GraphNode
from engine.session.i18n import translate
from engine.session.module_calls import ModuleCall
from engine.tensor import Tensor


def role_text(role: str) -> str:
    """What a node's role means, as the legend says it."""
    return translate("graph", ROLE_LEGEND[role]) if role in ROLE_LEGEND else role


def node_details(model: GraphModel, node: GraphNode) -> list[tuple[str, str]]:
    if node.kind == MODULE:
        return _module_rows(node.call)
    if node.kind == VARIABLE:
        rows = [(translate("graph", "variable"), node.label), (translate("graph", "kind"), role_text(node.role))]
        rows += tensor_rows(node.tensor)
        if node.detached_from:
            rows.append((translate("graph", "detached from"), node.detached_from))
    elif isinstance(node.fn, AccumulateGrad):
        leaf = model.node_of_tensor(node.fn.variable)
        rows = [(translate("graph", "operator"), "AccumulateGrad"),
                (translate("graph", "accumulates into"), leaf.label if leaf is not None else translate("graph", "a leaf")),
                (translate("graph", "shape"), summary.shape_text(node.fn.variable.shape)),
                (".grad", _grad_text(node.fn.variable))]
    else:
        rows = [(translate("graph", "operator"), node.label), (translate("graph", "inputs"), _inputs_text(model, node))]
        if node.tensor is not None:
            t = node.tensor
            rows += [(translate("graph", "output shape"), summary.shape_text(t.shape)),
                     (translate("graph", "output dtype"), _dtype(t)),
                     (translate("graph", "output value"), summary.describe(t.detach().numpy()))]
        rows.append((translate("graph", "saved tensors"), _saved_text(node.fn)))
    if node.module:
        rows.append((translate("graph", "made in module"), node.module))
    return rows


def tensor_rows(t: Tensor) -> list[tuple[str, str]]:
    rows = [(translate("graph", "shape"), summary.shape_text(t.shape)), ("dtype", _dtype(t)),
            (translate("graph", "value"), summary.describe(t.detach().numpy())),
            ("requires_grad", str(t.requires_grad)),
            ("is_leaf", str(t.is_leaf)), ("grad_fn", "None" if t.grad_fn is None else f"<{type(t.grad_fn).__name__}>")]
    if t.grad_fn is not None:
        rows.append(("retains_grad", str(t.retains_grad)))
    rows.append((".grad", _grad_text(t)))
    return rows


def tooltip(model: GraphModel, node: GraphNode) -> str:
    """A few lines for hovering: what the node is, its shape and its value or gradient."""
    if node.kind == MODULE:
        return translate("graph", "{0}\n{1} nodes inside — click to expand").format(
            node.label, len(_members(model, node.call)))
    lines = [node.label if node.kind == VARIABLE else f"{node.label} (grad_fn)"]
    if node.kind == VARIABLE:
        lines.append(role_text(node.role))
    t = node.tensor if node.kind == VARIABLE or not isinstance(node.fn, AccumulateGrad) else node.fn.variable
    if t is not None:
        lines.append(translate("graph", "shape {0}  {1}").format(summary.shape_text(t.shape), _dtype(t)))
        lines.append(summary.values(t.detach().numpy()) if t.numel() <= 4 else summary.statistics(t.detach().numpy()))
        if t._grad is not None and (node.kind == VARIABLE or isinstance(node.fn, AccumulateGrad)):
            grad = t._grad.detach().numpy()
            lines.append(f".grad {summary.values(grad) if grad.size <= 4 else summary.statistics(grad)}")
    if node.kind == OPERATOR and node.fn is not None and node.fn.freed:
        lines.append(translate("graph", "saved tensors freed"))
    return "\n".join(lines)


def _members(model: GraphModel, call: ModuleCall) -> list[GraphNode]:
    return [n for n in model.nodes.values() if call in model.module_chain(n)]


def _dtype(t: Tensor) -> str:
    return str(t.dtype)


def _grad_text(t: Tensor) -> str:
    grad = t._grad
    if grad is None:
        if t.grad_fn is not None and not t.retains_grad:
            return translate("graph", "None (a non-leaf keeps .grad only after retain_grad())")
        return "None"
    return summary.describe(grad.detach().numpy())


def _inputs_text(model: GraphModel, node: GraphNode) -> str:
    parts = []
    for nxt, _ in node.fn.next_functions:
        if nxt is None:
            parts.append(translate("graph", "constant (no grad)"))
        elif isinstance(nxt, AccumulateGrad):
            leaf = model.node_of_tensor(nxt.variable)
            parts.append(translate("graph", "{0} (via AccumulateGrad)").format(
                leaf.label if leaf else translate("graph", "leaf")))
        else:
            parts.append(type(nxt).__name__)
    return "\n".join(parts) or "—"


def _saved_text(fn) -> str:
    if fn.freed:
        return translate("graph", "freed — backward ran without retain_graph=True")
    slots = saved_slots(fn)
    if not slots:
        return translate("graph", "none")
    lines = []
    for name, t in slots:
        value = f" = {summary.values(t.detach().numpy())}" if t.numel() <= 4 else ""
        lines.append(f"{name}: {summary.shape_text(t.shape)}{value}")
    return "\n".join(lines)


def _module_rows(call: ModuleCall) -> list[tuple[str, str]]:
    rows = [(translate("graph", "module"), call.type_name), (translate("graph", "name"), call.path)]
    params = list(call.module.named_parameters())
    if params:
        rows.append((translate("graph", "parameters"),
                     "\n".join(f"{n}: {summary.shape_text(p.shape)}" for n, p in params)))
    if isinstance(call.output, Tensor):
        rows.append((translate("graph", "output shape"), summary.shape_text(call.output.shape)))
    rows.append(("", translate("graph", "click the box to expand it")))
    return rows
