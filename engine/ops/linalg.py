"""Matrix products: mm, mv, dot and matmul (which picks among them by rank, as PyTorch does)."""
from __future__ import annotations

import numpy as np

from engine.autograd.graph import Node, make_node, needs_grad
from engine.ops._operands import as_tensor, into, sum_to
from engine.tensor import Tensor, _result, _wrap


def _product(a, b, out, node_cls):
    if not needs_grad(a, b):
        return _wrap(out)
    ra, rb = a._rg, b._rg
    # each side's gradient needs only the other side
    saved = (a, b) if ra and rb else ((b,) if ra else (a,))
    node = make_node(node_cls, (a, b), saved)
    node.kept = (rb, ra)
    return _result(out, node)


def _sides(node, saved):
    it = iter(saved)
    a = next(it) if node.kept[0] else None
    b = next(it) if node.kept[1] else None
    return a, b


class MmBackward0(Node):
    saved_names = ("self", "mat2")

    def apply(self, g, F, saved):
        a, b = _sides(self, saved)
        ga = g @ b.T if b is not None else None
        gb = a.T @ g if a is not None else None
        return ga, gb


class MvBackward0(Node):
    saved_names = ("self", "vec")

    def apply(self, g, F, saved):
        m, v = _sides(self, saved)
        gm = g.reshape((-1, 1)) * v.reshape((1, -1)) if v is not None else None
        gv = m.T @ g if m is not None else None
        return gm, gv


class DotBackward0(Node):
    saved_names = ("self", "tensor")

    def apply(self, g, F, saved):
        a, b = _sides(self, saved)
        return (g * b if b is not None else None), (g * a if a is not None else None)


class BmmBackward0(Node):
    """Batched/broadcast matmul of rank ≥ 3 operands."""
    saved_names = ("self", "mat2")

    def apply(self, g, F, saved):
        a, b = _sides(self, saved)
        sa, sb = self.shapes
        ga = sum_to(g @ F.swap_last(b), sa) if b is not None else None
        gb = sum_to(F.swap_last(a) @ g, sb) if a is not None else None
        return ga, gb


def _check(a, b, what: str):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype.name} != {b.dtype.name}" if what == "mm" else
                           f"{what}: expected both operands to have the same dtype, "
                           f"got {a.dtype.name} and {b.dtype.name}")


def mm(a, b):
    if type(b) is not Tensor:
        b = as_tensor(b)
    da, db = a._data, b._data
    if da.ndim != 2 or db.ndim != 2:
        raise RuntimeError(f"{'self' if da.ndim != 2 else 'mat2'} must be a matrix")
    if da.shape[1] != db.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                           f"({da.shape[0]}x{da.shape[1]} and {db.shape[0]}x{db.shape[1]})")
    if da.dtype != db.dtype:
        _check(a, b, "mm")
    return _product(a, b, da @ db, MmBackward0)


def mv(a, v):
    v = as_tensor(v)
    if a._data.shape[1] != v._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a._data.shape[0]}), mat "
                           f"({a._data.shape[0]}x{a._data.shape[1]}), vec ({v._data.shape[0]})")
    return _product(a, v, a._data @ v._data, MvBackward0)


def dot(a, b):
    b = as_tensor(b)
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors")
    if a._data.shape != b._data.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a._data.shape[0]}] and src "
                           f"[{b._data.shape[0]}] to have the same number of elements, but got "
                           f"{a._data.shape[0]} and {b._data.shape[0]} elements respectively")
    return _product(a, b, np.dot(a._data, b._data), DotBackward0)


def bmm(a, b):
    b = as_tensor(b)
    da, db = a._data, b._data
    if da.ndim != 3 or db.ndim != 3:
        raise RuntimeError(f"batch{1 if da.ndim != 3 else 2} must be a 3D tensor")
    if da.shape[0] != db.shape[0] or da.shape[2] != db.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{da.shape[0]}, {da.shape[2]}] but got: [{db.shape[0]}, {db.shape[1]}].")
    if da.dtype != db.dtype:
        _check(a, b, "bmm")
    out = _product(a, b, np.matmul(da, db), BmmBackward0)
    if out._fn is not None:
        out._fn.shapes = (da.shape, db.shape)
    return out


def matmul(input, other, *, out=None):  # noqa: A002 - PyTorch's keywords
    if out is not None:
        return into(out, matmul(input, other), "matmul")
    return _matmul(input, other)


def _matmul(a, b):
    """PyTorch's matmul, decomposed into the same recorded ops (aten's _matmul_impl): dot/mv/mm by
    rank; a batch folded into the rows of one mm/mv when that costs no copy (or saves a large
    gradient); otherwise both sides expanded to the broadcast batch and multiplied with bmm."""
    from engine.ops import shape as sh
    b = as_tensor(b)
    na, nb = a._data.ndim, b._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(a, b)
    if na == 2 and nb == 1:
        return mv(a, b)
    if na == 1 and nb == 2:
        return _squeezed(mm(a.unsqueeze(0), b), SqueezeBackward4)
    if na == 2 and nb == 2:
        return mm(a, b)
    if _should_fold(a, b):
        transpose = nb > na
        t1 = sh.transpose(b, -1, -2) if transpose else a
        t2 = (sh.t(a) if na == 2 else a) if transpose else b
        sizes = t1._data.shape
        out_shape = sizes[:-1] + t2._data.shape[1:]
        folded = sh.reshape(t1, -1, sizes[-1])
        out = sh.unsafe_view(mm(folded, t2) if t2._data.ndim == 2 else mv(folded, t2), out_shape)
        # (vector @ batch gives rows already; a matrix operand's product comes out transposed)
        return sh.transpose(out, -1, -2).contiguous() if transpose and t2._data.ndim == 2 else out
    sa, sb = a._data.shape, b._data.shape
    if na == 3 and nb == 3 and sa[0] != sb[0]:  # a batch of one that requires grad: fold it instead
        if sa[0] == 1 and a._rg:
            return matmul(sh.squeeze(a, 0), b)
        if sb[0] == 1 and b._rg:
            return matmul(a, sh.squeeze(b, 0))
    n, m1 = (sa[-2] if na > 1 else 1), sa[-1]
    m2, p = (sb[-2], sb[-1]) if nb > 1 else (sb[0], 1)
    try:
        batch = np.broadcast_shapes(sa[:max(na - 2, 0)], sb[:max(nb - 2, 0)])
    except ValueError:
        raise RuntimeError(_batch_mismatch(sa[:max(na - 2, 0)], sb[:max(nb - 2, 0)])) from None
    count = int(np.prod(batch, dtype=np.int64))
    a3 = sh.reshape(sh.expand(a, *batch, n, m1), count, n, m1)
    if nb == 1:
        b3 = sh.unsqueeze(sh.reshape(sh.expand(b, *batch, m2), count, m2), 2)
    else:
        b3 = sh.reshape(sh.expand(b, *batch, m2, p), count, m2, p)
    out = bmm(a3, b3)
    if nb == 1:
        out = sh.squeeze(out, -1)
    return sh.unsafe_view(out, batch + ((n,) if na > 1 else ()) + ((p,) if nb > 1 else ()))


def _should_fold(a, b) -> bool:
    """aten's should_fold: fold the larger operand's batch into matrix rows (one mm/mv, no bmm) when
    it has rank ≥ 3 against a vector/matrix, and either the smaller one requires grad (expanding it
    would make a batch-sized gradient) or the fold needs no copy."""
    na, nb = a._data.ndim, b._data.ndim
    t1, t2 = (a, b) if na >= nb else (b, a)
    if not (t1._data.ndim >= 3 and t2._data.ndim <= 2):
        return False
    if t2._rg:
        return True
    if na == 2:
        return False
    if t1._data.size == 0:
        return True
    shape, strides = list(t1._data.shape), [s // t1._data.itemsize for s in t1._data.strides]
    if t1 is b:  # the fold is of b.mT
        shape[-1], shape[-2] = shape[-2], shape[-1]
        strides[-1], strides[-2] = strides[-2], strides[-1]
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):  # contiguous, size-1 dims aside
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def _batch_mismatch(s1, s2) -> str:
    for i in range(1, max(len(s1), len(s2)) + 1):
        x = s1[-i] if i <= len(s1) else 1
        y = s2[-i] if i <= len(s2) else 1
        if x != y and x != 1 and y != 1:
            return (f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                    f"dimension {max(len(s1), len(s2)) - i}")
    return "shape mismatch"


class SqueezeBackward4(Node):
    """The in-place squeeze_ PyTorch's matmul applies to a vector-matrix product."""

    def apply(self, g, F, saved):
        return (g.reshape(self.shape),)


def _squeezed(out, node_cls, shape=None):
    """`out` reshaped to `shape` (default: without its leading 1) and recorded as node_cls."""
    data = out._data.reshape(shape if shape is not None else out._data.shape[1:])
    if out._fn is None:
        t = _wrap(data)
    else:
        node = make_node(node_cls, (out,))
        node.shape = out._data.shape
        t = _wrap(data, grad_fn=node)
    if node_cls is SqueezeBackward4:
        t._vc[0] = 1  # PyTorch squeezes the product in place (squeeze_): it is at version 1
    return t


def rmatmul(a, b):
    return matmul(as_tensor(b), a)


class AddmmBackward0(Node):
    """bias + mat1 @ mat2 in one node: what nn.Linear records for a batch, as in PyTorch."""
    saved_names = ("mat1", "mat2")

    def apply(self, g, F, saved):
        m1, m2 = saved
        g_bias = sum_to(g, self.bias_shape) if self.next_functions[0][0] is not None else None
        g1 = g @ m2.T if self.next_functions[1][0] is not None else None
        g2 = m1.T @ g if self.next_functions[2][0] is not None else None
        return g_bias, g1, g2


def addmm(bias, mat1, mat2):
    if mat1._data.shape[-1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1._data.shape[0]}x{mat1._data.shape[1]}"
                           f" and {mat2._data.shape[0]}x{mat2._data.shape[1]})")
    # numpy's float32 matmul with a transposed (F-ordered) right operand takes a slow loop for tall
    # left operands (10,000×7 @ (8×7)ᵀ: 2 ms, 80× a contiguous copy's time): copy the small weight.
    right = mat2._data if mat2._data.flags.c_contiguous else np.ascontiguousarray(mat2._data)
    out = mat1._data @ right
    out += bias._data
    if not needs_grad(bias, mat1, mat2):
        return _wrap(out)
    node = make_node(AddmmBackward0, (bias, mat1, mat2), (mat1, mat2))
    node.bias_shape = bias._data.shape
    return _wrap(out, grad_fn=node)


def linear(x, weight, bias=None):
    """x @ weightᵀ (+ bias), recorded as PyTorch records it: AddmmBackward0 for a 2-d batch."""
    from engine.ops.shape import t as transpose2d, view
    wt = transpose2d(weight)
    if bias is not None and x._data.ndim == 2:
        return addmm(bias, x, wt)
    if bias is not None and x._data.flags.c_contiguous:
        # PyTorch folds other ranks into a batch of rows: view -> addmm -> view
        rows = addmm(bias, view(x, -1, x._data.shape[-1]), wt)
        return view(rows, *x._data.shape[:-1], weight._data.shape[0])
    if x._data.shape[-1] != wt._data.shape[0]:
        rows = int(np.prod(x._data.shape[:-1], dtype=np.int64))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x._data.shape[-1]} and "
                           f"{wt._data.shape[0]}x{wt._data.shape[1]})")
    out = matmul(x, wt)
    return out if bias is None else out + bias
