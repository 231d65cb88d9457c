"""Forward-mode AD: dual tensors carry a tangent, and every primitive pushes it forward.

Inside ``dual_level()``, ``make_dual(x, v)`` makes a view of ``x`` whose tangent is ``v``; every
op applied to it computes its output's tangent with the op's JVP rule (kept next to its
backward rule in the primitive table; see ``ops/forward_mode.py``), and ``unpack_dual(y)`` gives
back ``(primal, tangent)``. This module holds the levels and the tangents.

Tangents live in a table keyed by tensor object (a dual is a view of its primal, as in PyTorch),
and tangent computations are ordinary recorded ops, so reverse mode can differentiate them and
forward mode can run over a backward pass.

>>> import graphgrad as torch
>>> import graphgrad.autograd.forward_ad as fwAD
>>> x = torch.tensor([1.0, 2.0])
>>> with fwAD.dual_level():
...     y = fwAD.make_dual(x, torch.tensor([1.0, 0.0])) ** 2
...     fwAD.unpack_dual(y).tangent
tensor([2., 0.])
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import namedtuple

from .. import _printing
from ..tensor import Tensor

__all__ = [
    "UnpackedDualTensor",
    "dual_level",
    "enter_dual_level",
    "exit_dual_level",
    "make_dual",
    "unpack_dual",
]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = """What ``unpack_dual`` returns: a named tuple ``(primal, tangent)``.

>>> UnpackedDualTensor(torch.tensor(1.0), None).tangent is None
True
"""


class _State:
    """The public level is process-wide, as in PyTorch (another thread sees it and cannot
    enter a second one). ``active`` is what ``primitive.apply`` reads first: some level exists
    in some thread; ``propagating()`` then asks whether this thread propagates tangents."""

    level: int | None = None
    active = False
    private = 0  # live private levels (func.jvp's), over all threads


class _ThreadState(threading.local):
    """Per thread: the switch that computes a primal without tangents (an op in one thread
    must not stop propagation in another), and this thread's private level (func.jvp)."""

    suspended = False
    private: int | None = None


local = _ThreadState()
_private_ids = itertools.count(1)
_count_lock = threading.Lock()


def current_level() -> int | None:
    """The level this thread's new tangents belong to: its func.jvp level, else the public one."""
    private = local.private
    return private if private is not None else state.level


def propagating() -> bool:
    """Whether ops in this thread push tangents forward now."""
    return state.active and not local.suspended and current_level() is not None


def _update_active() -> None:
    state.active = state.level is not None or state.private > 0


class _WeakIdMap:
    """A map keyed by object identity that drops an entry when its key dies (a
    WeakKeyDictionary compares keys with ``==``, which for tensors is elementwise)."""

    def __init__(self) -> None:
        self._items: dict[int, tuple] = {}

    def get(self, key, default=None):
        item = self._items.get(id(key))
        return item[1] if item is not None and item[0]() is key else default

    def __setitem__(self, key, value) -> None:
        items, k = self._items, id(key)
        items[k] = (weakref.ref(key, lambda _: items.pop(k, None)), value, current_level())

    def drop_level(self, level: int | None) -> None:
        """Forget the entries made at ``level`` (other threads' levels keep theirs)."""
        for k, item in list(self._items.items()):
            if item[2] == level:
                self._items.pop(k, None)

    def pop(self, key, default=None):
        item = self._items.pop(id(key), None)
        return item[1] if item is not None else default

    def setdefault(self, key, default):
        value = self.get(key)
        if value is None:
            self[key] = value = default
        return value

    def clear(self) -> None:
        self._items.clear()

    def __bool__(self) -> bool:
        return bool(self._items)


state = _State()
_tangents = _WeakIdMap()
# Tangents of outputs of recorded ops, by node: a saved output is re-wrapped as a new tensor on
# unpack and finds its tangent here (forward mode over a backward pass needs it).
_node_tangents = _WeakIdMap()

NO_LEVEL = (
    "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
    "enter_dual_level() first."
)


def enter_dual_level() -> int:
    """Start a forward-AD level (one at a time, as in PyTorch); returns its index.
    Prefer the ``dual_level`` context manager.

    >>> import graphgrad.autograd.forward_ad as fwAD
    >>> fwAD.enter_dual_level()
    0
    >>> fwAD.exit_dual_level()
    """
    if state.level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    state.level = 0
    _update_active()
    return 0


def exit_dual_level(*, level: int | None = None) -> None:
    """End the level: every tangent made in it is dropped.

    Args:
        level: the level to end (the current one when ``None``).

    >>> import graphgrad.autograd.forward_ad as fwAD
    >>> level = fwAD.enter_dual_level()
    >>> fwAD.exit_dual_level(level=level)
    """
    if level is None:
        level = state.level
    if level != state.level:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. This "
            "is not supported."
        )
    _tangents.drop_level(level)
    _node_tangents.drop_level(level)
    state.level = None
    _update_active()


class dual_level:  # noqa: N801 - PyTorch's public name
    """Context manager for a forward-AD level: dual tensors made inside carry tangents,
    and every operation computes its output's tangent (a Jacobian-vector product).

    >>> import graphgrad.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    ...     fwAD.unpack_dual((x * x).sum()).tangent
    tensor(2.)
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()


class _Suspended:
    """Run without tangent propagation in this thread (JVP rules compute on primal values)."""

    def __enter__(self) -> None:
        self.prev = local.suspended
        local.suspended = True

    def __exit__(self, *exc) -> None:
        local.suspended = self.prev


class private_level:  # noqa: N801 - a context manager, like dual_level
    """A level of this thread alone (what func.jvp runs in): threads running func.jvp at the
    same time neither see nor drop each other's tangents, as with PyTorch's functorch levels."""

    def __enter__(self) -> int:
        self.prev = local.private
        with _count_lock:
            level = local.private = -next(_private_ids)
            state.private += 1
            _update_active()
        return level

    def __exit__(self, *exc) -> None:
        level, local.private = local.private, self.prev
        _tangents.drop_level(level)
        _node_tangents.drop_level(level)
        with _count_lock:
            state.private -= 1
            _update_active()


def suspended() -> _Suspended:
    return _Suspended()


def _check_dual(tensor: Tensor, tangent: Tensor) -> None:
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise TypeError(f"make_dual(): {what} must be a Tensor, not {type(t).__name__}")
        if not (t.dtype.is_floating_point or t.dtype.is_complex):
            raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` whose tangent (forward gradient) is ``tangent``.

    Args:
        tensor: the primal value.
        tangent: the direction, of ``tensor``'s shape.
        level: the forward-AD level (the current one when ``None``).

    >>> import graphgrad.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    ...     fwAD.unpack_dual(x.sin()).tangent
    tensor([ 0.5403, -0.4161])
    """
    if current_level() is None:
        raise RuntimeError(NO_LEVEL)
    _check_dual(tensor, tangent)
    with suspended():
        dual = tensor.view(tensor.shape)
    _tangents[dual] = tangent
    return dual


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)`` of ``tensor``: the primal is a view without a tangent; the
    tangent is ``None`` if it has none.

    Args:
        tensor: a tensor, dual or not.
        level: the forward-AD level (the current one when ``None``).

    >>> import graphgrad.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    ...     fwAD.unpack_dual((x * x).sum())
    UnpackedDualTensor(primal=tensor(5.), tangent=tensor(2.))
    """
    tangent = get_tangent(tensor) if current_level() is not None else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    with suspended():
        primal = tensor.view(tensor.shape)
    return UnpackedDualTensor(primal, tangent)


def get_tangent(t: Tensor) -> Tensor | None:
    """The tangent of ``t`` at the current level, or None."""
    tangent = _tangents.get(t)
    if tangent is None and t.grad_fn is not None and _node_tangents:
        by_output = _node_tangents.get(t.grad_fn)
        if by_output is not None:
            tangent = by_output.get(t._output_nr)
    return tangent


def _printed_tangent(t: Tensor) -> Tensor | None:
    return get_tangent(t) if current_level() is not None else None


_printing.tangent_of = _printed_tangent  # repr shows ``tangent=...`` as PyTorch's does


def set_tangent(t: Tensor, tangent: Tensor | None) -> None:
    if tangent is None:
        _tangents.pop(t, None)
    else:
        _tangents[t] = tangent


def attach_tangent(r: Tensor, tangent: Tensor) -> None:
    """Give an op's output ``r`` its tangent (also findable from ``r``'s node, see above)."""
    _tangents[r] = tangent
    node = r.grad_fn
    if node is not None:
        _node_tangents.setdefault(node, {})[r._output_nr] = tangent


def custom_function_jvp(cls, ctx, args: tuple, output) -> None:
    """Forward mode through a custom ``Function``: its ``jvp`` gives the outputs' tangents."""
    tangents = [get_tangent(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    with suspended():
        out = cls.jvp(ctx, *tangents)
    outs = output if isinstance(output, tuple) else (output,)
    outs_t = out if isinstance(out, tuple) else (out,)
    for o, t in zip(outs, outs_t, strict=False):
        if isinstance(o, Tensor) and t is not None and o.dtype.is_floating_point:
            attach_tangent(o, t)


def transfer_tangent(out: Tensor, t: Tensor) -> None:
    """After an in-place op wrote ``out`` into ``t``, ``t`` carries ``out``'s tangent."""
    set_tangent(t, get_tangent(out))
