"""The modified Bessel function ``i0`` and the regularised incomplete gamma functions
``igamma`` (``P(a, x)``) and ``igammac`` (``Q(a, x) = 1 - P(a, x)``), as primitives.

Values are computed in float64 and rounded to the result's dtype. ``i1`` (``i0``'s
derivative) and the scaled ``i0e``, ``i1e`` (``torch.special``'s) are the integrals
``(1/pi) int_0^pi exp(x cos t) cos(k t) dt`` by the trapezoid rule, which converges
geometrically for this periodic integrand (the power series below 2, the Hankel expansion
beyond 700). ``P`` is summed as its power series below ``x = a + 1`` and as the continued
fraction of ``Q`` above. As PyTorch's, they
are differentiable in ``x`` only; a gradient for ``a`` raises.

>>> import graphgrad as torch
>>> torch.i0(torch.tensor([0.0, 1.0, -2.5]))
tensor([1.0000, 1.2661, 3.2898])
>>> torch.igamma(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))
tensor([0.6321, 0.8009])
"""

from __future__ import annotations

import math

import numpy as np

from .._argcheck import type_name
from ..dtypes import result_type
from ..tensor import Tensor
from .elementwise import as_operand
from .inplace_examples import documented
from .primitive import DIAGONAL, TENSORS, Primitive, apply

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300


def _asymptotic_scaled_i(ax: np.ndarray, order: int) -> np.ndarray:
    """``exp(-x) I_order(x)`` for large ``x``: the Hankel expansion, whose terms fall below
    float64's epsilon within a dozen for ``x > 700``."""
    mu = 4.0 * order * order
    term, total = np.ones_like(ax), np.ones_like(ax)
    for k in range(1, 13):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * ax)
        total = total + term
    return total / np.sqrt(2 * np.pi) / np.sqrt(ax)  # (2 pi ax overflows near float64's max)


def _scaled_i_float64(x: np.ndarray, order: int) -> np.ndarray:
    """``exp(-|x|) I_order(|x|)`` (order 0 or 1): below ``|x| = 700`` the integral
    ``(1/pi) int_0^pi exp(|x| (cos t - 1)) cos(order t) dt`` by the trapezoid rule, which
    converges geometrically for this periodic integrand; above, the Hankel expansion."""
    ax = np.abs(np.asarray(x, np.float64))
    big = np.isfinite(ax) & (ax > 700)
    near = np.where(np.isfinite(ax) & ~big, ax, 0.0)
    n = int(1.5 * float(near.max(initial=0.0))) + 40
    t = np.linspace(0.0, np.pi, n + 1)
    weights = np.full(n + 1, 1.0 / n)
    weights[[0, -1]] /= 2
    integral = (np.exp(near[..., None] * (np.cos(t) - 1)) * np.cos(order * t) * weights).sum(-1)
    far = _asymptotic_scaled_i(np.where(big, ax, 1000.0), order)
    out = np.where(big, far, np.where(np.isinf(ax), 0.0, integral))
    # below 2, the power series (the integral of the cosine loses digits to cancellation)
    out = np.where(ax < 2, _series_scaled_i(np.where(ax < 2, ax, 0.0), order), out)
    return np.where(np.isnan(ax), np.nan, out)


def _series_scaled_i(ax: np.ndarray, order: int) -> np.ndarray:
    """``exp(-x) I_order(x)`` from ``I_order(x) = sum (x/2)^(2k+order) / (k! (k+order)!)``."""
    quarter = ax * ax / 4
    term = (ax / 2) ** order / math.factorial(order)
    total = term
    for k in range(1, 25):
        term = term * quarter / (k * (k + order))
        total = total + term
    return total * np.exp(-ax)


def _i1_float64(x: np.ndarray) -> np.ndarray:
    """``I1(x)``: the scaled integral times ``exp(|x|)`` (odd: exactly 0 at 0; NaN at
    +-inf, as PyTorch's)."""
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.sign(x) * _scaled_i_float64(x, 1) * np.exp(np.abs(x))
    return np.where(np.isinf(x), np.nan, out)  # (PyTorch's value at +-inf)


def _i0_array(a: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):  # (NaN at +-inf, as PyTorch)
        return np.i0(np.asarray(a, np.float64)).astype(a.dtype, copy=False)


def _i1_array(a: np.ndarray) -> np.ndarray:
    return _i1_float64(a).astype(a.dtype, copy=False)


# Below this |x| both I1'(x) = 1/2 + 3x^2/16 and i1e'(x) = 1/2 - |x| + ... are 1/2 to float64's
# precision, and the formulas fail: I1(x) ~ x/2 underflows in float32 (I1(x)/x gave 0, 1/x inf).
_NEAR_ZERO = 1e-30


def _i1_rule(grad, self, result, xp):
    """``I1'(x) = I0(x) - I1(x) / x``, and 1/2 near 0."""
    tiny = xp.abs(self) < _NEAR_ZERO
    safe = xp.where(tiny, 1.0, self)
    return grad * xp.where(tiny, 0.5, xp.i0(self) - result / safe)


_i1 = Primitive(
    "special_i1", "SpecialI1Backward0", _i1_array, self=_i1_rule, dtype="float", jvp=DIAGONAL
)  # fmt: skip


def _i0e_array(a: np.ndarray) -> np.ndarray:
    return _scaled_i_float64(a, 0).astype(a.dtype, copy=False)


def _i1e_array(a: np.ndarray) -> np.ndarray:
    return (np.sign(a) * _scaled_i_float64(a, 1)).astype(a.dtype, copy=False)


def _i1e_rule(grad, self, result, xp):
    """``i1e'(x) = i0e(x) - i1e(x) (sign(x) + 1/x)``, and 1/2 near 0."""
    tiny = xp.abs(self) < _NEAR_ZERO
    safe = xp.where(tiny, 1.0, self)
    slope = xp.special_i0e(self) - result * (xp.sign(self) + 1 / safe)
    return grad * xp.where(tiny, 0.5, slope)


_i0e = Primitive(
    "special_i0e",
    "SpecialI0EBackward0",
    _i0e_array,
    # i0e'(x) = i1e(x) - sign(x) i0e(x)
    self=lambda grad, self, result, xp: grad * (xp.special_i1e(self) - xp.sign(self) * result),
    dtype="float",
    jvp=DIAGONAL,
)
_i1e = Primitive(
    "special_i1e", "SpecialI1EBackward0", _i1e_array, self=_i1e_rule, dtype="float", jvp=DIAGONAL
)  # fmt: skip


def i1(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 1 (``torch.special.i1``).

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.i1(torch.tensor([0.0, 1.0, -2.0]))
    tensor([ 0.0000,  0.5652, -1.5906])
    """
    return apply(_i1, as_operand(input))


def i0e(input: Tensor) -> Tensor:
    """``exp(-|x|) I0(x)``, finite where ``I0`` overflows (``torch.special.i0e``).

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.i0e(torch.tensor([0.0, 1.0, 1000.0]))
    tensor([1.0000, 0.4658, 0.0126])
    """
    return apply(_i0e, as_operand(input))


def i1e(input: Tensor) -> Tensor:
    """``exp(-|x|) I1(x)`` (``torch.special.i1e``).

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.special.i1e(torch.tensor([0.0, 1.0, -1000.0]))
    tensor([ 0.0000,  0.2079, -0.0126])
    """
    return apply(_i1e, as_operand(input))


_i0 = Primitive(
    "i0",
    "I0Backward0",
    _i0_array,
    self=lambda grad, self, xp: grad * xp.special_i1(self),
    dtype="float",
    jvp=DIAGONAL,
)


def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0, elementwise.

    Args:
        input: the tensor (integers give the default float dtype).

    >>> torch.i0(torch.tensor([30.0]))
    tensor([7.8167e+11])
    """
    return apply(_i0, as_operand(input))


def _lgamma(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.lgamma, otypes=[np.float64])(a) if a.size else a


def _series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``P(a, x)`` by its power series (for ``x < a + 1``)."""
    term = 1.0 / a
    total = term.copy()
    for n in range(1, 5000):
        term = term * x / (a + n)
        total = total + term
        if np.all(np.abs(term) <= np.abs(total) * _EPS):
            break
    return total * np.exp(-x + a * np.log(x) - _lgamma(a))


def _continued_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Q(a, x)`` by the modified Lentz evaluation of its continued fraction (``x >= a + 1``)."""
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    for i in range(1, 5000):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) <= _EPS):
            break
    return np.exp(-x + a * np.log(x) - _lgamma(a)) * h


def _incomplete_gamma(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """``P(a, x)`` (or ``Q`` when ``upper``) in float64, with PyTorch's special values."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    lower = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        regular = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
        low = regular & (x < a + 1)
        high = regular & ~low
        if low.any():
            lower[low] = _series(a[low], x[low])
        if high.any():
            lower[high] = 1.0 - _continued_fraction(a[high], x[high])
            q_high = _continued_fraction(a[high], x[high])
        lower = np.where((a == 0) & (x > 0), 1.0, lower)
        lower = np.where((x == 0) & (a > 0), 0.0, lower)
        lower = np.where((x == np.inf) & (a > 0) & np.isfinite(a), 1.0, lower)
        lower = np.where((a == np.inf) & np.isfinite(x) & (x >= 0), 0.0, lower)
        if not upper:
            return lower
        out = 1.0 - lower
        if high.any():
            out[high] = q_high
        return out


def _gamma_forward(upper: bool):
    def forward(a: np.ndarray, x: np.ndarray) -> np.ndarray:
        return _incomplete_gamma(a, x, upper).astype(np.result_type(a, x), copy=False)

    return forward


def _no_input_gradient(name: str):
    def rule(grad):
        raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")

    return rule


def _density(self, other, xp):
    """``x**(a-1) exp(-x) / Gamma(a)``: ``dP/dx``."""
    return xp.exp((self - 1) * xp.log(other) - other - xp.lgamma(self))


def _no_input_tangent(name: str):
    def rule(t, s):
        raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")

    return rule


def _density_tangent(sign: float):
    def rule(t, s):
        return sign * t * _density(s["self"], s["other"], TENSORS)

    return rule


_igamma = Primitive(
    "igamma",
    "IgammaBackward0",
    _gamma_forward(False),
    self=_no_input_gradient("igamma"),
    other=lambda grad, self, other, xp: grad * _density(self, other, xp),
    dtype="promote",
    jvp=(_no_input_tangent("igamma"), _density_tangent(1.0)),
)
_igammac = Primitive(
    "igammac",
    "IgammacBackward0",
    _gamma_forward(True),
    self=_no_input_gradient("igammac"),
    other=lambda grad, self, other, xp: -grad * _density(self, other, xp),
    dtype="promote",
    jvp=(_no_input_tangent("igammac"), _density_tangent(-1.0)),
)


def _gamma_op(prim: Primitive, name: str, input: Tensor, other: Tensor) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )
    dt = result_type(input, other)
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{dt.legacy}'")
    return apply(prim, input, other)


def igamma(input: Tensor, other: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function ``P(a, x)``, elementwise and
    broadcasting: ``a = input``, ``x = other``. Differentiable in ``other`` only.

    Args:
        input: ``a``, a floating tensor (``>= 0``; NaN below).
        other: ``x``, a floating tensor (``>= 0``; NaN below).

    >>> torch.igamma(torch.tensor([0.5]), torch.tensor([30.0]))
    tensor([1.])
    """
    return _gamma_op(_igamma, "igamma", input, other)


def igammac(input: Tensor, other: Tensor) -> Tensor:
    """The regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``, accurate
    where it is small. Differentiable in ``other`` only.

    Args:
        input: ``a``, a floating tensor (``>= 0``).
        other: ``x``, a floating tensor (``>= 0``).

    >>> torch.igammac(torch.tensor([0.5]), torch.tensor([30.0]))
    tensor([9.4857e-15])
    """
    return _gamma_op(_igammac, "igammac", input, other)


__all__ = ["i0", "igamma", "igammac"]
METHODS = {name: globals()[name] for name in __all__}
METHODS.update(
    {
        "i0_": documented(i0, "torch.tensor([0.5, 2.0])"),
        "igamma_": documented(igamma, "torch.tensor([0.5, 2.0])", "torch.tensor([1.0, 3.0])"),
        "igammac_": documented(igammac, "torch.tensor([0.5, 2.0])", "torch.tensor([1.0, 3.0])"),
    }
)
_ = _i1  # xp.special_i1, in i0's rule
