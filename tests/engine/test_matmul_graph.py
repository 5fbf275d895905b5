"""matmul records the ops PyTorch's eager matmul records (dot/mv/mm by rank, a batch folded into
the rows of one mm/mv, or expand+reshape+bmm), for every rank pair, with and without grad on each
side and with a transposed (non-contiguous) left operand — and its gradients are right."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import engine
from tests.engine.helpers import compare_behaviour

LEFT = [(4,), (3, 4), (2, 3, 4), (1, 3, 4), (2, 1, 3, 4)]
RIGHT = [(4,), (4, 5), (2, 4, 5), (1, 4, 5), (5, 4, 2), (3, 2, 4, 5)]
GRADS = [(True, True), (True, False), (False, True)]


def graph(fn):
    """The recorded graph as nested (name, inputs) tuples, read from grad_fn."""
    if fn is None:
        return None
    return (type(fn).__name__, tuple(graph(n) for n, _ in fn.next_functions))


def _program(sa, sb, grads, transposed):
    def program(T):
        A = np.random.RandomState(0).randn(*sa)
        B = np.random.RandomState(1).randn(*sb)
        if transposed:  # the same values, stored transposed: a non-contiguous left operand
            a = T.tensor(np.ascontiguousarray(A.swapaxes(-1, -2)), requires_grad=grads[0]).transpose(-1, -2)
        else:
            a = T.tensor(A, requires_grad=grads[0])
        b = T.tensor(B, requires_grad=grads[1])
        out = a @ b
        out.sum().backward()
        leaf_a = a if a.is_leaf else None
        return [out, graph(out.grad_fn), None if leaf_a is None else leaf_a.grad, b.grad]
    return program


CASES = [(sa, sb, g, t) for sa, sb in itertools.product(LEFT, RIGHT) for g in GRADS for t in (False, True)
         if not (t and len(sa) < 2)]


@pytest.mark.parametrize("sa, sb, grads, transposed", CASES, ids=str)
def test_matmul_records_what_pytorch_records(sa, sb, grads, transposed):
    compare_behaviour(_program(sa, sb, grads, transposed))


@pytest.mark.parametrize("sa, sb", [((2, 3, 4), (2, 4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                                    ((4,), (2, 4, 5)), ((2, 3, 4), (4,)), ((1, 3, 4), (2, 4, 5))])
def test_batched_matmul_gradients_match_finite_differences(sa, sb):
    rng = np.random.RandomState(0)
    a = engine.tensor(rng.randn(*sa), requires_grad=True)
    b = engine.tensor(rng.randn(*sb), requires_grad=True)
    assert engine.autograd.gradcheck(lambda x, y: x @ y, (a, b))
    assert engine.autograd.gradgradcheck(lambda x, y: x @ y, (a, b))


def reshape_records_view_alias_or_copy(T):
    x = T.arange(24.0, requires_grad=True).view(2, 3, 4)
    seen = []
    for y in (x.reshape(6, 4), x[:, :, :2].reshape(6, 2), x.transpose(1, 2).reshape(2, 12), x.flatten(),
              x.transpose(0, 1).flatten(), x.transpose(1, 2).contiguous(), x.contiguous()):
        seen.append([y, graph(y.grad_fn), y._base is not None and y._base is x._base])
    try:
        x.transpose(1, 2).view(24)
    except RuntimeError as error:
        seen.append(str(error))
    return seen


def test_reshape_views_when_it_can_and_copies_when_it_must():
    compare_behaviour(reshape_records_view_alias_or_copy)


def bmm_checks_its_operands(T):
    T.bmm(T.ones(2, 3, 4), T.ones(3, 4, 5))


def test_bmm_errors_match():
    compare_behaviour(bmm_checks_its_operands)
