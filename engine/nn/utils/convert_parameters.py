"""One flat vector from a model's parameters, and back."""
from __future__ import annotations

import numpy as np

from engine.ops import joining


def parameters_to_vector(parameters):
    return joining.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters) -> None:
    offset = 0
    for p in parameters:
        n = p.numel()
        p._data = np.array(vec._data[offset:offset + n].reshape(p._data.shape), dtype=p._data.dtype)
        offset += n
