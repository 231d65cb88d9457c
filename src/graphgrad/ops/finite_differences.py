"""``torch.gradient``: derivatives estimated by finite differences (second-order accurate
central differences inside, one-sided ones of the chosen order at the edges), written with
slicing and arithmetic, so the estimate is differentiable.

>>> import graphgrad as torch
>>> torch.gradient(torch.tensor([1.0, 4.0, 9.0, 16.0, 25.0]))
(tensor([3., 4., 6., 8., 9.]),)
"""

from __future__ import annotations

from ..dtypes import get_default_dtype
from ..tensor import Tensor, _wrap_dim
from .shape.join import cat


def _along(t: Tensor, axis: int, start, stop) -> Tensor:
    return t[(slice(None),) * axis + (slice(start, stop),)]


def _uniform(f: Tensor, axis: int, h: float, edge_order: int) -> Tensor:
    def at(i):
        return _along(f, axis, i, i + 1 if i != -1 else None)

    inner = (_along(f, axis, 2, None) - _along(f, axis, None, -2)) / (2 * h)
    f0, f1, g0, g1 = at(0), at(1), at(-1), at(-2)
    if edge_order == 1:
        first, last = (f1 - f0) / h, (g0 - g1) / h
    else:
        first = (-3 * f0 + 4 * f1 - at(2)) / (2 * h)
        last = (3 * g0 - 4 * g1 + at(-3)) / (2 * h)
    return cat([first, inner, last], axis)


def _coordinates(f: Tensor, axis: int, x: Tensor, edge_order: int) -> Tensor:
    shape = [1] * f.ndim
    shape[axis] = -1
    x = (x if x.dtype.is_floating_point else x.to(f.dtype)).reshape(
        shape
    )  # torch: in its own dtype

    def at(t, i):
        return _along(t, axis, i, i + 1 if i != -1 else None)

    hd = _along(x, axis, 1, -1) - _along(x, axis, None, -2)
    hs = _along(x, axis, 2, None) - _along(x, axis, 1, -1)
    inner = (
        -hs / (hd * (hd + hs)) * _along(f, axis, None, -2)
        + (hs - hd) / (hd * hs) * _along(f, axis, 1, -1)
        + hd / (hs * (hd + hs)) * _along(f, axis, 2, None)
    )
    if edge_order == 1:
        first = (at(f, 1) - at(f, 0)) / (at(x, 1) - at(x, 0))
        last = (at(f, -1) - at(f, -2)) / (at(x, -1) - at(x, -2))
    else:
        d1, d2 = at(x, 1) - at(x, 0), at(x, 2) - at(x, 1)
        first = (
            -(2 * d1 + d2) / (d1 * (d1 + d2)) * at(f, 0)
            + (d1 + d2) / (d1 * d2) * at(f, 1)
            - d1 / (d2 * (d1 + d2)) * at(f, 2)
        )
        d1, d2 = at(x, -2) - at(x, -3), at(x, -1) - at(x, -2)
        last = (
            d2 / (d1 * (d1 + d2)) * at(f, -3)
            - (d2 + d1) / (d1 * d2) * at(f, -2)
            + (2 * d2 + d1) / (d2 * (d1 + d2)) * at(f, -1)
        )
    return cat([first, inner, last], axis)


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """The derivative of the samples ``input`` along each dimension (or those in ``dim``),
    by finite differences.

    Args:
        input: the samples.
        spacing: the distance between samples: a number, one per dimension, or one 1-d tensor
            of coordinates per dimension.
        dim: the dimension (or dimensions) to differentiate along; all when None.
        edge_order: the accuracy order of the one-sided differences at the edges (1 or 2).

    >>> torch.gradient(torch.tensor([[1.0, 2.0, 4.0], [2.0, 5.0, 9.0]]), dim=1)
    (tensor([[1.0000, 1.5000, 2.0000],
            [3.0000, 3.5000, 4.0000]]),)
    """
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = (
        tuple(range(input.ndim)) if dim is None
        else (dim,) if isinstance(dim, int) else tuple(dim)
    )  # fmt: skip
    axes = [_wrap_dim(d, input.ndim) for d in dims]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(axes):
            given = "since dim argument was not given" if dim is None else "but got dim"
            raise RuntimeError(
                "torch.gradient expected spacing to be unspecified, a scalar, or a list of "
                f"length equal to 'self.dim() = {input.ndim}', {given}, but got a list of "
                f"length {len(spacing)}"
            )
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(axes)
    if any(input.shape[a] < edge_order + 1 for a in axes):
        raise RuntimeError(
            "torch.gradient expected each dimension size to be at least edge_order+1"
        )  # fmt: skip
    f = input if input.dtype.is_floating_point else input.to(get_default_dtype())
    out = []
    for axis, h in zip(axes, spacings):
        if isinstance(h, Tensor) and h.ndim == 1:
            out.append(_coordinates(f, axis, h, edge_order))
        else:
            out.append(_uniform(f, axis, float(h), edge_order))
    return tuple(out)


__all__ = ["gradient"]
