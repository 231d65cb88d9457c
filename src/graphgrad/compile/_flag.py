"""The one flag the core consults: the recorder of the call ``graphgrad.compile`` is tracing on
this thread, or ``None``. Kept free of imports so that the core modules can read it cheaply.

>>> state.recorder is None
True
"""

from __future__ import annotations

import threading
from typing import Any


class _State(threading.local):
    recorder: Any = None  # a compile.recorder.Recorder while a compiled call is recorded


state = _State()
