"""More normalisations, composed of ``layer_norm``, ``batch_norm`` and pooling: group_norm,
instance_norm, rms_norm and local_response_norm (their gradients come from those ops).

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.group_norm(torch.tensor([[1.0, 3.0, 0.0, 4.0]]), 2)
tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
"""

from __future__ import annotations

import numpy as np

from ...autograd.grad_mode import no_grad
from ...ops.unary import rsqrt
from ...tensor import Tensor
from .norm import batch_norm, layer_norm
from .pad import pad
from .pool import avg_pool2d


def _per_channel(t: Tensor, ndim: int) -> Tensor:
    return t.reshape((1, -1) + (1,) * (ndim - 2))


def _check_vector(name: str, t: Tensor | None, input: Tensor) -> None:
    if t is not None and (t.ndim != 1 or t.shape[0] != input.shape[1]):
        raise RuntimeError(
            f"Expected {name} to be a vector of size equal to the number of channels in input, "
            f"but got {name} of shape {list(t.shape)} and input of shape {list(input.shape)}"
        )


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each group of ``C / num_groups`` channels (with their spatial positions) of
    each sample, then scale and shift per channel; see ``nn.GroupNorm``.

    Args:
        input: ``(N, C, *)``.
        num_groups: how many groups the channels are split into (it divides ``C``).
        weight, bias: per-channel scale and shift, or ``None``.
        eps: added to the variance for numerical stability.

    >>> F.group_norm(torch.tensor([[[1.0], [3.0]]]), 1).flatten()
    tensor([-1.0000,  1.0000])
    """
    if input.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    if input.shape[1] % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    _check_vector("weight", weight, input)
    _check_vector("bias", bias, input)
    n = input.shape[0]
    grouped = input.reshape(n, num_groups, -1)
    out = layer_norm(grouped, (grouped.shape[-1],), eps=eps).reshape(input.shape)
    if weight is not None:
        out = out * _per_channel(weight, input.ndim)
    if bias is not None:
        out = out + _per_channel(bias, input.ndim)
    return out


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample over its spatial positions; see
    ``nn.InstanceNorm1d``. It is a batch norm of the ``(1, N * C, *)`` view, as in PyTorch.

    Args:
        input: ``(N, C, *)``.
        running_mean, running_var: per-channel running statistics to update (or use, when
            ``use_input_stats`` is False), or ``None``.
        weight, bias: per-channel scale and shift, or ``None``.
        use_input_stats: normalise by each instance's own statistics.
        momentum: the weight of this batch in the running statistics.
        eps: added to the variance for numerical stability.

    >>> F.instance_norm(torch.tensor([[[1.0, 3.0], [0.0, 4.0]]]))
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    if use_input_stats and int(np.prod(input.shape[2:])) <= 1:
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size {input.shape}"
        )
    n, c = input.shape[0], input.shape[1]

    def repeated(t: Tensor | None) -> Tensor | None:
        return None if t is None else t.repeat(n)

    mean, var = repeated(running_mean), repeated(running_var)
    out = batch_norm(
        input.reshape((1, n * c) + tuple(input.shape[2:])),
        mean,
        var,
        repeated(weight),
        repeated(bias),
        use_input_stats,
        momentum,
        eps,
    )
    with no_grad():
        for running, updated in ((running_mean, mean), (running_var, var)):
            if running is not None and updated is not None and use_input_stats:
                running.copy_(updated.reshape(n, c).mean(0))
    return out.reshape(input.shape)


def rms_norm(
    input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """``input / sqrt(mean(input**2) + eps)`` over the trailing ``normalized_shape`` dims,
    times ``weight``; see ``nn.RMSNorm``.

    Args:
        input: the tensor.
        normalized_shape: the shape of the trailing dimensions to normalise over.
        weight: a scale of shape ``normalized_shape``, or ``None``.
        eps: added to the mean square (the dtype's machine epsilon when ``None``).

    >>> F.rms_norm(torch.tensor([[3.0, 4.0]]), (2,))
    tensor([[0.8485, 1.1314]])
    """
    if isinstance(normalized_shape, int):
        raise TypeError(
            "rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"
        )
    shape = tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape:
        expected = "[*" + ", ".join(map(str, shape)) + "]"  # PyTorch's spelling: "[*2]"
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape {expected}, but "
            f"got input of size{list(input.shape)}"
        )
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = input * rsqrt((input * input).mean(dims, keepdim=True) + eps)
    return out if weight is None else out * weight


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """Divide each element by ``(k + alpha * mean of the squares of ``size`` neighbouring
    channels) ** beta``; see ``nn.LocalResponseNorm``.

    Args:
        input: ``(N, C, *)``, at least 3-D.
        size: how many neighbouring channels to average over.
        alpha: the multiplicative factor.
        beta: the exponent.
        k: the additive factor.

    >>> F.local_response_norm(torch.ones(1, 2, 1), 2, alpha=1.0, k=0.0)
    tensor([[[1.6818],
             [1.0000]]])
    """
    if input.ndim < 3:
        raise ValueError(
            "Expected 3D or higher dimensionality                          input (got "
            f"{input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    n, c = input.shape[0], input.shape[1]
    squares = (input * input).reshape(n, 1, c, -1)
    squares = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(squares, (size, 1), stride=1).reshape(input.shape)
    return input / (div * alpha + k) ** beta


__all__ = ["group_norm", "instance_norm", "local_response_norm", "rms_norm"]
