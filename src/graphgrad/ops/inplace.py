"""In-place ops (``add_``, ``mul_``, ``+=``...): run the out-of-place op, write the result into
the tensor's storage, bump its version, and rebase its ``grad_fn`` onto the op's node.

>>> import graphgrad as torch
>>> a = torch.ones(2, requires_grad=True)
>>> y = a * 2
>>> y.add_(1).grad_fn.name(), y._version
('AddBackward0', 1)
"""

from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import _state as _grad_state
from ..autograd.node import SavedSlot
from ..tensor import Tensor

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def check_inplace(t: Tensor) -> None:
    """PyTorch's refusal to write in place into a leaf (or a view of one) that requires grad."""
    if not _grad_state.enabled:
        return
    base = t._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    if t._requires_grad and t.grad_fn is None and base is None:
        raise RuntimeError(LEAF_INPLACE)


def _check_result(t: Tensor, out: Tensor) -> None:
    if out.dtype.category > t.dtype.category:
        raise RuntimeError(
            f"result type {out.dtype.legacy} can't be cast to the desired output type "
            f"{t.dtype.legacy}"
        )
    if out._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, out.shape))}]"
        )


def commit(t: Tensor, out: Tensor) -> Tensor:
    """Write ``out`` (computed from ``t`` out of place) into ``t`` and make ``t`` its result."""
    _check_result(t, out)
    node = out.grad_fn
    if node is not None and t._base is not None:
        from .views_inplace import rebase_view

        return rebase_view(t, out)
    np.copyto(t._data, out._data, casting="unsafe")
    t._version_counter.value += 1
    if node is not None:
        t.grad_fn = node
        t._requires_grad = True
        t._output_nr = out._output_nr
        _repoint_saved_result(node, out, t)
    return t


def _repoint_saved_result(node, out: Tensor, t: Tensor) -> None:
    """A node that saved its result (relu_, sigmoid_) now watches ``t``'s storage instead."""
    for slot in node._saved.values():
        if type(slot) is SavedSlot and slot.data is out._data:
            slot.data = t._data
            slot.counter = t._version_counter
            slot.version = t._version_counter.value


def inplace(fn):
    """Make ``fn(self, *args)`` (out of place) into its in-place form."""

    def method(self: Tensor, *args, **kwargs) -> Tensor:
        check_inplace(self)
        return commit(self, fn(self, *args, **kwargs))

    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of ``{fn.__name__}``."
    return method
