"""Inverse trigonometric and hyperbolic functions, and atan2.

Each gradient is PyTorch's formula (``asin``: ``grad / sqrt(1 - x**2)``...), written in
graphgrad's ops so that it differentiates again.

>>> import graphgrad as torch
>>> x = torch.tensor([0.5], requires_grad=True)
>>> torch.asin(x).backward()
>>> x.grad
tensor([1.1547])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .elementwise import as_operand, quiet
from .primitive import DIAGONAL, Primitive, apply
from .unary import _unary, _unary_fn


def _unary_trig(name: str, fn, rule) -> Primitive:
    return _unary(name, f"{name.capitalize()}Backward0", quiet(fn), rule)


_asin = _unary_trig("asin", np.arcsin, lambda grad, self, xp: grad * xp.rsqrt(1 - self * self))
_acos = _unary_trig("acos", np.arccos, lambda grad, self, xp: -grad * xp.rsqrt(1 - self * self))
_atan = _unary_trig("atan", np.arctan, lambda grad, self: grad / (self * self + 1))
_sinh = _unary_trig("sinh", np.sinh, lambda grad, self, xp: grad * xp.cosh(self))
_cosh = _unary_trig("cosh", np.cosh, lambda grad, self, xp: grad * xp.sinh(self))
_asinh = _unary_trig("asinh", np.arcsinh, lambda grad, self, xp: grad * xp.rsqrt(self * self + 1))
_acosh = _unary_trig("acosh", np.arccosh, lambda grad, self, xp: grad * xp.rsqrt(self * self - 1))
_atanh = _unary_trig("atanh", np.arctanh, lambda grad, self: grad / (1 - self * self))

_EXAMPLE = "[0.5, 2.0]"
asin = _unary_fn(_asin, "Arcsine; NaN outside [-1, 1].", _EXAMPLE, "tensor([0.5236,    nan])")
acos = _unary_fn(_acos, "Arccosine; NaN outside [-1, 1].", _EXAMPLE, "tensor([1.0472,    nan])")
atan = _unary_fn(_atan, "Arctangent.", _EXAMPLE, "tensor([0.4636, 1.1071])")
sinh = _unary_fn(_sinh, "Hyperbolic sine.", _EXAMPLE, "tensor([0.5211, 3.6269])")
cosh = _unary_fn(_cosh, "Hyperbolic cosine.", _EXAMPLE, "tensor([1.1276, 3.7622])")
asinh = _unary_fn(_asinh, "Inverse hyperbolic sine.", _EXAMPLE, "tensor([0.4812, 1.4436])")
acosh = _unary_fn(
    _acosh, "Inverse hyperbolic cosine; NaN below 1.", _EXAMPLE, "tensor([   nan, 1.3170])"
)
atanh = _unary_fn(
    _atanh, "Inverse hyperbolic tangent; NaN outside [-1, 1].", _EXAMPLE, "tensor([0.5493,    nan])"
)
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def _atan2_scale(self, other, xp):
    """``1 / (self**2 + other**2)``, and 0 at the origin (where PyTorch gives no gradient)."""
    denominator = self * self + other * other
    return xp.where(denominator == 0, 0.0, 1 / denominator)


_atan2 = Primitive(
    "atan2",
    "Atan2Backward0",
    quiet(np.arctan2),
    self=lambda grad, self, other, xp: grad * other * _atan2_scale(self, other, xp),
    other=lambda grad, self, other, xp: -grad * self * _atan2_scale(self, other, xp),
    dtype="float",
    jvp=DIAGONAL,
)


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (``other``, ``input``), in (-pi, pi] (torch.atan2).

    >>> import graphgrad as torch
    >>> torch.atan2(torch.tensor([1.0, -1.0]), torch.tensor([0.0, 0.0]))
    tensor([ 1.5708, -1.5708])
    """
    return apply(_atan2, input, as_operand(other))


arctan2 = atan2

METHODS = {
    name: globals()[name]
    for name in """asin acos atan sinh cosh asinh acosh atanh arcsin arccos arctan arcsinh
    arccosh arctanh atan2 arctan2""".split()
}
INPLACE = tuple("asin acos atan sinh cosh asinh acosh atanh atan2".split())
__all__ = list(METHODS)
