"""Index-driven reads and writes: gather, scatter, scatter_add, index_select, index_add,
masked_fill, masked_select, take, take_along_dim and nonzero.

>>> import graphgrad as torch
>>> a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> out = a.gather(1, torch.tensor([[1], [0]]))
>>> out.grad_fn.name(), out.detach().flatten().tolist()
('GatherBackward0', [2.0, 3.0])
>>> out.sum().backward()
>>> a.grad
tensor([[0., 1.],
        [1., 0.]])
"""

from __future__ import annotations

import numpy as np

from ..._utilities import warn_once
from ...tensor import Tensor, _wrap_dim
from ..array_step import array_step
from ..elementwise import where
from ..primitive import LINEAR, Primitive, apply
from ..shape.core import expand, reshape, show_u64


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


def _index_key(index: np.ndarray, axis: int) -> tuple:
    """For each element of ``index``, its position with dim ``axis`` replaced by its value (a
    0-d index is one element of a 1-d one, as PyTorch takes it)."""
    index = np.atleast_1d(index)
    key: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    key[axis] = index
    return tuple(key)


@array_step
def _check_bounds(index: np.ndarray, n: int, axis: int) -> None:
    """gather/scatter/index_add indices lie in [0, n): PyTorch does not wrap negative ones."""
    bad = index[(index >= n) | (index < 0)]
    if bad.size:
        raise RuntimeError(
            f"index {bad.flat[0]} is out of bounds for dimension {axis} with size {n}"
        )


def _embed(t, shape: tuple, xp):
    """``t`` in the leading corner of zeros of ``shape`` (each dim no smaller than ``t``'s)."""
    for d, (m, n) in enumerate(zip(t.shape, shape, strict=True)):
        if m != n:
            sizes = tuple(t.shape[:d]) + (n,) + tuple(t.shape[d + 1 :])
            t = xp.slice_backward(t, input_sizes=sizes, dim=d, axis=d, start=0, end=m, step=1)
    return t


# -- gather / scatter / scatter_add ---------------------------------------------------------------
def _gather_forward(a: np.ndarray, index: Tensor, axis: int, **_) -> np.ndarray:
    idx = index._data
    return a[_index_key(idx, axis)].reshape(idx.shape)


def _scatter_into(out: np.ndarray, idx: np.ndarray, src, axis: int, add: bool) -> np.ndarray:
    key = _index_key(idx, axis)
    if not np.isscalar(src):
        src = np.atleast_1d(src)[tuple(slice(0, n) for n in np.atleast_1d(idx).shape)]
    target = out.reshape(1) if out.ndim == 0 else out  # (a view: 0-d self is one element)
    if add:
        np.add.at(target, key, src)
    else:
        target[key] = src
    return out


def _gather_rule(grad, self, dim, axis, index, xp):
    return xp.scatter_add(
        xp.zeros(self.shape, grad),
        grad,
        dim=dim,
        axis=axis,
        index=index,
        src_shape=tuple(grad.shape),
        self_shape=tuple(self.shape),
    )


def _src_rule(grad, dim, axis, index, src_shape, xp):
    """The gradient of scatter's ``src``: the scattered positions, zeros past the index."""
    picked = xp.gather(grad, dim=dim, axis=axis, index=index, sparse_grad=False)
    return _embed(picked, src_shape, xp)


def _scatter_self_rule(grad, dim, axis, index, xp):
    return xp.scatter_value(grad, dim=dim, axis=axis, index=index, value=0.0)


_gather = Primitive(
    "gather",
    "GatherBackward0",
    _gather_forward,
    self=_gather_rule,
    attrs=("dim", "index", "self", "sparse_grad"),
    display=show_u64("dim"),
    jvp=LINEAR,
)
_scatter = Primitive(
    "scatter",
    "ScatterBackward0",
    lambda a, src, index, axis, **_: _scatter_into(a.copy(), index._data, src, axis, False),
    self=_scatter_self_rule,
    src=_src_rule,
    attrs=("dim", "index"),
    display=show_u64("dim"),
    jvp=LINEAR,
)
_scatter_value = Primitive(
    "scatter_value",
    "ScatterBackward1",
    lambda a, index, axis, value, **_: _scatter_into(a.copy(), index._data, value, axis, False),
    self=_scatter_self_rule,
    attrs=("dim", "index"),
    display=show_u64("dim"),
    jvp=(lambda t, s: scatter(t, s["dim"], s["index"], 0.0),),
)
_scatter_add = Primitive(
    "scatter_add",
    "ScatterAddBackward0",
    lambda a, src, index, axis, **_: _scatter_into(a.copy(), index._data, src, axis, True),
    self=lambda grad: grad,
    src=_src_rule,
    attrs=("dim", "index"),
    display=show_u64("dim"),
    jvp=LINEAR,
)


def _check_index(op: str, input: Tensor, dim: int, index: Tensor, src: Tensor | None) -> int:
    """PyTorch's checks of gather/scatter arguments; the wrapped dim."""
    axis = _wrap_dim(dim, input.ndim)
    if index.dtype.name not in ("int64", "int32"):
        wanted = "int32/int64" if op == "gather" else "int64"
        raise RuntimeError(f"{op}(): Expected dtype {wanted} for index")
    if index._data.size and max(index.ndim, 1) != max(input.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for d, m in enumerate(index.shape):
        too_big = d != axis and m > input.shape[d]
        if not too_big and (src is None or m <= src.shape[d]):
            continue
        if op == "gather":
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index [{_dims(index.shape)}] "
                f"to be no larger than self [{_dims(input.shape)}] apart from dimension {axis}"
            )
        tail = "" if src is None else f" and to be no larger size than src [{_dims(src.shape)}]"
        raise RuntimeError(
            f"Expected index [{_dims(index.shape)}] to be no larger than self "
            f"[{_dims(input.shape)}] apart from dimension {axis}{tail}"
        )
    _check_bounds(index._data, input._data.shape[axis] if input.ndim else 1, axis)
    return axis


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``input`` picked along ``dim`` by ``index``: ``out[i][j] = input[i][index[i][j]]``
    for ``dim=1``.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 tensor with ``input``'s number of dimensions.
        sparse_grad: accepted for compatibility (gradients are dense).

    >>> torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    axis = _check_index("gather", input, dim, index, None)
    if input.ndim == 0:  # PyTorch takes a 0-d tensor as one element along dim 0 or -1
        return gather(input.reshape(1), 0, index.reshape(-1)).reshape(index.shape)
    return apply(_gather, input, dim=dim, axis=axis, index=index, sparse_grad=sparse_grad)


def scatter(
    input: Tensor, dim: int, index: Tensor, src=None, *, value=None, reduce: str | None = None
) -> Tensor:
    """A copy of ``input`` with ``src`` written at ``index`` along ``dim`` (the reverse of
    ``gather``).

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 tensor with ``input``'s number of dimensions.
        src: the values, a tensor or a number.
        value: a number to write instead of ``src``.
        reduce: ``"add"`` or ``"multiply"``: combine ``src`` with what is there (PyTorch's
            deprecated form, without a gradient; ``scatter_reduce`` has one).

    >>> torch.scatter(torch.zeros(2, 3), 1, torch.tensor([[2], [0]]), torch.ones(2, 1))
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    src = value if src is None else src
    if reduce is not None:
        return _scatter_reduced(input, dim, index, src, reduce)
    if not isinstance(src, Tensor):
        axis = _check_index("scatter", input, dim, index, None)
        return apply(_scatter_value, input, dim=dim, axis=axis, index=index, value=src)
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    axis = _check_index("scatter", input, dim, index, src)
    return apply(_scatter, input, src, dim=dim, axis=axis, index=index, src_shape=src.shape)


def _scatter_reduced(input: Tensor, dim: int, index: Tensor, src, reduce: str) -> Tensor:
    """``scatter(..., reduce="add" / "multiply")``: each ``src`` value added into (or
    multiplied with) its place, in order, with PyTorch's deprecation warning for a tensor
    ``src``; no gradient, as in PyTorch."""
    if isinstance(src, Tensor):
        warn_once(
            "scatter reduce",
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options.",
            stacklevel=3,
        )
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    axis = _check_index("scatter", input, dim, index, src if isinstance(src, Tensor) else None)
    out = input._data.copy()
    idx = index._data
    places: list[np.ndarray] = list(np.indices(idx.shape, sparse=True))
    places[axis] = idx
    if isinstance(src, Tensor):
        values = src._data[tuple(slice(0, n) for n in idx.shape)]
    else:
        values = np.full(idx.shape, src, out.dtype)
    (np.add if reduce == "add" else np.multiply).at(out, tuple(places), values)
    return Tensor._make(out)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices add up).

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: an int64 tensor.
        src: the values to add.

    >>> torch.scatter_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.ones(3))
    tensor([2., 0., 1.])
    """
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter_add(): Expected self.dtype to be equal to src.dtype")
    axis = _check_index("scatter_add", input, dim, index, src)
    return apply(
        _scatter_add,
        input,
        src,
        dim=dim,
        axis=axis,
        index=index,
        src_shape=src.shape,
        self_shape=input._data.shape,
    )


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Values of ``input`` picked along ``dim`` by ``indices`` (as ``gather``, with
    broadcasting); of the flattened tensor when ``dim`` is ``None``.

    Args:
        input: the tensor.
        indices: an int64 tensor.
        dim: the dimension to index.

    >>> torch.take_along_dim(torch.tensor([[10, 30, 20]]), torch.tensor([[1]]), dim=1)
    tensor([[30]])
    """
    if dim is None:
        return gather(reshape(input, -1), 0, reshape(indices, -1))
    if input.ndim != indices.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {input.ndim} dimensions for input, and {indices.ndim} "
            "dimensions for indices"
        )
    axis = _wrap_dim(dim, input.ndim)
    # with a dim (not without), PyTorch counts negative indices from the end
    indices = where(indices < 0, indices + input.shape[axis], indices)
    rest = [1 if d == axis else n for d, n in enumerate(input.shape)]
    other = [1 if d == axis else n for d, n in enumerate(indices.shape)]
    shape = list(np.broadcast_shapes(tuple(rest), tuple(other)))
    self_shape = shape[:axis] + [input.shape[axis]] + shape[axis + 1 :]
    index_shape = shape[:axis] + [indices.shape[axis]] + shape[axis + 1 :]
    return gather(expand(input, self_shape), axis, expand(indices, index_shape))


# -- index_select / index_add ---------------------------------------------------------------------
def _index_add_forward(a, source, index, axis, alpha, **_):
    out = a.copy()
    np.add.at(
        out,
        (slice(None),) * axis + (index._data.reshape(-1),),
        source if alpha == 1 else alpha * source,
    )
    return out


def _index_add_source_rule(grad, dim, axis, index, alpha, xp):
    picked = xp.index_select(grad, dim=dim, axis=axis, index=index, self_sym_sizes=grad.shape)
    return picked if alpha == 1 else picked * alpha


def _index_select_rule(grad, self_sym_sizes, dim, axis, index, xp):
    zeros = xp.zeros(self_sym_sizes, grad)
    return xp.index_add(zeros, grad, dim=dim, axis=axis, index=index, alpha=1, source_dim=grad.ndim)


_index_select = Primitive(
    "index_select",
    "IndexSelectBackward0",
    lambda a, index, axis, **_: np.take(a, index._data.reshape(-1), axis),
    self=_index_select_rule,
    attrs=("dim", "index", "self_sym_sizes"),
    display=show_u64("dim"),
    jvp=LINEAR,
)
_index_add = Primitive(
    "index_add",
    "IndexAddBackward0",
    _index_add_forward,
    self=lambda grad: grad,
    source=_index_add_source_rule,
    saves={"source": (0, 1)},  # only shown (_saved_source): no rule reads it
    attrs=("alpha", "dim", "index", "source", "source_dim"),
    display=show_u64("dim"),
    jvp=LINEAR,
)


def _vector_index(op: str, index: Tensor) -> None:
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index")


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of ``input`` at ``index`` along ``dim`` (a copy).

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: a 1-D int64 tensor.

    >>> torch.index_select(torch.tensor([[1, 2], [3, 4], [5, 6]]), 0, torch.tensor([2, 0]))
    tensor([[5, 6],
            [1, 2]])
    """
    _vector_index("index_select", index)
    axis = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:  # PyTorch takes a 0-d tensor as one element along dim 0 or -1
        if index.numel() != 1:
            raise RuntimeError(
                "index_select(): Index to scalar can have only 1 value, got "
                f"{index.numel()} value(s)"
            )
        return index_select(input.reshape(1), 0, index.reshape(1)).reshape(())
    n = input._data.shape[axis] if input.ndim else 1
    if n == 0 and index.numel() and input.ndim > 1:  # a 1-D input has the message below
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    # PyTorch's kernel for dim 1 and for an empty input of 2 dims or more has its own message
    _check_select(index._data, n, axis == 1 or (input.numel() == 0 and input.ndim > 1))
    return apply(
        _index_select, input, dim=dim, axis=axis, index=index, self_sym_sizes=input._data.shape
    )


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha=1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``.

    Args:
        input: the tensor.
        dim: the dimension to index.
        index: a 1-D int64 tensor, one entry per slice of ``source``.
        source: the values to add.
        alpha: the multiplier of ``source``.

    >>> torch.index_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.ones(3))
    tensor([2., 0., 1.])
    """
    _vector_index("index_add_", index)
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_add_(): self ({input.dtype.legacy}) and source ({source.dtype.legacy}) must "
            "have the same scalar type"
        )
    axis = _wrap_dim(dim, input.ndim)
    count = source.shape[axis] if source.ndim else 1
    if index.numel() != count:
        raise RuntimeError(
            f"index_add_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim): ({count}), for dim: {dim}"
        )
    _check_bounds(index._data, input._data.shape[axis], axis)
    return apply(
        _index_add,
        input,
        source,
        dim=dim,
        axis=axis,
        index=index,
        alpha=alpha,
        source_dim=source.ndim,
    )


# -- masks ----------------------------------------------------------------------------------------
def _check_mask(mask: Tensor) -> None:
    if mask.dtype.name != "bool":
        raise RuntimeError(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.cpp}"
        )


def _check_broadcast(a: tuple, b: tuple) -> None:
    """PyTorch's message when shapes ``a`` and ``b`` do not broadcast."""
    for i in range(1, min(len(a), len(b)) + 1):
        m, n = a[-i], b[-i]
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                f"non-singleton dimension {max(len(a), len(b)) - i}"
            )


def _masked_fill_forward(a, *rest, mask, value=None):
    fill = rest[0] if rest else value
    return np.where(mask._data, np.asarray(fill).astype(a.dtype), a)


_masked_fill = Primitive(
    "masked_fill",
    "MaskedFillBackward0",
    _masked_fill_forward,
    self=lambda grad, mask, xp: xp.masked_fill(grad, mask=mask, value=0.0),
    attrs=("mask",),
    jvp=(lambda t, s: masked_fill(t, s["mask"], 0.0),),  # affine: the fill has no tangent
)
_masked_fill_tensor = Primitive(
    "masked_fill_tensor",
    "MaskedFillBackward1",
    _masked_fill_forward,
    self=lambda grad, mask, xp: xp.masked_fill(grad, mask=mask, value=0.0),
    value=lambda grad, mask, xp: xp.sum(xp.where(xp.asarray(mask), grad, 0.0)),
    attrs=("mask",),
    jvp=LINEAR,
)


def masked_fill(input: Tensor, mask: Tensor, value) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` is True.

    Args:
        input: the tensor.
        mask: a bool tensor broadcast to ``input``.
        value: a number or 0-d tensor.

    >>> torch.masked_fill(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([True, False, True]), 0.0)
    tensor([0., 2., 0.])
    """
    _check_mask(mask)
    _check_broadcast(mask.shape, input.shape)
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        return apply(_masked_fill_tensor, input, value, mask=mask)
    return apply(_masked_fill, input, mask=mask, value=value)


def _masked_select_forward(a, mask, **_):
    a_b, m_b = np.broadcast_arrays(a, mask._data)
    return a_b[m_b]


def _masked_select_rule(grad, self, mask, xp):
    shape = np.broadcast_shapes(tuple(self.shape), mask._data.shape)
    index = Tensor._make(np.broadcast_to(mask._data, shape))  # (an index: a tensor either way)
    return xp.index_put_impl(xp.zeros(shape, grad), grad, indices=(index,), accumulate=True)


_masked_select = Primitive(
    "masked_select",
    "MaskedSelectBackward0",
    _masked_select_forward,
    self=_masked_select_rule,
    attrs=("mask", "self"),
    jvp=LINEAR,
)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor.

    Args:
        input: the tensor.
        mask: a bool tensor broadcast against ``input``.

    >>> torch.masked_select(torch.tensor([1, 2, 3]), torch.tensor([True, False, True]))
    tensor([1, 3])
    """
    if mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    return apply(_masked_select, input, mask=mask)


# -- take / nonzero -------------------------------------------------------------------------------
def _take_rule(grad, self, index, xp):
    shape = tuple(self.shape)
    flat = Tensor._make(index._data.reshape(-1))  # (an index: a tensor either way)
    zeros = xp.zeros((int(np.prod(shape)),), grad)
    out = xp.index_put_impl(zeros, xp.reshape(grad, (-1,)), indices=(flat,), accumulate=True)
    return xp.reshape(out, shape)


_take = Primitive(
    "take",
    "TakeBackward0",
    lambda a, index: np.ascontiguousarray(a).reshape(-1)[index._data],
    self=_take_rule,
    attrs=("index", "self"),
    jvp=LINEAR,
)


def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened ``input`` at ``index``.

    Args:
        input: the tensor.
        index: an int64 tensor of flat positions.

    >>> torch.take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 3]))
    tensor([1, 4])
    """
    if index.dtype.name != "int64":
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {index.dtype.legacy}"
        )
    check_take(index._data, input.numel())
    return apply(_take, input, index=index)


@array_step
def _check_select(index: np.ndarray, n: int, kernel_message: bool) -> None:
    """index_select's indices lie in [0, n)."""
    bad = index[(index >= n) | (index < 0)]
    if bad.size:
        if kernel_message:
            raise RuntimeError(
                f"INDICES element is out of DATA bounds, id={bad.flat[0]} axis_dim={n}"
            )
        raise IndexError("index out of range in self")


@array_step
def check_take(index: np.ndarray, n: int) -> None:
    """take's flat indices lie in [-n, n)."""
    bad = index[(index >= n) | (index < -n)]
    if bad.size:
        raise IndexError(
            f"out of range: tried to access index {bad.flat[0]} on a tensor of {n} elements."
        )


def nonzero(input: Tensor, *, as_tuple: bool = False):
    """The indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or one tensor per
    dimension (``argwhere`` is the first form).

    Args:
        input: the tensor.
        as_tuple: return one index tensor per dimension.

    >>> torch.nonzero(torch.tensor([0, 3, 0, 5]))
    tensor([[1],
            [3]])
    """
    data = input._data
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(data)))
    return Tensor._make(np.argwhere(data).astype(np.int64))


argwhere = nonzero

__all__ = [
    "argwhere",
    "gather",
    "index_add",
    "index_select",
    "masked_fill",
    "masked_select",
    "nonzero",
    "scatter",
    "scatter_add",
    "take",
    "take_along_dim",
]

METHODS = {
    "argwhere": argwhere,
    "gather": gather,
    "index_add": index_add,
    "index_select": index_select,
    "masked_fill": masked_fill,
    "masked_select": masked_select,
    "nonzero": nonzero,
    "scatter": scatter,
    "scatter_add": scatter_add,
    "take": take,
    "take_along_dim": take_along_dim,
}

INPLACE = ("index_add", "masked_fill", "scatter", "scatter_add")
