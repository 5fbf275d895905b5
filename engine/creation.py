"""Tensor creation functions with PyTorch's signatures and dtype inference."""
from __future__ import annotations

import numpy as np

from engine import dtypes, random
from engine.tensor import Tensor, _wrap, device as _device

_default_device = _device("cpu")


def set_default_device(device) -> None:
    """Where factories put tensors when no device is given (only the CPU can hold them here)."""
    global _default_device
    _default_device = _device("cpu" if device is None else device)


def get_default_device() -> _device:
    return _default_device


def _finish(data, dtype=None, requires_grad=False, device=None, out=None) -> Tensor:
    (_default_device if device is None else _device(device)).check_available()
    if dtype is not None:
        data = data.astype(dtypes.to_numpy(dtype), copy=False)
    if out is not None:
        return _into(out, data)
    t = _wrap(data)
    if requires_grad:
        if data.dtype.kind not in "fc":  # the factories' wording (requires_grad_() says it otherwise)
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _into(out: Tensor, data) -> Tensor:
    """A factory's `out=`: the tensor takes the new values (and shape), one version later."""
    out._data = np.asarray(data).astype(out._data.dtype, copy=False)
    out._vc[0] += 1
    return out


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
        arr = arr.astype(dtypes.default_float().np)
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
    return dtypes.to_numpy(dtype) if dtype is not None else dtypes.default_float().np


def zeros(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.zeros(_size(shape, size), _default(dtype)), None, requires_grad, device, out)


def ones(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.ones(_size(shape, size), _default(dtype)), None, requires_grad, device, out)


def empty(*shape, size=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None) -> Tensor:
    return zeros(*shape, size=size, out=out, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = (dtypes.bool if isinstance(fill_value, (bool, np.bool_)) else
                 dtypes.int64 if isinstance(fill_value, (int, np.integer)) else dtypes.default_float())
    return _finish(np.full(_size((size,)), fill_value, dtypes.to_numpy(dtype)), None, requires_grad, device, out)


def _like_dtype(t, dtype):
    return dtypes.to_numpy(dtype) if dtype is not None else t._data.dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
               memory_format=None) -> Tensor:
    return _finish(np.zeros(input._data.shape, _like_dtype(input, dtype)), None, requires_grad, device)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
              memory_format=None) -> Tensor:
    return _finish(np.ones(input._data.shape, _like_dtype(input, dtype)), None, requires_grad, device)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
               memory_format=None) -> Tensor:
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
              memory_format=None) -> Tensor:
    return _finish(np.full(input._data.shape, fill_value, _like_dtype(input, dtype)), None, requires_grad, device)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
              memory_format=None, generator=None) -> Tensor:
    return rand(input._data.shape, dtype=dtypes.from_numpy(_like_dtype(input, dtype)), device=device,
                requires_grad=requires_grad, generator=generator)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
               memory_format=None, generator=None) -> Tensor:
    return randn(input._data.shape, dtype=dtypes.from_numpy(_like_dtype(input, dtype)), device=device,
                 requires_grad=requires_grad, generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,  # noqa: A002
                 requires_grad=False, memory_format=None, generator=None) -> Tensor:
    if high is None:
        low, high = 0, low
    data = random.integers(low, high, input._data.shape, generator)
    return _finish(data.astype(_like_dtype(input, dtype)), None, requires_grad, device)


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False) -> Tensor:
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    is_int = all(isinstance(v, (int, np.integer)) for v in values)
    data = np.arange(*values, dtype=np.int64 if is_int else np.float64)
    if dtype is None and not is_int:
        data = data.astype(dtypes.default_float().np)
    return _finish(data, dtype, requires_grad, device, out)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    """ATen's kernel: a float step, then start + step·i for the first half and end - step·(n-1-i)
    for the second (each a fused multiply-add), so the values are PyTorch's to the last bit."""
    dt = np.dtype(_default(dtype))
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    work = dt if dt.kind == "f" else np.dtype(np.float64)
    s, e = (work.type(v.item() if isinstance(v, Tensor) else v) for v in (start, end))
    if steps == 1:
        data = np.array([s], dtype=work)
    else:
        step = (e - s) / work.type(max(steps - 1, 1))
        i = np.arange(steps)
        wide = np.float64 if work.itemsize < 8 else np.longdouble  # exact products: one rounding, as FMA
        lo = wide(s) + wide(step) * i
        hi = wide(e) - wide(step) * (steps - 1 - i)
        data = np.where(i < steps // 2, lo, hi).astype(work)
    return _finish(data.astype(dt, copy=False), None, requires_grad, device, out)


def logspace(start, end, steps, base: float = 10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False) -> Tensor:
    exponents = linspace(start, end, steps, dtype=dtypes.float64)._data
    data = np.power(base, exponents).astype(_default(dtype))
    return _finish(data, None, requires_grad, device, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.eye(n, m, dtype=_default(dtype)), None, requires_grad, device, out)


def rand(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False) -> Tensor:
    data = random.uniform(_size(shape, size), generator=generator, dtype=_default(dtype))
    return _finish(data.astype(_default(dtype), copy=False), None, requires_grad, device, out)


def randn(*shape, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False) -> Tensor:
    data = random.normal(_size(shape, size), generator=generator, dtype=_default(dtype))
    return _finish(data.astype(_default(dtype), copy=False), None, requires_grad, device, out)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False) -> Tensor:
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    data = random.integers(low, high, tuple(size), generator)
    return _finish(data, dtype, requires_grad, device, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False) -> Tensor:
    return _finish(random.permutation(n, generator), dtype, requires_grad, device, out)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False) -> Tensor:
    if size is not None:
        dt = _default(dtype)
        data = random.normal(tuple(size), mean, std, generator, dt).astype(dt, copy=False)
        return _finish(data, None, requires_grad, device, out)
    # as ATen's normal_out: standard draws, then (tensor std) .mul_(std) and .add_(mean),
    # or (float std, tensor mean) draws with that std, then .add_(mean)
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    dt = np.result_type(*[a.dtype for a in (m, s) if isinstance(a, np.ndarray)])
    dt = dt if dt in (np.float32, np.float64) else np.dtype(np.float32)
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    if isinstance(std, Tensor):
        draws = random.normal(shape, 0.0, 1.0, generator, dt) * np.asarray(s, dt)
    else:
        draws = random.normal(shape, 0.0, float(s), generator, dt)
    values = draws + (np.asarray(m, dt) if isinstance(m, np.ndarray) else dt.type(m))
    return _finish(values.astype(dt, copy=False), None, requires_grad, device, out)


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
