"""What the debugger shows for one backward record, as rows of text: the gradient received, what
was sent along each edge, leaves' .grad before and after, hooks and what they returned, whether
the non-leaf gradient was kept, and whether the saved tensors were freed.

The words are marked for translation (context "debugger"); `Message` is text made from a
template that can be translated again after the interface changes language."""
from __future__ import annotations

from engine.autograd.graph import AccumulateGrad
from engine.session import tensor_summary as summary
from engine.session.i18n import translate


class Message(str):
    """A translated, formatted text that remembers its English template and values, so the window
    can show it again in another language (`retranslated`). Mark the template where it is
    written: `Message("debugger", QT_TRANSLATE_NOOP("debugger", "stopped at {0}"), name)`."""

    context: str
    template: str
    args: tuple

    def __new__(cls, context: str, template: str, *args) -> "Message":
        self = super().__new__(cls, translate(context, template).format(*args))
        self.context, self.template, self.args = context, template, args
        return self

    def retranslated(self) -> "Message":
        return Message(self.context, self.template, *(retranslated(a) for a in self.args))

    def __reduce__(self):
        return (Message, (self.context, self.template, *self.args))


def retranslated(text):
    """`text` in the current language if it is a Message; anything else as it is."""
    return text.retranslated() if isinstance(text, Message) else text


def short_values(values) -> str:
    """A gradient in a status line: its elements if there are a few, else its shape."""
    return summary.values(values) if values.size <= 3 else summary.brief(values)


def record_rows(record, label, retain_graph: bool) -> list[tuple[str, str, list]]:
    """(title, value, [(child title, child value)]) rows describing one backward record."""
    received = translate("debugger", "gradient received (after hooks)") \
        if any(c.kind in ("tensor", "prehook") for c in record.hooks) else translate("debugger", "gradient received")
    rows = [(received, summary.describe(record.grad_in), [])]
    node = record.node
    if isinstance(node, AccumulateGrad):
        for leaf, before, after in record.accumulated:
            before_text = "None" if before is None else summary.describe(before)
            rows.append((f"{label(leaf)}.grad", f"{before_text}  →  {summary.describe(after)}", []))
        if record.captured:
            rows.append((translate("debugger", "captured"),
                         translate("debugger", "returned by autograd.grad instead of accumulated"), []))
    else:
        sent = []
        for slot, ((nxt, _), grad) in enumerate(zip(node.next_functions, record.grads_out)):
            if nxt is None:
                target = translate("debugger", "input {0}: constant").format(slot)
            elif isinstance(nxt, AccumulateGrad):
                target = translate("debugger", "input {0} → AccumulateGrad ({1})").format(slot, label(nxt.variable))
            else:
                target = translate("debugger", "input {0} → {1}").format(slot, type(nxt).__name__)
            sent.append((target, translate("debugger", "no gradient (needs none)") if grad is None
                         else summary.describe(grad)))
        rows.append((translate("debugger", "gradients sent"),
                     translate("debugger", "{0} of {1} inputs").format(
                         sum(g is not None for g in record.grads_out), len(sent)), sent))
        if record.retained:
            rows.append((translate("debugger", "non-leaf gradient"),
                         translate("debugger", "kept in .grad of {0} (retain_grad())").format(
                             ", ".join(label(t) for t in record.retained)), []))
        else:
            rows.append((translate("debugger", "non-leaf gradient"),
                         translate("debugger", "dropped after use (call retain_grad() to keep it in .grad)"), []))
        saved = translate("debugger", "saved tensors")
        if record.released:
            rows.append((saved, translate("debugger", "freed after this node ran (retain_graph=False)"), []))
        elif node.saved_tensors:
            rows.append((saved, translate("debugger", "kept (retain_graph=True)") if retain_graph
                         else translate("debugger", "kept"), []))
        else:
            rows.append((saved, translate("debugger", "none needed"), []))
    if record.hooks:
        hooks = []
        for call in record.hooks:
            name = getattr(call.hook, "__qualname__", None) or getattr(call.hook, "__name__", type(call.hook).__name__)
            if call.kind == "retain_grad":
                hooks.append(("retain_grad", translate("debugger", "kept the gradient of {0}").format(label(call.hook))))
            elif call.returned is None:
                hooks.append((translate("debugger", "{0} hook {1}").format(call.kind, name),
                              translate("debugger", "returned None: gradient unchanged")))
            else:
                returned = call.returned[0] if isinstance(call.returned, tuple) else call.returned
                value = getattr(returned, "_data", returned)
                hooks.append((translate("debugger", "{0} hook {1}").format(call.kind, name),
                              translate("debugger", "returned {0}: replaces the gradient").format(
                                  summary.describe(value))))
        rows.append((translate("debugger", "hooks fired"), str(len(record.hooks)), hooks))
    return rows
