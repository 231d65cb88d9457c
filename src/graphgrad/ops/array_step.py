"""Functions of arrays that ops call outside any primitive, marked ``@array_step``: checks of
the values an op is given (indices in bounds, targets in range), results without a gradient
computed straight from arrays (comparisons, ``one_hot``), draws (dropout's mask).

A compiled call replays its ops' forwards and no longer runs the Python around them, and its
guards fix shapes and dtypes, not values. So each call of such a function is recorded as a
step of its own, on the replay's own values: a replay given a bad index raises PyTorch's error
as eagerly, and a comparison compares the replay's values. A function that returns anything
but arrays (or None) stops the recording: its result cannot be replayed.

>>> import numpy as np
>>> @array_step
... def check_positive(a):
...     if (a <= 0).any():
...         raise ValueError("expected positive values")
>>> check_positive(np.array([1, 2]))
>>> check_positive(np.array([0]))
Traceback (most recent call last):
  ...
ValueError: expected positive values
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from ..compile._flag import constant
from ..compile._flag import state as _compile_state

__all__ = ["array_step", "constant", "on_arrays", "value_read"]  # (``constant``: the flag's)

F = TypeVar("F", bound=Callable)


def array_step(fn: F) -> F:
    """Mark ``fn(*arrays_and_constants)`` (arrays, a tuple of arrays or None out) as a step
    that a compiled call's recording repeats at every replay."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        rec = _compile_state.recorder
        if rec is None:
            return fn(*args, **kwargs)
        return rec.array_step(fn, args, kwargs)

    return run  # type: ignore[return-value]


def value_read(what: str) -> None:
    """Python is about to decide on tensors' values outside any step a replay repeats (a
    Python ``bool`` out, a branch): a compiled call's recording stops here, saying ``what``,
    as at ``Tensor.item()``, so the call runs eagerly.

    >>> value_read("torch.equal()")  # (no call is recorded: nothing happens)
    """
    rec = _compile_state.recorder
    if rec is not None:
        rec.stop(what)


def on_arrays(fn: Callable, *args, **kwargs) -> np.ndarray:
    """``fn(*args, **kwargs)`` as an array: a NumPy function of arrays and numbers whose result
    needs no gradient (``x > 0``, ``isnan``), one step of a recording (``array_step``, with the
    check inline: comparisons are everywhere).

    >>> on_arrays(np.greater, np.array([1, 3]), 2)
    array([False,  True])
    """
    if _compile_state.recorder is not None:
        return _compile_state.recorder.array_step(_as_array, (fn, *args), kwargs)
    out = fn(*args, **kwargs)  # (``_as_array`` inline: one call fewer on every comparison)
    return out if out.__class__ is np.ndarray else np.asarray(out)


def _as_array(fn: Callable, *args, **kwargs) -> np.ndarray:
    out = fn(*args, **kwargs)
    return out if type(out) is np.ndarray else np.asarray(out)
