"""torch.backends.cudnn: flags programs set for reproducibility (they change nothing on the CPU)."""

enabled = True
deterministic = False
benchmark = False


def is_available() -> bool:
    return False


def version():
    return None
