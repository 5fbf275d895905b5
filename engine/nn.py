"""Neural-network building blocks with PyTorch's API: Module, Parameter, Linear, Sequential,
activations and losses. Layers are compositions of engine ops (their gradients come from
the ops' own backward rules)."""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from engine import creation, random
from engine.autograd.graph import RemovableHandle
from engine.ops import linalg, loss, reduction, unary
from engine.tensor import Tensor

# Hooks on every Module call, as torch.nn.modules.module.register_module_forward_(pre_)hook;
# the graph view uses them to learn which module made which op. Empty: one check per call.
_global_forward_pre_hooks: dict = {}
_global_forward_hooks: dict = {}


def register_module_forward_pre_hook(hook) -> RemovableHandle:
    """hook(module, args) before every Module's forward; may return replacement args."""
    return RemovableHandle(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook) -> RemovableHandle:
    """hook(module, args, output) after every Module's forward; may return a replacement output."""
    return RemovableHandle(_global_forward_hooks, hook)


class Parameter(Tensor):
    """A leaf tensor that a Module registers as one of its parameters (requires grad by default)."""

    def __new__(cls, data=None, requires_grad: bool = True):
        t = object.__new__(cls)
        source = data._data if isinstance(data, Tensor) else np.asarray(data if data is not None else [],
                                                                          dtype=np.float32)
        t._data = source
        t._vc = [0]
        t._rg = bool(requires_grad)
        return t

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Module:
    """Base class: assigning a Parameter or Module attribute registers it, in order."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value) -> None:
        params = self.__dict__.get("_parameters")
        if params is None:
            raise AttributeError("cannot assign attributes before Module.__init__() call")
        if isinstance(value, Parameter):
            params[name] = value
            self._modules.pop(name, None)
        elif isinstance(value, Module):
            self._modules[name] = value
            params.pop(name, None)
        elif name in params and value is None:
            params[name] = None
        else:
            params.pop(name, None)
            self._modules.pop(name, None)
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        d = self.__dict__
        if name in d.get("_parameters", ()):
            return d["_parameters"][name]
        if name in d.get("_modules", ()):
            return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def register_parameter(self, name: str, param) -> None:
        self._parameters[name] = param

    def add_module(self, name: str, module) -> None:
        self._modules[name] = module

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args, **kwargs):
        if not (_global_forward_pre_hooks or _global_forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(_global_forward_pre_hooks.values()):
            replaced = hook(self, args)
            if replaced is not None:
                args = replaced if isinstance(replaced, tuple) else (replaced,)
        output = self.forward(*args, **kwargs)
        for hook in list(_global_forward_hooks.values()):
            replaced = hook(self, args, output)
            if replaced is not None:
                output = replaced
        return output

    # -- traversal -------------------------------------------------------------
    def named_modules(self, prefix: str = ""):
        stack = [(prefix, self)]
        seen = set()
        while stack:
            name, module = stack.pop(0)
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            stack[:0] = [((f"{name}.{n}" if name else n), m) for n, m in module._modules.items() if m is not None]

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self):
        return (m for _, m in self.named_children())

    def named_parameters(self, prefix: str = "", recurse: bool = True):
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mname, module in modules:
            for pname, p in module._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mname}.{pname}" if mname else pname), p

    def parameters(self, recurse: bool = True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def state_dict(self) -> "OrderedDict[str, Tensor]":
        return OrderedDict((n, p.detach()) for n, p in self.named_parameters())

    def load_state_dict(self, state_dict, strict: bool = True):
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ".")
            if unexpected:
                parts.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".")
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(parts))
        for name, value in state_dict.items():
            if name not in own:
                continue
            data = value._data if isinstance(value, Tensor) else np.asarray(value)
            if data.shape != own[name]._data.shape:
                raise RuntimeError(
                    f"Error(s) in loading state_dict for {type(self).__name__}:\n\tsize mismatch for {name}: "
                    f"copying a param with shape {list(data.shape)} from checkpoint, the shape in current "
                    f"model is {list(own[name]._data.shape)}.")
            own[name]._data[...] = data
            own[name]._vc[0] += 1
        return _IncompatibleKeys(missing, unexpected)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none:
                p._grad = None
            elif p._grad is not None:
                p._grad._data.fill(0)

    def train(self, mode: bool = True) -> "Module":
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> "Module":  # safe: nn.Module.eval (evaluation mode), not Python's eval
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, *args, **kwargs) -> "Module":
        return self

    def double(self) -> "Module":
        for p in self.parameters():
            p._data = p._data.astype(np.float64)
        return self

    def float(self) -> "Module":
        for p in self.parameters():
            p._data = p._data.astype(np.float32)
        return self

    def apply(self, fn) -> "Module":
        for m in list(self.modules())[::-1]:
            fn(m)
        return self

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, m in self._modules.items():
            child = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        main = f"{type(self).__name__}({self.extra_repr()}"
        if lines:
            main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


class _IncompatibleKeys(tuple):
    def __new__(cls, missing, unexpected):
        t = tuple.__new__(cls, (missing, unexpected))
        return t

    @property
    def missing_keys(self):
        return self[0]

    @property
    def unexpected_keys(self):
        return self[1]

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"


class Linear(Module):
    """y = x Wᵀ + b, initialised uniformly in ±1/√in_features as PyTorch does."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None, device=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        np_dtype = np.float32 if dtype is None else creation.dtypes.to_numpy(dtype)
        # reset_parameters: kaiming_uniform_(weight, a=sqrt(5)), then bias.uniform_(±1/sqrt(fan_in)),
        # with PyTorch's arithmetic for the bounds so the same seed gives the same weights
        gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
        w_bound = math.sqrt(3.0) * (gain / math.sqrt(in_features)) if in_features else 0.0
        b_bound = 1.0 / math.sqrt(in_features) if in_features else 0.0
        self.weight = Parameter(creation._finish(random.uniform(
            (out_features, in_features), -w_bound, w_bound, dtype=np_dtype).astype(np_dtype, copy=False)))
        self.bias = Parameter(creation._finish(random.uniform(
            (out_features,), -b_bound, b_bound, dtype=np_dtype).astype(np_dtype, copy=False))) if bias else None
        if not bias:
            self._parameters["bias"] = None

    def forward(self, x: Tensor) -> Tensor:
        return linalg.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    def __init__(self, *modules) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, i):
        items = list(self._modules.values())
        if isinstance(i, slice):
            return Sequential(*items[i])
        return items[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    def __init__(self, modules=()) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self


class Identity(Module):
    def forward(self, x):
        return x


class ReLU(Module):
    def forward(self, x):
        return unary.relu(x)


class Tanh(Module):
    def forward(self, x):
        return unary.tanh(x)


class Sigmoid(Module):
    def forward(self, x):
        return unary.sigmoid(x)


def _reduce(loss: Tensor, reduction_: str) -> Tensor:
    if reduction_ == "mean":
        return reduction.mean(loss)
    if reduction_ == "sum":
        return reduction.sum(loss)
    if reduction_ == "none":
        return loss
    raise ValueError(f"{reduction_} is not a valid value for reduction")


class MSELoss(Module):
    """Mean squared error, one fused MseLossBackward0 node as in PyTorch."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return loss.mse_loss(input, target, self.reduction)


class L1Loss(MSELoss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return _reduce(unary.abs(input - target), self.reduction)


class functional:  # noqa: N801 - mirrors torch.nn.functional's namespace
    relu = staticmethod(unary.relu)
    tanh = staticmethod(unary.tanh)
    sigmoid = staticmethod(unary.sigmoid)

    linear = staticmethod(linalg.linear)
    mse_loss = staticmethod(loss.mse_loss)

    @staticmethod
    def l1_loss(input, target, reduction="mean"):  # noqa: A002
        return L1Loss(reduction)(input, target)


class init:  # noqa: N801 - mirrors torch.nn.init
    @staticmethod
    def zeros_(t):
        t.detach().zero_()
        return t

    @staticmethod
    def ones_(t):
        t.detach().fill_(1.0)
        return t

    @staticmethod
    def constant_(t, value):
        t.detach().fill_(value)
        return t

    @staticmethod
    def uniform_(t, a=0.0, b=1.0):
        t.detach().uniform_(a, b)
        return t

    @staticmethod
    def normal_(t, mean=0.0, std=1.0):
        t.detach().normal_(mean, std)
        return t
