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
                   yspace: float = 46.0, component_gap: float = 60.0, sources_on_top: bool = False) -> Layout:
    """Lay out nodes of the given (width, height) with `edges` as (src, dst) pairs pointing down.

    Sources are moved down next to their first consumer unless `sources_on_top`.

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
        x0, x1, y1 = _place_component(component, xspace, yspace, not sources_on_top)
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


def _place_component(component, xspace: float, yspace: float, optimize: bool) -> tuple[float, float, float]:
    """Lay out one connected component; returns its left edge, right edge and bottom."""
    vertices = list(component.sV)
    if len(vertices) == 1:
        v = vertices[0]
        v.view.xy = (v.view.w / 2, v.view.h / 2)
        return 0.0, v.view.w, v.view.h
    sugiyama = SugiyamaLayout(component)
    sugiyama.xspace, sugiyama.yspace = xspace, yspace
    roots = [v for v in vertices if not v.e_in()]
    sugiyama.init_all(roots=roots, optimize=optimize)
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


@dataclass
class Frame:
    """A box drawn around a group of nodes (an expanded module), in layout coordinates."""

    x: float
    y: float
    w: float
    h: float


def nested_layout(sizes: dict[str, tuple[float, float]], edges, cluster_of: dict[str, str | None],
                  cluster_parent: dict[str, str | None], pad: float = 14.0, header: float = 20.0,
                  **spacing) -> tuple[Layout, dict[str, Frame]]:
    """A layered layout in which every cluster (a frame) is laid out on its own and then placed
    as one big node of the cluster around it: frames never overlap each other or a node that
    is not theirs. Returns the layout of all nodes and the frames' rectangles.

    `cluster_of` maps a node to its innermost cluster (None: the top level); `cluster_parent`
    maps a cluster to the cluster it sits in. Inside a cluster, its sources (parameters) and one
    small entry point per outside source form the first layer, so an edge coming from outside
    enters at the top and has its own lane down to its target instead of crossing the nodes.
    """
    def chain(cluster):
        out = []
        while cluster is not None:
            out.append(cluster)
            cluster = cluster_parent.get(cluster)
        return out

    chains = {n: chain(cluster_of.get(n)) for n in sizes}

    def representative(node: str, level: str | None) -> str | None:
        """The item standing for `node` among `level`'s direct items, or None if outside."""
        inner = chains[node]
        if level is None:
            return f"cluster:{inner[-1]}" if inner else node
        if level not in inner:
            return None
        i = inner.index(level)
        return node if i == 0 else f"cluster:{inner[i - 1]}"

    def shared_level(src: str, dst: str) -> str | None:
        return next((level for level in chains[src] if level in chains[dst]), None)

    levels = sorted(cluster_parent, key=lambda c: -len(chain(c)))   # innermost first
    local: dict[str | None, Layout] = {}
    item_sizes = dict(sizes)
    for level in levels + [None]:
        items = {n: item_sizes[n] for n in sizes if (chains[n][0] if chains[n] else None) == level}
        items.update({f"cluster:{c}": item_sizes[f"cluster:{c}"] for c in cluster_parent if cluster_parent[c] == level})
        level_edges = []
        for src, dst in edges:
            rs, rd = representative(src, level), representative(dst, level)
            if rd is not None and rs is None:
                rs = f"entry:{src}"
                items[rs] = ENTRY_SIZE
            if rs is not None and rd is not None and rs != rd:
                level_edges.append((rs, rd))
        layout = layered_layout(items, level_edges, sources_on_top=level is not None, **spacing)
        local[level] = layout
        if level is not None:
            item_sizes[f"cluster:{level}"] = (layout.width + 2 * pad, layout.height + 2 * pad + header)

    # place every level's items: the top level as laid out, a cluster's inside its box
    result = Layout({}, dict(sizes))
    frames: dict[str, Frame] = {}
    offsets: dict[str | None, tuple[float, float]] = {None: (0.0, 0.0)}

    def place(level):
        ox, oy = offsets[level]
        for item, (x, y) in local[level].positions.items():
            if item.startswith("cluster:"):
                key = item[8:]
                w, h = item_sizes[item]
                frames[key] = Frame(ox + x - w / 2, oy + y - h / 2, w, h)
                offsets[key] = (ox + x - w / 2 + pad, oy + y - h / 2 + pad + header)
                place(key)
            elif not item.startswith("entry:"):
                result.positions[item] = (ox + x, oy + y)

    place(None)

    def interior(level, a, b):
        ox, oy = offsets[level]
        return [(ox + x, oy + y) for x, y in local[level].routes.get((a, b), [])[1:-1]]

    def absolute(level, item):
        ox, oy = offsets[level]
        x, y = local[level].positions[item]
        return ox + x, oy + y

    for src, dst in edges:
        shared = shared_level(src, dst)
        points = [result.positions[src]] + interior(shared, representative(src, shared), representative(dst, shared))
        # then down through each cluster around dst, entering each at its entry point
        below = chains[dst][: chains[dst].index(shared)] if shared in chains[dst] else chains[dst]
        for level in reversed(below):
            entry = f"entry:{src}"
            points.append(absolute(level, entry))
            points += interior(level, entry, representative(dst, level))
        points.append(result.positions[dst])
        result.routes[(src, dst)] = points
    top = local[None]
    result.width, result.height = top.width, top.height
    return result, frames


ENTRY_SIZE = (10.0, 4.0)
