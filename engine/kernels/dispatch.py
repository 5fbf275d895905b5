"""Choosing, call by call, between a kernel's numba version and its numpy twin, and
warming the numba versions up in the background."""

import functools
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

# What a numba adapter returns when the arguments are not for the numba version.
DECLINED = object()


def numba_enabled() -> bool:
    """False when the environment variable GRADSTUDIO_NUMBA is 0 (or false/no/off)."""
    return os.environ.get("GRADSTUDIO_NUMBA", "1").strip().lower() not in ("0", "false", "no", "off")


class Kernel:
    """One kernel: its numpy twin, its numba version once compiled, and the size from
    which the numba version is faster."""

    def __init__(
        self, name: str, twin: Callable, adapter: Callable, min_size: int, core: str | None = None
    ):
        self.name = name
        self.core = core or name  # the function in numba_kernels
        self.numpy = twin
        self.min_size = min_size
        # adapter(compiled, min_size, *args) runs the numba version or returns DECLINED;
        # the caller has checked min_size against the first argument's size already
        self._adapter = adapter
        self.compiled: Callable | None = None  # set by warmup once compiled: "ready"
        self.__doc__ = twin.__doc__

    @property
    def ready(self) -> bool:
        return self.compiled is not None

    def __call__(self, *args):
        compiled = self.compiled
        if compiled is not None:
            first = args[0]
            min_size = self.min_size
            if type(first) is np.ndarray and first.size >= min_size:
                result = self._adapter(compiled, min_size, *args)
                if result is not DECLINED:
                    return result
        return self.numpy(*args)

    def numba(self, *args):
        """The numba version at any size; for tests and benchmarks."""
        if self.compiled is None:
            raise RuntimeError(f"kernel {self.name!r} is not compiled yet; call warmup() first")
        result = self._adapter(self.compiled, 0, *args)
        if result is DECLINED:
            raise ValueError(f"kernel {self.name!r}: the numba version does not take these arguments")
        return result

    def __repr__(self) -> str:
        return f"<kernel {self.name} {'numba' if self.ready else 'numpy'} from size {self.min_size}>"


# ---- adapters: from the callers' arrays to the kernels' flat contiguous ones ----
# Each returns the kernel's result, or DECLINED for arguments the numba version does
# not take. They run on every call above a kernel's min_size, so they avoid
# generators and reshape (ravel of a contiguous array is the cheapest view).


def flat_views(arrays: tuple) -> tuple[list[np.ndarray], bool] | None:
    """1-d views of same-shape, same-dtype float arrays that are all C- or all
    F-contiguous (the latter viewed through their transpose), and whether they were
    transposed; None for anything else, which then goes to the numpy twin."""
    first = arrays[0]
    if type(first) is not np.ndarray or first.dtype not in FLOATS:
        return None
    dtype, shape = first.dtype, first.shape
    # flags.carray: C-contiguous, aligned and writeable, as the compiled signatures want
    transposed = not first.flags.carray
    views = []
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype != dtype or a.shape != shape:
            return None
        if transposed:
            a = a.T
        if not a.flags.carray:
            return None
        views.append(a.ravel())
    return views, transposed


def _restore(flat: np.ndarray, like: np.ndarray, transposed: bool) -> np.ndarray:
    if transposed:
        return flat.reshape(like.T.shape).T
    return flat if like.ndim == 1 else flat.reshape(like.shape)


def _flat_pair(a, b) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """flat_views for two arrays, the hot case, unrolled."""
    if (
        type(a) is not np.ndarray
        or type(b) is not np.ndarray
        or a.shape != b.shape
        or a.dtype != b.dtype
        or a.dtype not in FLOATS
    ):
        return None
    if a.flags.carray and b.flags.carray:
        return a.ravel(), b.ravel(), False
    a, b = a.T, b.T
    if a.flags.carray and b.flags.carray:
        return a.ravel(), b.ravel(), True
    return None


def elementwise_adapter(compiled, min_size, g, x):
    views = _flat_pair(g, x)
    if views is None:
        return DECLINED
    g1, x1, transposed = views
    return _restore(compiled(g1, x1), g, transposed)


def mse_adapter(compiled, min_size, pred, target, scale):
    views = _flat_pair(pred, target)
    if views is None:
        return DECLINED
    p1, t1, transposed = views
    loss, grad = compiled(p1, t1, float(scale))
    # numba boxes a float32 scalar as a Python float
    return np.asarray(loss, dtype=pred.dtype), _restore(grad, pred, transposed)


def sgd_adapter(compiled, min_size, param, grad, buf, lr, momentum):
    views = flat_views((param, grad, buf))
    if views is None:
        return DECLINED
    p1, g1, b1 = views[0]
    compiled(p1, g1, b1, float(lr), float(momentum))
    return None


def adam_adapter(compiled, min_size, param, grad, m, v, lr, beta1, beta2, eps, step):
    views = flat_views((param, grad, m, v))
    if views is None:
        return DECLINED
    p1, g1, m1, v1 = views[0]
    compiled(p1, g1, m1, v1, float(lr), float(beta1), float(beta2), float(eps), int(step))
    return None


@functools.lru_cache(maxsize=1024)  # a model sums the same shapes every step
def summed_block(g_shape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, int, int] | None:
    """(outer, middle, inner) when summing g_shape to shape sums one run of adjacent
    axes, so g can be viewed as 3-d and summed over its middle axis; None otherwise
    (several separate runs, nothing to sum, or shapes that do not broadcast)."""
    lead = len(g_shape) - len(shape)
    if lead < 0:
        return None
    outer = middle = inner = 1
    state = 0  # 0: before the summed run, 1: in it, 2: after it
    for i, n in enumerate(g_shape):
        kept = 1 if i < lead else shape[i - lead]
        if n == kept:  # a kept axis, or a size-1 one, which fits anywhere
            if state == 0:
                outer *= n
            else:
                inner *= n
                if n != 1:
                    state = 2
        elif kept == 1:  # a summed axis
            if state == 2:
                return None
            state = 1
            middle *= n
        else:
            return None
    return (outer, middle, inner) if state else None


def sum_to_adapter(compiled, min_size, g, shape):
    if type(g) is not np.ndarray or g.dtype not in FLOATS or not g.flags.carray or g.size == 0:
        return DECLINED
    shape = tuple(shape)
    block = summed_block(g.shape, shape)
    if block is None:
        return DECLINED
    return compiled(g.reshape(block)).reshape(shape)


# ---- warmup ----


def numba_cache_dir(package_dir: Path, environ: dict) -> str | None:
    """The NUMBA_CACHE_DIR to set, or None when numba can use its default: numba caches
    beside the source (package_dir/__pycache__), which fails in a read-only install."""
    if environ.get("NUMBA_CACHE_DIR"):
        return None
    try:
        pycache = package_dir / "__pycache__"
        pycache.mkdir(exist_ok=True)
        with tempfile.TemporaryFile(dir=pycache):
            return None
    except OSError:
        base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return os.path.join(base, "gradstudio", "numba")


class Warmup:
    """Compiles the kernels once per process in a daemon thread, marking each ready as
    soon as it is."""

    def __init__(self, kernels: dict[str, Kernel]):
        self.kernels = kernels
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, background: bool = True) -> threading.Thread | None:
        if not numba_enabled():
            return None
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gradstudio-numba-warmup", daemon=True
                )
                self._thread.start()
        if background:
            return self._thread
        self._thread.join()
        return None

    def _run(self) -> None:
        try:
            numba_kernels = _import_numba_kernels()
        except Exception:
            log.warning("numba is unavailable; all kernels stay on numpy", exc_info=True)
            return
        for name, kernel in self.kernels.items():
            compiled = getattr(numba_kernels, kernel.core)
            try:
                for signature in numba_kernels.signatures(kernel.core):
                    compiled.compile(signature)  # loads from the on-disk cache when it can
            except Exception:
                log.warning("numba failed to compile kernel %r; it stays on numpy", name, exc_info=True)
                continue
            kernel.compiled = compiled


def _import_numba_kernels():
    cache_dir = numba_cache_dir(Path(__file__).parent, os.environ)
    if cache_dir is not None:
        os.environ["NUMBA_CACHE_DIR"] = cache_dir
        if "numba" in sys.modules:  # imported elsewhere first: its config is already read
            sys.modules["numba"].config.CACHE_DIR = cache_dir
    from engine.kernels import numba_kernels

    return numba_kernels
