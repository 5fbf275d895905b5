"""Compiled training: `engine.compile(step_fn)` traces one eager step and runs it as one
numba function (forward, backward, optimizer update), k steps per call with `.run(k, ...)`."""
from __future__ import annotations

import sys
import types

from engine.compile.step import CompiledStep
from engine.compile.trace import Untraceable

__all__ = ["CompiledStep", "Untraceable", "compile"]


def compile(step_fn, *, background: bool = False, child_process: bool | None = None) -> CompiledStep:  # noqa: A001
    """`step_fn` compiled (torch.compile's name): the first call runs it eagerly while tracing it;
    later calls of the same structure run the generated numba function. `.reason` says why a call
    ran eagerly. `background=True` compiles while calls keep running eagerly (numba in a child
    process unless `child_process=False`), switching over at a call boundary."""
    return CompiledStep(step_fn, background=background, child_process=child_process)


class _CompileModule(types.ModuleType):
    """`engine.compile` is this package, and calling it compiles (as `torch.compile(fn)` does)."""

    def __call__(self, step_fn, **options) -> CompiledStep:
        return compile(step_fn, **options)


sys.modules[__name__].__class__ = _CompileModule
