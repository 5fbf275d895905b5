"""torch.autograd.Function: an op whose forward and backward the user writes. `Foo.apply(...)`
runs `Foo.forward` without recording and gives its outputs one `FooBackward` node, an ordinary
graph node: backward_steps runs it, the graph view draws it and the debugger steps through it.

The context passed to forward/backward (`ctx`) is held by the node as `node.ctx` (in PyTorch the
two are one object; here the node keeps the engine's `saved_tensors` (name, tensor) pairs for the
inspector, and `ctx.saved_tensors` is PyTorch's tuple).
"""
from __future__ import annotations

import functools

import numpy as np

from engine.autograd.grad_mode import enable_grad, no_grad, state as _grad_state
from engine.autograd.graph import Node, make_node
from engine.ops._operands import sum_to
from engine.tensor import Tensor, _wrap


class FunctionCtx:
    """What forward leaves for backward: saved tensors, flags, and any attributes set on it."""

    def __init__(self) -> None:
        self._node = None
        self._to_save = ()
        self._dirty = ()
        self._non_differentiable = ()
        self.materialize_grads = True
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self._to_save_forward = tensors

    @property
    def saved_tensors(self) -> tuple:
        node = self._node
        if node is None:  # still inside forward
            return tuple(self._to_save)
        values = iter(node.unpack(True)) if node._saved != () else iter(())
        return tuple(None if t is None else next(values) for t in self._to_save)

    def mark_dirty(self, *tensors) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)


class FunctionBackward(Node):
    """The node of one `Function.apply` call; each Function subclass gets its own subclass
    named `<Function>Backward` (PyTorch's name for it)."""

    _forward_cls = None
    saved_names = ()

    def apply(self, grad, F, saved):
        ctx = self.ctx
        grads = self._output_grads(grad, F)
        backward = self._forward_cls.backward
        if getattr(backward, "_once_differentiable", False) or F.plain:
            with no_grad():
                results = backward(ctx, *grads)
        else:
            with enable_grad():
                results = backward(ctx, *grads)
        return self._input_grads(results, F)

    def _output_grads(self, grad, F):
        n = len(self.out_shapes)
        slots = grad.parts if isinstance(grad, _Slots) else {0: grad}
        out = []
        for i in range(n):
            g = slots.get(i)
            if g is None and self.ctx.materialize_grads:
                g = np.zeros(self.out_shapes[i], self.out_dtypes[i])
            if g is not None and not isinstance(g, Tensor):
                g = _wrap(g)
            out.append(g)
        return out

    def _input_grads(self, results, F):
        if not isinstance(results, tuple):
            results = (results,)
        n_args = len(self.arg_is_tensor)
        if len(results) > n_args and all(r is None for r in results[n_args:]):
            results = results[:n_args]
        name = type(self).__name__
        if len(results) != n_args:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                               f"(expected {n_args}, got {len(results)})")
        out, k = [], 0
        for i, (is_tensor, r) in enumerate(zip(self.arg_is_tensor, results)):
            if not is_tensor:
                if r is not None:
                    raise RuntimeError(f"function {name} returned a gradient different than None at position "
                                       f"{i + 1}, but the corresponding forward input was not a Variable")
                continue
            shape = self.in_shapes[k]
            k += 1
            if r is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                r = _wrap(np.asarray(r))
            if tuple(r.shape) != shape:
                try:
                    np.broadcast_shapes(shape, tuple(r.shape))
                    ok = len(r.shape) >= len(shape) and np.broadcast_shapes(shape, tuple(r.shape)) == tuple(r.shape)
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(f"Function {name} returned an invalid gradient at index {k - 1} - got "
                                       f"{list(r.shape)} but expected shape compatible with {list(shape)}")
                r = sum_to(r, shape)
            out.append(r._data if F.plain else r)
        return tuple(out)


class _OutputBackward(Node):
    """Carries the gradient of output i of a multi-output Function to its node (tagged with i)."""

    def apply(self, grad, F, saved):
        return (_Slots({self.index: grad}),)


class _Slots:
    """Per-output gradients of a multi-output Function, summed as they arrive."""

    def __init__(self, parts: dict) -> None:
        self.parts = parts

    def __add__(self, other: "_Slots") -> "_Slots":
        parts = dict(self.parts)
        for i, g in other.parts.items():
            parts[i] = g if parts.get(i) is None else parts[i] + g
        return _Slots(parts)


class DelayedError(Node):
    """Stands for the backward of a @once_differentiable backward: differentiating it fails."""

    def apply(self, grad, F, saved):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


def once_differentiable(backward):
    """Mark a backward as not differentiable itself: it runs without recording, and an attempt
    to differentiate its result raises."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            results = backward(ctx, *grads)
        if not _grad_state.enabled:
            return results
        needs = any(isinstance(g, Tensor) and g._rg for g in grads)
        if not needs:
            return results
        single = not isinstance(results, tuple)
        wrapped = []
        for r in ((results,) if single else results):
            if isinstance(r, Tensor):
                node = make_node(DelayedError, [g for g in grads if isinstance(g, Tensor)])
                r = _wrap(r._data, grad_fn=node)
            wrapped.append(r)
        return wrapped[0] if single else tuple(wrapped)

    wrapper._once_differentiable = True
    return wrapper


class Function:
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`, then call
    `Foo.apply(*args)`. (Or `forward(*args)` plus `setup_context(ctx, inputs, output)`.)"""

    _backward_cls = FunctionBackward
    _output_cls = _OutputBackward

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__name__ + "Backward"
        cls._backward_cls = type(name, (FunctionBackward,), {"_forward_cls": cls})
        cls._output_cls = type(name, (_OutputBackward,), {})  # per-output carriers print the same name

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. "
                           "Please use new-style autograd function with static forward method. "
                           "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx()
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._rg for a in args)
        record = _grad_state.enabled and any(t._rg for t in tensors)
        separate_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            if separate_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        if not record:
            return output
        return _connect(cls, ctx, args, tensors, output)


def _connect(cls, ctx, args, tensors, output):
    """Give the forward's tensor outputs their node (one `<Function>Backward` for all)."""
    single = not isinstance(output, tuple)
    outputs = list((output,) if single else output)
    node = make_node(cls._backward_cls, tensors)
    node.ctx = ctx
    ctx._node = node
    node.arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    node.in_shapes = tuple(t._data.shape for t in tensors)
    dirty = {id(t) for t in ctx._dirty}
    non_diff = {id(t) for t in ctx._non_differentiable}
    inputs = {id(t) for t in tensors}
    positions = [i for i, o in enumerate(outputs) if isinstance(o, Tensor)]
    node.out_shapes = tuple(outputs[i]._data.shape for i in positions)
    node.out_dtypes = tuple(outputs[i]._data.dtype for i in positions)
    for slot, i in enumerate(positions):
        o = outputs[i]
        if id(o) in dirty:
            if o._fn is None and o._rg:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            o._vc[0] += 1
        elif id(o) in inputs:  # an input returned as is: an alias that carries the new history
            alias = _wrap(o._data)
            alias._vc = o._vc
            outputs[i] = o = alias
        if id(o) in non_diff or o._data.dtype.kind not in "fc":
            continue
        if len(positions) == 1:
            o._fn, o._rg = node, True
        else:
            carrier = make_node(cls._output_cls, ())
            carrier.next_functions = ((node, 0),)
            carrier.index = slot
            carrier._seq = node._seq
            o._fn, o._rg = carrier, True
    saved = [t for t in ctx._to_save if t is not None]
    if saved:
        node._saved = tuple((t, t._vc[0], t._fn) for t in saved)
        node.saved_names = tuple(f"saved_{i}" for i in range(len(saved)))
    return outputs[0] if single else tuple(outputs)


__all__ = ["Function", "FunctionCtx", "FunctionBackward", "once_differentiable"]
