"""Sampling images at given points: affine_grid (the sampling grid of an affine transform) and
grid_sample (bilinear or nearest, 4-D input), composed of existing ops so the gradients in
both the input and the grid come from autograd.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
>>> F.affine_grid(theta, (1, 1, 1, 2), align_corners=True)
tensor([[[[-1.,  0.],
          [ 1.,  0.]]]])
"""

from __future__ import annotations

import warnings

import numpy as np

from ...creation import linspace_array
from ...ops.elementwise import where
from ...tensor import Tensor


def _warn_align() -> None:
    warnings.warn(
        "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
        "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
        "documentation of grid_sample for details.",
        UserWarning,
        stacklevel=3,
    )


def _base_coords(steps: int, align_corners: bool, dtype) -> np.ndarray:
    """PyTorch's sampling positions along one dim, in [-1, 1]."""
    if steps <= 1:
        return np.zeros(max(steps, 0), dtype)
    r = linspace_array(-1, 1, steps, np.dtype(dtype))
    return r if align_corners else r * r.dtype.type(steps - 1) / r.dtype.type(steps)


def affine_grid(theta: Tensor, size, align_corners=None) -> Tensor:
    """The ``(N, H, W, 2)`` (or ``(N, D, H, W, 3)``) grid of sampling points that ``theta``
    (``(N, 2, 3)`` or ``(N, 3, 4)``) maps the output's pixels to, for ``grid_sample``.

    Args:
        theta: a batch of affine matrices.
        size: the output's size ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        align_corners: as in ``grid_sample`` (False, with a warning, when ``None``).

    >>> F.affine_grid(torch.eye(2, 3).unsqueeze(0), (1, 1, 1, 1), align_corners=False)
    tensor([[[[0., 0.]]]])
    """
    if align_corners is None:
        _warn_align()
        align_corners = False
    size = tuple(size)
    if len(size) not in (4, 5):
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    nd = len(size) - 2
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (nd, nd + 1):
        raise ValueError(
            f"Expected a batch of {nd}D affine matrices of shape Nx{nd}x{nd + 1} for size "
            f"{size}. Got {theta.shape}."
        )
    dtype = theta._data.dtype
    spatial = size[2:]
    axes = [_base_coords(n, align_corners, dtype) for n in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")  # (D,) H, W
    coords = [*reversed(mesh), np.ones(spatial, dtype)]  # x (width) first, as PyTorch
    base = Tensor._make(np.stack(coords, -1).reshape(1, -1, nd + 1))
    grid = base @ theta.transpose(1, 2)
    return grid.reshape(size[0], *spatial, nd)


def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """Fold ``coord`` back into [low, high] by reflecting at the ends."""
    if twice_low == twice_high:
        return coord * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    shifted = (coord - low).abs()
    extra = shifted.fmod(span)
    flips = (shifted / span).detach().floor()
    even = Tensor._make(flips._data % 2 == 0)
    return where(even, extra + low, span - extra + low)


def _source(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    x = _unnormalize(coord, size, align_corners)
    if padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        x = x.clamp(0, size - 1)
    return x


def _corner(planes: Tensor, ix: np.ndarray, iy: np.ndarray, w: int, h: int) -> Tensor:
    """The input's values at integer points ``(iy, ix)`` ``(N, Ho, Wo)``, 0 outside."""
    n, c = planes.shape[:2]
    inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
    flat = np.where(inside, iy * w + ix, 0).reshape(n, 1, -1)
    index = Tensor._make(np.ascontiguousarray(np.broadcast_to(flat, (n, c, flat.shape[2]))))
    values = planes.gather(2, index).reshape(n, c, *ix.shape[1:])
    mask = Tensor._make(inside[:, None].astype(planes._data.dtype))
    return values * mask


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners=None) -> Tensor:  # fmt: skip
    """Sample ``input`` ``(N, C, H, W)`` at the points of ``grid`` ``(N, Ho, Wo, 2)``, given
    as ``(x, y)`` in [-1, 1] (the input's left/top to right/bottom edges).

    Args:
        input: the images.
        grid: the sampling points.
        mode: ``"bilinear"`` or ``"nearest"``.
        padding_mode: what points outside the input read: ``"zeros"``, ``"border"`` (the
            nearest edge) or ``"reflection"``.
        align_corners: -1 and 1 are the corner pixels' centres (True) or their outer edges.

    >>> img = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> F.grid_sample(img, torch.zeros(1, 1, 1, 2), align_corners=False)
    tensor([[[[2.5000]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        _warn_align()
        align_corners = False
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {input.ndim - 2} in last dimension, "
            f"but got grid with sizes {list(grid.shape)}"
        )
    if input.ndim != 4 or mode == "bicubic":
        raise NotImplementedError("grid_sample: only 4-D input, bilinear or nearest, for now")
    n, c, h, w = input.shape
    x = _source(grid[..., 0], w, padding_mode, align_corners)
    y = _source(grid[..., 1], h, padding_mode, align_corners)
    planes = input.reshape(n, c, h * w)
    if mode == "nearest":
        ix = np.rint(x._data).astype(np.int64)  # halves to even, as PyTorch's nearbyint
        iy = np.rint(y._data).astype(np.int64)
        return _corner(planes, ix, iy, w, h)
    x0, y0 = np.floor(x._data).astype(np.int64), np.floor(y._data).astype(np.int64)
    fx0, fy0 = Tensor._make(x0.astype(x._data.dtype)), Tensor._make(y0.astype(y._data.dtype))
    east, south = x - fx0, y - fy0  # the distances from the north-west corner
    west, north = (fx0 + 1) - x, (fy0 + 1) - y
    weights = [west * north, east * north, west * south, east * south]
    corners = [(x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)]
    terms = [
        _corner(planes, ix, iy, w, h) * weight.unsqueeze(1)
        for (ix, iy), weight in zip(corners, weights, strict=True)
    ]
    out = terms[0]
    for term in terms[1:]:
        out = out + term
    return out


__all__ = ["affine_grid", "grid_sample"]
