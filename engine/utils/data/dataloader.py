"""DataLoader: batches of a dataset in sampler order, collated into tensors (in this process:
num_workers is accepted and the batches are the same)."""
from __future__ import annotations

import collections.abc

import numpy as np

from engine import creation
from engine.ops import joining
from engine.tensor import Tensor
from engine.utils.data.dataset import IterableDataset
from engine.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler, random_seed


def default_collate(batch):
    """Stack a list of samples into a batch as PyTorch's default_collate: tensors and arrays are
    stacked, Python floats become float64 and ints int64 tensors, dicts and tuples collate per
    field (a tuple of fields gives a list), strings stay a list."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return joining.stack(list(batch), 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUO":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
                            f"lists; found {elem.dtype}")
        return joining.stack([creation.as_tensor(b) for b in batch], 0)
    if isinstance(elem, np.generic):
        return creation.as_tensor(np.array(batch))
    if isinstance(elem, bool):
        return creation.tensor(batch)
    if isinstance(elem, float):
        return creation.tensor(batch, dtype=np.float64)
    if isinstance(elem, int):
        return creation.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return type(elem)({key: default_collate([d[key] for d in batch]) for key in elem}) \
            if type(elem) is not dict else {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(list(s)) for s in transposed]
        return [default_collate(list(s)) for s in transposed]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem)}")


def default_convert(data):
    """What a DataLoader with batch_size=None returns for one sample (arrays become tensors)."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "SUO":
        return creation.as_tensor(data)
    return data


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers: int = 0, collate_fn=None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, drop_last
        self.num_workers, self.generator, self.pin_memory = num_workers, generator, pin_memory
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
            self.batch_size, self.drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.collate_fn = collate_fn or (default_collate if batch_size is not None or batch_sampler is not None
                                         else default_convert)

    def __iter__(self):
        # PyTorch's iterator draws a base seed for workers first (one draw of the loader's
        # generator, or the global one) even with no workers: the streams stay in step
        sampler_iter = self._index_iter()
        random_seed(self.generator)
        return self._batches(sampler_iter)

    def _index_iter(self):
        if self._iterable:
            return None
        return iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _batches(self, index_iter):
        if self._iterable:
            it = iter(self.dataset)
            if self.batch_size is None:
                yield from (self.collate_fn(x) for x in it)
                return
            while True:
                batch = [x for _, x in zip(range(self.batch_size), it)]
                if not batch or (self.drop_last and len(batch) < self.batch_size):
                    return
                yield self.collate_fn(batch)
        fetch = getattr(self.dataset, "__getitems__", None)
        for indices in index_iter:
            if self.batch_sampler is None:
                yield self.collate_fn(self.dataset[indices])
            elif fetch is not None:
                yield self.collate_fn(fetch(indices))
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
