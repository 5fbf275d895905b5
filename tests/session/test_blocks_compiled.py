"""What compiled training relies on in the session layer: k batches drawn at once are the batches
k `next_batch` calls give, and recording a block of steps keeps what recording them one by one
keeps (the history stays bounded however many steps a block holds)."""
from __future__ import annotations

import numpy as np
import pytest

from engine.session.data import MinibatchSampler
from engine.session.history import RunHistory


@pytest.mark.parametrize("n, batch", [(10, 3), (10, 10), (64, 8), (7, 1)])
def test_next_batches_are_the_batches_of_next_batch_calls(n, batch):
    x = np.arange(n, dtype=np.float32).reshape(-1, 1)
    y = 2 * x
    one, many = MinibatchSampler((x, y), batch, 5), MinibatchSampler((x, y), batch, 5)
    singles = [tuple(a.copy() for a in one.next_batch()) for _ in range(41)]
    blocks = [many.next_batches(k) for k in (1, 7, 13, 20)]
    xs = np.concatenate([b[0] for b in blocks])
    ys = np.concatenate([b[1] for b in blocks])
    np.testing.assert_array_equal(xs, np.stack([s[0] for s in singles]))
    np.testing.assert_array_equal(ys, np.stack([s[1] for s in singles]))
    assert many.state_dict() == one.state_dict()


def test_record_steps_keeps_what_record_keeps():
    rng = np.random.default_rng(0)
    one, block = RunHistory(["w", "b"], row_cap=64), RunHistory(["w", "b"], row_cap=64)
    step = 1
    for size in (1, 5, 100, 3, 1000, 7, 20000):
        losses, params = rng.random(size), rng.random((size, 2))
        for i in range(size):
            one.record(step + i, 2.0, losses[i], params[i])
        block.record_steps(step, 2.0, losses, params)
        step += size
    assert block == one
    assert len(block) <= 64 and block.stride > 1
    assert block.rows()[-1, 0] % block.stride == 0
