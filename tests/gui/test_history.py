"""History buffers (bounded, decimating) and TensorBoard's debiased EMA."""

from __future__ import annotations

import numpy as np
import pytest

from gui.history import DebiasedEMA, HistoryBuffer, smooth


def tensorboard_smoothing(values, weight):
    """TensorBoard's loop, transcribed: the oracle for the vectorised version."""
    last, count, out = 0.0, 0, []
    for value in values:
        if not np.isfinite(value):
            out.append(value)
            continue
        last = last * weight + (1 - weight) * value
        count += 1
        out.append(last / (1 - weight ** count) if weight != 1 else last)
    return np.array(out)


@pytest.mark.parametrize("weight", [0.0, 0.6, 0.9, 0.99, 0.999])
def test_smoothing_matches_tensorboard(weight):
    values = np.random.default_rng(0).normal(5, 2, 3000)
    values[[3, 700, 2999]] = [np.nan, np.inf, np.nan]
    np.testing.assert_allclose(smooth(values, weight), tensorboard_smoothing(values, weight), rtol=1e-9, equal_nan=True)


def test_smoothing_in_pieces_equals_smoothing_at_once():
    values = np.random.default_rng(1).random(1000)
    ema = DebiasedEMA(0.8)
    pieces = np.concatenate([ema.update(values[:1]), ema.update(values[1:300]), ema.update(values[300:])])
    np.testing.assert_allclose(pieces, smooth(values, 0.8), rtol=1e-12)


def test_first_smoothed_value_is_the_value_itself():
    assert smooth(np.array([7.0, 1.0]), 0.9)[0] == pytest.approx(7.0)


def test_buffer_grows_and_returns_contiguous_column_views():
    buffer = HistoryBuffer(2, capacity=4)
    for start in range(0, 100, 10):
        rows = np.arange(start, start + 10)
        buffer.append(np.column_stack([rows, rows * 2]))
    assert len(buffer) == 100
    np.testing.assert_array_equal(buffer.column(1), np.arange(100) * 2)
    assert buffer.column(0).flags.c_contiguous


def test_a_million_rows_stay_within_the_cap_and_span_the_whole_run():
    buffer = HistoryBuffer(2, row_cap=10_000)
    for start in range(0, 1_000_000, 4096):
        steps = np.arange(start, min(start + 4096, 1_000_000))
        buffer.append(np.column_stack([steps, steps]))
    assert len(buffer) <= 10_000
    assert buffer._data.nbytes <= 2 * 10_000 * 8
    steps = buffer.column(0)
    assert steps[0] == 0 and steps[-1] > 990_000
    assert np.all(np.diff(steps) == buffer.stride)  # evenly decimated, in order
