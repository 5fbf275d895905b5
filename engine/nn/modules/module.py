"""Module and Parameter: attribute registration, traversal, state dicts, train/eval, and the
global forward hooks the graph view uses to learn which module made which op."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from engine.autograd.graph import RemovableHandle
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
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
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
        elif name in self.__dict__.get("_buffers", ()):
            self._buffers[name] = value
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
        if name in d.get("_buffers", ()):
            return d["_buffers"][name]
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

    register_module = add_module

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """A tensor that is state but not a parameter (a loss's class weights, running stats)."""
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def register_forward_pre_hook(self, hook) -> RemovableHandle:
        """hook(module, args) before this module's forward; may return replacement args."""
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook) -> RemovableHandle:
        """hook(module, args, output) after this module's forward; may return a replacement output."""
        return RemovableHandle(self._forward_hooks, hook)

    def named_buffers(self, prefix: str = "", recurse: bool = True):
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for mname, module in modules:
            for bname, b in module.__dict__.get("_buffers", {}).items():
                if b is not None:
                    yield (f"{mname}.{bname}" if mname else bname), b

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args, **kwargs):
        if not (_global_forward_pre_hooks or _global_forward_hooks or self._forward_pre_hooks
                or self._forward_hooks):
            return self.forward(*args, **kwargs)
        # global hooks first, then the module's own, as PyTorch runs them
        for hook in list(_global_forward_pre_hooks.values()) + list(self._forward_pre_hooks.values()):
            replaced = hook(self, args)
            if replaced is not None:
                args = replaced if isinstance(replaced, tuple) else (replaced,)
        output = self.forward(*args, **kwargs)
        for hook in list(_global_forward_hooks.values()) + list(self._forward_hooks.values()):
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

    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name: each module's own, then its children's."""
        out = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                out[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        own = self.state_dict(keep_vars=True)
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
        from engine.tensor import device
        for a in list(args) + [kwargs.get("device")]:
            if isinstance(a, (str, device)):
                device(a).check_available()
        return self

    def cpu(self) -> "Module":
        return self

    def cuda(self, device=None) -> "Module":
        from engine import cuda
        cuda._lazy_init()
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
        """fn on every child (depth first, in order), then on this module, as PyTorch orders it."""
        for m in self.children():
            m.apply(fn)
        fn(self)
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
