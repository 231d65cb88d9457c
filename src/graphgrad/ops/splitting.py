"""Splitting, stacking, tiling and broadcasting forms PyTorch adds to split/cat/repeat.

Each is written with graphgrad's differentiable ops (``narrow``, ``cat``, ``repeat``,
``index_select``, ``expand``), so gradients come from them: the pieces of ``tensor_split``
are views, as PyTorch's are.

>>> import graphgrad as torch
>>> torch.tensor_split(torch.arange(7), 3)
(tensor([0, 1, 2]), tensor([3, 4]), tensor([5, 6]))
>>> torch.tile(torch.tensor([1, 2]), (2, 2))
tensor([[1, 2, 1, 2],
        [1, 2, 1, 2]])
"""

from __future__ import annotations

import itertools

import numpy as np

from .._argcheck import type_name
from ..tensor import Size, Tensor, _wrap_dim
from .array_step import constant
from .index.gather import index_select
from .shape.core import expand, reshape
from .shape.join import _tensor_list, cat, narrow


def _pieces(input: Tensor, axis: int, bounds: list) -> tuple:
    n = input.shape[axis]
    out = []
    for start, end in itertools.pairwise([0, *bounds, n]):
        start = min(max(start, 0), n)
        out.append(narrow(input, axis, start, max(min(end, n) - start, 0)))
    return tuple(out)


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """Split ``input`` into views along ``dim``: into ``sections`` pieces of near-equal size
    (the first ``n % sections`` one longer), or before each index listed.

    Args:
        input: a tensor of at least one dimension.
        indices_or_sections: an int (the number of pieces), a list of indices, or a 0-d/1-d
            integer tensor meaning either.
        dim: the dimension to split.

    >>> torch.tensor_split(torch.arange(6), [1, 4])
    (tensor([0]), tensor([1, 2, 3]), tensor([4, 5]))
    """
    if input.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    axis = _wrap_dim(dim, input.ndim)
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {spec.ndim} dims"
            )
        spec = spec.item() if spec.ndim == 0 else spec.tolist()
    if isinstance(spec, (list, tuple)):
        return _pieces(input, axis, [int(i) for i in spec])
    if not isinstance(spec, (int, np.integer)) or isinstance(spec, bool):
        raise TypeError(
            "tensor_split() received an invalid combination of arguments - got (Tensor, "
            f"{type_name(spec)}), but expected one of:\n"
            " * (Tensor input, tuple of ints indices, int dim = 0)\n"
            " * (Tensor input, Tensor tensor_indices_or_sections, int dim = 0)\n"
            " * (Tensor input, int sections, int dim = 0)\n"
        )
    if spec <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {spec}")
    n = input.shape[axis]
    size, extra = divmod(n, int(spec))
    bounds = [i * size + min(i, extra) for i in range(1, int(spec))]
    return _pieces(input, axis, bounds)


def _split_along(name: str, input: Tensor, spec, dim: int, min_dims: int) -> tuple:
    if input.ndim < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a "
            f"tensor with {input.ndim} dimensions!"
        )
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        n = input.shape[dim]
        if spec == 0 or n % spec:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {n} is not divisible by the split_size {spec}!"
            )
    return tensor_split(input, spec, dim)


def hsplit(input: Tensor, indices_or_sections) -> tuple:
    """Split along dimension 1 (dimension 0 of a 1-D tensor) into equal pieces or at indices.

    Args:
        input: a tensor of at least one dimension.
        indices_or_sections: the number of equal pieces, or a list of indices.

    >>> torch.hsplit(torch.arange(4), [1])
    (tensor([0]), tensor([1, 2, 3]))
    """
    return _split_along("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input: Tensor, indices_or_sections) -> tuple:
    """Split along dimension 0 into equal pieces or at indices (2-D or more).

    Args:
        input: a tensor of at least two dimensions.
        indices_or_sections: the number of equal pieces, or a list of indices.

    >>> torch.vsplit(torch.arange(4.0).reshape(2, 2), 2)
    (tensor([[0., 1.]]), tensor([[2., 3.]]))
    """
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input: Tensor, indices_or_sections) -> tuple:
    """Split along dimension 2 into equal pieces or at indices (3-D or more).

    Args:
        input: a tensor of at least three dimensions.
        indices_or_sections: the number of equal pieces, or a list of indices.

    >>> [t.shape for t in torch.dsplit(torch.zeros(1, 2, 4), [3])]
    [torch.Size([1, 2, 3]), torch.Size([1, 2, 1])]
    """
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


def atleast_3d(*tensors):
    """Each tensor with at least three dimensions: 0-d as ``(1, 1, 1)``, 1-d ``(n,)`` as
    ``(1, n, 1)``, 2-d ``(m, n)`` as ``(m, n, 1)``.

    Args:
        tensors: one tensor (the result is a tensor), or several or a sequence (a tuple).

    >>> torch.atleast_3d(torch.tensor([1.0, 2.0])).shape
    torch.Size([1, 2, 1])
    """
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return _at_least_3d(tensors[0])
    if len(tensors) == 1:
        tensors = tuple(tensors[0])
    return tuple(_at_least_3d(t) for t in tensors)


def _at_least_3d(t: Tensor) -> Tensor:
    if t.ndim == 0:
        return reshape(t, 1, 1, 1)
    if t.ndim == 1:
        return reshape(t, 1, -1, 1)
    return t.unsqueeze(-1) if t.ndim == 2 else t


def _non_empty(name: str, tensors) -> list:
    _tensor_list(name, tensors)
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def column_stack(tensors) -> Tensor:
    """Join ``tensors`` as columns: 0-d and 1-d tensors become columns, then ``hstack``.

    Args:
        tensors: a non-empty sequence of tensors.

    >>> torch.column_stack([torch.tensor([1, 2]), torch.tensor([[3], [4]])])
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = _non_empty("column_stack", tensors)
    return cat([reshape(t, -1, 1) if t.ndim < 2 else t for t in tensors], 1)


def dstack(tensors) -> Tensor:
    """Join ``tensors`` along dimension 2, after ``atleast_3d``.

    Args:
        tensors: a non-empty sequence of tensors.

    >>> torch.dstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
    tensor([[[1, 3],
             [2, 4]]])
    """
    tensors = _non_empty("dstack", tensors)
    return cat([_at_least_3d(t) for t in tensors], 2)


def tile(input: Tensor, *dims) -> Tensor:
    """``input`` repeated ``dims[i]`` times along each dimension; a ``dims`` shorter than
    ``input.ndim`` is padded with ones in front.

    Args:
        input: the tensor.
        dims: the number of copies per dimension, as one sequence or as integers.

    >>> torch.tile(torch.tensor([[1, 2]]), (2,))
    tensor([[1, 2, 1, 2]])
    """
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = tuple(dims[0])
    dims = tuple(int(d) for d in dims)
    dims = (1,) * (input.ndim - len(dims)) + dims
    return input.repeat(dims)


def _repeat_counts(repeats, n: int) -> np.ndarray:
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dtype.category > 1:
            raise NotImplementedError(
                f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype.legacy}'"
            )
        counts = repeats._data.astype(np.int64).reshape(-1)
        if (counts < 0).any():
            raise RuntimeError("repeats can not be negative")
        if counts.size == 1:
            return np.full(n, counts[0])
        if counts.size != n:
            return counts  # the caller names the mismatch
        return counts
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    return np.full(n, int(repeats))


def repeat_interleave(input: Tensor, repeats=None, dim=None, *, output_size=None) -> Tensor:
    """Repeat each element (or slice along ``dim``) ``repeats`` times in place.

    With only a tensor of counts, ``torch.repeat_interleave(counts)`` gives the indices
    ``i`` repeated ``counts[i]`` times.

    Args:
        input: the tensor (flattened when ``dim`` is None).
        repeats: an int, or a tensor of counts (one per slice, or one for all).
        dim: the dimension to repeat along.
        output_size: the total length along ``dim`` (accepted; it is computed anyway).

    >>> torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    """
    if repeats is None:
        counts = _repeat_counts(input, input.numel())
        return Tensor._make(np.repeat(np.arange(counts.size), counts))
    if dim is None:
        input, axis = input.reshape(-1), 0
    else:
        axis = _wrap_dim(dim, max(input.ndim, 1))
        if input.ndim == 0:
            input = input.reshape(1)
    n = input.shape[axis]
    counts = _repeat_counts(repeats, n)
    if counts.size != n:
        raise RuntimeError(
            "repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{counts.size} and input.size({axis}) = {n}"
        )
    index = Tensor._make(np.repeat(np.arange(n), counts))
    return index_select(input, axis, index)


def broadcast_shapes(*shapes) -> Size:
    """The shape that tensors of ``shapes`` broadcast to.

    Args:
        shapes: shapes (tuples of ints, or ints for 1-d shapes).

    >>> torch.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    result: list[int] = []
    for index, shape in enumerate(shapes):
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if any(size < 0 for size in shape):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
        for i in range(1, len(shape) + 1):
            size = shape[-i]
            if i > len(result):
                result.insert(0, size)
            elif result[-i] == 1:
                result[-i] = size
            elif size not in (1, result[-i]):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {size} at -{i}! Mismatching "
                    f"argument at index {index} had {shape}; but expected shape should be "
                    f"broadcastable to [{', '.join(map(str, result))}]"
                )
    return Size(result)


def broadcast_tensors(*tensors) -> tuple:
    """The tensors expanded (as views) to their common broadcast shape.

    Args:
        tensors: any number of tensors.

    >>> [t.shape for t in torch.broadcast_tensors(torch.ones(2, 1), torch.ones(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        from .primitive import check_broadcast

        check_broadcast(tensors)
        raise
    return tuple(expand(t, shape) for t in tensors)


def unravel_index(indices: Tensor, shape) -> tuple:
    """The coordinates in a tensor of ``shape`` of each flat index (wrapped around, as
    PyTorch's: ``-1`` is the last element).

    Args:
        indices: an integer tensor of flat indices.
        shape: the shape (a tuple of ints, or an int).

    >>> torch.unravel_index(torch.tensor([4, 1]), (2, 3))
    (tensor([1, 0]), tensor([1, 1]))
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"expected 'indices' to be a tensor, but got {type_name(indices)}")
    if indices.dtype.category > 1 or indices.dtype.name == "bool":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    flat = indices._data.astype(np.int64)
    coords = []
    for size in reversed(shape):
        coords.append(np.mod(flat, size) if size else np.zeros_like(flat))
        flat = np.floor_divide(flat, size) if size else flat
    return tuple(Tensor._make(np.asarray(c)) for c in reversed(coords))


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dimensions: a transposed view, for real tensors.

    Args:
        input: a tensor of at least two dimensions.

    >>> torch.adjoint(torch.tensor([[1.0, 2.0]]))
    tensor([[1.],
            [2.]])
    """
    if input.ndim < 2:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of matrices. Got "
            f"{input.ndim}-D tensor."
        )
    return input.transpose(-2, -1)


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow`` as a new tensor rather than a view.

    Args:
        input: the tensor.
        dim: the dimension to narrow.
        start: the first index kept.
        length: how many are kept.

    >>> torch.narrow_copy(torch.arange(6).reshape(2, 3), 1, 1, 2)
    tensor([[1, 2],
            [4, 5]])
    """
    return narrow(input, dim, start, length).clone()


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A square matrix with the flattened ``input`` on its ``offset`` diagonal.

    Args:
        input: the tensor (flattened).
        offset: the diagonal: 0 the main one, > 0 above, < 0 below.

    >>> torch.diagflat(torch.tensor([[1, 2]]), 1)
    tensor([[0, 1, 0],
            [0, 0, 2],
            [0, 0, 0]])
    """
    from .shape.reorder import diag

    return diag(input.reshape(-1), offset)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The length-``r`` combinations of a 1-d tensor's elements, one per row (as
    ``itertools.combinations``, or ``combinations_with_replacement``).

    Args:
        input: a 1-d tensor.
        r: the length of each combination.
        with_replacement: whether an element may repeat.

    >>> torch.combinations(torch.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    if input.ndim != 1:
        raise RuntimeError(
            f"Expect a 1D vector, but got shape [{', '.join(map(str, input.shape))}]"
        )
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return index_select(input, 0, Tensor._make(constant(np.zeros(0, np.int64))))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return index_select(input, 0, Tensor._make(rows.reshape(-1))).reshape(-1, r)


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """The windows of ``size`` elements along ``dimension``, ``step`` apart, in a new last
    dimension (a copy here; PyTorch returns a view).

    Args:
        dimension: the dimension the windows slide along.
        size: the length of each window.
        step: the distance between window starts, ``> 0``.

    >>> torch.arange(7.0).unfold(0, 3, 2)
    tensor([[0., 1., 2.],
            [2., 3., 4.],
            [4., 5., 6.]])
    """
    axis = _wrap_dim(dimension, max(self.ndim, 1))
    n = self.shape[axis] if self.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.ndim == 0:
        return self.reshape(1)
    count = (n - size) // step + 1
    index = (np.arange(count)[:, None] * step + np.arange(size)).reshape(-1)
    picked = index_select(self, axis, Tensor._make(index.astype(np.int64)))
    shape = self.shape[:axis] + (count, size) + self.shape[axis + 1 :]
    return picked.reshape(shape).movedim(axis + 1, -1)


__all__ = """tensor_split hsplit vsplit dsplit atleast_3d column_stack dstack tile
    repeat_interleave broadcast_shapes broadcast_tensors unravel_index adjoint narrow_copy
    diagflat combinations""".split()
METHODS = {
    **{
        name: globals()[name]
        for name in """tensor_split hsplit vsplit dsplit tile
        repeat_interleave adjoint narrow_copy diagflat""".split()
    },
    "unfold": unfold,
}
