"""Writing into a copy of a tensor: the ``*_scatter`` forms of views, ``index_copy``,
``index_fill``, ``masked_scatter``, ``put`` and the reductions ``scatter_reduce`` and
``index_reduce``.

The copies are a clone written in place through a view or an index (``out.select(d, i)
.copy_(src)``), so autograd's in-place machinery gives their gradients: ``grad`` with the
written part zeroed for ``input``, the written part for ``src``. ``scatter_reduce`` builds
``sum`` and ``mean`` from ``scatter_add``; ``prod`` is a primitive with PyTorch's gradient
formula; for ``amax``/``amin`` the values come from NumPy and the gradient from terms whose
value is zero (``x - x.detach()``), split among ties as PyTorch's.

>>> import graphgrad as torch
>>> torch.select_scatter(torch.zeros(2, 2), torch.ones(2), 0, 1)
tensor([[0., 0.],
        [1., 1.]])
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import DelayedError
from ..autograd.node import edge_of
from ..tensor import Tensor, _wrap_dim
from .array_step import array_step, constant
from .compare import isfinite
from .elementwise import where
from .index.gather import _check_index, check_take, scatter, scatter_add
from .index.gather import _index_key as _scatter_key
from .inplace_examples import documented
from .primitive import Primitive, apply
from .shape.core import show_u64


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


def _write_view(input: Tensor, src: Tensor, view) -> Tensor:
    out = input.clone()
    target = view(out)
    if tuple(src.shape) != tuple(target.shape):
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"[{_dims(src.shape)}], slice size = [{_dims(target.shape)}]"
        )
    target.copy_(src)
    return out


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``.

    Args:
        input: the tensor.
        src: the values, of the selected slice's shape.
        dim: the dimension to select from.
        index: the index along ``dim``.

    >>> torch.select_scatter(torch.zeros(2, 3), torch.ones(2), 1, 0)
    tensor([[1., 0., 0.],
            [1., 0., 0.]])
    """
    return _write_view(input, src, lambda t: t.select(dim, index))


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start=None, end=None, step=1):
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``.

    Args:
        input: the tensor.
        src: the values, of the slice's shape.
        dim: the dimension to slice.
        start: the first index (default 0).
        end: the end, exclusive (default the length).
        step: the stride of the slice.

    >>> torch.slice_scatter(torch.zeros(2, 4), torch.ones(2, 2), 1, 0, None, 2)
    tensor([[1., 0., 1., 0.],
            [1., 0., 1., 0.]])
    """
    key = (slice(None),) * _wrap_dim(dim, input.ndim) + (slice(start, end, step),)
    return _write_view(input, src, lambda t: t[key])


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """A copy of ``input`` with the diagonal ``input.diagonal(offset, dim1, dim2)`` replaced by
    ``src``.

    Args:
        input: a tensor of at least two dimensions.
        src: the values, of the diagonal's shape.
        offset: which diagonal: 0 the main one, > 0 above, < 0 below.
        dim1: the first dimension of the matrices.
        dim2: the second dimension of the matrices.

    >>> torch.diagonal_scatter(torch.zeros(2, 3), torch.ones(2), 1)
    tensor([[0., 1., 0.],
            [0., 0., 1.]])
    """
    return _write_view(input, src, lambda t: t.diagonal(offset, dim1, dim2))


def _index_key(input: Tensor, dim: int, index: Tensor) -> tuple:
    return (slice(None),) * _wrap_dim(dim, max(input.ndim, 1)) + (index,)


def _check_vector_index(op: str, input: Tensor, dim: int, index: Tensor) -> None:
    if index.dtype.name != "int64":
        raise RuntimeError(
            f"{op}(): Expected a long tensor for index, but got {index.dtype.legacy}"
        )
    n = input.shape[_wrap_dim(dim, input.ndim)] if input.ndim else 1
    _check_vector_bounds(index._data, n, op, dim)


@array_step
def _check_vector_bounds(index: np.ndarray, n: int, op: str, dim: int) -> None:
    bad = index[(index >= n) | (index < -n)]
    if bad.size:
        raise IndexError(
            f"{op}(): index {bad.reshape(-1)[0]} is out of bounds for dimension {dim} with size {n}"
        )


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the slices ``index[i]`` along ``dim`` replaced by ``source``'s
    ``i``-th slice.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 vector of distinct indices.
        source: the values: ``input``'s shape with ``len(index)`` along ``dim``.

    >>> torch.index_copy(torch.zeros(2, 3), 1, torch.tensor([2, 0]), torch.ones(2, 2))
    tensor([[1., 0., 1.],
            [1., 0., 1.]])
    """
    _check_vector_index("index_copy_", input, dim, index)
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{input.dtype.legacy} and (source) {source.dtype.legacy}"
        )
    along = source.shape[_wrap_dim(dim, source.ndim)] if source.ndim else 1
    if index.numel() != along:
        raise IndexError(
            f"index_copy_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim) ({along})"
        )
    out = input.clone()
    out[_index_key(input, dim, index.reshape(-1))] = source
    return out


def index_fill(input: Tensor, dim: int, index: Tensor, value) -> Tensor:
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value``.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 vector.
        value: a number or a 0-d tensor (which then gets a gradient).

    >>> torch.zeros(2, 3).index_fill(1, torch.tensor([2, 0]), 5)
    tensor([[5., 0., 5.],
            [5., 0., 5.]])
    """
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    if index.dtype.name != "int64":  # (index_fill words it its own way)
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    _check_vector_index("index_fill_", input, dim, index)
    out = input.clone()
    out[_index_key(input, dim, index.reshape(-1))] = value
    return out


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the elements where ``mask`` holds replaced, in order, by the
    first elements of ``source``.

    Args:
        input: the tensor.
        mask: a bool tensor, broadcast to ``input``'s shape.
        source: the values (at least as many as ``mask`` has True), of ``input``'s dtype.

    >>> torch.zeros(2, 3).masked_scatter(torch.tensor([True, False, True]), torch.arange(6.0))
    tensor([[0., 0., 1.],
            [2., 0., 3.]])
    """
    if mask.dtype.name != "bool":
        raise RuntimeError(
            "masked_scatter_ only supports boolean masks, but got mask with dtype "
            + mask.dtype.legacy
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got"
            f"{input.dtype.legacy} and {source.dtype.legacy}"
        )
    full = np.broadcast_to(mask._data, input.shape)
    count = int(full.sum())
    if count > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    out = input.clone()
    out[Tensor._make(np.ascontiguousarray(full))] = source.reshape(-1)[:count]
    return out


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """A copy of ``input``, seen as 1-d, with ``source`` written (or added) at ``index``.

    Args:
        input: the tensor.
        index: int64 indices into the flattened tensor (negative ones count from the end).
        source: the values, one per index.
        accumulate: add into the elements instead of replacing them.

    >>> torch.put(torch.zeros(2, 2), torch.tensor([1, -1]), torch.tensor([9.0, 8.0]))
    tensor([[0., 9.],
            [0., 8.]])
    """
    if source.numel() != index.numel():
        raise IndexError(
            "put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "put_(): self and source expected to have the same dtype, but got self.dtype = "
            f"{input.dtype.legacy} and source.dtype = {source.dtype.legacy}"
        )
    check_take(index._data, input.numel())  # the same flat positions as take's
    flat = input.reshape(-1).index_put((index.reshape(-1),), source.reshape(-1), accumulate)
    return flat.reshape(input.shape)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_NP_AT = {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


def _identity(reduce: str, dtype: np.dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def _reduce_arrays(a, axis, idx, s, reduce, include_self) -> np.ndarray:
    """The forward on arrays: each element of ``s`` reduced into its place."""
    key = _scatter_key(idx, axis)
    values = s[tuple(slice(0, n) for n in idx.shape)]
    out = a.copy()
    hit = np.zeros(a.shape, bool)
    hit[key] = True
    if not include_self:
        out[hit] = _identity(reduce, a.dtype)
    with np.errstate(all="ignore"):
        _NP_AT["sum" if reduce == "mean" else reduce].at(out, key, values)
        if reduce == "mean":
            counts = np.zeros(a.shape, np.int64)
            np.add.at(counts, key, 1)
            counts += np.where(hit & include_self, 1, 0) + np.where(hit, 0, 1)
            out = out / counts if a.dtype.kind == "f" else np.floor_divide(out, counts)
    return out.astype(a.dtype, copy=False)


_reduced = array_step(_reduce_arrays)


def _zero_carrying(x: Tensor) -> Tensor:
    """0 in value, ``x``'s identity in gradient (0 where ``x`` is not finite)."""
    return where(isfinite(x), x - x.detach(), 0.0)


@array_step
def _taking_part(a: np.ndarray, axis: int, idx: np.ndarray, include_self: bool) -> np.ndarray:
    """Where an element of ``a`` takes part in the reduction: where nothing is scattered into
    it, or everywhere with ``include_self``."""
    own = np.ones(a.shape, bool)
    if not include_self:
        own[_scatter_key(idx, axis)] = False
    return own


def _extreme_with_grad(input, dim, axis, index, src, include_self, values) -> Tensor:
    """amax/amin: ``values`` plus zero-valued terms that send the gradient to the winners,
    split evenly among ties (the second derivative is 0, as the zero terms' is)."""
    result = Tensor._make(values)
    zeros = Tensor._make(constant(np.zeros(values.shape, values.dtype)))
    own = (input == result) & Tensor._make(
        _taking_part(input._data, axis, index._data, include_self)
    )
    picked = _part(src, index)
    won = picked == result.gather(dim, index)
    ties = own.to(input.dtype) + scatter_add(zeros, dim, index, won.to(input.dtype))
    ties = where(ties == 0, 1.0, ties).detach()
    carried = where(own, _zero_carrying(input), 0.0)
    carried = carried + scatter_add(zeros, dim, index, where(won, _zero_carrying(picked), 0.0))
    return result + carried / ties


def _prod_self_rule(grad, self, src, dim, axis, index, include_self, xp):
    """PyTorch's: the product with ``self``'s zeros made 1, over ``self`` so made; 0 where
    ``src`` replaced ``self`` (``include_self=False``)."""
    own = xp.where(self == 0, 1.0, self)
    rest = xp.scatter_reduce_prod(
        own, src, dim=dim, axis=axis, index=index, include_self=include_self, reduce="prod"
    )
    g = grad * rest / own
    return g if include_self else xp.scatter_value(g, dim=dim, axis=axis, index=index, value=0.0)


def _prod_src_rule(grad, self, src, result, dim, axis, index, include_self, xp):
    """PyTorch's: ``result / src`` gathered, but at a place's only zero of ``src`` the
    product of the others (0 at a place's other zeros, whose second derivative PyTorch
    refuses)."""
    at = {"dim": dim, "axis": axis, "index": index}
    zero = src == 0
    if not zero.any():
        return xp.gather(grad * result, sparse_grad=False, **at) / src
    ind = xp.where(zero, 1.0, 0.0)
    sizes = {"src_shape": tuple(src.shape), "self_shape": tuple(self.shape)}
    count = xp.scatter_add(xp.zeros(self.shape, ind), ind, **at, **sizes)
    alone = zero & (xp.gather(count, sparse_grad=False, **at) == 1)
    others = xp.scatter_reduce_prod(
        self, xp.where(alone, 1.0, src), **at, include_self=include_self, reduce="prod"
    )
    g = xp.where(
        alone,
        xp.gather(grad * others, sparse_grad=False, **at),
        xp.gather(grad * result, sparse_grad=False, **at) / xp.where(zero, 1.0, src),
    )
    if isinstance(g, Tensor) and g.requires_grad and (count > 1).any():
        err = DelayedError(
            "scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are "
            "scattered to the same position in self",
            (edge_of(g),),
        )
        err._meta = ((g._data.shape, g.dtype),)
        g = Tensor._make(g._data, True, err)
    return g


# prod: a primitive, so that its gradient is a rule (as PyTorch's), not a product of as many
# scattered layers as the most elements reduced into one place (a graph shaped by the values)
_scatter_reduce_prod = Primitive(
    "scatter_reduce_prod",
    "ScatterReduceBackward0",
    lambda a, src, index, axis, include_self, **_: _reduce_arrays(
        a, axis, index._data, src, "prod", include_self
    ),
    self=_prod_self_rule,
    src=_prod_src_rule,
    attrs=("dim", "include_self", "index", "reduce", "result", "self", "src"),
    display=show_u64("dim"),
    register=False,
)


def _part(src: Tensor, index: Tensor) -> Tensor:
    """The part of ``src`` that ``index`` covers (its leading corner)."""
    if tuple(src.shape) == tuple(index.shape):
        return src
    return src[tuple(slice(0, n) for n in index.shape)]


def scatter_reduce(
    input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self=True
) -> Tensor:
    """A copy of ``input`` with each ``src`` element reduced into the place ``index`` names
    along ``dim`` (as ``scatter``), by ``sum``, ``prod``, ``mean``, ``amax`` or ``amin``.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 tensor with ``input``'s number of dimensions.
        src: the values, of ``input``'s dtype.
        reduce: ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.
        include_self: whether ``input``'s own elements take part in the reduction.

    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> torch.scatter_reduce(x, 0, torch.tensor([0, 1, 0]), torch.tensor([5.0, 6, 7]), "amax")
    tensor([7., 6., 3.])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            "reduce argument must be either sum, prod, mean, amax or amin, got " + str(reduce)
        )
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    axis = _check_index("scatter_reduce", input, dim, index, src)
    if reduce == "prod":
        part = _part(src, index)
        params = {"dim": dim, "axis": axis, "index": index, "include_self": include_self}
        return apply(_scatter_reduce_prod, input, part, **params, reduce=reduce)
    if reduce in ("sum", "mean") and input.dtype.is_floating_point:
        base = input if include_self else scatter(input, dim, index, 0.0)
        total = scatter_add(base, dim, index, _part(src, index))
        if reduce == "sum":
            return total
        zeros = Tensor._make(constant(np.zeros(input.shape, input.dtype.np)))
        ones = Tensor._make(constant(np.ones(index.shape, input.dtype.np)))
        counts = scatter_add(zeros, dim, index, ones)
        counts = counts + (1.0 if include_self else (counts == 0).to(input.dtype))
        return total / counts
    values = _reduced(input._data, axis, index._data, src._data, reduce, include_self)
    if not (input.requires_grad or src.requires_grad) or reduce in ("sum", "mean"):
        return Tensor._make(values)
    return _extreme_with_grad(input, dim, axis, index, src, include_self, values)


def index_reduce(
    input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self=True
) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` reduced into the slices ``index``
    names along ``dim``, by ``prod``, ``mean``, ``amax`` or ``amin``.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 vector, one index per slice of ``source``.
        source: the values: ``input``'s shape with ``len(index)`` along ``dim``.
        reduce: ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.
        include_self: whether ``input``'s own elements take part in the reduction.

    >>> torch.ones(3).index_reduce(0, torch.tensor([0, 0]), torch.tensor([2.0, 3.0]), "prod")
    tensor([6., 1., 1.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    _check_vector_index("index_reduce_", input, dim, index)
    axis = _wrap_dim(dim, max(input.ndim, 1))
    shape = [1] * source.ndim
    shape[axis] = -1
    spread = index.reshape(shape).expand(source.shape).contiguous()
    return scatter_reduce(input, dim, spread, source, reduce, include_self=include_self)


__all__ = """select_scatter slice_scatter diagonal_scatter index_copy index_fill index_reduce
    masked_scatter put scatter_reduce""".split()
METHODS = {
    name: globals()[name]
    for name in """select_scatter slice_scatter diagonal_scatter index_copy index_fill
        masked_scatter scatter_reduce index_reduce put""".split()
}
_INPLACE_EXAMPLES = {
    "index_copy": ("torch.zeros(2, 3)", "1, torch.tensor([2, 0]), torch.ones(2, 2)"),
    "index_fill": ("torch.zeros(2, 3)", "1, torch.tensor([2]), 5.0"),
    "masked_scatter": ("torch.zeros(2, 3)", "torch.tensor([True, False, True]), torch.arange(6.0)"),
    "scatter_reduce": (
        "torch.ones(3)",
        '0, torch.tensor([0, 0]), torch.tensor([2.0, 3.0]), "prod"',
    ),
    "index_reduce": ("torch.ones(3)", '0, torch.tensor([0, 0]), torch.tensor([2.0, 3.0]), "amax"'),
    "put": ("torch.zeros(2, 2)", "torch.tensor([1]), torch.tensor([9.0])"),
}
METHODS.update(
    {
        name + "_": documented(globals()[name], *example)
        for name, example in _INPLACE_EXAMPLES.items()
    }
)
