"""Optimizers with PyTorch's update rules: SGD (momentum, dampening, Nesterov, weight decay)
and Adam. Updates run in place on parameter storage, outside the graph."""
from __future__ import annotations

import math

import numpy as np

from engine import kernels
from engine.tensor import Tensor, _wrap

GROUP_COUNT_MESSAGE = "loaded state dict has a different number of parameter groups"
GROUP_SIZE_MESSAGE = "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"


class Optimizer:
    def __init__(self, params, defaults: dict) -> None:
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.defaults = defaults
        self.param_groups = []
        for g in groups:
            group = dict(defaults)
            group.update(g)
            group["params"] = list(group["params"])
            self.param_groups.append(group)
        self.state: dict = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p._grad = None
                elif p._grad is not None:
                    p._grad._data.fill(0)

    @staticmethod
    def state_keys(group: dict) -> tuple[str, ...]:
        """The per-parameter state this optimizer keeps under `group`'s settings, by PyTorch's names
        (what `state_dict()["state"]` holds for each parameter once it has been stepped)."""
        return ()

    def state_dict(self) -> dict:
        """PyTorch's form: {"state": {index: {name: tensor}}, "param_groups": [{settings, "params":
        [indices]}]}, parameters numbered in group order. The tensors share storage with the
        optimizer's buffers, as PyTorch's do (copy them to keep a snapshot)."""
        index: dict = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(p, len(index)) for p in group["params"]]
            groups.append(packed)
        state = {index[p]: self._pack(value) for p, value in self.state.items() if p in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Settings and per-parameter state from a `state_dict()`, as PyTorch loads them: groups are
        matched by position, values copied into buffers of each parameter's dtype."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(GROUP_COUNT_MESSAGE)
        if any(len(g["params"]) != len(ours["params"]) for g, ours in zip(groups, self.param_groups)):
            raise ValueError(GROUP_SIZE_MESSAGE)
        params, settings = {}, {}
        for group, ours in zip(groups, self.param_groups):
            for i, p in zip(group["params"], ours["params"]):
                params[i], settings[i] = p, group
        state = {}
        for i, entry in state_dict["state"].items():
            p, keys = params[int(i)], self.state_keys(settings[int(i)])
            if set(entry) != set(keys):
                raise ValueError(f"state {i}: {type(self).__name__} keeps {', '.join(keys) or 'nothing'} for a "
                                 f"parameter, not {', '.join(entry) or 'nothing'}")
            for key, value in entry.items():
                if key != "step" and np.shape(_array(value)) != p.shape:
                    raise ValueError(f"state {i}.{key}: has shape {tuple(np.shape(_array(value)))} where the "
                                     f"parameter has {tuple(p.shape)}")
            state[p] = self._unpack(entry, p.detach().numpy().dtype)
        for group, ours in zip(groups, self.param_groups):
            ours.update({k: v for k, v in group.items() if k != "params"})
        self.state = state

    def _pack(self, value) -> dict:
        """A state entry in PyTorch's form (name -> tensor sharing the buffer)."""
        return {key: _wrap(v) if isinstance(v, np.ndarray) else v for key, v in value.items()}

    def _unpack(self, entry: dict, dtype):
        return {key: np.array(_array(v), dtype=dtype, order="C") for key, v in entry.items()}

    def _params_with_grad(self, group):
        for p in group["params"]:
            if p._grad is not None:
                yield p, p._grad._data

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in group if k != "params"):
                lines.append(f"    {k}: {group[k]}")
        return "\n".join(lines) + "\n)"


def _array(value):
    return value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)


class SGD(Optimizer):
    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, maximize: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

    @staticmethod
    def state_keys(group: dict) -> tuple[str, ...]:
        return ("momentum_buffer",) if group.get("momentum") else ()

    # the momentum buffer is kept bare (the fused kernel takes it as is); PyTorch's form names it
    def _pack(self, value) -> dict:
        return {"momentum_buffer": _wrap(value)}

    def _unpack(self, entry: dict, dtype):
        return np.array(_array(entry["momentum_buffer"]), dtype=dtype, order="C")

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
            wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            plain = not (wd or maximize or nesterov or damp)
            for p, g in self._params_with_grad(group):
                if mom and plain and p in self.state:
                    kernels.sgd_momentum_(p._data, g, self.state[p], lr, mom)  # fused update
                    p._vc[0] += 1
                    continue
                if maximize:
                    g = -g
                if wd:
                    g = g + wd * p._data
                if mom:
                    buf = self.state.get(p)
                    if buf is None:
                        buf = self.state[p] = np.array(g, copy=True)
                    else:
                        buf *= mom
                        buf += (1 - damp) * g
                    g = g + mom * buf if nesterov else buf
                p._data -= lr * g
                p._vc[0] += 1
        return loss


class Adam(Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, maximize: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= betas[0] < 1.0 or not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameters: {betas}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    @staticmethod
    def state_keys(group: dict) -> tuple[str, ...]:
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group.get("amsgrad") else ())

    def _pack(self, value) -> dict:
        packed = super()._pack(value)
        packed["step"] = _wrap(np.asarray(float(value["step"]), dtype=np.float32))  # PyTorch's step is a tensor
        return packed

    def _unpack(self, entry: dict, dtype):
        state = {key: np.array(_array(v), dtype=dtype, order="C") for key, v in entry.items() if key != "step"}
        step = entry["step"]
        state["step"] = int(step.item() if isinstance(step, Tensor) else step)
        return {"step": state.pop("step"), **state}

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            lr, (b1, b2), eps = group["lr"], group["betas"], group["eps"]
            wd, amsgrad, maximize = group["weight_decay"], group["amsgrad"], group["maximize"]
            for p, g in self._params_with_grad(group):
                if maximize:
                    g = -g
                if wd:
                    g = g + wd * p._data
                st = self.state.get(p)
                if st is None:
                    st = self.state[p] = {"step": 0, "exp_avg": np.zeros_like(p._data),
                                          "exp_avg_sq": np.zeros_like(p._data)}
                    if amsgrad:
                        st["max_exp_avg_sq"] = np.zeros_like(p._data)
                st["step"] += 1
                t = st["step"]
                m, v = st["exp_avg"], st["exp_avg_sq"]
                if not amsgrad:
                    kernels.adam_(p._data, g, m, v, lr, b1, b2, eps, t)  # fused update
                    p._vc[0] += 1
                    continue
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                if amsgrad:
                    np.maximum(st["max_exp_avg_sq"], v, out=st["max_exp_avg_sq"])
                    v = st["max_exp_avg_sq"]
                step_size = lr / (1 - b1 ** t)
                denom = np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps
                p._data -= (step_size * m / denom).astype(p._data.dtype, copy=False)
                p._vc[0] += 1
        return loss
