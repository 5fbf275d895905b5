"""engine.distributions: sample shapes and statistics from the engine's RNG, log_prob,
entropy, mean and variance against torch.distributions, reparameterised gradients, and
PyTorch's validation messages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import engine
from engine.distributions import Bernoulli, Categorical, Multinomial, Normal, Uniform

ROOT = Path(__file__).resolve().parents[2]


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


# -- Multinomial -----------------------------------------------------------------------------

def test_multinomial_sample_has_sample_then_event_shape_and_rows_sum_to_total_count():
    engine.manual_seed(0)
    counts = engine.distributions.multinomial.Multinomial(10, engine.ones(6) / 6).sample((500,))
    assert counts.shape == engine.Size([500, 6])
    assert counts.dtype == engine.float32
    assert np.all(counts.numpy().sum(axis=1) == 10)
    assert np.all(counts.numpy() >= 0) and np.all(counts.numpy() == np.round(counts.numpy()))


def test_multinomial_batched_sample_shape():
    m = Multinomial(5, probs=engine.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]))
    assert m.batch_shape == engine.Size([2]) and m.event_shape == engine.Size([3])
    assert m.sample().shape == engine.Size([2, 3])
    assert m.sample((4, 7)).shape == engine.Size([4, 7, 2, 3])
    assert np.all(m.sample((4,)).numpy().sum(-1) == 5)


def test_fair_die_frequencies_converge_to_one_sixth():
    engine.manual_seed(2026)
    rolls = Multinomial(1, engine.ones(6) / 6).sample((5000,))
    frequencies = rolls.numpy().sum(axis=0) / 5000
    assert np.all(np.abs(frequencies - 1 / 6) < 0.03), frequencies


def test_sampling_is_reproducible_with_manual_seed():
    m = Multinomial(10, engine.ones(6) / 6)
    engine.manual_seed(42)
    first = m.sample((20,)).numpy()
    engine.manual_seed(42)
    assert np.array_equal(first, m.sample((20,)).numpy())


def test_multinomial_probs_are_normalised_weights():
    m = Multinomial(3, engine.tensor([1.0, 1.0, 2.0]))
    np.testing.assert_allclose(m.probs.numpy(), [0.25, 0.25, 0.5])


# -- against torch.distributions ---------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# (name, constructor written once for library T, values to score)
CASES = [
    ("multinomial", lambda T: T.distributions.multinomial.Multinomial(10, T.tensor([0.1, 0.2, 0.3, 0.4])),
     lambda T: T.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 10.0]])),
    ("multinomial_logits", lambda T: T.distributions.Multinomial(4, logits=T.tensor([0.5, -1.0, 2.0])),
     lambda T: T.tensor([2.0, 0.0, 2.0])),
    ("categorical_probs", lambda T: T.distributions.Categorical(T.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])),
     lambda T: T.tensor([[0, 2], [1, 1], [2, 0]])),
    ("categorical_logits", lambda T: T.distributions.Categorical(logits=T.tensor([1.0, -2.0, 0.5, 0.0])),
     lambda T: T.tensor([3, 0, 1])),
    ("normal", lambda T: T.distributions.Normal(T.tensor([0.0, 1.0]), T.tensor([1.0, 0.5])),
     lambda T: T.tensor([[0.3, -1.2], [2.0, 1.0]])),
    ("normal_scalars", lambda T: T.distributions.Normal(1.5, 2.0), lambda T: T.tensor([0.0, 1.5, -3.0])),
    ("bernoulli_probs", lambda T: T.distributions.Bernoulli(T.tensor([0.3, 0.9])),
     lambda T: T.tensor([[1.0, 0.0], [0.0, 1.0]])),
    ("bernoulli_logits", lambda T: T.distributions.Bernoulli(logits=T.tensor([-2.0, 0.0, 3.0])),
     lambda T: T.tensor([1.0, 1.0, 0.0])),
    ("uniform", lambda T: T.distributions.Uniform(T.tensor([0.0, -1.0]), T.tensor([2.0, 3.0])),
     lambda T: T.tensor([[0.5, 2.5], [1.9, -1.0]])),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name,make,values", CASES, ids=IDS)
def test_log_prob_matches_torch(name, make, values, torch):
    ours = make(engine).log_prob(values(engine))
    theirs = make(torch).log_prob(values(torch))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,make,values", CASES, ids=IDS)
def test_shapes_entropy_and_moments_match_torch(name, make, values, torch):
    ours, theirs = make(engine), make(torch)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert tuple(ours.sample((3,)).shape) == tuple(theirs.sample((3,)).shape)
    assert str(ours.sample().dtype) == str(theirs.sample().dtype)
    np.testing.assert_allclose(_np(ours.entropy()), _np(theirs.entropy()), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(ours.mean), _np(theirs.mean), rtol=1e-6)
    np.testing.assert_allclose(_np(ours.variance), _np(theirs.variance), rtol=1e-6)
    assert repr(ours) == repr(theirs)


def test_log_prob_gradient_matches_torch(torch):
    grads = []
    for T in (engine, torch):
        logits = T.tensor([0.2, -0.4, 1.0], requires_grad=True)
        loc = T.tensor([0.5], requires_grad=True)
        scale = T.tensor([1.5], requires_grad=True)
        lp = (T.distributions.Multinomial(5, logits=logits).log_prob(T.tensor([1.0, 3.0, 1.0]))
              + T.distributions.Normal(loc, scale).log_prob(T.tensor([2.0])).sum()
              + T.distributions.Categorical(logits=logits).log_prob(T.tensor(2)))
        lp.backward()
        grads.append([_np(t.grad) for t in (logits, loc, scale)])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_validation_messages_match_torch(torch):
    for make in (lambda T: T.distributions.Normal(0.0, -1.0),
                 lambda T: T.distributions.Categorical(probs=T.tensor([0.5, -0.5])),
                 lambda T: T.distributions.Normal(T.zeros(2), T.ones(2)).log_prob(T.tensor([1.0, 2.0, 3.0])),
                 lambda T: T.distributions.Multinomial(3, T.ones(3) / 3).log_prob(T.tensor([1.0, -1.0, 3.0])),
                 lambda T: T.distributions.Bernoulli(T.tensor([0.5])).log_prob(T.tensor([0.5]))):
        with pytest.raises(ValueError) as theirs:
            make(torch)
        with np.errstate(all="ignore"), pytest.raises(ValueError) as ours:
            make(engine)
        assert str(ours.value) == str(theirs.value)


# -- sampling statistics and reparameterisation ---------------------------------------------

def test_categorical_sample_frequencies():
    engine.manual_seed(1)
    p = np.array([0.1, 0.6, 0.3])
    samples = Categorical(engine.tensor(p)).sample((20000,))
    assert samples.dtype == engine.int64 and samples.shape == engine.Size([20000])
    np.testing.assert_allclose(np.bincount(samples.numpy(), minlength=3) / 20000, p, atol=0.015)


def test_normal_sample_mean_and_std():
    engine.manual_seed(5)
    s = Normal(engine.tensor([2.0, -1.0]), engine.tensor([0.5, 3.0])).sample((20000,)).numpy()
    np.testing.assert_allclose(s.mean(0), [2.0, -1.0], atol=0.06)
    np.testing.assert_allclose(s.std(0), [0.5, 3.0], rtol=0.03)


def test_bernoulli_and_uniform_samples():
    engine.manual_seed(9)
    b = Bernoulli(engine.tensor(0.25)).sample((20000,)).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.25) < 0.015
    u = Uniform(engine.tensor([1.0]), engine.tensor([3.0])).sample((5000,)).numpy()
    assert u.shape == (5000, 1) and u.min() >= 1.0 and u.max() < 3.0 and abs(u.mean() - 2.0) < 0.05


def test_normal_rsample_is_differentiable_in_loc_and_scale():
    engine.manual_seed(3)
    loc = engine.tensor([0.0, 1.0], requires_grad=True)
    scale = engine.tensor([1.0, 2.0], requires_grad=True)
    z = Normal(loc, scale).rsample((4,))
    assert z.shape == engine.Size([4, 2]) and z.grad_fn is not None
    z.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [4.0, 4.0])
    eps = (z.detach().numpy() - loc.detach().numpy()) / scale.detach().numpy()
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0), rtol=1e-5)


def test_uniform_rsample_is_differentiable_and_sample_is_not():
    low = engine.tensor(0.0, requires_grad=True)
    high = engine.tensor(2.0, requires_grad=True)
    d = Uniform(low, high)
    assert not d.sample((3,)).requires_grad
    r = d.rsample((3,))
    r.sum().backward()
    u = r.detach().numpy() / 2.0
    np.testing.assert_allclose(high.grad.numpy(), u.sum(), rtol=1e-6)
    np.testing.assert_allclose(low.grad.numpy(), (1 - u).sum(), rtol=1e-6)


def test_sample_does_not_record_a_graph():
    loc = engine.tensor([0.0], requires_grad=True)
    assert Normal(loc, 1.0).sample().grad_fn is None


def test_distributions_load_lazily_through_the_package():
    code = ("import engine as torch\n"
            "torch.manual_seed(0)\n"
            "m = torch.distributions.multinomial.Multinomial(10, torch.ones(6) / 6)\n"
            "print(tuple(m.sample((500,)).shape), torch.distributions.Normal(0., 1.))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(500, 6) Normal(loc: 0.0, scale: 1.0)"
