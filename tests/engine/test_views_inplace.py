"""In-place changes through views, compared with PyTorch: the base takes the history as
CopySlices, the views regenerate as AsStridedBackward0, and gradients flow through the change."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from tests.engine.helpers import compare_behaviour


def _name(fn):
    return type(fn).__name__  # name() of PyTorch's C++ nodes says torch::autograd::CopySlices


def names(fn):
    return None if fn is None else [_name(fn), [None if n is None else _name(n) for n, _ in fn.next_functions]]


def inplace_through_a_slice(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v, w = y[0:2], y[1:]
    v.mul_(2)
    (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    return [y, v, w, names(y.grad_fn), names(v.grad_fn), names(w.grad_fn), x.grad, y._version]


def inplace_through_a_view_with_a_tensor_operand(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = T.tensor([4.0, 5.0], requires_grad=True)
    y = x * x
    y[1:].mul_(a)
    y.sum().backward()
    return [y, names(y.grad_fn), x.grad, a.grad]


def inplace_through_a_view_of_a_view(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v1 = y[1:]
    v2 = v1[:1]
    v2.add_(5)
    (y ** 2).sum().backward()
    return [y, v1, v2, names(y.grad_fn), names(v1.grad_fn), names(v2.grad_fn), v2._base is y, x.grad]


def augmented_assignment_through_select(T):
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.exp()
    s = y[0]
    s += 1
    s *= y[1].detach()
    y.sum().backward()
    return [y, names(s.grad_fn), names(y.grad_fn), x.grad]


def inplace_on_the_base_regenerates_its_views(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = x * 1
    v = z[0:2]
    e = z.expand(2, 3)
    z.mul_(3)
    v.sum().backward()
    grads = [x.grad.clone()]
    x.grad = None
    e.sum().backward()
    return [names(v.grad_fn), names(e.grad_fn), grads, x.grad]


def copy_into_a_view_of_a_plain_tensor(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = T.zeros(3)
    w, head = b[1:], b[:2]
    head.copy_(x[:2] * 2)
    (b * w.sum()).sum().backward()
    return [b, b.requires_grad, names(b.grad_fn), w.requires_grad, names(w.grad_fn), names(head.grad_fn), x.grad]


def assignment_into_a_view(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[1:]
    v[0] = 7.0
    v[1] = x[0] * 10
    y.sum().backward()
    return [y, names(y.grad_fn), names(v.grad_fn), x.grad]


def transposed_view_of_a_matrix(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    a = (x * 1).view(3, 2)
    a.t()[0].mul_(10)
    (a * a).sum().backward()
    return [a, names(a.grad_fn), x.grad]


def inplace_through_a_view_then_saved_value_is_stale(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[1:]
    v.mul_(v)
    y.sum().backward()
    return [y, x.grad]


def inplace_through_a_view_of_a_leaf(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[1:].mul_(2)


def views_made_under_no_grad(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    with T.no_grad():
        u = y[0:2]
        ux = x[0:2]
    seen = [u.requires_grad, u.is_leaf, u.grad_fn, ux.requires_grad, ux.is_leaf, ux._base is x]
    with T.no_grad():
        u.mul_(2)  # allowed: no history to record
    seen.append(y)
    return seen


def inplace_with_grad_mode_through_a_no_grad_view(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    with T.no_grad():
        u = y[0:2]
    u.mul_(2)


PROGRAMS = [inplace_through_a_slice, inplace_through_a_view_with_a_tensor_operand, inplace_through_a_view_of_a_view,
            augmented_assignment_through_select, inplace_on_the_base_regenerates_its_views,
            copy_into_a_view_of_a_plain_tensor, assignment_into_a_view, transposed_view_of_a_matrix,
            inplace_through_a_view_then_saved_value_is_stale, inplace_through_a_view_of_a_leaf,
            views_made_under_no_grad, inplace_with_grad_mode_through_a_no_grad_view]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_behaves_as_torch(program):
    compare_behaviour(program)


def _through_views(x, a):
    y = x * x
    y[1:3].mul_(a)            # a binary in-place op through a slice
    col = y.view(2, 2)[:, 0]
    col.add_(a.sin())         # through a strided view of a view
    y[0] = a[0] * 3           # assignment into the base, after its views changed
    return (y.view(2, 2).t() ** 2).sum() + col.sum()


def test_gradients_through_views_match_finite_differences():
    x = engine.tensor([0.5, -1.0, 2.0, 1.5], dtype=engine.float64, requires_grad=True)
    a = engine.tensor([0.3, -0.7], dtype=engine.float64, requires_grad=True)
    assert engine.autograd.gradcheck(_through_views, (x, a))
    assert engine.autograd.gradgradcheck(_through_views, (x, a))


def test_the_history_moves_to_the_base_as_pytorch_draws_it():
    x = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[0:2]
    v.mul_(2)
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    assert v.grad_fn.next_functions[0][0] is y.grad_fn
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 1.0])


def node_names(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y[0] = 5.0
    z = T.zeros(2)
    z.copy_(x)
    acc = (x * 2).grad_fn.next_functions[0][0]
    return [y.grad_fn.name(), z.grad_fn.name(), acc.name(), (x * 2).grad_fn.name(), repr(y)[-30:]]


def test_node_names_are_pytorchs():
    compare_behaviour(node_names)
