"""The computation graph as a model the graph view draws: variables (ellipses) and operators
(rectangles) holding the live tensors and autograd nodes, edges in data-flow direction, the
nn.Module calls that made the operators, and views of it with some modules collapsed into boxes.
`graph_build` makes one from root tensors."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.autograd.graph import Node
from engine.session import tensor_summary as summary
from engine.session.i18n import QT_TRANSLATE_NOOP
from engine.session.module_calls import ModuleCall
from engine.tensor import Tensor

VARIABLE, OPERATOR, MODULE = "variable", "operator", "module"

# Roles, in legend order. Operators are "operator" or "accumulate" (AccumulateGrad). The legend's
# texts are marked for translation (context "graph"): show them through translate("graph", text).
PARAMETER, INPUT, CONSTANT, RESULT, RETAINED, OUTPUT, DETACHED = (
    "parameter", "input", "constant", "result", "retained", "output", "detached")
ROLE_LEGEND = {
    PARAMETER: QT_TRANSLATE_NOOP("graph", "parameter (nn.Parameter)"),
    INPUT: QT_TRANSLATE_NOOP("graph", "input: leaf that requires grad"),
    CONSTANT: QT_TRANSLATE_NOOP("graph", "constant: needs no grad"),
    RESULT: QT_TRANSLATE_NOOP("graph", "non-leaf result"),
    RETAINED: QT_TRANSLATE_NOOP("graph", "non-leaf with retain_grad()"),
    OUTPUT: QT_TRANSLATE_NOOP("graph", "root (where backward starts)"),
    DETACHED: QT_TRANSLATE_NOOP("graph", "detached: shares storage, no history"),
    "operator": QT_TRANSLATE_NOOP("graph", "operator (grad_fn)"),
    "accumulate": QT_TRANSLATE_NOOP("graph", "AccumulateGrad: adds into .grad"),
    MODULE: QT_TRANSLATE_NOOP("graph", "nn.Module (click to expand)"),
}


@dataclass(eq=False)
class GraphNode:
    """One drawn node. `tensor` is the variable (or an operator's output, when known) and `fn`
    the operator; the inspector reads them live, so `.grad` shows up after backward."""

    id: str
    kind: str
    label: str
    role: str
    tensor: Tensor | None = None
    fn: Node | None = None
    module: str | None = None            # key of the innermost module call this node belongs to
    call: ModuleCall | None = None       # for a collapsed module box
    detached_from: str | None = None     # label of the tensor a detached one shares storage with

    @property
    def shape(self) -> tuple | None:
        return None if self.tensor is None else tuple(self.tensor.shape)

    @property
    def dtype(self) -> str | None:
        return None if self.tensor is None else str(self.tensor.dtype)

    def caption(self) -> str:
        """The second line under a variable's name: its value if it has one element, else its shape."""
        return "" if self.tensor is None else summary.brief(self.tensor.detach().numpy())


@dataclass(frozen=True)
class GraphEdge:
    """A data-flow edge. `slots` are the positions in dst's `next_functions` it feeds (the
    gradient of slot i is `grads_out[i]` of dst's backward record); "detach" edges carry none."""

    src: str
    dst: str
    slots: tuple = ()
    kind: str = "data"


@dataclass
class GraphView:
    """The graph with some module calls collapsed into boxes: what is laid out and drawn.
    Expanded modules are drawn as frames around their nodes; a frame around a single node, or
    around nothing but one inner frame, would add only clutter and is left out."""

    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    edge_of: dict[tuple[str, str], tuple[str, str]]  # model edge (src, dst) -> visible edge (src, dst)
    shown_as: dict[str, str]                         # model node id -> visible node id
    frames: dict[str, ModuleCall] = field(default_factory=dict)        # drawn frames by call key
    frame_parent: dict[str, str | None] = field(default_factory=dict)  # the frame a frame sits in
    cluster_of: dict[str, str | None] = field(default_factory=dict)    # the frame a node sits in

    def members(self, key: str) -> list[str]:
        """Visible nodes inside a frame, at any depth."""
        inside = {key}
        changed = True
        while changed:
            grown = inside | {k for k, p in self.frame_parent.items() if p in inside}
            changed = grown != inside
            inside = grown
        return [n for n, c in self.cluster_of.items() if c in inside]


@dataclass(eq=False)
class GraphModel:
    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    roots: list[Tensor]
    calls: dict[str, ModuleCall] = field(default_factory=dict)   # calls that contain nodes, by key
    hidden: int = 0                # operators left out (beyond build_graph's max_operators)
    _by_fn: dict = field(default_factory=dict)
    _by_tensor: dict = field(default_factory=dict)

    def node_of_fn(self, fn) -> GraphNode | None:
        """The operator node drawn for a grad_fn (or AccumulateGrad)."""
        key = self._by_fn.get(fn)
        return None if key is None else self.nodes[key]

    def node_of_tensor(self, t) -> GraphNode | None:
        key = self._by_tensor.get(id(t))
        return None if key is None else self.nodes[key]

    def find(self, label: str) -> list[GraphNode]:
        return [n for n in self.nodes.values() if n.label == label]

    def edge_into(self, fn, slot: int) -> GraphEdge | None:
        """The edge along which `fn`'s backward sends its gradient number `slot`."""
        dst = self._by_fn.get(fn)
        for e in self.edges:
            if e.dst == dst and slot in e.slots:
                return e
        return None

    def module_chain(self, node: GraphNode) -> list[ModuleCall]:
        """The calls containing a node, innermost first."""
        chain, call = [], self.calls.get(node.module) if node.module else None
        while call is not None:
            chain.append(call)
            call = call.parent
        return chain

    def view(self, collapsed: set[str] | frozenset = frozenset()) -> GraphView:
        """The graph with the calls in `collapsed` (keys) drawn as one box each."""
        shown_as: dict[str, str] = {}
        nodes: dict[str, GraphNode] = {}
        for node in self.nodes.values():
            outer = None
            for call in self.module_chain(node):
                if call.key in collapsed:
                    outer = call
            if outer is None:
                shown_as[node.id] = node.id
                nodes[node.id] = node
            else:
                box = f"module:{outer.key}"
                shown_as[node.id] = box
                if box not in nodes:
                    nodes[box] = GraphNode(box, MODULE, outer.label, MODULE, call=outer,
                                           module=outer.parent.key if outer.parent else None)
        merged: dict[tuple[str, str], GraphEdge] = {}
        edge_of = {}
        for e in self.edges:
            src, dst = shown_as[e.src], shown_as[e.dst]
            if src == dst:
                continue
            edge_of[(e.src, e.dst)] = (src, dst)
            old = merged.get((src, dst))
            slots = e.slots if dst == e.dst else ()
            kind = e.kind if old is None or old.kind == e.kind else "data"
            merged[(src, dst)] = GraphEdge(src, dst, (old.slots if old else ()) + slots, kind)
        view = GraphView(nodes, list(merged.values()), edge_of, shown_as)
        self._add_frames(view, collapsed)
        return view

    def _add_frames(self, view: GraphView, collapsed) -> None:
        def expanded_chain(node: GraphNode) -> list[ModuleCall]:
            chain = self.module_chain(node) if node.kind != MODULE else list(_ancestors(node.call))
            return [c for c in chain if c.key not in collapsed]

        chains = {key: expanded_chain(node) for key, node in view.nodes.items()}
        count: dict[str, int] = {}
        for chain in chains.values():
            for call in chain:
                count[call.key] = count.get(call.key, 0) + 1
        kept = {key for key, n in count.items() if n > 1}
        # a frame holding nothing but one inner frame repeats it
        for key in sorted(kept, key=lambda k: self.calls[k].depth):
            direct = [k for k, chain in chains.items() if _first_kept(chain, kept) == key]
            inner = {c.key for c in self.calls.values() if c.parent is not None and c.parent.key == key} & kept
            if not direct and len(inner) == 1:
                kept.discard(key)
        for key in kept:
            call = self.calls[key]
            view.frames[key] = call
            view.frame_parent[key] = _first_kept(list(_ancestors(call)), kept)
        for key, chain in chains.items():
            view.cluster_of[key] = _first_kept(chain, kept)

    def default_collapsed(self, max_nodes: int = 60) -> set[str]:
        """Collapse the deepest module calls first until at most `max_nodes` are drawn (never the
        outermost calls: a whole model as one box shows nothing)."""
        sizes: dict[str, int] = {}
        for node in self.nodes.values():
            for call in self.module_chain(node):
                sizes[call.key] = sizes.get(call.key, 0) + 1
        # a box for a single operator (an activation) would hide nothing
        candidates = [c for c in self.calls.values() if c.depth > 0 and sizes.get(c.key, 0) > 1]
        collapsed: set[str] = set()
        for depth in sorted({c.depth for c in candidates}, reverse=True):
            if len(self.view(collapsed).nodes) <= max_nodes:
                break
            collapsed = {c.key for c in candidates if c.depth >= depth}
        return collapsed


def _ancestors(call: ModuleCall):
    call = call.parent
    while call is not None:
        yield call
        call = call.parent


def _first_kept(chain: list[ModuleCall], kept: set[str]) -> str | None:
    """The innermost call of a chain (innermost first) that is drawn as a frame."""
    return next((c.key for c in chain if c.key in kept), None)
