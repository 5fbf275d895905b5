"""torch.cuda as PyTorch's CPU-only build answers it: no device, and using one raises
"Torch not compiled with CUDA enabled" (so `"cuda" if torch.cuda.is_available() else "cpu"` works)."""
from __future__ import annotations

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def _lazy_init() -> None:
    raise AssertionError(_NOT_COMPILED)


def current_device() -> int:
    _lazy_init()


def get_device_name(device=None) -> str:
    _lazy_init()


def set_device(device) -> None:
    _lazy_init()


def synchronize(device=None) -> None:
    _lazy_init()


def manual_seed(seed: int) -> None:
    """Seeding CUDA is silently deferred (a no-op here), as on a machine without CUDA."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """Nothing to free."""


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False
