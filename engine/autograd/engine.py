"""The backward engine: one generator, `backward_steps`, that executes a graph's nodes in
PyTorch's order and yields a record per node. `backward()` and `grad()` drain it; the
debugger consumes it one record at a time — so what the debugger shows is what backward does.

Order, as in PyTorch: a node runs once every gradient it will receive has arrived (its
dependency count reaches zero); among ready nodes the most recently created forward op
(highest sequence number) runs first, and AccumulateGrad runs as soon as it is ready.
The walk is iterative: a chain of 100,000 ops needs no recursion.
"""
from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

import numpy as np

from engine.autograd.graph import TENSOR_TYPE_NAMES, AccumulateGrad, Node, accumulate_node
from engine.autograd.grad_mode import state as _grad_state
from engine.tensor import Tensor, _wrap


@dataclass
class HookCall:
    """One hook that fired: where it was registered, and what it returned (None = kept)."""
    kind: str            # "tensor" (register_hook), "retain_grad", "prehook", "posthook"
    hook: object
    returned: object = None


@dataclass
class BackwardStep:
    """What one executed node did. Gradients are numpy arrays, or Tensors when the backward
    pass itself is being recorded (create_graph=True)."""
    index: int                       # 0-based position in execution order
    node: Node
    name: str                        # e.g. "MulBackward0", "AccumulateGrad"
    grad_in: object                  # the gradient this node received (after hooks)
    grads_out: tuple                 # the gradient sent along each of node.next_functions (None = nothing)
    accumulated: list = field(default_factory=list)   # (leaf, grad_before, grad_after) for AccumulateGrad
    hooks: list = field(default_factory=list)         # HookCall, in firing order
    retained: list = field(default_factory=list)      # non-leaf tensors whose .grad was kept (retain_grad)
    released: bool = False           # saved tensors freed after this node ran (retain_graph=False)
    captured: bool = False           # gradient captured for autograd.grad instead of accumulated


_MATH: tuple = ()


def _math(create_graph: bool):
    """The backward math (numpy arrays, or recorded Tensor ops), imported on first use: the ops
    package needs Tensor, which needs this module."""
    global _MATH
    if not _MATH:
        from engine.ops.backward_math import ARRAYS, TENSORS
        _MATH = (ARRAYS, TENSORS)
    return _MATH[create_graph]


def _as_tensor(g):
    return g if isinstance(g, Tensor) else _wrap(np.asarray(g))


def _unwrap(g, create_graph: bool):
    if create_graph:
        return g
    return g._data if isinstance(g, Tensor) else g


def _add(a, b):
    return b if a is None else a + b


def _run_tensor_hooks(hooks, grad, create_graph, calls, kind="tensor"):
    for fn in list(hooks.values()):
        returned = fn(_as_tensor(grad))
        calls.append(HookCall(kind, fn, returned))
        if returned is not None:
            _check_hook_result(fn, grad, returned)
            grad = _unwrap(returned, create_graph)
    return grad


def _check_hook_result(fn, grad, returned) -> None:
    """A hook may replace a gradient only by one of the same type and size (PyTorch's checks)."""
    name = getattr(fn, "__name__", "<unknown>")
    if not isinstance(returned, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(returned).__name__}'")
    grad = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
    before, after = grad.dtype, returned._data.dtype
    if before != after:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"torch.{TENSOR_TYPE_NAMES.get(before.name, 'Tensor')} got "
                           f"torch.{TENSOR_TYPE_NAMES.get(after.name, 'Tensor')})")
    if grad.shape != returned._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _accumulate(leaf, grad, create_graph: bool):
    """Add `grad` into leaf.grad: in place when possible (the .grad tensor keeps its identity,
    as in PyTorch), out of place when the backward pass is being recorded."""
    current = leaf._grad
    if create_graph:
        g = _as_tensor(grad)
        if current is None:
            from engine.ops.inplace import copy_of
            leaf._grad = copy_of(g)  # a copy recorded as CopyBackwards, never the gradient itself
        else:
            leaf._grad = current + g
        return
    if current is None:
        dtype = leaf._data.dtype
        leaf._grad = _wrap(grad.copy() if type(grad) is np.ndarray and grad.dtype == dtype
                           else np.array(grad, dtype=dtype))
    else:
        data = current._data
        data += grad
        current._vc[0] += 1


def reachable_nodes(start) -> list:
    """Every node reachable backward from the nodes `start`, in discovery order (iteratively:
    no recursion limit), each input visited in next_functions order."""
    seen, order, stack = set(), [], list(reversed(start))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(nxt for nxt, _ in reversed(node.next_functions) if nxt is not None and nxt not in seen)
    return order


def _needed_nodes(roots, targets) -> set:
    """Nodes from which some target node is reachable (only these run when inputs= is given)."""
    needed = set(targets)
    order = reachable_nodes(roots)  # a node is needed if any of its inputs is
    changed = True
    while changed:  # graphs are DAGs; iterate in reverse discovery order until stable
        changed = False
        for n in reversed(order):
            if n not in needed and any(nxt in needed for nxt, _ in n.next_functions if nxt is not None):
                needed.add(n)
                changed = True
    return needed


def backward_steps(roots, grad_roots, retain_graph: bool = False, create_graph: bool = False,
                   inputs=None, accumulate: bool = True, captured: dict | None = None,
                   record: bool = True, check_finite: bool = False):
    """Run backward from `roots` (tensors) seeded with `grad_roots`, one node per `next()`.

    inputs: only these tensors receive gradients (others' nodes are skipped entirely).
    accumulate: False for autograd.grad — gradients of `inputs` go into `captured`
        (a dict tensor-id -> gradient) instead of `.grad`.
    record: False yields just the node (what backward() uses: no record objects built).
    check_finite: raise FloatingPointError naming the node that produced a NaN/Inf gradient.
    """
    # -- seed the root nodes' buffers
    buffers: dict = {}
    for t, g in zip(roots, grad_roots):
        node = t._fn if t._fn is not None else accumulate_node(t)
        buffers[node] = _add(buffers.get(node), g)
    root_nodes = list(buffers)

    targets = None
    input_nodes = None
    if inputs is not None:
        input_nodes = {}
        for t in inputs:
            n = t._fn if t._fn is not None else accumulate_node(t)
            input_nodes.setdefault(n, []).append(t)
        targets = _needed_nodes(root_nodes, input_nodes)

    # -- count how many gradients each node will receive (iteratively: no recursion limit)
    deps: dict = {}
    stack = [n for n in root_nodes if targets is None or n in targets]
    seen = set(stack)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is None or (targets is not None and nxt not in targets):
                continue
            if nxt in deps:
                deps[nxt] += 1
            else:
                deps[nxt] = 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)

    order = itertools.count()
    ready = [(-n._seq, next(order), n) for n in root_nodes if n not in deps]
    heapq.heapify(ready)
    if not record and targets is None and accumulate and not create_graph and not check_finite:
        return _plain_steps(ready, order, buffers, deps, retain_graph)
    return _steps(ready, order, buffers, deps, targets, _math(create_graph), retain_graph=retain_graph,
                  create_graph=create_graph, inputs=input_nodes, accumulate=accumulate, captured=captured,
                  record=record, check_finite=check_finite)


def _send(node, grads_out, buffers: dict, deps: dict, ready: list, order, targets=None) -> None:
    """The one place where a node's output gradients are handed on: each is added into the buffer
    of the node it flows to (buffers: node -> gradient so far), and a node whose last awaited
    gradient arrived (deps: node -> gradients still awaited) joins the `ready` heap of
    (-sequence number, tiebreak from `order`, node). `targets`: only these nodes run (inputs=)."""
    for (nxt, _), g in zip(node.next_functions, grads_out):
        if nxt is None or g is None or (targets is not None and nxt not in targets):
            continue
        if nxt in buffers:
            buffers[nxt] = buffers[nxt] + g
        else:
            buffers[nxt] = g
        left = deps[nxt] - 1
        deps[nxt] = left
        if not left:
            heapq.heappush(ready, (-nxt._seq, next(order), nxt))


def _steps(ready: list, order, buffers: dict, deps: dict, targets, F, *, retain_graph: bool, create_graph: bool,
           inputs: dict | None, accumulate: bool, captured: dict | None, record: bool, check_finite: bool):
    """The loop of `backward_steps` in general (records, inputs=, create_graph, autograd.grad).
    `inputs` maps a node to the tensors of `inputs=` it produced (or accumulates)."""
    state = _grad_state
    outer_mode = state.enabled
    switch_mode = create_graph != outer_mode
    pop = heapq.heappop
    index = 0
    try:
        while ready:
            node = pop(ready)[2]
            grad = buffers.pop(node)
            if targets is not None and node not in targets:
                continue
            is_acc = type(node) is AccumulateGrad
            calls = [] if record else None
            retained = ()
            if node._hooked or (is_acc and node.variable._hooks):
                state.enabled = create_graph  # hooks run in the backward's grad mode, as in PyTorch
                grad, retained = _before_node(node, is_acc, grad, create_graph, calls)
                state.enabled = outer_mode

            owners = inputs.get(node) if inputs is not None else None
            was_captured = False
            if owners is not None and not accumulate:
                for t in owners:
                    captured[id(t)] = _add(captured.get(id(t)), grad)
                was_captured = True

            # run the node
            acc = ()
            released = False
            if is_acc:
                grads_out = ()
                if accumulate:
                    leaf = node.variable
                    if record:
                        before = None if leaf._grad is None else np.array(leaf._grad._data, copy=True)
                    _accumulate(leaf, grad, create_graph)
                    if record:
                        acc = [(leaf, before, np.array(leaf._grad._data, copy=True))]
            else:
                if owners is not None and accumulate:  # backward(inputs=[non_leaf])
                    for t in owners:
                        _store_grad(t, grad, create_graph)
                saved = node._saved
                # unpack raises if the buffers were freed or a saved tensor changed in place
                values = node.unpack(create_graph) if saved is None or saved else saved
                if switch_mode:
                    state.enabled = create_graph
                    try:
                        grads_out = node.apply(grad, F, values)
                    finally:
                        state.enabled = outer_mode
                else:
                    grads_out = node.apply(grad, F, values)
                if check_finite:
                    _check_finite(node, grads_out)
                if node._post_hooks:
                    state.enabled = create_graph
                    grads_out = _post_hooks(node, grad, grads_out, create_graph, calls)
                    state.enabled = outer_mode
                if saved and not retain_graph:
                    node._saved = None
                    released = True
                _send(node, grads_out, buffers, deps, ready, order, targets)

            if record:
                yield BackwardStep(index, node, type(node).__name__, grad, tuple(grads_out), list(acc), calls,
                                   list(retained), released, was_captured)
            else:
                yield node
            index += 1
    finally:
        state.enabled = outer_mode


def _plain_steps(ready: list, order, buffers: dict, deps: dict, retain_graph: bool):
    """The loop of `backward_steps` for the common `loss.backward()`: every node reachable, numpy
    gradients, no records. The same order and checks as the general loop (`_steps`), without the
    branches for records, inputs= and create_graph that cost every node of every training step."""
    state = _grad_state
    outer_mode = state.enabled
    F = _math(False)
    pop, send = heapq.heappop, _send
    try:
        while ready:
            node = pop(ready)[2]
            grad = buffers.pop(node)
            if type(node) is AccumulateGrad:
                leaf = node.variable
                if node._hooked or leaf._hooks:
                    state.enabled = False
                    grad = _before_node(node, True, grad, False, None)[0]
                    state.enabled = outer_mode
                _accumulate(leaf, grad, False)
                yield node
                continue
            if node._hooked:
                state.enabled = False
                grad = _before_node(node, False, grad, False, None)[0]
                state.enabled = outer_mode
            saved = node._saved
            # unpack raises if the buffers were freed or a saved tensor changed in place
            values = node.unpack(False) if saved is None or saved else saved
            if outer_mode:
                state.enabled = False
                try:
                    grads_out = node.apply(grad, F, values)
                finally:
                    state.enabled = True
            else:
                grads_out = node.apply(grad, F, values)
            if node._post_hooks:
                state.enabled = False
                grads_out = _post_hooks(node, grad, grads_out, False, None)
                state.enabled = outer_mode
            if saved and not retain_graph:
                node._saved = None
            send(node, grads_out, buffers, deps, ready, order)
            yield node
    finally:
        state.enabled = outer_mode


def _before_node(node, is_acc: bool, grad, create_graph: bool, calls):
    """Hooks on the tensor the node produced (or the leaf), retain_grad, then node pre-hooks."""
    calls = calls if calls is not None else []
    retained = []
    tensor_hooks = node.variable._hooks if is_acc else node._tensor_pre_hooks
    if tensor_hooks:
        grad = _run_tensor_hooks(tensor_hooks, grad, create_graph, calls)
    if node._retained is not None:
        t = node._retained()
        if t is not None and t._fn is node:
            _store_grad(t, grad, create_graph)
            retained.append(t)
            calls.append(HookCall("retain_grad", t))
    if node._pre_hooks:
        for fn in list(node._pre_hooks.values()):
            returned = fn((_as_tensor(grad),))
            calls.append(HookCall("prehook", fn, returned))
            if returned is not None:
                grad = _unwrap(returned[0], create_graph)
    return grad, retained


def _post_hooks(node, grad, grads_out, create_graph: bool, calls):
    calls = calls if calls is not None else []
    for fn in list(node._post_hooks.values()):
        returned = fn(tuple(None if g is None else _as_tensor(g) for g in grads_out), (_as_tensor(grad),))
        calls.append(HookCall("posthook", fn, returned))
        if returned is not None:
            grads_out = tuple(None if g is None else _unwrap(g, create_graph) for g in returned)
    return grads_out


def _store_grad(t, grad, create_graph: bool) -> None:
    """Keep a non-leaf's gradient in its .grad (retain_grad, or backward(inputs=[t]))."""
    g = _as_tensor(grad) if create_graph else _wrap(np.array(grad, copy=True))
    t._grad = g if t._grad is None else t._grad + g


def _check_finite(node, grads) -> None:
    for g in grads:
        if g is None:
            continue
        data = g._data if hasattr(g, "_data") else g
        if not np.all(np.isfinite(data)):
            raise FloatingPointError(f"Function '{node.name()}' returned nan or inf values in its gradient")
