"""Joining and splitting (cat, stack, split, chunk, unbind), repeating and reordering
elements (repeat, flip, roll), narrow, triangles and diagonals.

split, chunk and unbind return views made by one multi-output node, shared by the pieces (each
piece's ``output_nr`` is its position), as in PyTorch.

>>> import graphgrad as torch
>>> a = torch.ones(4, requires_grad=True)
>>> p, q = a.split(2)
>>> p.grad_fn is q.grad_fn, q.output_nr, torch.cat([p, q]).grad_fn.name()
(True, 1, 'CatBackward0')
"""

from __future__ import annotations

import itertools

import numpy as np

from ..tensor import Tensor, _wrap_dim
from .index import _select_view, slice_view
from .primitive import Primitive, apply
from .shape import parse_size, reshape, show_u64, unsqueeze
from .views_inplace import track_view


class PerInput:
    """The rules of an op taking any number of tensors: ``make(i)`` is the i-th input's rule."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        self.make = make

    def __iter__(self):
        return map(self.make, itertools.count())


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


def _zeros(shape: tuple, like: Tensor) -> Tensor:
    return Tensor._make(np.zeros(shape, like._data.dtype))


def _multi_view(prim: Primitive, input: Tensor, **params) -> tuple:
    return tuple(track_view(out, multi=True) for out in apply(prim, input, **params))


# -- cat / stack ------------------------------------------------------------------------------------
def _cat_forward(*arrays, axis: int, sizes: tuple, **_) -> np.ndarray:
    kept = [a for a, n in zip(arrays, sizes) if n is not None]
    if not kept:
        return np.zeros((0,), arrays[0].dtype)
    return np.concatenate(kept, axis)


def _cat_rule(i: int):
    def rule(g: Tensor, s: dict) -> Tensor:
        sizes = s["sizes"]
        if sizes[i] is None:  # a legacy empty 1-D input, skipped by the forward
            return _zeros((0,), g)
        start = sum(n for n in sizes[:i] if n is not None)
        return slice_view(g, s["axis"], start, start + sizes[i], 1)

    return rule


_cat = Primitive(
    "cat", "CatBackward0", _cat_forward, PerInput(_cat_rule),
    dtype="promote", attrs=("dim",), display=show_u64("dim"),
)


def _cat_axis(tensors: list, dim: int) -> tuple[int, tuple]:
    """Check the shapes as PyTorch does; the axis and each input's size along it."""
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch still accepts (and skips) 1-D empty tensors whatever the others' shapes.
    skip = [t.ndim == 1 and t._data.size == 0 for t in tensors]
    kept = [t for t, s in zip(tensors, skip) if not s]
    ref = kept[0] if kept else tensors[0]
    axis = _wrap_dim(dim, ref.ndim)
    for i, (t, s) in enumerate(zip(tensors, skip)):
        if s:
            continue
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for d, (m, n) in enumerate(zip(ref._data.shape, t._data.shape)):
            if d != axis and m != n:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size {m} "
                    f"but got size {n} for tensor number {i} in the list."
                )
    sizes = tuple(None if s else t._data.shape[axis] for t, s in zip(tensors, skip))
    return axis, sizes


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing dim (torch.cat); CatBackward0 has one edge per tensor."""
    if isinstance(tensors, Tensor):
        raise TypeError(
            "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"
        )
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    axis, sizes = _cat_axis(tensors, dim)
    return apply(_cat, *tensors, dim=dim, axis=axis, sizes=sizes)


concat = concatenate = cat

_stack = Primitive(
    "stack", "StackBackward0",
    lambda *arrays, axis, **_: np.stack(arrays, axis),
    PerInput(lambda i: lambda g, s: _select_view(g, s["axis"], i)),
    dtype="promote", attrs=("dim",), display=show_u64("dim"),
)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join equally shaped tensors along a new dim (torch.stack)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got [{_dims(first)}] at entry 0 "
                f"and [{_dims(t.shape)}] at entry {i}"
            )
    return apply(_stack, *tensors, dim=dim, axis=_wrap_dim(dim, len(first) + 1))


def atleast_1d(input: Tensor) -> Tensor:
    return reshape(input, 1) if input.ndim == 0 else input


def atleast_2d(input: Tensor) -> Tensor:
    if input.ndim == 0:
        return reshape(input, 1, 1)
    return unsqueeze(input, 0) if input.ndim == 1 else input


def hstack(tensors) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D tensors) (torch.hstack)."""
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Concatenate along dim 0, after making 1-D tensors rows (torch.vstack)."""
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


# -- split / chunk / unbind -------------------------------------------------------------------------
def _split_forward(a: np.ndarray, axis: int, sizes: tuple, **_) -> list:
    return np.split(a, np.cumsum(sizes[:-1], dtype=np.int64), axis)


def _split_rule(grads: list, s: dict) -> Tensor:
    """Concatenate the pieces' gradients, zeros for the pieces that received none."""
    axis, shape = s["axis"], list(s["self_sym_sizes"])
    like = next(g for g in grads if g is not None)
    pieces = []
    for i, n in enumerate(s["sizes"]):
        g = grads[i] if i < len(grads) else None
        if g is None:
            shape[axis] = n
            g = _zeros(tuple(shape), like)
        pieces.append(g)
    return cat(pieces, axis)


_split = Primitive(
    "split", "SplitBackward0", _split_forward, (_split_rule,), n_outputs=2, view=True,
    attrs=("dim", "self_sym_sizes", "split_size"), display=show_u64("dim"),
)
_split_with_sizes = Primitive(
    "split_with_sizes", "SplitWithSizesBackward0", _split_forward, (_split_rule,), n_outputs=2,
    view=True, attrs=("dim", "self_sym_sizes", "split_sizes"), display=show_u64("dim"),
)


def split(input: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` (the last may be smaller) or of the given sizes (torch.split)."""
    axis = _wrap_dim(dim, input.ndim)
    n = input._data.shape[axis]
    shape = input._data.shape
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at dimension {dim}), but got split_sizes=[{_dims(sizes)}]"
            )
        return _multi_view(_split_with_sizes, input, dim=dim, axis=axis, sizes=sizes,
                           split_sizes=sizes, self_sym_sizes=shape)
    if not isinstance(split_size_or_sections, (int, np.integer)):
        raise TypeError(
            "split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not "
            f"{type(split_size_or_sections).__name__}"
        )
    size = int(split_size_or_sections)
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n != 0:
        raise RuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
        )
    count = max(-(-n // size), 1) if size else 1
    sizes = (size,) * (count - 1) + (n - size * (count - 1),)
    return _multi_view(_split, input, dim=dim, axis=axis, sizes=sizes, split_size=size,
                       self_sym_sizes=shape)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """At most ``chunks`` pieces of equal size (the last may be smaller) (torch.chunk)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[_wrap_dim(dim, input.ndim)]
    size = -(-n // chunks)
    if size == 0:
        return split(input, [0] * chunks, dim)
    return split(input, size, dim)


_unbind = Primitive(
    "unbind", "UnbindBackward0",
    lambda a, axis, **_: tuple(a[(slice(None),) * axis + (i, Ellipsis)]
                               for i in range(a.shape[axis])),
    (lambda grads, s: stack(_fill_missing(grads, s), s["axis"]),),
    n_outputs=2, view=True, attrs=("dim",), display=show_u64("dim"),
)


def _fill_missing(grads: list, s: dict) -> list:
    like = next(g for g in grads if g is not None)
    shape = list(s["self_sym_sizes"])
    n = shape.pop(s["axis"])
    return [grads[i] if i < len(grads) and grads[i] is not None else _zeros(tuple(shape), like)
            for i in range(n)]


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim``, as views sharing one UnbindBackward0 (torch.unbind)."""
    axis = _wrap_dim(dim, input.ndim)
    return _multi_view(_unbind, input, dim=dim, axis=axis, self_sym_sizes=input._data.shape)


# -- repeat / flip / roll ---------------------------------------------------------------------------
def _repeat_rule(g: Tensor, s: dict) -> Tensor:
    """Sum the copies: view each dim as (repeat, size) and sum the repeat axes."""
    reps, sizes = s["repeats"], tuple(s["self_sym_sizes"])
    padded = (1,) * (len(reps) - len(sizes)) + sizes
    paired = tuple(x for r, n in zip(reps, padded) for x in (r, n))
    summed = g.reshape(paired).sum(tuple(range(0, len(paired), 2)))
    return summed.reshape(sizes)


_repeat = Primitive(
    "repeat", "RepeatBackward0", lambda a, repeats, **_: np.tile(a, repeats), (_repeat_rule,),
    attrs=("repeats", "self_sym_sizes"),
)


def repeat(input: Tensor, *sizes) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim (Tensor.repeat)."""
    reps = parse_size(sizes)
    if len(reps) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    padded = (1,) * (len(reps) - input.ndim) + input._data.shape
    target = tuple(r * n for r, n in zip(reps, padded))
    for r in reps:
        if r < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {min(target)}: "
                f"[{_dims(target)}]"
            )
    return apply(_repeat, input, repeats=reps, self_sym_sizes=input._data.shape)


_flip = Primitive(
    "flip", "FlipBackward0", lambda a, axes, **_: np.flip(a, axes).copy(),
    (lambda g, s: flip(g, s["dims"]),), attrs=("dims",), display=show_u64("dims"),
)


def flip(input: Tensor, *dims) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch) (torch.flip)."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = parse_size(dims)
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    for d in axes:
        if axes.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return apply(_flip, input, dims=dims, axes=axes)


def fliplr(input: Tensor) -> Tensor:
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def _roll_forward(a: np.ndarray, shifts: tuple, axes: tuple, **_) -> np.ndarray:
    return np.roll(a, shifts, axes) if axes else np.roll(a, shifts[0])


_roll = Primitive(
    "roll", "RollBackward0", _roll_forward,
    (lambda g, s: roll(g, tuple(-k for k in s["shifts"]), s["dims"] or None),),
    attrs=("dims", "shifts"), display=show_u64("dims", "shifts"),
)


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements cyclically along ``dims`` (the flattened tensor if None) (torch.roll)."""
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if (dims and len(shifts) != len(dims)) or (not dims and len(shifts) != 1):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    return apply(_roll, input, shifts=shifts, dims=dims, axes=axes)


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """``length`` elements from ``start`` along ``dim``; a view (SliceBackward0)."""
    axis = _wrap_dim(dim, input.ndim)
    n = input._data.shape[axis]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    start = start + n if start < 0 else start
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return slice_view(input, dim, start, start + length, 1, axis)


# -- triangles and diagonals ------------------------------------------------------------------------
def _triangle(name: str, node: str, fn):
    prim = Primitive(
        name, node, lambda a, diagonal: fn(a, diagonal),
        (lambda g, s: apply(prim, g, diagonal=s["diagonal"]),),
        attrs=("diagonal",), display=show_u64("diagonal"),
    )

    def op(input: Tensor, diagonal: int = 0) -> Tensor:
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return apply(prim, input, diagonal=diagonal)

    op.__name__ = name
    op.__doc__ = f"Zero the elements {'above' if name == 'tril' else 'below'} the ``diagonal``."
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


def _diagonal_embed(g: np.ndarray, input_sizes: tuple, offset: int, axis1: int, axis2: int,
                    **_) -> np.ndarray:
    out = np.zeros(input_sizes, g.dtype)
    diagonal_view(out, offset, axis1, axis2)[...] = g
    return out


_DIAG_ATTRS = {"attrs": ("dim1", "dim2", "offset", "self_sym_sizes"),
               "display": show_u64("dim1", "dim2", "offset")}


def _diagonal_rule(g: Tensor, s: dict) -> Tensor:
    return apply(_diagonal_backward, g, input_sizes=s["self_sym_sizes"], offset=s["offset"],
                 dim1=s["dim1"], dim2=s["dim2"], axis1=s["axis1"], axis2=s["axis2"])


_diagonal = Primitive(
    "diagonal", "DiagonalBackward0",
    lambda a, offset, axis1, axis2, **_: diagonal_view(a, offset, axis1, axis2),
    (_diagonal_rule,), view=True, **_DIAG_ATTRS,
)
_diagonal_copy = Primitive(
    "diagonal_copy", "DiagonalBackward0_copy",
    lambda a, offset, axis1, axis2, **_: diagonal_view(a, offset, axis1, axis2).copy(),
    (_diagonal_rule,), **_DIAG_ATTRS,
)
_diagonal_backward = Primitive(
    "diagonal_backward", "DiagonalBackwardBackward0", _diagonal_embed,
    (lambda g, s: diagonal(g, s["offset"], s["dim1"], s["dim2"]),),
    attrs=("dim1", "dim2", "offset"), display=show_u64("dim1", "dim2", "offset"),
)
_diag_embed = Primitive(
    "diag_embed", "DiagEmbedBackward0",
    lambda a, offset, **_: _diagonal_embed(a, _embedded_shape(a.shape, offset), offset,
                                           a.ndim - 1, a.ndim),
    (lambda g, s: diagonal(g, s["offset"], -2, -1),),
    attrs=("dim1", "dim2", "offset"), display=show_u64("dim1", "dim2", "offset"),
)


def _embedded_shape(shape: tuple, offset: int) -> tuple:
    m = shape[-1] + abs(offset)
    return tuple(shape[:-1]) + (m, m)


def _diagonal_params(input: Tensor, offset: int, dim1: int, dim2: int) -> dict:
    axis1, axis2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if axis1 == axis2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return {"offset": offset, "dim1": dim1, "dim2": dim2, "axis1": axis1, "axis2": axis2,
            "self_sym_sizes": input._data.shape}


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the ``dim1``/``dim2`` planes, as a last dim; a view (torch.diagonal)."""
    out = apply(_diagonal, input, **_diagonal_params(input, offset, dim1, dim2))
    return track_view(out)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Matrices (in the last two dims) with ``input``'s last dim on a diagonal."""
    if (dim1, dim2) != (-2, -1):
        raise NotImplementedError("diag_embed: only dim1=-2, dim2=-1 are supported")
    return apply(_diag_embed, input, offset=offset, dim1=dim1, dim2=dim2)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor's diagonal matrix, or a 2-D tensor's diagonal (a copy) (torch.diag)."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return apply(_diagonal_copy, input, **_diagonal_params(input, diagonal, 0, 1))


__all__ = [
    "atleast_1d", "atleast_2d", "cat", "chunk", "concat", "concatenate", "diag", "diag_embed",
    "diagonal", "flip", "fliplr", "flipud", "hstack", "narrow", "roll", "row_stack",
    "split", "stack", "tril", "triu", "unbind", "vstack",
]

METHODS = {
    "split": split, "chunk": chunk, "unbind": unbind, "repeat": repeat, "flip": flip,
    "fliplr": fliplr, "flipud": flipud, "roll": roll, "narrow": narrow, "tril": tril,
    "triu": triu, "diagonal": diagonal, "diag": diag, "diag_embed": diag_embed,
}

INPLACE = ("tril", "triu")
