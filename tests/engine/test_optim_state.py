"""Optimizer.state_dict() / load_state_dict() in PyTorch's form: the same structure and values
after the same steps, a loaded optimizer continues exactly, and mismatches fail as PyTorch's do."""
from __future__ import annotations

import numpy as np
import pytest

import engine

OPTIMIZERS = {
    "sgd": lambda T, params: T.optim.SGD(params, lr=0.1),
    "momentum": lambda T, params: T.optim.SGD(params, lr=0.1, momentum=0.9),
    "nesterov": lambda T, params: T.optim.SGD(params, lr=0.1, momentum=0.5, nesterov=True),
    "adam": lambda T, params: T.optim.Adam(params, lr=0.05),
    "amsgrad": lambda T, params: T.optim.Adam(params, lr=0.05, amsgrad=True),
}


def _train(T, make, steps: int, opt=None, params=None):
    if params is None:
        params = [T.nn.Parameter(T.tensor([[0.5, -1.0], [2.0, 0.25]])), T.nn.Parameter(T.tensor([0.1, -0.2]))]
    opt = opt or make(T, params)
    x = T.tensor([[1.0, 2.0], [-0.5, 0.75]])
    for _ in range(steps):
        w, b = params
        loss = ((x @ w + b) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return opt, params


def _picture(state_dict) -> dict:
    """A library-neutral picture: state values as float64 arrays, settings as they are."""
    return {"state": {i: {k: np.asarray(v.tolist() if hasattr(v, "tolist") else v, dtype=np.float64)
                          for k, v in entry.items()} for i, entry in state_dict["state"].items()},
            "param_groups": state_dict["param_groups"]}


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_state_dict_has_pytorchs_structure_and_values(kind):
    torch = pytest.importorskip("torch")
    ours = _picture(_train(engine, OPTIMIZERS[kind], 3)[0].state_dict())
    theirs = _picture(_train(torch, OPTIMIZERS[kind], 3)[0].state_dict())
    assert ours["state"].keys() == theirs["state"].keys()
    for i, entry in theirs["state"].items():
        assert list(ours["state"][i]) == list(entry), f"state {i}: names in PyTorch's order"
        for key, value in entry.items():
            np.testing.assert_allclose(ours["state"][i][key], value, rtol=1e-5, atol=1e-7, err_msg=f"{i}.{key}")
    for group, their_group in zip(ours["param_groups"], theirs["param_groups"]):
        assert group["params"] == their_group["params"]
        assert {k: v for k, v in group.items()} == {k: their_group[k] for k in group}


@pytest.mark.parametrize("kind", OPTIMIZERS)
def test_a_loaded_optimizer_continues_exactly_where_the_saved_one_was(kind):
    make = OPTIMIZERS[kind]
    saved, params = _train(engine, make, 3)
    fresh = [engine.nn.Parameter(p.detach().clone()) for p in params]
    loaded = make(engine, fresh)
    loaded.param_groups[0]["lr"] = 123.0
    loaded.load_state_dict(saved.state_dict())  # copies: the saved optimizer's buffers stay its own
    assert loaded.param_groups[0]["lr"] == saved.param_groups[0]["lr"]  # settings come from the dict, as in PyTorch
    _train(engine, make, 2, saved, params)
    _train(engine, make, 2, loaded, fresh)
    for got, want in zip(fresh, params):
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())


def test_state_dict_shares_the_optimizers_buffers_as_pytorchs_does():
    opt, _ = _train(engine, OPTIMIZERS["adam"], 1)
    before = opt.state_dict()["state"][0]["exp_avg"].tolist()
    _train(engine, OPTIMIZERS["adam"], 1, opt, opt.param_groups[0]["params"])
    state = opt.state_dict()
    assert state["state"][0]["exp_avg"].tolist() != before
    assert state["state"][0]["step"].item() == 2.0


def test_loading_into_a_different_parameter_list_fails_with_pytorchs_message():
    torch = pytest.importorskip("torch")
    for T in (engine, torch):
        opt, params = _train(T, OPTIMIZERS["momentum"], 1)
        other = T.optim.SGD(params[:1], lr=0.1, momentum=0.9)
        with pytest.raises(ValueError) as raised:
            other.load_state_dict(opt.state_dict())
        assert str(raised.value) == ("loaded state dict contains a parameter group that doesn't match the size "
                                     "of optimizer's group")


def test_loading_state_of_another_kind_or_shape_names_what_is_wrong():
    sgd, _ = _train(engine, OPTIMIZERS["momentum"], 1)
    adam = _train(engine, OPTIMIZERS["adam"], 0)[0]
    with pytest.raises(ValueError, match="state 0: Adam keeps step, exp_avg, exp_avg_sq for a parameter, "
                                         "not momentum_buffer"):
        adam.load_state_dict(sgd.state_dict())
    bad = sgd.state_dict()
    bad["state"][1] = {"momentum_buffer": engine.zeros(5)}
    with pytest.raises(ValueError, match=r"state 1.momentum_buffer: has shape \(5,\) where the parameter has \(2,\)"):
        _train(engine, OPTIMIZERS["momentum"], 0)[0].load_state_dict(bad)
