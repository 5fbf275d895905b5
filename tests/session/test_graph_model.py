"""Building the graph model: which variables and operators a root's graph has, the edges in
data-flow direction, module boxes, and a layered layout that is fast and points every edge down."""
import time

import pytest

import engine as torch
from engine import nn
from engine.session import SessionConfig, Trainer
from engine.session.debugger import BackwardDebugger
from engine.session.graph_inspect import node_details
from engine.session.graph_layout import crossings, layered_layout, nested_layout
from engine.session.graph_build import build_graph, training_step_graph
from engine.session.graph_model import (CONSTANT, DETACHED, INPUT, MODULE, OPERATOR, OUTPUT, PARAMETER, RESULT,
                                        RETAINED, VARIABLE)
from engine.session.module_calls import ModuleCallRecorder


def labels(model, kind=None):
    return sorted(n.label for n in model.nodes.values() if kind is None or n.kind == kind)


def edge_labels(model):
    return sorted((model.nodes[e.src].label, model.nodes[e.dst].label) for e in model.edges)


def test_polynomial_graph_has_its_operators_and_variables_in_data_flow_order():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    model = build_graph(y, {"x": x, "y": y})
    assert labels(model, OPERATOR) == ["AccumulateGrad", "AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0"]
    assert [(n.label, n.role) for n in model.nodes.values() if n.kind == VARIABLE] == [("y", OUTPUT), ("x", INPUT)]
    assert ("x", "AccumulateGrad") in edge_labels(model)
    assert ("AccumulateGrad", "PowBackward0") in edge_labels(model)
    assert ("AccumulateGrad", "MulBackward0") in edge_labels(model)
    final_add = model.node_of_fn(y.grad_fn)
    assert ("AddBackward0", "y") in edge_labels(model) and model.nodes[final_add.id].tensor is y


def test_default_example_graph_names_parameters_data_and_loss_with_their_shapes():
    trainer = Trainer(SessionConfig())
    model = training_step_graph(trainer)
    batch = trainer.config.data.batch_size
    shapes = {n.label: n.shape for n in model.nodes.values() if n.kind == VARIABLE}
    assert shapes == {"w": (1, 1), "b": (1,), "x": (batch, 1), "prediction": (batch, 1),
                      "target": (batch, 1), "loss": ()}
    roles = {n.label: n.role for n in model.nodes.values() if n.kind == VARIABLE}
    assert roles == {"w": PARAMETER, "b": PARAMETER, "x": CONSTANT, "target": CONSTANT,
                     "prediction": RESULT, "loss": OUTPUT}
    assert labels(model, OPERATOR) == ["AccumulateGrad", "AccumulateGrad", "AddBackward0", "MseLossBackward0",
                                       "MulBackward0"]
    assert {("w", "AccumulateGrad"), ("x", "MulBackward0"), ("prediction", "MseLossBackward0"),
            ("target", "MseLossBackward0"), ("MseLossBackward0", "loss")} <= set(edge_labels(model))
    assert set(model.calls) == {"model", "loss_fn"}
    assert model.find("MulBackward0")[0].module == "model"
    assert model.find("w")[0].module == "model" and model.find("prediction")[0].module is None
    assert trainer.model.w.grad is None  # building the graph trained nothing


def test_retained_and_detached_tensors_have_their_own_roles():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.retain_grad()
    u = y.detach()
    z = (u * x + y).sum()
    model = build_graph(z, {"x": x, "y": y, "u": u, "z": z})
    roles = {n.label: n.role for n in model.nodes.values() if n.kind == VARIABLE}
    assert roles == {"x": INPUT, "y": RETAINED, "u": DETACHED, "z": OUTPUT}
    detach_edges = [(model.nodes[e.src].label, model.nodes[e.dst].label) for e in model.edges if e.kind == "detach"]
    assert detach_edges == [("y", "u")]
    assert dict(node_details(model, model.find("u")[0]))["detached from"] == "y"


def test_inspector_rows_read_the_live_gradient():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    model = build_graph(y, {"x": x, "y": y})
    rows = dict(node_details(model, model.find("x")[0]))
    assert rows["shape"] == "()" and rows["dtype"] == "torch.float32" and rows["value"] == "2."
    assert rows["requires_grad"] == "True" and rows["is_leaf"] == "True" and rows[".grad"] == "None"
    pow_rows = dict(node_details(model, model.find("PowBackward0")[0]))
    assert pow_rows["saved tensors"] == "self: () = 2."
    y.backward()
    assert dict(node_details(model, model.find("x")[0]))[".grad"] == "7."
    assert dict(node_details(model, model.find("PowBackward0")[0]))["saved tensors"].startswith("freed")


def test_each_backward_record_maps_to_the_edges_its_gradients_travel():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    model = build_graph(y, {"x": x, "y": y})
    debugger = BackwardDebugger()
    debugger.start(y)
    for record in iter(debugger.step, None):
        for slot, (nxt, _) in enumerate(record.node.next_functions):
            edge = model.edge_into(record.node, slot)
            if nxt is None:
                assert edge is None
            else:
                assert model.nodes[edge.dst] is model.node_of_fn(record.node)


def mlp_graph(hidden=(8, 8)):
    torch.manual_seed(0)
    sizes = (1, *hidden, 1)
    layers = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
    net = nn.Sequential(*layers[:-1])
    loss_fn = nn.MSELoss()
    with ModuleCallRecorder({"net": net, "loss_fn": loss_fn}) as recorder:
        loss = loss_fn(net(torch.randn(4, 1)), torch.randn(4, 1))
    return build_graph(loss, dict(net.named_parameters()) | {"loss": loss}, recorder)


def test_ops_made_inside_a_module_collapse_into_its_box():
    model = mlp_graph()
    assert {"net", "0", "1", "2", "3", "4", "loss_fn"} <= {c.path for c in model.calls.values()}
    assert sorted(n.module for n in model.find("AddmmBackward0")) == ["0", "2", "4"]
    assert model.find("0.weight")[0].module == "0"
    view = model.view({"0", "2", "4"})
    boxes = sorted(n.label for n in view.nodes.values() if n.kind == MODULE)
    assert boxes == ["0: Linear", "2: Linear", "4: Linear"]
    assert "0.weight" not in {n.label for n in view.nodes.values()}
    box_edges = {(view.nodes[e.src].label, view.nodes[e.dst].label) for e in view.edges}
    assert ("0: Linear", "TanhBackward0") in box_edges and ("TanhBackward0", "2: Linear") in box_edges
    # frames around one node (Tanh, MSELoss) would only add clutter: net holds 3 boxes, 2 Tanh
    assert {key: len(view.members(key)) for key in view.frames} == {"net": 5}


def test_the_recorder_sees_only_its_own_thread_and_leaves_no_hooks_behind():
    import threading
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    with ModuleCallRecorder({"net": net}) as recorder:
        other = threading.Thread(target=lambda: net(torch.randn(3, 2)))
        other.start()
        other.join()
        net(torch.randn(3, 2))
    assert [c.key for c in recorder.calls] == ["net", "0", "1"]
    assert not nn._global_forward_hooks and not nn._global_forward_pre_hooks


def test_big_graphs_start_with_their_innermost_modules_collapsed():
    model = mlp_graph(hidden=(8,) * 12)
    assert len(model.nodes) > 60
    collapsed = model.default_collapsed(max_nodes=60)
    assert "net" not in collapsed and "0" in collapsed
    assert len(model.view(collapsed).nodes) <= 60
    small = mlp_graph(hidden=(4,))
    assert small.default_collapsed(max_nodes=60) == set()


def test_a_deep_chain_builds_without_recursion():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    model = build_graph(y)
    assert len(model.nodes) == 20_000 + 3   # the muls, AccumulateGrad, x and the root


def test_a_huge_graph_keeps_the_operators_nearest_the_root():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    started = time.perf_counter()
    model = build_graph(y, {"x": x, "y": y}, max_operators=300)
    assert time.perf_counter() - started < 1.0
    assert len([n for n in model.nodes.values() if n.kind == OPERATOR]) == 300
    assert model.hidden == 100_001 - 300 and model.find("y")[0].role == OUTPUT
    assert model.find("x") == []    # its AccumulateGrad is 100,000 operators away


def layered_edges_go_down(layout, edges):
    return all(layout.positions[s][1] < layout.positions[d][1] for s, d in edges)


def test_three_hundred_node_graph_lays_out_in_well_under_a_second_with_every_edge_downward():
    model = mlp_graph(hidden=(8,) * 42)
    view = model.view()
    assert len(view.nodes) >= 300
    sizes = {key: (40.0 + 7 * len(n.label), 32.0) for key, n in view.nodes.items()}
    edges = [(e.src, e.dst) for e in view.edges]
    started = time.perf_counter()
    layout = layered_layout(sizes, edges)
    assert time.perf_counter() - started < 1.0
    assert layered_edges_go_down(layout, edges)
    started = time.perf_counter()
    nested, _ = nested_layout(sizes, edges, view.cluster_of, view.frame_parent)   # with module frames
    assert time.perf_counter() - started < 1.0
    assert layered_edges_go_down(nested, edges)
    rects = sorted(layout.rect(k) for k in sizes)
    for (x0, y0, w0, h0), (x1, y1, w1, h1) in zip(rects, rects[1:]):
        assert not (x1 < x0 + w0 and y0 < y1 + h1 and y1 < y0 + h0), "nodes overlap"


def test_layout_of_a_tree_has_no_crossings_and_reuses_layers():
    sizes = {k: (60.0, 30.0) for k in "abcdefg"}
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("b", "e"), ("c", "f"), ("c", "g")]
    layout = layered_layout(sizes, edges)
    assert crossings(layout, edges) == 0
    assert len({round(y) for _, y in layout.positions.values()}) == 3
    assert layered_edges_go_down(layout, edges)


@pytest.mark.parametrize("extra", [[], [("x", "y")]])
def test_disconnected_pieces_and_lone_nodes_are_placed_side_by_side(extra):
    sizes = {"a": (50.0, 30.0), "b": (50.0, 30.0), "x": (50.0, 30.0), "y": (50.0, 30.0)}
    layout = layered_layout(sizes, [("a", "b")] + extra)
    assert set(layout.positions) == set(sizes)
    rects = [layout.rect(k) for k in sizes]
    for i, (x0, y0, w0, h0) in enumerate(rects):
        for x1, y1, w1, h1 in rects[i + 1:]:
            assert not (x1 < x0 + w0 and x0 < x1 + w1 and y1 < y0 + h0 and y0 < y1 + h1)


def test_nested_layout_keeps_each_module_frame_around_its_own_nodes_only():
    model = mlp_graph(hidden=(8, 8))
    view = model.view()
    assert set(view.frames) == {"net", "0", "2", "4"}
    sizes = {key: (40.0 + 7 * len(n.label), 32.0) for key, n in view.nodes.items()}
    edges = [(e.src, e.dst) for e in view.edges]
    layout, frames = nested_layout(sizes, edges, view.cluster_of, view.frame_parent)
    assert layered_edges_go_down(layout, edges)

    def inside(rect, frame):
        x, y, w, h = rect
        return frame.x <= x and frame.y <= y and x + w <= frame.x + frame.w and y + h <= frame.y + frame.h

    def overlaps(rect, frame):
        x, y, w, h = rect
        return x < frame.x + frame.w and frame.x < x + w and y < frame.y + frame.h and frame.y < y + h

    for key, frame in frames.items():
        members = set(view.members(key))
        for node in view.nodes:
            if node in members:
                assert inside(layout.rect(node), frame), (key, view.nodes[node].label)
            else:
                assert not overlaps(layout.rect(node), frame), (key, view.nodes[node].label)
    siblings = [frames[k] for k in ("0", "2", "4")]
    for i, a in enumerate(siblings):
        for b in siblings[i + 1:]:
            assert not overlaps((a.x, a.y, a.w, a.h), b)


def test_graph_debugger_and_scratchpad_modules_import_no_qt():
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys\n"
            "import engine.session.graph_build, engine.session.graph_layout, engine.session.graph_inspect\n"
            "import engine.session.debugger, engine.session.scratchpad\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt', 'pyqtgraph'))))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
