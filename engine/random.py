"""The engine's random number generator, a bit-for-bit copy of PyTorch's CPU generator (the
only global state besides the grad mode): for the same seed, the engine draws the same numbers
as PyTorch 2.x on the CPU, so a tutorial run with `import engine as torch` prints what PyTorch
prints.

The engine is std::mt19937 (numpy's MT19937 with its legacy seeding is the same stream);
`random64()` is two 32-bit draws, the first one the high half. On top of it, as ATen does:

- uniform in [from, to): float32 takes one draw, (r & (2^24 - 1)) * 2^-24; float64 takes a
  random64(), (r & (2^53 - 1)) * 2^-53; then x * (to - from) + from. Elements in C order.
- normal, 16 elements or more: every element gets a uniform draw, then each block of 16 is
  Box-Muller'd in place (u1 = 1 - x[j], u2 = x[j + 8], j < 8); if the size is not a multiple
  of 16 the last 16 elements are drawn again and transformed again.
- normal, fewer than 16 elements: one float64 Box-Muller pair per two elements, from two
  random64() uniforms (u1 for the angle, u2 for the radius, sqrt(-2 log1p(-u2))); the sine
  half is cached in the generator and handed out by the next such draw (manual_seed clears it).
- integers in [low, high): random() % range + low, or random64() % range + low when the range
  is 2^32 or more. randperm(n): arange(n), then for i < n - 1 swap i with i + random() % (n - i).
- multinomial with replacement: per draw one float64 uniform and the first category whose
  normalised cumulative probability is >= it; without replacement (or one sample): argmax /
  top-k of p / Exponential(1).  Bernoulli(p): uniform (in p's dtype) < p.

What is exact: everything above in float64 except the >= 16 normal path and exponentials,
which can differ from PyTorch in the last bit where libm's log/cos/sin do; in float32,
uniform/randint/randperm/multinomial/Bernoulli and the < 16 normal path are exact, and the
>= 16 normal path agrees to within 1e-6 (absolute, for std 1): PyTorch computes it with SIMD
log/sin/cos whose roundings numpy cannot reproduce, so some values differ in the last few ulp
(printed at 4 decimals they are the same).
"""
from __future__ import annotations

import math

import numpy as np

_DEFAULT_SEED = 67280421310721  # torch.Generator().initial_seed()
_MASK24 = np.uint64(0xFFFFFF)
_MASK53 = np.uint64((1 << 53) - 1)
_F32_SCALE = np.float32(2.0 ** -24)
_F64_SCALE = 2.0 ** -53
_TWO_PI = 2.0 * math.pi


class Generator:
    """A seedable source of random numbers, like torch.Generator: its own mt19937 and its own
    cached normal sample. `Generator()` starts from PyTorch's default seed, 67280421310721."""

    def __init__(self, device="cpu", seed: int | None = None) -> None:
        if isinstance(device, (int, np.integer)) and not isinstance(device, bool):
            device, seed = "cpu", int(device)   # Generator(seed), the engine's older spelling
        self.device = device
        self.manual_seed(_DEFAULT_SEED if seed is None else seed)

    def manual_seed(self, seed: int) -> "Generator":
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFFFFFFFFFFFFFF
        self._seed = seed
        self._bg = np.random.MT19937(0)
        self._bg._legacy_seeding(seed & 0xFFFFFFFF)
        self._normal_cache: float | None = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy % (2 ** 63))
        self.manual_seed(s)
        return s

    def get_state(self):
        """The whole state as a uint8 tensor (the engine's own layout, not PyTorch's bytes)."""
        from engine.creation import _finish
        st = self._bg.state["state"]
        head = np.array([self._seed & 0xFFFFFFFFFFFFFFFF, int(st["pos"]),
                         self._normal_cache is not None], dtype=np.uint64)
        cache = np.array([self._normal_cache or 0.0], dtype=np.float64)
        blob = np.concatenate([head.view(np.uint8), cache.view(np.uint8),
                               np.asarray(st["key"], dtype=np.uint32).view(np.uint8)])
        return _finish(blob.copy())

    def set_state(self, new_state) -> "Generator":
        blob = np.ascontiguousarray(getattr(new_state, "_data", new_state), dtype=np.uint8).ravel()
        if blob.size != 24 + 8 + 624 * 4:
            raise RuntimeError("Expected either a THGeneratorState of size 5056 or a CPUGeneratorImplState "
                               "(this is not a state saved by an engine Generator)")
        seed, pos, has_cache = (int(v) for v in blob[:24].view(np.uint64))
        cache = float(blob[24:32].view(np.float64)[0])
        key = blob[32:].view(np.uint32).copy()
        self._seed = seed
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._normal_cache = cache if has_cache else None
        return self

    def __repr__(self) -> str:
        return f"<engine.random.Generator object at {id(self):#x}>"


default_generator = Generator(seed=0)


def manual_seed(seed: int) -> Generator:
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


# ---------------------------------------------------------------- raw draws

def _gen(generator) -> Generator:
    return generator if generator is not None else default_generator


def _random(g: Generator, n: int) -> np.ndarray:
    """n 32-bit draws (as uint64)."""
    return g._bg.random_raw(n)


def _random64(g: Generator, n: int) -> np.ndarray:
    r = g._bg.random_raw(2 * n)
    return (r[0::2] << np.uint64(32)) | r[1::2]


def _unit(g: Generator, n: int, dtype) -> np.ndarray:
    """n uniforms in [0, 1) as uniform_real_distribution<dtype>(0, 1) draws them."""
    if np.dtype(dtype) == np.float64:
        return (_random64(g, n) & _MASK53).astype(np.float64) * _F64_SCALE
    return (_random(g, n) & _MASK24).astype(np.float32) * _F32_SCALE


def _float_dtype(dtype):
    dt = np.dtype(np.float32 if dtype is None else dtype)
    return dt if dt in (np.dtype(np.float32), np.dtype(np.float64)) else np.dtype(np.float32)


def _size(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


# ---------------------------------------------------------------- distributions

def uniform(shape, low=0.0, high=1.0, generator=None, dtype=np.float32) -> np.ndarray:
    """torch.empty(shape, dtype).uniform_(low, high): float32 or float64 array."""
    shape = _size(shape)
    dt = _float_dtype(dtype)
    n = math.prod(shape)
    x = _unit(_gen(generator), n, dt)
    if low != 0.0 or high != 1.0:
        if dt == np.float32:
            lo, hi = np.float32(low), np.float32(high)
            # PyTorch's compiled x * (to - from) + from is one fused multiply-add: an exact
            # product and one rounding, which float64 arithmetic reproduces for float32
            x = (x.astype(np.float64) * float(hi - lo) + float(lo)).astype(np.float32)
        else:
            x = _fma(x, float(high) - float(low), float(low))
    return x.reshape(shape)


def _fma(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """a * b + c with the product kept exact (Dekker's two-product and Knuth's two-sum), as
    the fused multiply-add PyTorch's compiled kernel uses; differs from a true fma only when
    the exact result lies on a rounding tie."""
    p = a * b
    t = 134217729.0 * a
    ah = t - (t - a)
    al = a - ah
    t = 134217729.0 * b
    bh = t - (t - b)
    bl = b - bh
    ep = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bv = s - p
    es = (p - (s - bv)) + (c - bv)
    return s + (ep + es)


def _box_muller_blocks(d: np.ndarray, mean, std) -> np.ndarray:
    """normal_fill_16 on rows of 16 uniforms (shape (k, 16)), in place."""
    if d.dtype == np.float64:
        u1 = 1.0 - d[:, :8]
        u2 = d[:, 8:]
        radius = np.sqrt(-2.0 * np.log(u1))
        theta = _TWO_PI * u2
        d[:, :8] = radius * np.cos(theta) * std + mean
        d[:, 8:] = radius * np.sin(theta) * std + mean
        return d
    # float32, as PyTorch's vectorised kernel: all in float32 (theta = float(2 pi) * u2), the
    # product with std fused with the + mean. Its SIMD log/sin/cos round differently from any
    # numpy function in some cases; a correctly rounded log and numpy's float32 sin/cos match
    # it best (about 92% of values bit for bit, the rest within a few ulp)
    u1 = np.float32(1) - d[:, :8]
    radius = np.sqrt(np.float32(-2) * np.log(u1.astype(np.float64)).astype(np.float32))
    theta = np.float32(_TWO_PI) * d[:, 8:]
    a = radius * np.cos(theta)
    b = radius * np.sin(theta)
    if mean != 0.0 or std != 1.0:
        m, s = float(np.float32(mean)), float(np.float32(std))
        a = a.astype(np.float64) * s + m
        b = b.astype(np.float64) * s + m
    d[:, :8] = a
    d[:, 8:] = b
    return d


def _normal_serial(g: Generator, n: int, mean, std) -> np.ndarray:
    """n draws of normal_distribution<double>(mean, std), using and refilling the cache."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and g._normal_cache is not None:
        out[0] = g._normal_cache
        g._normal_cache = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        # at most 8 pairs: the C library's log1p/cos/sin (as PyTorch's) rather than numpy's,
        # whose results can differ in the last bit
        u = _unit(g, 2 * pairs, np.float64).tolist()
        z = []
        for k in range(0, 2 * pairs, 2):
            r = math.sqrt(-2.0 * math.log1p(-u[k + 1]))
            theta = _TWO_PI * u[k]
            z += (r * math.cos(theta), r * math.sin(theta))
        out[start:] = z[:n - start]
        if (n - start) % 2:
            g._normal_cache = z[-1]
    if mean == 0.0 and std == 1.0:
        return out
    return _fma(out, float(std), float(mean))  # compiled as a fused multiply-add


def normal(shape, mean=0.0, std=1.0, generator=None, dtype=np.float32) -> np.ndarray:
    """torch.empty(shape, dtype).normal_(mean, std): float32 or float64 array."""
    shape = _size(shape)
    dt = _float_dtype(dtype)
    g = _gen(generator)
    n = math.prod(shape)
    if n < 16:
        return _normal_serial(g, n, mean, std).astype(dt).reshape(shape)
    d = _unit(g, n, dt)
    full = n // 16 * 16
    _box_muller_blocks(d[:full].reshape(-1, 16), mean, std)
    if n % 16:
        d[n - 16:] = _box_muller_blocks(_unit(g, 16, dt).reshape(1, 16), mean, std).ravel()
    return d.reshape(shape)


def integers(low, high, shape, generator=None) -> np.ndarray:
    """torch.randint(low, high, shape): int64 array."""
    shape = _size(shape)
    low, high = int(low), int(high)
    span = high - low
    if span <= 0:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    n = math.prod(shape)
    g = _gen(generator)
    if span >= 1 << 32:
        r = _random64(g, n) % np.uint64(span)
    else:
        r = _random(g, n) % np.uint64(span)
    return (r.astype(np.int64) + low).reshape(shape)


def permutation(n: int, generator=None) -> np.ndarray:
    """torch.randperm(n) on the CPU: int64 array."""
    n = int(n)
    if n <= 0:
        return np.arange(0, dtype=np.int64)
    g = _gen(generator)
    z = (_random(g, n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
    a = list(range(n))
    for i, k in enumerate(z):
        j = i + k
        a[i], a[j] = a[j], a[i]
    return np.array(a, dtype=np.int64)


def exponential(shape, lambd=1.0, generator=None, dtype=np.float32) -> np.ndarray:
    """torch.empty(shape, dtype).exponential_(lambd)."""
    shape = _size(shape)
    u = _unit(_gen(generator), math.prod(shape), np.float64)
    return (-1.0 / float(lambd) * np.log1p(-u)).astype(_float_dtype(dtype)).reshape(shape)


def bernoulli(p: np.ndarray, generator=None) -> np.ndarray:
    """torch.bernoulli(p) for a float tensor of probabilities: 0/1 in p's dtype."""
    p = np.asarray(p)
    dt = _float_dtype(p.dtype)
    u = _unit(_gen(generator), p.size, dt).reshape(p.shape)
    return (u < p.astype(dt)).astype(p.dtype)


def multinomial(probs: np.ndarray, num_samples: int, replacement: bool = False,
                generator=None) -> np.ndarray:
    """torch.multinomial on a 2-D array of non-negative weights (validated by the caller):
    an int64 array (rows, num_samples)."""
    p = np.atleast_2d(np.asarray(probs))
    if p.dtype not in (np.float32, np.float64):
        p = p.astype(np.float32)
    g = _gen(generator)
    if not replacement or num_samples == 1:
        q = exponential(p.shape, 1.0, g, p.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = p / q
        if num_samples == 1:
            return np.argmax(q, axis=-1)[:, None].astype(np.int64)
        return np.argsort(-q, axis=-1, kind="stable")[:, :num_samples].astype(np.int64)
    out = np.empty((p.shape[0], num_samples), dtype=np.int64)
    for i, row in enumerate(p):
        cum = np.cumsum(row, dtype=row.dtype)
        total = cum[-1]
        if total > 0:
            cum = cum / total
        u = _unit(g, num_samples, np.float64)
        out[i] = np.minimum(np.searchsorted(cum, u, side="left"), len(row) - 1)
    return out
