"""Reductions: sum, mean and friends, with ``dim`` / ``keepdim`` and their backward rules.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.sum(1, keepdim=True).grad_fn.name()
'SumBackward1'
"""

from __future__ import annotations

import numpy as np

from ..dtypes import _FLOAT
from ..tensor import Tensor, _wrap_dim
from .primitive import Primitive, apply


def normalize_dims(dim, ndim: int) -> tuple[int, ...]:
    """``dim`` (an int, a sequence or None for all) as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),)
    return tuple(sorted(_wrap_dim(int(d), ndim) for d in dim))


def expand_reduced(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast the gradient of a reduction back to the input's shape."""
    if not keepdim and g.ndim != len(shape):
        for d in dims:
            g = g.unsqueeze(d)
    return g.expand(shape)


def _sum_forward(a, dim, keepdim, dtype, **_):
    return np.sum(a, axis=dim, keepdims=keepdim, dtype=dtype)


_sum0 = Primitive(
    "sum", "SumBackward0",
    lambda a, dtype, **_: np.sum(a, dtype=dtype),
    (lambda g, s: g.expand(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
)
_sum1 = Primitive(
    "sum_dim", "SumBackward1",
    _sum_forward,
    (lambda g, s: expand_reduced(g, s["self_sym_sizes"], s["dim"], s["keepdim"]),),
    attrs=("dim", "keepdim", "self_sym_sizes"),
)


def _sum_dtype(input: Tensor, dtype) -> np.dtype | None:
    if dtype is not None:
        return dtype.np
    if input.dtype.category < _FLOAT:
        return np.dtype(np.int64)
    return None


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """Sum of all elements, or over ``dim`` (torch.sum)."""
    np_dtype = _sum_dtype(input, dtype)
    if dim is None:
        return apply(_sum0, input, dtype=np_dtype, self_sym_sizes=input._data.shape)
    dims = normalize_dims(dim, input.ndim)
    return apply(_sum1, input, dim=dims, keepdim=keepdim, dtype=np_dtype,
                 self_sym_sizes=input._data.shape)


def sum_to_size(input: Tensor, *size) -> Tensor:
    """Sum broadcast dimensions away so the result has ``size`` (how the engine undoes them)."""
    shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else tuple(size)
    if input._data.shape == shape:
        return input
    lead = input.ndim - len(shape)
    if lead < 0 or any(s != 1 and s != d for s, d in zip(shape, input._data.shape[lead:])):
        raise RuntimeError(f"size {{{', '.join(map(str, shape))}}} is not expandable to size "
                           f"{{{', '.join(map(str, input.shape))}}}.")
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and input._data.shape[lead + i] != 1
    )
    out = sum(input, dims, keepdim=True)
    return out.reshape(shape) if lead else out


def _mean_check(input: Tensor, dtype) -> None:
    if dtype is None and input.dtype.category < _FLOAT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.legacy}"
        )


_mean0 = Primitive(
    "mean", "MeanBackward0",
    lambda a, **_: np.mean(a, dtype=a.dtype),
    (lambda g, s: g.expand(s["self_sym_sizes"]) / s["self_sym_numel"],),
    attrs=("self_sym_numel", "self_sym_sizes"),
)
_mean1 = Primitive(
    "mean_dim", "MeanBackward1",
    lambda a, dim, keepdim, **_: np.mean(a, axis=dim, keepdims=keepdim, dtype=a.dtype),
    (lambda g, s: expand_reduced(g, s["self_sym_sizes"], s["dim"], s["keepdim"])
     / s["count"],),
    attrs=("dim", "keepdim", "self_sym_numel", "self_sym_sizes"),
)


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean of all elements, or over ``dim`` (torch.mean)."""
    _mean_check(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    shape = input._data.shape
    if dim is None:
        return apply(_mean0, input, self_sym_sizes=shape, self_sym_numel=input._data.size)
    dims = normalize_dims(dim, input.ndim)
    count = int(np.prod([shape[d] for d in dims])) if dims else 1
    return apply(_mean1, input, dim=dims, keepdim=keepdim, self_sym_sizes=shape,
                 self_sym_numel=input._data.size, count=count)
