"""What backward formulas compute with: numpy on arrays in the usual pass, engine ops on Tensors
when the backward pass is itself recorded (create_graph=True, for higher-order gradients)."""
from __future__ import annotations

import numpy as np

from engine.ops import copies, elementwise, indexing, reduction, shape
from engine.ops._operands import broadcast_copy
from engine.tensor import _wrap


class BackwardMath:
    """The math a node's `apply(g, F, saved)` calls as `F.…`; `F.plain` says which kind it is."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        ops = np if plain else elementwise
        self.sign, self.sin, self.cos, self.exp, self.log = ops.sign, ops.sin, ops.cos, ops.exp, ops.log
        self.sinh, self.cosh, self.sqrt, self.tanh = ops.sinh, ops.cosh, ops.sqrt, ops.tanh
        self.sigmoid = elementwise._sigmoid if plain else elementwise.sigmoid
        self.erf = elementwise._erf if plain else elementwise.erf
        self.broadcast_to = broadcast_copy if plain else shape.broadcast_to

    def data(self, v):
        """The numpy array behind a saved value (for masks and comparisons, never differentiated)."""
        return v if self.plain else v._data

    def transpose(self, g, dims):
        return np.transpose(g, dims) if self.plain else shape.permute(g, *dims)

    def swapaxes(self, g, a, b):
        return np.swapaxes(g, a, b) if self.plain else shape.transpose(g, a, b)

    def swap_last(self, g):
        return self.swapaxes(g, -1, -2)

    def mask(self, m, like):
        """A numpy mask (or constant) usable beside `like` in a formula."""
        return m if self.plain else _wrap(np.asarray(m, dtype=like._data.dtype))

    const = mask

    def select(self, m, g):
        """g where m holds, +0 elsewhere, as PyTorch's masked backwards give (g * m is -0 for g < 0)."""
        return np.where(m, g, 0) if self.plain else g * self.mask(m, g)

    def zeros_like(self, g):
        return np.zeros_like(g) if self.plain else _wrap(np.zeros_like(g._data))

    def cumsum(self, g, axis):
        return np.cumsum(g, axis=axis) if self.plain else reduction.cumsum(g, axis)

    def where_nonzero(self, r):
        """r as a divisor: a zero norm gives a zero gradient, as in PyTorch (not 0 * inf = nan)."""
        if self.plain:
            return np.where(r == 0, np.inf, r)
        return r + _wrap(np.where(r._data == 0, np.inf, 0).astype(r._data.dtype))

    def where_positive_log(self, a):
        """log(a) where a > 0, 0 elsewhere (the exponent's gradient of a ** b)."""
        if self.plain:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(a > 0, np.log(np.where(a > 0, a, 1)), 0).astype(a.dtype)
        pos = a._data > 0
        safe = a * _wrap(pos.astype(a._data.dtype)) + _wrap((~pos).astype(a._data.dtype))
        return elementwise.log(safe)

    def embed(self, g, shape_, index, accumulate):
        """A zero tensor of `shape_` with g placed (repeated indices: added) at `index`."""
        if not self.plain:
            return indexing.embed(g, shape_, index, accumulate)
        out = np.zeros(shape_, dtype=np.result_type(g))
        if accumulate:
            np.add.at(out, index if len(index) > 1 else index[0], g)
        else:
            out[index] = g
        return out

    def zero_region(self, g, index):
        if self.plain:
            g = np.array(g, copy=True)
            g[index] = 0
            return g
        keep = np.ones(g._data.shape, dtype=g._data.dtype)
        keep[index] = 0
        return g * _wrap(keep)

    def cast(self, g, dtype):
        return np.asarray(g).astype(dtype) if self.plain else copies.to_dtype(g, dtype)


ARRAYS = BackwardMath(plain=True)
TENSORS = BackwardMath(plain=False)
