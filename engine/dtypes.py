"""Tensor dtypes: thin names over numpy dtypes that print as PyTorch's do."""
import builtins

import numpy as np


class dtype:
    """A tensor element type; `engine.float32` prints as `torch.float32` so output matches PyTorch."""

    __slots__ = ("name", "np", "is_floating_point")

    def __init__(self, name: str, np_dtype) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
float16 = dtype("float16", np.float16)
int64 = dtype("int64", np.int64)
int32 = dtype("int32", np.int32)
uint8 = dtype("uint8", np.uint8)
bool = dtype("bool", np.bool_)  # noqa: A001 - PyTorch's name
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001

_ALL = (float32, float64, float16, int64, int32, uint8, bool)
_FROM_NP = {d.np: d for d in _ALL}
_NAMES = {d.name: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy(np_dtype) -> dtype:
    """The engine dtype for a numpy dtype; unsupported numpy types map to the nearest one."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        kind = np.dtype(np_dtype).kind
        if kind == "f":
            return float64
        if kind in "iu":
            return int64
        if kind == "b":
            return bool
        raise TypeError(f"can't convert numpy array of type {np.dtype(np_dtype)} to a tensor; "
                        "the supported types are: float64, float32, float16, int64, int32, uint8, and bool.")


def to_numpy(d) -> np.dtype:
    """Accept an engine dtype, a numpy dtype or a Python type (`float` means float32, as in PyTorch)."""
    if isinstance(d, dtype):
        return d.np
    if d is builtins.float:
        return float32.np
    if d is builtins.int:
        return int64.np
    return np.dtype(d)


# -- the default floating dtype (torch.set_default_dtype) ------------------------------------

_default_float = float32


def default_float() -> dtype:
    """The dtype Python floats and the float factories (zeros, rand, …) give: float32 unless set."""
    return _default_float


def set_default_dtype(d) -> None:
    global _default_float
    d = _FROM_NP.get(to_numpy(d)) if not isinstance(d, dtype) else d
    if d is None or d.np.kind != "f":
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def get_default_dtype() -> dtype:
    return _default_float


def is_implied(np_dtype) -> builtins.bool:
    """Whether a tensor's repr leaves its dtype out (the default float, int64 and bool)."""
    return np_dtype == _default_float.np or np_dtype == int64.np or np_dtype == bool.np
