"""Losses that PyTorch records as one node each (MseLossBackward0, NllLossBackward0,
BinaryCrossEntropyWithLogitsBackward0, …): forward and backward side by side; mse runs a numba kernel."""
from __future__ import annotations

import numpy as np

from engine import kernels
from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops import elementwise
from engine.ops._operands import as_tensor, sum_to
from engine.tensor import _wrap


class MseLossBackward0(Node):
    saved_names = ("self", "target")

    def apply(self, g, F, saved):
        x, y = saved
        if F.plain:
            d = g * self.grad_x  # d loss / d input, computed in the same pass as the loss
        else:
            d = g * (x - y) * (2.0 * self.scale)
        gx = sum_to(d, self.shapes[0]) if self.next_functions[0][0] is not None else None
        gy = sum_to(-d, self.shapes[1]) if self.next_functions[1][0] is not None else None
        return gx, gy


def mse_loss(input, target, reduction: str = "mean"):  # noqa: A002
    target = as_tensor(target)
    xd, yd = input._data, target._data
    if xd.shape != yd.shape:
        xd, yd = np.broadcast_arrays(xd, yd)
    if reduction == "none":  # still one MseLossBackward0 node, as in PyTorch
        diff = xd - yd
        scale, loss, grad_x = 1.0, diff * diff, 2 * diff
    elif reduction in ("mean", "sum"):
        scale = 1.0 / max(xd.size, 1) if reduction == "mean" else 1.0
        loss, grad_x = kernels.mse_forward_backward(xd, yd, scale)
    else:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    loss = np.asarray(loss, dtype=np.result_type(xd, yd))
    if not needs_grad(input, target):
        return _wrap(loss)
    node = make_node(MseLossBackward0, (input, target), (input, target))
    node.grad_x, node.scale = grad_x, scale
    node.shapes = (input._data.shape, target._data.shape)
    return _wrap(loss, grad_fn=node)


# -- shared by the losses below --------------------------------------------------------

def _reduced(loss: np.ndarray, reduction: str, divisor=None) -> np.ndarray:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.asarray(loss.sum(), dtype=loss.dtype)
    if reduction == "mean":
        n = loss.size if divisor is None else divisor
        return np.asarray(loss.sum() / n if n else np.nan, dtype=loss.dtype)
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _grad_scale(g, reduction: str, size: int):
    """The incoming gradient spread over the elements: g / n (mean), g (sum) or g itself (none)."""
    if reduction == "mean":
        return g / size if size else g * np.nan
    return g


def _target_like(target, input):  # noqa: A002
    target = as_tensor(target)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    return target


def _softplus_neg(x):
    """log(1 + exp(-x)), stable for large |x|: max(-x, 0) + log1p(exp(-|x|))."""
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))


# -- negative log likelihood (class indices) -------------------------------------------

class NllLossBackward0(Node):
    saved_names = ("self", "target", "weight")
    picks = None

    def apply(self, g, F, saved):
        # the loss is linear in the input: its gradient is a constant pattern times g
        picks = self.picks
        if picks is not None:  # (N, C) input: the gradient is -g·w at each (row, target), 0 elsewhere
            rows, cols, w = picks
            if F.plain:
                out = np.zeros(self.coef_shape, dtype=np.result_type(g, w))
                out[rows, cols] = (g if self.reduction != "none" else g.reshape(-1)) * w
                return (out.reshape(self.in_shape),)
            coef = np.zeros(self.coef_shape, dtype=w.dtype)
            coef[rows, cols] = w
            self.coef, self.picks = coef.reshape(self.in_shape), None
        coef = self.coef
        if self.reduction == "none":
            g = g.reshape(self.none_shape)
        return (F.select(coef != 0, g * F.const(coef, g)),)


_TYPE_WORDS = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool", "int32": "Int"}


class NllLoss2DBackward0(NllLossBackward0):
    pass


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,  # noqa: A002
             reduce=None, reduction: str = "mean"):
    """-input[n, target[n]] weighted by weight[target[n]]; class dim 1 (or 0 for one sample).
    Inputs of 3 or more than 4 dims are viewed as (N, C, 1, -1), as ATen's nll_loss_nd does."""
    from engine.ops import shape
    x = input._data
    target = as_tensor(target)
    if x.ndim == 3 or x.ndim > 4:
        n, c = x.shape[:2]
        if target._data.shape[1:] != x.shape[2:]:
            raise RuntimeError(f"Expected target size {list((n,) + x.shape[2:])}, got {list(target.shape)}")
        out = _nll(shape.view(input, n, c, 1, -1), _wrap(target._data.reshape(n, 1, -1)), weight,
                   ignore_index, reduction, NllLoss2DBackward0)
        return shape.view(out, n, *x.shape[2:]) if reduction == "none" else out
    return _nll(input, target, weight, ignore_index, reduction,
                NllLoss2DBackward0 if x.ndim == 4 else NllLossBackward0)


def _nll(input, target, weight, ignore_index, reduction, node_cls):  # noqa: A002
    x = input._data
    t = target._data
    if t.dtype.kind not in "iu":
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           + _TYPE_WORDS.get(t.dtype.name, t.dtype.name))
    if x.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if x.ndim == 1:  # one sample: (C,) input, () target
        if t.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        xs, ts = x[None], t[None]
    else:
        if t.shape != (x.shape[0],) + x.shape[2:]:
            if x.shape[0] != (t.shape[0] if t.ndim else 1):
                raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                                 f"({t.shape[0] if t.ndim else 1}).")
            raise RuntimeError(f"Expected target size {list((x.shape[0],) + x.shape[2:])}, got {list(t.shape)}")
        xs, ts = x, t
    n_classes = xs.shape[1]
    if xs.ndim == 2 and weight is None and ts.size and 0 <= ts.min() and ts.max() < n_classes \
            and not (0 <= ignore_index < n_classes):
        return _nll_plain(input, target, xs, ts, reduction, node_cls)
    keep = ts != ignore_index
    bad = keep & ((ts < 0) | (ts >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(ts[bad].flat[0])} is out of bounds.")
    safe_t = np.where(keep, ts, 0)
    w_all = np.ones(n_classes, x.dtype) if weight is None else weight._data.astype(x.dtype, copy=False)
    w = np.where(keep, w_all[safe_t], 0).astype(x.dtype)
    picked = np.take_along_axis(xs, safe_t[:, None], axis=1)[:, 0]
    per = np.where(keep, -(picked * w), 0).astype(x.dtype)  # +0 where ignored, as PyTorch
    total = w.sum()
    if reduction == "mean":
        out = np.asarray(per.sum() / total, dtype=x.dtype)
    else:
        out = _reduced(per, reduction)
    if x.ndim == 1 and reduction == "none":
        out = out.reshape(())
    out = out.astype(x.dtype, copy=False)
    if not needs_grad(input):
        return _wrap(out)
    coef = np.zeros_like(xs)
    scale = (1.0 / total if total else np.nan) if reduction == "mean" else 1.0
    np.put_along_axis(coef, safe_t[:, None], (-w * scale)[:, None].astype(x.dtype), axis=1)
    node = make_node(node_cls, (input,), (input, target))
    node.coef = coef.reshape(x.shape)
    node.reduction = reduction
    node.none_shape = (x.shape[0], 1) + x.shape[2:] if x.ndim > 1 else ()
    return _wrap(out, grad_fn=node)


def _nll_plain(input, target, xs, ts, reduction, node_cls):  # noqa: A002
    """The common case, in a few numpy calls: (N, C) input, every target a class, no class weights."""
    x = input._data
    rows = np.arange(xs.shape[0])
    per = -xs[rows, ts]
    if reduction == "none":
        out = per if x.ndim > 1 else per.reshape(())
    elif reduction in ("mean", "sum"):
        total = per.sum()
        out = np.asarray(total / per.size if reduction == "mean" else total, dtype=x.dtype)
    else:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not needs_grad(input):
        return _wrap(out)
    node = make_node(node_cls, (input,), (input, target))
    node.picks = (rows, ts, np.asarray(-1.0 / per.size if reduction == "mean" else -1.0, dtype=x.dtype))
    node.coef_shape, node.in_shape = xs.shape, x.shape
    node.reduction = reduction
    node.none_shape = (x.shape[0], 1) if x.ndim > 1 else ()
    return _wrap(out, grad_fn=node)


# -- binary cross entropy ---------------------------------------------------------------

class BinaryCrossEntropyBackward0(Node):
    saved_names = ("self", "target", "weight")

    def apply(self, g, F, saved):
        x, y = saved[0], saved[1]
        w = saved[2] if len(saved) > 2 else None
        g = _grad_scale(g, self.reduction, self.size)
        # PyTorch's EPSILON keeps x(1 - x) away from 0
        denom = x * (1 - x)
        denom = np.maximum(denom, 1e-12) if F.plain else denom.clamp(min=1e-12)
        gx = g * (x - y) / denom
        if w is not None:
            gx = gx * w
        gy = None
        if self.next_functions[1][0] is not None:
            lx = np.maximum(np.log(x), -100) if F.plain else x.log().clamp(min=-100)
            l1 = np.maximum(np.log1p(-x), -100) if F.plain else (1 - x).log().clamp(min=-100)
            gy = g * (l1 - lx) * (1 if w is None else w)
        return (gx if self.next_functions[0][0] is not None else None), gy


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                         reduction: str = "mean"):
    target = _target_like(target, input)
    x, y = input._data, target._data
    if ((x < 0) | (x > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    # PyTorch clamps each log at -100 so that a confident mistake costs 100, not inf
    loss = -(y * np.maximum(np.log(x), -100) + (1 - y) * np.maximum(np.log1p(-x), -100))
    if weight is not None:
        loss = loss * weight._data
    out = _reduced(loss.astype(x.dtype, copy=False), reduction)
    if not needs_grad(input, target):
        return _wrap(out)
    saved = (input, target) + ((weight,) if weight is not None else ())
    node = make_node(BinaryCrossEntropyBackward0, (input, target), saved)
    node.reduction, node.size = reduction, x.size
    return _wrap(out, grad_fn=node)


class BinaryCrossEntropyWithLogitsBackward0(Node):
    saved_names = ("self", "target", "weight", "pos_weight")

    def apply(self, g, F, saved):
        x, y = saved[0], saved[1]
        w, pw = self.weight, self.pos_weight
        g = _grad_scale(g, self.reduction, self.size)
        s = F.sigmoid(x)
        if pw is None:
            gx = g * (s - y)
        else:
            pw = pw._data if F.plain else pw
            lw = (pw - 1) * y + 1
            gx = g * (lw * (s - 1) + 1 - y)
        gy = None
        if self.next_functions[1][0] is not None:
            if pw is None:
                gy = -g * x
            else:
                sp = _softplus_neg(x) if F.plain else elementwise.softplus(-x)
                gy = g * ((pw - 1) * sp - x)
        if w is not None:
            wv = w._data if F.plain else w
            gx = gx * wv
            gy = gy * wv if gy is not None else None
        return (gx if self.next_functions[0][0] is not None else None), gy


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,  # noqa: A002
                                     reduce=None, reduction: str = "mean", pos_weight=None):
    """Sigmoid and binary cross entropy in one node, stable for large logits (never exp(+big))."""
    target = _target_like(target, input)
    x, y = input._data, target._data
    sp = _softplus_neg(x)  # -log(sigmoid(x))
    if pos_weight is None:
        loss = (1 - y) * x + sp
    else:
        loss = (1 - y) * x + ((pos_weight._data - 1) * y + 1) * sp
    if weight is not None:
        loss = loss * weight._data
    out = _reduced(loss.astype(x.dtype, copy=False), reduction)
    if not needs_grad(input, target):
        return _wrap(out)
    saved = (input, target) + tuple(t for t in (weight, pos_weight) if t is not None)
    node = make_node(BinaryCrossEntropyWithLogitsBackward0, (input, target), saved)
    node.reduction, node.size = reduction, loss.size
    node.weight, node.pos_weight = weight, pos_weight
    return _wrap(out, grad_fn=node)


# -- robust regression losses ---------------------------------------------------------------

class SmoothL1LossBackward0(Node):
    saved_names = ("self", "target")

    def apply(self, g, F, saved):
        x, y = saved
        d = x - y
        dd = d if F.plain else d._data
        small = np.abs(dd) < self.beta if self.beta > 0 else np.zeros(dd.shape, bool)
        slope = np.where(small, 0, np.sign(dd)).astype(dd.dtype)
        g = _grad_scale(g, self.reduction, self.size)
        inner = F.select(small, d) * (1.0 / self.beta) if self.beta > 0 else F.zeros_like(d)
        gx = g * (inner + F.const(slope, d))
        gx_out = sum_to(gx, self.shapes[0]) if self.next_functions[0][0] is not None else None
        gy_out = sum_to(-gx, self.shapes[1]) if self.next_functions[1][0] is not None else None
        return gx_out, gy_out


class HuberLossBackward0(SmoothL1LossBackward0):
    def apply(self, g, F, saved):
        x, y = saved
        d = x - y
        dd = d if F.plain else d._data
        small = np.abs(dd) <= self.delta
        slope = np.where(small, 0, self.delta * np.sign(dd)).astype(dd.dtype)
        g = _grad_scale(g, self.reduction, self.size)
        gx = g * (F.select(small, d) + F.const(slope, d))
        gx_out = sum_to(gx, self.shapes[0]) if self.next_functions[0][0] is not None else None
        gy_out = sum_to(-gx, self.shapes[1]) if self.next_functions[1][0] is not None else None
        return gx_out, gy_out


def _pair(input, target):  # noqa: A002
    target = as_tensor(target)
    x, y = input._data, target._data
    if x.shape != y.shape:
        import warnings
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", UserWarning, stacklevel=3)
        x, y = np.broadcast_arrays(x, y)
    return target, x, y


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",  # noqa: A002
                   beta: float = 1.0):
    target, x, y = _pair(input, target)
    d = np.abs(x - y)
    loss = np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta) if beta > 0 else d
    out = _reduced(loss.astype(np.result_type(x, y), copy=False), reduction)
    if not needs_grad(input, target):
        return _wrap(out)
    node = make_node(SmoothL1LossBackward0, (input, target), (input, target))
    node.beta, node.reduction, node.size = float(beta), reduction, d.size
    node.shapes = (input._data.shape, target._data.shape)
    return _wrap(out, grad_fn=node)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):  # noqa: A002
    target, x, y = _pair(input, target)
    d = np.abs(x - y)
    loss = np.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    out = _reduced(loss.astype(np.result_type(x, y), copy=False), reduction)
    if not needs_grad(input, target):
        return _wrap(out)
    node = make_node(HuberLossBackward0, (input, target), (input, target))
    node.delta, node.reduction, node.size = float(delta), reduction, d.size
    node.shapes = (input._data.shape, target._data.shape)
    return _wrap(out, grad_fn=node)
