"""3-D pooling: max_pool3d (MaxPool3DWithIndicesBackward0) and avg_pool3d (AvgPool3DBackward0),
the 2-D primitives' forwards and rules (they work for any number of spatial dims) under
PyTorch's 3-D node names; adaptive_avg_pool3d.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.max_pool3d(torch.arange(8.0).view(1, 1, 2, 2, 2), 2).flatten()
tensor([7.])
"""

from __future__ import annotations

from ...ops.primitive import LINEAR, Primitive, apply
from ...tensor import Tensor
from . import pool as _pool

_max_pool3d = Primitive(
    "max_pool3d",
    "MaxPool3DWithIndicesBackward0",
    _pool._max_pool_forward,
    self=lambda grads, result1, self_size, xp: xp.max_pool_scatter(
        grads[0], indices=result1, size=tuple(self_size)
    ),
    saves={"self": (0,)},  # only shown (_saved_self): no rule reads it
    n_outputs=2,
    attrs=("ceil_mode", "dilation", "kernel_size", "padding", "result1", "self", "stride"),
    jvp=lambda ts, s: (_pool.max_pool_gather(ts[0], s["results"][1]), None),
)
_avg_pool3d = Primitive(
    "avg_pool3d",
    "AvgPool3DBackward0",
    _pool._avg_pool_forward,
    self=_pool._avg_rule("avg_pool2d_backward"),
    saves={"self": (0,)},  # only shown (_saved_self): no rule reads it
    attrs=_pool._AVG_ATTRS,
    jvp=LINEAR,
)


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """3-D max pooling; see ``nn.MaxPool3d``. With ``return_indices``, also the flat
    position of each maximum in its ``(D, H, W)`` volume.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as in
        ``nn.MaxPool1d``.

    >>> F.max_pool3d(torch.arange(16.0).view(1, 2, 2, 2, 2), (1, 2, 2)).flatten()
    tensor([ 3.,  7., 11., 15.])
    """
    return _pool._max_pool_nd(
        _max_pool3d, 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool3d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
) -> Tensor:
    """3-D average pooling; see ``nn.AvgPool3d``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in
        ``nn.AvgPool2d``.

    >>> F.avg_pool3d(torch.arange(8.0).view(1, 1, 2, 2, 2), 2).flatten()
    tensor([3.5000])
    """
    return _pool._avg_pool_nd(
        _avg_pool3d, 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
        divisor_override,
    )  # fmt: skip


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average pooling to an ``output_size`` volume; see ``nn.AdaptiveAvgPool3d``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        output_size: the output's depth, height and width (an int for all; ``None`` keeps
            the input's size).

    >>> F.adaptive_avg_pool3d(torch.arange(8.0).view(1, 1, 2, 2, 2), 1).flatten()
    tensor([3.5000])
    """
    spatial = tuple(input.shape[-3:])
    size = _pool.output_sizes(output_size, spatial)
    if size == (1, 1, 1):
        return input.mean((-3, -2, -1), keepdim=True)  # PyTorch's shortcut: MeanBackward1
    return apply(_pool._adaptive_avg, input, sizes=tuple(zip(spatial, size, strict=True)))


__all__ = ["adaptive_avg_pool3d", "avg_pool3d", "max_pool3d"]
