"""Compiled training: `engine.compile(step_fn)` traces one eager step and runs it as one
numba function (forward, backward, optimizer update), k steps per call with `.run(k, ...)`."""
from __future__ import annotations

import sys
import types

from engine.compile.step import CompiledStep
from engine.compile.trace import Untraceable

__all__ = ["CompiledStep", "Untraceable", "compile"]


def compile(step_fn, *, background: bool = False) -> CompiledStep:  # noqa: A001 - torch.compile's name
    """`step_fn` compiled: the first call runs it eagerly while tracing it; later calls of the same
    structure run the generated numba function. `.reason` says why a call ran eagerly;
    `background=True` compiles in a thread while calls keep running eagerly."""
    return CompiledStep(step_fn, background=background)


class _CompileModule(types.ModuleType):
    """`engine.compile` is this package, and calling it compiles (as `torch.compile(fn)` does)."""

    def __call__(self, step_fn, **options) -> CompiledStep:
        return compile(step_fn, **options)


sys.modules[__name__].__class__ = _CompileModule
