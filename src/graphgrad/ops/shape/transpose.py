"""Transposes and permutations: transpose, t, permute, movedim, .T / .mT / .mH, alias; all views.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.t().grad_fn.name(), a.T.grad_fn.name(), a.permute(1, 0).shape
('TBackward0', 'PermuteBackward0', torch.Size([3, 2]))
>>> a.transpose(-1, -2).grad_fn._saved_dim0
18446744073709551615
"""

from __future__ import annotations

import warnings

import numpy as np

from ...tensor import Tensor, _wrap_dim
from ..primitive import LINEAR, Primitive
from .core import _view_of, join_dims, parse_size, show_u64

_transpose = Primitive(
    "transpose",
    "TransposeBackward0",
    lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1) if a.ndim else a.view(),
    self=lambda grad, dim0, dim1, xp: xp.transpose(grad, dim0, dim1),
    attrs=("dim0", "dim1"),
    view=True,
    display=show_u64("dim0", "dim1"),
    jvp=LINEAR,
)
_t = Primitive(
    "t",
    "TBackward0",
    lambda a: a.T if a.ndim == 2 else a.view(),
    self=lambda grad, xp: xp.t(grad),
    view=True,
    jvp=LINEAR,
)
_permute = Primitive(
    "permute",
    "PermuteBackward0",
    lambda a, dims, axes: np.transpose(a, axes),
    self=lambda grad, axes, xp: xp.permute(grad, _inverse(axes)),
    attrs=("dims",),
    view=True,
    display=show_u64("dims"),
    jvp=LINEAR,
)


def _inverse(axes: tuple) -> tuple:
    """The permutation that undoes ``axes``."""
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """A view with dimensions ``dim0`` and ``dim1`` swapped (``swapaxes``, ``swapdims``).

    Args:
        input: the tensor.
        dim0: one dimension.
        dim1: the other.

    >>> torch.transpose(torch.zeros(2, 3, 4), 0, 2).shape
    torch.Size([4, 3, 2])
    """
    _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    return _view_of(_transpose, input, dim0=dim0, dim1=dim1)


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """The transpose of a matrix, as a view; 0-D and 1-D tensors come back as they are.

    Args:
        input: a tensor with at most two dimensions.

    >>> torch.t(torch.tensor([[1, 2, 3]]))
    tensor([[1],
            [2],
            [3]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _view_of(_t, input)


def permute(input: Tensor, *dims) -> Tensor:
    """A view with the dimensions reordered: dimension ``i`` of the result is ``dims[i]``.

    Args:
        input: the tensor.
        dims: a permutation of the dimensions, as integers or one tuple.

    >>> torch.permute(torch.zeros(2, 3, 4), (2, 0, 1)).shape
    torch.Size([4, 2, 3])
    """
    dims = parse_size(dims, "permute", "dims")
    if len(dims) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_of(_permute, input, dims=dims, axes=axes)


def _dim_list(dims, ndim: int, name: str) -> tuple:
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    wrapped = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"movedim: repeated dim in `{name}` ([{join_dims(dims)}])")
    return wrapped


def movedim(input: Tensor, source, destination) -> Tensor:
    """A view with dimensions ``source`` moved to ``destination``, the others keeping their
    order (``moveaxis``).

    Args:
        input: the tensor.
        source: a dimension or tuple of dimensions.
        destination: their new positions.

    >>> torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape
    torch.Size([3, 4, 2])
    """
    src = _dim_list(source, input.ndim, "source")
    dst = _dim_list(destination, input.ndim, "destination")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ([{join_dims(src)}] dims) should "
            f"contain the same number of dims as destination ([{join_dims(dst)}] dims)"
        )
    order = [-1] * input.ndim
    for s, d in zip(src, dst, strict=True):
        order[d] = s
    rest = iter(d for d in range(input.ndim) if d not in src)
    order = [o if o != -1 else next(rest) for o in order]
    return permute(input, order)


moveaxis = movedim

_T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
    "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
    "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
    "tensor."
)


def _T(self: Tensor) -> Tensor:
    """``x.T``: the dimensions reversed (deprecated by PyTorch unless 2-D).

    >>> torch.zeros(2, 3).T.shape
    torch.Size([3, 2])
    """
    if self.ndim == 0:
        warnings.warn(
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
            UserWarning,
            stacklevel=2,
        )
    elif self.ndim != 2:
        warnings.warn(_T_DEPRECATED, UserWarning, stacklevel=2)
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _matrix_transpose(self: Tensor, name: str, zero_d_tail: str) -> Tensor:
    if self.ndim == 0:
        warnings.warn(
            f"Tensor.{name} is deprecated on 0-D tensors. {zero_d_tail}", UserWarning, stacklevel=3
        )
        return self
    if self.ndim == 1:
        raise RuntimeError(
            f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return transpose(self, -2, -1)


def _mT(self: Tensor) -> Tensor:
    """``x.mT``: the last two dimensions swapped (a batch of matrices transposed).

    >>> torch.zeros(5, 2, 3).mT.shape
    torch.Size([5, 3, 2])
    """
    return _matrix_transpose(self, "mT", "This function is the identity in these cases.")


def _mH(self: Tensor) -> Tensor:
    """``x.mH`` (and ``x.adjoint()``): the conjugate transpose of the last two dimensions
    (for real tensors, ``x.mT``).

    >>> torch.tensor([[1, 2]]).mH
    tensor([[1],
            [2]])
    """
    return _matrix_transpose(self, "mH", "Consider using x.conj().")


_alias = Primitive(
    "alias", "AliasBackward0", lambda a: a.view(), self=lambda grad: grad, view=True, jvp=LINEAR
)


def alias(input: Tensor) -> Tensor:
    """A new view of all of ``input`` (what ``x[...]`` returns)."""
    return _view_of(_alias, input)


__all__ = ["movedim", "moveaxis", "permute", "swapaxes", "swapdims", "t", "transpose"]

METHODS = {
    "transpose": transpose,
    "swapaxes": swapaxes,
    "swapdims": swapdims,
    "t": t,
    "permute": permute,
    "movedim": movedim,
    "moveaxis": moveaxis,
    "T": property(_T),
    "mT": property(_mT),
    "mH": property(_mH),
    "adjoint": _mH,
}
