"""Resizing and rearranging images: pixel_shuffle, pixel_unshuffle (primitives, with
PyTorch's node names), channel_shuffle (reshapes and permutes), and interpolate (with the
deprecated upsample, upsample_nearest and upsample_bilinear): each spatial dim resampled in
turn as a weighted sum of ``index_select``s, so the gradients come from those ops.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), scale_factor=2, mode="linear")
tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ...ops.array_step import constant
from ...ops.shape import pad_shuffle as _shuffles
from ...tensor import Tensor
from .pool import adaptive_avg_pool1d, adaptive_avg_pool2d
from .pool3d import adaptive_avg_pool3d


# -- shuffles ---------------------------------------------------------------------------------
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C * r * r, H, W)`` to ``(*, C, H * r, W * r)``: each group of ``r * r`` channels
    becomes an ``r`` by ``r`` block of pixels; see ``nn.PixelShuffle``.

    Args:
        input: at least 3-D.
        upscale_factor: ``r``.

    >>> F.pixel_shuffle(torch.arange(4.0).view(4, 1, 1), 2)
    tensor([[[0., 1.],
             [2., 3.]]])
    """
    if input.ndim < 3:
        raise RuntimeError(
            "pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    return _shuffles.pixel_shuffle(input, r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """The inverse of ``pixel_shuffle``: ``(*, C, H * r, W * r)`` to ``(*, C * r * r, H, W)``;
    see ``nn.PixelUnshuffle``.

    Args:
        input: at least 3-D.
        downscale_factor: ``r``.

    >>> F.pixel_unshuffle(torch.arange(4.0).view(1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    if input.ndim < 3:
        raise RuntimeError(
            "pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.ndim} dimension(s)"
        )
    r = downscale_factor
    *lead, c, h, w = input.shape
    for name, size, dim in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({dim})={size} is not divisible by {r}"
            )
    return _shuffles.pixel_unshuffle(input, r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels (dim 1) of ``groups`` groups: ``(N, g, C / g, *)`` transposed
    to ``(N, C / g, g, *)``; see ``nn.ChannelShuffle``.

    Args:
        input: ``(N, C, *)``.
        groups: how many groups the channels are split into.

    >>> F.channel_shuffle(torch.arange(4.0).view(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    if input.ndim <= 2:
        raise RuntimeError(
            "channel_shuffle expects input with > 2 dims, but got input with sizes "
            f"{list(input.shape)}"
        )
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups."
        )
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)


# -- interpolation ----------------------------------------------------------------------------
_MODES = {"nearest": 0, "nearest-exact": 0, "area": 0, "linear": 1, "bilinear": 2,
          "bicubic": 2, "trilinear": 3}  # fmt: skip
_ALIGNED = ("linear", "bilinear", "bicubic", "trilinear")
_CUBIC_A = -0.75


def _check_positive(spatial: tuple, sizes: tuple) -> None:
    """PyTorch's error for an empty input or output dim."""
    if all(n > 0 for n in spatial + sizes):
        return
    names = ("D", "H", "W")[3 - len(sizes) :]

    def shown(values: tuple) -> str:
        return ", ".join(f"{name}: {v}" for name, v in zip(names, values, strict=True))

    joint = " and" if len(sizes) == 1 else ""
    raise RuntimeError(
        "Input and output sizes should be greater than 0, but got input "
        f"({shown(spatial)}){joint} output ({shown(sizes)})"
    )


def _output_sizes(input: Tensor, size, scale_factor, nd: int) -> tuple[tuple, tuple]:
    """The output size of each spatial dim, and the scale factors the kernels use."""
    spatial = tuple(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd
        if len(sizes) != nd:
            raise ValueError(
                "Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(spatial)} and output size of {size}. "
                "Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size "
                "in (o1, o2, ...,oK) format."
            )
        return tuple(int(s) for s in sizes), (None,) * nd
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    factors = (
        tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
    )
    if len(factors) != nd:
        raise ValueError(
            "Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {list(spatial)} and scale_factor of shape "
            f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
            "scale_factor in (s1, s2, ...,sK) format."
        )
    sizes = tuple(math.floor(float(n) * float(f)) for n, f in zip(spatial, factors, strict=True))
    return sizes, tuple(float(f) for f in factors)


def _nearest_taps(n: int, o: int, scale, exact: bool, dtype):
    """PyTorch's nearest source index, ``floor(dst * in / out)`` in single precision (or of
    ``dst + 0.5`` for nearest-exact), clamped to the input."""
    s = np.float32(1.0 / scale if scale else n / o)
    dst = np.arange(o, dtype=np.float32) + (np.float32(0.5) if exact else np.float32(0))
    src = np.minimum(np.floor(dst * s).astype(np.int64), n - 1)
    if not exact and o == n:
        src = np.arange(o)
    return [(src, None)]


def _source(n: int, o: int, scale, align_corners: bool, cubic: bool, dtype) -> np.ndarray:
    """PyTorch's area_pixel source coordinate of each output position."""
    dst = np.arange(o).astype(dtype)
    if align_corners:
        s = dtype.type((n - 1) / (o - 1)) if o > 1 else dtype.type(0)
        return s * dst
    s = dtype.type(1.0 / scale) if scale else dtype.type(n / o)
    src = s * (dst + dtype.type(0.5)) - dtype.type(0.5)
    return src if cubic else np.maximum(src, dtype.type(0))


def _linear_taps(n, o, scale, align_corners, dtype):
    src = _source(n, o, scale, align_corners, False, dtype)
    i0 = src.astype(np.int64)
    i1 = np.where(i0 < n - 1, i0 + 1, i0)
    l1 = src - i0.astype(dtype)
    return [(i0, dtype.type(1) - l1), (i1, l1)]


def _cubic_weights(t: np.ndarray) -> list:
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_taps(n, o, scale, align_corners, dtype):
    src = _source(n, o, scale, align_corners, True, dtype)
    floor = np.floor(src)
    weights = _cubic_weights(src - floor)
    base = floor.astype(np.int64)
    return [(np.clip(base + k - 1, 0, n - 1), w) for k, w in enumerate(weights)]


def _resample(x: Tensor, dim: int, taps: list) -> Tensor:
    """``sum_k x[..., idx_k, ...] * w_k`` along ``dim``."""
    shape = (-1,) + (1,) * (x.ndim - dim - 1)
    out: Tensor | None = None
    for index, weight in taps:
        # (the taps come from the shapes and the scale: a compiled call's constants)
        picked = x.index_select(dim, Tensor._make(constant(np.ascontiguousarray(index))))
        if weight is not None:
            picked = picked * Tensor._make(constant(np.ascontiguousarray(weight))).reshape(shape)
        out = picked if out is None else out + picked
    assert out is not None, "every resampling has at least one tap"
    return out


def _check_align(mode: str, align_corners) -> None:
    if align_corners is not None and mode not in _ALIGNED:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )


def _check_mode(input: Tensor, mode: str) -> None:
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})"
        )
    needed = _MODES[mode]
    if needed and input.ndim != needed + 2:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {needed + 2}D input"
        )
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})"
        )


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners=None, recompute_scale_factor=None,
                antialias: bool = False) -> Tensor:  # fmt: skip
    """Resize the spatial dims of ``(N, C, *spatial)`` input to ``size`` (or by
    ``scale_factor``), sampling by ``mode``; see ``nn.Upsample``.

    Args:
        input: 3-D, 4-D or 5-D.
        size: the output's spatial size (an int for all dims).
        scale_factor: the multiplier of each spatial size (when no ``size``).
        mode: ``"nearest"``, ``"nearest-exact"``, ``"linear"`` (3-D), ``"bilinear"`` /
            ``"bicubic"`` (4-D), ``"trilinear"`` (5-D) or ``"area"``.
        align_corners: for the interpolating modes, map the corner pixels' centres onto each
            other (else their outer edges, the default).
        recompute_scale_factor: compute the scale from the sizes, not ``scale_factor``.
        antialias: not supported (only False).

    >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), size=3)
    tensor([[[1., 1., 2.]]])
    """
    _check_align(mode, align_corners)
    nd = input.ndim - 2
    sizes, scales = _output_sizes(input, size, scale_factor, nd)
    if mode != "area":  # area pooling to nothing gives an empty tensor, as in PyTorch
        _check_positive(tuple(input.shape[2:]), sizes)
    _check_mode(input, mode)
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported")
    if recompute_scale_factor:
        scales = (None,) * nd
    if mode == "area":
        pool = (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 1]
        return pool(input, sizes)
    dtype = input._data.dtype if input._data.dtype.kind == "f" else np.dtype(np.float32)
    align = bool(align_corners)
    out = input
    for i in reversed(range(nd)):  # the last dim first, as PyTorch's weighted sums nest
        n, o, s = input.shape[2 + i], sizes[i], scales[i]
        if mode.startswith("nearest"):
            taps = _nearest_taps(n, o, s, mode == "nearest-exact", dtype)
        elif mode == "bicubic":
            taps = _cubic_taps(n, o, s, align, dtype)
        else:
            taps = _linear_taps(n, o, s, align, dtype)
        out = _resample(out, 2 + i, taps)
    return out


def _deprecated(name: str) -> None:
    warnings.warn(
        f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
        UserWarning,
        stacklevel=3,
    )


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners=None) -> Tensor:  # fmt: skip
    """``interpolate`` under its deprecated name (warns).

    Args:
        input, size, scale_factor, mode, align_corners: as in ``interpolate``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample(torch.tensor([[[1.0, 2.0]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Nearest-neighbour ``interpolate`` under its deprecated name (warns).

    Args:
        input, size, scale_factor: as in ``interpolate``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_nearest(torch.tensor([[[1.0, 2.0]]]), 3)
    tensor([[[1., 1., 2.]]])
    """
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Bilinear ``interpolate`` with ``align_corners=True``, under its deprecated name (warns).

    Args:
        input, size, scale_factor: as in ``interpolate`` (4-D input).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     F.upsample_bilinear(torch.tensor([[[[1.0, 2.0]]]]), (1, 3))
    tensor([[[[1.0000, 1.5000, 2.0000]]]])
    """
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ = [
    "channel_shuffle",
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]
