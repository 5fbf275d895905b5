"""Tensor creation functions with PyTorch's signatures and dtype inference."""
from __future__ import annotations

import numpy as np

from engine import dtypes, random
from engine.tensor import Tensor, _wrap, device as _device


def _finish(data, dtype=None, requires_grad=False, device=None) -> Tensor:
    if device is not None:
        _device(device)
    if dtype is not None:
        data = data.astype(dtypes.to_numpy(dtype), copy=False)
    t = _wrap(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer(data) -> np.ndarray:
    """PyTorch's inference: Python floats → float32, ints → int64, bools → bool; numpy
    arrays keep their dtype; tensors are copied."""
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in _flat(data)):
        data = _nested_values(data)
    arr = np.array(data)
    if arr.dtype == np.float64 and not isinstance(data, np.floating):
        arr = arr.astype(np.float32)
    elif arr.dtype.kind == "i":
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "fb":
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    return arr


def _flat(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _flat(item)
    else:
        yield x


def _nested_values(x):
    if isinstance(x, (list, tuple)):
        return [_nested_values(i) for i in x]
    return x.item() if isinstance(x, Tensor) else x


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    return _finish(_infer(data), dtype, requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    return _finish(_infer(data), dtype, False, device)


def from_numpy(array: np.ndarray) -> Tensor:
    """Shares memory with `array`, as torch.from_numpy does."""
    return _wrap(array)


def _size(size, keyword=None):
    """The shape from `f(2, 3)`, `f((2, 3))` or `f(size=(2, 3))`."""
    if keyword is not None:
        size = (keyword,)
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _default(dtype):
    return dtypes.to_numpy(dtype) if dtype is not None else np.float32


def zeros(*shape, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.zeros(_size(shape, size), _default(dtype)), None, requires_grad, device)


def ones(*shape, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.ones(_size(shape, size), _default(dtype)), None, requires_grad, device)


def empty(*shape, size=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return zeros(*shape, size=size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = (dtypes.bool if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else dtypes.float32)
    return _finish(np.full(_size((size,)), fill_value, dtypes.to_numpy(dtype)), None, requires_grad, device)


def _like(fn, t, dtype, requires_grad):
    return _finish(fn(t._data.shape, dtype=dtypes.to_numpy(dtype) if dtype else t._data.dtype),
                   None, requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _like(np.zeros, t, dtype, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _like(np.ones, t, dtype, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _like(np.zeros, t, dtype, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    d = dtypes.to_numpy(dtype) if dtype else t._data.dtype
    return _finish(np.full(t._data.shape, fill_value, d), None, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False) -> Tensor:
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    is_int = all(isinstance(v, (int, np.integer)) for v in values)
    data = np.arange(*values, dtype=np.int64 if is_int else np.float64)
    if dtype is None and not is_int:
        data = data.astype(np.float32)
    return _finish(data, dtype, requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False) -> Tensor:
    data = np.linspace(start, end, int(steps)).astype(_default(dtype))
    return _finish(data, None, requires_grad, device)


def eye(n, m=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.eye(n, m, dtype=_default(dtype)), None, requires_grad, device)


def rand(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    data = random.uniform(_size(shape, size), generator=generator, dtype=_default(dtype))
    return _finish(data.astype(_default(dtype), copy=False), None, requires_grad, device)


def randn(*shape, size=None, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    data = random.normal(_size(shape, size), generator=generator, dtype=_default(dtype))
    return _finish(data.astype(_default(dtype), copy=False), None, requires_grad, device)


def randint(low, high=None, size=(), generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    if high is None or isinstance(high, (tuple, list)):  # randint(high, size) as well
        low, high, size = 0, low, (size if high is None else high)
    data = random.integers(low, high, tuple(size), generator)
    return _finish(data, dtype, requires_grad, device)


def randperm(n, generator=None, dtype=None, device=None) -> Tensor:
    return _finish(random.permutation(n, generator), dtype, False, device)


def normal(mean, std, size=None, generator=None) -> Tensor:
    if size is not None:
        return _finish(random.normal(tuple(size), mean, std, generator, np.float32))
    # as ATen's normal_out: standard draws, then (tensor std) .mul_(std) and .add_(mean),
    # or (float std, tensor mean) draws with that std, then .add_(mean)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    dt = np.result_type(*[a.dtype for a in (m, s) if isinstance(a, np.ndarray)])
    dt = dt if dt in (np.float32, np.float64) else np.dtype(np.float32)
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    if isinstance(std, Tensor):
        out = random.normal(shape, 0.0, 1.0, generator, dt) * np.asarray(s, dt)
    else:
        out = random.normal(shape, 0.0, float(s), generator, dt)
    out = out + (np.asarray(m, dt) if isinstance(m, np.ndarray) else dt.type(m))
    return _finish(out.astype(dt, copy=False))


def multinomial(probs, num_samples, replacement=False, generator=None) -> Tensor:
    """Indices drawn from each row of `probs` (non-negative weights, not necessarily summing to 1)."""
    p = np.atleast_2d(probs._data)
    if p.dtype not in (np.float32, np.float64):
        p = p.astype(np.float32)
    if (p < 0).any() or not np.isfinite(p).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    for row in p:
        total = row.sum()
        if total <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and num_samples > np.count_nonzero(row):
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    out = random.multinomial(p, int(num_samples), replacement, generator)
    return _wrap(out if probs._data.ndim == 2 else out[0])
