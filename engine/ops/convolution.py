"""2-d convolution and max pooling over (N, C, H, W) tensors, each forward beside its backward
(ConvolutionBackward0, MaxPool2DWithIndicesBackward0, as PyTorch names them). Windows are numpy
strided views; the backward adds each kernel offset's contribution back in place. Their backward
is not itself recorded: with create_graph=True their gradients come out, and differentiating those
again raises (their nodes are ConvolutionBackwardBackward0, MaxPool2DWithIndicesBackwardBackward0)."""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.tensor import Tensor, _wrap


class _NotTwice(Node):
    def apply(self, grad, F, saved):
        raise RuntimeError(f"differentiating twice through {self.op} is not supported by GradStudio's engine")


class ConvolutionBackwardBackward0(_NotTwice):
    op = "conv2d"


class MaxPool2DWithIndicesBackwardBackward0(_NotTwice):
    op = "max_pool2d"


def _plain_once(apply, node_cls):
    """A backward computed on arrays; under create_graph its results are tensors whose own
    backward is node_cls (which raises)."""
    def run(self, g, F, saved):
        if F.plain:
            return apply(self, g, F, saved)
        from engine.ops.backward_math import ARRAYS
        grads = apply(self, g._data, ARRAYS, [s._data for s in saved])
        sources = [t for t in [g, *saved] if isinstance(t, Tensor) and t._rg]
        node = make_node(node_cls, sources) if sources else None
        return tuple(None if r is None else _wrap(r, grad_fn=node) for r in grads)
    return run


def _pair(v, name: str) -> tuple:
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of 2 values to match "
                               f"the convolution dimensions, but got {name}={list(v)}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _windows(x: np.ndarray, kernel, stride, dilation) -> np.ndarray:
    """(N, C, Ho, Wo, kH, kW) view of x's (already padded) sliding windows."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = x.shape
    ho, wo = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, c, ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw), writeable=False)


def _scatter_windows(cols: np.ndarray, padded_shape, stride, dilation) -> np.ndarray:
    """The adjoint of _windows: add each window's values back where they came from."""
    n, c, ho, wo, kh, kw = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros(padded_shape, dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (ho - 1) + 1:sh, j * dw:j * dw + sw * (wo - 1) + 1:sw] += cols[..., i, j]
    return out


def _unpad(a: np.ndarray, padding) -> np.ndarray:
    ph, pw = padding
    return a[:, :, ph:a.shape[2] - ph, pw:a.shape[3] - pw]


class ConvolutionBackward0(Node):
    saved_names = ("input", "weight")

    def _apply(self, g, F, saved):
        x, w = saved
        xp = np.pad(x, ((0, 0), (0, 0), (self.padding[0],) * 2, (self.padding[1],) * 2))
        gx = gw = gb = None
        if self.next_functions[0][0] is not None:
            cols = np.einsum("nohw,ocij->nchwij", g, w, optimize=True)
            gx = _unpad(_scatter_windows(cols, xp.shape, self.stride, self.dilation), self.padding)
        if self.next_functions[1][0] is not None:
            gw = np.einsum("nohw,nchwij->ocij", g, _windows(xp, w.shape[2:], self.stride, self.dilation),
                           optimize=True)
        if self.next_functions[2][0] is not None:
            gb = g.sum(axis=(0, 2, 3))
        return gx, gw, gb

    apply = _plain_once(_apply, ConvolutionBackwardBackward0)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):  # noqa: A002
    x, w = input._data, weight._data
    if groups != 1:
        raise NotImplementedError("conv2d with groups > 1 is not supported by GradStudio's engine")
    if x.ndim == 3:  # one unbatched image: unsqueeze, convolve, squeeze (PyTorch's recorded ops)
        from engine.ops.shape import squeeze, unsqueeze
        return squeeze(conv2d(unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups), 0)
    if x.ndim != 4 or w.ndim != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                           f"{list(input.shape)}")
    if x.shape[1] != w.shape[1]:
        raise RuntimeError(f"Given groups=1, weight of size {list(w.shape)}, expected input{list(x.shape)} to have "
                           f"{w.shape[1]} channels, but got {x.shape[1]} channels instead")
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    if padding == "valid":
        padding = 0
    if padding == "same":
        total = [d * (k - 1) for d, k in zip(dilation, w.shape[2:])]
        if any(t % 2 for t in total) or stride != (1, 1):
            raise NotImplementedError("padding='same' with an even kernel or a stride is not supported")
        padding = (total[0] // 2, total[1] // 2)
    padding = _pair(padding, "padding")
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    out = np.einsum("nchwij,ocij->nohw", _windows(xp, w.shape[2:], stride, dilation), w, optimize=True)
    if bias is not None:
        out = out + bias._data[None, :, None, None]
    out = np.ascontiguousarray(out, dtype=np.result_type(x, w))
    if not needs_grad(input, weight, bias):
        return _wrap(out)
    node = make_node(ConvolutionBackward0, (input, weight, bias), (input, weight))
    node.stride, node.padding, node.dilation = stride, padding, dilation
    return _wrap(out, grad_fn=node)


class MaxPool2DWithIndicesBackward0(Node):
    saved_names = ("self",)

    def _apply(self, g, F, saved):
        n, c, ho, wo, kh, kw = self.window_shape
        cols = np.zeros(self.window_shape, dtype=g.dtype)
        flat = cols.reshape(n, c, ho, wo, kh * kw)
        np.put_along_axis(flat, self.argmax[..., None], g[..., None], axis=-1)
        padded = _scatter_windows(cols, self.padded_shape, self.stride, self.dilation)
        return (_unpad(padded, self.padding).reshape(self.in_shape),)

    apply = _plain_once(_apply, MaxPool2DWithIndicesBackwardBackward0)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,  # noqa: A002
               return_indices: bool = False):
    """The largest value of each window (the first one where several tie), as PyTorch picks it."""
    if ceil_mode or return_indices:
        raise NotImplementedError("max_pool2d with ceil_mode or return_indices is not supported by GradStudio's "
                                  "engine")
    x = input._data
    in_shape = x.shape
    if x.ndim == 3:
        x = x[None]
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={padding[0]}, "
                           f"kernel_size={kernel[0]} and dilation={dilation[0]}")
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2), constant_values=-np.inf)
    win = _windows(xp, kernel, stride, dilation)
    flat = win.reshape(win.shape[:4] + (-1,))
    argmax = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, argmax[..., None], axis=-1)[..., 0].astype(x.dtype)
    out = out.reshape(out.shape[1:]) if len(in_shape) == 3 else out
    if not needs_grad(input):
        return _wrap(out)
    node = make_node(MaxPool2DWithIndicesBackward0, (input,), (input,))
    node.window_shape, node.argmax, node.padded_shape = win.shape, argmax, xp.shape
    node.stride, node.padding, node.dilation, node.in_shape = stride, padding, dilation, in_shape
    return _wrap(out, grad_fn=node)
