"""Tensors combined or read by their structure: kron, block_diag, trace, cross, rot90.

Each is a short composition of graphgrad's differentiable ops (reshape, cat, diagonal, sum,
select, flip, transpose), so gradients of every order come from those ops.

>>> import graphgrad as torch
>>> torch.kron(torch.eye(2), torch.tensor([[1, 2], [3, 4]]))
tensor([[1., 2., 0., 0.],
        [3., 4., 0., 0.],
        [0., 0., 1., 2.],
        [0., 0., 3., 4.]])
"""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from .. import dtypes
from ..tensor import Tensor, _wrap_dim
from .array_step import constant
from .broadcast import broadcast_shapes
from .convert import to
from .elementwise import mul, sub
from .index.slicing import select
from .primitive import LINEAR, Primitive, apply
from .shape.core import reshape
from .shape.join import cat, stack
from .shape.reorder import flip
from .shape.transpose import transpose

_CROSS_DIM = (
    "Using torch.cross without specifying the dim arg is deprecated.\n"
    "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
    "The default value of dim will change to agree with that of linalg.cross in a future "
    "release."
)


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: ``other`` scaled by each element of ``input``, tiled.

    Args:
        input: a tensor.
        other: a tensor; the one with fewer dims gets leading dims of size 1.

    >>> import graphgrad as torch
    >>> torch.kron(torch.tensor([1, 10]), torch.tensor([1, 2, 3]))
    tensor([ 1,  2,  3, 10, 20, 30])
    """
    ndim = max(input.ndim, other.ndim)
    a_shape = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.ndim) + tuple(other.shape)
    # a as (a0, 1, a1, 1, ...) times b as (1, b0, 1, b1, ...): element (i0, j0, i1, j1, ...)
    a = reshape(input, [s for n in a_shape for s in (n, 1)])
    b = reshape(other, [s for n in b_shape for s in (1, n)])
    return reshape(mul(a, b), [m * n for m, n in zip(a_shape, b_shape)])


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors as the blocks of a block-diagonal matrix, zeros elsewhere.

    Args:
        tensors: tensors of at most 2 dims (a 0-d one is a 1 x 1 block, a 1-d one a row);
            the result has their promoted dtype.

    >>> import graphgrad as torch
    >>> torch.block_diag(torch.tensor([[1, 2]]), torch.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {t.ndim} dimensions"
            )
    if not tensors:
        return Tensor._make(constant(np.zeros((1, 0), dtype=dtypes.get_default_dtype().np)))
    dt = dtypes.result_type(*tensors)
    blocks = [reshape(to(t, dt), (1, -1) if t.ndim < 2 else tuple(t.shape)) for t in tensors]
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        pad_left = Tensor._make(constant(np.zeros((r, left), dtype=dt.np)))
        pad_right = Tensor._make(constant(np.zeros((r, width - left - c), dtype=dt.np)))
        rows.append(cat([pad_left, b, pad_right], 1))
        left += c
    return cat(rows, 0)


def _trace_forward(a: np.ndarray, **_) -> np.ndarray:
    # the diagonal summed as ``sum`` sums; integers widen to int64
    wide = np.dtype(np.int64) if a.dtype.kind in "biu" else None
    return np.add.reduce(np.diagonal(a), axis=None, dtype=wide)


def _trace_rule(grad, self_sym_sizes, xp):
    # grad on the diagonal, +0.0 elsewhere (PyTorch fills zeros, then the diagonal)
    rows, cols = self_sym_sizes
    on_diagonal = xp.asarray(np.eye(rows, cols, dtype=bool))
    return xp.where(on_diagonal, grad, xp.zeros(self_sym_sizes, grad))


_trace = Primitive(
    "trace",
    "TraceBackward0",
    _trace_forward,
    self=_trace_rule,
    attrs=("self_sym_sizes",),
    jvp=LINEAR,
)


def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's main diagonal (integers sum to int64).

    Args:
        input: a 2-d tensor.

    >>> import graphgrad as torch
    >>> torch.trace(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor(5.)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype == dtypes.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return apply(_trace, input, self_sym_sizes=input._data.shape)


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along ``dim``, broadcasting the other dims.

    Args:
        input: a tensor with a dim of size 3.
        other: a tensor broadcastable with ``input``, of size 3 along ``dim``.
        dim: the dim holding the vectors. None (deprecated, with PyTorch's warning) picks
            the first dim of size 3.

    >>> import graphgrad as torch
    >>> torch.cross(torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0]), dim=0)
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        warnings.warn(_CROSS_DIM, UserWarning, stacklevel=2)
        dim = next((d for d, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    dim = _wrap_dim(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. "
            f"Got {input.shape[dim]} and {other.shape[dim]}"
        )
    broadcast_shapes(tuple(input.shape), tuple(other.shape))  # PyTorch's error, up front
    a = [select(input, dim, i) for i in range(3)]
    b = [select(other, dim, i) for i in range(3)]
    # component i: a[i+1] * b[i+2] - a[i+2] * b[i+1] (indices mod 3)
    parts = [
        sub(mul(a[(i + 1) % 3], b[(i + 2) % 3]), mul(a[(i + 2) % 3], b[(i + 1) % 3]))
        for i in range(3)
    ]
    return stack(parts, dim)


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """``input`` rotated by ``k`` quarter turns in the plane of ``dims``, from the first
    dim towards the second.

    Args:
        input: a tensor of at least 2 dims.
        k: the number of quarter turns (negative turns the other way).
        dims: the two different dims of the plane.

    >>> import graphgrad as torch
    >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (_wrap_dim(d, input.ndim) for d in dims)  # IndexError first, as PyTorch
    if dims[0] == dims[1] or abs(dims[0] - dims[1]) == input.ndim:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}"
        )
    turns = k % 4
    if turns == 1:
        return transpose(flip(input, d1), d0, d1)
    if turns == 2:
        return flip(input, d0, d1)
    if turns == 3:
        return transpose(flip(input, d0), d0, d1)
    return input.clone()


METHODS = {name: globals()[name] for name in ("kron", "trace", "cross", "rot90")}
__all__ = [*METHODS, "block_diag"]
