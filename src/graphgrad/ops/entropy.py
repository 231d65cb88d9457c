"""``torch.special.entr``, the elementwise entropy ``-x log(x)``, as a primitive (its value
at 0 and below is a case split that a composition would have to hide from the gradient).

>>> import graphgrad as torch
>>> torch.special.entr(torch.tensor([0.0, 0.5, 1.0, -1.0]))
tensor([0.0000, 0.3466, -0.0000,   -inf])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .elementwise import as_operand
from .primitive import DIAGONAL, Primitive, apply


def _entr_array(a: np.ndarray) -> np.ndarray:
    x = np.asarray(a, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf))
    return np.where(np.isnan(x), np.nan, out).astype(a.dtype, copy=False)


_entr = Primitive(
    "special_entr",
    "SpecialEntrBackward0",
    _entr_array,
    # -(1 + log x): +inf at 0, NaN below, as PyTorch's
    self=lambda grad, self, xp: grad * -(1 + xp.log(self)),
    dtype="float",
    jvp=DIAGONAL,
)


def entr(input: Tensor) -> Tensor:
    """The elementwise entropy: ``-x log(x)`` for ``x > 0``, 0 at 0, ``-inf`` below.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.entr(torch.tensor([0.25]))
    tensor([0.3466])
    """
    return apply(_entr, as_operand(input))


__all__ = ["entr"]
