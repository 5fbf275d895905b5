"""engine.utils.data against torch.utils.data: the same seed gives the same batches, splits and
afterwards the same global random stream; collation of tuples, dicts and numbers as PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.utils.data import DataLoader, TensorDataset
from tests.engine.helpers import compare_behaviour


def _data(T):
    return T.utils.data if T is engine else __import__("torch.utils.data").utils.data


def test_shuffled_batches_match_torch_for_a_seed():
    def program(T):
        data = _data(T)
        T.manual_seed(42)
        x = T.arange(10, dtype=T.float32).reshape(10, 1)
        y = T.arange(10) * 2
        loader = data.DataLoader(data.TensorDataset(x, y), batch_size=4, shuffle=True)
        epochs = [[(xb.flatten().tolist(), yb.tolist()) for xb, yb in loader] for _ in range(2)]
        return [epochs, len(loader), T.rand(2)]  # the global stream advanced as torch's did

    compare_behaviour(program)


def test_generator_drop_last_and_sampler_lengths_match_torch():
    def program(T):
        data = _data(T)
        g = T.Generator().manual_seed(7)
        ds = data.TensorDataset(T.arange(11))
        loader = data.DataLoader(ds, batch_size=3, shuffle=True, drop_last=True, generator=g)
        batches = [b[0].tolist() for b in loader]
        return [batches, len(loader), g.initial_seed(), T.randperm(5, generator=g)]

    compare_behaviour(program)


def test_collate_of_dicts_tuples_numbers_and_strings_matches_torch():
    class Pairs:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, dtype=np.float32), "label": i % 2, "weight": 0.5 * i,
                    "name": f"s{i}", "pair": (i, float(i))}

    def program(T):
        batches = list(_data(T).DataLoader(Pairs(), batch_size=2))
        return [[(b["x"], b["label"], b["weight"], b["name"], b["pair"]) for b in batches]]

    compare_behaviour(program)


def test_random_split_matches_torch_with_lengths_and_fractions():
    def program(T):
        data = _data(T)
        T.manual_seed(0)
        a, b = data.random_split(range(10), [7, 3])
        c, d, e = data.random_split(range(11), [0.5, 0.3, 0.2], generator=T.Generator().manual_seed(1))
        return [list(a), list(b), list(c), list(d), list(e), T.rand(1)]

    compare_behaviour(program)
    compare_behaviour(lambda T: _data(T).random_split(range(10), [4, 4]))
    compare_behaviour(lambda T: _data(T).TensorDataset(T.zeros(3), T.zeros(4)))


def test_unbatched_loader_and_subset_indexing():
    ds = TensorDataset(engine.arange(6), engine.arange(6) * 10)
    items = list(DataLoader(ds, batch_size=None))
    assert [tuple(int(v) for v in item) for item in items] == [(i, 10 * i) for i in range(6)]
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, batch_size=None, drop_last=True)
