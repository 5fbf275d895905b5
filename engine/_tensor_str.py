"""Tensor printing, ported from PyTorch 2.13's ``torch/_tensor_str.py``.

``tensor_repr`` turns a numpy array into the exact text ``repr(torch.tensor(...))``
would print: same fixed/scientific choice, column widths, summarisation with
``...``, indentation, line wrapping and trailing ``dtype=``/``grad_fn=`` items.
The structure follows PyTorch's file function by function so that the two can
be compared side by side; only torch tensor operations were swapped for numpy.
"""

import contextlib
import dataclasses
import math
from typing import Any

import numpy as np


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Set print options, like ``torch.set_printoptions``.

    ``profile`` is one of "default", "short" or "full"; explicit arguments
    override it. As in PyTorch, ``sci_mode`` is always assigned, so leaving it
    out switches back to automatic fixed/scientific choice.
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80

    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current print options, as keyword arguments for ``set_printoptions``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``)."""
    old_kwargs = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old_kwargs)


class _Formatter:
    """Chooses one format (int / fixed / scientific) and width for all elements."""

    def __init__(self, data: np.ndarray):
        self.floating_dtype = data.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        values = data.reshape(-1)

        if not self.floating_dtype:
            # Python's str of int/bool, exactly what Tensor.__format__ gives.
            for value in values.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        nonzero_finite_vals = values[np.isfinite(values) & (values != 0)]
        if nonzero_finite_vals.size == 0:
            # no valid number, do nothing
            return

        # PyTorch does the magnitude checks in float64.
        nonzero_finite_abs = np.abs(nonzero_finite_vals).astype(np.float64)
        nonzero_finite_min = nonzero_finite_abs.min()
        nonzero_finite_max = nonzero_finite_abs.max()

        self.int_mode = bool(np.all(nonzero_finite_vals == np.ceil(nonzero_finite_vals)))

        if PRINT_OPTS.sci_mode is None:
            # max / min may overflow to inf (e.g. 1e300 / 1e-300); that is fine.
            with np.errstate(over="ignore"):
                ratio = nonzero_finite_max / nonzero_finite_min
            self.sci_mode = bool(
                ratio > 1000.0 or nonzero_finite_max > 1.0e8 or nonzero_finite_min < 1.0e-4
            )
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        # .tolist() gives Python floats, like Tensor.item() does in PyTorch, so
        # float32 values are formatted from their exact float64 value.
        precision = PRINT_OPTS.precision
        for value in nonzero_finite_vals.tolist():
            if self.sci_mode:
                width = len(f"{value:.{precision}e}")
            elif self.int_mode:
                # Integer-valued floats get a trailing "." to mark them as floats.
                width = len(f"{value:.0f}") + 1
            else:
                width = len(f"{value:.{precision}f}")
            self.max_width = max(self.max_width, width)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        # Right-align; strings longer than the width (e.g. "-0.") are kept whole.
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(real_str, imag_str):
    imag_str = (imag_str + "j").lstrip()
    # handles negative numbers, +0.0, -0.0
    if imag_str[0] in "+-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _val_str(value, formatter1, formatter2=None):
    if formatter2 is not None:
        return _complex_str(formatter1.format(value.real), formatter2.format(value.imag))
    return formatter1.format(value)


def _vector_str(data, indent, summarize, formatter1, formatter2=None):
    # length includes spaces and comma between elements
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        # width for imag_formatter + an extra j for complex
        element_length += formatter2.width() + 1

    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    def fmt(values):
        return [_val_str(v, formatter1, formatter2) for v in values.tolist()]

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * edge:
        items = fmt(data[:edge]) + [" ..."] + fmt(data[-edge:])
    else:
        items = fmt(data)

    lines = [
        ", ".join(items[i : i + elements_per_line])
        for i in range(0, len(items), elements_per_line)
    ]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(data, indent, summarize, formatter1, formatter2=None):
    """formatter2 is only used for complex data, to format the imaginary parts."""
    dim = data.ndim

    if dim == 0:
        return _val_str(data.item(), formatter1, formatter2)

    if dim == 1:
        return _vector_str(data, indent, summarize, formatter1, formatter2)

    def sub(i):
        return _tensor_str_with_formatter(data[i], indent + 1, summarize, formatter1, formatter2)

    edge = PRINT_OPTS.edgeitems
    n = data.shape[0]
    if summarize and n > 2 * edge:
        slices = [sub(i) for i in range(edge)] + ["..."] + [sub(i) for i in range(n - edge, n)]
    else:
        slices = [sub(i) for i in range(n)]

    # One blank line between 3-d slices, two between 4-d ones, and so on.
    tensor_str = ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices)
    return "[" + tensor_str + "]"


def get_summarized_data(data):
    """The elements a summarised print will show, so widths depend on those only."""
    dim = data.ndim
    edge = PRINT_OPTS.edgeitems
    if dim == 0:
        return data
    if dim == 1:
        if data.shape[0] > 2 * edge:
            # With edge == 0, data[-0:] is the whole vector, as in PyTorch.
            return np.concatenate((data[:edge], data[-edge:]))
        return data
    if not edge:
        return np.empty([0] * dim, dtype=data.dtype)
    n = data.shape[0]
    if n > 2 * edge:
        rows = list(range(edge)) + list(range(n - edge, n))
    else:
        rows = range(n)
    return np.stack([get_summarized_data(data[i]) for i in rows])


def _tensor_str(data, indent):
    if data.size == 0:
        return "[]"

    summarize = data.size > PRINT_OPTS.threshold
    shown = get_summarized_data(data) if summarize else data

    if data.dtype.kind == "c":
        real_formatter = _Formatter(shown.real)
        imag_formatter = _Formatter(shown.imag)
        return _tensor_str_with_formatter(data, indent, summarize, real_formatter, imag_formatter)
    return _tensor_str_with_formatter(data, indent, summarize, _Formatter(shown))


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    tensor_strs = [tensor_str]
    # PyTorch's own arithmetic (counts 2 more than the line really has when
    # there is no newline); kept so lines wrap at the same places.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if force_newline or last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            tensor_strs.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
            force_newline = False
        else:
            tensor_strs.append(", " + suffix)
            last_line_len += suffix_len + 2
    tensor_strs.append(")")
    return "".join(tensor_strs)


def tensor_repr(
    data: np.ndarray, *, dtype_name: str, default_dtype: bool, suffixes: list[str]
) -> str:
    """``repr`` of a dense CPU tensor holding ``data``, as PyTorch prints it.

    ``dtype_name`` (e.g. "torch.float64") is printed as ``dtype=...`` unless
    ``default_dtype`` is True. ``suffixes`` (e.g. "grad_fn=<MulBackward0>")
    come after it, wrapped onto new lines when the line gets too long.
    """
    data = np.asarray(data)
    prefix = "tensor("
    indent = len(prefix)
    extra = []

    if data.size == 0:
        # Explicitly print the shape if it is not (0,), to match NumPy.
        if data.ndim != 1:
            extra.append("size=" + str(tuple(data.shape)))
        # With no elements to tell ints from floats, PyTorch names every dtype
        # except the default float one, so int64 and bool are named here too.
        if not default_dtype or data.dtype.kind != "f":
            extra.append("dtype=" + dtype_name)
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            extra.append("size=" + str(tuple(data.shape)))
        if not default_dtype:
            extra.append("dtype=" + dtype_name)
        tensor_str = _tensor_str(data, indent)

    return _add_suffixes(prefix + tensor_str, extra + list(suffixes), indent, force_newline=False)
