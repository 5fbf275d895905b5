"""Top-down layered (Sugiyama) layout of a directed graph: layers by longest path, long edges
broken by dummy points, crossings reduced by median/barycentre sweeps and coordinates by Brandes
and Köpf — grandalf's implementation, pure Python, no Graphviz. Connected components sit side by
side. Sources are drawn at the top, so data flows downward."""
from __future__ import annotations

from dataclasses import dataclass, field

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout

ORDERING_ROUNDS = 4  # down-and-up crossing-reduction sweeps; more gives little on graphs this size


@dataclass
class Layout:
    """Node centres, edge routes (polylines from the source's centre to the target's) and the
    bounding size; y grows downward."""

    positions: dict[str, tuple[float, float]]
    sizes: dict[str, tuple[float, float]]
    routes: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0

    def rect(self, node: str) -> tuple[float, float, float, float]:
        """(left, top, width, height) of a node's box."""
        (x, y), (w, h) = self.positions[node], self.sizes[node]
        return x - w / 2, y - h / 2, w, h


class _Box:
    """What grandalf needs to know of a vertex: its size; it writes the centre into `xy`."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


class _Path:
    def __init__(self) -> None:
        self.points: list = []

    def setpath(self, points) -> None:
        self.points = [tuple(p) for p in points]


def layered_layout(sizes: dict[str, tuple[float, float]], edges, xspace: float = 28.0,
                   yspace: float = 46.0, component_gap: float = 60.0) -> Layout:
    """Lay out nodes of the given (width, height) with `edges` as (src, dst) pairs pointing down.

    Edges to unknown nodes, self-loops and repeated edges are ignored; a cycle (which a
    computation graph never has) is broken by drawing one of its edges upward.
    """
    vertices = {key: Vertex(key) for key in sizes}
    for key, v in vertices.items():
        v.view = _Box(*sizes[key])
    pairs = []
    seen = set()
    for src, dst in edges:
        if src == dst or src not in vertices or dst not in vertices or (src, dst) in seen:
            continue
        seen.add((src, dst))
        pairs.append((src, dst))
    grandalf_edges = {}
    for src, dst in pairs:
        e = Edge(vertices[src], vertices[dst])
        e.view = _Path()
        grandalf_edges[(src, dst)] = e
    graph = Graph(list(vertices.values()), list(grandalf_edges.values()))

    layout = Layout({}, dict(sizes))
    left = 0.0
    components = sorted(graph.C, key=lambda c: -len(c.sV))
    for component in components:
        x0, x1, y1 = _place_component(component, xspace, yspace)
        shift = left - x0
        for v in component.sV:
            x, y = v.view.xy
            layout.positions[v.data] = (x + shift, y)
        for e in component.sE:
            key = (e.v[0].data, e.v[1].data)
            layout.routes[key] = [(x + shift, y) for x, y in e.view.points]
        left += (x1 - x0) + component_gap
        layout.height = max(layout.height, y1)
    layout.width = max(0.0, left - component_gap)
    return layout


def _place_component(component, xspace: float, yspace: float) -> tuple[float, float, float]:
    """Lay out one connected component; returns its left edge, right edge and bottom."""
    vertices = list(component.sV)
    if len(vertices) == 1:
        v = vertices[0]
        v.view.xy = (v.view.w / 2, v.view.h / 2)
        return 0.0, v.view.w, v.view.h
    sugiyama = SugiyamaLayout(component)
    sugiyama.xspace, sugiyama.yspace = xspace, yspace
    roots = [v for v in vertices if not v.e_in()]
    sugiyama.init_all(roots=roots, optimize=True)
    sugiyama.draw(ORDERING_ROUNDS + 0.5)
    x0 = min(v.view.xy[0] - v.view.w / 2 for v in vertices)
    x1 = max(v.view.xy[0] + v.view.w / 2 for v in vertices)
    y1 = max(v.view.xy[1] + v.view.h / 2 for v in vertices)
    return x0, x1, y1


def crossings(layout: Layout, edges) -> int:
    """How many pairs of straight edge segments cross (a measure for tests and tuning)."""
    segments = []
    for key in edges:
        points = layout.routes.get(tuple(key))
        if points:
            segments += [(key, a, b) for a, b in zip(points, points[1:])]
    count = 0
    for i, (k1, a, b) in enumerate(segments):
        for k2, c, d in segments[i + 1:]:
            if k1[0] in k2 or k1[1] in k2:
                continue  # edges sharing an end meet there; that is not a crossing
            if _segments_cross(a, b, c, d):
                count += 1
    return count


def _segments_cross(a, b, c, d) -> bool:
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)
