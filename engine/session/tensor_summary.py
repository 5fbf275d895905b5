"""Short, readable text for tensor values and gradients: what the graph view, the inspector and the
debugger print (numbers as PyTorch prints them, statistics instead of pages for big arrays)."""
from __future__ import annotations

import numpy as np

from engine.session.i18n import translate

SMALL = 12  # arrays with at most this many elements are printed in full


def number(value) -> str:
    """One value as PyTorch prints it: `7.`, `0.3333`, `1.2346e+06`, `nan`, `inf`."""
    v = float(value)
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-4):
        return np.format_float_scientific(v, precision=4, trim="-")
    return np.format_float_positional(v, precision=4, trim=".")


def _array(a) -> np.ndarray:
    """A numpy array from an array, a number or a Tensor (gradients are Tensors under create_graph)."""
    return np.asarray(getattr(a, "_data", a))


def values(a) -> str:
    """The elements of a small array in nested brackets, or a short prefix of a big one."""
    a = _array(a)
    if a.ndim == 0:
        return number(a)
    if a.size <= SMALL:
        return _nested(a)
    flat = a.reshape(-1)
    return "[" + ", ".join(number(v) for v in flat[:6]) + ", …]"


def _nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return number(a)
    return "[" + ", ".join(_nested(row) for row in a) + "]"


def statistics(a) -> str:
    """min / mean / max / norm of an array (float64 so a float32 sum cannot overflow), and how
    many elements are NaN or Inf."""
    a = _array(a).astype(np.float64)
    finite = np.isfinite(a)
    parts = []
    if finite.any():
        f = a[finite]
        parts.append(translate("graph", "min {0}  mean {1}  max {2}  norm {3}").format(
            number(f.min()), number(f.mean()), number(f.max()), number(np.linalg.norm(f))))
    nans, infs = int(np.isnan(a).sum()), int(np.isinf(a).sum())
    if nans:
        parts.append(translate("graph", "{0} NaN").format(nans))
    if infs:
        parts.append(translate("graph", "{0} Inf").format(infs))
    return "  ".join(parts)


def describe(a) -> str:
    """Values of a small array; for a big one a prefix and its statistics on a second line."""
    a = _array(a)
    if a.size <= SMALL:
        return values(a)
    return f"{values(a)}\n{statistics(a)}"


def shape_text(shape) -> str:
    """A shape as `(32, 1)`; a scalar's as `()`."""
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def brief(a) -> str:
    """A few characters for a label: the value of a one-element array, else its shape."""
    a = _array(a)
    return number(a.reshape(-1)[0]) if a.size == 1 else shape_text(a.shape)


def has_nonfinite(a) -> bool:
    if a is None:
        return False
    data = _array(a)
    return data.dtype.kind in "fc" and not np.isfinite(data).all()
