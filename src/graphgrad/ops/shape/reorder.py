"""Repeating and reordering elements (repeat, flip, roll), triangles (tril, triu) and
diagonals (diagonal, diag, diag_embed).

>>> import graphgrad as torch
>>> a = torch.ones(2, 2, requires_grad=True)
>>> a.flip(-1).grad_fn._saved_dims, a.diagonal().grad_fn.name(), a.tril().grad_fn.name()
((18446744073709551615,), 'DiagonalBackward0', 'TrilBackward0')
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...tensor import Tensor, _wrap_dim
from ..primitive import LINEAR, Primitive, apply
from ..views_inplace import track_view
from .core import join_dims, parse_size, show_u64


# -- repeat / flip / roll -------------------------------------------------------------------------
def _repeat_rule(grad, repeats, self_sym_sizes, xp):
    """Sum the copies: view each dim as (repeat, size) and sum the repeat axes."""
    sizes = tuple(self_sym_sizes)
    padded = (1,) * (len(repeats) - len(sizes)) + sizes
    paired = tuple(x for r, n in zip(repeats, padded, strict=True) for x in (r, n))
    summed = xp.sum(xp.reshape(grad, paired), tuple(range(0, len(paired), 2)))
    return xp.reshape(summed, sizes)


_repeat = Primitive(
    "repeat",
    "RepeatBackward0",
    lambda a, repeats, **_: np.tile(a, repeats),
    self=_repeat_rule,
    attrs=("repeats", "self_sym_sizes"),
    jvp=LINEAR,
)


def repeat(input: Tensor, *sizes) -> Tensor:
    """``input`` tiled ``sizes`` times along each dimension (new leading dimensions allowed).

    Args:
        input: the tensor (``input.repeat(*sizes)``).
        sizes: the number of copies per dimension, as integers or one tuple.

    >>> torch.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    reps = parse_size(sizes, "repeat", "repeats")
    if len(reps) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    padded = (1,) * (len(reps) - input.ndim) + input._data.shape
    target = tuple(r * n for r, n in zip(reps, padded, strict=True))
    for r in reps:
        if r < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {min(target)}: "
                f"[{join_dims(target)}]"
            )
    return apply(_repeat, input, repeats=reps, self_sym_sizes=input._data.shape)


_flip = Primitive(
    "flip",
    "FlipBackward0",
    lambda a, axes, **_: np.flip(a, axes).copy(),
    self=lambda grad, dims, axes, xp: xp.flip(grad, dims=dims, axes=axes),
    attrs=("dims",),
    display=show_u64("dims"),
    jvp=LINEAR,
)


def flip(input: Tensor, *positional, dims=None) -> Tensor:
    """``input`` with the order of elements reversed along ``dims`` (a copy).

    Args:
        input: the tensor.
        dims: the dimensions to reverse, as integers or one tuple (or ``dims=``).

    >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), dims=(0,))
    tensor([[3, 4],
            [1, 2]])
    """
    if dims is not None:  # (``z.flip(dims=(1,))``, as normalizing-flow code writes it)
        if positional:
            raise TypeError("flip() got multiple values for argument 'dims'")
        positional = (dims,)
    dims = positional
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = parse_size(dims, "flip", "dims")
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    for d in axes:
        if axes.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    # a 0-d tensor's one element flips onto itself (dim 0 or -1, as PyTorch allows)
    return apply(_flip, input, dims=dims, axes=axes if input.ndim else ())


def fliplr(input: Tensor) -> Tensor:
    """``input`` reversed left to right (along dimension 1).

    Args:
        input: a tensor with at least two dimensions.

    >>> torch.fliplr(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 1],
            [4, 3]])
    """
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """``input`` reversed upside down (along dimension 0).

    Args:
        input: a tensor with at least one dimension.

    >>> torch.flipud(torch.tensor([[1, 2], [3, 4]]))
    tensor([[3, 4],
            [1, 2]])
    """
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def _roll_forward(a: np.ndarray, shifts: tuple, axes: tuple, **_) -> np.ndarray:
    return np.roll(a, shifts, axes) if axes else np.roll(a, shifts[0])


_roll = Primitive(
    "roll",
    "RollBackward0",
    _roll_forward,
    self=lambda grad, shifts, dims, axes, xp: xp.roll(
        grad, shifts=tuple(-k for k in shifts), dims=dims, axes=axes
    ),
    attrs=("dims", "shifts"),
    display=show_u64("dims", "shifts"),
    jvp=LINEAR,
)


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift the elements of ``input`` cyclically along ``dims`` (of the flattened tensor
    when ``None``).

    Args:
        input: the tensor.
        shifts: how far to shift (one per dimension in ``dims``).
        dims: the dimensions to roll along.

    >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if (dims and len(shifts) != len(dims)) or (not dims and len(shifts) != 1):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    if input.numel() == 0:  # PyTorch returns an empty tensor before it looks at dims
        return apply(_roll, input, shifts=shifts, dims=dims, axes=())
    if dims and input.ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    return apply(_roll, input, shifts=shifts, dims=dims, axes=axes)


# -- triangles and diagonals ----------------------------------------------------------------------
_TRIANGLE_DOC = """``input`` with the elements {side} the ``diagonal`` set to zero.

Args:
    input: a tensor with at least two dimensions (the last two are the matrix).
    diagonal: 0 is the main diagonal, positive ones are above it, negative below.

>>> torch.{name}(torch.ones(2, 3), diagonal=1)
{shown}
"""
_TRIANGLE_SHOWN = {
    "tril": "tensor([[1., 1., 0.],\n        [1., 1., 1.]])",
    "triu": "tensor([[0., 1., 1.],\n        [0., 0., 1.]])",
}


def _triangle(name: str, node: str, fn):
    prim = Primitive(
        name,
        node,
        lambda a, diagonal: fn(a, diagonal),
        self=lambda grad, diagonal, xp: getattr(xp, name)(grad, diagonal=diagonal),
        attrs=("diagonal",),
        display=show_u64("diagonal"),
        jvp=LINEAR,
    )

    def op(input: Tensor, diagonal: int = 0) -> Tensor:
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return apply(prim, input, diagonal=diagonal)

    op.__name__ = name
    op.__doc__ = _TRIANGLE_DOC.format(
        name=name,
        side="above" if name == "tril" else "below",
        shown=_TRIANGLE_SHOWN[name],
    )
    return op


tril = _triangle("tril", "TrilBackward0", np.tril)
triu = _triangle("triu", "TriuBackward0", np.triu)


def diagonal_view(a: np.ndarray, offset: int, axis1: int, axis2: int) -> np.ndarray:
    """The diagonal of ``a`` as a writable view, its dim last (np.diagonal's is read-only)."""
    key = [slice(None)] * a.ndim
    key[axis1] = slice(max(-offset, 0), None)
    key[axis2] = slice(max(offset, 0), None)
    b = a[tuple(key)]
    n = max(0, min(b.shape[axis1], b.shape[axis2]))
    rest = [d for d in range(a.ndim) if d not in (axis1, axis2)]
    shape = tuple(b.shape[d] for d in rest) + (n,)
    strides = tuple(b.strides[d] for d in rest) + (b.strides[axis1] + b.strides[axis2],)
    return np.lib.stride_tricks.as_strided(b, shape, strides)


def _diagonal_embed(
    g: np.ndarray, input_sizes: tuple, offset: int, axis1: int, axis2: int, **_
) -> np.ndarray:
    out = np.zeros(input_sizes, g.dtype)
    diagonal_view(out, offset, axis1, axis2)[...] = g
    return out


_DIAG_ATTRS: dict[str, Any] = {  # Primitive's keyword arguments
    "attrs": ("dim1", "dim2", "offset", "self_sym_sizes"),
    "display": show_u64("dim1", "dim2", "offset"),
}


def _diagonal_rule(grad, self_sym_sizes, offset, dim1, dim2, axis1, axis2, xp):
    return xp.diagonal_backward(
        grad,
        input_sizes=self_sym_sizes,
        offset=offset,
        dim1=dim1,
        dim2=dim2,
        axis1=axis1,
        axis2=axis2,
    )


def _diagonal_of(grad, offset, dim1, dim2, xp):
    axis1, axis2 = _wrap_dim(dim1, grad.ndim), _wrap_dim(dim2, grad.ndim)
    return xp.diagonal(grad, offset=offset, dim1=dim1, dim2=dim2, axis1=axis1, axis2=axis2)


_diagonal = Primitive(
    "diagonal",
    "DiagonalBackward0",
    lambda a, offset, axis1, axis2, **_: diagonal_view(a, offset, axis1, axis2),
    self=_diagonal_rule,
    view=True,
    **_DIAG_ATTRS,
    jvp=LINEAR,
)
_diagonal_copy = Primitive(
    "diagonal_copy",
    "DiagonalBackward0_copy",
    lambda a, offset, axis1, axis2, **_: diagonal_view(a, offset, axis1, axis2).copy(),
    self=_diagonal_rule,
    **_DIAG_ATTRS,
    jvp=LINEAR,
)
_diagonal_backward = Primitive(
    "diagonal_backward",
    "DiagonalBackwardBackward0",
    _diagonal_embed,
    self=lambda grad, offset, dim1, dim2, xp: _diagonal_of(grad, offset, dim1, dim2, xp),
    attrs=("dim1", "dim2", "offset"),
    display=show_u64("dim1", "dim2", "offset"),
    jvp=LINEAR,
)
_diag_embed = Primitive(
    "diag_embed",
    "DiagEmbedBackward0",
    lambda a, offset, **_: _diagonal_embed(
        a, _embedded_shape(a.shape, offset), offset, a.ndim - 1, a.ndim
    ),
    self=lambda grad, offset, xp: _diagonal_of(grad, offset, -2, -1, xp),
    attrs=("dim1", "dim2", "offset"),
    display=show_u64("dim1", "dim2", "offset"),
    jvp=LINEAR,
)


def _embedded_shape(shape: tuple, offset: int) -> tuple:
    m = shape[-1] + abs(offset)
    return tuple(shape[:-1]) + (m, m)


def _diagonal_params(input: Tensor, offset: int, dim1: int, dim2: int) -> dict:
    axis1, axis2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return {
        "offset": offset,
        "dim1": dim1,
        "dim2": dim2,
        "axis1": axis1,
        "axis2": axis2,
        "self_sym_sizes": input._data.shape,
    }


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal of the matrices over ``dim1`` and ``dim2``.

    Args:
        input: a tensor with at least two dimensions.
        offset: which diagonal (positive above the main one, negative below).
        dim1: the first matrix dimension.
        dim2: the second matrix dimension.

    >>> torch.diagonal(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    out = apply(_diagonal, input, **_diagonal_params(input, offset, dim1, dim2))
    return track_view(out)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices whose ``offset`` diagonal (over ``dim1``, ``dim2``) holds the last dimension of
    ``input``, zeros elsewhere.

    Args:
        input: the diagonals.
        offset: which diagonal to fill.
        dim1: the first matrix dimension of the result.
        dim2: the second matrix dimension of the result.

    >>> torch.diag_embed(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    if (dim1, dim2) != (-2, -1):
        raise NotImplementedError("diag_embed: only dim1=-2, dim2=-1 are supported")
    return apply(_diag_embed, input, offset=offset, dim1=dim1, dim2=dim2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D ``input`` becomes a matrix with it on a diagonal; a 2-D ``input`` gives its
    diagonal.

    Args:
        input: a 1-D or 2-D tensor.
        diagonal: which diagonal (positive above the main one, negative below).

    >>> torch.diag(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    >>> torch.diag(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return apply(_diagonal_copy, input, **_diagonal_params(input, diagonal, 0, 1))


__all__ = [
    "diag",
    "diag_embed",
    "diagonal",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "tril",
    "triu",
]

METHODS = {
    "repeat": repeat,
    "flip": flip,
    "fliplr": fliplr,
    "flipud": flipud,
    "roll": roll,
    "tril": tril,
    "triu": triu,
    "diagonal": diagonal,
    "diag": diag,
    "diag_embed": diag_embed,
}

INPLACE = ("tril", "triu")
