"""Joining and splitting: cat, stack, split, chunk, unbind, narrow (repeat, flip, roll,
triangles and diagonals: reorder.py).

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

from ...tensor import Tensor, _wrap_dim
from ..index.slicing import slice_view
from ..primitive import LINEAR, Primitive, apply
from ..views_inplace import track_view
from .core import reshape, show_u64, unsqueeze


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


def _multi_view(prim: Primitive, input: Tensor, **params) -> tuple:
    return tuple(track_view(out, multi=True) for out in apply(prim, input, **params))


# -- cat / stack ----------------------------------------------------------------------------------
def _cat_forward(*arrays, axis: int, sizes: tuple, **_) -> np.ndarray:
    kept = [a for a, n in zip(arrays, sizes, strict=True) if n is not None]
    if not kept:
        return np.zeros((0,), arrays[0].dtype)
    return np.concatenate(kept, axis)


def _cat_rule(i: int):
    def rule(grad, sizes, starts, axis, xp):
        if sizes[i] is None:  # a legacy empty 1-D input, skipped by the forward
            return xp.zeros((0,), grad)
        start = starts[i]  # precomputed once: summing sizes[:i] here made backward O(N^2)
        return xp.slice(grad, dim=axis, axis=axis, start=start, end=start + sizes[i], step=1)

    return rule


_cat = Primitive(
    "cat",
    "CatBackward0",
    _cat_forward,
    each=_cat_rule,
    dtype="promote",
    attrs=("dim",),
    display=show_u64("dim"),
    jvp=LINEAR,
)


def _cat_axis(tensors: list, dim: int) -> tuple[int, tuple]:
    """Check the shapes as PyTorch does; the axis and each input's size along it."""
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch still accepts (and skips) 1-D empty tensors whatever the others' shapes.
    skip = [t.ndim == 1 and t._data.size == 0 for t in tensors]
    kept = [t for t, s in zip(tensors, skip, strict=True) if not s]
    if not kept:  # only such tensors: an empty result, whatever dim says
        return 0, (0,) * len(tensors)
    ref = kept[0]
    axis = _wrap_dim(dim, ref.ndim)
    for i, (t, s) in enumerate(zip(tensors, skip, strict=True)):
        if s:
            continue
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for d, (m, n) in enumerate(zip(ref._data.shape, t._data.shape, strict=True)):
            if d != axis and m != n:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size {m} "
                    f"but got size {n} for tensor number {i} in the list."
                )
    sizes = tuple(None if s else t._data.shape[axis] for t, s in zip(tensors, skip, strict=True))
    return axis, sizes


def _tensor_list(fn: str, tensors, nonempty: bool = False) -> None:
    """PyTorch's TypeError for one tensor where a sequence of them belongs; with ``nonempty``,
    its error for no tensors at all."""
    if isinstance(tensors, Tensor):
        raise TypeError(
            f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"
        )
    if nonempty and len(tensors) == 0:
        raise RuntimeError(f"{fn} expects a non-empty TensorList")


def cat(tensors, dim: int = 0) -> Tensor:
    """Join ``tensors`` along an existing dimension ``dim`` (``concat``, ``concatenate``);
    CatBackward0 has one edge per tensor.

    Args:
        tensors: a sequence of tensors of the same shape except in ``dim``.
        dim: the dimension to join along.

    >>> torch.cat([torch.zeros(1, 2), torch.ones(1, 2)])
    tensor([[0., 0.],
            [1., 1.]])
    """
    _tensor_list("cat", tensors)
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    axis, sizes = _cat_axis(tensors, dim)
    starts = tuple(itertools.accumulate((n or 0 for n in sizes[:-1]), initial=0))
    return apply(_cat, *tensors, dim=dim, axis=axis, sizes=sizes, starts=starts)


concat = concatenate = cat


def _stack_forward(*arrays, axis: int, **_) -> np.ndarray:
    return np.stack(arrays, axis)


def _stack_rule(i: int):
    return lambda grad, axis, xp: xp.select(grad, axis=axis, index=i, dim=axis)


_stack = Primitive(
    "stack",
    "StackBackward0",
    _stack_forward,
    each=_stack_rule,
    dtype="promote",
    attrs=("dim",),
    display=show_u64("dim"),
    jvp=LINEAR,
)
# NOTE: stack's forward and rule under another node name. PyTorch's CPU build runs a float32
# LSTM layer in oneDNN, so the output of each of its directions comes from a node printed
# MkldnnRnnLayerBackward0; graphgrad's layer is a loop of steps, whose outputs this stacks.
_rnn_layer_stack = Primitive(
    "rnn_layer_stack",
    "MkldnnRnnLayerBackward0",
    _stack_forward,
    each=_stack_rule,
    dtype="promote",
    attrs=(),
    jvp=LINEAR,
)


def stack(tensors, dim: int = 0) -> Tensor:
    """Join ``tensors`` along a new dimension ``dim``.

    Args:
        tensors: a sequence of tensors of the same shape.
        dim: where the new dimension goes.

    >>> torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    _tensor_list("stack", tensors)
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


def rnn_layer_stack(steps: list) -> Tensor:
    """``stack(steps)`` (same shapes, one dtype) whose node prints ``MkldnnRnnLayerBackward0``:
    the output of one direction of a float32 LSTM layer, named as PyTorch's CPU build names it.

    Args:
        steps: the layer's outputs, one ``(batch, hidden)`` tensor per time step, in order.

    >>> h = torch.ones(2, 3, requires_grad=True)
    >>> rnn_layer_stack([h, 2 * h]).grad_fn.name()
    'MkldnnRnnLayerBackward0'
    """
    return apply(_rnn_layer_stack, *steps, axis=0)


def atleast_1d(input: Tensor) -> Tensor:
    """``input`` with at least one dimension (a 0-d tensor becomes shape ``(1,)``).

    Args:
        input: the tensor.

    >>> torch.atleast_1d(torch.tensor(1.0))
    tensor([1.])
    """
    return reshape(input, 1) if input.ndim == 0 else input


def atleast_2d(input: Tensor) -> Tensor:
    """``input`` with at least two dimensions (1-d becomes a row).

    Args:
        input: the tensor.

    >>> torch.atleast_2d(torch.tensor([1.0, 2.0]))
    tensor([[1., 2.]])
    """
    if input.ndim == 0:
        return reshape(input, 1, 1)
    return unsqueeze(input, 0) if input.ndim == 1 else input


def hstack(tensors) -> Tensor:
    """Join ``tensors`` along dimension 1 (dimension 0 for 1-D tensors).

    Args:
        tensors: a sequence of tensors.

    >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
    tensor([1, 2, 3])
    """
    _tensor_list("hstack", tensors, nonempty=True)
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Join ``tensors`` along dimension 0, 1-D tensors as rows (``row_stack``).

    Args:
        tensors: a sequence of tensors.

    >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    _tensor_list("vstack", tensors, nonempty=True)
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


# -- split / chunk / unbind -----------------------------------------------------------------------
def _split_forward(a: np.ndarray, axis: int, sizes: tuple, **_) -> list:
    return np.split(a, np.cumsum(sizes[:-1], dtype=np.int64), axis)


def _split_rule(grads: list, axis, self_sym_sizes, sizes, xp):
    """Concatenate the pieces' gradients, zeros for the pieces that received none."""
    like = next(g for g in grads if g is not None)
    shape = list(self_sym_sizes)
    pieces = []
    for i, n in enumerate(sizes):
        g = grads[i] if i < len(grads) else None
        if g is None:
            shape[axis] = n
            g = xp.zeros(tuple(shape), like)
        pieces.append(g)
    return xp.cat(pieces, axis)


_split = Primitive(
    "split",
    "SplitBackward0",
    _split_forward,
    self=_split_rule,
    n_outputs=2,
    view=True,
    attrs=("dim", "self_sym_sizes", "split_size"),
    display=show_u64("dim"),
    jvp=LINEAR,
)
_split_with_sizes = Primitive(
    "split_with_sizes",
    "SplitWithSizesBackward0",
    _split_forward,
    self=_split_rule,
    n_outputs=2,
    view=True,
    attrs=("dim", "self_sym_sizes", "split_sizes"),
    display=show_u64("dim"),
    jvp=LINEAR,
)


def split(input: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split ``input`` into views along ``dim``: pieces of one size (the last may be
    smaller), or of the sizes listed.

    Args:
        input: the tensor.
        split_size_or_sections: the size of each piece, or a list of sizes summing to the
            dimension's length.
        dim: the dimension to split.

    >>> torch.split(torch.arange(5), 2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    >>> torch.split(torch.arange(5), [1, 4])
    (tensor([0]), tensor([1, 2, 3, 4]))
    """
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
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
        return _multi_view(
            _split_with_sizes,
            input,
            dim=dim,
            axis=axis,
            sizes=sizes,
            split_sizes=sizes,
            self_sym_sizes=shape,
        )
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
    return _multi_view(
        _split, input, dim=dim, axis=axis, sizes=sizes, split_size=size, self_sym_sizes=shape
    )


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split ``input`` into at most ``chunks`` views of equal size along ``dim`` (the last may be
    smaller).

    Args:
        input: the tensor.
        chunks: how many pieces.
        dim: the dimension to split.

    >>> torch.chunk(torch.arange(5), 2)
    (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[_wrap_dim(dim, input.ndim)]
    size = -(-n // chunks)
    if size == 0:
        return split(input, [0] * chunks, dim)
    return split(input, size, dim)


_unbind = Primitive(
    "unbind",
    "UnbindBackward0",
    lambda a, axis, **_: tuple(
        a[(slice(None),) * axis + (i, Ellipsis)] for i in range(a.shape[axis])
    ),
    self=lambda grads, axis, self_sym_sizes, xp: xp.stack(
        _fill_missing(grads, axis, self_sym_sizes, xp), axis
    ),
    n_outputs=2,
    view=True,
    attrs=("dim",),
    display=show_u64("dim"),
    jvp=LINEAR,
)


def _fill_missing(grads: list, axis: int, sizes: tuple, xp) -> list:
    like = next(g for g in grads if g is not None)
    shape = list(sizes)
    n = shape.pop(axis)
    return [
        grads[i] if i < len(grads) and grads[i] is not None else xp.zeros(tuple(shape), like)
        for i in range(n)
    ]


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices of ``input`` along ``dim``, as a tuple of views without that dimension.

    Args:
        input: the tensor.
        dim: the dimension to remove.

    >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    axis = _wrap_dim(dim, input.ndim)
    return _multi_view(_unbind, input, dim=dim, axis=axis, self_sym_sizes=input._data.shape)


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """The view of ``input`` with ``length`` positions of ``dim`` from ``start``.

    Args:
        input: the tensor.
        dim: the dimension to narrow.
        start: the first position (an int or a 0-d tensor).
        length: how many positions.

    >>> torch.narrow(torch.arange(6), 0, 2, 3)
    tensor([2, 3, 4])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = _wrap_dim(dim, input.ndim)
    n = input._data.shape[axis]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    start = start + n if start < 0 else start
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return slice_view(input, dim, start, start + length, 1, axis)


__all__ = [
    "atleast_1d",
    "atleast_2d",
    "cat",
    "chunk",
    "concat",
    "concatenate",
    "hstack",
    "narrow",
    "row_stack",
    "split",
    "stack",
    "unbind",
    "vstack",
]

METHODS = {"split": split, "chunk": chunk, "unbind": unbind, "narrow": narrow}
