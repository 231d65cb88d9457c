"""PyTorch's loss reductions in one place: the ``reduction`` argument (with the legacy
``size_average`` / ``reduce``) as its enum, and the ``none`` / ``mean`` / ``sum`` of a loss, on
arrays (inside a primitive's forward) and on tensors (in composite losses).

>>> reduction_code("sum"), reduction_code("mean", size_average=False), reduction_name(0)
(2, 2, 'none')
"""

from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}
_NAMES = tuple(_REDUCTIONS)


def reduction_code(reduction: str, size_average=None, reduce=None) -> int:
    """PyTorch's reduction enum (none=0, mean=1, sum=2), honouring the legacy arguments."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
        warnings.warn(  # (from this line, as PyTorch's from its own: shown once a process)
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            stacklevel=1,
        )
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def reduction_name(code: int) -> str:
    """The ``reduction`` string of an enum value from ``reduction_code``."""
    return _NAMES[code]


def reduce_array(a: np.ndarray, code: int) -> np.ndarray:
    """The reduction of a loss array, in the array's dtype."""
    if code == 1:
        return np.mean(a, dtype=a.dtype)
    if code == 2:
        return np.sum(a, dtype=a.dtype)
    return a


def reduce_tensor(loss: Tensor, code: int, denominator: float | Tensor | None = None) -> Tensor:
    """The reduction of a loss tensor; the mean is ``sum / denominator`` when one is given."""
    if code == 1:
        return loss.mean() if denominator is None else loss.sum() / denominator
    if code == 2:
        return loss.sum()
    return loss


def mean_scale(reduction: int, numel: int) -> float:
    """What a backward rule multiplies by: ``1 / numel`` for the mean, else 1."""
    return 1.0 / numel if reduction == 1 else 1.0
