"""In-place changes through views, recorded as PyTorch records them.

A view shares its base's storage (and version counter). When an in-place op writes through a
view while recording, the *base* takes the new history: its grad_fn becomes CopySlices, which
runs the op's backward on the viewed region of the base's gradient and passes the rest of the
gradient to the base's old history. The view that was written through, and every other live view
of that base, is then regenerated from the base as AsStridedBackward0 — so reading any of them
afterwards differentiates through the change. An in-place op on the base itself regenerates its
views the same way.

A view remembers only its base; where it sits in the base (which flat elements it covers) is
read off numpy's pointers and strides when it is needed.
"""
from __future__ import annotations

import weakref

import numpy as np

from engine.autograd.graph import Node, edge, make_node

NO_GRAD_VIEW_MESSAGE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
    "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
    "the view and the inplace either both inside the no_grad block (if you don't want the inplace to be "
    "tracked) or both outside (if you want the inplace to be tracked).")

NOT_CONTIGUOUS_MESSAGE = ("in-place change through a view of a tensor whose storage is not contiguous is not "
                          "supported by GradStudio's engine; call .contiguous() on the base first")


class AsStridedBackward0(Node):
    """A view regenerated from its base: its gradient is scattered into the base's shape (summed
    where the view repeats an element, as an expanded view does)."""

    def apply(self, g, F, saved):
        flat = F.embed(g.reshape(-1), (self.base_numel,), (self.index.reshape(-1),), True)
        return (flat.reshape(self.base_shape),)


class CopySlices(Node):
    """The base's history after an in-place op `fn` wrote through one of its views (or `y[idx] = v`,
    a copy_ into the view y[idx]): `fn`'s backward runs on the view's region of the gradient; its
    gradient for the old values goes back into that region for the base's old history, its
    gradients for the other operands go to them. `index`: the region's flat positions in the base."""

    def apply(self, g, F, saved):
        index = self.index.reshape(-1)
        flat = g.reshape(-1)
        region = flat[index].reshape(self.index.shape)
        grads = self.fn.apply(region, F, saved)
        old = None
        if self.next_functions[0][0] is not None:
            old = F.zero_region(flat, (index,))
            if grads[0] is not None:
                old = old + F.embed(grads[0].reshape(-1), (self.base_numel,), (index,), False)
            old = old.reshape(self.base_shape)
        return (old,) + tuple(grads[1:])


def register(view) -> None:
    """Remember a new view on its base, so an in-place change can regenerate its history. Views
    of a leaf that requires grad are skipped: no in-place op may rewrite that leaf's history."""
    base = view._base
    if base._fn is None and base._rg:
        return
    views = base.__dict__.get("_views")
    if views is None:
        views = base._views = []
    elif len(views) > 32:  # drop the dead ones now and then (views are usually short-lived)
        views[:] = [ref for ref in views if ref() is not None]
    views.append(weakref.ref(view))


def flat_index(view, base) -> np.ndarray | None:
    """The C-order flat positions in `base` of each element of `view`, shaped like the view
    (None when the base's storage is not a plain C-contiguous block)."""
    b, d = base._data, view._data
    if not b.flags.c_contiguous:
        return None
    item = b.itemsize
    offset = (d.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // item
    positions = np.arange(b.size, dtype=np.intp)
    step = positions.itemsize
    return np.lib.stride_tricks.as_strided(positions[offset:] if offset < b.size else positions, shape=d.shape,
                                           strides=tuple(s // item * step for s in d.strides)).copy()


def _strided_node(cls, view, base):
    index = flat_index(view, base)
    if index is None:
        raise RuntimeError(NOT_CONTIGUOUS_MESSAGE)
    node = make_node(cls, (base,))
    node.index, node.base_shape, node.base_numel = index, base._data.shape, base._data.size
    return node


def copy_slices(fn, index: np.ndarray, base_shape, saved=()) -> CopySlices:
    """A CopySlices running `fn` on the base's elements at flat positions `index`; its edges are
    fn's (the first, the base's old history, is the caller's to set)."""
    node = make_node(CopySlices, (), saved)
    node.next_functions = fn.next_functions
    node.fn = fn
    node.index, node.base_shape, node.base_numel = index, tuple(base_shape), int(np.prod(base_shape, dtype=np.int64))
    return node


def rebase(view, fn) -> None:
    """`fn` (wired to the view's history before the change) wrote through `view`: move the history
    onto the base as CopySlices and regenerate the base's views."""
    base = view._base
    index = flat_index(view, base)
    if index is None:
        raise RuntimeError(NOT_CONTIGUOUS_MESSAGE)
    node = copy_slices(fn, index, base._data.shape)
    node.next_functions = (edge(base),) + fn.next_functions[1:]
    node._saved, fn._saved = fn._saved, ()
    node.saved_names = fn.saved_names
    base._fn = node
    base._rg = True
    regenerate(base)


def regenerate(base) -> None:
    """After the base's history changed: each live view reads from the new history."""
    views = base.__dict__.get("_views")
    if not views:
        return
    live = []
    for ref in views:
        view = ref()
        if view is None:
            continue
        live.append(ref)
        if view.__dict__.get("_no_grad_view"):
            continue  # PyTorch refuses to differentiate through these (see NO_GRAD_VIEW_MESSAGE)
        view._fn = _strided_node(AsStridedBackward0, view, base)
        view._rg = True
    views[:] = live
