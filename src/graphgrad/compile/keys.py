"""The cache key of a compiled call, and what changed when a call matches no recording.

A call's key is what it must share with a recording to replay it, read from the call alone:
grad mode, inference mode, the default dtype, each argument's kind (a tensor's shape, dtype,
``requires_grad`` and whether it has a graph; a Python number, string or None by value; any
other object by identity), and which tensor arguments share an array.

>>> import graphgrad as torch
>>> flat = []
>>> old = call_key((torch.ones(2, 3), 7), {}, flat)
>>> new = call_key((torch.ones(4, 3), 7), {}, [])
>>> describe_change(lambda x, n: x * n, old, new)
"argument x's shape is (4, 3), recorded as (2, 3)"
"""

from __future__ import annotations

import inspect

from ..autograd.grad_mode import _state as _grad_state
from ..dtypes import get_default_dtype
from ..tensor import Tensor, inference_state


def global_modes() -> tuple:
    """Grad mode, inference mode and the default dtype: the global state every op reads
    (part of each call's key; a call that changes one has a Python side effect)."""
    return (_grad_state.enabled, inference_state.enabled, get_default_dtype())


def call_key(args: tuple, kwargs: dict, flat: list) -> tuple:
    """The key of a call with ``args`` and ``kwargs``; its tensors go to ``flat``."""
    return (
        global_modes(),
        _key(args, flat),
        _key(kwargs, flat) if kwargs else None,
        aliases(flat) if len(flat) > 1 else None,
    )


def _key(value, flat: list):
    """The part of the key for one argument."""
    if isinstance(value, Tensor):
        if value.is_sparse:  # (no array to read: any op on it stops the recording)
            return ("sparse", tuple(value.shape), value.dtype, value._requires_grad)
        flat.append(value)
        return (value._data.shape, value.dtype, value._requires_grad, value.grad_fn is None)
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_key(v, flat) for v in value))
    if isinstance(value, dict):
        return (dict, tuple((k, _key(v, flat)) for k, v in value.items()))
    if isinstance(value, (int, float, str, bool, type(None))):
        return (type(value), value)
    return (id(value),)


def aliases(flat: list) -> tuple:
    """Which tensor arguments share an array (``f(x, x)``): the first such argument's index,
    for each. The recording reads one array for all of them, so another pattern records again.

    >>> import graphgrad as torch
    >>> x, y = torch.ones(1), torch.ones(1)
    >>> aliases([x, y, x])
    (0, 1, 0)
    """
    first: dict[int, int] = {}
    return tuple(first.setdefault(id(t._data), i) for i, t in enumerate(flat))


_TENSOR_FIELDS = ("shape", "dtype", "requires_grad", "grad_fn is None")
_MODES = ("grad mode is {}", "inference mode is {}", "the default dtype is {}")


def describe_change(fn, old: tuple, new: tuple) -> str:
    """What differs between the key ``old`` of a recording of ``fn`` and a call's ``new``
    (PyTorch's "last reason" for a recompile)."""
    modes, args, kwargs = old[:3]
    for i, what in enumerate(_MODES):
        if modes[i] != new[0][i]:
            return what.format(_mode(new[0][i])) + ", recorded as " + _mode(modes[i])
    if args != new[1]:
        names = _positional_names(fn)
        for i, (a, b) in enumerate(zip(args[1], new[1][1])):
            if a != b:
                return _describe(names[i] if i < len(names) else f"#{i}", a, b)
        return f"{len(new[1][1])} arguments, recorded with {len(args[1])}"
    if kwargs != new[2]:
        recorded = dict(kwargs[1]) if kwargs else {}
        for k, b in new[2][1] if new[2] else ():
            if recorded.get(k) != b:
                return _describe(k, recorded.get(k), b)
        return f"keyword arguments {sorted(recorded)} left out"
    return "which tensor arguments are the same tensor differs from the recording"


def _mode(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def _positional_names(fn) -> list[str]:
    try:
        params = inspect.signature(getattr(fn, "forward", fn)).parameters.values()
    except (TypeError, ValueError):  # (a builtin without a signature)
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _describe(name: str, old, new) -> str:
    """How argument ``name``'s key ``new`` differs from the recorded ``old``."""
    if old is not None and len(new) == 4 and len(old) == 4:  # two tensors
        for field, a, b in zip(_TENSOR_FIELDS, old, new):
            if a != b:
                if field == "grad_fn is None":
                    has = "has no graph" if b else "has a graph"
                    return f"argument {name} {has}, recorded {'with' if b else 'without'} one"
                return f"argument {name}'s {field} is {_shown(b)}, recorded as {_shown(a)}"
    if old is not None and len(new) == 2 and len(old) == 2 and new[0] is old[0]:
        if new[0] in (int, float, bool, str):  # a Python value, guarded by value
            return (
                f"argument {name} is {new[1]!r}, recorded as {old[1]!r} (a Python number or "
                "string argument is part of the key: one that changes at each call, such as a "
                "step count, records again each time)"
            )
    return f"argument {name} differs from the recorded one"


def _shown(value) -> str:
    return str(tuple(value)) if isinstance(value, tuple) else str(value)
