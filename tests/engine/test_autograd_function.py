"""engine.autograd.Function: custom ops written as PyTorch's docs write them behave as in PyTorch
(values, gradients, node names, errors), and their node is an ordinary node of backward_steps."""
from __future__ import annotations

import numpy as np

import engine
from engine.autograd import backward_steps
from tests.engine.helpers import compare_behaviour


def legendre(T):
    """From PyTorch's "Learning PyTorch with Examples" (BSD-3): P3(x) = 1/2 (5x^3 - 3x)."""
    class LegendrePolynomial3(T.autograd.Function):
        @staticmethod
        def forward(ctx, input):  # noqa: A002
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors  # noqa: A001
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    return LegendrePolynomial3


def exp_saving_result(T):
    class Exp(T.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            result, = ctx.saved_tensors
            return grad_output * result

    return Exp


def scale_with_options(T):
    """Non-tensor arguments, needs_input_grad, a constant tensor input, setup_context style."""
    class Scale(T.autograd.Function):
        @staticmethod
        def forward(x, k, y):
            return x * k + y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return (g * ctx.k if ctx.needs_input_grad[0] else None, None,
                    g if ctx.needs_input_grad[2] else None)

    return Scale


def test_legendre_tutorial_function_matches_torch():
    def program(T):
        P3 = legendre(T)
        x = T.linspace(-1, 1, 5, dtype=T.float64).requires_grad_()
        y = P3.apply(x)
        y.sum().backward()
        return [y, x.grad, y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()]

    ours = compare_behaviour(program)[0]
    assert ours[2] == "LegendrePolynomial3Backward"


def test_saved_result_and_second_backward_and_inplace_checks_match_torch():
    def program(T):
        Exp = exp_saving_result(T)
        x = T.tensor([0.5, -1.0], requires_grad=True)
        y = Exp.apply(x)
        y.sum().backward(retain_graph=True)
        first = x.grad.clone()
        y.sum().backward()
        y.sum().backward()  # buffers freed: PyTorch's second-backward message
        return [first]

    compare_behaviour(program)

    def changed_output(T):
        x = T.tensor([0.5, -1.0], requires_grad=True)
        y = exp_saving_result(T).apply(x)
        y.add_(1)
        y.sum().backward()

    compare_behaviour(changed_output)


def test_non_tensor_args_needs_input_grad_and_setup_context_match_torch():
    def program(T):
        Scale = scale_with_options(T)
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = T.tensor([3.0, 4.0])
        out = Scale.apply(x, 3.0, y)
        out.sum().backward()
        return [out, x.grad, len(out.grad_fn.next_functions), out.grad_fn.next_functions[1]]

    compare_behaviour(program)


def test_backward_errors_match_torch():
    def wrong_count(T):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g

        Bad.apply(T.ones(2, requires_grad=True), T.ones(2)).sum().backward()

    def wrong_shape(T):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g[:1]

        Bad.apply(T.ones(3, requires_grad=True)).sum().backward()

    def broadcast_grad_is_summed(T):
        class Wide(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.expand(4, 3)

        x = T.ones(3, requires_grad=True)
        Wide.apply(x).sum().backward()
        return x.grad

    for program in (wrong_count, wrong_shape, broadcast_grad_is_summed):
        compare_behaviour(program)


def test_mark_dirty_and_non_differentiable_match_torch():
    def program(T):
        class AddOneInPlace(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.add_(1)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        class SortWithIndices(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, idx = x.sort()
                ctx.mark_non_differentiable(idx)
                ctx.save_for_backward(idx)
                return values, idx

            @staticmethod
            def backward(ctx, g, _):
                idx, = ctx.saved_tensors
                out = T.zeros_like(g)
                out[idx] = g
                return out

        leaf = T.tensor([3.0, 1.0, 2.0], requires_grad=True)
        h = leaf * 1
        h2 = AddOneInPlace.apply(h)
        values, idx = SortWithIndices.apply(h2)
        (values * T.tensor([1.0, 10.0, 100.0])).sum().backward()
        return [h2 is h, h._version, h, values, idx, idx.requires_grad, leaf.grad]

    compare_behaviour(program)

    def dirty_leaf(T):
        class Inplace(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        Inplace.apply(T.ones(2, requires_grad=True))

    compare_behaviour(dirty_leaf)


def test_multiple_outputs_get_their_own_gradients_as_in_torch():
    def program(T):
        class Two(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * 2, x ** 2

            @staticmethod
            def backward(ctx, ga, gb):
                x, = ctx.saved_tensors
                return ga * 2 + gb * 2 * x

        x = T.tensor([1.0, -2.0], requires_grad=True)
        a, b = Two.apply(x)
        a.sum().backward(retain_graph=True)   # b's gradient is materialised as zeros
        only_a = x.clone().detach() if x.grad is None else x.grad.clone()
        x.grad = None
        (a * 3 + b).sum().backward()
        return [a, b, only_a, x.grad]

    compare_behaviour(program)


def test_double_backward_through_a_function_and_once_differentiable():
    def program(T):
        Cube = legendre(T)
        x = T.tensor([0.3, -0.7], dtype=T.float64, requires_grad=True)
        y = Cube.apply(x).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return [g, gg]

    compare_behaviour(program)

    def once(T):
        class Square(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @T.autograd.function.once_differentiable
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * x * g

        x = T.tensor([1.5], requires_grad=True)
        (g,) = T.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
        first = g.detach().clone()
        g.sum().backward()
        return first

    compare_behaviour(once)


def test_gradcheck_passes_on_a_correct_function():
    x = engine.tensor(np.linspace(-1, 1, 4), dtype=engine.float64, requires_grad=True)
    assert engine.autograd.gradcheck(legendre(engine).apply, (x,))


def test_backward_steps_runs_the_function_node_like_any_other():
    Exp = exp_saving_result(engine)
    x = engine.tensor([0.0, 1.0], requires_grad=True)
    loss = (Exp.apply(x) * 2).sum()
    steps = list(backward_steps([loss], [np.ones(())], retain_graph=False, record=True))
    names = [s.name for s in steps]
    assert names == ["SumBackward0", "MulBackward0", "ExpBackward", "AccumulateGrad"]
    step = steps[2]
    np.testing.assert_allclose(step.grad_in, [2.0, 2.0])
    np.testing.assert_allclose(step.grads_out[0], 2 * np.exp([0.0, 1.0]), rtol=1e-6)
    assert step.released and step.node.freed
    np.testing.assert_allclose(x.grad._data, 2 * np.exp([0.0, 1.0]), rtol=1e-6)


def test_debugger_and_graph_model_show_the_function_node():
    from engine.session.debugger import BackwardDebugger
    from engine.session.graph_build import build_graph
    P3 = legendre(engine)
    x = engine.tensor([0.5, 2.0], requires_grad=True)
    loss = P3.apply(x).sum()
    model = build_graph([loss])
    operators = {n.label for n in model.nodes.values() if n.fn is not None}
    assert "LegendrePolynomial3Backward" in operators, operators
    debugger = BackwardDebugger()
    assert debugger.start(loss)
    seen = []
    while (record := debugger.step()) is not None:
        seen.append(record.name)
    assert seen == ["SumBackward0", "LegendrePolynomial3Backward", "AccumulateGrad"]
    np.testing.assert_allclose(x.grad._data, 1.5 * (5 * np.array([0.5, 2.0]) ** 2 - 1), rtol=1e-6)
