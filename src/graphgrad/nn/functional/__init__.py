"""``graphgrad.nn.functional``: the stateless forms of the layers (PyTorch's ``F``).

The functions live in this package's modules by kind (linear, dropout, conv, pool, norm,
loss, attention...); this module adds the activation wrappers and re-exports everything.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> x = torch.ones(2, 3, requires_grad=True)
>>> F.relu(x - 2).sum().grad_fn.name()
'SumBackward0'
"""

from __future__ import annotations

import warnings

import numpy as np

from ...ops import activation as _act
from ...ops import activation_inplace as _act_inplace
from ...ops import unary as _unary
from ...ops.array_step import array_step as _array_step
from ...tensor import Tensor
from .activation import (
    hardsigmoid,
    hardswish,
    hardtanh,
    logsigmoid,
    relu6,
    softsign,
)
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .distance import cosine_similarity, kl_div, normalize
from .dropout import dropout, dropout1d, dropout2d
from .linear import bilinear, linear
from .loss import cross_entropy, nll_loss
from .loss_pointwise import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    l1_loss,
    mse_loss,
    smooth_l1_loss,
)
from .norm import batch_norm, embedding, layer_norm
from .pad import pad
from .pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)

# -- activations ------------------------------------------------------------------------------
gelu = _act.gelu
sigmoid = _unary.sigmoid
tanh = _unary.tanh
erf = _act.erf


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``; see ``nn.ReLU``.

    Args:
        input: the tensor.
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.relu(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return input.relu_() if inplace else _unary.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, else ``negative_slope * input``; see ``nn.LeakyReLU``.

    Args:
        input: the tensor.
        negative_slope: the slope for negative inputs.
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.leaky_relu(torch.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    if inplace:
        return _act_inplace.leaky_relu_(input, negative_slope)
    return _act.leaky_relu(input, negative_slope)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)``; see ``nn.SiLU``.

    Args:
        input: the tensor.
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.silu(torch.tensor([-1.0, 1.0]))
    tensor([-0.2689,  0.7311])
    """
    return _act_inplace.silu_(input) if inplace else _act.silu(input)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, else ``alpha * (exp(input) - 1)``; see ``nn.ELU``.

    Args:
        input: the tensor.
        alpha: the scale of the negative part.
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.elu(torch.tensor([-1.0, 1.0]))
    tensor([-0.6321,  1.0000])
    """
    return _act_inplace.elu_(input, alpha) if inplace else _act.elu(input, alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU with PyTorch's fixed constants; see ``nn.SELU``.

    Args:
        input: the tensor.
        inplace: overwrite ``input`` instead of making a new tensor.

    >>> F.selu(torch.tensor([-1.0, 1.0]))
    tensor([-1.1113,  1.0507])
    """
    return _act_inplace.selu_(input) if inplace else _act.selu(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * input)) / beta``; see ``nn.Softplus``.

    Args:
        input: the tensor.
        beta: the sharpness.
        threshold: above this (times beta) the input passes through unchanged.

    >>> F.softplus(torch.tensor([-1.0, 1.0]))
    tensor([0.3133, 1.3133])
    """
    return _act.softplus(input, beta, threshold)


def _implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(input) / sum(exp(input))`` along ``dim``; see ``nn.Softmax``.

    Args:
        input: the tensor.
        dim: the dimension that sums to 1 (``None`` picks one and warns, as PyTorch).
        dtype: cast ``input`` to this dtype first.

    >>> F.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    if dim is None:
        dim = _implicit_dim("softmax", input.ndim, _stacklevel)
    return _act.softmax(input, dim, dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-input)`` along ``dim``.

    Args:
        input, dim, dtype: as in ``softmax``.

    >>> F.softmin(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.6652, 0.2447, 0.0900])
    """
    if dim is None:
        dim = _implicit_dim("softmin", input.ndim, _stacklevel)
    return _act.softmax(-input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``log(softmax(input))`` along ``dim``, computed stably.

    Args:
        input, dim, dtype: as in ``softmax``.

    >>> F.log_softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    if dim is None:
        dim = _implicit_dim("log_softmax", input.ndim, _stacklevel)
    return _act.log_softmax(input, dim, dtype=dtype)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: a new last dimension of size ``num_classes`` (int64).

    Args:
        tensor: an integer tensor of class indices.
        num_classes: the number of classes; one more than the largest index when -1.

    >>> F.one_hot(torch.tensor([0, 2]), num_classes=4)
    tensor([[1, 0, 0, 0],
            [0, 0, 1, 0]])
    """
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0 and num_classes <= 0:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if num_classes == -1:  # the result's shape depends on the values (a compiled call reads it)
        _check_classes(tensor._data, None)
        num_classes = int(tensor.max()) + 1 if tensor.numel() else 0
    return Tensor._make(_one_hot(tensor._data, num_classes))


@_array_step
def _one_hot(idx: np.ndarray, num_classes: int) -> np.ndarray:
    _check_classes(idx, num_classes)
    return (idx[..., None] == np.arange(num_classes)).astype(np.int64)


def _check_classes(idx: np.ndarray, num_classes: int | None) -> None:
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes is not None and idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")


__all__ = [
    "pad",
    "normalize",
    "kl_div",
    "cosine_similarity",
    "softsign",
    "relu6",
    "logsigmoid",
    "hardtanh",
    "hardswish",
    "hardsigmoid",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "bilinear",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "dropout1d",
    "dropout2d",
    "elu",
    "embedding",
    "erf",
    "gelu",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool1d",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "tanh",
]

__all__ += ["multi_head_attention_forward", "scaled_dot_product_attention"]

from .dropout_alpha import (  # noqa: E402
    alpha_dropout,
    dropout3d,
    feature_alpha_dropout,
)
from .embedding_bag import (  # noqa: E402
    embedding_bag,
)
from .fold import (  # noqa: E402
    conv3d,
    conv_transpose3d,
    fold,
    unfold,
)
from .grid import (  # noqa: E402
    affine_grid,
    grid_sample,
)
from .loss_likelihood import (  # noqa: E402
    ctc_loss,
    gaussian_nll_loss,
    linear_cross_entropy,
    poisson_nll_loss,
)
from .loss_margin import (  # noqa: E402
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from .norm_group import (  # noqa: E402
    group_norm,
    instance_norm,
    local_response_norm,
    rms_norm,
)
from .pairwise import (  # noqa: E402
    pairwise_distance,
    pdist,
)
from .pool3d import (  # noqa: E402
    adaptive_avg_pool3d,
    avg_pool3d,
    max_pool3d,
)
from .pool_select import (  # noqa: E402
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    fractional_max_pool2d,
    fractional_max_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .rectifier import (  # noqa: E402
    celu,
    celu_,
    elu_,
    glu,
    gumbel_softmax,
    hardtanh_,
    leaky_relu_,
    mish,
    prelu,
    relu_,
    rrelu,
    rrelu_,
    selu_,
)
from .shrink import (  # noqa: E402
    hardshrink,
    softshrink,
    tanhshrink,
    threshold,
    threshold_,
)
from .vision import (  # noqa: E402
    channel_shuffle,
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ += [
    "celu",
    "celu_",
    "selu_",
    "elu_",
    "glu",
    "gumbel_softmax",
    "hardtanh_",
    "leaky_relu_",
    "mish",
    "prelu",
    "relu_",
    "rrelu",
    "rrelu_",
    "hardshrink",
    "softshrink",
    "tanhshrink",
    "threshold",
    "threshold_",
    "group_norm",
    "instance_norm",
    "local_response_norm",
    "rms_norm",
    "adaptive_avg_pool3d",
    "avg_pool3d",
    "max_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "fractional_max_pool2d",
    "fractional_max_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "pairwise_distance",
    "pdist",
    "ctc_loss",
    "gaussian_nll_loss",
    "linear_cross_entropy",
    "poisson_nll_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "soft_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "conv3d",
    "conv_transpose3d",
    "fold",
    "unfold",
    "channel_shuffle",
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
    "affine_grid",
    "grid_sample",
    "alpha_dropout",
    "dropout3d",
    "feature_alpha_dropout",
    "embedding_bag",
]
