"""Containers: Sequential, ModuleList, ModuleDict, ParameterList — modules that hold modules
(or parameters) under the names "0", "1", … or the keys given, so their parameters register."""
from __future__ import annotations

import operator
from collections import OrderedDict

from engine.nn.modules.module import Module, Parameter
from engine.tensor import Tensor


def _index(i: int, n: int, kind: str) -> int:
    i = operator.index(i)
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of range")
    return i % n


def _grouped_repr(module: Module) -> str:
    """PyTorch's ModuleList/Sequential-free repr: runs of equal children print once, as
    `(0-2): 3 x Linear(...)`."""
    items = list(module._modules.items())
    lines, start = [], 0
    while start < len(items):
        child = repr(items[start][1])
        end = start
        while end + 1 < len(items) and repr(items[end + 1][1]) == child:
            end += 1
        child = child.replace("\n", "\n  ")
        if end > start:
            lines.append(f"({items[start][0]}-{items[end][0]}): {end - start + 1} x {child}")
        else:
            lines.append(f"({items[start][0]}): {child}")
        start = end + 1
    main = type(module).__name__ + "("
    if lines:
        main += "\n  " + "\n  ".join(lines) + "\n"
    return main + ")"


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
        items = list(self._modules.items())
        if isinstance(i, slice):
            return Sequential(OrderedDict(items[i]))
        return items[_index(i, len(items), "Sequential")][1]

    def __setitem__(self, i, module) -> None:
        key = list(self._modules)[_index(i, len(self), "Sequential")]
        self._modules[key] = module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, i):
        items = list(self._modules.values())
        if isinstance(i, slice):
            return ModuleList(items[i])
        return items[_index(i, len(items), "ModuleList")]

    def __setitem__(self, i, module) -> None:
        self._modules[str(_index(i, len(self), "ModuleList"))] = module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules) -> "ModuleList":
        return self.extend(modules)

    def append(self, module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules) -> "ModuleList":
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module) -> None:
        items = list(self._modules.values())
        items.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList is not callable: iterate over it and call its modules")

    __repr__ = _grouped_repr


class ModuleDict(Module):
    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str):
        return self._modules[key]

    def __setitem__(self, key: str, module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key: str):
        return self._modules.pop(key)

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules) -> None:
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, m in pairs:
            self.add_module(key, m)


class ParameterList(Module):
    def __init__(self, values=None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __getitem__(self, i):
        items = list(self._parameters.values())
        if isinstance(i, slice):
            return ParameterList(items[i])
        return items[_index(i, len(items), "ParameterList")]

    def __setitem__(self, i, value) -> None:
        self.register_parameter(str(_index(i, len(self), "ParameterList")), _as_parameter(value))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __iadd__(self, values) -> "ParameterList":
        return self.extend(values)

    def append(self, value) -> "ParameterList":
        self.register_parameter(str(len(self)), _as_parameter(value))
        return self

    def extend(self, values) -> "ParameterList":
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        lines = []
        for k, p in self._parameters.items():
            size = "x".join(str(s) for s in p.shape)
            lines.append(f"  ({k}): Parameter containing: [{p.dtype!r} of size {size}]")  # indented twice, as torch
        return "\n".join(lines)

    def __repr__(self) -> str:
        body = self.extra_repr()
        return "ParameterList(\n  " + body.replace("\n", "\n  ") + "\n)" if body else "ParameterList()"


def _as_parameter(value):
    if isinstance(value, Parameter) or not isinstance(value, Tensor):
        return value
    return Parameter(value)
