"""The record of a run, one row per step: step, wall time, loss and each scalar parameter — bounded in
memory however long the run, and the source of the history CSV and the session file's history."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from engine.session.i18n import translate

# Past this many rows the history keeps every other step, then every 4th, and so on: a million-step
# run still fits in a few megabytes (and in a session file of a few more), the first steps and the
# shape of the whole curve stay visible, and which steps are kept depends on the step numbers alone.
DEFAULT_ROW_CAP = 1 << 16
FIXED_COLUMNS = ("step", "wall_time", "loss")


class RunHistory:
    """Rows of (step, wall_time, loss, *scalar parameters); `wall_time` is Unix time in seconds.

    Only steps that are a multiple of `stride` are kept; the stride doubles whenever `row_cap`
    rows are held, and the rows it no longer keeps are dropped.
    """

    def __init__(self, param_names: Sequence[str] = (), row_cap: int = DEFAULT_ROW_CAP) -> None:
        self.param_names = list(param_names)
        self.columns = [*FIXED_COLUMNS, *self.param_names]
        self.row_cap = max(int(row_cap), 2)
        self.stride = 1
        self._data = np.empty((min(1024, self.row_cap), len(self.columns)))
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunHistory):
            return NotImplemented
        return (self.columns == other.columns and self.stride == other.stride
                and np.array_equal(self.rows(), other.rows(), equal_nan=True))

    def record(self, step: int, wall_time: float, loss: float, params: Sequence[float] = ()) -> None:
        """Add the row of `step` (if the stride keeps it); `params` in the order of `param_names`."""
        if step % self.stride:
            return
        if self._size == len(self._data):
            if len(self._data) < self.row_cap:
                grown = np.empty((min(2 * len(self._data), self.row_cap), len(self.columns)))
                grown[:self._size] = self._data[:self._size]
                self._data = grown
            else:
                self._thin()
                if step % self.stride:
                    return
        row = self._data[self._size]
        row[0], row[1], row[2] = step, wall_time, loss
        row[3:] = params
        self._size += 1

    def record_steps(self, first_step: int, wall_time: float, losses: np.ndarray, params: np.ndarray) -> None:
        """Rows for the steps first_step, first_step + 1, … (one per loss; `params` one row per
        step), keeping those the stride keeps: what `record` per step would keep, in a few
        array operations (a compiled run records thousands of steps per call)."""
        steps = np.arange(first_step, first_step + len(losses))
        params = np.asarray(params, dtype=float).reshape(len(losses), -1)
        while True:
            keep = steps % self.stride == 0
            count = int(keep.sum())
            if self._size + count <= len(self._data):
                break
            if len(self._data) < self.row_cap:
                grown = np.empty((min(max(2 * len(self._data), self._size + count), self.row_cap), len(self.columns)))
                grown[:self._size] = self._data[:self._size]
                self._data = grown
            else:
                self._thin()
        rows = self._data[self._size:self._size + count]
        rows[:, 0] = steps[keep]
        rows[:, 1] = wall_time
        rows[:, 2] = np.asarray(losses, dtype=float)[keep]
        rows[:, 3:] = params[keep]
        self._size += count

    def _thin(self) -> None:
        self.stride *= 2
        held = self._data[:self._size]
        kept = held[held[:, 0] % self.stride == 0]
        self._data[:len(kept)] = kept
        self._size = len(kept)

    def rows(self) -> np.ndarray:
        """A copy of the rows, shape (len, len(columns))."""
        return self._data[:self._size].copy()

    def column(self, name: str) -> np.ndarray:
        """A copy of one column by name."""
        return self._data[:self._size, self.columns.index(name)].copy()

    @property
    def last_step(self) -> int:
        return int(self._data[self._size - 1, 0]) if self._size else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: steps as integers, non-finite numbers as null (JSON has no NaN)."""
        rows = []
        for row in self._data[:self._size].tolist():
            row[0] = int(row[0])
            rows.append([value if math.isfinite(value) else None for value in row])
        return {"columns": list(self.columns), "stride": self.stride, "rows": rows}

    @classmethod
    def from_dict(cls, data: Any, row_cap: int = DEFAULT_ROW_CAP) -> RunHistory:
        """The history `to_dict` made; raises ValueError naming the bad part ("rows[3][2]: …")."""
        if not isinstance(data, Mapping):
            raise ValueError(translate("files", "must be a JSON object with columns, stride and rows"))
        columns = data.get("columns")
        if (not isinstance(columns, list) or tuple(columns[:3]) != FIXED_COLUMNS
                or not all(isinstance(name, str) for name in columns)):
            raise ValueError(translate("files", "columns: must be a list of names starting with step, wall_time, loss"))
        stride = data.get("stride", 1)
        if not _is_int(stride) or stride < 1 or stride & (stride - 1):
            raise ValueError(translate("files", "stride: must be a power of two ≥ 1"))
        rows = data.get("rows")
        if not isinstance(rows, list):
            raise ValueError(translate("files", "rows: must be a list of rows"))
        history = cls(columns[3:], row_cap=max(row_cap, len(rows)))
        history.stride = stride
        history._data = np.empty((max(len(rows), 1), len(columns)))
        for index, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise ValueError(translate("files", "rows[{0}]: must be a list of {1} numbers").format(index, len(columns)))
            for column, value in enumerate(row):
                if value is None:
                    value = math.nan
                elif isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise ValueError(translate("files", "rows[{0}][{1}]: {2} is not a number").format(index, column, repr(value)))
                history._data[index, column] = value
            step = row[0]
            if not _is_int(step) or step < 1 or step % stride:
                raise ValueError(translate("files", "rows[{0}][0]: the step must be a whole number ≥ 1 and a multiple of the "
                                           "stride").format(index))
            if index and step <= rows[index - 1][0]:
                raise ValueError(translate("files", "rows[{0}][0]: steps must increase from row to row").format(index))
        history._size = len(rows)
        return history


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
