"""torch.accelerator: no accelerator is present; the CPU is where everything runs."""
from __future__ import annotations


def is_available() -> bool:
    return False


def current_accelerator(check_available: bool = False):
    return None


def device_count() -> int:
    return 0


def synchronize(device=None) -> None:
    """Nothing to wait for."""
