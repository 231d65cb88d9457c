"""The in-place activations (``F.elu(x, inplace=True)``, ``F.elu_``...), recorded as PyTorch
records them.

Each writes its out-of-place primitive's result into the input with ``inplace.commit``. Where
PyTorch's in-place node reads the saved result (the input is gone), the node is the primitive's
``inplace_variant``, named ``...Backward1``, with a rule written on the result: EluBackward1
(elu, selu), CeluBackward1, LeakyReluBackward1, RreluWithNoiseBackward1. ThresholdBackward1
reads the input, which ``commit`` keeps a copy of, as PyTorch does; silu, hardtanh,
hardsigmoid, hardswish and mish keep their out-of-place node (and that copy).

>>> import graphgrad as torch
>>> x = torch.tensor([-1.0, 2.0], requires_grad=True) * 1
>>> y = elu_(x)
>>> y is x, y.grad_fn.name(), x._version
(True, 'EluBackward1', 1)
"""

from __future__ import annotations

from ..tensor import Tensor
from .activation import _SELU_ALPHA, _SELU_SCALE, _elu, _leaky_relu, _silu
from .activation_more import (
    _celu,
    _hardsigmoid,
    _hardswish,
    _hardtanh,
    _mish,
    _rrelu_with_noise,
    _threshold,
    _threshold_rule,
)
from .inplace import check_inplace, check_overlap, commit, inplace_variant
from .primitive import Primitive, apply

_ELU_NEGATIVE = (
    "In-place elu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead."
)
_LEAKY_NEGATIVE = (
    "In-place leakyReLu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead. File an issue at "
    "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
    "backward calculation with negative slope"
)


def _write(prim: Primitive, input: Tensor, *others, **params) -> Tensor:
    """``prim`` applied to ``input``, written into it."""
    check_inplace(input)
    check_overlap(input)
    return commit(input, apply(prim, input, *others, **params))


# -- the rules on the result -------------------------------------------------------------------
def _elu_result_rule(grad, result, alpha, scale, input_scale, xp):
    # result = alpha * scale * (exp(x * input_scale) - 1) where x <= 0, so its derivative is
    # input_scale * (result + alpha * scale); a negative alpha makes result > 0 ambiguous
    if alpha < 0:
        raise RuntimeError(_ELU_NEGATIVE)
    neg = grad * (result + alpha * scale) * input_scale
    return xp.where(result > 0, grad * scale, neg)


def _celu_result_rule(grad, result, alpha, xp):
    return _elu_result_rule(grad, result, alpha, 1.0, 1.0 / alpha, xp)


def _leaky_relu_result_rule(grad, result, negative_slope, xp):
    if negative_slope < 0:
        raise RuntimeError(_LEAKY_NEGATIVE)
    return xp.where(result > 0, grad, grad * negative_slope)


def _rrelu_result_rule(grad, result, noise, lower, upper, training, xp):
    if training:
        return grad * noise
    return _leaky_relu_result_rule(grad, result, (lower + upper) / 2, xp)


_elu_ = inplace_variant(
    _elu, "EluBackward1", _elu_result_rule, ("alpha", "input_scale", "result", "scale")
)
_celu_ = inplace_variant(_celu, "CeluBackward1", _celu_result_rule, ("alpha", "result"))
_leaky_relu_ = inplace_variant(
    _leaky_relu, "LeakyReluBackward1", _leaky_relu_result_rule, ("negative_slope", "result")
)
_threshold_ = inplace_variant(
    _threshold, "ThresholdBackward1", _threshold_rule, ("self", "threshold")
)
_rrelu_with_noise_ = inplace_variant(
    _rrelu_with_noise,
    "RreluWithNoiseBackward1",
    _rrelu_result_rule,
    ("lower", "noise", "result", "training", "upper"),
)


# -- the in-place functions --------------------------------------------------------------------
def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` written into ``input`` (node EluBackward1).

    Args:
        input: the tensor to overwrite.
        alpha: the scale of the negative part.

    >>> elu_(torch.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """
    return _write(_elu_, input, alpha=alpha, scale=1.0, input_scale=1.0)


def selu_(input: Tensor) -> Tensor:
    """``selu`` written into ``input`` (node EluBackward1).

    Args:
        input: the tensor to overwrite.

    >>> selu_(torch.tensor([-1.0, 1.0]))
    tensor([-1.1113,  1.0507])
    """
    return _write(_elu_, input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` written into ``input`` (node CeluBackward1).

    Args:
        input: the tensor to overwrite.
        alpha: the scale of the negative part (not 0).

    >>> celu_(torch.tensor([-1.0, 1.0]), 2.0)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _write(_celu_, input, alpha=alpha)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` written into ``input`` (node LeakyReluBackward1).

    Args:
        input: the tensor to overwrite.
        negative_slope: the slope for negative inputs.

    >>> leaky_relu_(torch.tensor([-1.0, 2.0]), 0.5)
    tensor([-0.5000,  2.0000])
    """
    return _write(_leaky_relu_, input, negative_slope=negative_slope)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` written into ``input`` (node ThresholdBackward1).

    Args:
        input: the tensor to overwrite.
        threshold: the value to compare with.
        value: what replaces the elements at or below ``threshold``.

    >>> threshold_(torch.tensor([-1.0, 2.0]), 0.0, 5.0)
    tensor([5., 2.])
    """
    return _write(_threshold_, input, threshold=threshold, value=value)


def rrelu_with_noise_(input: Tensor, noise: Tensor, lower: float, upper: float, training: bool):
    """``rrelu_with_noise`` written into ``input`` (node RreluWithNoiseBackward1).

    Args:
        input: the tensor to overwrite.
        noise, lower, upper, training: as in ``activation_more.rrelu_with_noise``.

    >>> rrelu_with_noise_(torch.tensor([-2.0, 1.0]), torch.tensor([0.5, 1.0]), 0.1, 0.3, True)
    tensor([-1.,  1.])
    """
    return _write(_rrelu_with_noise_, input, noise, lower=lower, upper=upper, training=training)


def silu_(input: Tensor) -> Tensor:
    """``silu`` written into ``input`` (node SiluBackward0, which keeps a copy of the input).

    Args:
        input: the tensor to overwrite.

    >>> silu_(torch.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """
    return _write(_silu, input)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` written into ``input`` (node HardtanhBackward0).

    Args:
        input: the tensor to overwrite.
        min_val, max_val: the bounds.

    >>> hardtanh_(torch.tensor([-3.0, 0.5]))
    tensor([-1.0000,  0.5000])
    """
    return _write(_hardtanh, input, min_val=min_val, max_val=max_val)


def hardsigmoid_(input: Tensor) -> Tensor:
    """``hardsigmoid`` written into ``input`` (node HardsigmoidBackward0).

    Args:
        input: the tensor to overwrite.

    >>> hardsigmoid_(torch.tensor([0.0]))
    tensor([0.5000])
    """
    return _write(_hardsigmoid, input)


def hardswish_(input: Tensor) -> Tensor:
    """``hardswish`` written into ``input`` (node HardswishBackward0).

    Args:
        input: the tensor to overwrite.

    >>> hardswish_(torch.tensor([4.0]))
    tensor([4.])
    """
    return _write(_hardswish, input)


def mish_(input: Tensor) -> Tensor:
    """``mish`` written into ``input`` (node MishBackward0).

    Args:
        input: the tensor to overwrite.

    >>> mish_(torch.tensor([1.0]))
    tensor([0.8651])
    """
    return _write(_mish, input)


__all__: list[str] = []
