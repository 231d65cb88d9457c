"""Shape primitives: views (view, expand, unsqueeze, transpose, ...) and copies (reshape).

Views share storage and version counter with their base, as in PyTorch.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> a.view(3, 2).grad_fn.name(), a.t().grad_fn.name()
('ViewBackward0', 'TBackward0')
"""

from __future__ import annotations

import numpy as np

from ..tensor import Size, Tensor, _wrap_dim
from .primitive import Primitive, apply


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
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1:]
    elif known != numel:
        raise RuntimeError(bad)
    return shape


_view = Primitive(
    "view", "ViewBackward0",
    lambda a, shape, **_: a.reshape(shape),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",), view=True,
)
_unsafe_view = Primitive(
    "reshape_copy", "UnsafeViewBackward0",
    lambda a, shape, **_: np.reshape(a, shape).copy(),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",),
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
    return apply(_view, input, shape=shape, self_sym_sizes=input._data.shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """A view when the layout allows, else a copy (torch.reshape)."""
    shape = infer_size(parse_size(shape), input._data.size)
    if _viewable(input._data, shape):
        return apply(_view, input, shape=shape, self_sym_sizes=input._data.shape)
    return apply(_unsafe_view, contiguous(input), shape=shape,
                 self_sym_sizes=input._data.shape)


_clone = Primitive(
    "clone", "CloneBackward0", lambda a, **_: np.array(a, copy=True), (lambda g, s: g,),
)


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    """A copy that stays in the graph (torch.clone)."""
    return apply(_clone, input)


def contiguous(input: Tensor, memory_format=None) -> Tensor:
    """``input`` itself when C-contiguous, else a contiguous copy (CloneBackward0)."""
    if input._data.flags.c_contiguous:
        return input
    return apply(_clone, input)


def _expand_error(shape: tuple, old: tuple) -> RuntimeError:
    lead = len(shape) - len(old)
    for i, s in enumerate(shape):
        o = old[i - lead] if i >= lead else 1
        if s != -1 and o != 1 and s != o:
            return RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({o}) at "
                f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, shape))}].  "
                f"Tensor sizes: [{', '.join(map(str, old))}]"
            )
    return RuntimeError("expand: invalid size")


_expand = Primitive(
    "expand", "ExpandBackward0",
    lambda a, shape, **_: np.broadcast_to(a, shape),
    (lambda g, s: g.sum_to_size(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",), view=True,
)


def expand(input: Tensor, *sizes) -> Tensor:
    """Broadcast size-1 dims to ``sizes`` without copying; -1 keeps a dim (Tensor.expand)."""
    shape = parse_size(sizes)
    old = input._data.shape
    if len(shape) < len(old):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, old))}]}}, size=[{', '.join(map(str, shape))}]): "
            "the number of sizes provided ({len(shape)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(old)})"
        )
    lead = len(shape) - len(old)
    target = tuple(old[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(shape))
    for i, s in enumerate(target):
        o = old[i - lead] if i >= lead else 1
        if o != 1 and s != o:
            raise _expand_error(shape, old)
    if target == old:
        return apply(_expand, input, shape=target, self_sym_sizes=old)
    return apply(_expand, input, shape=target, self_sym_sizes=old)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, size) -> Tensor:
    return expand(input, tuple(size))


_unsqueeze = Primitive(
    "unsqueeze", "UnsqueezeBackward0",
    lambda a, dim: np.expand_dims(a, dim),
    (lambda g, s: g.squeeze(s["dim"]),),
    attrs=("dim",), view=True,
)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (torch.unsqueeze)."""
    return apply(_unsqueeze, input, dim=_wrap_dim(dim, input.ndim + 1))


_squeeze0 = Primitive(
    "squeeze", "SqueezeBackward0",
    lambda a, **_: np.squeeze(a),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("self_sym_sizes",), view=True,
)
_squeeze1 = Primitive(
    "squeeze_dim", "SqueezeBackward1",
    lambda a, dim, **_: np.squeeze(a, dim) if a.shape[dim] == 1 else a.view(),
    (lambda g, s: g.reshape(s["self_sym_sizes"]),),
    attrs=("dim", "self_sym_sizes"), view=True,
)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Drop size-1 dims (all of them, or ``dim`` if it has size 1) (torch.squeeze)."""
    if dim is None:
        return apply(_squeeze0, input, self_sym_sizes=input._data.shape)
    if isinstance(dim, (tuple, list)):
        out = input
        for d in sorted((_wrap_dim(d, input.ndim) for d in dim), reverse=True):
            out = squeeze(out, d)
        return out
    return apply(_squeeze1, input, dim=_wrap_dim(dim, input.ndim),
                 self_sym_sizes=input._data.shape)
