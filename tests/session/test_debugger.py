"""The backward debugger: a walk to the end leaves what backward() leaves, records come in
dependency order, breakpoints stop where they should, and errors carry PyTorch's message."""
import numpy as np
import pytest

import engine as torch
from engine import nn
from engine.autograd.graph import SECOND_BACKWARD_MESSAGE, AccumulateGrad
from engine.session.debugger import BackwardDebugger, DebuggerError
from engine.session.debugger_text import record_rows


# -- each case builds a fresh graph from fixed values: (root, {name: tensor whose .grad to compare})
def polynomial():
    x = torch.tensor(2.0, requires_grad=True)
    return x ** 2 + 3 * x + 1, {"x": x}


def broadcast_mse():
    torch.manual_seed(0)
    w = torch.randn(3, requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    x = torch.randn(5, 3)
    target = torch.randn(5, 1)
    prediction = (x * w).sum(dim=1, keepdim=True) + b      # (5, 1), broadcasting w over rows
    return ((prediction - target.expand(5, 3)) ** 2).mean(), {"w": w, "b": b}


def mlp():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    return nn.MSELoss()(model(x), y), dict(model.named_parameters())


def retained():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    return (y ** 2).sum(), {"x": x, "y": y}


def hook_replaces_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: g + 1)
    return (y * y).sum(), {"x": x}


def detached_branch():
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    y = x * x
    return (y.detach() * x + y).sum(), {"x": x}


CASES = [polynomial, broadcast_mse, mlp, retained, hook_replaces_gradient, detached_branch]


def grads(tensors: dict) -> dict:
    return {name: None if t._grad is None else t._grad.numpy().copy() for name, t in tensors.items()}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_walk_to_the_end_leaves_the_same_gradients_as_backward(case):
    root, tensors = case()
    root.backward()
    expected = grads(tensors)

    root, tensors = case()
    debugger = BackwardDebugger()
    assert debugger.start(root)
    while debugger.step() is not None:
        pass
    assert debugger.finished and debugger.error is None and debugger.pending == []
    got = grads(tensors)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def test_polynomial_walk_ends_with_seven_on_x():
    root, tensors = polynomial()
    debugger = BackwardDebugger()
    debugger.start(root)
    first = debugger.step()
    assert first.name == "AddBackward0" and first.grad_in == 1.0
    assert tensors["x"].grad is None  # nothing accumulated before AccumulateGrad runs
    last = debugger.continue_()
    assert debugger.execution_order == ["AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0",
                                        "AccumulateGrad"]
    (leaf, before, after), = last.accumulated
    assert leaf is tensors["x"] and before is None and after == 7.0
    assert tensors["x"].grad.item() == 7.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_each_node_runs_after_every_node_that_sends_it_a_gradient(case):
    root, _ = case()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.continue_()
    position = {r.node: r.index for r in debugger.records}
    assert len(position) == len(debugger.records) == len(debugger.graph_nodes)
    for record in debugger.records:
        for nxt, _ in record.node.next_functions:
            if nxt is not None:
                assert position[nxt] > record.index, f"{nxt.name()} ran before {record.name}"


def test_records_show_hooks_and_their_replacement_gradients():
    root, tensors = hook_replaces_gradient()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.continue_()
    fired = [(r.name, call.kind, None if call.returned is None else call.returned.tolist())
             for r in debugger.records for call in r.hooks]
    # d(sum y²)/dy = 2y = [6, 12], ×10 by y's hook; d/dx = ×3, then +1 by x's hook
    assert fired == [("MulBackward0", "tensor", [60.0, 120.0]), ("AccumulateGrad", "tensor", [181.0, 361.0])]
    assert tensors["x"].grad.tolist() == [181.0, 361.0]


def test_retained_gradient_is_reported_on_the_node_that_keeps_it():
    root, tensors = retained()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.continue_()
    kept = [(r.name, t) for r in debugger.records for t in r.retained]
    assert kept == [("MulBackward0", tensors["y"])]
    assert tensors["y"].grad.tolist() == [4.0, -8.0, 12.0]


def test_nan_breakpoint_stops_at_the_node_that_produced_the_nan():
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    root = (torch.sqrt(x) * 2).sum()   # d sqrt(x)/dx = 1/(2·sqrt(x)) is inf at 0
    debugger = BackwardDebugger()
    debugger.breakpoints.nan_inf = True
    debugger.start(root)
    stopped = debugger.run_to_breakpoint()
    assert stopped.name == "SqrtBackward0"
    assert "SqrtBackward0 produced a non-finite gradient" in debugger.stop_reason
    assert [r.name for r in debugger.records] == ["SumBackward0", "MulBackward0", "SqrtBackward0"]
    assert not debugger.finished and [type(n).__name__ for n in debugger.pending] == ["AccumulateGrad"]


def test_breakpoints_on_a_node_type_and_on_a_named_tensor():
    root, tensors = polynomial()
    debugger = BackwardDebugger()
    debugger.breakpoints.node_types = {"PowBackward0"}
    debugger.breakpoints.tensors = {"x": tensors["x"]}
    debugger.start(root)
    assert debugger.run_to_breakpoint().name == "PowBackward0"
    assert debugger.stop_reason == "breakpoint on node type PowBackward0"
    assert isinstance(debugger.run_to_breakpoint().node, AccumulateGrad)
    assert debugger.stop_reason == "breakpoint on tensor 'x'"
    assert debugger.run_to_breakpoint() is debugger.current and debugger.finished


def test_second_walk_without_retain_graph_fails_with_pytorchs_message():
    root, tensors = polynomial()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.continue_()
    assert debugger.start(root)            # a second backward on the same graph ...
    debugger.continue_()
    assert debugger.error == SECOND_BACKWARD_MESSAGE
    assert isinstance(debugger.exception, RuntimeError)
    assert debugger.explanation.startswith("Buffers freed by the previous backward: PowBackward0")
    with pytest.raises(RuntimeError) as raised:   # ... as backward() itself says it
        root.backward()
    assert str(raised.value) == debugger.error


def test_restart_needs_a_retained_graph_and_rewinds_the_gradients():
    root, tensors = polynomial()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.continue_()
    assert not debugger.can_restart
    with pytest.raises(DebuggerError, match="retain_graph=True"):
        debugger.restart()

    root, tensors = polynomial()
    debugger.start(root, retain_graph=True)
    debugger.step(), debugger.step()
    debugger.restart()
    assert debugger.records == [] and tensors["x"].grad is None
    debugger.continue_()
    debugger.restart()
    debugger.continue_()
    assert tensors["x"].grad.item() == 7.0   # rewound, not accumulated twice


def test_start_refuses_what_backward_refuses():
    debugger = BackwardDebugger()
    x = torch.ones(3, requires_grad=True)
    assert not debugger.start(x * 2)
    assert debugger.error == "grad can be implicitly created only for scalar outputs"
    assert debugger.start(x * 2, gradient=torch.ones(3))
    debugger.continue_()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_record_rows_say_what_a_node_received_sent_kept_and_freed():
    root, tensors = retained()
    debugger = BackwardDebugger()
    debugger.start(root)
    debugger.step(), debugger.step()
    mul = debugger.step()                              # y = x * 2, which retains its gradient
    rows = {title: (value, dict(children)) for title, value, children in record_rows(mul, lambda t: "y", False)}
    assert rows["gradient received"][0] == "[4., -8., 12.]"
    assert rows["gradients sent"][1] == {"input 0 → AccumulateGrad (y)": "[8., -16., 24.]",
                                         "input 1: constant": "no gradient (needs none)"}
    assert rows["non-leaf gradient"][0] == "kept in .grad of y (retain_grad())"
    assert rows["saved tensors"][0] == "freed after this node ran (retain_graph=False)"
    leaf = debugger.step()
    (title, value, _), = [r for r in record_rows(leaf, lambda t: "x", False) if r[0].endswith(".grad")]
    assert (title, value) == ("x.grad", "None  →  [8., -16., 24.]")
