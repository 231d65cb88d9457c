"""More activation primitives, each with PyTorch's node name: hardtanh (and relu6),
hardsigmoid, hardswish, mish, logsigmoid, threshold, celu, softshrink, hardshrink,
rrelu_with_noise, prelu's kernel and glu.

Each is one table entry: a NumPy forward and a rule written in graphgrad ops, so double
backward works. The comparisons are PyTorch's, so NaN passes through where it does in PyTorch
(``threshold``, the shrinks) and the gradient's zeros at the kinks are its.

>>> import graphgrad as torch
>>> x = torch.tensor([-2.0, 0.5, 2.0], requires_grad=True)
>>> y = hardtanh(x)
>>> y, y.grad_fn.name()
(tensor([-1.0000,  0.5000,  1.0000], grad_fn=<HardtanhBackward0>), 'HardtanhBackward0')
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, _wrap_dim
from .activation import _elu_forward, _elu_rule, _softplus_forward
from .array_step import array_step, constant
from .elementwise import quiet
from .primitive import DIAGONAL, Primitive, apply, floating_only
from .unary import _clamp_forward, _sigmoid_array

# PyTorch's hardsigmoid backward multiplies by 1/6 rounded to float32, in every dtype
_SIXTH_F32 = float(np.float32(1 / 6))


def _zeros_where(mask, grad, xp):
    """``grad`` with +0.0 where ``mask`` holds (PyTorch's kernels write zeros there)."""
    return xp.where(mask, xp.zeros_like(grad), grad)


# -- hardtanh, hardsigmoid, hardswish -------------------------------------------------------
def _hardtanh_rule(grad, self, min_val, max_val, xp):
    return _zeros_where((self <= min_val) | (self >= max_val), grad, xp)


_hardtanh = Primitive(
    "hardtanh",
    "HardtanhBackward0",
    lambda a, min_val, max_val: _clamp_forward(a, min_val, max_val),
    self=_hardtanh_rule,
    attrs=("max_val", "min_val", "self"),
    jvp=DIAGONAL,
)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``input`` clamped to [``min_val``, ``max_val``], gradient 1 strictly inside, else 0.

    Args:
        input: the tensor.
        min_val, max_val: the bounds.

    >>> hardtanh(torch.tensor([-2.0, 3.0]), 0.0, 1.0)
    tensor([0., 1.])
    """
    return apply(_hardtanh, input, min_val=min_val, max_val=max_val)


_hardsigmoid = Primitive(
    "hardsigmoid",
    "HardsigmoidBackward0",
    lambda a: _clamp_forward(a + 3, 0, 6) / 6,
    dtype=floating_only("hardsigmoid_cpu"),
    self=lambda grad, self, xp: xp.where(
        (self > -3) & (self < 3), grad * _SIXTH_F32, xp.zeros_like(grad)
    ),
    jvp=DIAGONAL,
)


def hardsigmoid(input: Tensor) -> Tensor:
    """``relu6(input + 3) / 6``: 0 below -3, 1 above 3.

    Args:
        input: the tensor.

    >>> hardsigmoid(torch.tensor([-4.0, 0.0]))
    tensor([0.0000, 0.5000])
    """
    return apply(_hardsigmoid, input)


def _hardswish_rule(grad, self, xp):
    inside = xp.where(self < 3, grad * (self / 3 + 0.5), grad)
    return _zeros_where(self <= -3, inside, xp)


_hardswish = Primitive(
    "hardswish",
    "HardswishBackward0",
    lambda a: a * _clamp_forward(a + 3, 0, 6) / 6,
    dtype=floating_only("hardswish_cpu"),
    self=_hardswish_rule,
    jvp=DIAGONAL,
)


def hardswish(input: Tensor) -> Tensor:
    """``input * relu6(input + 3) / 6``.

    Args:
        input: the tensor.

    >>> hardswish(torch.tensor([-4.0, 4.0]))
    tensor([-0., 4.])
    """
    return apply(_hardswish, input)


# -- mish, logsigmoid -------------------------------------------------------------------------
def _mish_rule(grad, self, xp):
    t = xp.tanh(xp.softplus(self, beta=1.0, threshold=20.0))
    return grad * (t + self * xp.sigmoid(self) * (1 - t * t))


_mish = Primitive(
    "mish",
    "MishBackward0",
    lambda a: a * np.tanh(_softplus_forward(a, 1.0, 20.0)),
    dtype=floating_only("mish_cpu"),
    self=_mish_rule,
    jvp=DIAGONAL,
)


def mish(input: Tensor) -> Tensor:
    """``input * tanh(softplus(input))``.

    Args:
        input: the tensor.

    >>> mish(torch.tensor([1.0]))
    tensor([0.8651])
    """
    return apply(_mish, input)


@quiet
def _logsigmoid_forward(a: np.ndarray) -> np.ndarray:
    # min(x, 0) - log1p(exp(-|x|)): no overflow for large |x|
    return np.minimum(a, a.dtype.type(0)) - np.log1p(np.exp(-np.abs(a)))


_logsigmoid = Primitive(
    "log_sigmoid",
    "LogSigmoidBackward0",
    _logsigmoid_forward,
    self=lambda grad, self, xp: grad * xp.sigmoid(-self),
    dtype=floating_only("log_sigmoid_cpu"),
    jvp=DIAGONAL,
)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(input))``, computed without overflow.

    Args:
        input: the tensor.

    >>> logsigmoid(torch.tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.0000])
    """
    return apply(_logsigmoid, input)


# -- threshold, celu ----------------------------------------------------------------------------
def _threshold_forward(a: np.ndarray, threshold, value) -> np.ndarray:
    # PyTorch's test, ``x <= threshold``: NaN is not replaced
    return np.where(a <= threshold, np.asarray(value).astype(a.dtype), a)


def _threshold_rule(grad, self, threshold, xp):
    return xp.threshold_backward(grad, self, threshold=threshold)


_threshold = Primitive(
    "threshold",
    "ThresholdBackward0",
    _threshold_forward,
    self=_threshold_rule,
    attrs=("self", "threshold"),
    jvp=DIAGONAL,
)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``value`` where ``input <= threshold``, else ``input``.

    Args:
        input: the tensor.
        threshold: the value to compare with.
        value: what replaces the elements at or below ``threshold``.

    >>> threshold(torch.tensor([-1.0, 2.0]), 0.0, 5.0)
    tensor([5., 2.])
    """
    return apply(_threshold, input, threshold=threshold, value=value)


_celu = Primitive(
    "celu",
    "CeluBackward0",
    lambda a, alpha: _elu_forward(a, alpha, 1.0, 1.0 / alpha),
    dtype=floating_only("elu_cpu"),
    self=lambda grad, self, alpha, xp: _elu_rule(grad, self, alpha, 1.0, 1.0 / alpha, xp),
    attrs=("alpha", "self"),
    jvp=DIAGONAL,
)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``input`` where positive, else ``alpha * (exp(input / alpha) - 1)``.

    Args:
        input: the tensor.
        alpha: the scale of the negative part (not 0).

    >>> celu(torch.tensor([-1.0, 1.0]), 2.0)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return apply(_celu, input, alpha=alpha)


# -- softshrink, hardshrink ---------------------------------------------------------------------
def _shrink_rule(grad, self, lambd, xp):
    # grad outside the band, else +0.0; NaN too, as PyTorch's vectorised loop (its scalar
    # loop, for the tail, passes grad)
    return xp.where((self < -lambd) | (self > lambd), grad, xp.zeros_like(grad))


_softshrink = Primitive(
    "softshrink",
    "SoftshrinkBackward0",
    # the band gives x * 0 (a zero of x's sign, NaN for NaN), as PyTorch
    lambda a, lambd: np.where(a > lambd, a - lambd, np.where(a < -lambd, a + lambd, a * 0)),
    dtype=floating_only("softshrink_check"),
    self=_shrink_rule,
    attrs=("lambd", "self"),
    jvp=DIAGONAL,
)
_hardshrink = Primitive(
    "hardshrink",
    "HardshrinkBackward0",
    lambda a, lambd: np.where((a >= -lambd) & (a <= lambd), a.dtype.type(0), a),
    dtype=floating_only("hardshrink_cpu"),
    self=_shrink_rule,
    attrs=("lambd", "self"),
    jvp=DIAGONAL,
)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input - lambd`` above ``lambd``, ``input + lambd`` below ``-lambd``, else 0.

    Args:
        input: the tensor.
        lambd: the half-width of the zeroed band.

    >>> softshrink(torch.tensor([-1.0, 2.0]), 0.25)
    tensor([-0.7500,  1.7500])
    """
    return apply(_softshrink, input, lambd=lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input`` where ``|input| > lambd``, else 0.

    Args:
        input: the tensor.
        lambd: the half-width of the zeroed band.

    >>> hardshrink(torch.tensor([-1.0, 0.25]))
    tensor([-1.,  0.])
    """
    return apply(_hardshrink, input, lambd=lambd)


# -- rrelu, prelu, glu --------------------------------------------------------------------------
def _rrelu_rule(grad, self, noise, lower, upper, training, xp):
    if training:  # noise holds each element's slope (1 where positive)
        return grad * noise
    return xp.where(self > 0, grad, grad * ((lower + upper) / 2))


_rrelu_with_noise = Primitive(
    "rrelu_with_noise",
    "RreluWithNoiseBackward0",
    lambda a, noise, lower, upper, training: np.where(a > 0, a, a * noise),
    dtype=floating_only("rrelu_with_noise_out_cpu"),
    inputs=("self", "noise"),
    self=_rrelu_rule,
    noise=None,
    attrs=("lower", "noise", "self", "training", "upper"),
    jvp=DIAGONAL,
)


def rrelu_noise(input: Tensor, lower: float, upper: float, training: bool, draw) -> Tensor:
    """The slopes of ``rrelu``: in training, one ``draw(shape, lower, upper, dtype)`` for the
    elements of ``input`` that are not positive (1 elsewhere); else their mean everywhere."""
    data = input._data
    if not training:
        return Tensor._make(constant(np.full(data.shape, (lower + upper) / 2, data.dtype)))
    return Tensor._make(_drawn_slopes(data, lower, upper, draw))


@array_step
def _drawn_slopes(data: np.ndarray, lower: float, upper: float, draw) -> np.ndarray:
    """(An array step: a compiled call draws each replay's slopes, as many as its input has
    elements that are not positive.)"""
    noise = np.ones(data.shape, data.dtype)
    drawn = data <= 0  # PyTorch draws a slope for these only, in order
    # each slope is a double, rounded to the input's dtype
    noise[drawn] = draw((int(np.count_nonzero(drawn)),), lower, upper, np.dtype(np.float64))
    return noise


def rrelu_with_noise(input: Tensor, noise: Tensor, lower: float, upper: float, training: bool):
    """``input`` where positive, else ``noise * input`` (the node of ``F.rrelu``).

    Args:
        input: the tensor.
        noise: the slopes (see ``rrelu_noise``).
        lower, upper: the range the slopes were drawn from.
        training: whether they were drawn (else the slope is their mean).

    >>> rrelu_with_noise(torch.tensor([-2.0, 1.0]), torch.tensor([0.5, 1.0]), 0.1, 0.3, True)
    tensor([-1.,  1.])
    """
    return apply(_rrelu_with_noise, input, noise, lower=lower, upper=upper, training=training)


_prelu_kernel = Primitive(
    "prelu_kernel",
    "PreluKernelBackward0",
    lambda a, w: np.where(a > 0, a, w * a),
    inputs=("self", "weight"),
    self=lambda grad, self, weight, xp: xp.where(self > 0, grad, grad * weight),
    weight=lambda grad, self, xp: _zeros_where(self > 0, grad * self, xp),
    jvp=DIAGONAL,
)


def prelu_kernel(input: Tensor, weight: Tensor) -> Tensor:
    """``input`` where positive, else ``weight * input``, ``weight`` broadcasting.

    Args:
        input: the tensor.
        weight: the slopes, broadcastable with ``input``.

    >>> prelu_kernel(torch.tensor([-2.0, 3.0]), torch.tensor(0.25))
    tensor([-0.5000,  3.0000])
    """
    return apply(_prelu_kernel, input, weight)


def _glu_forward(a: np.ndarray, dim: int, axis: int) -> np.ndarray:
    first, second = np.split(a, 2, axis=axis)
    return first * _sigmoid_array(second)


def _glu_rule(grad, self, dim, axis, xp):
    half = self.shape[axis] // 2
    first = xp.slice(self, dim=axis, axis=axis, start=0, end=half, step=1)
    second = xp.slice(self, dim=axis, axis=axis, start=half, end=2 * half, step=1)
    sig = xp.sigmoid(second)
    return xp.cat([grad * sig, grad * first * sig * (1 - sig)], axis)


def _glu_jvp(tangent, saved):
    x, axis = saved["self"], saved["axis"]
    half = x.shape[axis] // 2
    sig = x.narrow(axis, half, half).sigmoid()
    first, t_first, t_second = (
        x.narrow(axis, 0, half),
        tangent.narrow(axis, 0, half),
        tangent.narrow(axis, half, half),
    )
    return t_first * sig + first * sig * (1 - sig) * t_second


_glu = Primitive(
    "glu",
    "GluBackward0",
    _glu_forward,
    self=_glu_rule,
    attrs=("dim", "self"),
    jvp=(_glu_jvp,),
)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``input`` along ``dim``.

    Args:
        input: the tensor (an even size along ``dim``).
        dim: the dimension to halve.

    >>> glu(torch.tensor([1.0, 2.0, 0.0, 100.0]))
    tensor([0.5000, 2.0000])
    """
    return apply(_glu, input, dim=dim, axis=_wrap_dim(dim, input.ndim))


__all__: list[str] = []
