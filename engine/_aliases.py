"""`import torch.nn.functional as F` when a program has made `torch` the engine
(`sys.modules["torch"] = engine`): submodules of the alias resolve to the engine's own
modules, so there is one `engine.nn` however it is imported (and one Module class)."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys


class _Existing(importlib.abc.Loader):
    def __init__(self, module) -> None:
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        pass


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds `<alias>.<sub>` as `engine.<sub>` for any top-level name bound to the engine."""

    def find_spec(self, fullname, path, target=None):
        head, _, rest = fullname.partition(".")
        if not rest or head == "engine":
            return None
        engine = sys.modules.get("engine")
        if engine is None or sys.modules.get(head) is not engine:
            return None
        module = importlib.import_module("engine." + rest)
        return importlib.util.spec_from_loader(fullname, _Existing(module))


def install() -> None:
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())
