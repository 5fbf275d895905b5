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
DENSE_STEPS = 256  # the Parameters plot keeps every step's parameters up to here, then a few per doubling


def wants_sample(step: int) -> bool:
    """Whether to keep the parameters at this step for the Parameters plot.

    Every step of the first DENSE_STEPS, then DENSE_STEPS / 2 per doubling of the step
    count: a short run is drawn step by step, a million-step one costs a few thousand
    snapshots, and neither depends on how fast the machine is (unlike the 30 Hz updates).
    """
    if step <= DENSE_STEPS:
        return True
    return step % (1 << (step // DENSE_STEPS).bit_length()) == 0


def steps_to_next_sample(step: int) -> int:
    """How many steps after `step` comes the next one `wants_sample` keeps (at least 1): where a
    block of compiled steps must end."""
    following = step + 1
    if following <= DENSE_STEPS:
        return 1
    stride = 1 << (following // DENSE_STEPS).bit_length()
    return (-following) % stride + 1


class RunHistory:
    """Rows of (step, wall_time, loss, *scalar parameters); `wall_time` is Unix time in seconds.

    Beside each row, optional `norm_names` columns (the gradient norms, and the norms of the
    parameters that are not scalars) keep what the Parameters plot draws, so a reopened run shows it
    again; they are not part of `columns` (the CSV's and the session file's rows).

    Only steps that are a multiple of `stride` are kept; the stride doubles whenever `row_cap`
    rows are held, and the rows it no longer keeps are dropped.
    """

    def __init__(self, param_names: Sequence[str] = (), row_cap: int = DEFAULT_ROW_CAP,
                 norm_names: Sequence[str] = ()) -> None:
        self.param_names = list(param_names)
        self.columns = [*FIXED_COLUMNS, *self.param_names]
        self.norm_names = list(norm_names)
        self.row_cap = max(int(row_cap), 2)
        self.stride = 1
        self._data = np.empty((min(1024, self.row_cap), len(self.columns) + len(self.norm_names)))
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunHistory):
            return NotImplemented
        return (self.columns == other.columns and self.stride == other.stride and self.norm_names == other.norm_names
                and np.array_equal(self._data[:self._size], other._data[:other._size], equal_nan=True))

    def wants(self, step: int) -> bool:
        """Whether `record` would keep this step (callers skip computing what it would drop)."""
        return step % self.stride == 0

    def record(self, step: int, wall_time: float, loss: float, params: Sequence[float] = (),
               norms: Sequence[float] | None = None) -> None:
        """Add the row of `step` (if the stride keeps it); `params` in the order of `param_names`,
        `norms` in that of `norm_names` (NaN when not given)."""
        if step % self.stride:
            return
        if self._size == len(self._data):
            if len(self._data) < self.row_cap:
                grown = np.empty((min(2 * len(self._data), self.row_cap), self._data.shape[1]))
                grown[:self._size] = self._data[:self._size]
                self._data = grown
            else:
                self._thin()
                if step % self.stride:
                    return
        row = self._data[self._size]
        row[0], row[1], row[2] = step, wall_time, loss
        width = len(self.columns)
        row[3:width] = params
        row[width:] = math.nan if norms is None else norms
        self._size += 1

    def record_steps(self, first_step: int, wall_time: float, losses: np.ndarray, params: np.ndarray,
                     last_norms: Sequence[float] | None = None) -> None:
        """Rows for the steps first_step, first_step + 1, … (one per loss; `params` one row per
        step), keeping those the stride keeps: what `record` per step would keep, in a few
        array operations (a compiled run records thousands of steps per call). Norms are known only
        after the block (`last_norms`, for its last step); the other rows hold NaN there."""
        steps = np.arange(first_step, first_step + len(losses))
        params = np.asarray(params, dtype=float).reshape(len(losses), -1)
        while True:
            keep = steps % self.stride == 0
            count = int(keep.sum())
            if self._size + count <= len(self._data):
                break
            if len(self._data) < self.row_cap:
                grown = np.empty((min(max(2 * len(self._data), self._size + count), self.row_cap),
                                  self._data.shape[1]))
                grown[:self._size] = self._data[:self._size]
                self._data = grown
            else:
                self._thin()
        rows = self._data[self._size:self._size + count]
        rows[:, 0] = steps[keep]
        rows[:, 1] = wall_time
        rows[:, 2] = np.asarray(losses, dtype=float)[keep]
        width = len(self.columns)
        rows[:, 3:width] = params[keep]
        rows[:, width:] = math.nan
        if last_norms is not None and count and keep[-1]:
            rows[-1, width:] = last_norms
        self._size += count

    def _thin(self) -> None:
        self.stride *= 2
        held = self._data[:self._size]
        kept = held[held[:, 0] % self.stride == 0]
        self._data[:len(kept)] = kept
        self._size = len(kept)

    def rows(self) -> np.ndarray:
        """A copy of the rows, shape (len, len(columns))."""
        return self._data[:self._size, :len(self.columns)].copy()

    def column(self, name: str) -> np.ndarray:
        """A copy of one column by name (of `columns` or `norm_names`)."""
        index = self.columns.index(name) if name in self.columns else len(self.columns) + self.norm_names.index(name)
        return self._data[:self._size, index].copy()

    @property
    def last_step(self) -> int:
        return int(self._data[self._size - 1, 0]) if self._size else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: steps as integers, non-finite numbers as null (JSON has no NaN)."""
        def jsonable(block: np.ndarray) -> list:
            return [[value if math.isfinite(value) else None for value in row] for row in block.tolist()]

        rows = jsonable(self.rows())
        for row in rows:
            row[0] = int(row[0])
        document = {"columns": list(self.columns), "stride": self.stride, "rows": rows}
        if self.norm_names:
            document["norms"] = {"columns": list(self.norm_names),
                                 "rows": jsonable(self._data[:self._size, len(self.columns):])}
        return document

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
        norm_names, norm_rows = _norms(data.get("norms"), len(rows))
        history = cls(columns[3:], row_cap=max(row_cap, len(rows)), norm_names=norm_names)
        history.stride = stride
        history._data = np.empty((max(len(rows), 1), len(columns) + len(norm_names)))
        if norm_names:
            history._data[:len(rows), len(columns):] = norm_rows
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


def _norms(data: Any, n_rows: int) -> tuple[list[str], np.ndarray]:
    """The optional norms block of a saved history: names and one row per history row (null: NaN)."""
    if data is None:
        return [], np.empty((n_rows, 0))
    names, rows = (data.get("columns"), data.get("rows")) if isinstance(data, Mapping) else (None, None)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError(translate("files", "norms.columns: must be a list of names"))
    if not isinstance(rows, list) or len(rows) != n_rows:
        raise ValueError(translate("files", "norms.rows: must hold one row per history row"))
    values = np.empty((n_rows, len(names)))
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(names) or not all(
                value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)) for value in row):
            raise ValueError(translate("files", "norms.rows[{0}]: must be a list of {1} numbers").format(index, len(names)))
        values[index] = [math.nan if value is None else value for value in row]
    return names, values


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
