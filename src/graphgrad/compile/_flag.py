"""The one flag the core consults: the recorder of the call ``graphgrad.compile`` is tracing on
this thread, or ``None``; ``constant``, which marks what the core makes from Python values; and
``counters`` of changes the recordings' guards look at.
Kept free of imports so that the core modules can read it cheaply.

>>> state.recorder is None
True
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np


class _State(threading.local):
    recorder: Any = None  # a compile.recorder.Recorder while a compiled call is recorded


state = _State()


class _Counters:
    """Changes that no value a guard reads would show, counted by the core: ``hooks``, a hook
    registered on a module (or globally on all of them) or on a leaf tensor, which a replay
    (running none of the Python around the ops) would skip."""

    hooks = 0


counters = _Counters()


def constant(data: np.ndarray) -> np.ndarray:
    """Say that ``data`` was made from Python values (``torch.tensor([1.0])``, ``zeros``):
    a recording may freeze it as a constant. Any other array a recorded op reads that no
    recorded step made stops the recording (it was computed from values outside the ops).

    >>> constant(np.zeros(2))
    array([0., 0.])
    """
    rec = state.recorder
    if rec is not None:
        rec.constants[id(data)] = data
    return data
