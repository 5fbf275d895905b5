"""engine.nn as a package: its import paths, the module forms of the functional ops, containers,
reprs and seeded initialisation, each compared with PyTorch where it is installed."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import engine
from tests.engine.helpers import compare_behaviour


def test_functional_imports_as_torch_tutorials_write_them():
    """`import torch.nn.functional as F` and `from torch.nn import functional as F` with torch = engine."""
    code = textwrap.dedent("""
        import sys, engine
        sys.modules["torch"] = engine
        import torch.nn.functional as F
        from torch.nn import functional as F2
        import torch.nn as nn
        from torch.nn import init
        from torch.nn.parameter import Parameter
        import engine.nn.functional
        assert F is F2 is engine.nn.functional and nn is engine.nn and init is engine.nn.init
        assert Parameter is engine.nn.Parameter and sys.modules["torch.nn"] is engine.nn
        print(F.cross_entropy.__module__, Parameter.__name__)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["engine.nn.functional", "Parameter"]


def test_module_reprs_match_torch():
    def program(T):
        nn = T.nn
        T.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.2), nn.Softmax(dim=1),
                              nn.Unflatten(1, (3, 1)), nn.Identity(), nn.Embedding(5, 2, padding_idx=1))
        layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.Tanh()])
        losses = nn.ModuleDict({"ce": nn.CrossEntropyLoss(), "bce": nn.BCEWithLogitsLoss()})
        params = nn.ParameterList([nn.Parameter(T.ones(3, 4)), nn.Parameter(T.zeros(2))])
        return [repr(model), repr(layers), repr(losses), repr(params), len(list(layers.parameters())),
                [n for n, _ in params.named_parameters()], list(losses.keys())]

    compare_behaviour(program)


def test_embedding_initialises_as_torch_for_the_same_seed():
    def program(T):
        T.manual_seed(3)
        emb = T.nn.Embedding(27, 4, padding_idx=0)
        out = emb(T.tensor([[1, 0], [26, 5]]))
        out.sum().backward()
        return [emb.weight, out, emb.weight.grad]

    compare_behaviour(program)


def test_cross_entropy_module_options_and_errors_match_torch():
    def program(T):
        x = T.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)
        loss = T.nn.CrossEntropyLoss(weight=T.tensor([1.0, 2.0, 3.0]), label_smoothing=0.05)(x, T.tensor([2, 0]))
        loss.backward()
        return [loss, x.grad]

    compare_behaviour(program)
    for bad in (lambda T: T.nn.functional.cross_entropy(T.zeros(2, 3), T.tensor([0, 3])),
                lambda T: T.nn.functional.cross_entropy(T.zeros(2, 3), T.tensor([0, 1, 2])),
                lambda T: T.nn.functional.nll_loss(T.zeros(2, 3), T.tensor([0.0, 1.0])),
                lambda T: T.nn.functional.one_hot(T.tensor([0, 3]), 3),
                lambda T: T.nn.functional.dropout(T.ones(2), p=1.5)):
        compare_behaviour(bad)


def test_bce_with_logits_is_stable_for_large_logits():
    x = engine.tensor([1000.0, -1000.0, 80.0, -80.0], requires_grad=True)
    y = engine.tensor([0.0, 1.0, 1.0, 0.0])
    loss = engine.nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss._data, [1000.0, 1000.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(x.grad._data, [1.0, -1.0, 0.0, 0.0], atol=1e-6)
    assert np.isfinite(loss._data).all()


def test_one_hot_matches_torch():
    compare_behaviour(lambda T: [T.nn.functional.one_hot(T.tensor([0, 2, 1])),
                                 T.nn.functional.one_hot(T.tensor([[1], [0]]), num_classes=4)])


def test_dropout_zeroes_about_p_and_scales_the_rest():
    engine.manual_seed(0)
    x = engine.ones(20000, requires_grad=True)
    y = engine.nn.functional.dropout(x, 0.25)
    kept = y._data != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y._data[kept], 1 / 0.75, rtol=1e-6)
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, y._data)
    d = engine.nn.Dropout(0.5)
    d.eval()
    assert d(x) is x


def test_softmax_without_dim_warns_as_torch():
    compare_behaviour(lambda T: T.nn.functional.softmax(T.tensor([[1.0, 2.0], [3.0, 5.0]])))


def test_init_functions_draw_as_torch():
    def program(T):
        T.manual_seed(7)
        w = T.empty(3, 5)
        T.nn.init.xavier_uniform_(w)
        v = T.empty(4, 2)
        T.nn.init.kaiming_normal_(v, nonlinearity="relu")
        u = T.nn.Linear(3, 2).weight
        T.nn.init.zeros_(u)
        return [w, v, u, T.nn.init.calculate_gain("tanh")]

    compare_behaviour(program)


def test_non_differentiable_picks_match_torch():
    def program(T):
        x = T.tensor([[3.0, -1.0, 2.0], [0.0, 5.0, 5.0]])
        return [x.argsort(), T.argsort(x, dim=0, descending=True), x.nonzero(), T.nonzero(x, as_tuple=True),
                T.einsum("ij->j", x), T.meshgrid(T.arange(2), T.arange(3)), T.inference_mode is not None,
                x.type_as(T.tensor([1])), T.var(x, 1, keepdim=True)]

    compare_behaviour(program)


def test_module_hooks_apply_order_buffers_and_state_dict_match_torch():
    def program(T):
        nn = T.nn
        T.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        seen = []
        handle = model[0].register_forward_hook(lambda m, args, out: seen.append(tuple(out.shape)))
        model[2].register_forward_pre_hook(lambda m, args: (args[0] * 2,))

        def init(m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)   # draws in apply's order (children first)
                nn.init.zeros_(m.bias)
        model.apply(init)
        y = model(T.ones(4, 2))
        handle.remove()
        model(T.ones(1, 2))

        class Scaled(nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("scale", T.tensor(2.0))
                self.register_buffer("cache", T.zeros(1), persistent=False)
                self.fc = nn.Linear(2, 1)

            def forward(self, x):
                return self.fc(x) * self.scale

        net = Scaled()
        state = net.state_dict()
        state["scale"] = T.tensor(3.0)
        net.load_state_dict(state)
        return [seen, y, list(state.keys()), net.scale, [n for n, _ in net.named_buffers()],
                net(T.ones(1, 2)).shape]

    compare_behaviour(program)


def test_gradient_clipping_matches_torch():
    def program(T):
        T.manual_seed(1)
        model = T.nn.Linear(3, 2)
        model(T.randn(5, 3)).pow(2).sum().backward()
        total = T.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
        clipped = [p.grad.clone() for p in model.parameters()]
        T.nn.utils.clip_grad_value_(model.parameters(), 0.1)
        vec = T.nn.utils.parameters_to_vector(model.parameters())
        return [total, clipped, [p.grad for p in model.parameters()], vec.shape]

    compare_behaviour(program)
