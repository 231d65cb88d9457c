"""Folding an eval-mode BatchNorm into the convolution or linear layer before it:
``fuse_conv_bn_eval``, ``fuse_conv_bn_weights``, ``fuse_linear_bn_eval``,
``fuse_linear_bn_weights``.

>>> import graphgrad as torch
>>> conv, bn = torch.nn.Conv2d(1, 2, 3).eval(), torch.nn.BatchNorm2d(2).eval()
>>> x = torch.randn(1, 1, 4, 4)
>>> bool(torch.allclose(fuse_conv_bn_eval(conv, bn)(x), bn(conv(x)), atol=1e-6))
True
"""

from __future__ import annotations

import copy

from ...creation import ones_like, zeros_like
from ...ops.unary import rsqrt
from ...tensor import Tensor
from ..module import Module
from ..parameter import Parameter


def fuse_conv_bn_eval(conv: Module, bn: Module, transpose: bool = False) -> Module:
    """A copy of ``conv`` whose weight and bias also do what ``bn`` (in eval mode) does.

    Args:
        conv: a convolution in eval mode.
        bn: the BatchNorm after it, in eval mode.
        transpose: ``conv`` is a transposed convolution (its output channels are dim 1).

    >>> conv, bn = torch.nn.Conv1d(2, 3, 1).eval(), torch.nn.BatchNorm1d(3).eval()
    >>> type(torch.nn.utils.fuse_conv_bn_eval(conv, bn)).__name__
    'Conv1d'
    """
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError
    fused.weight, fused.bias = fuse_conv_bn_weights(
        fused.weight,
        fused.bias,
        bn.running_mean,
        bn.running_var,
        bn.eps,
        bn.weight,
        bn.bias,
        transpose,
    )
    return fused


def fuse_conv_bn_weights(
    conv_w: Tensor,
    conv_b: Tensor | None,
    bn_rm: Tensor,
    bn_rv: Tensor,
    bn_eps: float,
    bn_w: Tensor | None,
    bn_b: Tensor | None,
    transpose: bool = False,
) -> tuple[Parameter, Parameter]:
    """The weight and bias of a convolution followed by an eval-mode BatchNorm, as one
    convolution: ``w * bn_w / sqrt(rv + eps)`` per output channel, and
    ``(b - rm) * bn_w / sqrt(rv + eps) + bn_b``.

    Args:
        conv_w: the convolution's weight.
        conv_b: its bias (``None``: zeros).
        bn_rm: the BatchNorm's running mean.
        bn_rv: its running variance.
        bn_eps: its epsilon.
        bn_w: its weight (``None``: ones).
        bn_b: its bias (``None``: zeros).
        transpose: the convolution is transposed (output channels in dim 1).

    >>> w, b = torch.nn.utils.fuse_conv_bn_weights(
    ...     torch.ones(2, 1, 1), None, torch.zeros(2), torch.full((2,), 3.0), 1.0, None, None)
    >>> w.flatten(), b
    (tensor([0.5000, 0.5000]), Parameter containing:
    tensor([0., 0.]))
    """
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    conv_b = zeros_like(bn_rm) if conv_b is None else conv_b
    bn_w = ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = zeros_like(bn_rm) if bn_b is None else bn_b
    var_rsqrt = rsqrt(bn_rv + bn_eps)
    tail = [1] * (conv_w.ndim - 2)
    shape = [1, -1, *tail] if transpose else [-1, 1, *tail]
    fused_w = (conv_w * (bn_w * var_rsqrt).reshape(shape)).to(dtype=w_dtype)
    fused_b = ((conv_b - bn_rm) * var_rsqrt * bn_w + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, conv_w.requires_grad), Parameter(fused_b, conv_b.requires_grad)


def fuse_linear_bn_eval(linear: Module, bn: Module) -> Module:
    """A copy of ``linear`` whose weight and bias also do what ``bn`` (in eval mode) does.

    Args:
        linear: a Linear layer in eval mode.
        bn: the BatchNorm after it, in eval mode, with ``linear.out_features`` features (or 1).

    >>> lin, bn = torch.nn.Linear(2, 3).eval(), torch.nn.BatchNorm1d(3).eval()
    >>> x = torch.randn(4, 2)
    >>> bool(torch.allclose(torch.nn.utils.fuse_linear_bn_eval(lin, bn)(x), bn(lin(x))))
    True
    """
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused = copy.deepcopy(linear)
    # BatchNorm acts on the channel dim, Linear on the last: they broadcast only when the
    # feature counts agree or BatchNorm has one feature
    if not (linear.out_features == bn.num_features or bn.num_features == 1):
        raise AssertionError(
            "To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got "
            f"linear.out_features={linear.out_features} and bn.num_features={bn.num_features}"
        )
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError
    fused.weight, fused.bias = fuse_linear_bn_weights(
        fused.weight, fused.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias
    )
    return fused


def fuse_linear_bn_weights(
    linear_w: Tensor,
    linear_b: Tensor | None,
    bn_rm: Tensor,
    bn_rv: Tensor,
    bn_eps: float,
    bn_w: Tensor,
    bn_b: Tensor,
) -> tuple[Parameter, Parameter]:
    """The weight and bias of a Linear layer followed by an eval-mode BatchNorm, as one
    Linear layer.

    Args:
        linear_w: the Linear weight.
        linear_b: its bias (``None``: zeros).
        bn_rm: the BatchNorm's running mean.
        bn_rv: its running variance.
        bn_eps: its epsilon.
        bn_w: its weight.
        bn_b: its bias.

    >>> w, b = torch.nn.utils.fuse_linear_bn_weights(torch.ones(1, 2), torch.ones(1),
    ...     torch.zeros(1), torch.full((1,), 3.0), 1.0, torch.ones(1), torch.zeros(1))
    >>> w, b
    (Parameter containing:
    tensor([[0.5000, 0.5000]]), Parameter containing:
    tensor([0.5000]))
    """
    w_dtype = linear_w.dtype
    b_dtype = linear_b.dtype if linear_b is not None else w_dtype
    linear_b = zeros_like(bn_rm) if linear_b is None else linear_b
    bn_scale = bn_w * rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * bn_scale.unsqueeze(-1).to(dtype=w_dtype)
    fused_b = ((linear_b - bn_rm) * bn_scale + bn_b).to(dtype=b_dtype)
    return Parameter(fused_w, linear_w.requires_grad), Parameter(fused_b, linear_b.requires_grad)
