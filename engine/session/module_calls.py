"""Which `nn.Module` call made which graph node: a recorder of Module calls made while it is open.

Each call is remembered with the range of autograd sequence numbers it used, so a node created
inside it is known by its `_seq`. Only calls from the thread that opened the recorder count:
training may be calling the same model on another thread at the same time.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from engine import nn
from engine.autograd import graph as _graph


@dataclass(eq=False)
class ModuleCall:
    """One call of a module: its name, where it sits among other calls, and its node range."""

    module: nn.Module
    key: str                 # unique among the calls ("layers.0", "layers.0#2" for a second call)
    path: str                # the module's dotted name ("layers.0"), or its type name if it has none
    type_name: str           # "Linear"
    parent: "ModuleCall | None"
    depth: int
    first_seq: int           # nodes made by this call have first_seq < node._seq < last_seq
    last_seq: int = -1
    args: tuple = ()
    output: object = None
    children: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.type_name if self.path == self.type_name else f"{self.path}: {self.type_name}"

    def owns(self, seq) -> bool:
        return self.first_seq < seq < self.last_seq


class ModuleCallRecorder:
    """`with ModuleCallRecorder({"model": model}) as calls: loss = loss_fn(model(x), y)`

    `named` maps a name to a root module; its submodules are named by their dotted paths (the
    root itself by the given name). Modules outside every root are named by their type.
    """

    def __init__(self, named: dict | None = None) -> None:
        self.calls: list[ModuleCall] = []
        self._names: dict[int, str] = {}
        for root_name, root in (named or {}).items():
            for path, module in root.named_modules():
                self._names.setdefault(id(module), path or root_name)
        self._stack: list[ModuleCall] = []
        self._keys: dict[str, int] = {}
        self._thread = None
        self._handles = ()

    def __enter__(self) -> "ModuleCallRecorder":
        self._thread = threading.get_ident()
        self._handles = (nn.register_module_forward_pre_hook(self._before),
                         nn.register_module_forward_hook(self._after))
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._stack.clear()

    def _before(self, module, args) -> None:
        if threading.get_ident() != self._thread:
            return
        type_name = type(module).__name__
        path = self._names.get(id(module), type_name)
        count = self._keys.get(path, 0) + 1
        self._keys[path] = count
        parent = self._stack[-1] if self._stack else None
        call = ModuleCall(module, path if count == 1 else f"{path}#{count}", path, type_name, parent,
                          len(self._stack), next(_graph._sequence), args=args)
        if parent is not None:
            parent.children.append(call)
        self.calls.append(call)
        self._stack.append(call)

    def _after(self, module, args, output) -> None:
        if threading.get_ident() != self._thread or not self._stack or self._stack[-1].module is not module:
            return
        call = self._stack.pop()
        call.last_seq = next(_graph._sequence)
        call.output = output

    def innermost(self, seq) -> ModuleCall | None:
        """The deepest finished call that made the node with sequence number `seq`."""
        best = None
        for call in self.calls:
            if call.last_seq >= 0 and call.owns(seq) and (best is None or call.depth > best.depth):
                best = call
        return best
