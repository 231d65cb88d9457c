"""The one flag the core consults: the recorder of the call ``graphgrad.compile`` is tracing on
this thread, or ``None``. Kept free of imports so that the core modules can read it cheaply.

>>> state.recorder is None
True
"""

from __future__ import annotations

import threading


class _State(threading.local):
    recorder = None  # a compile.recorder.Recorder while a compiled call is being recorded


state = _State()
