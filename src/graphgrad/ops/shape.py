"""Shape primitives: views (view, expand, unsqueeze, transpose, permute, ...) and copies
(reshape of a non-contiguous tensor). Joining, splitting and reordering live in shape_join.py.

Views share storage and version counter with their base, as in PyTorch.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.view(3, 2).grad_fn.name(), a.t().grad_fn.name(), a.T.grad_fn.name()
('ViewBackward0', 'TBackward0', 'PermuteBackward0')
>>> a.transpose(-1, -2).grad_fn._saved_dim0
18446744073709551615
"""

from __future__ import annotations

import warnings

import numpy as np

from ..autograd.engine import sum_to_array
from ..tensor import Size, Tensor, _wrap_dim
from .primitive import LINEAR, Primitive, apply
from .views_inplace import track_view


def parse_size(size: tuple) -> tuple:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean the shape ``(2, 3)``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def infer_size(shape: tuple, numel: int) -> tuple:
    """Resolve one ``-1`` in ``shape``; PyTorch's error when the sizes cannot match."""
    known = 1
    unknown = [i for i, s in enumerate(shape) if s == -1]
    for s in shape:
        if s != -1:
            known *= s
    bad = f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(bad)
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    elif known != numel:
        raise RuntimeError(bad)
    return shape


def u64(dim: int) -> int:
    """A dim as PyTorch's saved attributes show it: negative values wrap to 2**64 - k."""
    return dim + 2**64 if dim < 0 else dim


def show_u64(*names: str) -> dict:
    """``display`` entries showing the params ``names`` (ints or tuples of ints) as u64."""

    def reader(name: str):
        def read(node):
            value = node._saved[name]
            return tuple(u64(d) for d in value) if isinstance(value, tuple) else u64(value)

        return read

    return {name: reader(name) for name in names}


def _view_of(prim: Primitive, input: Tensor, **params) -> Tensor:
    return track_view(apply(prim, input, **params))


# -- view / reshape / flatten ---------------------------------------------------------------------
_view = Primitive(
    "view",
    "ViewBackward0",
    lambda a, shape, **_: a.reshape(shape),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
    array_rules=(lambda g, s: g.reshape(s["self_sym_sizes"]),),
)
_unsafe_view = Primitive(
    "reshape_copy",
    "UnsafeViewBackward0",
    lambda a, shape, **_: np.reshape(a, shape).copy(),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
    jvp=LINEAR,
    array_rules=True,
)


def _viewable(a: np.ndarray, shape: tuple) -> bool:
    """Whether ``a`` can take ``shape`` without copying (its memory layout allows it)."""
    if a.flags.c_contiguous:
        return True
    try:
        b = a.view()
        b.shape = shape  # raises when a copy would be needed
        return True
    except AttributeError:
        return False


def view(input: Tensor, *shape) -> Tensor:
    """The same data with another shape; never copies (torch.Tensor.view)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list, Size)):
        return input.to(shape[0])  # view(dtype) is not supported beyond same-size casts
    shape = infer_size(parse_size(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return _view_of(_view, input, shape=shape, self_sym_sizes=input._data.shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the layout allows, else a copy (torch.reshape)."""
    shape = infer_size(parse_size(shape), input._data.size)
    if _viewable(input._data, shape):
        return _view_of(_view, input, shape=shape, self_sym_sizes=input._data.shape)
    return apply(_unsafe_view, contiguous(input), shape=shape, self_sym_sizes=input._data.shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    return view(input, other.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    return reshape(input, other.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when contiguous) (torch.flatten)."""
    if input.ndim == 0:
        return reshape(input, 1)
    start, end = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._data.shape
    merged = int(np.prod(shape[start : end + 1]))
    return reshape(input, shape[:start] + (merged,) + shape[end + 1 :])


def ravel(input: Tensor) -> Tensor:
    """The elements as a 1-D tensor, copying only when not contiguous (torch.ravel)."""
    return view(contiguous(input), -1)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one may be -1) (torch.unflatten)."""
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = _wrap_dim(dim, input.ndim)
    n = input._data.shape[d]
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(np.prod([s for s in sizes if s != -1]))
    if (-1 in sizes and (known == 0 or n % known)) or (-1 not in sizes and known != n):
        raise RuntimeError(
            f"unflatten: Provided sizes [{', '.join(map(str, sizes))}] don't multiply up to the "
            f"size of dim {dim} ({n}) in the input tensor"
        )
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    shape = input._data.shape
    return reshape(input, shape[:d] + sizes + shape[d + 1 :])


# -- copies ---------------------------------------------------------------------------------------
_clone = Primitive(
    "clone",
    "CloneBackward0",
    # clone() keeps the layout (PyTorch's preserve_format); contiguous() asks for C order.
    lambda a, order="K": np.array(a, order=order, copy=True),
    (lambda g, s: g,),
    jvp=LINEAR,
    array_rules=True,
)


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy that stays in the graph (torch.clone)."""
    return apply(_clone, input)


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """``input`` itself when C-contiguous, else a contiguous copy (CloneBackward0)."""
    if input._data.flags.c_contiguous:
        return input
    return apply(_clone, input, order="C")


# -- expand ---------------------------------------------------------------------------------------
def _join(shape) -> str:
    return ", ".join(map(str, shape))


_expand = Primitive(
    "expand",
    "ExpandBackward0",
    lambda a, shape, **_: np.broadcast_to(a, shape),
    (lambda g, s: g.sum_to_size(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
    array_rules=(lambda g, s: sum_to_array(g, s["self_sym_sizes"]),),
)


def _expand_target(input: Tensor, shape: tuple) -> tuple:
    old = input._data.shape
    if len(shape) < len(old):
        raise RuntimeError(
            f"expand(torch.{input.dtype.legacy}Tensor{{[{_join(old)}]}}, size=[{_join(shape)}]): "
            f"the number of sizes provided ({len(shape)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(old)})"
        )
    lead = len(shape) - len(old)
    target = []
    for i, s in enumerate(shape):
        o = old[i - lead] if i >= lead else None
        if s == -1 and o is None:
            raise RuntimeError(
                f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                f"dimension {i}"
            )
        s = o if s == -1 else s
        if o is not None and o != 1 and s != o:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({o}) at "
                f"non-singleton dimension {i}.  Target sizes: [{_join(shape)}].  "
                f"Tensor sizes: [{_join(old)}]"
            )
        target.append(s)
    return tuple(target)


def expand(input: Tensor, *sizes) -> Tensor:
    """Broadcast size-1 dims to ``sizes`` without copying; -1 keeps a dim (Tensor.expand)."""
    target = _expand_target(input, parse_size(sizes))
    return _view_of(_expand, input, shape=target, self_sym_sizes=input._data.shape)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    return expand(input, tuple(size))


# -- unsqueeze / squeeze --------------------------------------------------------------------------
_unsqueeze = Primitive(
    "unsqueeze",
    "UnsqueezeBackward0",
    lambda a, axis, **_: np.expand_dims(a, axis),
    (lambda g, s: g.squeeze(s["axis"]),),
    attrs=("dim",),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
    array_rules=(lambda g, s: np.squeeze(g, s["axis"]),),
)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (torch.unsqueeze)."""
    return _view_of(_unsqueeze, input, dim=dim, axis=_wrap_dim(dim, input.ndim + 1))


_squeeze0 = Primitive(
    "squeeze",
    "SqueezeBackward0",
    lambda a, **_: np.squeeze(a),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
    array_rules=True,
)
_squeeze1 = Primitive(
    "squeeze_dim",
    "SqueezeBackward1",
    lambda a, axis, **_: np.squeeze(a, axis) if a.shape[axis] == 1 else a.view(),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("dim", "self_sym_sizes"),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
    array_rules=True,
)
_squeeze2 = Primitive(
    "squeeze_dims",
    "SqueezeBackward2",
    lambda a, axes, **_: np.squeeze(a, tuple(d for d in axes if a.shape[d] == 1)),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("dim", "self_sym_sizes"),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
    array_rules=True,
)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Drop size-1 dims (all of them, or those in ``dim`` that have size 1) (torch.squeeze)."""
    sizes = input._data.shape
    if dim is None:
        return _view_of(_squeeze0, input, self_sym_sizes=sizes)
    if isinstance(dim, (tuple, list)):
        dims = tuple(int(d) for d in dim)
        axes = tuple(sorted({_wrap_dim(d, input.ndim) for d in dims}))
        return _view_of(_squeeze2, input, dim=dims, axes=axes, self_sym_sizes=sizes)
    return _view_of(
        _squeeze1, input, dim=dim, axis=_wrap_dim(dim, input.ndim), self_sym_sizes=sizes
    )


# -- transpose / permute --------------------------------------------------------------------------
_transpose = Primitive(
    "transpose",
    "TransposeBackward0",
    lambda a, dim0, dim1: np.swapaxes(a, dim0, dim1),
    (lambda g, s: g.transpose(s["dim0"], s["dim1"]),),
    attrs=("dim0", "dim1"),
    view=True,
    display=show_u64("dim0", "dim1"),
    jvp=LINEAR,
    array_rules=(lambda g, s: np.swapaxes(g, s["dim0"], s["dim1"]),),
)
_t = Primitive(
    "t",
    "TBackward0",
    lambda a: a.T if a.ndim == 2 else a.view(),
    (lambda g, s: g.t(),),
    view=True,
    jvp=LINEAR,
    array_rules=(lambda g, s: g.T,),  # (0-d and 1-d: T is the identity, as t() is)
)
_permute = Primitive(
    "permute",
    "PermuteBackward0",
    lambda a, dims, axes: np.transpose(a, axes),
    (lambda g, s: g.permute(tuple(int(i) for i in np.argsort(s["axes"]))),),
    attrs=("dims",),
    view=True,
    display=show_u64("dims"),
    jvp=LINEAR,
    array_rules=(lambda g, s: np.transpose(g, np.argsort(s["axes"])),),
)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims; a view (torch.transpose)."""
    _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim)
    return _view_of(_transpose, input, dim0=dim0, dim1=dim1)


swapaxes = swapdims = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix; 0-D and 1-D tensors come back as they are (torch.t)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _view_of(_t, input)


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder the dims (torch.permute)."""
    dims = parse_size(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    axes = tuple(_wrap_dim(d, input.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view_of(_permute, input, dims=dims, axes=axes)


def _dim_list(dims, ndim: int, name: str) -> tuple:
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    wrapped = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"movedim: repeated dim in `{name}` ([{_join(dims)}])")
    return wrapped


def movedim(input: Tensor, source, destination) -> Tensor:
    """Move dims ``source`` to positions ``destination``, the others keeping their order."""
    src = _dim_list(source, input.ndim, "source")
    dst = _dim_list(destination, input.ndim, "destination")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ([{_join(src)}] dims) should "
            f"contain the same number of dims as destination ([{_join(dst)}] dims)"
        )
    order = [-1] * input.ndim
    for s, d in zip(src, dst, strict=True):
        order[d] = s
    rest = iter(d for d in range(input.ndim) if d not in src)
    order = [o if o != -1 else next(rest) for o in order]
    return permute(input, order)


moveaxis = movedim

_T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
    "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
    "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
    "tensor."
)


def _T(self: Tensor) -> Tensor:
    """``x.T``: the dims reversed (PermuteBackward0); deprecated unless 2-D."""
    if self.ndim == 0:
        warnings.warn(
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
            UserWarning,
            stacklevel=2,
        )
    elif self.ndim != 2:
        warnings.warn(_T_DEPRECATED, UserWarning, stacklevel=2)
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _matrix_transpose(self: Tensor, name: str, zero_d_tail: str) -> Tensor:
    if self.ndim == 0:
        warnings.warn(
            f"Tensor.{name} is deprecated on 0-D tensors. {zero_d_tail}", UserWarning, stacklevel=3
        )
        return self
    if self.ndim == 1:
        raise RuntimeError(
            f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return transpose(self, -2, -1)


def _mT(self: Tensor) -> Tensor:
    """``x.mT``: the last two dims swapped (TransposeBackward0)."""
    return _matrix_transpose(self, "mT", "This function is the identity in these cases.")


def _mH(self: Tensor) -> Tensor:
    """``x.mH``: the conjugate transpose of the last two dims (real tensors: ``x.mT``)."""
    return _matrix_transpose(self, "mH", "Consider using x.conj().")


_alias = Primitive(
    "alias", "AliasBackward0", lambda a: a.view(), (lambda g, s: g,), view=True, jvp=LINEAR
)


def alias(input: Tensor) -> Tensor:
    """A new view of all of ``input`` (what ``x[...]`` returns)."""
    return _view_of(_alias, input)


__all__ = [
    "broadcast_to",
    "clone",
    "flatten",
    "movedim",
    "moveaxis",
    "permute",
    "ravel",
    "reshape",
    "squeeze",
    "swapaxes",
    "swapdims",
    "t",
    "transpose",
    "unflatten",
    "unsqueeze",
]

METHODS = {
    "view": view,
    "reshape": reshape,
    "view_as": view_as,
    "reshape_as": reshape_as,
    "flatten": flatten,
    "ravel": ravel,
    "unflatten": unflatten,
    "clone": clone,
    "contiguous": contiguous,
    "expand": expand,
    "expand_as": expand_as,
    "broadcast_to": broadcast_to,
    "unsqueeze": unsqueeze,
    "squeeze": squeeze,
    "transpose": transpose,
    "swapaxes": swapaxes,
    "swapdims": swapdims,
    "t": t,
    "permute": permute,
    "movedim": movedim,
    "moveaxis": moveaxis,
    "T": property(_T),
    "mT": property(_mT),
    "mH": property(_mH),
    "adjoint": _mH,
}
