"""``torch.special``'s orthogonal polynomials (Chebyshev T, U, V, W and their shifted forms,
Hermite H and He, Laguerre L, Legendre P) and the Bessel functions it gives no gradient:
``spherical_bessel_j0``, ``modified_bessel_i0``/``i1``/``k0``/``k1`` and the scaled ``k0``, ``k1``.

As PyTorch's, these record no graph (PyTorch defines no derivative for them). A polynomial
of degree ``n`` is its three-term recurrence run ``n`` times (``n`` truncated to an integer;
0 where ``n < 0``), computed in float64 and rounded to the result's dtype. ``K0``/``K1`` are
``int_0^inf exp(-x cosh t) cosh(k t) dt`` by the trapezoid rule, which converges
geometrically for this analytic, doubly exponentially decaying integrand.

>>> import graphgrad as torch
>>> torch.special.chebyshev_polynomial_t(torch.tensor([0.5, 2.0]), 3)
tensor([-1., 26.])
>>> torch.special.modified_bessel_k0(torch.tensor([1.0]))
tensor([0.4210])
"""

from __future__ import annotations

import numpy as np

from .. import dtypes
from .._argcheck import type_name
from ..tensor import Tensor
from .bessel_gamma import _i1_float64, _scaled_i_float64

# (p0(x), p1(x), step(k, x, p_k, p_{k-1}) -> p_{k+1}) per family
_FAMILIES = {
    "chebyshev_polynomial_t": (lambda x: x, lambda k, x, a, b: 2 * x * a - b),
    "chebyshev_polynomial_u": (lambda x: 2 * x, lambda k, x, a, b: 2 * x * a - b),
    "chebyshev_polynomial_v": (lambda x: 2 * x - 1, lambda k, x, a, b: 2 * x * a - b),
    "chebyshev_polynomial_w": (lambda x: 2 * x + 1, lambda k, x, a, b: 2 * x * a - b),
    "hermite_polynomial_h": (lambda x: 2 * x, lambda k, x, a, b: 2 * x * a - 2 * k * b),
    "hermite_polynomial_he": (lambda x: x, lambda k, x, a, b: x * a - k * b),
    "laguerre_polynomial_l": (
        lambda x: 1 - x,
        lambda k, x, a, b: ((2 * k + 1 - x) * a - k * b) / (k + 1),
    ),
    "legendre_polynomial_p": (
        lambda x: x,
        lambda k, x, a, b: ((2 * k + 1) * x * a - k * b) / (k + 1),
    ),
}


def _operands(name: str, x, n) -> tuple[np.ndarray, np.ndarray, dtypes.dtype]:
    if not isinstance(x, Tensor) and not isinstance(n, Tensor):
        raise TypeError(f"{name}(): argument 'n' (position 2) must be Tensor, not {type_name(n)}")
    xs, ns = (v._data if isinstance(v, Tensor) else np.asarray(v) for v in (x, n))
    dt = dtypes.result_type(x, n)
    if not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    return xs.astype(np.float64), ns.astype(np.float64), dt


def _recurrence(name: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    first, step = _FAMILIES[name]
    x, n = np.broadcast_arrays(x, n)
    degree = np.where(np.isfinite(n), np.trunc(n), -1)
    before, current = np.ones_like(x), first(x)
    out = np.where(degree == 0, 1.0, np.where(degree == 1, current, 0.0))
    top = int(degree.max(initial=0))
    with np.errstate(all="ignore"):
        for k in range(1, top):
            before, current = current, step(k, x, current, before)
            out = np.where(degree == k + 1, current, out)
    return out


def _polynomial(name: str, shifted: bool = False):
    family = name.removeprefix("shifted_")

    def polynomial(input, n, *, out=None) -> Tensor:
        x, degrees, dt = _operands(name, input, n)
        values = _recurrence(family, 2 * x - 1 if shifted else x, degrees)
        return Tensor._make(np.asarray(values.astype(dt.np)))

    polynomial.__name__ = polynomial.__qualname__ = name
    polynomial.__doc__ = f"""``{name}``: the polynomial of degree ``n`` at ``input``
    ({"at ``2 input - 1``, " if shifted else ""}no gradient, as PyTorch's).

    Args:
        input: the points (a tensor or a number).
        n: the degrees (a tensor or a number; truncated to integers, 0 below 0).
        out: not supported (PyTorch's output tensor).

    >>> torch.special.{name}(torch.tensor([0.25, 1.0]), 2)
    {_example(family, shifted)}
    """
    return polynomial


def _example(family: str, shifted: bool) -> str:
    x = np.array([0.25, 1.0])
    values = _recurrence(family, 2 * x - 1 if shifted else x, np.array(2.0))
    return repr(Tensor._make(values.astype(np.float32)))


chebyshev_polynomial_t = _polynomial("chebyshev_polynomial_t")
chebyshev_polynomial_u = _polynomial("chebyshev_polynomial_u")
chebyshev_polynomial_v = _polynomial("chebyshev_polynomial_v")
chebyshev_polynomial_w = _polynomial("chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_polynomial_t", shifted=True)
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_polynomial_u", shifted=True)
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_polynomial_v", shifted=True)
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_polynomial_w", shifted=True)
hermite_polynomial_h = _polynomial("hermite_polynomial_h")
hermite_polynomial_he = _polynomial("hermite_polynomial_he")
laguerre_polynomial_l = _polynomial("laguerre_polynomial_l")
legendre_polynomial_p = _polynomial("legendre_polynomial_p")


def _unary(input: Tensor, fn) -> Tensor:
    x = input._data
    dt = input.dtype if input.dtype.is_floating_point else dtypes.get_default_dtype()
    with np.errstate(all="ignore"):
        return Tensor._make(np.asarray(fn(x.astype(np.float64)).astype(dt.np)))


def _spherical_j0(x: np.ndarray) -> np.ndarray:
    safe = np.where(x == 0, 1.0, x)
    small = 1 - x * x / 6 + x**4 / 120  # (below 1e-3 the series is exact to rounding)
    return np.where(np.abs(x) < 1e-3, small, np.where(np.isinf(x), 0.0, np.sin(safe) / safe))


def _scaled_k(x: np.ndarray, order: int) -> np.ndarray:
    """``exp(x) K_order(x)``: the integral of ``exp(-x (cosh t - 1)) cosh(order t)`` over
    ``[0, T]``, ``T`` where the integrand falls below ``exp(-750)``, in 800 steps."""
    positive = np.where((x > 0) & np.isfinite(x), x, 1.0)
    end = np.arccosh(1 + 750 / positive)
    t = end[..., None] * np.linspace(0.0, 1.0, 801)
    weights = np.full(801, 1.0)
    weights[[0, -1]] = 0.5
    integrand = np.exp(-positive[..., None] * (np.cosh(t) - 1)) * np.cosh(order * t)
    out = (integrand * weights).sum(-1) * end / 800
    out = np.where(np.isposinf(x), 0.0, out)
    return np.where(x > 0, out, np.where(x == 0, np.inf, np.nan))


def _unary_doc(fn, what: str, example: str):
    fn.__doc__ = f"""{what} (no gradient, as PyTorch's).

    Args:
        input: the tensor (integers give the default float dtype).
        out: not supported (PyTorch's output tensor).

    >>> torch.special.{fn.__name__}(torch.tensor([0.5, 2.0]))
    {example}
    """
    return fn


def spherical_bessel_j0(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, _spherical_j0)


def modified_bessel_i0(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, lambda x: _scaled_i_float64(x, 0) * np.exp(np.abs(x)))


def modified_bessel_i1(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, _i1_float64)


def modified_bessel_k0(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, lambda x: _scaled_k(x, 0) * np.exp(-x))


def modified_bessel_k1(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, lambda x: _scaled_k(x, 1) * np.exp(-x))


def scaled_modified_bessel_k0(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, lambda x: _scaled_k(x, 0))


def scaled_modified_bessel_k1(input: Tensor, *, out=None) -> Tensor:
    return _unary(input, lambda x: _scaled_k(x, 1))


_unary_doc(spherical_bessel_j0, "``sin(x) / x``, 1 at 0", "tensor([0.9589, 0.4546])")
_unary_doc(modified_bessel_i0, "The modified Bessel function I0", "tensor([1.0635, 2.2796])")
_unary_doc(modified_bessel_i1, "The modified Bessel function I1", "tensor([0.2579, 1.5906])")
_unary_doc(modified_bessel_k0, "The modified Bessel function K0", "tensor([0.9244, 0.1139])")
_unary_doc(modified_bessel_k1, "The modified Bessel function K1", "tensor([1.6564, 0.1399])")
_unary_doc(scaled_modified_bessel_k0, "``exp(x) K0(x)``", "tensor([1.5241, 0.8416])")
_unary_doc(scaled_modified_bessel_k1, "``exp(x) K1(x)``", "tensor([2.7310, 1.0335])")

__all__ = [
    *_FAMILIES,
    *(f"shifted_{name}" for name in _FAMILIES if name.startswith("chebyshev")),
    "spherical_bessel_j0",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
]
