"""Activation primitives: softmax, log_softmax, gelu, leaky_relu, silu, softplus, elu (and erf).

Each is one table entry with PyTorch's node name (``SoftmaxBackward0``, ``GeluBackward0``...);
the rules are written in graphgrad ops, so double backward works. ``relu``, ``sigmoid`` and
``tanh`` live in ``elementwise``.

>>> import graphgrad as torch
>>> x = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
>>> y = torch.softmax(x, dim=1)
>>> y.grad_fn.name(), round(y.sum().item(), 6)
('SoftmaxBackward0', 1.0)
"""

from __future__ import annotations

import math

import numpy as np

from .._argcheck import no_integer_kernel
from ..tensor import Tensor, _wrap_dim
from .elementwise import quiet
from .primitive import DIAGONAL, Primitive, apply, floating_only
from .unary import _sigmoid_array, exp

_SQRT_HALF = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_K = math.sqrt(2 / math.pi)
_TANH_C = 0.044715


def _softmax_dim(dim: int, ndim: int) -> int:
    return _wrap_dim(dim, max(ndim, 1))


# -- softmax / log_softmax --------------------------------------------------------------------
def _softmax_forward(a: np.ndarray, dim: int) -> np.ndarray:
    if a.ndim == 0:
        return np.ones_like(a)
    if a.size == 0:  # no slice to take a max of (NumPy's max raises)
        return a.copy()
    e = np.exp(a - np.max(a, axis=dim, keepdims=True))
    # times the reciprocal of the sum, as PyTorch's kernel does: e / sum rounds otherwise
    e *= 1 / np.sum(e, axis=dim, keepdims=True)
    return e


@quiet
def _log_softmax_forward(a: np.ndarray, dim: int) -> np.ndarray:
    if a.ndim == 0:
        return np.zeros_like(a)
    if a.size == 0:  # no slice to take a max of (NumPy's max raises)
        return a.copy()
    shifted = a - np.max(a, axis=dim, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


def _softmax_rule(grad, result, dim, xp):
    if result.ndim == 0:
        return grad * 0
    return result * (grad - xp.sum(grad * result, dim, keepdim=True))


def _log_softmax_rule(grad, result, dim, xp):
    if result.ndim == 0:
        return grad * 0
    return grad - xp.exp(result) * xp.sum(grad, dim, keepdim=True)


_softmax = Primitive(
    "softmax",
    "SoftmaxBackward0",
    quiet(_softmax_forward),
    self=_softmax_rule,
    attrs=("dim", "result"),
    dtype="float",
    jvp=DIAGONAL,  # softmax's Jacobian is symmetric: its backward rule is its JVP
)
_log_softmax = Primitive(
    "log_softmax",
    "LogSoftmaxBackward0",
    _log_softmax_forward,
    self=_log_softmax_rule,
    attrs=("dim", "result"),
    dtype="float",
    jvp=(
        lambda t, s: (
            t - (exp(s["result"]) * t).sum(s["dim"], keepdim=True) if s["result"].ndim else t * 0
        ),
    ),
)


def _cast(input: Tensor, dtype) -> Tensor:
    return input.to(dtype) if dtype is not None else input


def _kernel_name(op: str, input: Tensor, dim: int) -> str:
    """The name of PyTorch's kernel, which its integer-dtype error shows."""
    return f"{op}_lastdim_kernel_impl" if dim >= input.ndim - 1 else f"{op}_kernel_impl"


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """``exp(input) / exp(input).sum(dim)``, computed stably (see ``nn.functional.softmax``).

    Args:
        input: the tensor.
        dim: the dimension that sums to 1.
        dtype: cast ``input`` to this dtype first.

    >>> torch.softmax(torch.tensor([1.0, 2.0]), 0)
    tensor([0.2689, 0.7311])
    """
    input = _cast(input, dtype)
    dim = _softmax_dim(dim, input.ndim)
    if not input.dtype.is_floating_point and input.numel() == 0:
        return input.clone()
    no_integer_kernel(_kernel_name("softmax", input, dim), input.dtype)
    return apply(_softmax, input, dim=dim)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """``log(softmax(input, dim))`` without the overflow of the naive form.

    Args:
        input, dim, dtype: as in ``softmax``.

    >>> torch.log_softmax(torch.tensor([1.0, 2.0]), 0)
    tensor([-1.3133, -0.3133])
    """
    input = _cast(input, dtype)
    dim = _softmax_dim(dim, input.ndim)
    if not input.dtype.is_floating_point and input.numel() == 0:
        return input.clone()
    no_integer_kernel(_kernel_name("log_softmax", input, dim), input.dtype)
    return apply(_log_softmax, input, dim=dim)


# -- erf (needed by the exact GELU) -----------------------------------------------------------
def _erf_array(a: np.ndarray) -> np.ndarray:
    """erf in ``a``'s dtype: SciPy's ufunc where SciPy is installed, else ``math.erf`` per value.

    SciPy is optional (graphgrad needs only NumPy); the fallback is slower, and agrees with it
    to the last bit or two.
    """
    try:
        from scipy.special import erf as scipy_erf
    except ImportError:
        return np.vectorize(math.erf, otypes=[a.dtype])(a)  # an array even for 0-d input
    return scipy_erf(a).astype(a.dtype, copy=False)


_erf = Primitive(
    "erf",
    "ErfBackward0",
    _erf_array,
    self=lambda grad, self, xp: grad * (2 / math.sqrt(math.pi)) * xp.exp(-(self * self)),
    dtype="float",
    jvp=DIAGONAL,
)


def erf(input: Tensor) -> Tensor:
    """The error function of each element of ``input``.

    Args:
        input: the tensor.

    >>> torch.erf(torch.tensor([0.0, 0.5]))
    tensor([0.0000, 0.5205])
    """
    return apply(_erf, input)


# -- gelu -------------------------------------------------------------------------------------
def _gelu_forward(a: np.ndarray, approximate: str) -> np.ndarray:
    if approximate == "tanh":
        inner = _TANH_K * (a + _TANH_C * a * a * a)
        return (0.5 * a * (1 + np.tanh(inner))).astype(a.dtype, copy=False)
    return (0.5 * a * (1 + _erf_array(a * _SQRT_HALF))).astype(a.dtype, copy=False)


def _gelu_rule(grad, self, approximate, xp):
    x = self
    if approximate == "tanh":
        x2 = x * x
        t = xp.tanh((x + x2 * x * _TANH_C) * _TANH_K)
        slope = (1 - t * t) * (1 + x2 * (3 * _TANH_C)) * _TANH_K
        return grad * ((t + 1) * 0.5 + x * 0.5 * slope)
    cdf = (xp.erf(x * _SQRT_HALF) + 1) * 0.5
    pdf = xp.exp(x * x * -0.5) * _INV_SQRT_2PI
    return grad * (cdf + x * pdf)


_gelu = Primitive(
    "gelu",
    "GeluBackward0",
    _gelu_forward,
    dtype=floating_only("GeluKernelImpl"),
    self=_gelu_rule,
    attrs=("approximate", "self"),
    jvp=DIAGONAL,
)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """The Gaussian error linear unit ``input * Phi(input)`` (see ``nn.GELU``).

    Args:
        input: the tensor.
        approximate: ``"none"`` for the exact form, ``"tanh"`` for the tanh approximation.

    >>> F.gelu(torch.tensor([-1.0, 1.0]))
    tensor([-0.1587,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return apply(_gelu, input, approximate=approximate)


# -- leaky_relu, silu, softplus, elu ----------------------------------------------------------
def _leaky_relu_rule(grad, self, negative_slope, xp):
    return xp.where(self > 0, grad, grad * negative_slope)


_leaky_relu = Primitive(
    "leaky_relu",
    "LeakyReluBackward0",
    lambda a, negative_slope: np.where(a > 0, a, a * negative_slope).astype(a.dtype, copy=False),
    dtype=floating_only("leaky_relu_cpu"),
    self=_leaky_relu_rule,
    attrs=("negative_slope", "self"),
    jvp=DIAGONAL,
)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere (F.leaky_relu)."""
    return apply(_leaky_relu, input, negative_slope=negative_slope)


def _silu_rule(grad, self, xp):
    sig = xp.sigmoid(self)
    return grad * sig * (self * (1 - sig) + 1)


_silu = Primitive(
    "silu",
    "SiluBackward0",
    lambda a: (a * _sigmoid_array(a)).astype(a.dtype, copy=False),
    dtype=floating_only("silu_cpu"),
    self=_silu_rule,
    jvp=DIAGONAL,
)


def silu(input: Tensor) -> Tensor:
    """``x * sigmoid(x)``, also called swish (F.silu)."""
    return apply(_silu, input)


@quiet
def _softplus_forward(a: np.ndarray, beta: float, threshold: float) -> np.ndarray:
    z = a * beta
    soft = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
    return np.where(z > threshold, a, soft).astype(a.dtype, copy=False)


def _softplus_rule(grad, self, beta, threshold, xp):
    z = self * beta
    return xp.where(z > threshold, grad, grad * xp.sigmoid(z))


_softplus = Primitive(
    "softplus",
    "SoftplusBackward0",
    _softplus_forward,
    dtype=floating_only("softplus_cpu"),
    self=_softplus_rule,
    attrs=("beta", "self", "threshold"),
    jvp=DIAGONAL,
)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold`` (F.softplus)."""
    return apply(_softplus, input, beta=beta, threshold=threshold)


@quiet
def _elu_forward(a: np.ndarray, alpha: float, scale: float, input_scale: float) -> np.ndarray:
    neg = np.expm1(np.where(a > 0, 0, a) * input_scale) * (alpha * scale)  # keeps -0.0
    return np.where(a > 0, a * scale, neg).astype(a.dtype, copy=False)


def _elu_rule(grad, self, alpha, scale, input_scale, xp):
    neg = grad * xp.exp(self * input_scale) * (alpha * scale * input_scale)
    return xp.where(self > 0, grad * scale, neg)


_elu = Primitive(
    "elu",
    "EluBackward0",
    _elu_forward,
    dtype=floating_only("elu_cpu"),
    self=_elu_rule,
    attrs=("alpha", "input_scale", "scale", "self"),
    jvp=DIAGONAL,
)

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere (F.elu)."""
    return apply(_elu, input, alpha=alpha, scale=1.0, input_scale=1.0)


def selu(input: Tensor) -> Tensor:
    """Scaled ELU with the self-normalising constants (F.selu; node EluBackward0)."""
    return apply(_elu, input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


__all__ = ["erf", "log_softmax", "softmax"]

METHODS = {
    "softmax": softmax,
    "log_softmax": log_softmax,
    "erf": erf,
}
INPLACE = ("erf",)
