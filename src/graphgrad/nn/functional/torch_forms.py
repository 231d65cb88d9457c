"""The ``torch.<name>`` forms of layer functions whose arguments differ from ``F.<name>``'s:
PyTorch exposes its native (ATen) signatures there, with required ``train`` flags, the weight
first in ``embedding``, ``batch_norm``'s statistics after its affine parameters, and losses
that take ``reduction`` as an integer (0 none, 1 mean, 2 sum; none when left out). Each
forwards to the ``nn.functional`` function, so values, gradients and node names are ``F``'s.
(The functions whose signatures agree, ``torch.conv2d`` or ``torch.cosine_similarity``, are
``F``'s own.)

>>> import graphgrad as torch
>>> torch.layer_norm(torch.tensor([[1.0, 3.0]]), [2])
tensor([[-1.0000,  1.0000]])
"""

from __future__ import annotations

from ...tensor import Tensor
from . import (
    distance,
    dropout_alpha,
    loss_margin,
    loss_pointwise,
    norm,
    norm_group,
    pool,
    pool3d,
    pool_select,
)
from .dropout import dropout as _dropout  # (the package's ``dropout`` is this function)

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(value: int) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"argument 'reduction' must be int, not {type(value).__name__}")
    if not 0 <= value <= 2:
        raise ValueError(f"{value} is not a valid value for reduction: use 0, 1 or 2")
    return _REDUCTIONS[value]


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.dropout(input, p, training=train)``.

    Args:
        input: the tensor.
        p: the probability of zeroing an element.
        train: apply dropout (``False``: ``input`` unchanged).

    >>> torch.dropout(torch.ones(3), 0.5, False)
    tensor([1., 1., 1.])
    """
    return _dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.alpha_dropout(input, p, training=train)``.

    Args:
        input, p, train: as in ``torch.dropout``.

    >>> torch.alpha_dropout(torch.ones(2), 0.5, False)
    tensor([1., 1.])
    """
    return dropout_alpha.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.feature_alpha_dropout(input, p, training=train)``.

    Args:
        input, p, train: as in ``torch.dropout``.

    >>> torch.feature_alpha_dropout(torch.ones(1, 2, 2), 0.5, False).shape
    torch.Size([1, 2, 2])
    """
    return dropout_alpha.feature_alpha_dropout(input, p, train)


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:  # fmt: skip
    """``F.layer_norm``; ``cudnn_enable`` is accepted and has no effect on the CPU.

    Args:
        input, normalized_shape, weight, bias, eps: as in ``F.layer_norm``.
        cudnn_enable: ignored (no GPU).

    >>> torch.layer_norm(torch.tensor([[1.0, 3.0]]), (2,), None, None, 1e-5, True)
    tensor([[-1.0000,  1.0000]])
    """
    return norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:  # fmt: skip
    """``F.group_norm``; ``cudnn_enabled`` is accepted and has no effect on the CPU.

    Args:
        input, num_groups, weight, bias, eps: as in ``F.group_norm``.
        cudnn_enabled: ignored (no GPU).

    >>> torch.group_norm(torch.tensor([[1.0, 3.0]]), 1)
    tensor([[-1.0000,  1.0000]])
    """
    return norm_group.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:  # fmt: skip
    """``F.batch_norm`` with the affine parameters before the running statistics, all required.

    Args:
        input, weight, bias, running_mean, running_var, training, momentum, eps: as in
            ``F.batch_norm``.
        cudnn_enabled: ignored (no GPU).

    >>> torch.batch_norm(torch.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1,
    ...                  1e-5, False)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    return norm.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)  # fmt: skip


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:  # fmt: skip
    """``F.instance_norm`` with the affine parameters before the running statistics.

    Args:
        input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps: as in
            ``F.instance_norm``.
        cudnn_enabled: ignored (no GPU).

    >>> torch.instance_norm(torch.tensor([[[1.0, 3.0]]]), None, None, None, None, True, 0.1,
    ...                     1e-5, False)
    tensor([[[-1.0000,  1.0000]]])
    """
    return norm_group.instance_norm(input, running_mean, running_var, weight, bias,
                                    use_input_stats, momentum, eps)  # fmt: skip


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """``F.embedding(indices, weight, ...)``, the weight first; a negative ``padding_idx``
    means no padding row (``F.embedding`` reads -1 as the last row).

    Args:
        weight: the table, one row per index.
        indices: the integer indices.
        padding_idx: the row whose gradient stays zero, or negative for none.
        scale_grad_by_freq, sparse: as in ``F.embedding``.

    >>> torch.embedding(torch.eye(3), torch.tensor([2, 0]))
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    padding = padding_idx if padding_idx >= 0 else None
    return norm.embedding(indices, weight, padding, None, 2.0, scale_grad_by_freq, sparse)


def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """``F.max_pool1d`` (an empty ``stride`` means the kernel size).

    Args:
        input, kernel_size, stride, padding, dilation, ceil_mode: as in ``F.max_pool1d``.

    >>> torch.max_pool1d(torch.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[3., 2.]])
    """
    return pool.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """``F.max_pool2d`` (an empty ``stride`` means the kernel size).

    Args:
        input, kernel_size, stride, padding, dilation, ceil_mode: as in ``F.max_pool2d``.

    >>> torch.max_pool2d(torch.arange(4.0).view(1, 2, 2), 2)
    tensor([[[3.]]])
    """
    return pool.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:  # fmt: skip
    """``F.max_pool3d`` (an empty ``stride`` means the kernel size).

    Args:
        input, kernel_size, stride, padding, dilation, ceil_mode: as in ``F.max_pool3d``.

    >>> torch.max_pool3d(torch.arange(8.0).view(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    return pool3d.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    """``F.adaptive_max_pool1d`` with the indices: ``(values, indices)``.

    Args:
        input, output_size: as in ``F.adaptive_max_pool1d``.

    >>> torch.adaptive_max_pool1d(torch.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    return pool_select.adaptive_max_pool1d(input, output_size, return_indices=True)


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:  # fmt: skip
    """``F.kl_div`` with ``reduction`` as an integer (0 none, 1 mean, 2 sum).

    Args:
        input, target, log_target: as in ``F.kl_div``.
        reduction: 0, 1 or 2.

    >>> torch.kl_div(torch.zeros(2), torch.ones(2))
    tensor([0., 0.])
    """
    return distance.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None,
                                     reduction: int = 0) -> Tensor:  # fmt: skip
    """``F.binary_cross_entropy_with_logits`` with ``reduction`` as an integer.

    Args:
        input, target, weight, pos_weight: as in ``F.binary_cross_entropy_with_logits``.
        reduction: 0 none, 1 mean, 2 sum.

    >>> torch.binary_cross_entropy_with_logits(torch.zeros(2), torch.ones(2), reduction=2)
    tensor(1.3863)
    """
    return loss_pointwise.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    """``F.margin_ranking_loss`` with ``reduction`` as an integer.

    Args:
        input1, input2, target, margin: as in ``F.margin_ranking_loss``.
        reduction: 0 none, 1 mean, 2 sum.

    >>> torch.margin_ranking_loss(torch.ones(2), torch.zeros(2), -torch.ones(2))
    tensor([1., 1.])
    """
    return loss_margin.margin_ranking_loss(input1, input2, target, margin,
                                           reduction=_reduction(reduction))  # fmt: skip


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:  # fmt: skip
    """``F.hinge_embedding_loss`` with ``reduction`` as an integer.

    Args:
        input, target, margin: as in ``F.hinge_embedding_loss``.
        reduction: 0 none, 1 mean, 2 sum.

    >>> torch.hinge_embedding_loss(torch.tensor([0.5, 2.0]), torch.tensor([-1.0, 1.0]))
    tensor([0.5000, 2.0000])
    """
    return loss_margin.hinge_embedding_loss(input, target, margin,
                                            reduction=_reduction(reduction))  # fmt: skip


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:  # fmt: skip
    """``F.cosine_embedding_loss`` with ``reduction`` as an integer.

    Args:
        input1, input2, target, margin: as in ``F.cosine_embedding_loss``.
        reduction: 0 none, 1 mean, 2 sum.

    >>> torch.cosine_embedding_loss(torch.eye(2), torch.eye(2), torch.ones(2))
    tensor([0., 0.])
    """
    return loss_margin.cosine_embedding_loss(input1, input2, target, margin,
                                             reduction=_reduction(reduction))  # fmt: skip


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:  # fmt: skip
    """``F.triplet_margin_loss`` with ``reduction`` as an integer.

    Args:
        anchor, positive, negative, margin, p, eps, swap: as in ``F.triplet_margin_loss``.
        reduction: 0 none, 1 mean, 2 sum.

    >>> torch.triplet_margin_loss(torch.zeros(1, 2), torch.zeros(1, 2), torch.ones(1, 2))
    tensor([0.])
    """
    return loss_margin.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                           reduction=_reduction(reduction))  # fmt: skip
