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


class SavedSlot:
    """A tensor saved for backward, with the version it had when saved.

    Inputs are kept as the Tensor itself (so ``_saved_self is x`` for a leaf); an output is kept
    as its array only, and re-wrapped on unpack with ``grad_fn`` = the saving node, so that a
    node never holds its own output and graphs are freed by reference counting.
    """

    __slots__ = ("tensor", "data", "counter", "version", "output_nr")
    tensor: Tensor | None  # a saved input
    data: Any  # a saved output's array (None for an input: its array is its tensor's)
    counter: VersionCounter | InferenceCounter | None

    def __init__(self, tensor: Tensor, is_output: bool) -> None:
        counter: VersionCounter | InferenceCounter | None
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

    def _modified_message(self, node: Node) -> str:
        t = self.tensor
        shape = t.shape if t is not None else self.data.shape
        legacy = (t.dtype if t is not None else _dtype_of(self.data)).legacy
        owner = node if t is None else t.grad_fn
        where = ""
        if owner is not None:
            op = _forward_name(owner.name())
            where = f", which is output {self.output_nr} of {op},"
        dims = ", ".join(str(d) for d in shape)
        return (
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{legacy}Tensor [{dims}]]{where} is at version "
            f"{self.current_version()}; expected version {self.version} instead. Hint: enable "
            "anomaly detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False)."
        )


def _dtype_of(data: np.ndarray):
    from ..dtypes import from_numpy_dtype

    return from_numpy_dtype(data.dtype)


def _forward_name(node_name: str) -> str:
    """``AddBackward0`` -> ``Add``: the forward op's name as PyTorch's messages give it."""
    head, sep, _ = node_name.rpartition("Backward")
    return head if sep else node_name
