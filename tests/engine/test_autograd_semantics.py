"""PyTorch's autograd semantics, observably: each program here runs once with T = engine and
once with T = torch, and must observe the same values, reprs, flags, node names, exceptions
(type and message, word for word) and warnings.
"""

from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.engine.helpers import compare_behaviour

# ---------------------------------------------------------------------------------------
# requires_grad, is_leaf, grad_fn and next_functions
# ---------------------------------------------------------------------------------------


def requires_grad_propagates(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    c = T.tensor([3.0, 4.0])
    y = x * c
    return [y.requires_grad, y.is_leaf, (c * 2).requires_grad, (c + c).is_leaf, x.is_leaf,
            x.detach().requires_grad, x.detach().is_leaf, y.detach().is_leaf, x.data.requires_grad,
            T.ones(2).requires_grad_().is_leaf, T.ones(2).requires_grad_(), (y.sum() + c.sum()).requires_grad,
            T.ones(2, requires_grad=True).requires_grad, y.grad_fn, x.grad_fn, c.requires_grad]


def requires_grad_flag_can_be_set_on_leaves(T):
    c = T.tensor([3.0, 4.0])
    c.requires_grad = True
    y = (c * 2).sum()
    y.backward()
    return [c, c.grad, y]


def requires_grad_of_non_leaf_cannot_be_cleared(T):
    x = T.ones(2, requires_grad=True)
    (x * 2).requires_grad_(False)


def integer_tensor_cannot_require_grad(T):
    T.tensor([1, 2]).requires_grad_()


def next_functions_of_mul_by_constant(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    fn = (x * 2).grad_fn
    edges = [(None if n is None else type(n).__name__, i) for n, i in fn.next_functions]
    return [fn.name(), edges, fn.next_functions[0][0].variable is x, fn.next_functions[1] == (None, 0)]


def next_functions_of_a_chain(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0])
    y = (x * w + 1).exp().sum()
    names, fn = [], y.grad_fn
    while fn is not None:
        names.append((fn.name(), [None if n is None else type(n).__name__ for n, _ in fn.next_functions]))
        fn = fn.next_functions[0][0]
    return names


def accumulate_grad_node_is_shared_while_alive(T):
    x = T.tensor([1.0], requires_grad=True)
    a, b = x * 2, x * 3
    return [a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]]


def grad_fn_names_of_common_ops(T):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    return [type(t.grad_fn).__name__ for t in (
        x + 1, x - 1, 1 - x, x * 2, x / 2, 2 / x, x ** 2, 2 ** x, -x, x @ x, x.mm(x), x.sum(), x.sum(0),
        x.mean(), x.mean(1), x.exp(), x.log(), x.sqrt(), x.sin(), x.cos(), x.tanh(), x.sigmoid(), x.relu(),
        x.abs(), x.clamp(0, 1), x.max(), x.max(0)[0], x.view(4), x.reshape(4), x.T, x.t(), x[0], x[:, 1],
        x[[0, 1]], x.expand(2, 2, 2), x.unsqueeze(0), x.squeeze(), x.clone(), x.cumsum(0), x.norm(),
        T.cat([x, x]), T.stack([x, x]), x.double(), x[0].dot(x[1]), x.mv(x[0]))]


# ---------------------------------------------------------------------------------------
# accumulation, zeroing, retain_grad, hooks
# ---------------------------------------------------------------------------------------


def gradients_accumulate_until_zeroed(T):
    x = T.ones(2, requires_grad=True)
    seen = []
    for _ in range(3):
        (x * 2).sum().backward()
        seen.append(x.grad.clone())
    g = x.grad
    (x * 2).sum().backward()
    seen.append(x.grad is g)       # accumulation is in place: .grad keeps its identity
    x.grad.zero_()
    seen.append(x.grad.clone())
    (x * 3).sum().backward()
    seen.append(x.grad.clone())
    x.grad = None
    seen.append(x.grad)
    (x * 4).sum().backward()
    seen.append(x.grad.clone())
    x.grad.data.zero_()
    seen.append(x.grad)
    (x * 5).sum().backward()
    seen.append(x.grad)
    return seen


def second_backward_without_saved_tensors_accumulates(T):
    x = T.ones(2, requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    return x.grad


def non_leaf_grad_warns_and_is_none(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    return [y.grad, x.grad]


def retain_grad_keeps_non_leaf_gradient(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    return [y.grad, x.grad, y.retains_grad, x.retains_grad, z.retains_grad]


def retain_grad_on_a_leaf_is_a_no_op(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.retain_grad()
    (x * 2).sum().backward()
    return [x.retains_grad, x.grad]


def hooks_replace_gradients_and_can_be_removed(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []
    handle = y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: seen.append(g.clone()))   # sees the replaced gradient; returns None
    y.sum().backward(retain_graph=True)
    first = x.grad.clone()
    handle.remove()
    x.grad = None
    y.sum().backward()
    return [first, x.grad, seen]


def leaf_hook_changes_what_accumulates(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    (x * x).sum().backward()
    return x.grad


def hook_sees_gradient_before_retain_grad_stores_it(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g + 100)
    y.sum().backward()
    return [y.grad, x.grad]


def hook_returning_another_size(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: T.ones(3))
    y.sum().backward()


def hook_returning_another_dtype(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g.double())
    y.sum().backward()


def hook_returning_a_number(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: 5)
    (x * 3).sum().backward()


def node_hooks_and_prehooks(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    order = []
    y.register_hook(lambda g: order.append(("tensor", g)))
    y.grad_fn.register_prehook(lambda grad_outputs: order.append(("pre", grad_outputs)))
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: order.append(("post", grad_inputs, grad_outputs)))
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1, None))
    x.grad = None
    y.sum().backward()
    return [order, y.grad, x.grad]


def register_hook_on_tensor_without_grad(T):
    T.ones(2).register_hook(lambda g: g)


# ---------------------------------------------------------------------------------------
# detach, .data, in-place changes and version counters
# ---------------------------------------------------------------------------------------


def detach_shares_storage_and_version(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    d = y.detach()
    before = y._version
    d.zero_()
    return [before, y._version, d._version, y, d.requires_grad, d.is_leaf]


def inplace_through_detach_trips_saved_tensor_check(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.detach().zero_()
    y.sum().backward()


def inplace_through_data_bypasses_the_check(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.data.zero_()
    y.sum().backward()
    return [y._version, y, x.grad]


def inplace_change_of_saved_output(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def inplace_change_of_saved_leaf(T):
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * a
    with T.no_grad():
        a.mul_(2)
    y.sum().backward()


def inplace_change_of_saved_input_with_history(T):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    h = x * 2
    y = h.sin()
    h.mul_(3)
    y.sum().backward()


def leaf_inplace_under_grad_mode(T):
    x = T.ones(2, requires_grad=True)
    x.add_(1)


def leaf_inplace_under_no_grad_is_allowed(T):
    x = T.ones(2, requires_grad=True)
    with T.no_grad():
        x.sub_(0.5)
        x.mul_(4)
    return [x, x._version, x.is_leaf]


def inplace_methods_bump_versions(T):
    x = T.zeros(3)
    seen = [x._version]
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.sub_(1), lambda: x.fill_(5),
               lambda: x.copy_(T.ones(3)), lambda: x.zero_()):
        r = op()
        seen.append((x._version, r is x))
    x += 2
    seen.append((x._version, x))
    return seen


def inplace_on_non_leaf_moves_its_history(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(x)
    y.add_(2)
    y.sum().backward()
    return [y, x.grad, y._version, y.grad_fn.next_functions[0][0].name()]


def inplace_ops_record_their_nodes(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    for op in (lambda y: y.zero_(), lambda y: y.fill_(2.0), lambda y: y.copy_(T.ones(2)),
               lambda y: y.copy_(x.sin()), lambda y: y.mul_(x), lambda y: y.add_(2), lambda y: y.sub_(x, alpha=2),
               lambda y: y.div_(4)):
        y = x * 1
        op(y)
        y.sum().backward()
        seen.append([y, [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions], x.grad])
        x.grad = None
    return seen


def copy_into_a_plain_tensor_records_the_source(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    z = T.zeros(2, dtype=T.float64)
    z.copy_(x * 2)
    (z * z).sum().backward()
    return [z, z.is_leaf, x.grad]


def indexed_assignment_records_copy_slices(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = T.zeros(2, 2)
    seen = [y.is_leaf, y.requires_grad, y._version]
    y[0, 0] = x[0] * 3
    seen += [y.is_leaf, y.requires_grad, y.grad_fn, y._version, y,
             [None if n is None else n.name() for n, _ in y.grad_fn.next_functions]]
    y[1, 1] = x[1]
    seen += [y._version, y]
    y.sum().backward()
    seen.append(x.grad)
    return seen


def indexed_assignment_into_leaf_requiring_grad(T):
    x = T.ones(2, requires_grad=True)
    x[0] = 5.0


# ---------------------------------------------------------------------------------------
# backward() and autograd.grad arguments, and their errors
# ---------------------------------------------------------------------------------------


def nonscalar_backward_without_gradient(T):
    x = T.ones(3, requires_grad=True)
    (x * 2).backward()


def nonscalar_grad_without_grad_outputs(T):
    x = T.ones(3, requires_grad=True)
    T.autograd.grad(x * 2, x)


def second_backward_through_freed_graph(T):
    x = T.tensor(3.0, requires_grad=True)
    y = x ** 2
    y.backward()
    y.backward()


def second_grad_through_freed_graph(T):
    x = T.tensor(3.0, requires_grad=True)
    y = x.exp()
    T.autograd.grad(y, x)
    T.autograd.grad(y, x)


def backward_of_tensor_not_requiring_grad(T):
    T.ones(2).sum().backward()


def backward_with_gradient_of_wrong_shape(T):
    x = T.ones(3, requires_grad=True)
    (x * 2).backward(T.ones(2))


def grad_of_unused_input(T):
    x, z = T.ones(2, requires_grad=True), T.ones(2, requires_grad=True)
    T.autograd.grad((x * 2).sum(), [x, z])


def grad_of_unused_input_allowed(T):
    x, z = T.ones(2, requires_grad=True), T.ones(2, requires_grad=True)
    return T.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)


def grad_of_input_not_requiring_grad(T):
    x, c = T.ones(2, requires_grad=True), T.ones(2)
    T.autograd.grad((x * c).sum(), [c])


def backward_with_gradient_argument(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(T.tensor([0.1, 1.0, 10.0]))
    return x.grad


def backward_with_inputs(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    y.backward(inputs=[x], retain_graph=True)
    seen = [x.grad, w.grad]
    y.backward(inputs=w)
    return seen + [x.grad, w.grad]


def backward_with_non_leaf_input(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    (h * h).sum().backward(inputs=[h])
    return [h.grad, x.grad]


def backward_with_empty_inputs(T):
    x = T.ones(2, requires_grad=True)
    (x * 2).sum().backward(inputs=[])


def grad_with_grad_outputs_and_retain_graph(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x ** 2
    (g1,) = T.autograd.grad(y, x, grad_outputs=T.tensor([1.0, 10.0]), retain_graph=True)
    (g2,) = T.autograd.grad([y], [x], grad_outputs=[T.ones(2)])
    return [g1, g2, x.grad, g1.requires_grad]


def grad_with_several_outputs_and_inputs(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor(3.0, requires_grad=True)
    a, b = (x * w).sum(), (x ** 2).sum()
    return T.autograd.grad([a, b], [x, w])


def grad_with_create_graph_gives_differentiable_gradients(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (g,) = T.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (h,) = T.autograd.grad(g.sum(), x)
    return [g, h, g.requires_grad, g.is_leaf]


def retain_graph_defaults_to_create_graph(T):
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    first = x.grad
    y.backward()   # allowed: create_graph=True retained the graph
    return [first, x.grad]


def third_backward_after_default_release(T):
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    y.backward(create_graph=True)
    y.backward()
    y.backward()


def second_derivative_of_cube(T):
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 3
    (g,) = T.autograd.grad(y, x, create_graph=True)
    (h,) = T.autograd.grad(g, x, create_graph=True)
    (k,) = T.autograd.grad(h, x)
    return [y, g, h, k]


def backward_of_backward_accumulates_second_derivative(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    g = x.grad.clone()
    x.grad.sum().backward()  # accumulates 6x on top of 3x^2
    return [g, x.grad.detach()]


def autograd_backward_function(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * 3
    T.autograd.backward([a, b], [T.ones(2), T.tensor([1.0, -1.0])])
    return x.grad


def backward_through_python_control_flow(T):
    a = T.tensor([0.5, -1.5], requires_grad=True)
    b = a * 2
    steps = 0
    while b.norm() < 100:
        b = b * 2
        steps += 1
    c = b if b.sum() > 0 else 100 * b
    c.sum().backward()
    return [steps, c, a.grad]


# ---------------------------------------------------------------------------------------
# grad modes
# ---------------------------------------------------------------------------------------


def grad_modes(T):
    x = T.ones(2, requires_grad=True)
    seen = [T.is_grad_enabled()]
    with T.no_grad():
        y = x * 2
        seen += [T.is_grad_enabled(), y.requires_grad, y.is_leaf, y.grad_fn]
        with T.enable_grad():
            seen += [(x * 2).requires_grad, T.is_grad_enabled()]
    seen.append(T.is_grad_enabled())
    with T.set_grad_enabled(False):
        seen.append((x * 2).requires_grad)
    seen.append((x * 2).requires_grad)
    T.set_grad_enabled(False)
    seen += [T.is_grad_enabled(), (x * 2).requires_grad]
    T.set_grad_enabled(True)
    seen.append((x * 2).requires_grad)
    return seen


def grad_modes_as_decorators(T):
    x = T.ones(2, requires_grad=True)

    @T.no_grad()
    def doubled(t):
        return t * 2

    @T.no_grad
    def tripled(t):
        return t * 3

    @T.set_grad_enabled(False)
    def halved(t):
        return t / 2

    @T.enable_grad()
    def squared(t):
        return t * t

    seen = [doubled(x).requires_grad, tripled(x).requires_grad, halved(x).requires_grad,
            T.is_grad_enabled(), doubled.__name__]
    with T.no_grad():
        seen.append(squared(x).requires_grad)
    return seen


def no_grad_restores_mode_after_an_exception(T):
    try:
        with T.no_grad():
            raise KeyError("boom")
    except KeyError:
        pass
    return T.is_grad_enabled()


# ---------------------------------------------------------------------------------------
# repr and dtypes
# ---------------------------------------------------------------------------------------


def reprs(T):
    x = T.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    y.backward()
    z = T.arange(4.0, requires_grad=True)
    with T.no_grad():
        w = z * 2
    return [T.tensor([7.0]), x.grad, y, T.tensor(28.0, requires_grad=True) * 1, z, 2 * z.dot(z), w,
            T.tensor([1.0, 2.0], dtype=T.float64), T.tensor([1.5], dtype=T.float64, requires_grad=True),
            T.tensor([1, 2, 3]), T.tensor([[1, 2], [3, 4]]), T.arange(4) > 1, T.tensor([1.0, 2.0]) == 2,
            T.tensor(True), T.zeros(2, 3), T.ones(2, dtype=T.int32), T.tensor([1e-8, 1.0]),
            T.tensor([1e10, 1.0]), T.tensor([0.1, 0.25]), T.Tensor([2]), T.tensor([]), T.tensor(3),
            T.tensor([-0.0, 1.5]), T.tensor([float("inf"), float("nan"), 1.0]), T.tensor([[1.123456, -2.0]]),
            T.ones(2, 2).sum(0), x.detach(), x.data, T.tensor([1.0]).float(), T.zeros(2).shape, T.ones(2, 3).size()]


def dtype_promotion(T):
    i = T.tensor([1, 2])
    f = T.tensor([1.0, 2.0])
    d = T.tensor([1.0, 2.0], dtype=T.float64)
    b = T.tensor([True, False])
    return [t.dtype for t in (i / 2, i * 2, i + 1.5, f * 2.5, f + d, d * 2, f * i, b + b, b + 1, b * 1.5,
                              i ** 2, i ** 0.5, T.sqrt(i), T.exp(i), i.sum(), b.sum(), i.float(), T.arange(4),
                              T.arange(4.0), T.arange(0, 1, 0.5), T.zeros(2), T.tensor(2.5), T.tensor(3),
                              T.tensor([1, 2.0]), i.double(), f.long(), -i, i.abs(), i > 1, T.tensor(2) / 4,
                              T.ones(2, dtype=T.float64) @ T.ones(2, dtype=T.float64))]


def pow_gradients_at_zero_base_and_zero_exponent(T):
    x = T.tensor([0.0, 1.0, 0.0, 2.0], requires_grad=True)
    e = T.tensor([2.0, 0.0, 0.0, -1.0], requires_grad=True)
    (x ** e).backward(-T.ones(4))
    return [x.grad, e.grad]


def tensor_basics(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    i = T.arange(6).view(2, 3)
    return [x.shape, x.size(), x.size(1), x.dim(), x.numel(), x[1, 2].item(), x.tolist(), i.tolist(),
            x.numpy().tolist(), float(x[0, 0]), int(i[1, 1]), len(x), [r for r in x], x.T, x.t().shape,
            x.view(-1), x.reshape(3, 2), i.float(), x.long(), x > 2, (x > 2).all(), (x > 0).all(), (x > 5).any(),
            x == x.clone(), x.eq(2), x.ne(2), x.lt(3), x.le(3), x.gt(3), x.ge(3), x.max(), x.argmax(),
            x.argmax(dim=1), x.min(1), T.zeros_like(x), T.ones_like(i), T.ones(2, 3).mul(x).sum(),
            x.mean(dim=0, keepdim=True), x.sum(dim=1, keepdims=True), x.is_leaf, x.requires_grad, x.dtype,
            i.dtype, x.double().dtype, x.expand(2, 2, 3).shape, x.unsqueeze(0).shape, x[None, :, 1:].shape,
            x.allclose(x + 1e-9), T.cat([x, x], dim=1).shape, T.stack([x, x]).shape, x.clamp(2, 5),
            x.abs(), x.neg(), x.pow(2), T.matmul(x, x.T), x @ x.T, x.mm(x.t()), x.sum(0).dot(x.sum(0))]


def advanced_index_assignment_records_index_put(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = T.zeros(3)
    y[[0, 2]] = x[:2] * 2
    z = T.zeros(3)
    z[T.tensor([True, False, True])] = x[1]
    w = T.zeros(2, 3)
    w[0, [1, 2]] = x[1:]           # an int first: a view, so CopySlices around the index_put
    (y + z + w.sum(0)).sum().backward()
    return [y, z, w, x.grad, [None if n is None else type(n).__name__ for n, _ in y.grad_fn.next_functions]]


def mean_of_integer_tensor(T):
    T.tensor([1, 2]).mean()


def numpy_of_tensor_requiring_grad(T):
    T.ones(2, requires_grad=True).numpy()


def expand_to_fewer_dimensions_names_the_tensor_type(T):
    errors = []
    for dtype in (T.float32, T.float64, T.int64):
        try:
            T.ones(2, 3, dtype=dtype).expand(3)
        except RuntimeError as error:
            errors.append(str(error))
    return errors


BEHAVIOURS = [
    requires_grad_propagates, requires_grad_flag_can_be_set_on_leaves, requires_grad_of_non_leaf_cannot_be_cleared,
    integer_tensor_cannot_require_grad, next_functions_of_mul_by_constant, next_functions_of_a_chain,
    accumulate_grad_node_is_shared_while_alive, grad_fn_names_of_common_ops,
    gradients_accumulate_until_zeroed, second_backward_without_saved_tensors_accumulates,
    non_leaf_grad_warns_and_is_none, retain_grad_keeps_non_leaf_gradient, retain_grad_on_a_leaf_is_a_no_op,
    hooks_replace_gradients_and_can_be_removed, leaf_hook_changes_what_accumulates,
    hook_sees_gradient_before_retain_grad_stores_it, register_hook_on_tensor_without_grad,
    hook_returning_another_size, hook_returning_another_dtype, hook_returning_a_number, node_hooks_and_prehooks,
    detach_shares_storage_and_version, inplace_through_detach_trips_saved_tensor_check,
    inplace_through_data_bypasses_the_check, inplace_change_of_saved_output, inplace_change_of_saved_leaf,
    inplace_change_of_saved_input_with_history, leaf_inplace_under_grad_mode, leaf_inplace_under_no_grad_is_allowed,
    inplace_methods_bump_versions, inplace_on_non_leaf_moves_its_history, inplace_ops_record_their_nodes,
    copy_into_a_plain_tensor_records_the_source, indexed_assignment_records_copy_slices,
    indexed_assignment_into_leaf_requiring_grad,
    nonscalar_backward_without_gradient, nonscalar_grad_without_grad_outputs, second_backward_through_freed_graph,
    second_grad_through_freed_graph, backward_of_tensor_not_requiring_grad, backward_with_gradient_of_wrong_shape,
    grad_of_unused_input, grad_of_unused_input_allowed, grad_of_input_not_requiring_grad,
    backward_with_gradient_argument, backward_with_inputs, backward_with_non_leaf_input, backward_with_empty_inputs,
    grad_with_grad_outputs_and_retain_graph, grad_with_several_outputs_and_inputs,
    grad_with_create_graph_gives_differentiable_gradients, retain_graph_defaults_to_create_graph,
    third_backward_after_default_release, second_derivative_of_cube,
    backward_of_backward_accumulates_second_derivative, autograd_backward_function,
    backward_through_python_control_flow,
    grad_modes, grad_modes_as_decorators, no_grad_restores_mode_after_an_exception,
    reprs, tensor_basics, advanced_index_assignment_records_index_put, dtype_promotion, pow_gradients_at_zero_base_and_zero_exponent, mean_of_integer_tensor, numpy_of_tensor_requiring_grad,
    expand_to_fewer_dimensions_names_the_tensor_type,
]


@pytest.mark.parametrize("program", BEHAVIOURS, ids=lambda p: p.__name__)
def test_behaves_as_torch(program):
    compare_behaviour(program)


# A node frees what it saved when backward passes it: a second backward fails exactly at the
# ops that saved something in PyTorch (x * 2 saves the 2; x + 2, views and cat save nothing).
SECOND_BACKWARD = {
    "x*2": lambda T, x: x * 2, "2*x": lambda T, x: 2 * x, "x/2": lambda T, x: x / 2, "2/x": lambda T, x: 2 / x,
    "x+2": lambda T, x: x + 2, "x-2": lambda T, x: x - 2, "2-x": lambda T, x: 2 - x, "-x": lambda T, x: -x,
    "x*c": lambda T, x: x * T.ones(3), "mul": lambda T, x: x.mul(2), "add_alpha": lambda T, x: x.add(T.ones(3), alpha=2),
    "x**2": lambda T, x: x ** 2, "2**x": lambda T, x: 2 ** x, "mean": lambda T, x: x.mean(), "relu": lambda T, x: x.relu(),
    "exp": lambda T, x: x.exp(), "abs": lambda T, x: x.abs(), "clamp": lambda T, x: x.clamp(0, 1),
    "max": lambda T, x: x.max(), "max_dim": lambda T, x: x.max(0)[0], "cumsum": lambda T, x: x.cumsum(0),
    "norm": lambda T, x: x.norm(), "view": lambda T, x: x.view(3, 1), "expand": lambda T, x: x.expand(2, 3),
    "index": lambda T, x: x[[0, 1]], "select": lambda T, x: x[0], "cat": lambda T, x: T.cat([x, x]),
    "where": lambda T, x: T.where(x > 0, x, 2 * x), "maximum": lambda T, x: T.maximum(x, T.zeros(3)),
    "mm": lambda T, x: x.view(1, 3).mm(T.ones(3, 1)), "dot": lambda T, x: x.dot(T.ones(3)),
    "mse": lambda T, x: T.nn.functional.mse_loss(x, T.zeros(3)), "sigmoid": lambda T, x: x.sigmoid(),
    "linear": lambda T, x: T.nn.functional.linear(x.view(1, 3), T.ones(2, 3), T.ones(2)),
    "double": lambda T, x: x.double(), "clone": lambda T, x: x.clone(), "stack": lambda T, x: T.stack([x, x]),
    "mv": lambda T, x: T.ones(2, 3).mv(x), "matmul": lambda T, x: x @ T.ones(3, 2), "sqrt": lambda T, x: x.sqrt(),
    "index_put": lambda T, x: _put(T, x), "copy_slices": lambda T, x: _assign_row(T, x),
    "copy_slices_fill": lambda T, x: _fill_slice(T, x), "mul_": lambda T, x: x.clone().mul_(2),
    "div_": lambda T, x: x.clone().div_(2), "add_": lambda T, x: x.clone().add_(2),
    "zero_": lambda T, x: x.clone().zero_(), "copy_": lambda T, x: T.zeros(3).copy_(x),
}


def _put(T, x):
    y = T.zeros(4)
    y[[0, 2]] = x[:2]
    return y


def _assign_row(T, x):
    y = T.zeros(2, 3)
    y[1] = x
    return y


def _fill_slice(T, x):
    y = x.clone()
    y[0:2] = 5.0
    return y


@pytest.mark.parametrize("name", sorted(SECOND_BACKWARD))
def test_second_backward_fails_where_torchs_does(name):
    def program(T):
        x = T.tensor([0.5, 1.0, 2.0], requires_grad=True)
        y = SECOND_BACKWARD[name](T, x).sum()
        y.backward()
        y.backward()
        return x.grad
    compare_behaviour(program)


# ---------------------------------------------------------------------------------------
# the backward engine: deep graphs, PyTorch's execution order, backward_steps records
# ---------------------------------------------------------------------------------------


def test_chain_of_100000_ops_backwards_without_recursion():
    x = engine.tensor(1.0, requires_grad=True)
    y = x
    for i in range(100_000):
        y = y * 1.0 if i % 2 else y + 0.0
    y.backward()
    assert x.grad.item() == 1.0
    del y  # freeing the deep chain must not overflow the stack either


def test_deep_chain_backwards_through_autograd_grad_and_create_graph():
    x = engine.tensor(2.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    (g,) = engine.autograd.grad(y * y, x, create_graph=True)
    (h,) = engine.autograd.grad(g, x)
    assert (g.item(), h.item()) == (4.0, 2.0)


def quadratic(T):
    x = T.tensor(2.0, requires_grad=True)
    return x ** 2 + 3 * x + 1, [x]


def diamond(T):
    x = T.tensor([0.5, 1.5], requires_grad=True)
    a = x * 2
    return (a.sin() * a.cos()).sum(), [x]


def linear_regression(T):
    x = T.tensor([[1.0], [2.0], [3.0], [4.0]])
    y = 2 * x + 3
    w = T.tensor([[0.5]], requires_grad=True)
    b = T.tensor([0.1], requires_grad=True)
    y_pred = x.mm(w) + b.expand_as(y)
    return (0.5 * (y_pred - y) ** 2).sum(), [w, b]


def mlp(T):
    F = T.nn.functional
    x = T.tensor([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    w1 = T.tensor([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]], requires_grad=True)
    b1 = T.tensor([0.01, 0.02, 0.03], requires_grad=True)
    w2 = T.tensor([[0.7, -0.8, 0.9]], requires_grad=True)
    b2 = T.tensor([0.05], requires_grad=True)
    out = F.linear(F.linear(x, w1, b1).tanh(), w2, b2)
    return F.mse_loss(out, T.tensor([[1.0], [0.0], [-1.0]])), [w1, b1, w2, b2]


def leaf_on_many_paths(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor(3.0, requires_grad=True)
    h = x * w
    return (h * x + h.exp() * w - x.relu()).sum(), [x, w]


def indexed_assignment(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = T.zeros(2, 2)
    y[0, 0] = x[0] * 3
    y[1] = x.sigmoid()
    return (y * y).sum(), [x]


def two_roots(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    return (x.exp().sum(), (x * x).sum()), [x]


GRAPHS = [quadratic, diamond, linear_regression, mlp, leaf_on_many_paths, indexed_assignment, two_roots]


def _roots(result):
    return list(result) if isinstance(result, tuple) else [result]


def torch_execution_order(roots):
    """The node names in the order PyTorch runs them, recorded by a post-hook on every node."""
    order, seen = [], set()
    stack = [r.grad_fn for r in roots]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        node.register_hook(lambda grad_inputs, grad_outputs, node=node: order.append(type(node).__name__))
        stack.extend(n for n, _ in node.next_functions)
    import torch
    torch.autograd.backward(roots, [torch.ones_like(r) for r in roots])
    return order


def engine_steps(roots):
    seeds = [np.ones(r.shape, dtype=r.numpy().dtype if not r.requires_grad else r.detach().numpy().dtype)
             for r in roots]
    return list(engine.autograd.backward_steps(roots, seeds))


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.__name__)
def test_backward_steps_run_nodes_in_torchs_order(graph):
    torch = pytest.importorskip("torch")
    ours = [step.name for step in engine_steps(_roots(graph(engine)[0]))]
    assert ours == torch_execution_order(_roots(graph(torch)[0]))


@pytest.mark.parametrize("graph", GRAPHS, ids=lambda g: g.__name__)
def test_draining_backward_steps_is_backward(graph):
    stepped, stepped_leaves = graph(engine)
    steps = engine_steps(_roots(stepped))
    called, called_leaves = graph(engine)
    engine.autograd.backward(_roots(called), [engine.ones_like(r) for r in _roots(called)])
    for a, b in zip(stepped_leaves, called_leaves):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    assert [s.index for s in steps] == list(range(len(steps)))
    accumulated = [leaf for s in steps for leaf, _, _ in s.accumulated]
    assert sorted(map(id, accumulated)) == sorted(map(id, stepped_leaves))


def test_backward_step_records_say_what_each_node_did():
    x = engine.tensor(2.0, requires_grad=True)
    y = x ** 2 + 3 * x + 1
    y.retain_grad()
    fired = []
    x.register_hook(lambda g: fired.append(g.item()))
    steps = engine_steps([y])
    assert [s.name for s in steps] == ["AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0",
                                       "AccumulateGrad"]
    first, pow_step, acc = steps[0], steps[3], steps[4]
    assert first.retained == [y] and float(first.grad_in) == 1.0
    assert [float(g) for g in pow_step.grads_out] == [4.0] and pow_step.released
    assert float(acc.grad_in) == 7.0 and acc.grads_out == ()
    leaf, before, after = acc.accumulated[0]
    assert leaf is x and before is None and float(after) == 7.0
    assert [h.kind for h in acc.hooks] == ["tensor"] and fired == [7.0]
    assert x.grad.item() == 7.0 and y.grad.item() == 1.0


def test_backward_steps_can_stop_and_resume():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    gen = engine.autograd.backward_steps([y], [np.ones((), np.float32)])
    first = next(gen)
    assert first.name == "SumBackward0" and x.grad is None
    rest = list(gen)
    assert rest[-1].name == "AccumulateGrad"
    np.testing.assert_allclose(x.grad.numpy(), (np.exp([1.0, 2.0]) * np.array([2.0, 3.0])), rtol=1e-6)


ONCE_PER_PROCESS_SCRIPT = """
import warnings, sys
import {lib} as T
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    x = T.tensor(2.0, requires_grad=True)
    for _ in range(2):
        float(x * 2)
        (x ** 3).backward(create_graph=True)
        T.ones(2, 3, 4).T
print(repr([str(w.message) for w in caught]))
"""


def test_once_per_process_warnings_match_torch():
    import subprocess
    import sys
    pytest.importorskip("torch")
    runs = [subprocess.run([sys.executable, "-c", ONCE_PER_PROCESS_SCRIPT.format(lib=lib)], capture_output=True,
                           text=True, timeout=120, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
            for lib in ("engine", "torch")]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    ours, theirs = (r.stdout.strip().splitlines()[-1] for r in runs)
    assert ours == theirs
    assert ours.count("Triggered internally") == 3
