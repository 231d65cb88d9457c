"""Invertible maps between supports (torch's ``distributions.transforms``): the elementwise ones
``TransformedDistribution`` and the distributions built on it use.

A transform ``t`` maps ``x`` to ``y = t(x)``; ``t.inv`` maps back, and
``t.log_abs_det_jacobian(x, y)`` is ``log |dy/dx|`` elementwise. Every one is composed from
differentiable graphgrad ops, so gradients flow through samples and densities.

>>> t = torch.distributions.transforms.ExpTransform()
>>> t(torch.tensor(0.0)), t.inv(torch.tensor(1.0))
(tensor(1.), tensor(0.))
"""

from __future__ import annotations

import math
import numbers

from graphgrad.distributions._base import Constraint, positive, real, unit_interval

from .. import _runtime, creation
from ..nn import functional as F  # noqa: N812 - as PyTorch code names it
from ..tensor import Tensor

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "ExpTransform",
    "PowerTransform",
    "SigmoidTransform",
    "TanhTransform",
    "Transform",
]

_open_unit = Constraint("Interval(lower_bound=-1.0, upper_bound=1.0)", lambda v: v.abs() <= 1)


class Transform:
    """The base of the transforms: ``__call__``, ``inv``, ``sign`` and the log-Jacobian.

    Subclasses define ``_call(x)``, ``_inverse(y)`` and ``log_abs_det_jacobian(x, y)``.

    Args:
        cache_size: accepted for torch's signature (graphgrad keeps no cache; 0 or 1).

    >>> torch.distributions.transforms.ExpTransform().inv
    _InverseTransform(ExpTransform())
    """

    bijective = False
    domain: Constraint = real
    codomain: Constraint = real
    sign: object = 1

    def __init__(self, cache_size: int = 0):
        if cache_size not in (0, 1):
            raise ValueError("cache_size must be 0 or 1")
        self._cache_size = cache_size

    @property
    def event_dim(self) -> int:
        """The number of dimensions one event has (0: elementwise).

        >>> torch.distributions.transforms.ExpTransform().event_dim
        0
        """
        return 0

    @property
    def inv(self) -> Transform:
        """The inverse transform, ``y -> x``.

        >>> torch.distributions.transforms.ExpTransform().inv(torch.tensor(1.0))
        tensor(0.)
        """
        return _InverseTransform(self)

    def __call__(self, x):
        return self._call(x)

    def _call(self, x):
        raise NotImplementedError

    def _inverse(self, y):
        raise NotImplementedError

    def log_abs_det_jacobian(self, x, y):
        """``log |dy/dx|`` at ``x`` (with ``y = self(x)``), elementwise.

        Args:
            x: the input.
            y: the output.

        >>> t = torch.distributions.transforms.ExpTransform()
        >>> t.log_abs_det_jacobian(torch.tensor(2.0), t(torch.tensor(2.0)))
        tensor(2.)
        """
        raise NotImplementedError

    def forward_shape(self, shape):
        """The output shape for an input shape (the same for an elementwise transform).

        >>> torch.distributions.transforms.ExpTransform().forward_shape((2, 3))
        (2, 3)
        """
        return shape

    def inverse_shape(self, shape):
        """The input shape for an output shape (the same for an elementwise transform).

        >>> torch.distributions.transforms.ExpTransform().inverse_shape((2, 3))
        (2, 3)
        """
        return shape

    def __eq__(self, other) -> bool:
        return self is other

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _InverseTransform(Transform):
    """The inverse of a transform: calls swap, the log-Jacobian changes sign."""

    def __init__(self, transform: Transform):
        super().__init__()
        self._inv = transform
        self.domain = transform.codomain
        self.codomain = transform.domain
        self.bijective = transform.bijective
        self.sign = transform.sign

    @property
    def inv(self) -> Transform:
        return self._inv

    def _call(self, x):
        return self._inv._inverse(x)

    def _inverse(self, y):
        return self._inv._call(y)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def __repr__(self) -> str:
        return f"_InverseTransform({self._inv!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = object.__hash__


class _ParameterFree(Transform):
    """A transform without parameters: all instances of the class are equal."""

    def __eq__(self, other) -> bool:
        return type(other) is type(self)

    __hash__ = object.__hash__


class ExpTransform(_ParameterFree):
    """``y = exp(x)``.

    Args:
        cache_size: accepted for torch's signature (graphgrad keeps no cache).

    >>> torch.distributions.transforms.ExpTransform()(torch.tensor(1.0))
    tensor(2.7183)
    """

    domain = real
    codomain = positive
    bijective = True

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class SigmoidTransform(_ParameterFree):
    """``y = sigmoid(x)``, kept inside ``(0, 1)`` (clamped to ``[tiny, 1 - eps]``).

    Args:
        cache_size: accepted for torch's signature (graphgrad keeps no cache).

    >>> torch.distributions.transforms.SigmoidTransform()(torch.tensor(0.0))
    tensor(0.5000)
    """

    domain = real
    codomain = unit_interval
    bijective = True

    def _call(self, x):
        info = _runtime.finfo(x.dtype)
        return x.sigmoid().clamp(min=info.tiny, max=1.0 - info.eps)

    def _inverse(self, y):
        info = _runtime.finfo(y.dtype)
        y = y.clamp(min=info.tiny, max=1.0 - info.eps)
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        return -F.softplus(-x) - F.softplus(x)


class TanhTransform(_ParameterFree):
    """``y = tanh(x)``.

    Args:
        cache_size: accepted for torch's signature (graphgrad keeps no cache).

    >>> torch.distributions.transforms.TanhTransform()(torch.tensor(0.0))
    tensor(0.)
    """

    domain = real
    codomain = _open_unit
    bijective = True

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return y.atanh()

    def log_abs_det_jacobian(self, x, y):
        # log(1 - tanh(x)^2) written stably: 2 * (log 2 - x - softplus(-2x))
        return 2.0 * (math.log(2.0) - x - F.softplus(-2.0 * x))


class AbsTransform(_ParameterFree):
    """``y = |x|`` (not bijective: the inverse gives the non-negative root).

    Args:
        cache_size: accepted for torch's signature (graphgrad keeps no cache).

    >>> torch.distributions.transforms.AbsTransform()(torch.tensor(-2.0))
    tensor(2.)
    """

    domain = real
    codomain = positive

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y


class AffineTransform(Transform):
    """``y = loc + scale * x``.

    Args:
        loc: the shift (a number or tensor).
        scale: the scale (a number or tensor).
        event_dim: how many rightmost dimensions form one event.
        cache_size: accepted for torch's signature.

    >>> torch.distributions.transforms.AffineTransform(1.0, 2.0)(torch.tensor(3.0))
    tensor(7.)
    """

    bijective = True

    def __init__(self, loc, scale, event_dim: int = 0, cache_size: int = 0):
        super().__init__(cache_size)
        self.loc, self.scale = loc, scale
        self._event_dim = event_dim

    @property
    def event_dim(self) -> int:
        return self._event_dim

    @property
    def sign(self):  # type: ignore[override]
        """The sign of ``scale`` (a number or a tensor)."""
        if isinstance(self.scale, numbers.Real):
            return 1 if float(self.scale) > 0 else -1 if float(self.scale) < 0 else 0
        return self.scale.sign()

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        if isinstance(self.scale, numbers.Real):
            result = creation.full_like(x, math.log(abs(self.scale)))
        else:
            result = self.scale.abs().log()
        if self._event_dim:
            shape = tuple(result.shape[: result.dim() - self._event_dim]) + (-1,)
            result = result.reshape(shape).sum(-1)
            shape = tuple(x.shape[: x.dim() - self._event_dim])
        else:
            shape = tuple(x.shape)
        return result.expand(shape)

    def __eq__(self, other) -> bool:
        if not isinstance(other, AffineTransform):
            return False
        return _same(self.loc, other.loc) and _same(self.scale, other.scale)

    __hash__ = object.__hash__


class PowerTransform(Transform):
    """``y = x ** exponent`` on positive numbers.

    Args:
        exponent: the power (a number or tensor).
        cache_size: accepted for torch's signature.

    >>> torch.distributions.transforms.PowerTransform(2.0)(torch.tensor(3.0))
    tensor(9.)
    """

    domain = positive
    codomain = positive
    bijective = True

    def __init__(self, exponent, cache_size: int = 0):
        super().__init__(cache_size)
        self.exponent = exponent if isinstance(exponent, Tensor) else creation.tensor(exponent)

    @property
    def sign(self):  # type: ignore[override]
        """The sign of the exponent."""
        return self.exponent.sign()

    def _call(self, x):
        return x.pow(self.exponent)

    def _inverse(self, y):
        return y.pow(1 / self.exponent)

    def log_abs_det_jacobian(self, x, y):
        return (self.exponent * y / x).abs().log()

    def __eq__(self, other) -> bool:
        return isinstance(other, PowerTransform) and _same(self.exponent, other.exponent)

    __hash__ = object.__hash__


def _same(a, b) -> bool:
    """torch's parameter comparison: numbers by value, tensors elementwise (all equal)."""
    if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
        return a == b
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return bool((a == b).all())
    return False
