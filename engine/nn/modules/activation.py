"""Activation modules: each calls its function in `engine.nn.functional` (or the op itself)."""
from __future__ import annotations

from engine.nn.modules.module import Module
from engine.ops import activation, elementwise


def _inplace_str(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class ReLU(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return elementwise.relu(x)

    def extra_repr(self) -> str:
        return _inplace_str(self.inplace)


class Tanh(Module):
    def forward(self, x):
        return elementwise.tanh(x)


class Sigmoid(Module):
    def forward(self, x):
        return elementwise.sigmoid(x)


class Softmax(Module):
    def __init__(self, dim=None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return activation.softmax(x, self.dim, _stacklevel=4)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x):
        return activation.log_softmax(x, self.dim, _stacklevel=4)
