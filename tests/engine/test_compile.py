"""engine.compile: compiled steps against eager steps (bit for bit where the arithmetic allows),
k steps per call against k calls, fallbacks with reasons, retracing, and the source cache.

Each compiled function is built once per test run (module-scoped fixtures) and numba's on-disk
cache is shared (NUMBA_CACHE_DIR), so the cold compiles are paid once.
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.compile import CompiledStep
from engine.compile.step import source_dir, source_key


def seed_loop(T=engine, lr=0.002):
    """The seed's linear regression loop: mm + expand_as, half SSE, SGD by hand through .data."""
    T.manual_seed(0)
    x = T.rand(4, 1) * 5
    y = 2 * x + 3 + T.randn(4, 1)
    w = T.rand(1, 1, requires_grad=True)
    b = T.tensor(0.0, requires_grad=True)

    def step():
        y_pred = x.mm(w) + b.expand_as(y)
        loss = (0.5 * (y_pred - y) ** 2).sum()
        loss.backward()
        w.data.sub_(lr * w.grad.data)
        b.data.sub_(lr * b.grad.data)
        w.grad.data.zero_()
        b.grad.data.zero_()
        return loss
    return step, [w, b]


def expression(opt_name="adam", T=engine):
    T.manual_seed(0)
    x = T.linspace(-3, 3, 200).reshape(200, 1)
    y = 1.5 * T.sin(2.0 * x) + 0.5
    params = [T.tensor(v, requires_grad=True) for v in (1.0, 1.3, 0.0)]
    a, w, c = params
    opt = T.optim.Adam(params, lr=0.01) if opt_name == "adam" else T.optim.SGD(params, lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = T.nn.functional.mse_loss(a * T.sin(w * x) + c, y)
        loss.backward()
        opt.step()
        return loss
    return step, params, opt


def mlp(T=engine):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(2, 16), T.nn.Tanh(), T.nn.Linear(16, 16), T.nn.Tanh(), T.nn.Linear(16, 1))
    x = T.randn(64, 2)
    y = (x[:, :1] * x[:, 1:]).sin()
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = T.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step, list(model.parameters()), opt


def compiled_ready(step_fn, calls=3) -> CompiledStep:
    c = engine.compile(step_fn)
    for _ in range(calls):
        c()
    assert c.is_compiled and c.reason is None, c.reason
    return c


def _bits(params):
    return [p.detach().numpy().tobytes() for p in params]


@pytest.fixture(scope="module")
def seed_runs():
    """Eager and compiled runs of the seed loop, 1,000 steps each (3 traced/single + run(997))."""
    eager_step, eager_params = seed_loop()
    eager_losses = [eager_step().item() for _ in range(1000)]
    step, params = seed_loop()
    c = compiled_ready(step)
    losses = c.run(997)
    return eager_params, eager_losses, params, losses, c


def test_seed_loop_is_bit_identical_to_eager_after_1000_steps(seed_runs):
    eager_params, eager_losses, params, losses, _ = seed_runs
    assert _bits(params) == _bits(eager_params)
    np.testing.assert_array_equal(losses, np.float32(eager_losses[3:]))


def test_seed_loop_leaves_grads_as_eager_does(seed_runs):
    eager_params, _, params, _, _ = seed_runs
    for p, q in zip(params, eager_params):
        assert p.grad is not None and q.grad is not None
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())


def test_k_steps_in_one_call_equal_k_single_calls(seed_runs):
    c = seed_runs[4]  # reuse the compiled function: a fresh loop of the same structure
    step_a, params_a = seed_loop(lr=0.01)
    step_b, params_b = seed_loop(lr=0.01)
    a, b = compiled_ready(step_a), compiled_ready(step_b)
    assert a.last_source == c.last_source.replace(repr(np.float32(0.002)), repr(np.float32(0.01))) or a.is_compiled
    singles = [a().item() for _ in range(50)]
    block = b.run(50)
    np.testing.assert_array_equal(np.float32(singles), block)
    assert _bits(params_a) == _bits(params_b)


@pytest.fixture(scope="module", params=["adam", "momentum"])
def expression_runs(request):
    step, params, opt = expression(request.param)
    eager_losses = [step().item() for _ in range(300)]
    step_c, params_c, opt_c = expression(request.param)
    c = compiled_ready(step_c)
    losses = np.concatenate([[np.nan] * 3, c.run(297)])
    return request.param, (params, opt, eager_losses), (params_c, opt_c, losses)


def test_expression_matches_eager(expression_runs):
    """a*sin(w*x)+c: numpy's SIMD float32 sin/cos differ from libm's in the last bit, so equal to
    float32 rounding, not bit for bit (the arithmetic around them is in eager's order)."""
    _, (params, opt, eager_losses), (params_c, opt_c, losses) = expression_runs
    for p, q in zip(params, params_c):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(losses[3:], eager_losses[3:], rtol=2e-5, atol=1e-9)


def test_optimizer_state_looks_as_after_eager_steps(expression_runs):
    kind, (params, opt, _), (params_c, opt_c, _) = expression_runs
    for p, q in zip(params, params_c):
        s, t = opt.state[p], opt_c.state[q]
        if kind == "adam":
            assert s["step"] == t["step"] == 300
            # gradients near the optimum are ~1e-6 and carry sin's last-bit differences
            np.testing.assert_allclose(t["exp_avg"], s["exp_avg"], rtol=1e-4, atol=1e-6)
            np.testing.assert_allclose(t["exp_avg_sq"], s["exp_avg_sq"], rtol=1e-3, atol=1e-10)
        else:
            np.testing.assert_allclose(t, s, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_polynomial_expression_without_transcendentals_is_bit_identical():
    """Horner's scheme (as the app's polynomial model), squares and sums in numpy's pairwise order
    on 200 points: bit for bit. (numpy's x**3 is SVML's pow on AVX-512 machines: not reproducible.)"""
    def make():
        engine.manual_seed(1)
        x = engine.linspace(-1, 1, 200).reshape(200, 1)
        y = x ** 3 - 0.5 * x + 0.25
        params = [engine.tensor(v, requires_grad=True) for v in (0.3, -0.2, 0.1)]
        a, b, c = params
        opt = engine.optim.SGD(params, lr=0.05)

        def step():
            opt.zero_grad()
            loss = ((((a * x) + b) * x + c - y) ** 2).mean()
            loss.backward()
            opt.step()
            return loss
        return step, params
    step, params = make()
    for _ in range(400):
        step()
    step_c, params_c = make()
    c = compiled_ready(step_c)
    c.run(397)
    assert _bits(params_c) == _bits(params)


def test_mlp_matches_eager_within_1e6():
    step, params, _ = mlp()
    for _ in range(200):
        step()
    step_c, params_c, _ = mlp()
    c = compiled_ready(step_c)
    c.run(197)
    for p, q in zip(params, params_c):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_new_argument_values_of_the_same_shape_reuse_the_compiled_step():
    w = engine.tensor([[0.5]], requires_grad=True)

    def step(x, y):
        loss = ((x.mm(w) - y) ** 2).sum()
        loss.backward()
        with engine.no_grad():
            w.sub_(0.01 * w.grad)
        w.grad.zero_()
        return loss
    c = compiled_ready(lambda: None, calls=0) if False else engine.compile(step)
    xs = engine.randn(10, 3, 1)
    ys = 3 * xs
    eager_w = engine.tensor([[0.5]], requires_grad=True)
    for i in range(10):
        c(xs[i], ys[i])
        loss = ((xs[i].mm(eager_w) - ys[i]) ** 2).sum()
        loss.backward()
        with engine.no_grad():
            eager_w.sub_(0.01 * eager_w.grad)
        eager_w.grad.zero_()
    assert c.is_compiled
    assert w.detach().numpy().tobytes() == eager_w.detach().numpy().tobytes()
    # k stacked batches in one call give the same as k calls
    w2 = w.detach().numpy().copy()
    losses = c.run(10, xs, ys, each_step=True)
    assert losses.shape == (10,) and np.isfinite(losses).all()
    assert not np.array_equal(w.detach().numpy(), w2)


def test_a_shape_change_retraces():
    w = engine.tensor([[0.5]], requires_grad=True)

    def step(x):
        loss = (x.mm(w) ** 2).sum()
        loss.backward()
        with engine.no_grad():
            w.sub_(0.01 * w.grad)
        w.grad.zero_()
        return loss
    c = engine.compile(step)
    for _ in range(3):
        c(engine.ones(4, 1))
    assert c.is_compiled
    before = w.item()
    c(engine.ones(6, 1))  # a new structure: traced eagerly, right values
    assert c.reason is not None or len(c.compiled) == 2
    assert w.item() == pytest.approx(before - 0.01 * 2 * 6 * before, rel=1e-6)


@pytest.mark.parametrize("what, make", [
    ("register_hook", lambda w, x: (lambda t: (t.register_hook(lambda g: g * 2), t)[1])(x.mm(w))),
    ("retain_grad", lambda w, x: (lambda t: (t.retain_grad(), t)[1])(x.mm(w))),
    ("item()", lambda w, x: x.mm(w) * (2.0 if x.mm(w).sum().item() > 0 else 1.0)),
    ("no compiled template", lambda w, x: x.mm(w).cumsum(0)),
])
def test_untraceable_steps_run_eagerly_with_a_reason(what, make):
    w = engine.tensor([[0.5]], requires_grad=True)
    x = engine.ones(3, 1)
    eager_w = engine.tensor([[0.5]], requires_grad=True)

    def step_with(wt):
        def step():
            loss = make(wt, x).sum()
            loss.backward()
            with engine.no_grad():
                wt.sub_(0.1 * wt.grad)
            wt.grad = None
            return loss
        return step
    c = engine.compile(step_with(w))
    eager = step_with(eager_w)
    for _ in range(3):
        c()
        eager()
        assert not c.is_compiled and c.reason
    assert w.item() == eager_w.item()
    words = {"register_hook": "hook", "retain_grad": "retain_grad", "item()": "item()",
             "no compiled template": "cumsum"}
    assert words[what] in c.reason


def test_grad_set_to_none_by_hand_compiles():
    w = engine.tensor([[0.5]], requires_grad=True)
    x = engine.ones(3, 1)

    def step():
        loss = (x.mm(w) ** 2).sum()
        loss.backward()
        with engine.no_grad():
            w.sub_(0.01 * w.grad)
        w.grad = None
        return loss
    c = compiled_ready(step)
    assert w.grad is None
    before = w.item()
    c()
    assert w.grad is None and w.item() == pytest.approx(before * (1 - 0.01 * 6), rel=1e-6)


def test_create_graph_falls_back():
    w = engine.tensor(2.0, requires_grad=True)

    def step():
        loss = (w * w).sum()
        loss.backward(create_graph=True)
        return loss
    c = engine.compile(step)
    c()
    assert "create_graph" in c.reason


def test_generated_sources_are_named_by_their_hash(seed_runs):
    c = seed_runs[4]
    key = source_key(c.last_source)
    assert (source_dir() / f"step_{key}.py").read_text() == c.last_source
    assert source_key(c.last_source + "\n") != key


def test_background_compile_trains_eagerly_meanwhile():
    step, params = seed_loop()
    eager_step, eager_params = seed_loop()
    c = engine.compile(step, background=True)
    for _ in range(2):
        c()
        eager_step()
    c.wait()
    for _ in range(5):
        c()
        eager_step()
    assert c.is_compiled and c.reason is None
    assert _bits(params) == _bits(eager_params)
