"""The compiled templates the code generator uses, gathered from where each op lives: the op
table's rows (engine/ops/elementwise.py: scalar expressions over x, y, g or a, b, y, g, in eager
arithmetic's order) and the few arithmetic ops outside it (rsub, pow in engine/ops/arithmetic.py).
The numba functions the templates may call are in engine/compile/helpers.py."""
from __future__ import annotations

from engine.ops import arithmetic
from engine.ops.elementwise import ROWS, TEMPLATE_CONSTANTS, Unary

UNARY = {name: (row.forward_template, row.vjp_template) for name, row in ROWS.items() if isinstance(row, Unary)}
BINARY = {name: (row.forward_template, *row.vjp_templates) for name, row in ROWS.items()
          if not isinstance(row, Unary)}
BINARY["rsub"] = (arithmetic.rsub.forward_template, *arithmetic.rsub.vjp_templates)
CONSTANTS = TEMPLATE_CONSTANTS


def pow_templates(p: float) -> tuple[str, str]:
    return arithmetic.pow.templates(p)


def vectorisable(template: str, dtype) -> str:
    """libm's tanh keeps a loop scalar: the step uses a rational tanh that vectorises."""
    import numpy as np
    return template.replace("np.tanh(", "tanh32_(" if np.dtype(dtype) == np.float32 else "tanh_(")
