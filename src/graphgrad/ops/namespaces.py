"""The functions rules call that are not one primitive, in both namespaces.

A rule calls ``xp.<name>``: a primitive's name gives the primitive (see ``Namespace``). The
names here are the rest, each written for tensors and for arrays side by side: views and
reshapes (on tensors, the public methods, which track views), and the places where NumPy and
PyTorch differ.

>>> import graphgrad as torch
>>> import numpy as np
>>> from graphgrad.autograd.namespace import ARRAYS, TENSORS
>>> ARRAYS.sum(np.ones((2, 3)), 1, keepdim=True).shape, TENSORS.sum(torch.ones(2, 3), 1).shape
((2, 1), torch.Size([2]))
"""

from __future__ import annotations

import math

import numpy as np

from ..autograd.namespace import ARRAYS, TENSORS
from ..dtypes import from_numpy_dtype
from ..tensor import Tensor
from . import broadcast
from .array_step import constant
from .elementwise import _pow0, floor_divide, where
from .index.slicing import _select_view, slice_view
from .linalg.matmul import matmul
from .linalg.products import matmul_arrays, mm
from .shape.join import cat, stack
from .shape.reorder import diagonal


def via_tensors(fn):
    """``fn`` (a function of tensors) for the ``ARRAYS`` namespace: its array arguments wrapped
    as tensors, its result unwrapped. For the few rules whose calls have argument handling
    that no array form repeats (a convolution's output padding): the same code, so the same
    bits, at the cost of the wrappers; the engine runs the array path with grad mode off."""

    def on_arrays(*args, **kwargs):
        out = fn(*map(_wrapped, args), **{k: _wrapped(v) for k, v in kwargs.items()})
        return out._data if isinstance(out, Tensor) else out

    return on_arrays


def _wrapped(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return Tensor._make(constant(np.asarray(value)))
    if isinstance(value, (list, tuple)):
        return type(value)(_wrapped(v) for v in value)
    return value


def _as_tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor._make(constant(np.asarray(value)))


def _as_array(value) -> np.ndarray:
    return value._data if isinstance(value, Tensor) else np.asarray(value)


# asarray(value): a tensor parameter (where's condition) or an array the rule computed with
# NumPy (a mask), as the namespace's kind
TENSORS.asarray = _as_tensor
ARRAYS.asarray = _as_array

# where(condition, a, b)
TENSORS.where = where
ARRAYS.where = np.where

# pow(x, exponent): on arrays x**1 is x itself, with no call (``x**2``'s first-order backward,
# the most common power, asks for it); on tensors the primitive, so that a graph is recorded
ARRAYS.pow = lambda x, exponent: x if exponent == 1 else _pow0.forward(x, exponent=exponent)

# floor_divide(a, b): not a primitive (it has no gradient)
TENSORS.floor_divide = floor_divide
ARRAYS.floor_divide = np.floor_divide

# zeros_like(grad): a new +0.0 gradient, recorded by nothing (PyTorch's zeros_like rule); a
# constant of a compiled call's recording (its shape and dtype are guarded)
TENSORS.zeros_like = lambda x: Tensor._make(constant(np.zeros_like(x._data)))
ARRAYS.zeros_like = np.zeros_like

# zeros(shape, like): +0.0 of ``like``'s dtype, recorded by nothing
TENSORS.zeros = lambda shape, like: Tensor._make(constant(np.zeros(shape, like._data.dtype)))
ARRAYS.zeros = lambda shape, like: np.zeros(shape, like.dtype)

# eye(n, like): the identity in ``like``'s dtype
TENSORS.eye = lambda n, like: Tensor._make(constant(np.eye(n, dtype=like._data.dtype)))
ARRAYS.eye = lambda n, like: np.eye(n, dtype=like.dtype)

# sum(x, dim, keepdim): over one dim, a tuple of dims, or (dim None) all of them
TENSORS.sum = lambda x, dim=None, keepdim=False: (
    x.sum() if dim is None else x.sum(dim, keepdim=keepdim)
)
ARRAYS.sum = lambda x, dim=None, keepdim=False: np.sum(x, axis=dim, keepdims=keepdim)

# mean(x, dim, keepdim)
TENSORS.mean = lambda x, dim, keepdim=False: x.mean(dim, keepdim=keepdim)
ARRAYS.mean = lambda x, dim, keepdim=False: ARRAYS.mean_dim(
    x, axes=dim, keepdim=keepdim, dtype=None
)

_SMALL_EXPAND = 1024  # elements: below this a filled array is cheaper to make than a view


def _expanded(x: np.ndarray, shape: tuple) -> np.ndarray:
    """``x`` broadcast to ``shape``: a new array when small (0.5 us against np.broadcast_to's
    2.7 us for a 3x3 sum's gradient; every later use reads the values, never the view), else
    a read-only view (no copy of a large gradient)."""
    if math.prod(shape) > _SMALL_EXPAND:
        return np.broadcast_to(x, shape)
    out = np.empty(shape, x.dtype)
    out[...] = x  # (raises as np.broadcast_to does for shapes that do not broadcast)
    return out


# shapes
TENSORS.reshape = lambda x, shape: x.reshape(shape)
ARRAYS.reshape = np.reshape
TENSORS.expand = lambda x, shape: x.expand(shape)
ARRAYS.expand = lambda x, shape: _expanded(x, shape)
TENSORS.sum_to_size = lambda x, shape: x.sum_to_size(shape)
ARRAYS.sum_to_size = broadcast.sum_to_size
TENSORS.squeeze = lambda x, dim: x.squeeze(dim)
ARRAYS.squeeze = np.squeeze
TENSORS.unsqueeze = lambda x, dim: x.unsqueeze(dim)
ARRAYS.unsqueeze = np.expand_dims

# views: on tensors the functions that track them (on arrays the primitives' forwards)
TENSORS.select = lambda x, axis, index, dim: _select_view(x, axis, index, dim)
TENSORS.slice = lambda x, dim, axis, start, end, step: slice_view(x, dim, start, end, step, axis)

TENSORS.diagonal = lambda x, offset, dim1, dim2, **_: diagonal(x, offset, dim1, dim2)

# joins: cat(xs, dim), stack(xs, dim)
TENSORS.cat = cat
ARRAYS.cat = np.concatenate
TENSORS.stack = stack
ARRAYS.stack = np.stack

# transposes (0-d and 1-d tensors transpose to themselves)
TENSORS.transpose = lambda x, dim0, dim1: x.transpose(dim0, dim1)
ARRAYS.transpose = lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1) if x.ndim else x
TENSORS.t = lambda x: x.t()
ARRAYS.t = lambda x: x.T
TENSORS.mT = lambda x: x.mT
ARRAYS.mT = lambda x: x.T if x.ndim == 2 else x.swapaxes(-2, -1)  # (.T: the quick form)
TENSORS.permute = lambda x, dims: x.permute(dims)
ARRAYS.permute = np.transpose

# mm: on tensors the public function, which records the strides its node's rules read
TENSORS.mm = mm
ARRAYS.mm = matmul_arrays
TENSORS.matmul = matmul
ARRAYS.matmul = matmul_arrays

# dtype_of(x): x's graphgrad dtype (the engine casts a gradient to its input's dtype)
TENSORS.dtype_of = lambda x: x.dtype
ARRAYS.dtype_of = lambda x: from_numpy_dtype(x.dtype)
