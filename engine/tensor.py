"""Tensor: a numpy array plus the autograd state PyTorch keeps beside it.

Operators and math methods are bound in `engine/ops/__init__.py` (one table); this file
holds what a tensor *is*: its data, `requires_grad`, `grad`, `grad_fn`, version counter,
hooks, conversions and printing.
"""
from __future__ import annotations

import warnings

import numpy as np

import engine.autograd as _autograd
from engine import dtypes
from engine._tensor_str import tensor_repr
from engine.autograd.graph import TENSOR_TYPE_NAMES, RemovableHandle
from engine.autograd.grad_mode import state as _grad_state

_ndarray = np.ndarray

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at "
    "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)


_warned_scalar = False


def _warn_scalar_of_requires_grad_once() -> None:
    """PyTorch's once-per-process warning for float() of a tensor that requires grad."""
    global _warned_scalar
    if not _warned_scalar:
        _warned_scalar = True
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                      "Consider using tensor.detach() first. (Triggered internally at "
                      "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)",
                      UserWarning, stacklevel=3)


class Size(tuple):
    """A shape; prints as `torch.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """A device name as PyTorch parses it (`device("cuda:1")`, `device("cuda", 0)`); only the CPU
    holds tensors here: moving one elsewhere raises PyTorch's not-compiled-with message."""

    def __init__(self, type="cpu", index=None) -> None:  # noqa: A002 - PyTorch's names
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        spec = str(type)
        kind, _, number = spec.partition(":")
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                               f"string: {spec}")
        if number:
            if index is not None:
                raise RuntimeError("type (string) must not include an index because index was passed "
                                   f"explicitly: {spec}")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{spec}'")
            index = int(number)
        self.type, self.index = kind, index

    def check_available(self) -> "device":
        """Raise as PyTorch's CPU build does when a tensor is put on this device."""
        if self.type == "cuda":
            raise AssertionError("Torch not compiled with CUDA enabled")
        if self.type != "cpu" and self.type != "meta":
            raise RuntimeError(f"PyTorch is not linked with support for {self.type} devices")
        return self

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


CPU = device()


class Tensor:
    """An n-dimensional array that can record the operations applied to it."""

    # Class-level defaults keep tensor creation cheap: a result sets only what differs.
    _rg = False      # requires_grad
    _fn = None       # grad_fn
    _grad = None
    _acc = None      # this leaf's AccumulateGrad node
    _hooks = None    # hooks of a leaf (a non-leaf's live on its grad_fn)
    _retains = False
    _base = None     # the tensor this one is a view of
    __array_ufunc__ = None  # make `ndarray * tensor` defer to Tensor.__rmul__

    def __init__(self, *args, dtype=None, device=None, requires_grad=False) -> None:
        """`Tensor([2.])` copies data as float32; `Tensor(2, 3)` makes a (zeroed) 2×3 tensor."""
        if device is not None:
            globals()["device"](device).check_available()
        np_dtype = dtypes.to_numpy(dtype) if dtype is not None else dtypes.default_float().np
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            arg = args[0]
            data = arg._data if isinstance(arg, Tensor) else arg
            data = np.array(data, dtype=np_dtype)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
            data = np.zeros(tuple(int(s) for s in shape), dtype=np_dtype)
        self._data = data
        self._vc = [0]
        if requires_grad:
            self.requires_grad_(True)

    # -- autograd state ---------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if self._fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use "
                    "a computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._rg = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._fn

    @property
    def is_leaf(self) -> bool:
        return self._fn is None

    @property
    def grad(self):
        if self._fn is not None and not self._retains and self._grad is None:
            # PyTorch warns only while there is nothing to return (backward(inputs=[t]) fills it)
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def retain_grad(self) -> None:
        """Keep this non-leaf's gradient in `.grad` after backward (a no-op on leaves)."""
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._fn is None or self._retains:
            return
        import weakref
        self._retains = True
        self._fn._retained = weakref.ref(self)
        self._fn._hooked = True

    def register_hook(self, hook) -> RemovableHandle:
        """hook(grad) runs when this tensor's gradient is computed; it may return a replacement."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._fn is None:  # a leaf: its AccumulateGrad runs the hooks
            if self._hooks is None:
                self._hooks = {}
            return RemovableHandle(self._hooks, hook)
        fn = self._fn
        if fn._tensor_pre_hooks is None:
            fn._tensor_pre_hooks = {}
        fn._hooked = True
        return RemovableHandle(fn._tensor_pre_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    @property
    def _version(self) -> int:
        return self._vc[0]

    # -- detaching ----------------------------------------------------------------
    def detach(self) -> "Tensor":
        """Same storage and version counter, no history."""
        t = _wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self) -> "Tensor":
        self._fn = None
        self._rg = False
        return self

    @property
    def data(self) -> "Tensor":
        """Same storage, no history, and its own version counter: in-place changes made through
        it are invisible to autograd's checks (why `.data` is riskier than `detach()`)."""
        return _wrap(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    # -- metadata -----------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[dim]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy(self._data.dtype)

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.itemsize

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def contiguous(self) -> "Tensor":
        """Itself when its elements are in row-major order already, else a copy (CloneBackward0)."""
        return self if self._data.flags.c_contiguous else self.clone()

    def stride(self, dim: int | None = None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    # -- conversion -----------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        if self._rg:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        if self._rg:
            _warn_scalar_of_requires_grad_once()
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = object.__hash__

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def to(self, *args, **kwargs) -> "Tensor":
        """`.to(dtype)`, `.to('cpu')`, `.to(other_tensor)`; only a dtype change does anything."""
        target = kwargs.get("dtype")
        for a in args:
            if isinstance(a, dtypes.dtype):
                target = a
            elif isinstance(a, Tensor):
                target = a.dtype
            else:
                device(a).check_available()
        if kwargs.get("device") is not None:
            device(kwargs["device"]).check_available()
        return self if target is None else self.type(target)

    def type(self, dtype=None):
        if dtype is None:
            return "torch." + TENSOR_TYPE_NAMES.get(self._data.dtype.name, "Tensor")
        from engine.ops.copies import to_dtype
        return to_dtype(self, dtype)

    def float(self) -> "Tensor":
        return self.type(dtypes.float32)

    def double(self) -> "Tensor":
        return self.type(dtypes.float64)

    def long(self) -> "Tensor":
        return self.type(dtypes.int64)

    def int(self) -> "Tensor":
        return self.type(dtypes.int32)

    def bool(self) -> "Tensor":
        return self.type(dtypes.bool)

    def half(self) -> "Tensor":
        return self.type(dtypes.float16)

    # -- printing -----------------------------------------------------------------------
    def __repr__(self) -> str:
        suffixes = []
        if self._fn is not None:
            suffixes.append(f"grad_fn=<{type(self._fn).__name__}>")
        elif self._rg and _grad_state.enabled or self._rg and self._fn is None:
            suffixes.append("requires_grad=True")
        return tensor_repr(self._data, dtype_name=repr(self.dtype),
                           default_dtype=dtypes.is_implied(self._data.dtype), suffixes=suffixes)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:  # f"{loss}" of a 0-d tensor prints the number, as in PyTorch
            return self._data.item().__format__(spec)
        return repr(self)


def _wrap(data, requires_grad: bool = False, grad_fn=None) -> Tensor:
    """A tensor around `data` without copying (the fast path every op uses)."""
    t = object.__new__(Tensor)
    if type(data) is not _ndarray:
        data = np.asarray(data)
    t._data = data
    t._vc = [0]
    if grad_fn is not None:
        t._rg = True
        t._fn = grad_fn
    elif requires_grad:
        t._rg = True
    return t


def _result(data, grad_fn) -> Tensor:
    """An op's output that records history (positional and minimal: every recorded op calls it)."""
    t = _new(Tensor)
    if type(data) is not _ndarray:
        data = np.asarray(data)
    t._data = data
    t._vc = [0]
    t._rg = True
    t._fn = grad_fn
    return t


_new = object.__new__
