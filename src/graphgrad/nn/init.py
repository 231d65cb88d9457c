"""``nn.init``: in-place initialisers with PyTorch's formulas, drawn from graphgrad's generator
(``manual_seed(0)`` then ``kaiming_uniform_`` gives PyTorch's values once ``graphgrad.random``
provides its bit-exact streams).

>>> import math
>>> import graphgrad as torch
>>> w = torch.empty(3, 4)
>>> _ = torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
>>> int((w.abs() <= 0.5).sum())  # bound = 1 / sqrt(fan_in) = 0.5
12
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..random import default_generator
from ..tensor import Tensor
from . import _random


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table): 1 for linear layers and
    sigmoid, 5/3 for tanh, sqrt(2) for relu, ``sqrt(2 / (1 + slope**2))`` for leaky_relu...

    Args:
        nonlinearity: the function's name (``"relu"``, ``"tanh"``, ``"leaky_relu"``...).
        param: the negative slope for ``"leaky_relu"`` (0.01 when ``None``).

    >>> torch.nn.init.calculate_gain("tanh"), torch.nn.init.calculate_gain("relu")
    (1.6666666666666667, 1.4142135623730951)
    """
    linear = (
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
    )
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _touched(tensor: Tensor) -> Tensor:
    tensor._bump_version()
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with draws from U(a, b), as PyTorch draws them.

    Args:
        tensor: the tensor to fill in place (returned).
        a: the lower bound.
        b: the upper bound.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.nn.init.uniform_(torch.empty(2, 3), -1, 1)
    tensor([[-0.0075,  0.5364, -0.8230],
            [-0.7359, -0.3852,  0.2682]])
    """
    return _touched(_random.uniform_(tensor, a, b, generator))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with draws from N(mean, std**2), as PyTorch draws them.

    Args:
        tensor: the tensor to fill in place (returned).
        mean: the mean.
        std: the standard deviation.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.nn.init.normal_(torch.empty(3))
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    return _touched(_random.normal_(tensor, mean, std, generator))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``.

    Args:
        tensor: the tensor to fill in place (returned).
        val: the value.

    >>> torch.nn.init.constant_(torch.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    tensor._data[...] = val
    return _touched(tensor)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones.

    Args:
        tensor: the tensor to fill in place (returned).

    >>> torch.nn.init.ones_(torch.empty(2))
    tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros.

    Args:
        tensor: the tensor to fill in place (returned).

    >>> torch.nn.init.zeros_(torch.empty(2))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D ``tensor`` with the identity matrix.

    Args:
        tensor: the tensor to fill in place (returned).

    >>> torch.nn.init.eye_(torch.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    tensor._data[...] = np.eye(*tensor.shape, dtype=tensor._data.dtype)
    return _touched(tensor)


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: each of the first
    ``min(out, in)`` channels of every group passes its input channel through unchanged.

    Args:
        tensor: the ``(out_channels, in_channels / groups, *kernel)`` weight, filled in place.
        groups: the convolution's groups.

    >>> torch.nn.init.dirac_(torch.empty(2, 2, 3))
    tensor([[[0., 1., 0.],
             [0., 0., 0.]],
    <BLANKLINE>
            [[0., 0., 0.],
             [0., 1., 0.]]])
    """
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels, in_channels = tensor.shape[:2]
    if out_channels % groups:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    center = tuple(k // 2 for k in tensor.shape[2:])
    tensor._data[...] = 0
    for g in range(groups):
        for d in range(min(per_group, in_channels)):
            tensor._data[(g * per_group + d, d) + center] = 1
    return _touched(tensor)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator=None) -> Tensor:
    """Fill a 2-D ``tensor`` with N(0, std**2) draws, then zero ``ceil(sparsity * rows)``
    random entries of each column (PyTorch's draws: the normal fill, then a ``randperm`` of
    the rows for each column).

    Args:
        tensor: the tensor to fill in place (returned).
        sparsity: the fraction of each column to zero.
        std: the normal distribution's standard deviation.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> (torch.nn.init.sparse_(torch.empty(4, 3), 0.5) == 0).sum(0)
    tensor([2, 2, 2])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    zeros = math.ceil(sparsity * rows)
    normal_(tensor, 0.0, std, generator)
    gen = generator if generator is not None else default_generator
    for col in range(cols):
        tensor._data[gen.randperm_array(rows)[:zeros], col] = 0
    return _touched(tensor)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot's initialisation: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Args:
        tensor: the tensor to fill in place (returned).
        gain: a scale (see ``calculate_gain``).
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.nn.init.xavier_uniform_(torch.empty(2, 2))
    tensor([[-0.0092,  0.6570],
            [-1.0080, -0.9013]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot's initialisation: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Args:
        tensor: the tensor to fill in place (returned).
        gain: a scale (see ``calculate_gain``).
        generator: the random generator (the default one when ``None``).

    >>> torch.nn.init.xavier_normal_(torch.empty(3, 5)).shape
    torch.Size([3, 5])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _zero_element(tensor: Tensor) -> bool:
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    """He's standard deviation, ``gain / sqrt(fan)``."""
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He's initialisation: U(-b, b) with ``b = gain * sqrt(3 / fan)``; ``nn.Linear``
    uses ``a=sqrt(5)``.

    Args:
        tensor: the tensor to fill in place (returned).
        a: the negative slope of the leaky ReLU that follows (for ``calculate_gain``).
        mode: ``"fan_in"`` keeps the forward pass's variance, ``"fan_out"`` the backward's.
        nonlinearity: the nonlinearity that follows (for ``calculate_gain``).
        generator: the random generator (the default one when ``None``).

    >>> torch.nn.init.kaiming_uniform_(torch.empty(3, 5), nonlinearity="relu").shape
    torch.Size([3, 5])
    """
    if _zero_element(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator=None,
) -> Tensor:
    """He's initialisation: N(0, std**2) with ``std = gain / sqrt(fan)``.

    Args:
        tensor: the tensor to fill in place (returned).
        a: the negative slope of the leaky ReLU that follows (for ``calculate_gain``).
        mode: ``"fan_in"`` keeps the forward pass's variance, ``"fan_out"`` the backward's.
        nonlinearity: the nonlinearity that follows (for ``calculate_gain``).
        generator: the random generator (the default one when ``None``).

    >>> torch.nn.init.kaiming_normal_(torch.empty(3, 5), mode="fan_out").shape
    torch.Size([3, 5])
    """
    if _zero_element(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def _fresh(tensor: Tensor) -> Tensor:
    return Tensor._make(np.empty_like(tensor._data))


def _trunc_by_rejection(
    tensor: Tensor, mean: float, std: float, lo: float, hi: float, generator
) -> None:
    """Redraw N(mean, std) values outside [lo, hi] until none is left (PyTorch's p > 0.3 path)."""
    result = normal_(tensor, mean, std, generator)._data
    while True:
        mask = (result < lo) | (result > hi)
        if not mask.any():
            break
        result = np.where(mask, normal_(_fresh(tensor), mean, std, generator)._data, result)
    tensor._data[...] = result


def _trunc_by_uniform(
    tensor: Tensor, mean: float, std: float, a: float, b: float, generator
) -> None:
    """U(a, b) proposals accepted with the normal density (PyTorch's narrow-window path)."""
    dtype = tensor._data.dtype
    log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

    def log_pdf(x: np.ndarray) -> np.ndarray:
        return ((x - dtype.type(mean)) / dtype.type(std)) ** 2 * dtype.type(-0.5) - dtype.type(
            log_peak
        )

    def pending_from(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(uniform_(_fresh(tensor), 0.0, 1.0, generator)._data) > log_pdf(x)

    result = uniform_(tensor, a, b, generator)._data.copy()
    pending = pending_from(result)
    while pending.any():
        candidates = uniform_(_fresh(tensor), a, b, generator)._data
        result = np.where(pending, candidates, result)
        pending = np.where(pending, pending_from(candidates), pending)
    tensor._data[...] = result


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator=None,
) -> Tensor:
    """Fill ``tensor`` with N(mean, std**2) draws truncated to [a, b], drawn as PyTorch 2.13
    draws them.

    Args:
        tensor: the tensor to fill in place (returned).
        mean: the mean.
        std: the standard deviation.
        a: the lower bound.
        b: the upper bound.
        generator: the random generator (the default one when ``None``).

    >>> bool(torch.nn.init.trunc_normal_(torch.empty(1000), a=-1.0, b=1.0).abs().max() <= 1)
    True
    """

    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
            "distribution of values may be incorrect.",
            stacklevel=2,
        )
    if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
        dtype = tensor._data.dtype.type
        _trunc_by_rejection(tensor, mean, std, float(dtype(a)), float(dtype(b)), generator)
    else:
        _trunc_by_uniform(tensor, mean, std, a, b, generator)
    return _touched(tensor)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with a (semi-)orthogonal matrix: the Q of the QR decomposition of a
    Gaussian matrix, signs fixed by R's diagonal, times ``gain``.

    Args:
        tensor: the tensor to fill in place (returned).
        gain: a scale.
        generator: the random generator (the default one when ``None``).

    >>> w = torch.nn.init.orthogonal_(torch.empty(3, 3))
    >>> torch.allclose(w @ w.T, torch.eye(3), atol=1e-6)
    True
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = Tensor._make(np.empty((rows, cols), tensor._data.dtype))
    normal_(flat, 0.0, 1.0, generator)
    m = flat._data.T if rows < cols else flat._data
    q, r = np.linalg.qr(m)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    tensor._data[...] = (q * gain).reshape(tensor.shape)
    return _touched(tensor)


__all__ = [
    "calculate_gain",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "orthogonal_",
    "sparse_",
    "trunc_normal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
