"""The complementary and inverse error functions: erfc and erfinv, as primitives.

``erfc(x) = 1 - erf(x)`` keeps its precision far into the tail (``1 - erf`` would round to 0),
so it is its own primitive; its gradient is ``-2 / sqrt(pi) exp(-x**2)``. ``erfinv`` solves
``erf(y) = x`` by Newton steps from a closed-form first guess (on ``erfc`` near +-1, where
``erf`` has no digits left); its gradient is ``sqrt(pi) / 2 exp(y**2)``, read from the result.
Values are computed in float64 and rounded to the input's dtype.

>>> import graphgrad as torch
>>> torch.erfc(torch.tensor([0.0, 1.0, 10.0]))
tensor([1.0000e+00, 1.5730e-01, 1.4013e-45])
>>> torch.erfinv(torch.tensor([0.0, 0.5, -1.0]))
tensor([0.0000, 0.4769,   -inf])
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .elementwise import as_operand
from .primitive import DIAGONAL, Primitive, apply

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _erfc64(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erfc, otypes=[np.float64])(x)


def _erf64(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _erfc_array(a: np.ndarray) -> np.ndarray:
    return _erfc64(np.asarray(a, np.float64)).astype(a.dtype, copy=False)


def _erfinv_array(a: np.ndarray) -> np.ndarray:
    x = np.asarray(a, np.float64)
    with np.errstate(all="ignore"):
        # Winitzki's closed form, good to ~1e-3, then Newton on erf (|x| <= 1/2) or on erfc
        # of |x| (beyond, where 1 - |x| is exact and erf has lost the digits)
        log_term = np.log((1 - x) * (1 + x))
        k = 2 / (math.pi * 0.147) + log_term / 2
        y = np.copysign(np.sqrt(np.sqrt(k * k - log_term / 0.147) - k), x)
        tail = np.abs(x) > 0.5
        target = np.where(tail, 1 - np.abs(x), x)
        for _ in range(4):
            slope = _TWO_OVER_SQRT_PI * np.exp(-y * y)
            miss = np.where(tail, -(_erfc64(np.abs(y)) - target), _erf64(y) - target)
            step = np.where(tail, np.sign(x) * miss, miss) / slope
            y = np.where(np.isfinite(y) & (slope > 0), y - step, y)
        y = np.where(np.abs(x) == 1, np.copysign(np.inf, x), y)
        y = np.where(np.abs(x) > 1, np.nan, y)
    return y.astype(a.dtype, copy=False)


_erfc = Primitive(
    "erfc",
    "ErfcBackward0",
    _erfc_array,
    self=lambda grad, self, xp: grad * -_TWO_OVER_SQRT_PI * xp.exp(-(self * self)),
    dtype="float",
    jvp=DIAGONAL,
)
_erfinv = Primitive(
    "erfinv",
    "ErfinvBackward0",
    _erfinv_array,
    self=lambda grad, result, xp: grad * (math.sqrt(math.pi) / 2) * xp.exp(result * result),
    dtype="float",
    jvp=DIAGONAL,
)


def erfc(input: Tensor) -> Tensor:
    """The complementary error function ``1 - erf(x)``, accurate where ``erf`` is near 1.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.erfc(torch.tensor([-1.0, 3.0]))
    tensor([1.8427e+00, 2.2090e-05])
    """
    return apply(_erfc, as_operand(input))


def erfinv(input: Tensor) -> Tensor:
    """The inverse error function: ``y`` with ``erf(y) = x``, for ``x`` in ``[-1, 1]``
    (``+-inf`` at ``+-1``, NaN outside).

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.erfinv(torch.tensor([0.25, 0.999]))
    tensor([0.2253, 2.3268])
    """
    return apply(_erfinv, as_operand(input))


__all__ = ["erfc", "erfinv"]
METHODS = {"erfc": erfc, "erfinv": erfinv}
INPLACE = ("erfc", "erfinv")
