"""The code generator: one traced step becomes the source of ONE numba function that runs it k
times (forward, backward from the op templates, gradient accumulation, optimizer updates).

Every tensor is a flat row-major buffer with a static shape; loops have constant bounds.
Sums follow numpy's pairwise order in exact mode (bit-identical to eager); a step with matrix
products runs in fast mode (fastmath reassoc: vectorised reductions, ~1e-7 relative).
"""
from __future__ import annotations

import ast
import itertools

import numpy as np

from engine import optim
from engine.compile import templates as T
from engine.compile.trace import Trace, Untraceable, Value

VIEW_OPS = {"view", "reshape", "unsafe_view", "flatten", "squeeze", "unsqueeze", "t", "transpose", "permute",
            "getitem", "contiguous", "T"}
STRUCTURED = {"mm", "addmm", "sum", "mean", "mse_loss", "expand", "expand_as", "clone", "pow",
              "sub_", "add_", "mul_", "div_", "zero_", "fill_", "copy_"} | VIEW_OPS
INPLACE_BINARY = {"sub_": "sub", "add_": "add", "mul_": "mul", "div_": "div"}


def has_template(name, args, kwargs) -> bool:
    """Whether the op call can be compiled (checked while tracing, before its children count)."""
    if name in T.UNARY or name in T.BINARY:
        return not kwargs.get("alpha", 1) != 1 and not (len(args) > 2 and args[2] != 1)
    if name == "pow":
        from engine.tensor import Tensor
        return isinstance(args[0], Tensor) and not isinstance(args[1], Tensor)
    if name in ("sum", "mean"):
        return kwargs.get("dtype") is None and (len(args) < 4 or args[3] is None)
    if name == "mse_loss":
        red = kwargs.get("reduction", args[2] if len(args) > 2 else "mean")
        return red in ("mean", "sum")
    if name in ("sub_", "add_"):
        return kwargs.get("alpha", 1) == 1 and (len(args) < 3 or args[2] == 1)
    return name in STRUCTURED


class Program:
    """The generated source and what its arguments are bound to."""

    def __init__(self, source, params, grads, args, consts, opt_slots, fast, loss_value):
        self.source, self.params, self.grads, self.args = source, params, grads, args
        self.consts, self.opt_slots, self.fast, self.loss_value = consts, opt_slots, fast, loss_value


class Generator:
    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.pre: list[str] = []      # allocations, before the loop over steps
        self.body: list[str] = []     # one step
        self.globals: dict = {}
        self.names: dict[int, str] = {}  # id(Value) -> buffer name
        self.counter = itertools.count()
        self.constants: dict = {}
        self.fast = any(ev.kind == "op" and ev.record.op in ("mm", "addmm") and _inner(ev.record) > 1
                        for ev in trace.events)
        self.n_params = len(trace.params)
        self.grad_exists = list(trace.grad_start)
        self.arg_slots: dict[int, Value] = {}
        self.const_slots: list[Value] = []
        self.opt_slots: list[tuple] = []     # (kind, optimizer, group index, param index)
        self.consumed: set = set()           # records already backwarded
        self.dtype = None
        self.work: dict[str, int] = {}       # dtype name -> scratch elements
        self.fbufs: set[str] = set()         # buffers stored batch-innermost (column-major)

    # -- names and constants ---------------------------------------------------------
    def tmp(self, size: int, dtype, prefix="t") -> str:
        """A scratch buffer: a slice of one work array per dtype, allocated once per program
        (allocating inside the step would cost more than a small step's arithmetic)."""
        name = f"{prefix}{next(self.counter)}"
        kind = np.dtype(dtype).name
        start = self.work.get(kind, 0)
        self.work[kind] = start + max(size, 1)
        self.pre.append(f"{name} = W_{kind}[{start}:{start + max(size, 1)}]")
        return name

    def const(self, value, dtype) -> str:
        key = (float(value), np.dtype(dtype).name, np.signbit(value))
        name = self.constants.get(key)
        if name is None:
            name = self.constants[key] = f"K{len(self.constants)}"
            self.globals[name] = np.dtype(dtype).type(value)
        return name

    def buf(self, v: Value) -> str:
        name = self.names.get(id(v))
        if name is not None:
            return name
        if v.kind == "param":
            name = f"P{v.index}"
        elif v.kind == "grad":
            if not self.grad_exists[v.index]:
                raise Untraceable("the step reads a .grad that does not exist at that point")
            name = f"G{v.index}"
        elif v.kind == "arg":
            self.arg_slots[v.index] = v
            name = f"a{v.index}"
        elif v.kind == "const":
            if not v.tensor._data.flags.c_contiguous:
                raise Untraceable("the step reads a non-contiguous tensor made outside it (use .contiguous())")
            self.const_slots.append(v)
            name = f"C{len(self.const_slots) - 1}"
        else:
            raise Untraceable("internal: a value used before it was computed")
        self.names[id(v)] = name
        return name

    def out_buf(self, v: Value, view: bool = False) -> str:
        name = self.tmp(v.size, v.dtype)
        self.names[id(v)] = name
        if not view and self.batch_innermost(v):
            self.fbufs.add(name)
        return name

    # -- layouts ------------------------------------------------------------------------------
    def strides(self, buf: str, shape: tuple) -> list[int]:
        """Element strides of `shape` in `buf` (0 on size-1 dims): row-major, or batch-innermost
        (column-major) for the (batch, features) activations of a fast-mode step."""
        if buf in self.fbufs and len(shape) == 2:
            n, p = shape
            return [1 if n != 1 else 0, n if p != 1 else 0]
        return _row_strides(shape)

    def batch_innermost(self, v: Value) -> bool:
        """Store this op result column-major: the loops over it (and over the products and sums that
        read it) then run along the batch, contiguous and vectorised."""
        return self.fast and len(v.shape) == 2 and v.shape[0] > 1 and v.shape[1] > 1

    def like(self, name: str, buf: str) -> str:
        """Give the scratch buffer `name` the layout of `buf` (a gradient is stored as its value)."""
        if buf in self.fbufs:
            self.fbufs.add(name)
        return name

    # -- elementwise -----------------------------------------------------------------------
    def expr(self, template: str, operands: dict, dtype) -> str:
        """`template` with operand names replaced by accesses and literals by typed constants."""
        tree = ast.parse(template, mode="eval")
        gen = self

        class Rewrite(ast.NodeTransformer):
            def visit_Name(self, node):
                if node.id in operands:
                    return ast.parse(operands[node.id], mode="eval").body
                if node.id in T.CONSTANTS:  # zero, one, two, half: of the step's dtype
                    return ast.Name(gen.const(T.CONSTANTS[node.id], dtype), ast.Load())
                return node

            def visit_Constant(self, node):
                if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                    return ast.Name(gen.const(node.value, dtype), ast.Load())
                return node
        return ast.unparse(Rewrite().visit(tree))

    def elementwise(self, dst: str, shape: tuple, template: str, operands: dict, dtype, mode="=") -> None:
        """dst[...] (mode) template, over `shape`, operands (name -> (buffer, shape) or constant)."""
        shape = tuple(shape)
        n = _size(shape)
        out_strides = self.strides(dst, shape)
        same = lambda o: tuple(o[1]) == shape and self.strides(o[0], shape) == out_strides  # noqa: E731
        if all(not isinstance(o, tuple) or _size(o[1]) == 1 or same(o) for o in operands.values()):
            acc = {}
            for key, o in operands.items():
                if not isinstance(o, tuple):
                    acc[key] = self.const(o, dtype)
                elif _size(o[1]) == 1 and n != 1:
                    acc[key] = f"{o[0]}[0]"
                else:
                    acc[key] = f"{o[0]}[i]"
            self.body.append(f"for i in range({n}):")
            self.body.append(f"    {dst}[i] {mode} {self.expr(template, acc, dtype)}")
            return
        nd = len(shape)
        acc = {}
        for key, o in operands.items():
            if not isinstance(o, tuple):
                acc[key] = self.const(o, dtype)
                continue
            lead = nd - len(o[1])
            own = [0] * lead + self.strides(o[0], tuple(o[1]))
            full = (1,) * lead + tuple(o[1])
            strides = [st if full[d] == shape[d] else 0 for d, st in enumerate(own)]
            idx = " + ".join(f"i{d} * {st}" for d, st in enumerate(strides) if st) or "0"
            acc[key] = f"{o[0]}[{idx}]"
        order = sorted(range(nd), key=lambda d: -out_strides[d])  # innermost: the contiguous dim
        for depth, d in enumerate(order):
            self.body.append("    " * depth + f"for i{d} in range({shape[d]}):")
        oidx = " + ".join(f"i{d} * {st}" for d, st in enumerate(out_strides) if st) or "0"
        self.body.append("    " * nd + f"{dst}[{oidx}] {mode} {self.expr(template, acc, dtype)}")

    def sum_to(self, dst: str, src: str, src_shape: tuple, dst_shape: tuple, dtype, mode="=", scale=None) -> None:
        """dst (mode) src summed over the broadcast dims, in numpy's order (pairwise over
        contiguous runs, sequential across rows)."""
        src_shape, dst_shape = tuple(src_shape), tuple(dst_shape)
        if src_shape == dst_shape:
            self.elementwise(dst, src_shape, "g", {"g": (src, src_shape)}, dtype, mode)
            return
        lead = len(src_shape) - len(dst_shape)
        full = (1,) * lead + dst_shape
        kept = [d for d in range(len(src_shape)) if full[d] == src_shape[d] and src_shape[d] != 1]
        summed = [d for d in range(len(src_shape)) if full[d] != src_shape[d]]
        strides = self.strides(src, src_shape)
        own = [0] * lead + self.strides(dst, dst_shape)
        dst_strides = [own[d] if d in kept else 0 for d in range(len(src_shape))]
        run = _size(tuple(src_shape[d] for d in summed))
        # numpy sums a contiguous run pairwise, and rows into rows one after another
        contiguous = not kept or min(summed) > max(kept)
        inner_unit = min(strides[d] for d in summed) == 1
        if self.fast and kept and not inner_unit and scale is None:
            # rows added into the kept elements one row after another: vectorises along the row
            if mode == "=":
                self.elementwise(dst, dst_shape, "0", {}, dtype)
            for depth, d in enumerate(summed):
                self.body.append("    " * depth + f"for r{d} in range({src_shape[d]}):")
            ind = "    " * len(summed)
            for depth, d in enumerate(kept):
                self.body.append(ind + "    " * depth + f"for k{d} in range({src_shape[d]}):")
            ind += "    " * len(kept)
            sidx = " + ".join(f"{'r' if d in summed else 'k'}{d} * {strides[d]}" for d in summed + kept)
            oidx = " + ".join(f"k{d} * {dst_strides[d]}" for d in kept)
            self.body.append(ind + f"{dst}[{oidx}] += {src}[{sidx}]")
            return
        for depth, d in enumerate(kept):
            self.body.append("    " * depth + f"for k{d} in range({src_shape[d]}):")
        ind = "    " * len(kept)
        base = " + ".join(f"k{d} * {strides[d]}" for d in kept) or "0"
        oidx = " + ".join(f"k{d} * {dst_strides[d]}" for d in kept) or "0"
        acc = f"s{next(self.counter)}"
        if contiguous and not self.fast:
            self.body += [ind + line for line in self.pairwise(acc, run, lambda j: f"{src}[{base} + {j}]", dtype)]
        else:  # in fast mode a sum along the contiguous dim, vectorised (reassoc)
            self.body.append(ind + f"{acc} = {self.const(-0.0, dtype)}")
            order = sorted(summed, key=lambda d: -strides[d])
            for depth, d in enumerate(order):
                self.body.append(ind + "    " * depth + f"for r{d} in range({src_shape[d]}):")
            ridx = " + ".join(f"r{d} * {strides[d]}" for d in summed)
            self.body.append(ind + "    " * len(summed) + f"{acc} += {src}[{base} + {ridx}]")
        value = acc if scale is None else f"{acc} / {self.const(scale, dtype)}"
        self.body.append(ind + f"{dst}[{oidx}] {mode} {value}")

    def pairwise(self, acc: str, n: int, elem, dtype) -> list[str]:
        """numpy's pairwise summation of elem(0..n-1), unrolled at generation time."""
        if n < 8:
            return [f"{acc} = {self.const(-0.0, dtype)}", f"for j in range({n}):", f"    {acc} += {elem('j')}"]
        if n <= 128:
            r = [f"{acc}_{j}" for j in range(8)]
            lines = [f"{r[j]} = {elem(j)}" for j in range(8)]
            end = n - n % 8
            if end > 8:
                lines.append(f"for j in range(8, {end}, 8):")
                lines += [f"    {r[j]} += {elem(f'j + {j}')}" for j in range(8)]
            lines.append(f"{acc} = (({r[0]} + {r[1]}) + ({r[2]} + {r[3]})) + (({r[4]} + {r[5]}) + ({r[6]} + {r[7]}))")
            if end < n:
                lines += [f"for j in range({end}, {n}):", f"    {acc} += {elem('j')}"]
            return lines
        n2 = n // 2
        n2 -= n2 % 8
        left, right = f"{acc}l", f"{acc}r"
        return (self.pairwise(left, n2, elem, dtype)
                + self.pairwise(right, n - n2, lambda j: elem(f"{n2} + {j}"), dtype)
                + [f"{acc} = {left} + {right}"])

    def matmul(self, dst: str, a: str, b: str, n: int, m: int, p: int, ta=False, tb=False, mode="=") -> None:
        """dst (n,p) (mode) a (n,m) @ b (m,p); ta/tb: the operand is stored transposed. Each sum
        runs over k in order, in whichever loop nest keeps the innermost loop contiguous."""
        sa = self.strides(a, (m, n) if ta else (n, m))
        sb = self.strides(b, (p, m) if tb else (m, p))
        (ai, aq), (bq, bj) = (sa[::-1] if ta else sa), (sb[::-1] if tb else sb)
        di, dj = self.strides(dst, (n, p))
        ai, aq, bq, bj = (st if size > 1 else 0 for st, size in ((ai, n), (aq, m), (bq, m), (bj, p)))
        A = lambda i, q: f"{a}[{' + '.join(f'{x} * {st}' for x, st in ((i, ai), (q, aq)) if st) or 0}]"  # noqa: E731
        B = lambda q, j: f"{b}[{' + '.join(f'{x} * {st}' for x, st in ((q, bq), (j, bj)) if st) or 0}]"  # noqa: E731
        D = lambda i, j: f"{dst}[{' + '.join(f'{x} * {st}' for x, st in ((i, di), (j, dj)) if st) or 0}]"  # noqa: E731
        # the innermost loop: over i (columns), j (rows) or k (dot products)
        unit = lambda *strides: sum(st in (0, 1) for st in strides)  # noqa: E731
        score = {"i": unit(di, ai) + min(n, 64) / 64, "j": unit(dj, bj) + min(p, 64) / 64,
                 "q": unit(aq, bq) + min(m, 64) / 64 - 0.01}
        form = max(score, key=score.get)
        if form == "q":
            self.body += [f"for i in range({n}):", f"    for j in range({p}):",
                          f"        x_ = {A('i', 0)} * {B(0, 'j')}",
                          f"        for q in range(1, {m}):", f"            x_ += {A('i', 'q')} * {B('q', 'j')}",
                          f"        {D('i', 'j')} {mode} x_"]
            return
        outer, inner, size_o, size_i = ("j", "i", p, n) if form == "i" else ("i", "j", n, p)
        X = (lambda q: B(q, "j")) if form == "i" else (lambda q: A("i", q))
        Y = (lambda q: A("i", q)) if form == "i" else (lambda q: B(q, "j"))
        lines = [f"for {outer} in range({size_o}):"]
        if mode == "=":
            lines += [f"    x_ = {X(0)}", f"    for {inner} in range({size_i}):", f"        {D('i', 'j')} = {Y(0)} * x_",
                      f"    for q in range(1, {m}):"]
        else:
            lines += [f"    for q in range({m}):"]
        lines += [f"        x_ = {X('q')}", f"        for {inner} in range({size_i}):",
                  f"            {D('i', 'j')} += {Y('q')} * x_"]
        self.body += lines

    # -- forward ----------------------------------------------------------------------
    def forward(self, rec) -> None:
        op, args = rec.op, rec.args
        if rec.inplace:
            return self.inplace(rec)
        out = rec.out
        dtype = out.dtype
        self._check_dtype(rec)
        if op in T.UNARY:
            x = args[0]
            dst = self.out_buf(out)
            template = T.vectorisable(T.UNARY[op][0], dtype)
            self.elementwise(dst, out.shape, template, {"x": (self.buf(x), x.shape)}, dtype)
        elif op in T.BINARY or op == "pow":
            if op == "pow":
                fwd = T.pow_templates(args[1])[0]
                x = args[0]
                dst = self.out_buf(out)
                self.elementwise(dst, out.shape, fwd, {"x": (self.buf(x), x.shape)}, dtype)
                return
            a, b = args[0], args[1]
            dst = self.out_buf(out)
            ops = {"a": (self.buf(a), a.shape) if isinstance(a, Value) else a,
                   "b": (self.buf(b), b.shape) if isinstance(b, Value) else b}
            self.elementwise(dst, out.shape, T.BINARY[op][0], ops, dtype)
        elif op in ("mm", "addmm"):
            if op == "addmm":
                bias, a, b = args[:3]
            else:
                a, b = args[:2]
            n, m = a.shape
            p = b.shape[1]
            dst = self.out_buf(out)
            self.matmul(dst, self.buf(a), self.buf(b), n, m, p)
            if op == "addmm":
                self.elementwise(dst, out.shape, "y + b", {"y": (dst, out.shape), "b": (self.buf(bias), bias.shape)},
                                 dtype)
        elif op in ("sum", "mean"):
            x = args[0]
            dims = _reduce_dims(rec, x.shape)
            kept = tuple(1 if d in dims else s for d, s in enumerate(x.shape))
            dst = self.out_buf(out)
            n = _size(tuple(x.shape[d] for d in dims))
            self.sum_to(dst, self.buf(x), x.shape, kept, dtype, scale=n if op == "mean" else None)
        elif op == "mse_loss":
            x, y = args[0], args[1]
            if not isinstance(y, Value) or tuple(x.shape) != tuple(y.shape):
                raise Untraceable("mse_loss of operands with different shapes is not compiled")
            red = rec.kwargs.get("reduction", args[2] if len(args) > 2 else "mean")
            scale = 1.0 / max(x.size, 1) if red == "mean" else 1.0
            dst = self.out_buf(out)
            xb, yb = self.buf(x), self.buf(y)
            if self.strides(xb, x.shape) != self.strides(yb, y.shape):
                raise Untraceable("mse_loss of operands stored in different layouts is not compiled")
            rec.grad_x = gx = self.like(self.tmp(x.size, dtype, "d"), xb)
            tot = f"s{next(self.counter)}"
            # as the fused eager kernel: float64 total of float32 squares, 2·scale·d kept for backward
            self.body += [f"{tot} = 0.0", f"for i in range({x.size}):", f"    d_ = {xb}[i] - {yb}[i]",
                          f"    {tot} += d_ * d_", f"    {gx}[i] = {self.const(2 * scale, dtype)} * d_",
                          f"{dst}[0] = {self.const(scale, dtype)} * np.{np.dtype(dtype).name}({tot})"]
        elif op in ("expand", "expand_as"):
            x = args[0]
            dst = self.out_buf(out)
            self.elementwise(dst, out.shape, "x", {"x": (self.buf(x), x.shape)}, dtype)
        elif op == "clone":
            x = args[0]
            dst = self.out_buf(out)
            self.elementwise(dst, out.shape, "x", {"x": (self.buf(x), x.shape)}, dtype)
        elif op in VIEW_OPS:
            x = args[0]
            index = _index_map(rec)
            xb = self.buf(x)
            if xb in self.fbufs:  # positions in a batch-innermost buffer
                logical = np.arange(x.size) if index is None else index
                i, j = np.divmod(logical, x.shape[1])
                index = j * x.shape[0] + i
            if index is None:
                self.names[id(out)] = xb  # same elements in the same order: an alias
                rec.index = None
            else:
                rec.index = name = f"I{next(self.counter)}"
                self.globals[name] = index
                dst = self.out_buf(out, view=True)
                self.body += [f"for i in range({out.size}):", f"    {dst}[i] = {self.buf(x)}[{name}[i]]"]
        else:
            raise Untraceable(f"the op '{op}' has no compiled template")

    def inplace(self, rec) -> None:
        op, args = rec.op, rec.args
        target = args[0]
        if any(rec.arg_rg):
            raise Untraceable(f"in-place '{op}' on a tensor that requires grad is not compiled")
        if target.kind == "op" and self.names.get(id(target)) is None:
            raise Untraceable("internal: in-place write into an unknown tensor")
        dst, dtype = self.buf(target), target.dtype
        if op in INPLACE_BINARY:
            other = args[1]
            ops = {"a": (dst, target.shape), "b": (self.buf(other), other.shape) if isinstance(other, Value) else other}
            self.elementwise(dst, target.shape, T.BINARY[INPLACE_BINARY[op]][0], ops, dtype)
        elif op == "zero_":
            self.elementwise(dst, target.shape, "0", {}, dtype)
        elif op == "fill_":
            if isinstance(args[1], Value):
                raise Untraceable("fill_ with a tensor value is not compiled")
            self.elementwise(dst, target.shape, "v", {"v": args[1]}, dtype)
        elif op == "copy_":
            src = args[1]
            if not isinstance(src, Value):
                raise Untraceable("copy_ from a non-tensor is not compiled")
            self.elementwise(dst, target.shape, "x", {"x": (self.buf(src), src.shape)}, dtype)
        else:
            raise Untraceable(f"the in-place op '{op}' has no compiled template")

    def _check_dtype(self, rec) -> None:
        for a in rec.args:
            if isinstance(a, Value) and a.dtype != rec.out.dtype and a.dtype.kind == "f":
                raise Untraceable(f"'{rec.op}' mixes {a.dtype} and {rec.out.dtype}, which is not compiled")
        if rec.out.dtype.kind != "f":
            raise Untraceable(f"'{rec.op}' computes {rec.out.dtype} values, which is not compiled")

    # -- backward -------------------------------------------------------------------------
    def backward(self, root: Value, records: list) -> None:
        grads: dict[int, str] = {}
        dtype = root.dtype
        g0 = self.tmp(root.size, dtype, "g")
        self.body.append(f"{g0}[0] = {self.const(1, dtype)}")
        grads[id(root)] = g0
        params: dict[int, Value] = {}

        def contribute(v, emit):
            """emit(dst, mode) writes v's gradient contribution."""
            if not isinstance(v, Value) or not v.requires_grad:
                return
            if v.kind == "arg" or v.kind == "const":
                raise Untraceable("an input of the step requires grad, which is not compiled")
            if v.kind == "param":
                params[v.index] = v
            name = grads.get(id(v))
            if name is None:
                name = grads[id(v)] = self.like(self.tmp(v.size, v.dtype, "g"), self.names.get(id(v), ""))
                emit(name, "=")
            else:
                emit(name, "+=")

        for rec in reversed(records):
            if rec.inplace or not rec.grad_enabled or not rec.out.requires_grad or id(rec) in self.consumed:
                continue
            g = grads.get(id(rec.out))
            if g is None:
                continue
            self.consumed.add(id(rec))
            self.vjp(rec, g, contribute)
        for index, v in sorted(params.items()):
            src = grads[id(v)]
            mode = "+=" if self.grad_exists[index] else "="
            self.elementwise(f"G{index}", v.shape, "g", {"g": (src, v.shape)}, v.dtype, mode)
            self.grad_exists[index] = True

    def vjp(self, rec, g: str, contribute_any) -> None:
        op, args, out = rec.op, rec.args, rec.out

        def contribute(v, emit):
            for pos, a in enumerate(args):
                if a is v and rec.arg_rg[pos]:
                    return contribute_any(v, emit)

        dtype, shape = out.dtype, out.shape

        def ew_grad(v, template, ops):
            def emit(dst, mode):
                if tuple(v.shape) == tuple(shape):
                    self.elementwise(dst, shape, template, ops, dtype, mode)
                else:  # broadcast operand: the full gradient, then summed back to its shape
                    full = self.like(self.tmp(out.size, dtype, "f"), yb)
                    self.elementwise(full, shape, template, ops, dtype)
                    self.sum_to(dst, full, shape, v.shape, dtype, mode)
            contribute(v, emit)

        yb = self.names[id(out)]
        if op in T.UNARY or op == "pow":
            x = args[0]
            template = T.UNARY[op][1] if op in T.UNARY else T.pow_templates(args[1])[1]
            ew_grad(x, template, {"x": (self.buf(x), x.shape), "y": (yb, shape), "g": (g, shape)})
        elif op in T.BINARY:
            _, va, vb = T.BINARY[op]
            a, b = args[0], args[1]
            ops = {"a": (self.buf(a), a.shape) if isinstance(a, Value) else a,
                   "b": (self.buf(b), b.shape) if isinstance(b, Value) else b,
                   "y": (yb, shape), "g": (g, shape)}
            if isinstance(a, Value):
                ew_grad(a, va, ops)
            if isinstance(b, Value) and vb is not None:
                ew_grad(b, vb, ops)
        elif op in ("mm", "addmm"):
            bias, a, b = (args[0], args[1], args[2]) if op == "addmm" else (None, args[0], args[1])
            n, m = a.shape
            p = b.shape[1]
            if bias is not None:
                contribute(bias, lambda dst, mode: self.sum_to(dst, g, shape, bias.shape, dtype, mode))
            contribute(a, lambda dst, mode: self.matmul(dst, g, self.buf(b), n, p, m, tb=True, mode=mode))
            contribute(b, lambda dst, mode: self.matmul(dst, self.buf(a), g, m, n, p, ta=True, mode=mode))
        elif op in ("sum", "mean"):
            x = args[0]
            dims = _reduce_dims(rec, x.shape)
            kept = tuple(1 if d in dims else s for d, s in enumerate(x.shape))
            template = "g" if op == "sum" else f"g / {_size(tuple(x.shape[d] for d in dims))}"
            contribute(x, lambda dst, mode: self.elementwise(dst, x.shape, template, {"g": (g, kept)}, dtype, mode))
        elif op == "mse_loss":
            x, y = args[0], args[1]
            contribute(x, lambda dst, mode: self.elementwise(dst, x.shape, "g * d", {"g": (g, ()), "d": (rec.grad_x, x.shape)},
                                                             dtype, mode))
            contribute(y, lambda dst, mode: self.elementwise(dst, y.shape, "-(g * d)", {"g": (g, ()), "d": (rec.grad_x, y.shape)},
                                                             dtype, mode))
        elif op in ("expand", "expand_as"):
            x = args[0]
            contribute(x, lambda dst, mode: self.sum_to(dst, g, shape, x.shape, dtype, mode))
        elif op == "clone":
            x = args[0]
            contribute(x, lambda dst, mode: self.elementwise(dst, x.shape, "g", {"g": (g, x.shape)}, dtype, mode))
        elif op in VIEW_OPS:
            x = args[0]
            if rec.index is None:
                contribute(x, lambda dst, mode: self.elementwise(dst, x.shape, "g", {"g": (g, x.shape)}, dtype, mode))
            else:
                def scatter(dst, mode):
                    if mode == "=":
                        self.elementwise(dst, x.shape, "0", {}, dtype)
                    self.body += [f"for i in range({out.size}):", f"    {dst}[{rec.index}[i]] += {g}[i]"]
                contribute(x, scatter)
        else:
            raise Untraceable(f"the op '{op}' has no compiled backward")

    # -- optimizers --------------------------------------------------------------------------
    def optimizer_step(self, opt) -> None:
        if type(opt) not in (optim.SGD, optim.Adam):
            raise Untraceable(f"the optimizer {type(opt).__name__} is not compiled")
        for gi, group in enumerate(opt.param_groups):
            if group.get("weight_decay") or group.get("maximize") or group.get("amsgrad") or \
                    group.get("nesterov") or group.get("dampening"):
                raise Untraceable("optimizer options weight_decay/maximize/amsgrad/nesterov/dampening are not compiled")
            for p in group["params"]:
                i = self.trace.param_index(p)
                if not self.grad_exists[i]:
                    continue
                P, G = f"P{i}", f"G{i}"
                dtype = p._data.dtype
                n = p._data.size
                slot = len(self.opt_slots)
                if isinstance(opt, optim.Adam):
                    self.opt_slots.append(("adam", opt, gi, i))
                    m, v = f"M{slot}", f"V{slot}"
                    b1, b2 = group["betas"]
                    eps = group["eps"]
                    real = f"np.{np.dtype(dtype).name}"
                    # bias corrections as eager computes them: Python floats (C pow), then the dtype
                    self.body += [
                        f"t_ = T{slot} + s + 1.0",
                        f"ss_ = {real}(LR{slot} / (1.0 - {float(b1)!r} ** t_))",
                        f"bc_ = {real}(math.sqrt(1.0 - {float(b2)!r} ** t_))",
                        f"for i in range({n}):", f"    g_ = {G}[i]",
                        f"    m_ = {self.const(b1, dtype)} * {m}[i] + {self.const(1 - b1, dtype)} * g_",
                        f"    v_ = {self.const(b2, dtype)} * {v}[i] + {self.const(1 - b2, dtype)} * g_ * g_",
                        f"    {m}[i] = m_", f"    {v}[i] = v_",
                        f"    {P}[i] -= ss_ * m_ / (math.sqrt(v_) / bc_ + {self.const(eps, dtype)})"]
                elif group["momentum"]:
                    has_state = self.trace.state_start.get(id(p), False)
                    self.opt_slots.append(("momentum", opt, gi, i))
                    buf = f"B{slot}"
                    real = f"np.{np.dtype(dtype).name}"
                    if has_state:
                        self.body += [f"lr_ = {real}(LR{slot})", f"mo_ = {real}(MO{slot})",
                                      f"for i in range({n}):",
                                      f"    b_ = mo_ * {buf}[i] + {G}[i]", f"    {buf}[i] = b_",
                                      f"    {P}[i] -= lr_ * b_"]
                    else:
                        raise Untraceable("momentum state is created by this step (compiled from the next one)",
                                          transient=True)
                else:
                    self.opt_slots.append(("sgd", opt, gi, i))
                    self.body += [f"lr_ = np.{np.dtype(dtype).name}(LR{slot})",
                                  f"for i in range({n}):", f"    {P}[i] -= lr_ * {G}[i]"]

    def zero_grad(self, opt, set_to_none: bool) -> None:
        for group in opt.param_groups:
            for p in group["params"]:
                i = self.trace.param_index(p)
                if set_to_none:
                    self.grad_exists[i] = False
                elif self.grad_exists[i]:
                    self.elementwise(f"G{i}", p._data.shape, "0", {}, p._data.dtype)

    # -- the whole step -------------------------------------------------------------------------
    def generate(self) -> Program:
        tr = self.trace
        records = []
        for ev in tr.events:
            if ev.kind == "op":
                self.forward(ev.record)
                records.append(ev.record)
            elif ev.kind == "backward":
                self.backward(ev.root, records)
            elif ev.kind == "optim_step":
                self.optimizer_step(ev.optimizer)
            elif ev.kind == "zero_grad":
                self.zero_grad(ev.optimizer, ev.set_to_none)
            elif ev.kind == "grad_none":
                self.grad_exists[ev.root] = False
        loss = _loss_value(tr)
        if loss is not None:
            name = self.names.get(id(loss)) or self.buf(loss)
            self.body.append(f"L[s] = {name}[0]")
        # the scalar parameters after each step, for a history of every step
        self.scalar_params = [i for i, p in enumerate(tr.params) if p._data.size == 1]
        self.body += [f"H[s, {j}] = P{i}[0]" for j, i in enumerate(self.scalar_params)]
        if self.grad_exists != [p._grad is not None for p in tr.params]:
            raise Untraceable("the step sets .grad outside the traced ops (e.g. `p.grad = None`)")
        if self.grad_exists != list(tr.grad_start):
            raise Untraceable("the step changes which parameters have a .grad (compiled from the next step)",
                              transient=True)
        return self._assemble(loss)

    def _assemble(self, loss) -> Program:
        n = self.n_params
        # Buffers bound once (their identity is checked at each call) arrive as one array of
        # addresses; per-call arrays (the step's arguments) and numbers come as arguments.
        bound = [(f"W_{kind}", kind, size) for kind, size in self.work.items()]
        bound += [(f"P{i}", p._data.dtype.name, p._data.size) for i, p in enumerate(self.trace.params)]
        bound += [(f"G{i}", p._data.dtype.name, p._data.size) for i, p in enumerate(self.trace.params)]
        for slot, (kind, _opt, _gi, i) in enumerate(self.opt_slots):
            p = self.trace.params[i]
            names = {"adam": [f"M{slot}", f"V{slot}"], "momentum": [f"B{slot}"]}.get(kind, [])
            bound += [(name, p._data.dtype.name, p._data.size) for name in names]
        bound += [(f"C{j}", c.dtype.name, c.size) for j, c in enumerate(self.const_slots)]
        self.pre[:0] = [f"{name} = carray(ptr_(ADDR[{j}]), ({size},), np.{kind})"
                        for j, (name, kind, size) in enumerate(bound)]
        arg_names = ["k", "L", "H", "ADDR"] + [f"A{i}" for i in sorted(self.arg_slots)]
        scalars = []
        for slot, (kind, *_rest) in enumerate(self.opt_slots):
            scalars += {"adam": [f"LR{slot}", f"T{slot}"], "momentum": [f"LR{slot}", f"MO{slot}"]}.get(
                kind, [f"LR{slot}"])
        arg_names += scalars
        self.n_bound, self.n_scalars = len(bound), len(scalars)
        flags = ', fastmath={"reassoc", "nsz", "arcp", "contract"}' if self.fast else ""
        # error_model="numpy": x/0 gives inf as in eager (and no zero check blocks vectorising)
        lines = [f'@njit(nogil=True, cache=True, error_model="numpy"{flags})', f"def step({', '.join(arg_names)}):"]
        lines += ["    " + line for line in self.pre]
        lines.append("    for s in range(k):")
        for i in sorted(self.arg_slots):
            lines.append(f"        a{i} = A{i}[s if A{i}.shape[0] > 1 else 0]")
        lines += ["        " + line for line in self.body]
        lines.append("    return 0")
        consts = "\n".join(f"{name} = np.{np.dtype(type(v)).name}({float(v)!r})"
                           for name, v in self.globals.items() if name.startswith("K"))
        arrays = {name: v for name, v in self.globals.items() if name.startswith("I")}
        header = ("# generated by engine.compile: one training step, run k times\n"
                  "import math\nimport numpy as np\nfrom numba import carray, njit\n"
                  "from engine.compile.helpers import ptr_, sign_, sigmoid_, tanh_, tanh32_\n")
        array_src = "\n".join(f"{name} = np.array({v.tolist()!r}, dtype=np.int64)" for name, v in arrays.items())
        source = header + consts + "\n" + array_src + "\n\n\n" + "\n".join(lines) + "\n"
        program = Program(source, list(self.trace.params), n, dict(self.arg_slots), list(self.const_slots),
                          list(self.opt_slots), self.fast, loss)
        program.work = dict(self.work)
        program.scalar_params = [self.trace.params[i] for i in self.scalar_params]
        program.n_bound = self.n_bound
        program.n_scalars = self.n_scalars
        return program


def _loss_value(tr: Trace):
    from engine.tensor import Tensor
    if isinstance(tr.result, Tensor) and id(tr.result._data) in tr.values:
        v = tr.values[id(tr.result._data)]
        if v.size == 1:
            return v
    roots = [ev.root for ev in tr.events if ev.kind == "backward"]
    return roots[-1] if roots else None


def _inner(rec) -> int:
    a = rec.args[1] if rec.op == "addmm" else rec.args[0]
    return a.shape[1] if isinstance(a, Value) and len(a.shape) == 2 else 1


def _size(shape) -> int:
    n = 1
    for s in shape:
        n *= int(s)
    return n


def _row_strides(shape) -> list[int]:
    strides, acc = [], 1
    for s in reversed(shape):
        strides.append(acc if s != 1 else 0)
        acc *= s
    return strides[::-1]


def _broadcast_strides(shape, out_shape) -> list[int]:
    shape, out_shape = tuple(shape), tuple(out_shape)
    full = (1,) * (len(out_shape) - len(shape)) + shape
    strides = _row_strides(full)
    return [st if full[d] == out_shape[d] else 0 for d, st in enumerate(strides)]


def _reduce_dims(rec, shape) -> tuple:
    dim = rec.kwargs.get("dim", rec.args[1] if len(rec.args) > 1 else None)
    if dim is None:
        dim = rec.kwargs.get("axis")
    keep = rec.kwargs.get("keepdim", rec.args[2] if len(rec.args) > 2 else False) or rec.kwargs.get("keepdims")
    nd = len(shape)
    if dim is None:
        dims = tuple(range(nd))
    else:
        dims = tuple(sorted(d % nd for d in ((dim,) if isinstance(dim, int) else dim))) if nd else ()
    rec.keepdim = bool(keep)
    return dims


def _addresses(arr: np.ndarray) -> np.ndarray:
    start = arr.__array_interface__["data"][0]
    if arr.ndim == 0:
        return np.array([start], dtype=np.int64)
    idx = np.indices(arr.shape).reshape(arr.ndim, -1)
    return start + (np.array(arr.strides, dtype=np.int64)[:, None] * idx).sum(0)


def _index_map(rec):
    """For a view: the input position of each output element, or None when they are the same
    elements in the same order (the view is then an alias)."""
    src, out = rec.in_arrays[0], rec.out_array
    if rec.op in ("contiguous",) or not np.shares_memory(src, out):
        if src.size == out.size:
            return None
        raise Untraceable(f"'{rec.op}' copies in a way that is not compiled")
    a_in = _addresses(src)
    if len(np.unique(a_in)) != a_in.size:
        raise Untraceable(f"'{rec.op}' of an expanded tensor is not compiled")
    where = {int(a): i for i, a in enumerate(a_in)}
    try:
        index = np.array([where[int(a)] for a in _addresses(out)], dtype=np.int64)
    except KeyError:
        raise Untraceable(f"'{rec.op}' makes a view that is not compiled") from None
    if index.size == src.size and np.array_equal(index, np.arange(index.size)):
        return None
    return index
