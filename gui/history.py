"""Growing, bounded history buffers for live curves and the debiased EMA used to smooth the loss (Qt-free)."""

from __future__ import annotations

import numpy as np

# Past this many rows a buffer halves its resolution instead of growing: a million-step
# run then costs a few megabytes, and the screen has far fewer pixels than rows anyway.
DEFAULT_ROW_CAP = 1 << 18


class HistoryBuffer:
    """Rows of (step, value, value, ...) in a preallocated array that doubles when full.

    Once `row_cap` rows are held, every other row is dropped and from then on only rows
    whose running index is a multiple of `stride` are kept, so memory stays bounded while
    the whole run stays visible. `column(i)` is a view (no copy) for `setData`.
    """

    def __init__(self, columns: int, capacity: int = 1024, row_cap: int = DEFAULT_ROW_CAP):
        self.columns = columns
        self.row_cap = max(row_cap, 2)
        # Column-major, so that each column handed to setData is a contiguous view.
        self._data = np.empty((columns, min(capacity, self.row_cap)))
        self.clear()

    def __len__(self) -> int:
        return self._size

    def clear(self) -> None:
        self._size = 0
        self._seen = 0  # rows ever appended; stored row j is appended row j * stride
        self.stride = 1

    def append(self, rows: np.ndarray) -> None:
        """Append rows (shape (n, columns) or (columns,)), decimating past the cap."""
        rows = np.asarray(rows, dtype=float).reshape(-1, self.columns)
        first_index = self._seen
        self._seen += len(rows)
        while True:
            kept = rows[(-first_index) % self.stride :: self.stride]
            need = self._size + len(kept)
            capacity = self._data.shape[1]
            if need <= capacity:
                break
            if capacity < self.row_cap:
                grown = np.empty((self.columns, min(max(need, 2 * capacity), self.row_cap)))
                grown[:, : self._size] = self._data[:, : self._size]
                self._data = grown
            else:
                half = self._data[:, : self._size : 2]
                self._data[:, : half.shape[1]] = half
                self._size = half.shape[1]
                self.stride *= 2
        self._data[:, self._size : need] = kept.T
        self._size = need

    def column(self, index: int) -> np.ndarray:
        return self._data[index, : self._size]


class DebiasedEMA:
    """TensorBoard's loss smoothing: an exponential moving average divided by (1 - w**n).

    Non-finite values pass through unsmoothed and do not disturb the average, as in
    TensorBoard. `update` processes a batch with a few matrix products instead of a
    Python loop, so re-smoothing a long run when the slider moves stays quick.
    """

    _CHUNK = 256

    def __init__(self, weight: float = 0.6):
        self.weight = float(weight)
        self.reset()

    def reset(self) -> None:
        self._last = 0.0  # biased running average
        self._count = 0  # finite values seen
        n = self._CHUNK
        i = np.arange(n)
        w = self.weight
        with np.errstate(under="ignore"):
            # decay[i, k] = w**(i - k) for k <= i: row i is how value k still weighs at i.
            self._decay = np.tril(np.power(w, np.maximum(i[:, None] - i[None, :], 0)))
            self._carry = np.power(w, i + 1.0)  # how the incoming average weighs at i

    def update(self, values: np.ndarray) -> np.ndarray:
        """Return the smoothed values for `values`, continuing from earlier calls."""
        values = np.asarray(values, dtype=float)
        out = values.copy()
        finite = np.isfinite(values)
        ys = values[finite]
        smoothed = np.empty_like(ys)
        w = self.weight
        for start in range(0, len(ys), self._CHUNK):
            chunk = ys[start : start + self._CHUNK]
            n = len(chunk)
            biased = self._carry[:n] * self._last + (1.0 - w) * (self._decay[:n, :n] @ chunk)
            counts = self._count + np.arange(1, n + 1)
            with np.errstate(under="ignore"):
                debias = 1.0 - np.power(w, counts) if w != 1.0 else np.ones(n)
            smoothed[start : start + n] = biased / debias if w != 1.0 else biased
            self._last = float(biased[-1])
            self._count += n
        out[finite] = smoothed
        return out


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """The debiased EMA of a whole series (TensorBoard's smoothing slider)."""
    return DebiasedEMA(weight).update(values)
