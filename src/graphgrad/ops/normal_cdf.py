"""The standard normal distribution's functions of ``torch.special``: ``erfcx``
(``exp(x**2) erfc(x)``), ``ndtr`` (the CDF), ``log_ndtr`` and ``ndtri`` (the quantile).

``erfcx``, ``log_ndtr`` and ``ndtri`` are primitives because their plain compositions lose
the tails: ``exp(x**2) erfc(x)`` overflows times underflows for large ``x`` (where ``erfcx``
uses its asymptotic series), ``log(ndtr(x))`` is ``log(0)`` below ``x = -38`` (``log_ndtr``
goes through ``erfcx`` there), and ``erfinv(2p - 1)`` rounds ``p`` near 0 away (``ndtri``
solves ``erfc(z) = 2p`` by Newton steps). ``ndtr`` is ``erfc(-x / sqrt(2)) / 2``, as in
PyTorch. Values are computed in float64 and rounded to the input's dtype.

>>> import graphgrad as torch
>>> torch.special.ndtr(torch.tensor([0.0, 1.0]))
tensor([0.5000, 0.8413])
>>> torch.special.log_ndtr(torch.tensor([-40.0]))
tensor([-804.6085])
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .elementwise import as_operand
from .error_function import _erfc64, erfc
from .primitive import DIAGONAL, Primitive, apply

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)


def _erfcx64(x: np.ndarray) -> np.ndarray:
    """``exp(x**2) erfc(x)``: directly below 10, else ``1/(x sqrt(pi))`` times the
    asymptotic series ``sum (-1)^k (2k-1)!! / (2 x**2)^k`` (15 terms: below float64's
    epsilon from 10 on)."""
    x = np.asarray(x, np.float64)
    far = x >= 10
    with np.errstate(over="ignore", invalid="ignore"):
        near = np.exp(np.where(far, 0.0, x) ** 2) * _erfc64(np.where(far, 0.0, x))
        big = np.where(far, x, 10.0)
        term, total = np.ones_like(big), np.ones_like(big)
        for k in range(1, 16):
            term = -term * (2 * k - 1) / (2 * big * big)
            total = total + term
        out = np.where(far, total / _SQRT_PI / big, near)  # (big * sqrt(pi) may overflow)
    return np.where(np.isnan(x), np.nan, out)


def _log_ndtr64(x: np.ndarray) -> np.ndarray:
    """``log(ndtr(x))``: ``log1p(-erfc(x / sqrt 2) / 2)`` above -1, else
    ``log(erfcx(-x / sqrt 2) / 2) - x**2 / 2`` (no underflow)."""
    x = np.asarray(x, np.float64)
    upper = x > -1
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        high = np.log1p(-0.5 * _erfc64(np.where(upper, x, 0.0) / math.sqrt(2)))
        low_x = np.where(upper, -2.0, x)
        low = np.log(_erfcx64(-low_x / math.sqrt(2)) / 2) - low_x * low_x / 2
    return np.where(upper, high, low)


def _ndtri64(p: np.ndarray) -> np.ndarray:
    """The ``x`` with ``ndtr(x) = p``: with ``q = min(p, 1 - p)`` (both exact), ``z`` with
    ``erfc(z) = 2q`` from a closed-form first guess and Newton steps, ``x = -+sqrt(2) z``."""
    p = np.asarray(p, np.float64)
    q = np.minimum(p, 1 - p)
    with np.errstate(all="ignore"):
        # Winitzki's closed form of erfinv(1 - 2q), from log((1 - y)(1 + y)) = log(4q(1 - q))
        log_term = np.log(4 * q * (1 - q))
        k = 2 / (math.pi * 0.147) + log_term / 2
        z = np.sqrt(np.sqrt(k * k - log_term / 0.147) - k)
        for _ in range(6):
            slope = -2 / _SQRT_PI * np.exp(-z * z)
            step = (_erfc64(z) - 2 * q) / slope
            z = np.where(np.isfinite(z) & (slope < 0), z - step, z)
        # in the far tail erfc(z) nears float64's underflow and loses digits (ndtri(5e-324) was
        # 1e-3 off): Newton on log erfc(z) = log erfcx(z) - z**2, whose slope is
        # -2 / (sqrt(pi) erfcx(z)), against log(2q)
        far = z >= 10
        if far.any():
            zf, log_2q = np.where(far, z, 10.0), np.log(2 * np.where(far, q, 1.0))
            for _ in range(3):
                cx = _erfcx64(zf)
                zf = zf + (np.log(cx) - zf * zf - log_2q) * (_SQRT_PI * cx / 2)
            z = np.where(far & np.isfinite(z), zf, z)
        x = np.where(p < 0.5, -math.sqrt(2) * z, math.sqrt(2) * z)
        x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


def _float_forward(fn):
    return lambda a: fn(a).astype(a.dtype, copy=False)


_erfcx = Primitive(
    "special_erfcx",
    "SpecialErfcxBackward0",
    _float_forward(_erfcx64),
    # erfcx'(x) = 2 x erfcx(x) - 2 / sqrt(pi)
    self=lambda grad, self, result: grad * (2 * self * result - 2 / _SQRT_PI),
    dtype="float",
    jvp=DIAGONAL,
)
_log_ndtr = Primitive(
    "special_log_ndtr",
    "SpecialLogNdtrBackward0",
    _float_forward(_log_ndtr64),
    # the density over the CDF: exp(-x**2 / 2 - log_ndtr(x)) / sqrt(2 pi)
    self=lambda grad, self, result, xp: grad * xp.exp(-self * self / 2 - result) / _SQRT_2PI,
    dtype="float",
    jvp=DIAGONAL,
)
_ndtri = Primitive(
    "special_ndtri",
    "SpecialNdtriBackward0",
    _float_forward(_ndtri64),
    # 1 / density(x): sqrt(2 pi) exp(x**2 / 2)
    self=lambda grad, result, xp: grad * _SQRT_2PI * xp.exp(result * result / 2),
    dtype="float",
    jvp=DIAGONAL,
)


def erfcx(input: Tensor) -> Tensor:
    """The scaled complementary error function ``exp(x**2) erfc(x)``, finite where
    ``erfc`` underflows.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.erfcx(torch.tensor([0.0, 1.0, 30.0]))
    tensor([1.0000, 0.4276, 0.0188])
    """
    return apply(_erfcx, as_operand(input))


def ndtr(input: Tensor) -> Tensor:
    """The standard normal CDF, ``erfc(-x / sqrt(2)) / 2``.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.ndtr(torch.tensor([-1.0, 3.0]))
    tensor([0.1587, 0.9987])
    """
    x = as_operand(input)
    if not x.dtype.is_floating_point:
        x = x.float()
    return erfc(x * -math.sqrt(0.5)) * 0.5


def log_ndtr(input: Tensor) -> Tensor:
    """The log of the standard normal CDF, accurate in both tails.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.log_ndtr(torch.tensor([-5.0, 0.0, 5.0]))
    tensor([-1.5065e+01, -6.9315e-01, -2.8665e-07])
    """
    return apply(_log_ndtr, as_operand(input))


def ndtri(input: Tensor) -> Tensor:
    """The standard normal quantile: ``x`` with ``ndtr(x) = p`` (``-+inf`` at 0 and 1, NaN
    outside ``[0, 1]``).

    Args:
        input: the probabilities ``p`` (integers give the default float dtype).

    >>> torch.special.ndtri(torch.tensor([0.025, 0.5, 1e-30]))
    tensor([ -1.9600,   0.0000, -11.4640])
    """
    return apply(_ndtri, as_operand(input))


__all__ = ["erfcx", "log_ndtr", "ndtr", "ndtri"]
