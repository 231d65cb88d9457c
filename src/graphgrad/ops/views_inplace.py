"""In-place writes through a view of a tensor that is part of a graph: PyTorch's CopySlices.

When an in-place op writes into a view ``v`` of ``base`` and records a node ``fn``, the base's
``grad_fn`` becomes ``CopySlices(fn)``: its gradient is the incoming one with the view's region
replaced by what ``fn`` gives for its ``self``, and ``fn``'s other inputs receive their gradients
as usual. Every live view of the base (``v`` included) then hangs off the new base through an
``AsStridedBackward0`` node. Where a view sits inside its base is read off the NumPy arrays
(byte offset and strides of ``v._data`` against ``base._data``), so a view carries no geometry
of its own.

>>> import graphgrad as torch
>>> a = torch.ones(3, requires_grad=True)
>>> w = a * 1
>>> v = w[1:]
>>> _ = v.mul_(2)
>>> w.grad_fn.name(), v.grad_fn.name()
('torch::autograd::CopySlices', 'AsStridedBackward0')
>>> w.sum().backward()
>>> a.grad
tensor([1., 2., 2.])
"""

from __future__ import annotations

import weakref

import numpy as np

from ..autograd import forward_ad
from ..autograd.engine import fit_to_input
from ..autograd.forward_ad import propagating as _fw_propagating
from ..autograd.forward_ad import state as _fw_state
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.hooks import RetainGradHook
from ..autograd.node import Node, edge_of
from ..autograd.saved import SavedSlot, _forward_name
from ..compile._flag import constant
from ..tensor import Tensor
from .primitive import LINEAR, Primitive, apply

OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)
_MULTI_TAIL = (
    "This view is the output of a function that returns multiple views. Such functions do not "
    "allow the output views to be modified inplace. You should replace the inplace operation by "
    "an out-of-place one."
)
_NO_GRAD_HEAD = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled."
)
_NO_GRAD_TAIL = (
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
    "code by moving both the view and the inplace either both inside the no_grad block (if you "
    "don't want the inplace to be tracked) or both outside (if you want the inplace to be "
    "tracked)."
)


# -- where a view sits in its base ----------------------------------------------------------------
def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def _affine(shape: tuple, strides: tuple, offset: int) -> np.ndarray:
    """``offset + sum(i_k * strides_k)`` for every index ``i`` of ``shape`` (int64)."""
    pos = np.asarray(offset, np.int64)
    for d, (n, s) in enumerate(zip(shape, strides, strict=True)):
        step = [1] * len(shape)
        step[d] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(step)
    return constant(np.broadcast_to(pos, shape))  # (of the layout alone: a recording's constant)


def view_geometry(view: np.ndarray, base: np.ndarray) -> dict:
    """Where ``view``'s elements sit in ``base``, as the params of the as_strided primitives.

    ``pos`` holds, per view element, its index in ``base`` flattened in C order (what the
    gradient arrays are indexed with); ``size``/``stride``/``storage_offset`` are PyTorch's
    display, in elements of the base's storage.
    """
    isz = base.itemsize
    if view.itemsize != isz:
        raise NotImplementedError("in-place write through a view with another element size")
    off = _address(view) - _address(base)
    stride = tuple(s // isz for s in view.strides)
    if base.flags.c_contiguous:  # memory order is the C order of the base: read it off
        pos = _affine(view.shape, stride, off // isz)
        start = 0
    else:  # any other layout: look every view address up among the base's addresses
        addr = _affine(base.shape, base.strides, 0).ravel()
        order = np.argsort(addr, kind="stable")
        ranked = addr[order]
        pos = constant(order[np.searchsorted(ranked, _affine(view.shape, view.strides, off))])
        start = int(ranked[0]) if ranked.size else 0
    overlap = any(s == 0 and n > 1 for s, n in zip(view.strides, view.shape, strict=True))
    return {
        "pos": pos,
        "size": tuple(view.shape),
        "stride": stride,
        "storage_offset": (off - start) // isz,
        "base_shape": base.shape,
        "overlap": overlap,
    }


# -- as_strided and as_strided_scatter ------------------------------------------------------------
def _strided_read(a: np.ndarray, pos: np.ndarray, **_) -> np.ndarray:
    return np.ascontiguousarray(a).reshape(-1)[pos]


def _strided_write(a: np.ndarray, src: np.ndarray, pos: np.ndarray, overlap: bool, **_):
    out = np.array(a, order="C", copy=True)
    flat = out.reshape(-1)
    if overlap:  # positions repeat: every copy adds (the adjoint of a read with repeats)
        np.add.at(flat, pos, np.broadcast_to(src, pos.shape))
    else:
        flat[pos] = src
    return out


def _zeros(shape: tuple, like: Tensor) -> Tensor:
    return Tensor._make(constant(np.zeros(shape, like._data.dtype)))  # (a compiled call's constant)


def _geometry(pos, size, stride, storage_offset, base_shape, overlap) -> dict:
    """The parameters as_strided and as_strided_scatter share (see ``strided_geometry``)."""
    return {
        "pos": pos,
        "size": size,
        "stride": stride,
        "storage_offset": storage_offset,
        "base_shape": base_shape,
        "overlap": overlap,
    }


def _read_rule(grad, pos, size, stride, storage_offset, base_shape, overlap, xp):
    geometry = _geometry(pos, size, stride, storage_offset, base_shape, overlap)
    return xp.as_strided_scatter(xp.zeros(base_shape, grad), grad, **geometry)


def _write_input_rule(grad, pos, size, stride, storage_offset, base_shape, overlap, xp):
    if overlap:
        return grad
    geometry = _geometry(pos, size, stride, storage_offset, base_shape, overlap)
    return xp.as_strided_scatter(grad, xp.zeros(size, grad), **geometry)


def _write_src_rule(grad, pos, size, stride, storage_offset, base_shape, overlap, xp):
    geometry = _geometry(pos, size, stride, storage_offset, base_shape, overlap)
    return xp.as_strided(grad, **geometry)


_GEOMETRY = ("size", "storage_offset", "stride")
_as_strided = Primitive(
    "as_strided",
    "AsStridedBackward0",
    _strided_read,
    self=_read_rule,
    attrs=_GEOMETRY,
    jvp=LINEAR,
)
_as_strided_scatter = Primitive(
    "as_strided_scatter",
    "AsStridedScatterBackward0",
    _strided_write,
    self=_write_input_rule,
    src=_write_src_rule,
    dtype="promote",
    attrs=_GEOMETRY,
    jvp=LINEAR,
)


def _user_geometry(input: Tensor, size, stride, storage_offset) -> dict:
    size, stride = tuple(int(n) for n in size), tuple(int(n) for n in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = int(storage_offset or 0)
    need = (
        offset + 1 + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) if all(size) else 0
    )
    if need > input.numel():
        isz = input.element_size()
        raise RuntimeError(
            f"setStorage: sizes [{', '.join(map(str, size))}], strides "
            f"[{', '.join(map(str, stride))}], storage offset {offset}, and itemsize {isz} "
            f"requiring a storage size of {need * isz} are out of bounds for storage of size "
            f"{input.numel() * isz}"
        )
    pos = _affine(size, stride, offset)
    return {
        "pos": pos,
        "size": size,
        "stride": stride,
        "storage_offset": offset,
        "base_shape": input._data.shape,
        "overlap": np.unique(pos).size != pos.size,
    }


def as_strided(input: Tensor, size, stride, storage_offset=None) -> Tensor:
    """A view of ``input``'s storage with the given ``size`` and ``stride`` (in elements).

    Args:
        input: the tensor.
        size: the view's shape.
        stride: the step in storage per dimension.
        storage_offset: where the view starts in storage (``input``'s own offset when ``None``).

    >>> torch.as_strided(torch.arange(6), (2, 2), (1, 2))
    tensor([[0, 2],
            [1, 3]])
    """
    return apply(_as_strided, input, **_user_geometry(input, size, stride, storage_offset))


def as_strided_scatter(input: Tensor, src: Tensor, size, stride, storage_offset=None) -> Tensor:
    """A copy of ``input`` with ``src`` written into the strided view that ``as_strided``
    with these arguments would give.

    Args:
        input: the tensor.
        src: the values, of shape ``size``.
        size, stride, storage_offset: as in ``as_strided``.

    >>> torch.as_strided_scatter(torch.zeros(4), torch.ones(2), (2,), (2,))
    tensor([1., 0., 1., 0.])
    """
    geometry = _user_geometry(input, size, stride, storage_offset)
    if tuple(src.shape) != geometry["size"]:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"[{', '.join(map(str, src.shape))}], slice size = "
            f"[{', '.join(map(str, geometry['size']))}]"
        )
    return apply(_as_strided_scatter, input, src, **geometry)


# -- the live views of each base ------------------------------------------------------------------
class _ViewRefs:
    """Weak references to a base's views, pruned of dead ones as the list grows."""

    __slots__ = ("owner", "refs", "limit")

    def __init__(self, owner: Tensor) -> None:
        self.owner = weakref.ref(owner)  # a copied tensor dict must not share the list
        self.refs: list = []
        self.limit = 16

    def add(self, view: Tensor) -> None:
        self.refs.append(weakref.ref(view))
        if len(self.refs) > self.limit:
            self.refs = [r for r in self.refs if r() is not None]
            self.limit = max(16, 2 * len(self.refs))

    def live(self) -> list[Tensor]:
        return [v for v in (r() for r in self.refs) if v is not None]


def track_view(view: Tensor, multi: bool = False) -> Tensor:
    """Remember ``view`` on its base (so an in-place write elsewhere can rebase it) and how it
    was made (PyTorch forbids in-place writes into some views)."""
    base = view._base
    if base is None:
        return view
    refs = base.__dict__.get("_views")
    if refs is None or refs.owner() is not base:
        refs = base.__dict__["_views"] = _ViewRefs(base)
    refs.add(view)
    if multi:
        view.__dict__["_view_meta"] = "multi" if view.grad_fn is not None else "multi_no_grad"
    elif not _grad_state.enabled:
        view.__dict__["_view_meta"] = "no_grad"
    return view


def _check_writable(t: Tensor) -> None:
    """PyTorch's refusals for views made by multi-output ops or under no_grad."""
    if type(t.grad_fn) is ViewError:
        raise RuntimeError(t.grad_fn.message)
    meta = t.__dict__.get("_view_meta")
    if meta == "multi":
        assert t.grad_fn is not None  # "multi": made by a multi-output op that recorded a node
        raise RuntimeError(
            f"Output {t._output_nr} of {_forward_name(t.grad_fn.name())} is a view and is being "
            f"modified inplace. {_MULTI_TAIL}"
        )
    if meta == "multi_no_grad":
        raise RuntimeError(f"{_NO_GRAD_HEAD} {_MULTI_TAIL}")
    if meta == "no_grad":
        raise RuntimeError(f"{_NO_GRAD_HEAD} {_NO_GRAD_TAIL}")


# -- nodes ----------------------------------------------------------------------------------------
class CopySlices(Node):
    """The base's node after an in-place write into one of its views (PyTorch's CopySlices).

    ``next_functions`` are the base's previous edge followed by the in-place op's other inputs.
    """

    __slots__ = ("fn", "_meta", "_geometry")

    def __init__(self, base_edge: tuple, fn: Node, geometry: dict, base_meta: tuple) -> None:
        super().__init__((base_edge,) + tuple(fn.next_functions[1:]))
        self.fn = fn
        self._geometry = geometry
        self._meta = (base_meta,) + tuple(fn._meta[1:])

    def name(self) -> str:
        return "torch::autograd::CopySlices"  # PyTorch's C++ nodes keep their namespace

    def apply(self, grads: list) -> list:
        g = grads[0]
        if g is None:
            return [None] * len(self._next_nodes)
        geometry = self._geometry
        res = self.fn.apply([apply(_as_strided, g, **geometry)])
        own = res[0] if res else None
        if own is None:
            own = _zeros(geometry["size"], g)
        else:
            own = fit_to_input(own, self.fn._meta[0], self.fn, 0)
        base_grad = None
        if self._next_nodes[0] is not None:
            base_grad = apply(_as_strided_scatter, g, own, **geometry)
        return [base_grad, *res[1:]]

    def release(self) -> None:
        self.fn.release()


class ViewError(Node):
    """Stands in for the node of a view that PyTorch no longer lets take part in autograd once
    its base was modified in place (made under no_grad, or by a multi-output op)."""

    __slots__ = ("message",)

    def __init__(self, message: str, edge: tuple) -> None:
        super().__init__((edge,))
        self.message = message

    def apply(self, grads: list) -> list:
        raise RuntimeError(self.message)


# -- rebasing -------------------------------------------------------------------------------------
def _set_node(t: Tensor, node: Node) -> None:
    if t._retains_grad and t.grad_fn is not None:
        move_retain_grad(t, node, 0)
    t.grad_fn = node
    t._requires_grad = True
    t._output_nr = 0


def _rebase_one(view: Tensor, base: Tensor) -> None:
    """Make ``view`` a view of the base's current node (AsStridedBackward0), or an error node
    where PyTorch would refuse to use it."""
    edge = (base.grad_fn, base._output_nr)
    meta = view.__dict__.get("_view_meta")
    if meta is not None:
        if meta == "multi":
            assert view.grad_fn is not None  # as in _check_writable
            message = (
                f"Output {view._output_nr} of {_forward_name(view.grad_fn.name())} is a view and "
                "its base or another view of its base has been modified inplace. " + _MULTI_TAIL
            )
        else:
            message = (
                "A view was created in no_grad mode and its base or another view of its base has "
                "been modified inplace with grad mode enabled. " + _NO_GRAD_TAIL
            )
        if type(view.grad_fn) is not ViewError:
            _set_node(view, ViewError(message, edge))
        return
    geometry = view_geometry(view._data, base._data)
    meta_in = ((base._data.shape, base.dtype),)
    _set_node(view, _as_strided.node_cls((edge[0],), (edge[1],), geometry, meta_in))


def refresh_views(base: Tensor, skip: Tensor | None = None) -> None:
    """After ``base`` got a new node from an in-place write, hang its live views off it."""
    refs = base.__dict__.get("_views")
    if refs is None or refs.owner() is not base or base.grad_fn is None:
        return
    for view in refs.live():
        if view is not skip:
            _rebase_one(view, base)


def rebase_view(t: Tensor, out: Tensor) -> Tensor:
    """Write ``out`` into the view ``t`` and rebase the graph: the base gets ``CopySlices``."""

    base = t._base
    node = out.grad_fn
    assert base is not None and node is not None  # commit() calls this for a recorded view
    _check_writable(t)
    geometry = view_geometry(t._data, base._data)
    if geometry["overlap"]:
        raise RuntimeError(OVERLAP)
    snapshot_saved_self(node, t)
    np.copyto(t._data, out._data, casting="unsafe")
    t._version_counter.bump()
    if _fw_state.active and _fw_propagating():
        forward_ad.transfer_tangent(out, t)
    edge = edge_of(base) or (None, 0)
    copy_slices = CopySlices(edge, node, geometry, (base._data.shape, base.dtype))
    if base._retains_grad and base.grad_fn is not None:
        move_retain_grad(base, copy_slices, 0)
    base.grad_fn = copy_slices
    base._requires_grad = True
    base._output_nr = 0
    repoint_saved_result(node, out, t)
    meta_in = ((base._data.shape, base.dtype),)
    _set_node(t, _as_strided.node_cls((copy_slices,), (0,), geometry, meta_in))
    refresh_views(base, skip=t)
    return t


# -- what a write in place moves to its new node (shared with inplace.commit) -------------------
def move_retain_grad(t: Tensor, node, output_nr: int) -> None:
    """retain_grad follows the tensor to its new node; its other hooks stay with the old one."""
    assert t.grad_fn is not None  # only a tensor with a node retains its gradient
    old_hooks = t.grad_fn._tensor_hooks.get(t._output_nr, [])
    for hook in old_hooks:
        if type(hook) is RetainGradHook:
            old_hooks.remove(hook)
            node._add_tensor_hook(output_nr, hook)
            return


def snapshot_saved_self(node, t: Tensor) -> None:
    """If the op saved the tensor it is about to overwrite (``m.mul_(b)`` needs the old ``m``
    for ``b``'s gradient), keep the old value instead, still attached to its old graph."""
    for name, slot in node._saved.items():
        if type(slot) is SavedSlot and slot.tensor is t:
            old = Tensor._make(t._data.copy(), t._requires_grad, t.grad_fn, t._output_nr)
            node._saved[name] = SavedSlot(old, False)


def repoint_saved_result(node, out: Tensor, t: Tensor) -> None:
    """A node that saved its result (relu_, sigmoid_) now watches ``t``'s storage instead."""
    for slot in node._saved.values():
        if type(slot) is SavedSlot and slot.data is out._data:
            slot.data = t._data
            slot.counter = t._version_counter
            slot.version = t._version_counter.value


# The arguments the generated examples pass (``x`` is a 2x2 float tensor); none for the rest.
