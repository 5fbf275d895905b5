"""Autograd: backward and grad (both draining the `backward_steps` generator), grad modes,
and the functional helpers."""
from __future__ import annotations

import numpy as np

from engine.autograd.engine import BackwardStep, HookCall, backward_steps
from engine.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from engine.autograd.graph import AccumulateGrad, Node, RemovableHandle
from engine.tensor import Size, Tensor, _wrap

__all__ = ["backward", "grad", "backward_steps", "BackwardStep", "HookCall", "no_grad",
           "enable_grad", "set_grad_enabled", "is_grad_enabled", "Node", "AccumulateGrad",
           "RemovableHandle", "functional", "gradcheck", "gradgradcheck", "prepare_roots", "Function",
           "once_differentiable"]


_ONES: dict = {}


def _ones(shape, dtype) -> np.ndarray:
    """A shared read-only ones array: the implicit seed gradient of `loss.backward()`."""
    key = (shape, dtype)
    arr = _ONES.get(key)
    if arr is None:
        arr = _ONES[key] = np.ones(shape, dtype)
        arr.flags.writeable = False
    return arr


def _as_list(x):
    if x is None:
        return None
    return [x] if isinstance(x, Tensor) else list(x)


def prepare_roots(tensors, grad_tensors, create_graph: bool):
    """Check roots and build their seed gradients, with PyTorch's messages."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    seeds = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if g is None:
            if t._rg and t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g_data = np.ones_like(t._data)
        else:
            g_data = g._data if isinstance(g, Tensor) else np.asarray(g, dtype=t._data.dtype)
            if g_data.shape != t._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                                   f"{Size(g_data.shape)!r} and output[{i}] has a shape of "
                                   f"{Size(t._data.shape)!r}.")
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if create_graph:
            seeds.append(g if isinstance(g, Tensor) else _wrap(g_data))
        else:
            seeds.append(g_data)
    return tensors, seeds


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    """Accumulate gradients of `tensors` into the leaves' `.grad` (PyTorch's autograd.backward)."""
    t = tensors
    if grad_tensors is None and inputs is None and not create_graph and getattr(t, "_rg", False) \
            and t._data.size == 1:
        # the common `loss.backward()`: skip the general argument handling
        roots, seeds = (t,), (_ones(t._data.shape, t._data.dtype),)
    else:
        roots, seeds = prepare_roots(tensors, grad_tensors, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _as_list(inputs)
    if inputs is not None and not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if create_graph:
        _warn_reference_cycle_once()
    for _ in backward_steps(roots, seeds, retain_graph, create_graph, inputs=inputs, record=False):
        pass


_warned_cycle = False


def _warn_reference_cycle_once() -> None:
    """PyTorch's once-per-process warning for backward(create_graph=True)."""
    global _warned_cycle
    if not _warned_cycle:
        _warned_cycle = True
        import warnings
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter "
            "and its gradient which can cause a memory leak. We recommend using autograd.grad when creating "
            "the graph to avoid this. If you have to use this function, make sure to reset the .grad fields "
            "of your parameters to None after use to break the cycle and avoid the leak. (Triggered internally "
            "at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)", UserWarning, stacklevel=3)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of `outputs` with respect to `inputs`, returned instead of accumulated."""
    inputs = _as_list(inputs)
    for t in inputs:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots, seeds = prepare_roots(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    captured: dict = {}
    for _ in backward_steps(roots, seeds, retain_graph, create_graph, inputs=inputs,
                            accumulate=False, captured=captured, record=False):
        pass
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used "
                                   "in the graph. Set allow_unused=True if this is the desired behavior.")
            result.append(_wrap(np.zeros_like(t._data)) if materialize_grads else None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(_wrap(np.array(g, dtype=t._data.dtype, copy=True)))
    return tuple(result)


def __getattr__(name):
    # functional and the gradient checks import the whole engine; load them on first use.
    # The checks live in `checks`, not `gradcheck`: a submodule named gradcheck would become
    # the package attribute on import and shadow the function `autograd.gradcheck`.
    import importlib
    if name in ("functional", "function"):
        return importlib.import_module(f"engine.autograd.{name}")
    if name in ("gradcheck", "gradgradcheck", "GradcheckError"):
        return getattr(importlib.import_module("engine.autograd.checks"), name)
    if name in ("Function", "FunctionCtx", "once_differentiable"):
        return getattr(importlib.import_module("engine.autograd.function"), name)
    raise AttributeError(f"module 'engine.autograd' has no attribute {name!r}")
