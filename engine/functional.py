"""torch.functional's helpers that combine tensors: einsum and meshgrid, written with the
engine's ops (so their gradients, and second gradients, come from those ops)."""
from __future__ import annotations

import warnings

from engine.ops import linalg, reduction, shape
from engine.tensor import Tensor


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation over one or two operands, e.g. "ij,jk->ik", "bij,bjk->bik", "i,j->ij",
    "ij->ji", "ii->" is not supported (repeated letters within one operand), nor "...".
    Operands are aligned on a common letter order, multiplied with broadcasting, and the letters
    missing from the output summed away."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = equation.replace(" ", "")
    if "..." in equation:
        raise NotImplementedError("einsum with '...' is not supported by GradStudio's engine")
    inputs, arrow, output = equation.partition("->")
    specs = inputs.split(",")
    if len(specs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(specs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    for spec, op in zip(specs, operands):
        if len(spec) != op.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(spec)}) does not match "
                               f"the number of dimensions ({op.dim()}) for operand {operands.index(op)} and no "
                               "ellipsis was given")
        if len(set(spec)) != len(spec):
            raise NotImplementedError("einsum with a repeated subscript in one operand (a diagonal) is not "
                                      "supported by GradStudio's engine")
    if not arrow:
        counts = {c: inputs.count(c) for c in inputs if c != ","}
        output = "".join(sorted(c for c, n in counts.items() if n == 1))
    if len(operands) > 2:
        return _chain(specs, operands, output)
    if len(operands) == 2 and _is_matmul(specs, output):
        a, b = operands
        return linalg.matmul(a, b)
    letters = "".join(dict.fromkeys("".join(specs)))
    aligned = [_align(op, spec, letters) for spec, op in zip(specs, operands)]
    result = aligned[0] if len(aligned) == 1 else aligned[0] * aligned[1]
    summed = tuple(i for i, c in enumerate(letters) if c not in output)
    if summed:
        result = reduction.sum(result, dim=summed)
    kept = [c for c in letters if c in output]
    order = [kept.index(c) for c in output]
    if order != sorted(order):
        result = shape.permute(result, *order)
    return result


def _chain(specs, operands, output):
    """More than two operands: contract left to right, keeping every letter still needed."""
    left, spec = operands[0], specs[0]
    for i in range(1, len(operands)):
        rest = "".join(specs[i + 1:]) + (output or "")
        keep = "".join(c for c in dict.fromkeys(spec + specs[i]) if c in rest)
        left = einsum(f"{spec},{specs[i]}->{keep}", left, operands[i])
        spec = keep
    return left if spec == output else einsum(f"{spec}->{output}", left)


def _is_matmul(specs, output) -> bool:
    """"ij,jk->ik" and its batched forms: one contracted letter, last of a, second to last of b."""
    a, b = specs
    if len(a) < 2 or len(b) != 2:
        return False
    j = a[-1]
    return b[0] == j and output == a[:-1] + b[1] and len({*a, b[1]}) == len(a) + 1


def _align(t: Tensor, spec: str, letters: str) -> Tensor:
    """t with its dims ordered as `letters`, a size-1 dim for each letter it lacks."""
    present = [c for c in letters if c in spec]
    perm = [spec.index(c) for c in present]
    if perm != list(range(len(perm))):
        t = shape.permute(t, *perm)
    sizes = dict(zip(present, t.shape))
    return shape.reshape(t, *[sizes.get(c, 1) for c in letters]) if len(present) != len(letters) else t


def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids from 1-D tensors (each a view expanded to the grid's shape)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                      "argument. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
                      "TensorShape.cpp:4215.)", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    swap = indexing == "xy" and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    sizes = [t.numel() for t in order]
    grids = []
    for i, t in enumerate(order):
        view = [1] * len(order)
        view[i] = -1
        grids.append(shape.expand(shape.reshape(t, *view), *sizes))
    if swap:  # swapped inputs give the (y, x, …) layout "xy" asks for; swap the outputs back
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)
