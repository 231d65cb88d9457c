"""Checks of the values an op reads before it runs (indices in bounds, targets in range),
raising PyTorch's error: functions of arrays marked ``@value_check``.

A compiled call replays its ops' forwards and no longer runs the Python around them, and its
guards fix shapes and dtypes, not values. So a check of values made outside a primitive is
recorded as a step of its own and runs again at every replay, where a bad index then raises as
it does eagerly (a replay's NumPy indexing would wrap a negative index silently).

>>> import numpy as np
>>> @value_check
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

from ..compile._flag import state as _compile_state


def value_check(check: Callable[..., None]) -> Callable[..., None]:
    """Mark ``check(*arrays_and_constants)``, which raises for bad values, as a step that a
    compiled call's recording repeats at every replay."""

    @functools.wraps(check)
    def run(*args, **kwargs) -> None:
        rec = _compile_state.recorder
        if rec is None:
            check(*args, **kwargs)
        else:
            rec.value_check(check, args, kwargs)

    return run
