"""The check of a recording before it is trusted: its first replay against eager, bit for bit.

The second call of a recorded function runs twice from the same state: replayed, then (the
state put back) eagerly, and the two must leave the same results, the same values and
``.grad`` in every live tensor, the same optimizer and scheduler state and the same generator
states. Only then do later calls replay. So a value the recording took for a constant but
that changes between calls, or a write to live state that no hook saw, shows up here and the
function stays eager.

>>> import numpy as np
>>> same(np.float32([0.0, 1.0]), np.float32([-0.0, 1.0]))
False
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .discovery import rebind, state_tensors


class Snapshot:
    """The state of the live objects at one moment, to put back or to compare. With
    ``copy=False`` it holds the arrays themselves, not copies: to compare with at once (the
    state after the eager call, which nothing changes before the comparison)."""

    def __init__(self, live, args: list, copy: bool = True) -> None:
        # (the state as it is now too: rebound between calls or by the call)
        self.state = live.state_now()
        state = [t for *_, v in self.state for t in state_tensors(v)]
        tensors = list(live.tensors.values()) + list(args) + state
        keep = _copy_or_none if copy else _data_or_none
        # (the array itself too: ``t.unsqueeze_(-1)`` and ``p.data = ...`` give another)
        self.tensors = [(t, t._data, t.dtype, keep(t), t._grad, keep(t._grad)) for t in tensors]
        self.versions = [_version(t) for t in tensors]
        self.flags = [t._requires_grad for t in tensors]
        self.modes = [(m, m.training) for m in live.modules.values()]
        # (each parameter's state dict itself too: ``LBFGS.step`` holds its own while it calls
        # the compiled closure, and went on writing into a dict the restore had replaced)
        self.optimizers = [
            (
                opt,
                {
                    p: (st, {k: _freeze(v, copy) for k, v in st.items()})
                    for p, st in opt.state.items()
                },
                [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups],
            )
            for opt in live.optimizers.values()
        ]
        self.schedulers = [(s, dict(s.__dict__)) for s in live.schedulers.values()]
        self.generators = [(g, g._snapshot()) for g in live.generators.values()]

    def restore(self) -> None:
        for (t, array, dtype, data, grad, grad_data), version, flag in zip(
            self.tensors, self.versions, self.flags
        ):
            t._data, t.dtype = array, dtype
            np.copyto(array, data)
            t._requires_grad = flag
            if version is not None:
                t._version_counter.value = version
            t._grad = grad
            if grad is not None:
                np.copyto(grad._data, grad_data)
        for m, mode in self.modes:
            m.training = mode
        for how, holder, k, v in self.state:
            rebind(how, holder, k, v, restore=True)
        for opt, state, groups in self.optimizers:
            opt.state.clear()
            for p, (st, saved) in state.items():
                st.clear()
                st.update({k: _thaw(v) for k, v in saved.items()})
                opt.state[p] = st
            for g, saved in zip(opt.param_groups, groups):
                g.update(saved)
        for s, d in self.schedulers:
            s.__dict__.clear()
            s.__dict__.update(d)
        for g, st in self.generators:
            g._restore(st)

    def differs(self, other: Snapshot) -> str | None:
        """What differs from ``other`` (taken on the same objects), or None."""
        if len(self.tensors) != len(other.tensors):
            return "the tensors in a module's attributes"
        if self.flags != other.flags:
            return "requires_grad of a tensor"
        if self.modes != other.modes:
            return "a module's training mode"
        for (t, *_, data, _, grad), (*_, data2, _, grad2) in zip(self.tensors, other.tensors):
            if not same(data, data2):
                return f"values of a tensor of shape {tuple(t.shape)}"
            if (grad is None) != (grad2 is None) or (grad is not None and not same(grad, grad2)):
                return f".grad of a tensor of shape {tuple(t.shape)}"
        for (_, st, groups), (_, st2, groups2) in zip(self.optimizers, other.optimizers):
            if st.keys() != st2.keys() or groups != groups2:
                return "an optimizer's state"
            for p in st:
                a, b = st[p][1], st2[p][1]
                if a.keys() != b.keys() or any(not _same_value(a[k], b[k]) for k in a):
                    return "an optimizer's state"
        for (_, d), (_, d2) in zip(self.schedulers, other.schedulers):
            if any(not _same_value(d[k], d2.get(k)) for k in d if _plain(d[k])):
                return "a scheduler's state"
        for (_, st), (_, st2) in zip(self.generators, other.generators):
            if st[:3] != st2[:3]:  # the engine, the seed and the cached normal's bits
                return "a generator's state"
        return None


class _Frozen:
    """A tensor in optimizer state: the object, and its values at the snapshot."""

    __slots__ = ("tensor", "data")

    def __init__(self, t: Tensor, copy: bool) -> None:
        self.tensor, self.data = t, t._data.copy() if copy else t._data


def _freeze(v, copy: bool = True):
    return _Frozen(v, copy) if isinstance(v, Tensor) else v


def _thaw(v):
    if isinstance(v, _Frozen):
        np.copyto(v.tensor._data, v.data)
        return v.tensor
    return v


def _version(t: Tensor) -> int | None:
    try:
        return t._version_counter.value
    except RuntimeError:  # an inference tensor keeps no version
        return None


def _copy_or_none(t):
    return None if t is None else t._data.copy()


def _data_or_none(t):
    return None if t is None else t._data


def _plain(v) -> bool:
    return isinstance(v, (int, float, bool, str, list, tuple)) or v is None


def _same_value(a, b) -> bool:
    if isinstance(a, _Frozen) and isinstance(b, _Frozen):
        return same(a.data, b.data)
    if isinstance(a, _Frozen) or isinstance(b, _Frozen):
        return False
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 - values that do not compare are not the same
        return False


def same(a, b) -> bool:
    """Bit-equality of two arrays (NaNs and the sign of zero included), with shape and dtype."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    uint = _UINT_OF_SIZE.get(a.dtype.itemsize)
    if uint is None or a.dtype.hasobject:
        return np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
    return bool(np.array_equal(a.view(uint), b.view(uint)))  # the bits, without copies


_UINT_OF_SIZE = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def freeze_output(value):
    """A copy of a call's result to compare: tensors as (array copy, requires_grad)."""
    if isinstance(value, Tensor):
        return ("T", value._data.copy(), value._requires_grad)
    if isinstance(value, (list, tuple)):  # (named tuples and return types of their class)
        return ("seq", type(value), [freeze_output(v) for v in value])
    if isinstance(value, dict):
        return ("d", {k: freeze_output(v) for k, v in value.items()})
    return ("v", value)


def same_output(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "T":
        return same(a[1], b[1]) and a[2] == b[2]
    if a[0] == "seq":
        return a[1] is b[1] and len(a[2]) == len(b[2]) and all(map(same_output, a[2], b[2]))
    if a[0] == "d":
        return a[1].keys() == b[1].keys() and all(same_output(a[1][k], b[1][k]) for k in a[1])
    return _same_value(a[1], b[1])
