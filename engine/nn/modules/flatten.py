"""Flatten and Unflatten: reshape between (N, C, H, W)-like and (N, C·H·W)-like layouts."""
from __future__ import annotations

from engine.nn.modules.module import Module
from engine.ops import shape


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return shape.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, x):
        sizes = x.shape
        dim = self.dim % len(sizes)
        return shape.reshape(x, *sizes[:dim], *self.unflattened_size, *sizes[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
