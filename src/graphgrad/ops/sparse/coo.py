"""The sparse COO tensor: an ``indices`` array (int64, ``(sparse_dim, nnz)``) and a ``values``
array (``(nnz, *dense_shape)``) standing for a tensor of ``size`` that is zero elsewhere.

``SparseTensor`` is a ``Tensor`` (``isinstance`` and ``torch.is_tensor`` hold, as in PyTorch),
and its ``_data`` is ``NO_ARRAY``, a stand-in that raises NotImplementedError at any use. Dense
code therefore needs no check for sparse operands: an op given one fails before computing
anything, and ``apply`` (ops/primitive.py) turns that failure into the op's sparse kernel or
PyTorch's error naming the op. The few ``Tensor`` members that read ``_data`` and have a sparse
meaning (``shape``, ``numel``, ``detach``, printing...) are overridden here.

Sparse tensors never require grad: gradients flow through sparse products to their dense
operands only (docs/sparse.md).

>>> import graphgrad as torch
>>> s = torch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
>>> s.shape, s.is_sparse, s._nnz()
(torch.Size([2, 2]), True, 2)
"""

from __future__ import annotations

import numpy as np

from ... import _printing
from ..._layout import sparse_coo
from ...dtypes import from_numpy_dtype
from ...tensor import Size, Tensor, _wrap_dim
from ..primitive import not_on_sparse

NO_GRAD = (
    "graphgrad's sparse tensors cannot require grad: gradients flow through sparse products "
    "to their dense operands only (docs/sparse.md)"
)


def _refuse(*args, **kwargs):
    raise not_on_sparse()


class _NoArray:
    """A sparse tensor's ``_data``: every use raises NotImplementedError (attributes, NumPy's
    array protocols, ufuncs and functions, operators, conversions)."""

    __slots__ = ()
    __array__ = __array_ufunc__ = __array_function__ = _refuse
    __hash__ = object.__hash__

    def __getattr__(self, name: str):
        if name.startswith("__"):  # a probe (NumPy's, inspect's): it is not there
            raise AttributeError(name)
        _refuse()

    def __repr__(self) -> str:
        return "<no array: a sparse tensor's data>"


# Python's operators and conversions look methods up on the class: refuse each of them too.
for _name in (
    "add sub mul matmul truediv floordiv mod pow and or xor lshift rshift "
    "radd rsub rmul rmatmul rtruediv rfloordiv rmod rpow rand ror rxor "
    "eq ne lt le gt ge neg pos abs invert len iter getitem setitem bool float int index"
).split():
    setattr(_NoArray, f"__{_name}__", _refuse)

NO_ARRAY = _NoArray()


class SparseTensor(Tensor):
    """A sparse COO tensor (``layout=torch.sparse_coo``); make one with
    ``torch.sparse_coo_tensor`` or ``Tensor.to_sparse``.

    >>> torch.eye(2).to_sparse()
    tensor(indices=tensor([[0, 1],
                           [0, 1]]),
           values=tensor([1., 1.]),
           size=(2, 2), nnz=2, layout=torch.sparse_coo)
    """

    __slots__ = ("_coalesced", "_idx", "_size", "_vals")
    _idx: np.ndarray  # int64, (sparse_dim, nnz)
    _vals: np.ndarray  # (nnz, *dense_shape)
    _size: tuple[int, ...]
    _coalesced: bool  # indices sorted and unique (PyTorch's flag: set, never inferred)

    is_sparse = True
    layout = sparse_coo

    # -- shape ----------------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension (sparse ones first, then dense ones)."""
        return Size(self._size)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of dimension ``dim``."""
        if dim is None:
            return Size(self._size)
        return self._size[_wrap_dim(dim, len(self._size))]

    def dim(self) -> int:
        """The number of dimensions."""
        return len(self._size)

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return len(self._size)

    def numel(self) -> int:
        """The number of elements of the tensor it stands for, zeros included."""
        return int(np.prod(self._size, dtype=np.int64))

    nelement = numel

    def __len__(self) -> int:
        if not self._size:
            raise TypeError("len() of a 0-d tensor")
        return self._size[0]

    def is_contiguous(self, memory_format=None) -> bool:
        """False: a sparse tensor has no strided storage."""
        return False

    def storage_offset(self) -> int:
        """0, as in PyTorch (there is no strided storage to be offset in)."""
        return 0

    # -- new tensors "like" this one: PyTorch makes sparse ones; graphgrad refuses, rather than
    # hand back a dense tensor where a program expects a sparse one
    new_zeros = new_ones = new_empty = new_full = _refuse

    # -- autograd: never part of a graph ---------------------------------------------------------
    def _set_requires_grad(self, flag: bool, dtype_message: str) -> None:
        if flag:
            raise NotImplementedError(NO_GRAD)

    @property
    def data(self) -> SparseTensor:
        """This tensor, detached (it never is in a graph)."""
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
        raise NotImplementedError("graphgrad cannot replace a sparse tensor's data in place")

    def detach(self) -> SparseTensor:
        """A sparse tensor sharing this one's indices and values."""
        return make_sparse(self._idx, self._vals, self._size, self._coalesced)

    # -- conversions that have no sparse meaning -------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """Refused as in PyTorch: convert with ``to_dense()`` first."""
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.numpy()

    def tolist(self):
        """Refused as in PyTorch: a sparse tensor has no storage to read."""
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    data_ptr = tolist

    def item(self):
        """The value of a one-element sparse tensor."""
        return self.to_dense().item()

    def type(self, dtype=None, non_blocking: bool = False):
        """The type name (``'torch.sparse.FloatTensor'``), or this tensor cast to ``dtype``."""
        if dtype is None:
            return f"torch.sparse.{self.dtype.legacy}Tensor"
        return self.to(dtype)

    # -- printing and copying --------------------------------------------------------------------
    def __repr__(self, *, tensor_contents=None) -> str:  # type: ignore[override]
        return _printing.sparse_repr(self, self._idx, self._vals)

    def __format__(self, spec: str) -> str:
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (make_sparse, (self._idx.copy(), self._vals.copy(), self._size, self._coalesced))

    def __deepcopy__(self, memo):
        copy = make_sparse(self._idx.copy(), self._vals.copy(), self._size, self._coalesced)
        memo[id(self)] = copy
        return copy


def make_sparse(
    indices: np.ndarray, values: np.ndarray, size: tuple, coalesced: bool
) -> SparseTensor:
    """Wrap checked arrays as a sparse tensor without copying (the internal constructor)."""
    t = object.__new__(SparseTensor)
    t._data = NO_ARRAY  # type: ignore[assignment]
    t.dtype = from_numpy_dtype(values.dtype)
    t._requires_grad = False
    t.grad_fn = None
    t._vc = None
    t._idx = indices
    t._vals = values
    t._size = tuple(size)
    t._coalesced = coalesced
    return t


def linear_index(indices: np.ndarray, size: tuple) -> np.ndarray:
    """Each entry's position in the row-major order of the sparse dimensions."""
    sparse_size = size[: indices.shape[0]]
    if not sparse_size:
        return np.zeros(indices.shape[1], np.int64)
    return np.ravel_multi_index(tuple(indices), sparse_size)


def coalesced_arrays(t: SparseTensor) -> tuple[np.ndarray, np.ndarray]:
    """``t``'s indices sorted and unique, with each one's values summed in entry order (the
    order PyTorch adds them in: the same bits)."""
    sparse_size = t._size[: t._idx.shape[0]]
    if t._coalesced:
        return t._idx, t._vals
    keys, first, inverse = np.unique(
        linear_index(t._idx, t._size), return_index=True, return_inverse=True
    )
    values = np.zeros((len(keys), *t._vals.shape[1:]), t._vals.dtype)
    np.add.at(values, inverse, t._vals)  # in entry order, starting from zero
    if not sparse_size:
        return t._idx[:, first], values
    return np.stack(np.unravel_index(keys, sparse_size)).astype(np.int64), values


def dense_array(t: SparseTensor) -> np.ndarray:
    """The dense array ``t`` stands for, duplicates added in entry order (as PyTorch adds them:
    the same bits)."""
    out = np.zeros(t._size, t._vals.dtype)
    sparse_dim = t._idx.shape[0]
    np.add.at(by_position(out, sparse_dim), linear_index(t._idx, t._size), by_position(t._vals, 1))
    return out


def by_position(a: np.ndarray, sparse_dim: int) -> np.ndarray:
    """``a`` as a 2-D view: one row per position of its first ``sparse_dim`` dimensions (one
    per entry, for values), holding the rest."""
    positions = int(np.prod(a.shape[:sparse_dim], dtype=np.int64))
    return a.reshape(positions, int(np.prod(a.shape[sparse_dim:], dtype=np.int64)))


__all__ = [
    "NO_ARRAY",
    "NO_GRAD",
    "SparseTensor",
    "by_position",
    "coalesced_arrays",
    "dense_array",
    "make_sparse",
]
