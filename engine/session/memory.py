"""How much memory a training step will take, estimated before anything is built, so settings this
machine cannot hold are refused with the numbers instead of swapping for minutes or being killed."""
from __future__ import annotations

import os

from engine.session.config import ConfigError, SessionConfig
from engine.session.i18n import translate

FLOAT_BYTES = 4          # the engine trains in float32
ACTIVATION_COPIES = 1.5  # per hidden unit and row: the layer's output, its activation and the
                         # gradients passing back, some freed early (measured: a 6×1024 MLP at
                         # batch 2.5·10⁵ peaked at 8.9 GB; this gives 9.3 GB)
MACHINE_SHARE = 0.8      # leave the rest to the window, the system and other programs


def step_bytes(config: SessionConfig) -> int:
    """A lower-bound estimate of the memory one training step needs, in bytes."""
    model, rows = config.model, config.data.batch_size
    if model.kind == "mlp":
        widths = list(model.hidden)
        units = sum(widths)
        parameters = sum(a * b + b for a, b in zip([1, *widths], [*widths, 1]))
    elif model.kind == "polynomial":
        units, parameters = model.degree, model.degree + 1
    else:
        units, parameters = 4, 4
    # parameters, gradients and up to two optimizer buffers (Adam)
    return int(rows * units * FLOAT_BYTES * ACTIVATION_COPIES + parameters * FLOAT_BYTES * 4)


def machine_bytes() -> int | None:
    """The machine's physical memory, or None when it cannot be told."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(config: SessionConfig) -> None:
    """ConfigError on the batch size when a step would need more memory than the machine has."""
    need, have = step_bytes(config), machine_bytes()
    if have is not None and need > have * MACHINE_SHARE:
        raise ConfigError("data.batch_size", translate(
            "trainer", "these settings need about {0} GB of memory per training step and this computer has {1} GB: "
                       "use a smaller batch or fewer hidden units").format(f"{need / 1e9:,.1f}", f"{have / 1e9:,.1f}"))
