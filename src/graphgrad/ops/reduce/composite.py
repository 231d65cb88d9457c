"""Reductions composed from others: count_nonzero, aminmax, dist, nanmean.

Gradients come from the reductions they are made of (``amin`` / ``amax`` share a tie's
gradient evenly, as PyTorch's ``aminmax`` does; ``norm`` for ``dist``).

>>> import graphgrad as torch
>>> torch.count_nonzero(torch.tensor([[0, 1], [2, 0]]), dim=0)
tensor([1, 1])
"""

from __future__ import annotations

from ...dtypes import result_type
from ...tensor import Tensor
from ..compare import isnan
from ..return_types import ReturnType, return_type
from .core import NO_DIM, nansum, normalize_dims
from .core import sum as _sum
from .select import amax, amin
from .stats import dist_norm


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """The number of nonzero elements (int64), over ``dim`` or over all of ``input``.

    Args:
        input: the tensor (NaN counts as nonzero; -0.0 does not).
        dim: a dim or a tuple of dims; None (or an empty tuple) counts everything.

    >>> import graphgrad as torch
    >>> torch.count_nonzero(torch.tensor([0.0, -0.0, float("nan"), 2.0]))
    tensor(2)
    """
    return _sum(input != 0, () if dim is None else dim)


_MinMax = return_type("aminmax", ("min", "max"))


def aminmax(input: Tensor, *, dim=None, keepdim: bool = False) -> ReturnType:
    """``(min, max)`` of ``input`` over ``dim`` (or all of it), as ``torch.return_types.aminmax``.

    Args:
        input: the tensor (NaN propagates).
        dim: the dim to reduce; None reduces everything (not allowed when empty).
        keepdim: whether the reduced dim stays, with size 1.

    >>> import graphgrad as torch
    >>> torch.aminmax(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), dim=0)
    torch.return_types.aminmax(
    min=tensor([1., 2.]),
    max=tensor([3., 5.]))
    """
    if input.numel() == 0 and dim is None:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation "
            "has no identity."
        )
    for d in normalize_dims(dim, input.ndim) if dim is not None else ():
        if input.ndim and input.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    dims = () if dim is None else dim
    return _MinMax(amin(input, dims, keepdim), amax(input, dims, keepdim))


def dist(input: Tensor, other: Tensor, p=2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcasting): their distance.

    Args:
        input: a floating tensor.
        other: a tensor (not a number).
        p: the norm's order: a number, ``inf`` or ``-inf`` (0 counts the differing places).

    >>> import graphgrad as torch
    >>> torch.dist(torch.tensor([1.0, 2.0]), torch.tensor([4.0, 6.0]))
    tensor(5.)
    """
    if not isinstance(other, Tensor):
        raise TypeError(
            f"dist(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    dt = result_type(input, other)
    if not dt.is_floating_point:
        raise RuntimeError(
            "norm(): input dtype should be either floating point or complex. "
            f"Got {dt.legacy} instead."
        )
    return dist_norm(input, other, p)


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The mean of the elements that are not NaN: ``nansum / count of non-NaN``.

    Args:
        input: a floating tensor.
        dim: a dim or a tuple of dims; None means all.
        keepdim: whether the reduced dims stay, with size 1.
        dtype: the dtype to sum in and return.

    >>> import graphgrad as torch
    >>> torch.nanmean(torch.tensor([[1.0, float("nan")], [2.0, 4.0]]), dim=1)
    tensor([1., 3.])
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{input.dtype.legacy}"
        )
    counted = _sum(~isnan(input), NO_DIM if dim is None else dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / counted


METHODS = {name: globals()[name] for name in ("count_nonzero", "aminmax", "dist", "nanmean")}
__all__ = list(METHODS)
