"""The data a session trains on: generated from a ground-truth expression with seeded noise, or
read from two columns of a CSV file; and the seeded minibatch order training draws from."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass

import numpy as np

from engine.session.config import ConfigError, DataConfig
from engine.session.files import MAX_CSV_BYTES, open_regular
from engine.session.expression import ExpressionError, ParsedExpression, parse_expression
from engine.session.i18n import translate

_DELIMITERS = ",;\t"


@dataclass
class Dataset:
    """The full data set as float64 arrays of shape (n,), and the ground truth when it is known."""

    x: np.ndarray
    y: np.ndarray
    truth: ParsedExpression | None = None


def make_dataset(config: DataConfig) -> Dataset:
    """The data `config` describes; raises ConfigError naming the field when it cannot be made."""
    if config.source == "csv":
        return Dataset(*read_csv_columns(config.csv_path, config.x_column, config.y_column))
    truth = _parse_truth(config.truth)
    x, y = generate_data(truth, config.x_min, config.x_max, config.n_points, config.noise_std, config.seed)
    return Dataset(x, y, truth)


def _parse_truth(text: str) -> ParsedExpression:
    try:
        return parse_expression(text, allow_params=False)
    except ExpressionError as error:
        raise ConfigError("data.truth", error.message, error.position) from None


def generate_data(truth: ParsedExpression, x_min: float, x_max: float, n_points: int, noise_std: float,
                  seed: int) -> tuple[np.ndarray, np.ndarray]:
    """x uniform in [x_min, x_max) and y = truth(x) + N(0, noise_std²), both from one seeded generator."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(x_min, x_max, n_points)
    clean = truth.evaluate_numpy(x)
    bad = ~np.isfinite(clean)
    if bad.any():
        # Worded as config.py's check of the same thing (context "config"): one translation for both.
        raise ConfigError("data.truth", translate("config", "the ground truth is not a finite number at x = {0}; "
                                                            "change the expression or the x range")
                          .format(f"{x[bad][0]:.4g}"))
    return x, clean + rng.normal(0.0, abs(noise_std), n_points)   # abs: -0.0 is valid, numpy refuses it


def csv_columns(path: str) -> list[str]:
    """The column names in the header of the CSV file at `path`."""
    with _open_csv(path) as file:
        header = _read_header(file, path)
    return header[0]


def read_csv_columns(path: str, x_column: str, y_column: str) -> tuple[np.ndarray, np.ndarray]:
    """Columns `x_column` and `y_column` of a CSV file with a header, as float64 arrays.

    Errors name the file line and column of a bad value, so the user can find it in an editor.
    The last files read are kept while they are unchanged on disk: the window validates its
    forms on every keystroke, and a million-row file takes 0.4 s to read.
    """
    try:
        info = os.stat(path)
        key = (os.path.realpath(path), info.st_mtime_ns, info.st_size, info.st_ino, x_column, y_column)
    except (OSError, ValueError, TypeError):
        key = None
    if key is not None and key in _recent_csv:
        x, y = _recent_csv[key]
        return x.copy(), y.copy()
    x, y = _read_csv_columns(path, x_column, y_column)
    if key is not None:
        _recent_csv.clear()   # one file: the one being edited
        _recent_csv[key] = (x.copy(), y.copy())
    return x, y


_recent_csv: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def _read_csv_columns(path: str, x_column: str, y_column: str) -> tuple[np.ndarray, np.ndarray]:
    with _open_csv(path) as file:
        names, delimiter, header_lines = _read_header(file, path)
        columns = []
        for field, wanted in (("data.x_column", x_column), ("data.y_column", y_column)):
            if wanted not in names:
                raise ConfigError(field, translate("data", "the file has no column named {0}; its columns are: {1}")
                                  .format(repr(wanted), ", ".join(repr(name) for name in names)))
            columns.append(names.index(wanted))
        try:
            values = np.loadtxt(file, delimiter=delimiter, usecols=columns, ndmin=2, comments=None,
                                dtype=np.float64, quotechar='"')
            if not np.isfinite(values).all():
                raise ValueError("not finite")
        except ValueError:
            # The fast reader only says that something is wrong; read again to say where.
            file.seek(0)
            values = _read_rows_slowly(file, delimiter, header_lines, columns, (x_column, y_column), path)
    if len(values) < 2:
        raise ConfigError("data.csv_path", translate("data", "{0} has {1} data rows; at least 2 are needed")
                          .format(path, len(values)))
    return values[:, 0].copy(), values[:, 1].copy()


def _open_csv(path: str):
    try:   # a FIFO or /dev/zero is refused, not read forever
        return open_regular(path, MAX_CSV_BYTES, text=True, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("data.csv_path", translate("config", "no file at {0}").format(path)) from None
    except IsADirectoryError:
        raise ConfigError("data.csv_path", translate("data", "{0} is a folder, not a CSV file").format(path)) from None
    except OSError as error:
        raise ConfigError("data.csv_path", translate("data", "cannot open {0}: {1}").format(path, error.strerror)) from None


def _read_header(file, path: str) -> tuple[list[str], str, int]:
    """Column names, delimiter and the number of lines up to and including the header."""
    try:
        for line_number, line in enumerate(file, start=1):
            if line.strip():
                delimiter = max(_DELIMITERS, key=line.count)
                names = [name.strip() for name in next(csv.reader([line], delimiter=delimiter))]
                return names, delimiter, line_number
    except UnicodeDecodeError:
        raise ConfigError("data.csv_path", translate("data", "{0} is not a UTF-8 text file").format(path)) from None
    except csv.Error as error:
        raise _csv_error(path, 1, error) from None
    raise ConfigError("data.csv_path", translate("data", "{0} is empty; it needs a header line and data rows").format(path))


def _csv_error(path: str, line: int, error: csv.Error) -> ConfigError:
    """What the csv module refused (a field longer than its limit, a NUL byte), with the line."""
    if "field larger than field limit" in str(error):
        return ConfigError("data.csv_path", translate("data", "{0}, line {1}: a value is longer than {2} KiB; this "
                                                              "is not a table of numbers").format(
            path, line, csv.field_size_limit() // 1024))
    return ConfigError("data.csv_path", translate("data", "{0}, line {1}: {2}").format(path, line, error))


def _read_rows_slowly(file, delimiter: str, header_lines: int, columns: list[int],
                      names: tuple[str, str], path: str) -> np.ndarray:
    reader = csv.reader(file, delimiter=delimiter)
    rows = []
    fields = ("data.x_column", "data.y_column")
    for row in _rows(reader, path):
        if reader.line_num <= header_lines or not any(cell.strip() for cell in row):
            continue
        values = []
        for column, name, field in zip(columns, names, fields):
            if column >= len(row):
                raise ConfigError(field, translate("data", "line {0} has {1} values; column {2} is missing")
                                  .format(reader.line_num, len(row), repr(name)))
            cell = row[column].strip()
            try:
                value = float(cell)
            except ValueError:
                what = (translate("data", "line {0}, column {1}: is empty") if not cell
                        else translate("data", "line {0}, column {1}: {2} is not a number"))
                raise ConfigError(field, what.format(reader.line_num, repr(name), repr(cell))) from None
            if not np.isfinite(value):
                raise ConfigError(field, translate("data", "line {0}, column {1}: {2} is not a finite number")
                                  .format(reader.line_num, repr(name), repr(cell)))
            values.append(value)
        rows.append(values)
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _rows(reader, path):
    try:
        yield from reader
    except csv.Error as error:
        raise _csv_error(str(path), reader.line_num, error) from None


class MinibatchSampler:
    """Batches of `batch_size` rows of the given arrays; each epoch visits the rows in a new seeded order.
    Epoch k's order is a function of (seed, k) alone, so restoring a place is O(1) at any epoch.

    A batch is a view into buffers that the next epoch's shuffle overwrites: use it before then.
    An epoch has n // batch_size batches; the leftover rows wait for a later epoch's order.
    """

    def __init__(self, arrays: tuple[np.ndarray, ...], batch_size: int, seed: int) -> None:
        self._arrays = arrays
        self._n = len(arrays[0])
        self._batch_size = batch_size
        self._seed = seed
        # With one batch per epoch the order does not matter: serve the arrays themselves.
        self._shuffled = arrays if batch_size >= self._n else tuple(np.empty_like(a) for a in arrays)
        self._start = self._n  # the first call starts an epoch
        self.epoch = 0

    def next_batch(self) -> tuple[np.ndarray, ...]:
        """The next batch, one view per array."""
        batch = self.peek_batch()
        self._start += self._batch_size
        return batch

    def next_batches(self, k: int) -> tuple[np.ndarray, ...]:
        """The next k batches stacked on a new first axis (copies): what k `next_batch()` calls
        would return, with the rows of all k gathered at once (a compiled step is faster than a
        call per batch) and the epochs' orders drawn together."""
        b, n = self._batch_size, self._n
        segments, epoch, start, done = [], self.epoch, self._start, 0   # (epoch, first row, batches)
        while done < k:
            if start + b > n:
                epoch, start = epoch + 1, 0
            take = min(k - done, (n - start) // b)
            segments.append((epoch, start, take))
            start += take * b
            done += take
        if self._shuffled is self._arrays:
            rows = np.concatenate([np.arange(s, s + t * b) for _, s, t in segments])
        else:
            rows = np.concatenate(list(self._segment_rows(segments)))
        moved = epoch != self.epoch
        self.epoch, self._start = epoch, start
        if moved:   # the buffers next_batch serves from hold the epoch now under way
            self._shuffle()
        return tuple(np.take(a, rows, axis=0).reshape((k, b) + a.shape[1:]) for a in self._arrays)

    def _segment_rows(self, segments):
        """The rows of each (epoch, first row, batches) segment, orders drawn a block of epochs at a time."""
        b, n = self._batch_size, self._n
        per_block = max(1, (1 << 22) // n)   # bounded memory however many epochs k spans
        orders, first = None, None
        for epoch, start, take in segments:
            if orders is None or not first <= epoch < first + len(orders):
                first = epoch
                orders = epoch_orders(self._seed, epoch, min(per_block, segments[-1][0] - epoch + 1), n)
            yield orders[epoch - first, start:start + take * b]

    def peek_batch(self) -> tuple[np.ndarray, ...]:
        """The batch `next_batch` will return, without moving past it."""
        if self._start + self._batch_size > self._n:
            self._new_epoch()
        return tuple(a[self._start:self._start + self._batch_size] for a in self._shuffled)

    def state_dict(self) -> dict[str, int]:
        """Where the sampler is: the epoch and the row the next batch starts at."""
        return {"epoch": self.epoch, "position": self._start}

    def load_state_dict(self, state: dict[str, int]) -> None:
        """Continue from `state_dict()` of a sampler over the same arrays, batch size and seed.

        The order is rebuilt from (seed, epoch) rather than stored, so a session file stays small
        whatever the data's size, and loading costs one shuffle whatever the epoch.
        """
        epoch, position = state.get("epoch"), state.get("position")
        for name, value in (("epoch", epoch), ("position", position)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name}: must be a whole number ≥ 0")
        if position > self._n or (epoch == 0 and position != self._n):
            raise ValueError(f"position: {position} does not fit {self._n} rows in epoch {epoch}")
        self.epoch, self._start = int(epoch), int(position)
        if epoch > 0:
            self._shuffle()

    def _new_epoch(self) -> None:
        self.epoch += 1
        self._start = 0
        self._shuffle()

    def _shuffle(self) -> None:
        """Fill the buffers in this epoch's order."""
        if self._shuffled is self._arrays:
            return
        order = epoch_orders(self._seed, self.epoch, 1, self._n)[0]
        for source, target in zip(self._arrays, self._shuffled):
            np.take(source, order, axis=0, out=target)


_GOLDEN, _MIX1, _MIX2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def epoch_orders(seed: int, first_epoch: int, count: int, n: int) -> np.ndarray:
    """The row orders of epochs first_epoch … first_epoch + count − 1 (count × n), each a seeded
    function of (seed, epoch) alone: any epoch's order is known at once (a restored run does not
    replay the epochs before it), and a block of epochs costs one sort."""
    with np.errstate(over="ignore"):
        epochs = np.arange(first_epoch, first_epoch + count, dtype=np.uint64)[:, None]
        key = _mix(_mix(np.uint64(seed) + _GOLDEN) ^ epochs)
        rows = np.arange(n, dtype=np.uint64)[None, :]
        return np.argsort(_mix(key + rows * _GOLDEN), axis=1, kind="stable")

