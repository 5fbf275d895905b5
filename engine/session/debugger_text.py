"""What the debugger shows for one backward record, as rows of text: the gradient received, what
was sent along each edge, leaves' .grad before and after, hooks and what they returned, whether
the non-leaf gradient was kept, and whether the saved tensors were freed."""
from __future__ import annotations

from engine.autograd.graph import AccumulateGrad
from engine.session import tensor_summary as summary


def short_values(values) -> str:
    """A gradient in a status line: its elements if there are a few, else its shape."""
    return summary.values(values) if values.size <= 3 else summary.brief(values)


def record_rows(record, label, retain_graph: bool) -> list[tuple[str, str, list]]:
    """(title, value, [(child title, child value)]) rows describing one backward record."""
    received = "gradient received (after hooks)" if any(c.kind in ("tensor", "prehook") for c in record.hooks) \
        else "gradient received"
    rows = [(received, summary.describe(record.grad_in), [])]
    node = record.node
    if isinstance(node, AccumulateGrad):
        for leaf, before, after in record.accumulated:
            before_text = "None" if before is None else summary.describe(before)
            rows.append((f"{label(leaf)}.grad", f"{before_text}  →  {summary.describe(after)}", []))
        if record.captured:
            rows.append(("captured", "returned by autograd.grad instead of accumulated", []))
    else:
        sent = []
        for slot, ((nxt, _), grad) in enumerate(zip(node.next_functions, record.grads_out)):
            if nxt is None:
                target = f"input {slot}: constant"
            elif isinstance(nxt, AccumulateGrad):
                target = f"input {slot} → AccumulateGrad ({label(nxt.variable)})"
            else:
                target = f"input {slot} → {nxt.name()}"
            sent.append((target, "no gradient (needs none)" if grad is None else summary.describe(grad)))
        rows.append(("gradients sent", f"{sum(g is not None for g in record.grads_out)} of {len(sent)} inputs", sent))
        if record.retained:
            rows.append(("non-leaf gradient", "kept in .grad of " + ", ".join(label(t) for t in record.retained)
                         + " (retain_grad())", []))
        else:
            rows.append(("non-leaf gradient", "dropped after use (call retain_grad() to keep it in .grad)", []))
        if record.released:
            rows.append(("saved tensors", "freed after this node ran (retain_graph=False)", []))
        elif node._saved:
            rows.append(("saved tensors", "kept (retain_graph=True)" if retain_graph else "kept", []))
        else:
            rows.append(("saved tensors", "none needed", []))
    if record.hooks:
        hooks = []
        for call in record.hooks:
            name = getattr(call.hook, "__qualname__", None) or getattr(call.hook, "__name__", type(call.hook).__name__)
            if call.kind == "retain_grad":
                hooks.append(("retain_grad", f"kept the gradient of {label(call.hook)}"))
            elif call.returned is None:
                hooks.append((f"{call.kind} hook {name}", "returned None: gradient unchanged"))
            else:
                returned = call.returned[0] if isinstance(call.returned, tuple) else call.returned
                value = getattr(returned, "_data", returned)
                hooks.append((f"{call.kind} hook {name}", f"returned {summary.describe(value)}: replaces the gradient"))
        rows.append(("hooks fired", str(len(record.hooks)), hooks))
    return rows
