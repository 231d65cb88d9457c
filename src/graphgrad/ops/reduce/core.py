"""Reductions: sum, nansum, mean, prod, logsumexp, cumsum, cumprod, all and any.

Every reduction takes PyTorch's ``dim`` / ``keepdim``; the node shows ``dim`` as PyTorch does
(the raw value, negative dims wrapped to 2**64 + d). Max/min-style reductions live in
``select``, statistics and norms in ``stats``.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.sum(1, keepdim=True).grad_fn.name()
'SumBackward1'
>>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
tensor([ 2., 12.])
"""

from __future__ import annotations

import numpy as np

from ...autograd.namespace import TENSORS
from ...dtypes import _FLOAT
from ...tensor import Tensor, _wrap_dim
from ..array_step import on_arrays
from ..broadcast import sum_to_dims
from ..elementwise import quiet, where
from ..primitive import LINEAR, Primitive, apply, bind_rule

_U64 = 2**64
# ``x.sum()`` is SumBackward0; an explicit ``dim`` (even None) selects the dim overload
NO_DIM = object()


# -- helpers shared by the reduction modules --------------------------------------------------
def normalize_dims(dim, ndim: int) -> tuple[int, ...]:
    """``dim`` (an int, a sequence, or None for all) as a sorted tuple of non-negative dims.

    An empty sequence means every dim, as in PyTorch 2.x reductions; a 0-d tensor accepts
    dim 0 / -1 and has no dim to reduce.
    """
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        w = _wrap_dim(int(d), ndim)
        if w in out:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(sorted(out)) if ndim else ()


def shown_dim(dim, as_tuple: bool = False):
    """``dim`` as a PyTorch node shows it: negative values as unsigned 64-bit (2**64 + d)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(int(d) % _U64 for d in dim)
    return (int(dim) % _U64,) if as_tuple else int(dim) % _U64


def restore_dims(g, ndim: int, dims: tuple, keepdim: bool, xp=TENSORS):
    """Re-insert the reduced dims (size 1) of a reduction's output or gradient."""
    if not keepdim and g.ndim != ndim:
        for d in dims:
            g = xp.unsqueeze(g, d)
    return g


def expand_reduced(grad, shape: tuple, dims: tuple, keepdim: bool, xp):
    """Broadcast the gradient of a reduction over ``dims`` back to the input's shape."""
    return xp.expand(restore_dims(grad, len(shape), dims, keepdim, xp), shape)


def reduced_count(shape: tuple, dims: tuple) -> int:
    """How many input elements each output element of a reduction over ``dims`` combines."""
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def int_to_long(input: Tensor, dtype) -> np.dtype | None:
    """The accumulation dtype of sum/prod/cumsum: integers and bools widen to int64."""
    if dtype is not None:
        return dtype.np
    if input.dtype.category < _FLOAT:
        return np.dtype(np.int64)
    return None


def _sum_rule(grad, self_sym_sizes, axes, keepdim, xp):
    return expand_reduced(grad, self_sym_sizes, axes, keepdim, xp)


def _reduction_jvp(rule):
    """The forward rule of a reduction whose backward rule is ``restore(g) * D(x)``: the tangent
    is ``sum(t * D)`` over the reduced dims, and ``D`` is the backward rule applied to ones."""

    rule = bind_rule(rule, TENSORS)

    def jvp(t: Tensor, s: dict) -> Tensor:
        x, result = s["self"], s["result"]
        d = rule(Tensor._make(np.ones(result._data.shape, result._data.dtype)), s)
        if x.ndim == 0:
            return t * d
        return sum(t * d, s.get("axes", tuple(range(x.ndim))), keepdim=s["keepdim"])

    return (jvp,)


# -- sum, nansum --------------------------------------------------------------------------------
_sum0 = Primitive(
    "sum",
    "SumBackward0",
    lambda a, dtype, **_: np.add.reduce(a, axis=None, dtype=dtype),  # (np.sum's own ufunc)
    self=lambda grad, self_sym_sizes, xp: xp.expand(grad, self_sym_sizes),
    attrs=("self_sym_sizes",),
    jvp=LINEAR,
)
_sum1 = Primitive(
    "sum_dim",
    "SumBackward1",
    lambda a, axes, keepdim, dtype, **_: np.add.reduce(a, axis=axes, keepdims=keepdim, dtype=dtype),
    self=_sum_rule,
    attrs=("dim", "keepdim", "self_sym_sizes"),
    jvp=LINEAR,
)


def sum(input: Tensor, dim=NO_DIM, keepdim: bool = False, *, dtype=None) -> Tensor:  # noqa: A001
    """The sum of all elements of ``input``, or over ``dim``; integers and bools sum to int64.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions to reduce; all of them when omitted.
        keepdim: keep the reduced dimensions, with size 1.
        dtype: the dtype to accumulate in and return.

    >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> torch.sum(x), torch.sum(x, dim=0)
    (tensor(10.), tensor([4., 6.]))
    >>> torch.sum(torch.tensor([[1, 2], [3, 4]]), 1, keepdim=True)
    tensor([[3],
            [7]])
    """
    np_dtype = int_to_long(input, dtype)
    if dim is NO_DIM and not keepdim:
        return apply(_sum0, input, dtype=np_dtype, self_sym_sizes=input._data.shape)
    dim = None if dim is NO_DIM else dim
    axes = normalize_dims(dim, input.ndim)
    return apply(
        _sum1,
        input,
        axes=axes,
        keepdim=keepdim,
        dtype=np_dtype,
        dim=shown_dim(dim, as_tuple=True),
        self_sym_sizes=input._data.shape,
    )


def _nansum_rule(grad, self, axes, keepdim, xp):
    return xp.where(self != self, 0.0, restore_dims(grad, self.ndim, axes, keepdim, xp))


_nansum = Primitive(
    "nansum",
    "NansumBackward0",
    quiet(lambda a, axes, keepdim, dtype, **_: np.nansum(a, axes, dtype, keepdims=keepdim)),
    self=_nansum_rule,
    attrs=("dim", "keepdim", "self"),
    jvp=_reduction_jvp(_nansum_rule),
)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The sum of ``input``'s elements (over ``dim``), counting NaN as zero.

    Args:
        input, dim, keepdim, dtype: as in ``sum``.

    >>> torch.nansum(torch.tensor([1.0, float("nan"), 2.0]))
    tensor(3.)
    """
    axes = normalize_dims(dim, input.ndim)
    return apply(
        _nansum,
        input,
        axes=axes,
        keepdim=keepdim,
        dtype=int_to_long(input, dtype),
        dim=shown_dim(dim, as_tuple=True),
    )


def sum_to_size(input: Tensor, *size) -> Tensor:
    """Sum broadcast dimensions away so that the result has ``size`` (how autograd
    undoes broadcasting).

    Args:
        input: the tensor; ``size`` must broadcast to its shape.
        size: the target shape, as integers or one tuple.

    >>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).sum_to_size(1, 2)
    tensor([[4., 6.]])
    """
    shape = tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else tuple(size)
    if input._data.shape == shape:
        return input
    dims = sum_to_dims(input._data.shape, shape)
    if not dims:
        return input.reshape(shape)
    out = sum(input, dims, keepdim=True)
    return out.reshape(shape) if len(shape) < input.ndim else out


# -- mean ---------------------------------------------------------------------------------------
def _mean_check(input: Tensor, dtype) -> None:
    if dtype is None and input.dtype.category < _FLOAT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.legacy}"
        )


def _mean_forward(a, dtype, axes=None, keepdim=False, **_):
    with np.errstate(all="ignore"):
        if a.size == 0 or reduced_count(a.shape, axes or ()) == 0:
            total = np.sum(a, axis=axes, keepdims=keepdim, dtype=dtype)
            return np.asarray(total / 0.0, dtype)
        return np.mean(a, axis=axes, keepdims=keepdim, dtype=dtype)


_mean0 = Primitive(
    "mean",
    "MeanBackward0",
    _mean_forward,
    self=lambda grad, self_sym_sizes, self_sym_numel, xp: (
        xp.expand(grad, self_sym_sizes) / self_sym_numel
    ),
    attrs=("self_sym_numel", "self_sym_sizes"),
    jvp=LINEAR,
)
_mean1 = Primitive(
    "mean_dim",
    "MeanBackward1",
    _mean_forward,
    self=lambda grad, self_sym_sizes, axes, keepdim, xp: (
        _sum_rule(grad, self_sym_sizes, axes, keepdim, xp) / reduced_count(self_sym_sizes, axes)
    ),
    attrs=("dim", "keepdim", "self_sym_numel", "self_sym_sizes"),
    jvp=LINEAR,
)


def mean(input: Tensor, dim=NO_DIM, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The arithmetic mean of all elements of ``input``, or over ``dim``.

    Args:
        input: a floating-point tensor (or pass ``dtype``).
        dim, keepdim, dtype: as in ``sum``.

    >>> torch.mean(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1)
    tensor([1.5000, 3.5000])
    """
    _mean_check(input, dtype)
    np_dtype = dtype.np if dtype is not None else input._data.dtype
    shape = input._data.shape
    if dim is NO_DIM and not keepdim:
        return apply(
            _mean0, input, dtype=np_dtype, self_sym_sizes=shape, self_sym_numel=input._data.size
        )
    dim = None if dim is NO_DIM else dim
    axes = normalize_dims(dim, input.ndim)
    return apply(
        _mean1,
        input,
        axes=axes,
        keepdim=keepdim,
        dtype=np_dtype,
        dim=shown_dim(dim, as_tuple=True),
        self_sym_sizes=shape,
        self_sym_numel=input._data.size,
    )


# -- prod ---------------------------------------------------------------------------------------
def _prod_others(x, result, axes: tuple, xp):
    """For each element, the product of the other elements of its slice, when x has zeros.

    A non-zero element gets result / x (zero when its slice has a zero, but its derivative
    flows through ``result``); the only zero of a slice gets the product of the rest; where a
    slice has two or more zeros they get 0 (exact to first order).
    """
    zero = x == 0
    safe = xp.where(zero, 1.0, x)
    dim = axes[0] if axes else 0
    nonzero_prod = xp.prod_dim(safe, axes=axes, keepdim=True, dtype=None, dim=dim)
    count = xp.sum(zero, axes, keepdim=True)
    return xp.where(zero, xp.where(count == 1, nonzero_prod, 0.0), result / safe)


def _prod_rule(grad, self, result, axes, keepdim, xp):
    if self.ndim == 0:
        return grad
    grad = restore_dims(grad, self.ndim, axes, keepdim, xp)
    result = restore_dims(result, self.ndim, axes, keepdim, xp)
    if not (self == 0).any():
        return grad * (result / self)
    return grad * _prod_others(self, result, axes, xp)


_prod0 = Primitive(
    "prod",
    "ProdBackward0",
    lambda a, dtype, **_: np.multiply.reduce(a, axis=None, dtype=dtype),
    self=_prod_rule,
    attrs=("result", "self"),
    jvp=_reduction_jvp(_prod_rule),
)
_prod1 = Primitive(
    "prod_dim",
    "ProdBackward1",
    lambda a, axes, keepdim, dtype, **_: np.multiply.reduce(a, axes, dtype, keepdims=keepdim),
    self=_prod_rule,
    attrs=("dim", "keepdim", "result", "self"),
    jvp=_reduction_jvp(_prod_rule),
)


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The product of all elements of ``input``, or over one ``dim``; zeros get exact gradients.

    Args:
        input: the tensor.
        dim: one dimension to reduce; all of them when ``None``.
        keepdim, dtype: as in ``sum``.

    >>> torch.prod(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 0)
    tensor([3., 8.])
    """
    np_dtype = int_to_long(input, dtype)
    if dim is None:
        return apply(_prod0, input, dtype=np_dtype, keepdim=False, axes=tuple(range(input.ndim)))
    axes = normalize_dims(int(dim), input.ndim)
    return apply(_prod1, input, axes=axes, keepdim=keepdim, dtype=np_dtype, dim=shown_dim(dim))


# -- logsumexp ----------------------------------------------------------------------------------
def _logsumexp_forward(a, axes, keepdim, **_):
    with np.errstate(divide="ignore"):
        if a.size == 0:
            return np.log(np.sum(np.exp(a), axis=axes, keepdims=keepdim))
        m = np.max(a, axis=axes, keepdims=True)
        m = np.where(np.isinf(m), 0.0, m).astype(a.dtype)  # all -inf (or an inf) stays exact
        out = np.log(np.sum(np.exp(a - m), axis=axes, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=axes)


def _logsumexp_rule(grad, self, result, axes, keepdim, xp):
    result = restore_dims(result, self.ndim, axes, keepdim, xp)
    return restore_dims(grad, self.ndim, axes, keepdim, xp) * xp.exp(self - result)


_logsumexp = Primitive(
    "logsumexp",
    "LogsumexpBackward0",
    _logsumexp_forward,
    self=_logsumexp_rule,
    dtype="float",
    attrs=("dim", "keepdim", "result", "self"),
    jvp=_reduction_jvp(_logsumexp_rule),
)


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input), dim))``, computed without overflow.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions to reduce.
        keepdim: keep the reduced dimensions, with size 1.

    >>> torch.logsumexp(torch.tensor([[0.0, 0.0], [1000.0, 1000.0]]), dim=1)
    tensor([6.9315e-01, 1.0007e+03])
    """
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    axes = normalize_dims(dim, input.ndim)
    return apply(_logsumexp, input, axes=axes, keepdim=keepdim, dim=shown_dim(dim, as_tuple=True))


# -- cumsum, cumprod ----------------------------------------------------------------------------
def _cumsum_array(a, axis, dtype, **_):
    if not a.ndim:
        return a.astype(dtype or a.dtype)
    # + 0: PyTorch accumulates from +0.0, so a leading -0.0 sums to +0.0 (NumPy keeps -0.0)
    return _plus_zero(np.add.accumulate(a, axis=axis, dtype=dtype))


def _plus_zero(a: np.ndarray) -> np.ndarray:
    """``a`` with its -0.0 as +0.0 (``x + 0.0`` changes nothing else)."""
    if a.dtype.kind in "fc":
        a += 0.0
    return a


def _reverse_cumsum_array(a, axis, **_):
    if a.ndim == 0:
        return a.copy()
    return np.flip(_plus_zero(np.add.accumulate(np.flip(a, axis), axis=axis)), axis)


_cumsum = Primitive(
    "cumsum",
    "CumsumBackward0",
    _cumsum_array,
    self=lambda grad, axis, xp: xp.reverse_cumsum(grad, axis=axis),
    attrs=("dim",),
    jvp=LINEAR,
)
# NOTE: a primitive (not flip + cumsum + flip) because flip belongs to another module; it is
# what cumsum's backward computes, and its own backward is cumsum. Internal: not registered.
_reverse_cumsum = Primitive(
    "reverse_cumsum",
    "ReverseCumsumBackward0",
    _reverse_cumsum_array,
    self=lambda grad, axis, xp: xp.cumsum(grad, axis=axis, dtype=None, dim=axis),
    register=False,
)


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """The running sum of ``input`` along ``dim``; integers accumulate in int64.

    Args:
        input: the tensor.
        dim: the dimension to run along.
        dtype: the dtype to accumulate in and return.

    >>> torch.cumsum(torch.tensor([1, 2, 3]), dim=0)
    tensor([1, 3, 6])
    """
    axis = _wrap_dim(int(dim), input.ndim)
    return apply(_cumsum, input, axis=axis, dtype=int_to_long(input, dtype), dim=shown_dim(dim))


def _cumprod_rule(grad, self, result, axis, xp):
    """d(cumprod)/dx = reverse_cumsum(grad * out) / x where x != 0; exact with zeros too: the
    first zero of a line gets the running products that skip it, later zeros get 0."""
    x = self
    if x.ndim == 0:
        return grad
    zero = x == 0
    ratio = xp.reverse_cumsum(grad * result, axis=axis)
    if not zero.any():
        return ratio / x
    seen = xp.cumsum(zero, axis=axis, dtype=np.dtype(np.int64), dim=axis)
    first = zero & (seen == 1)
    skip = xp.cumprod(xp.where(first, 1.0, x), axis=axis, dtype=None, dim=axis)
    at_zero = xp.reverse_cumsum(xp.where(seen == 0, 0.0, grad * skip), axis=axis)
    return xp.where(zero, xp.where(first, at_zero, 0.0), ratio / xp.where(zero, 1.0, x))


def _cumprod_jvp(t: Tensor, s: dict) -> Tensor:
    """d out = out * cumsum(t / x) where x != 0; exact with zeros too: from a line's first zero
    on, out is 0 and the tangent is t there times the running product that skips it (0 again
    after a second zero)."""
    x, out, axis = s["self"], s["result"], s["axis"]
    if x.ndim == 0:
        return t
    zero = x == 0
    if not np.any(zero._data):
        return cumsum(t / x, axis) * out
    first = zero & (cumsum(zero, axis) == 1)
    skip = cumprod(where(first, 1.0, x), axis)
    return cumsum(t / where(zero, 1.0, x), axis) * out + cumsum(where(first, t, 0.0), axis) * skip


_cumprod = Primitive(
    "cumprod",
    "CumprodBackward0",
    quiet(lambda a, axis, dtype, **_: np.cumprod(a, axis, dtype) if a.ndim else a.copy()),
    self=_cumprod_rule,
    attrs=("dim", "result", "self"),
    jvp=(_cumprod_jvp,),
)


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """The running product of ``input`` along ``dim``; zeros get exact gradients.

    Args:
        input, dim, dtype: as in ``cumsum``.

    >>> torch.cumprod(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([1., 2., 6.])
    """
    axis = _wrap_dim(int(dim), input.ndim)
    return apply(_cumprod, input, axis=axis, dtype=int_to_long(input, dtype), dim=shown_dim(dim))


# -- all, any (no gradient) --------------------------------------------------------------------
def _logical_reduce(fn, input: Tensor, dim, keepdim: bool) -> Tensor:
    axes = None if dim is None else normalize_dims(dim, input.ndim)
    return Tensor._make(on_arrays(_logical, fn, input._data, axes, keepdim))


def _logical(fn, a: np.ndarray, axes, keepdim: bool) -> np.ndarray:
    out = np.asarray(fn(a, axis=axes, keepdims=keepdim))
    return out.astype(np.uint8) if a.dtype == np.uint8 else out  # PyTorch keeps uint8


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element of ``input`` (over ``dim``) is nonzero, as a bool tensor.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions; all of them when ``None``.
        keepdim: keep the reduced dimensions, with size 1.

    >>> torch.all(torch.tensor([[True, False], [True, True]]), dim=1)
    tensor([False,  True])
    """
    return _logical_reduce(np.all, input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element of ``input`` (over ``dim``) is nonzero, as a bool tensor.

    Args:
        input, dim, keepdim: as in ``all``.

    >>> torch.any(torch.tensor([0, 0, 2]))
    tensor(True)
    """
    return _logical_reduce(np.any, input, dim, keepdim)


__all__ = [
    "all",
    "any",
    "cumprod",
    "cumsum",
    "logsumexp",
    "mean",
    "nansum",
    "prod",
    "sum",
    "sum_to_size",
]

METHODS = {name: globals()[name] for name in __all__}
INPLACE = ("cumsum", "cumprod")
