"""Graph nodes: the recorded backward half of each forward op, and how they are wired.

A node's `next_functions` are `(node, 0)` pairs, one per forward input, exactly as in
PyTorch (`None` for an input that needs no gradient). Every node here has a single
output, so the output number is always 0. Saved tensors are kept with the version they
had when saved, so an in-place change made since is caught when backward unpacks them.
"""
from __future__ import annotations

import itertools

from engine.autograd.grad_mode import state as _grad_state

_sequence = itertools.count()

SECOND_BACKWARD_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
TENSOR_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                      "int64": "LongTensor", "int32": "IntTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class Node:
    """One backward function; subclasses name the op (`MulBackward0`) and define `apply`."""

    _saved = ()             # tuple of (tensor, version at save, grad_fn at save); None once freed
    _hooked = False         # any hook or retain_grad registered (one check on the fast path)
    _tensor_pre_hooks = None  # hooks registered on the tensor this node produced
    _retained = None        # weakref to that tensor when it called retain_grad()
    _pre_hooks = None
    _post_hooks = None
    saved_names = ()        # names of the saved tensors, for the inspector

    def name(self) -> str:
        """PyTorch's name for the node: the class name, qualified for the few nodes PyTorch writes
        in C++ (torch::autograd::AccumulateGrad). Displays use the plain class name, as PyTorch's repr does."""
        cls = type(self).__name__
        return "torch::autograd::" + cls if cls in _CPP_NODES else cls

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def apply(self, grad, F, saved):
        """Gradients for each input (aligned with next_functions) from the output's gradient.

        `grad` and `saved` are numpy arrays, or Tensors when building a graph of the
        backward pass itself (create_graph=True); `F` is the matching math namespace.
        """
        raise NotImplementedError(f"{self.name()} has no backward rule")

    # -- saved tensors ---------------------------------------------------------
    def unpack(self, as_tensors: bool):
        """The saved values, checked against in-place changes and against being freed."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(SECOND_BACKWARD_MESSAGE)
        out = []
        for tensor, version, fn in saved:
            if tensor._vc[0] != version:
                raise RuntimeError(_inplace_message(*self._first_changed()))
            out.append(tensor if as_tensors else tensor._data)
        return out

    def _first_changed(self):
        """The changed saved tensor PyTorch reports: its generated code unpacks saved variables
        in alphabetical order of their names (MulBackward0 checks `other` before `self`)."""
        names = self.saved_names if len(self.saved_names) == len(self._saved) else [""] * len(self._saved)
        changed = sorted((name, i) for i, (name, entry) in enumerate(zip(names, self._saved))
                         if entry[0]._vc[0] != entry[1])
        return self._saved[changed[0][1]]

    def release(self) -> None:
        if self._saved:
            self._saved = None

    @property
    def saved_tensors(self) -> list:
        """(name, tensor) pairs still held for backward; empty once freed."""
        if not self._saved:
            return []
        names = tuple(self.saved_names)
        kept = getattr(self, "kept", None)  # binary ops save only the operands their rule needs
        if isinstance(kept, tuple) and len(kept) == len(names):
            names = tuple(n for n, k in zip(names, kept) if k)
        if len(names) < len(self._saved):  # unnamed ones are "saved_<i>"
            names += tuple(f"saved_{i}" for i in range(len(names), len(self._saved)))
        return [(n, t) for n, (t, _, _) in zip(names, self._saved)]

    @property
    def freed(self) -> bool:
        return self._saved is None

    # -- hooks ----------------------------------------------------------------
    def register_hook(self, fn) -> "RemovableHandle":
        """fn(grad_inputs, grad_outputs) after the node runs, as PyTorch's Node.register_hook."""
        if self._post_hooks is None:
            self._post_hooks = {}
        self._hooked = True
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn) -> "RemovableHandle":
        """fn(grad_outputs) before the node runs; may return replacement gradients."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._hooked = True
        return RemovableHandle(self._pre_hooks, fn)


class AccumulateGrad(Node):
    """The sink for a leaf: adds the incoming gradient into `variable.grad`."""

    def __init__(self, variable) -> None:
        self.variable = variable
        self.next_functions = ()
        self._seq = float("inf")  # runs as soon as it is ready, as in PyTorch


class RemovableHandle:
    """Returned by register_hook; `remove()` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks: dict, fn) -> None:
        self.id = next(self._ids)
        self._hooks = hooks
        hooks[self.id] = fn

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_CPP_NODES = {"CopySlices", "CopyBackwards", "AccumulateGrad"}  # PyTorch names these torch::autograd::X


def _forward_op_name(name: str) -> str:
    """PyTorch's Node::forward_op_name: "MulBackward0" -> "Mul", "PowBackward1" -> "Pow1"."""
    if name.startswith("torch::autograd::"):
        return name
    pos = name.rfind("Backward")
    suffix = name[pos + 8:] if pos >= 0 else None
    if suffix is None or not suffix.isdigit() and suffix:
        return name
    return name[:pos] + ("" if suffix in ("", "0") else suffix)


def _inplace_message(tensor, version: int, fn) -> str:
    type_name = TENSOR_TYPE_NAMES.get(tensor._data.dtype.name, "Tensor")
    shape = ", ".join(str(s) for s in tensor._data.shape)
    origin = ""
    if fn is not None:
        op = _forward_op_name(fn.name())
        if tensor._base is not None:  # PyTorch regenerates a changed view's grad_fn as AsStridedBackward0
            op = "AsStrided"
        origin = f", which is output 0 of {op},"
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{type_name} [{shape}]]{origin} is at version {tensor._vc[0]}; "
        f"expected version {version} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


# -- building the graph during forward -----------------------------------------

def needs_grad(*tensors) -> bool:
    """True when the op's result must record history: recording is on and an input requires grad."""
    if not _grad_state.enabled:
        return False
    for t in tensors:
        if t is not None and t._rg:
            return True
    return False


def accumulate_node(leaf) -> AccumulateGrad:
    """The leaf's AccumulateGrad, shared by every graph that uses the leaf. The leaf holds it
    (PyTorch holds it weakly; a strong reference saves re-creating it on every step)."""
    node = leaf._acc
    if node is None:
        node = leaf._acc = AccumulateGrad(leaf)
    return node


def edge(t):
    """The (node, output_nr) pair through which a gradient reaches tensor `t` (or its absence)."""
    if t is None:
        return (None, 0)
    fn = t._fn
    if fn is not None:
        return (fn, 0)
    if t._rg:
        return (accumulate_node(t), 0)
    return (None, 0)


_NO_EDGE = (None, 0)


def make_node(cls, inputs, saved=()):
    """A node of type `cls` wired to `inputs` (tensors, or None for constants), saving `saved`."""
    node = cls.__new__(cls)
    edges = []
    for t in inputs:  # edge(t), inlined: this runs for every recorded op
        if t is None:
            edges.append(_NO_EDGE)
        elif t._fn is not None:
            edges.append((t._fn, 0))
        elif t._rg:
            edges.append((accumulate_node(t), 0))
        else:
            edges.append(_NO_EDGE)
    node.next_functions = tuple(edges)
    node._seq = next(_sequence)
    if saved:
        node._saved = tuple([(t, t._vc[0], t._fn) for t in saved])
    return node


def save(node, *tensors) -> None:
    """Save tensors on a node after its output exists (ops that save their own result)."""
    node._saved = tuple([(t, t._vc[0], t._fn) for t in tensors])
