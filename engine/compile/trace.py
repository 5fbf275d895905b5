"""The tracer: runs one eager step while recording every op call at the op layer (op, inputs,
constants, attributes, output shape/dtype), backward(), optimizer.step() and zero_grad().

The op table's rows report their calls through `elementwise.trace_hook` (however they were
reached: the expression parser holds references made before any trace); the other ops are
intercepted by temporarily wrapping them wherever they are bound (the ops modules, Tensor's
methods, `engine.*`, `nn.functional`), on the tracing thread only. An op that calls other ops
is kept whole when it has a template, else replaced by the ops it called (`linear` = `t` +
`addmm`), else the trace fails with a reason.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import engine
from engine import optim
from engine.ops import elementwise
from engine.tensor import Tensor


def _op_modules() -> list:
    """The modules of engine/ops that define ops (all but the helpers)."""
    import importlib
    import pkgutil

    import engine.ops as ops
    names = [m.name for m in pkgutil.iter_modules(ops.__path__)
             if not m.name.startswith("_") and m.name not in ("backward_math", "views")]
    return [importlib.import_module(f"engine.ops.{name}") for name in sorted(names)]
# ops that only call other ops (and do no arithmetic of their own): their children are recorded
COMPOSITIONS = {"linear", "matmul", "rmatmul", "rdiv", "square", "expand_as", "flatten", "reshape",
                "clamp_min", "clamp_max", "rpow", "contiguous", "getitem"}
# calls that read a value into Python: what follows may depend on it
_VALUE_READS = ("item", "__bool__", "__float__", "__int__", "tolist", "__index__")
# methods outside the op layer that compute from a tensor's values: not compiled
_UNCOMPILED_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "eq", "ne", "lt", "le", "gt",
                       "ge", "all", "any", "isnan", "isinf", "isfinite", "__and__", "__or__", "__invert__")
_RANDOM_FUNCTIONS = ("rand", "randn", "randint", "randperm", "normal", "multinomial", "rand_like", "randn_like")


class Untraceable(Exception):
    """The step cannot be compiled; the message says why, for the user. `transient`: a later
    call may compile (state the first step creates, such as .grad or momentum buffers)."""

    def __init__(self, reason: str, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


@dataclass(eq=False)
class Value:
    """A tensor of the traced step: where its data lives (kind) and its shape and dtype."""
    kind: str            # "op" (computed in the step), "param", "grad", "arg", "const", "state"
    shape: tuple
    dtype: np.dtype
    index: int = -1      # arg position, or param number for "param"/"grad"
    tensor: Any = None   # the eager tensor (params, consts) whose buffer is bound at each call
    requires_grad: bool = False
    alias_of: "Value | None" = None  # a view with the same elements in the same order

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


@dataclass(eq=False)
class Record:
    """One op call: name, operands (Values or Python constants), keyword attributes, result."""
    op: str
    args: list
    kwargs: dict
    out: Any = None          # Value (or None for in-place ops: the target changes)
    grad_enabled: bool = True
    inplace: bool = False
    in_arrays: list = field(default_factory=list)  # the eager arrays (for view index maps)
    out_array: Any = None


@dataclass
class Event:
    kind: str                # "op", "backward", "optim_step", "zero_grad", "grad_none"
    record: Record | None = None
    root: Value | None = None
    optimizer: Any = None
    set_to_none: bool = True


class _Call:
    __slots__ = ("name", "args", "kwargs", "children", "result", "grad_enabled", "in_arrays")

    def __init__(self, name, args, kwargs, grad_enabled):
        self.name, self.args, self.kwargs = name, args, kwargs
        self.children, self.result, self.grad_enabled = [], None, grad_enabled
        self.in_arrays = None


class Trace:
    """What one eager run of the step did, in order."""

    def __init__(self, args: tuple, has_template) -> None:
        self.thread = threading.get_ident()
        self.args = args
        self.has_template = has_template
        self.events: list[Event] = []
        self.params: list[Tensor] = []          # parameters in first-use order
        self.values: dict[int, Value] = {}      # id(ndarray) -> Value
        self._keep: list = []                   # arrays held so ids stay unique during the trace
        self._stack: list[_Call] = []
        self.reason: str | None = None
        self.optimizers: list = []
        self.grad_start: list[bool] = []       # per param: had a .grad when the step began
        self.state_start: dict[int, bool] = {}  # id(param) -> had optimizer state when the step began
        self.result = None

    def fail(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    # -- op calls -----------------------------------------------------------------
    def call(self, name, fn, args, kwargs):
        c = _Call(name, args, kwargs, engine.is_grad_enabled())
        c.in_arrays = [a._data for a in _tensors(args, kwargs)]
        parent = self._stack[-1] if self._stack else None
        self._stack.append(c)
        try:
            c.result = fn(*args, **kwargs)
        finally:
            self._stack.pop()
        if parent is not None:
            parent.children.append(c)
        else:
            self._flatten(c)
        return c.result

    def _flatten(self, c: _Call) -> None:
        if self.reason is not None:
            return
        if self.has_template(c.name, c.args, c.kwargs):
            self._record(c)
        elif c.children and c.name in COMPOSITIONS:
            for child in c.children:
                self._flatten(child)
        elif c.name in ("contiguous",) or (c.name == "getitem" and not c.children):
            self._record(c)  # templates decide (may fail below)
        else:
            self.fail(f"the op '{c.name}' has no compiled template")

    def _record(self, c: _Call) -> None:
        args = [self.value_of(a) if isinstance(a, Tensor) else a for a in c.args]
        kwargs = {k: self.value_of(v) if isinstance(v, Tensor) else v for k, v in c.kwargs.items()}
        if any(isinstance(a, (list, tuple)) and any(isinstance(t, Tensor) for t in a) for a in c.args):
            self.fail(f"the op '{c.name}' takes a list of tensors, which is not compiled")
            return
        rec = Record(c.name, args, kwargs, grad_enabled=c.grad_enabled, in_arrays=c.in_arrays)
        # whether each operand took part in autograd (`w.data` is w's buffer, but not w's history)
        rec.arg_rg = [isinstance(a, Tensor) and a._rg and c.grad_enabled for a in c.args]
        result = c.result
        if isinstance(result, tuple):
            self.fail(f"the op '{c.name}' returns several tensors, which is not compiled")
            return
        if not isinstance(result, Tensor):
            self.fail(f"the op '{c.name}' returns {type(result).__name__}, which is not compiled")
            return
        if c.name.endswith("_") or c.name.startswith("__i"):
            rec.inplace = True
            rec.out = args[0]
            if isinstance(rec.out, Value) and rec.out.kind == "const":
                self.fail(f"'{c.name}' writes into a tensor the step does not own")
        else:
            data = result._data
            if id(data) in self.values:  # an op that returns its input (e.g. contiguous)
                rec.out = self.values[id(data)]
                return
            out = Value("op", tuple(data.shape), data.dtype, requires_grad=result._rg)
            self._register(data, out)
            rec.out = out
            rec.out_array = data
        self.events.append(Event("op", rec))

    def _register(self, data, value: Value) -> None:
        self._keep.append(data)
        self.values[id(data)] = value

    def value_of(self, t: Tensor) -> Value:
        """The Value of a tensor met in the step: by its buffer, so `w.data` and `w.detach()` are `w`."""
        data = t._data
        v = self.values.get(id(data))
        if v is not None:
            return v
        for i, a in enumerate(self.args):
            if isinstance(a, Tensor) and a._data is data:
                v = Value("arg", tuple(data.shape), data.dtype, index=i)
                break
        else:
            owner = self._grad_owner(data)
            if owner is not None:
                v = Value("grad", tuple(data.shape), data.dtype, index=self.param_index(owner))
            elif t._fn is None and t._rg:
                v = Value("param", tuple(data.shape), data.dtype, index=self.param_index(t), tensor=t,
                          requires_grad=True)
            elif t._fn is not None:
                self.fail("the step uses a tensor computed before it (its graph comes from outside the step)")
                v = Value("const", tuple(data.shape), data.dtype, tensor=t)
            else:
                if data.base is not None and any(data.base is p._data for p in self.params):
                    self.fail("the step reads a view of a parameter made outside the step")
                v = Value("const", tuple(data.shape), data.dtype, tensor=t)
        self._register(data, v)
        return v

    def param_index(self, p: Tensor) -> int:
        for i, q in enumerate(self.params):
            if q is p:
                return i
        self.params.append(p)
        self.grad_start.append(p._grad is not None)
        return len(self.params) - 1

    def _grad_owner(self, data):
        for p in self._known_params():
            if p._grad is not None and p._grad._data is data:
                return p
        return None

    def _known_params(self):
        yield from self.params
        for opt in self.optimizers:
            for group in opt.param_groups:
                yield from group["params"]

    # -- backward, optimizers ----------------------------------------------------------
    def backward(self, root: Tensor, gradient, retain_graph, create_graph, inputs) -> None:
        if create_graph:
            self.fail("backward(create_graph=True) is not compiled")
        elif gradient is not None or inputs is not None:
            self.fail("backward() with a gradient or inputs argument is not compiled")
        elif root._data.size != 1:
            self.fail("backward() of a non-scalar is not compiled")
        else:
            hooked = _hooked_in_graph(root)
            if hooked:
                self.fail(hooked)
        if self.reason is None:
            self.events.append(Event("backward", root=self.value_of(root)))

    def grad_assigned(self, t: Tensor, value) -> None:
        if value is not None:
            self.fail("assigning a tensor to .grad is not compiled")
        elif t._fn is None and t._rg:
            index = self.param_index(t)  # registered (with its state) before the change
            self.events.append(Event("grad_none", root=index))

    def optimizer_step(self, opt) -> None:
        self._register_optimizer(opt)
        self.events.append(Event("optim_step", optimizer=opt))

    def zero_grad(self, opt, set_to_none: bool) -> None:
        self._register_optimizer(opt)
        self.events.append(Event("zero_grad", optimizer=opt, set_to_none=set_to_none))

    def _register_optimizer(self, opt) -> None:
        if not any(o is opt for o in self.optimizers):
            self.optimizers.append(opt)
            for group in opt.param_groups:
                for p in group["params"]:
                    self.param_index(p)
                    self.state_start[id(p)] = p in opt.state


def _tensors(args, kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, Tensor):
            yield a


def _hooked_in_graph(root: Tensor) -> str | None:
    """Why the graph behind `root` cannot be compiled (hooks, retain_grad), or None."""
    from engine.autograd.engine import reachable_nodes
    if root._fn is None:
        return None
    for node in reachable_nodes([root._fn]):
        if node._retained is not None:
            return "retain_grad() is not compiled"
        if node._hooked or node._tensor_pre_hooks or node._pre_hooks or node._post_hooks:
            return "a tensor hook (register_hook) is not compiled"
        var = getattr(node, "variable", None)
        if var is not None and var._hooks:
            return "a tensor hook (register_hook) is not compiled"
    return None


# -- interception ----------------------------------------------------------------------

_active: Trace | None = None
_lock = threading.Lock()


def _op_functions() -> dict:
    """Every public op function by name (the first binding of each function object)."""
    found = {}
    rows = set(elementwise.METHODS.values())  # the op table's rows report through its trace hook
    for module in _op_modules():
        for name, fn in vars(module).items():
            if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) == module.__name__ \
                    and not isinstance(fn, type) and fn not in rows:
                found.setdefault(fn, name)
    for name, fn in Tensor.__dict__.items():
        if callable(fn) and name in ("__getitem__", "__setitem__"):
            found.setdefault(fn, name.strip("_"))
    return found


def _wrapper(name, fn):
    def traced(*args, **kwargs):
        tr = _active
        if tr is None or threading.get_ident() != tr.thread:
            return fn(*args, **kwargs)
        return tr.call(name, fn, args, kwargs)
    traced.__wrapped__ = fn
    return traced


class _RowHook:
    """elementwise.trace_hook while tracing: a row op reports its call, and runs its body when
    the tracer calls it back (`entering`)."""

    result = None

    def __init__(self) -> None:
        self.entering = False

    def __call__(self, name, op, args, kwargs=None) -> bool:
        tr = _active
        if tr is None or threading.get_ident() != tr.thread:
            return False
        if self.entering:
            self.entering = False
            return False
        self.entering = True
        try:
            self.result = tr.call(name, op, args, kwargs or {})
        finally:
            self.entering = False
        return True


def _value_read(name, fn):
    def traced(self, *args, **kwargs):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread and id(self._data) in tr.values \
                and tr.values[id(self._data)].kind in ("op", "grad", "param"):
            tr.fail(f"the step reads a tensor's value into Python ({name}()): control flow may depend on it")
        return fn(self, *args, **kwargs)
    traced.__wrapped__ = fn
    return traced


def _uncompiled(name, fn, message):
    def traced(*args, **kwargs):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread and (
                name in _RANDOM_FUNCTIONS or any(id(t._data) in tr.values for t in _tensors(args, kwargs))):
            tr.fail(message.format(name))
        return fn(*args, **kwargs)
    traced.__wrapped__ = fn
    return traced


def run_traced(step_fn, args, kwargs, has_template) -> Trace:
    """Run `step_fn(*args, **kwargs)` eagerly while recording it; returns the Trace (its
    `reason` says why it cannot be compiled, when it cannot)."""
    global _active
    with _lock:  # one trace at a time: the interception is process-wide
        tr = Trace(args, has_template)
        patches = _install()
        _active = tr
        try:
            tr.result = step_fn(*args, **kwargs)
        finally:
            _active = None
            _uninstall(patches)
    return tr


def _install() -> list:
    fns = _op_functions()
    wrappers = {fn: _wrapper(name, fn) for fn, name in fns.items()}
    fn_dicts, fn_classes = _functional_namespaces()
    namespaces = [vars(m) for m in _op_modules()] + [vars(engine)] + fn_dicts
    patches = []
    for ns in namespaces:
        for key, val in list(ns.items()):
            w = wrappers.get(val) if callable(val) else None
            if w is not None:
                patches.append((ns, key, val))
                ns[key] = w
    for cls in (Tensor, *fn_classes):
        for key, val in list(vars(cls).items()):
            fn = val.__func__ if isinstance(val, staticmethod) else val
            w = wrappers.get(fn) if callable(fn) else None
            if w is not None:
                patches.append((cls, key, val))
                setattr(cls, key, staticmethod(w) if isinstance(val, staticmethod) else w)
    # the op table's rows call this hook themselves, however they were reached
    patches.append((vars(elementwise), "trace_hook", None))
    elementwise.trace_hook = _RowHook()
    for key in _VALUE_READS:
        val = Tensor.__dict__[key]
        patches.append((Tensor, key, val))
        setattr(Tensor, key, _value_read(key, val))
    for key in _UNCOMPILED_METHODS:
        val = Tensor.__dict__.get(key)
        if val is not None:
            patches.append((Tensor, key, val))
            setattr(Tensor, key, _uncompiled(key, val, "'{0}' is not compiled"))
    for key in _RANDOM_FUNCTIONS:
        val = vars(engine).get(key)
        if val is not None:
            patches.append((vars(engine), key, val))
            vars(engine)[key] = _uncompiled(key, val, "random numbers drawn inside the step ({0}) are not compiled")
    # backward and the optimizers
    orig_backward = Tensor.backward

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread:
            tr.backward(self, gradient, retain_graph, create_graph, inputs)
        return orig_backward(self, gradient, retain_graph, create_graph, inputs)
    patches.append((Tensor, "backward", orig_backward))
    Tensor.backward = backward
    orig_grad = Tensor.__dict__["grad"]

    def set_grad(self, value):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread:
            tr.grad_assigned(self, value)
        orig_grad.fset(self, value)
    patches.append((Tensor, "grad", orig_grad))
    Tensor.grad = property(orig_grad.fget, set_grad, doc=orig_grad.__doc__)
    for cls in (optim.SGD, optim.Adam):
        orig_step = cls.__dict__["step"]
        patches.append((cls, "step", orig_step))
        setattr(cls, "step", _optimizer_step(orig_step))
    orig_zero = optim.Optimizer.__dict__["zero_grad"]
    patches.append((optim.Optimizer, "zero_grad", orig_zero))
    optim.Optimizer.zero_grad = _zero_grad(orig_zero)
    return patches


def _optimizer_step(orig):
    def step(self, closure=None):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread:
            if closure is not None:
                tr.fail("optimizer.step(closure) is not compiled")
            tr.optimizer_step(self)
        return orig(self, closure)
    return step


def _zero_grad(orig):
    def zero_grad(self, set_to_none: bool = True):
        tr = _active
        if tr is not None and threading.get_ident() == tr.thread:
            tr.zero_grad(self, set_to_none)
        return orig(self, set_to_none)
    return zero_grad


def _functional_namespaces() -> tuple[list, list]:
    """(module dicts, classes) of `nn` and `nn.functional`, whichever each is."""
    import types

    from engine import nn
    dicts, classes = [], []
    for ns in (nn, getattr(nn, "functional", None)):
        if isinstance(ns, types.ModuleType):
            dicts.append(vars(ns))
        elif ns is not None:
            classes.append(ns)
    return dicts, classes


def _uninstall(patches) -> None:
    for target, key, val in reversed(patches):
        if isinstance(target, dict):
            target[key] = val
        else:
            setattr(target, key, val)
