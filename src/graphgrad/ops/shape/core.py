"""Shape primitives: views (view, expand, unsqueeze, ...) and copies (reshape of a
non-contiguous tensor). Transposes and permutes live in transpose.py; joining and splitting
in join.py; repeating and reordering elements in reorder.py.

Views share storage and version counter with their base, as in PyTorch.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.view(3, 2).grad_fn.name(), a.t().grad_fn.name(), a.T.grad_fn.name()
('ViewBackward0', 'TBackward0', 'PermuteBackward0')
>>> a.transpose(-1, -2).grad_fn._saved_dim0
18446744073709551615
"""

from __future__ import annotations

import numpy as np

from ..._argcheck import int_tuple
from ..._memory_format import (
    axes,
    contiguous_format,
    copy_in,
    is_in,
    memory_format,
    preserve_format,
)
from ...dtypes import dtype
from ...tensor import Tensor, _wrap_dim
from ..primitive import LINEAR, Primitive, apply
from ..views_inplace import track_view


def parse_size(size: tuple, fn: str = "view", arg: str = "size") -> tuple:
    """``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])`` all mean the shape ``(2, 3)``; ``fn`` names
    the function in the TypeError for an element that is not an int."""
    return int_tuple(size, fn, arg)


def infer_size(shape: tuple, numel: int) -> tuple:
    """Resolve one ``-1`` in ``shape``; PyTorch's error when the sizes cannot match."""
    known = 1
    unknown = [i for i, s in enumerate(shape) if s == -1]
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(
                f"invalid shape dimension {s} at index {i} of shape [{', '.join(map(str, shape))}]"
            )
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
def _reshape_back(grad, self_sym_sizes, xp):
    """The rule of every reshape: the gradient in the input's shape."""
    return xp.reshape(grad, self_sym_sizes)


_view = Primitive(
    "view",
    "ViewBackward0",
    lambda a, shape, **_: a.reshape(shape),
    self=_reshape_back,
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
)
_unsafe_view = Primitive(
    "reshape_copy",
    "UnsafeViewBackward0",
    lambda a, shape, **_: np.reshape(a, shape).copy(),
    self=_reshape_back,
    attrs=("self_sym_sizes",),
    jvp=LINEAR,
)


def _viewable(a: np.ndarray, shape: tuple) -> bool:
    """Whether ``a`` can take ``shape`` without copying (its memory layout allows it)."""
    if a.flags.c_contiguous or a.size == 0:
        return True
    # NumPy reshapes in place of memory when the layout allows and copies otherwise (setting
    # ``.shape`` to test this is deprecated from NumPy 2.5; ``copy=False`` is missing in 2.0).
    return np.may_share_memory(np.reshape(a, shape), a)


def view(input: Tensor, *shape) -> Tensor:
    """The same data with another shape; never copies (raises when the layout does not allow it).

    Args:
        input: the tensor (``input.view(*shape)``).
        shape: the new shape, as integers or one tuple; one entry may be -1 (inferred).

    >>> torch.arange(6).view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    >>> torch.arange(6).view(-1, 2).shape
    torch.Size([3, 2])
    """
    if len(shape) == 1 and isinstance(shape[0], dtype):
        return _view_as_dtype(input, shape[0])
    shape = infer_size(parse_size(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return _view_of(_view, input, shape=shape, self_sym_sizes=input._data.shape)


def _view_as_dtype(input: Tensor, dt: dtype) -> Tensor:
    """The same bytes read as ``dt`` (``view(dtype)``): the last dim shrinks or grows by the
    ratio of the element sizes; the result shares memory and, as in PyTorch, has no gradient."""
    a, target = input._data, dt.np
    if a.dtype.itemsize != target.itemsize:
        what = f"view {input.dtype.legacy} as {dt.legacy} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to {what}")
        stride = a.strides[-1] // a.dtype.itemsize
        if stride != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to {what}, but got {stride}")
        ratio = target.itemsize // a.dtype.itemsize
        if ratio > 1 and a.shape[-1] % ratio:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {ratio} to {what}, but got {a.shape[-1]}"
            )
    return Tensor._make(a.view(target))


def reshape(input: Tensor, *shape) -> Tensor:
    """``input`` with another shape: a view when the layout allows, else a copy.

    Args:
        input: the tensor.
        shape: the new shape, as integers or one tuple; one entry may be -1 (inferred).

    >>> torch.reshape(torch.arange(4), (2, 2))
    tensor([[0, 1],
            [2, 3]])
    """
    shape = infer_size(parse_size(shape, "reshape", "shape"), input._data.size)
    if _viewable(input._data, shape):
        return _view_of(_view, input, shape=shape, self_sym_sizes=input._data.shape)
    return apply(_unsafe_view, contiguous(input), shape=shape, self_sym_sizes=input._data.shape)


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.view(other.shape)``.

    Args:
        input: the tensor.
        other: the tensor whose shape the result takes.

    >>> torch.arange(4).view_as(torch.zeros(2, 2)).shape
    torch.Size([2, 2])
    """
    return view(input, other.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.reshape(other.shape)``.

    Args:
        input: the tensor.
        other: the tensor whose shape the result takes.

    >>> torch.arange(4).reshape_as(torch.zeros(2, 2)).shape
    torch.Size([2, 2])
    """
    return reshape(input, other.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim`` to ``end_dim`` into one (a view when contiguous).

    Args:
        input: the tensor.
        start_dim: the first dimension merged.
        end_dim: the last dimension merged (included).

    >>> torch.flatten(torch.zeros(2, 3, 4), start_dim=1).shape
    torch.Size([2, 12])
    """
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
    """The elements of ``input`` as a 1-D tensor, copying only when not contiguous.

    Args:
        input: the tensor.

    >>> torch.ravel(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 2, 3, 4])
    """
    return view(contiguous(input), -1)


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Split dimension ``dim`` of ``input`` into ``sizes``.

    Args:
        input: the tensor.
        dim: the dimension to split.
        sizes: the new dimensions' sizes; their product is ``input.size(dim)``, one may be -1.

    >>> torch.unflatten(torch.zeros(2, 6), 1, (3, -1)).shape
    torch.Size([2, 3, 2])
    """
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
    # clone() keeps the layout (PyTorch's preserve_format); contiguous() asks for another.
    lambda a, memory_format=preserve_format: copy_in(a, memory_format),
    self=lambda grad: grad,
    jvp=LINEAR,
)


def clone(input: Tensor, *, memory_format: memory_format = preserve_format) -> Tensor:
    """A copy of ``input`` that stays in the graph (gradients flow back through it).

    Args:
        input: the tensor.
        memory_format: the copy's layout; by default ``input``'s own.

    >>> torch.clone(torch.tensor([1.0, 2.0], requires_grad=True))
    tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    axes(memory_format, input.dim())  # channels_last needs a 4-d tensor, even for a no-op
    return apply(_clone, input, memory_format=memory_format)


def contiguous(input: Tensor, memory_format: memory_format = contiguous_format) -> Tensor:
    """``input`` itself when its elements lie densely in ``memory_format``'s order (row-major by
    default), else a copy that does.

    Args:
        input: the tensor (``input.contiguous()``).
        memory_format: ``torch.contiguous_format`` or ``torch.channels_last`` (4-d tensors).

    >>> torch.zeros(2, 3).t().contiguous().is_contiguous()
    True
    """
    axes(memory_format, input.dim())
    if is_in(input._data, memory_format):
        return input
    if memory_format is preserve_format:
        raise RuntimeError("preserve memory format is unsupported by the contiguous operator")
    return apply(_clone, input, memory_format=memory_format)


# -- expand ---------------------------------------------------------------------------------------
def join_dims(shape) -> str:
    """``2, 3``: a shape or a list of dims as PyTorch's messages print them."""
    return ", ".join(map(str, shape))


def _broadcast_view(a: np.ndarray, shape: tuple) -> np.ndarray:
    """np.broadcast_to, but writable where ``a`` is, as PyTorch's expanded tensors are
    (``e[0] = 5`` writes the one shared element; in-place ops refuse, see check_overlap)."""
    b = np.broadcast_to(a, shape)
    if not a.flags.writeable:
        return b
    return np.lib.stride_tricks.as_strided(a, b.shape, b.strides)


_expand = Primitive(
    "expand",
    "ExpandBackward0",
    lambda a, shape, **_: _broadcast_view(a, shape),
    self=lambda grad, self_sym_sizes, xp: xp.sum_to_size(grad, self_sym_sizes),
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
)


def _expand_target(input: Tensor, shape: tuple) -> tuple:
    old = input._data.shape
    if len(shape) < len(old):
        raise RuntimeError(
            f"expand(torch.{input.dtype.legacy}Tensor{{[{join_dims(old)}]}}, "
            f"size=[{join_dims(shape)}]): "
            f"the number of sizes provided ({len(shape)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(old)})"
        )
    lead = len(shape) - len(old)
    target = []
    for i, s in enumerate(shape):
        o = old[i - lead] if i >= lead else None
        if s == -1:
            if o is None:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            s = o
        if o is not None and o != 1 and s != o:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({o}) at "
                f"non-singleton dimension {i}.  Target sizes: [{join_dims(shape)}].  "
                f"Tensor sizes: [{join_dims(old)}]"
            )
        target.append(s)
    if any(s < 0 for s in target):  # PyTorch's size arithmetic fails on the negative size
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(target)


def expand(input: Tensor, *sizes) -> Tensor:
    """A view repeating size-1 dimensions to ``sizes`` without copying.

    Args:
        input: the tensor (``input.expand(*sizes)``).
        sizes: the new shape; -1 keeps a dimension's size, and new leading dimensions may be added.

    >>> torch.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    target = _expand_target(input, parse_size(sizes, "expand"))
    return _view_of(_expand, input, shape=target, self_sym_sizes=input._data.shape)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.shape)``.

    Args:
        input: the tensor.
        other: the tensor whose shape the result takes.

    >>> torch.tensor([1, 2]).expand_as(torch.zeros(2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, other.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    """``input`` broadcast to ``size`` (a view, as ``expand``).

    Args:
        input: the tensor.
        size: the shape to broadcast to.

    >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, tuple(size))


# -- unsqueeze / squeeze --------------------------------------------------------------------------
_unsqueeze = Primitive(
    "unsqueeze",
    "UnsqueezeBackward0",
    lambda a, axis, **_: np.expand_dims(a, axis),
    self=lambda grad, axis, xp: xp.squeeze(grad, axis),
    attrs=("dim",),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A view with a new size-1 dimension at position ``dim``.

    Args:
        input: the tensor.
        dim: where the new dimension goes (negative counts from the end of the result).

    >>> torch.unsqueeze(torch.tensor([1, 2]), 0)
    tensor([[1, 2]])
    >>> torch.unsqueeze(torch.tensor([1, 2]), -1).shape
    torch.Size([2, 1])
    """
    return _view_of(_unsqueeze, input, dim=dim, axis=_wrap_dim(dim, input.ndim + 1))


_squeeze0 = Primitive(
    "squeeze",
    "SqueezeBackward0",
    lambda a, **_: np.squeeze(a),
    self=_reshape_back,
    attrs=("self_sym_sizes",),
    view=True,
    jvp=LINEAR,
)
_squeeze1 = Primitive(
    "squeeze_dim",
    "SqueezeBackward1",
    lambda a, axis, **_: np.squeeze(a, axis) if a.shape[axis] == 1 else a.view(),
    self=_reshape_back,
    attrs=("dim", "self_sym_sizes"),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
)
_squeeze2 = Primitive(
    "squeeze_dims",
    "SqueezeBackward2",
    lambda a, axes, **_: np.squeeze(a, tuple(d for d in axes if a.shape[d] == 1)),
    self=_reshape_back,
    attrs=("dim", "self_sym_sizes"),
    view=True,
    display=show_u64("dim"),
    jvp=LINEAR,
)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """A view without size-1 dimensions: all of them, or those in ``dim`` that have size 1.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions; every dimension when ``None``.

    >>> torch.squeeze(torch.zeros(1, 2, 1)).shape
    torch.Size([2])
    >>> torch.squeeze(torch.zeros(1, 2, 1), 0).shape
    torch.Size([2, 1])
    """
    sizes = input._data.shape
    if dim is None:
        return _view_of(_squeeze0, input, self_sym_sizes=sizes)
    if input.ndim == 0 and not isinstance(dim, (tuple, list)):
        _wrap_dim(dim, 1)  # a 0-d tensor has dim 0 (and -1), as in PyTorch
        return _view_of(_squeeze0, input, self_sym_sizes=sizes)
    if isinstance(dim, (tuple, list)):
        dims = tuple(int(d) for d in dim)
        wrapped = [_wrap_dim(d, input.ndim) for d in dims]
        for d in wrapped:
            if wrapped.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        axes = tuple(sorted(set(wrapped)))
        return _view_of(_squeeze2, input, dim=dims, axes=axes, self_sym_sizes=sizes)
    return _view_of(
        _squeeze1, input, dim=dim, axis=_wrap_dim(dim, input.ndim), self_sym_sizes=sizes
    )


__all__ = [
    "broadcast_to",
    "clone",
    "flatten",
    "ravel",
    "reshape",
    "squeeze",
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
}
