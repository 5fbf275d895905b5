"""Conv2d and MaxPool2d: the module forms of ops/convolution.py, initialised as PyTorch does."""
from __future__ import annotations

import math

from engine import creation, random
from engine.nn.modules.module import Module, Parameter
from engine.ops import convolution


class Conv2d(Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = convolution._pair(kernel_size, "kernel_size")
        self.stride, self.dilation = convolution._pair(stride, "stride"), convolution._pair(dilation, "dilation")
        self.padding = padding if isinstance(padding, str) else convolution._pair(padding, "padding")
        self.groups, self.padding_mode = groups, padding_mode
        np_dtype = creation._default(dtype)
        fan_in = in_channels // groups * self.kernel_size[0] * self.kernel_size[1]
        # reset_parameters: kaiming_uniform_(a=sqrt(5)) then bias uniform(±1/sqrt(fan_in)), as Linear
        gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
        w_bound = math.sqrt(3.0) * gain / math.sqrt(fan_in) if fan_in else 0.0
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(creation._finish(random.uniform(shape, -w_bound, w_bound, dtype=np_dtype)
                                                 .astype(np_dtype, copy=False)))
        if bias:
            b_bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
            self.bias = Parameter(creation._finish(random.uniform((out_channels,), -b_bound, b_bound,
                                                                  dtype=np_dtype).astype(np_dtype, copy=False)))
        else:
            self.register_parameter("bias", None)

    def forward(self, x):
        return convolution.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding!r}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return convolution.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                      self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")
