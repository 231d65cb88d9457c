"""What nodes save for backward: ``SavedSlot``, a tensor with the version it had when saved.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = x.exp()
>>> slot = y.grad_fn._saved["result"]
>>> slot.current_version(), slot.version
(0, 0)
>>> _ = y.add_(1)  # backward through exp would now raise
>>> slot.current_version(), slot.version
(1, 0)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import InferenceCounter, InferenceTensorError, Tensor, VersionCounter

if TYPE_CHECKING:  # for annotations only: node.py imports this module at run time
    from .node import Node

INFERENCE_SAVE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)


class _HooksState(threading.local):
    """This thread's stack of saved-tensor hooks, (pack, unpack) pairs (``graph.py``), and the
    message that forbids new ones."""

    def __init__(self) -> None:
        self.stack: list[tuple[Callable, Callable]] = []
        self.disabled: str | None = None


hooks = _HooksState()
# How many hook blocks are in force, in all threads: saving runs for every tensor any node
# keeps, and reads its thread's stack only when this is not 0.
hooks_in_force = 0


class SavedSlot:
    """A tensor saved for backward, with the version it had when saved.

    Inputs are kept as the Tensor itself (so ``_saved_self is x`` for a leaf); an output is kept
    as its array only, and re-wrapped on unpack with ``grad_fn`` = the saving node, so that a
    node never holds its own output and graphs are freed by reference counting. Under
    ``autograd.graph.saved_tensors_hooks`` it keeps what the pack hook made of the tensor
    instead, and its unpack hook (``packed``: the pair), with no version to check.
    """

    __slots__ = ("tensor", "data", "counter", "version", "output_nr", "packed")
    tensor: Tensor | None  # a saved input
    data: Any  # a saved output's array (None for an input: its array is its tensor's)
    counter: VersionCounter | InferenceCounter | None
    packed: tuple[Any, Callable[[Any], Any]] | None  # (what the pack hook made, the unpack hook)

    def __init__(self, tensor: Tensor, is_output: bool) -> None:
        counter: VersionCounter | InferenceCounter | None
        if hooks_in_force and hooks.stack:
            if tensor._vc.__class__ is InferenceCounter:  # checked before packing, as PyTorch
                raise RuntimeError(INFERENCE_SAVE)
            pack, unpack = hooks.stack[-1]
            self.packed = (pack(tensor), unpack)
            self.tensor = self.data = self.counter = None
            self.version, self.output_nr = 0, tensor._output_nr
            return
        self.packed = None
        if is_output:
            self.tensor = None
            self.data = tensor._data
            counter = tensor._version_counter
        else:
            self.tensor = tensor
            self.data = None
            # An input without a counter has never been written in place (version 0); its
            # counter, if one is made later, is read from the tensor (``current_version``).
            counter = tensor._vc
        self.counter = counter
        try:
            self.version = counter.value if counter is not None else 0
        except InferenceTensorError:
            raise RuntimeError(INFERENCE_SAVE) from None
        self.output_nr = tensor._output_nr

    def own_counter(self):
        """The counter this slot checks: its output's, its tensor's, or None (version 0)."""
        counter = self.counter
        if counter is None:
            t = self.tensor
            return None if t is None else t._vc
        return counter

    def current_version(self) -> int:
        counter = self.own_counter()
        return 0 if counter is None else counter.value

    def adopt(self, other: SavedSlot) -> None:
        """Watch what ``other`` watches (checkpoint's recomputed values)."""
        self.tensor, self.data, self.version = other.tensor, other.data, other.version
        self.counter = other.own_counter()

    def unpack(self, node: Node, arrays: bool = False) -> Tensor | np.ndarray:
        """The saved tensor (its array on the engine's first-order path, ``arrays``); raises
        if it was modified in place since it was saved."""
        if self.packed is not None:
            return self._unpack_hooked(arrays)
        if self.current_version() != self.version:
            raise RuntimeError(self._modified_message(node))
        t = self.tensor
        if arrays:
            return self.data if t is None else t._data
        if t is not None:
            return t
        t = Tensor._make(self.data, True, node, self.output_nr)
        t._vc = self.own_counter()  # the output's counter
        return t

    def _unpack_hooked(self, arrays: bool) -> Tensor | np.ndarray:
        assert self.packed is not None
        packed, unpack_hook = self.packed
        t = unpack_hook(packed)
        if not isinstance(t, Tensor):
            raise TypeError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {type(t).__name__}"
            )
        return t._data if arrays else t

    def _modified_message(self, node: Node) -> str:
        t = self.tensor
        if t is None:
            return modified_message(
                self.data.shape, _dtype_of(self.data), node, self.output_nr,
                self.current_version(), self.version,
            )  # fmt: skip
        return modified_message(
            t.shape, t.dtype, t.grad_fn, self.output_nr, self.current_version(), self.version
        )


def modified_message(
    shape, dtype, owner: Node | None, output_nr: int, version: int, saved: int
) -> str:
    """PyTorch's error for a tensor needed by backward (output ``output_nr`` of ``owner``)
    written in place since it was saved at version ``saved``."""
    where = ""
    if owner is not None:
        where = f", which is output {output_nr} of {_forward_name(owner.name())},"
    dims = ", ".join(str(d) for d in shape)
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{dtype.legacy}Tensor [{dims}]]{where} is at "
        f"version {version}; expected version {saved} instead. Hint: enable anomaly detection "
        "to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def _dtype_of(data: np.ndarray):
    from ..dtypes import from_numpy_dtype

    return from_numpy_dtype(data.dtype)


def _forward_name(node_name: str) -> str:
    """``AddBackward0`` -> ``Add``: the forward op's name as PyTorch's messages give it."""
    head, sep, _ = node_name.rpartition("Backward")
    return head if sep else node_name
