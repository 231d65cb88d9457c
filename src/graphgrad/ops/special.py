"""The gamma-function family: lgamma, digamma and polygamma (needed by the Gamma, Beta and
Dirichlet densities).

Each is a primitive whose derivative is the next one up (``lgamma' = digamma``,
``digamma' = polygamma(1, .)``, ``polygamma(n, .)' = polygamma(n + 1, .)``), so gradients of
any order come from autograd. Values are computed in float64 with NumPy and rounded to the
input's dtype; they agree with PyTorch's to a few ulps.

>>> import graphgrad as torch
>>> x = torch.tensor([0.5, 3.0], requires_grad=True)
>>> torch.lgamma(x)
tensor([0.5724, 0.6931], grad_fn=<LgammaBackward0>)
>>> torch.digamma(x).sum().backward()
>>> x.grad
tensor([4.9348, 0.3949])
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .primitive import DIAGONAL, Primitive, apply

# The Bernoulli numbers B_2 .. B_16, for the asymptotic series of digamma and zeta
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _float64(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _cast(out: np.ndarray, dtype) -> np.ndarray:
    """``out`` (float64) in the input's dtype: beyond float32's max is inf, without NumPy's
    overflow warning (PyTorch prints none)."""
    with np.errstate(over="ignore"):
        return out.astype(dtype, copy=False)


def _pole(x: np.ndarray) -> np.ndarray:
    """Where ``x`` is zero or a negative integer (the poles of the gamma function)."""
    return (x <= 0) & (x == np.floor(x))


def _lgamma_number(v: float) -> float:
    """``math.lgamma``, but ``inf`` where it overflows (``|v|`` beyond about 2.5e305), as
    PyTorch gives, not ``OverflowError``."""
    try:
        return math.lgamma(v)
    except OverflowError:
        return math.inf


def _lgamma_array(a: np.ndarray) -> np.ndarray:
    """``log|Gamma(a)|``, ``inf`` at the poles and at ``-inf`` as PyTorch gives."""
    x = _float64(a)
    out = np.full(x.shape, np.inf)
    finite = np.isfinite(x) & ~_pole(x)
    out[finite] = [_lgamma_number(v) for v in x[finite].tolist()]
    out[np.isnan(x)] = np.nan
    return _cast(out, a.dtype)


def _digamma_array(a: np.ndarray) -> np.ndarray:
    """``psi(a)``: reflection below 0, the recurrence up to 10, then the asymptotic series."""
    x = _float64(a)
    with np.errstate(all="ignore"):
        negative = x < 0
        shift = np.where(negative, np.pi / np.tan(np.pi * x), 0.0)
        z = np.where(negative, 1 - x, x)
        result = np.zeros_like(z)
        for _ in range(10):  # psi(z) = psi(z + 1) - 1 / z, until z >= 10
            small = z < 10
            result -= np.where(small, 1 / z, 0.0)
            z = np.where(small, z + 1, z)
        inv2 = 1 / (z * z)
        series, power = np.zeros_like(z), np.ones_like(z)
        for k, b in enumerate(_BERNOULLI, start=1):
            power = power * inv2
            series += b / (2 * k) * power
        out = result + np.log(z) - 0.5 / z - series - shift
        out = np.where(x == 0, np.copysign(np.inf, -x), out)
        out = np.where(_pole(x) & (x != 0), np.nan, out)
        out = np.where(x == np.inf, np.inf, out)
    return _cast(out, a.dtype)


def _hurwitz_zeta(s: int, q: np.ndarray) -> np.ndarray:
    """``zeta(s, q) = sum_k (q + k) ** -s`` for an integer ``s >= 2``: direct terms until
    ``q >= 10``, then the Euler-Maclaurin tail."""
    # below -1e5 the direct terms would take too long (torch spends seconds there and returns
    # rounding noise): such elements give nan
    far = q < -1e5
    q = np.where(far, 10.0, q)
    total = np.where(far, np.nan, 0.0)
    with np.errstate(all="ignore"):
        while True:
            small = (q < 10) & (q > -np.inf)
            if not small.any():
                break
            total += np.where(small, q**-s, 0.0)
            q = np.where(small, q + 1, q)
        tail = q ** (1 - s) / (s - 1) + 0.5 * q**-s
        rising, power = float(s), q ** (-s - 1)
        for j, b in enumerate(_BERNOULLI, start=1):
            # B_2j / (2j)! * s (s+1) ... (s+2j-2) * q ** (-s-2j+1)
            tail += b / math.factorial(2 * j) * rising * power
            rising *= (s + 2 * j - 1) * (s + 2 * j)
            power = power / (q * q)
    return total + tail


def _trigamma_array(a: np.ndarray) -> np.ndarray:
    """``psi'(a)`` as PyTorch computes it (its values differ from the exact ones by up to
    ~1e-9 relative, and gradients through digamma are compared at 1e-12): reflection below
    1/2, six steps of ``psi'(x) = psi'(x + 1) + 1 / x**2``, then the asymptotic series cut after
    the ``x ** -7`` term."""
    x = _float64(a)
    with np.errstate(all="ignore"):
        reflect = x < 0.5
        result = np.where(reflect, -_pi_squared_over_sin_squared(a), 0.0)
        z = np.where(reflect, 1 - x, x)
        for _ in range(6):
            result = result + 1 / (z * z)
            z = z + 1
        ixx = 1 / (z * z)
        result = result + (1 + 1 / (2 * z) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / z
        out = np.where(reflect, -result, result)
    return _cast(out, a.dtype)


def _pi_squared_over_sin_squared(a: np.ndarray) -> np.ndarray:
    """``pi**2 / sin(pi a)**2`` (float64), with ``pi * a`` and its sine in ``a``'s own dtype
    as PyTorch's kernel computes them: for float32, ``sin(float32(pi) * -1)`` is 8.7e-8, not
    float64's 1.2e-16, so the value at a pole is PyTorch's 1.3e15 (not 6.6e32), and a product
    beyond float32's max is inf, whose sine is NaN."""
    pi = a.dtype.type(np.pi) if a.dtype == np.float32 else np.pi
    sine = _float64(np.sin(pi * a))
    return float(pi) ** 2 / (sine * sine)


def _polygamma_array(a: np.ndarray, n: int) -> np.ndarray:
    """``psi^(n)(a) = (-1) ** (n + 1) n! zeta(n + 1, a)`` for ``n >= 2``; digamma for 0 and
    PyTorch's trigamma for 1."""
    if n == 0:
        return _digamma_array(a)
    if n == 1:
        return _trigamma_array(a)
    x = _float64(a)
    out = (-1) ** (n + 1) * math.factorial(n) * _hurwitz_zeta(n + 1, x)
    out = np.where(_pole(x), np.inf if n % 2 else -np.inf, out)
    out = np.where(np.isnan(x) | (x == np.inf), np.nan, out)  # torch: nan at +inf too
    return _cast(out, a.dtype)


_lgamma = Primitive(
    "lgamma",
    "LgammaBackward0",
    _lgamma_array,
    self=lambda grad, self, xp: grad * xp.digamma(self),
    dtype="float",
    jvp=DIAGONAL,
)
_digamma = Primitive(
    "digamma",
    "DigammaBackward0",
    _digamma_array,
    self=lambda grad, self, xp: grad * xp.polygamma(self, n=1),
    dtype="float",
    jvp=DIAGONAL,
)
_polygamma = Primitive(
    "polygamma",
    "PolygammaBackward0",
    _polygamma_array,
    self=lambda grad, self, n, xp: grad * xp.polygamma(self, n=n + 1),
    attrs=("n", "self"),
    dtype="float",
    jvp=DIAGONAL,
)


def lgamma(input: Tensor) -> Tensor:
    """The log of the absolute value of the gamma function of each element.

    Args:
        input: the tensor.

    >>> torch.lgamma(torch.tensor([1.0, 5.0]))
    tensor([0.0000, 3.1781])
    """
    return apply(_lgamma, input)


def digamma(input: Tensor) -> Tensor:
    """The digamma function (the derivative of ``lgamma``) of each element.

    Args:
        input: the tensor.

    >>> torch.digamma(torch.tensor([1.0, 2.0]))
    tensor([-0.5772,  0.4228])
    """
    return apply(_digamma, input)


def polygamma(n: int, input: Tensor) -> Tensor:
    """The ``n``-th derivative of the digamma function of each element.

    Args:
        n: the order, ``>= 0`` (0 is digamma).
        input: the tensor.

    >>> torch.polygamma(1, torch.tensor([1.0]))
    tensor([1.6449])
    """
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return apply(_polygamma, input, n=int(n))


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    """``torch.polygamma(n, self)``: the ``n``-th derivative of digamma of each element.

    Args:
        n: the order, ``>= 0``.

    >>> torch.tensor([1.0]).polygamma(1)
    tensor([1.6449])
    """
    return polygamma(n, self)


__all__ = ["digamma", "lgamma", "polygamma"]

METHODS = {"lgamma": lgamma, "digamma": digamma, "polygamma": _polygamma_method}
