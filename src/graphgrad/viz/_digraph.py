"""``Graph``: a ``graphviz.Digraph`` whose rendering works on a fresh machine.

It is a Digraph (``.source``, ``.node()``, ``.edge()``, ``.body`` all work), with four changes:

* ``render(path)`` and ``save(path)`` write the format the file name says (``.svg``, ``.png``,
  ``.pdf``, ``.dot``...) to exactly that file and nothing else (no stray source file, no
  ``x.png.pdf``); a name without a known suffix gets ``.<format>`` appended (default ``svg``).
* ``pipe()`` uses the Graphviz ``dot`` program when it is on PATH, else the in-process
  WebAssembly Graphviz for SVG (see ``_render``).
* In Jupyter, ``_repr_mimebundle_`` / ``_repr_svg_`` show the drawing, or a text message that
  says what to install, and never a traceback.
* ``backend`` (``"auto"``, ``"dot"``, ``"wasm"``, ``"none"``) picks the renderer per graph.

>>> import os, tempfile
>>> g = Graph(body=["\\ta -> b\\n"])
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = g.save(os.path.join(tmp, "g.dot"))
...     sorted(os.listdir(tmp)), open(path).read() == g.source
(['g.dot'], True)
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import graphviz
except ImportError as exc:  # pragma: no cover - the viz extra is not installed
    raise ImportError(
        "graphgrad.viz needs the graphviz package: pip install 'graphgrad[viz]'"
    ) from exc

from ._render import IMAGE_FORMATS, SOURCE_FORMATS, RenderError, render_bytes

KNOWN_SUFFIXES = IMAGE_FORMATS + SOURCE_FORMATS
MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}


def _suffix(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in KNOWN_SUFFIXES else None


class Graph(graphviz.Digraph):
    """A graphviz Digraph that renders with ``dot`` or in-process, and says what to install."""

    backend: str | None = None  # None: $GRAPHGRAD_VIZ_RENDERER, else "auto"
    stats: dict | None = None  # what make_dot drew and folded (node counts)

    def pipe(
        self,
        format: str | None = None,
        *args,
        engine: str | None = None,
        encoding: str | None = None,
        backend: str | None = None,
        **kwargs,
    ):
        """The rendered bytes (or text, with ``encoding``) in ``format`` (default: ``.format``)."""
        data = render_bytes(
            self.source, format or self.format, backend or self.backend, engine or self.engine
        )
        return data.decode(encoding) if encoding else data

    def target(
        self, filename=None, directory=None, format: str | None = None, outfile=None
    ) -> tuple[Path, str]:
        """Where ``render``/``save`` write, and in which format."""
        if outfile is not None:
            path = Path(outfile)
        elif filename is not None:
            path = Path(directory or "") / filename
        else:
            path = Path(self.directory or "") / self.filename
        fmt = _suffix(path)
        if fmt is None:
            fmt = (format or self.format or "svg").lower()
            path = path.with_name(f"{path.name}.{fmt}")
        return path, fmt

    def render(
        self,
        filename=None,
        directory=None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *args,
        outfile=None,
        engine: str | None = None,
        backend: str | None = None,
        **kwargs,
    ) -> str:
        """Write the drawing to ``filename`` in the format its suffix names; return the path.

        Only that one file is written (``cleanup`` has nothing left to remove). Without a known
        suffix the file gets ``.<format>`` (``format``, else ``self.format``). Raises
        ``RenderError`` naming what to install when nothing here renders that format.
        """
        path, fmt = self.target(filename, directory, format, outfile)
        data = render_bytes(self.source, fmt, backend or self.backend, engine or self.engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if view:
            graphviz.view(os.fspath(path))
        return os.fspath(path)

    def save(
        self,
        filename=None,
        directory=None,
        *,
        format: str | None = None,
        backend: str | None = None,
        **kwargs,
    ) -> str:
        """Like ``render`` for image suffixes; any other name gets the DOT text, as graphviz's."""
        path = Path(directory or "") / filename if filename is not None else None
        if path is not None and _suffix(path) not in (None, *SOURCE_FORMATS):
            return self.render(outfile=path, backend=backend)
        if path is None:
            path = Path(self.directory or "") / self.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.source, encoding="utf-8")
        return os.fspath(path)

    # -- Jupyter ---------------------------------------------------------------------------
    def _repr_svg_(self) -> str | None:
        try:
            return self.pipe("svg", encoding="utf-8")
        except Exception:
            return None

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        """The drawing in Jupyter's chosen format (else SVG), or a text message; never raises."""
        wanted = getattr(self, "_jupyter_mimetype", MIME["svg"])
        formats = [f for f, m in MIME.items() if m == wanted and f != "jpg"]
        formats += [f for f in ("svg",) if f not in formats]
        problems = []
        for fmt in formats:
            mime = MIME[fmt]
            if (include and mime not in include) or (exclude and mime in exclude):
                continue
            try:
                data = self.pipe(fmt)
            except Exception as exc:
                problems.append(str(exc))
                continue
            return {mime: data.decode("utf-8") if fmt == "svg" else data}
        return {"text/plain": self.fallback_text(problems)}

    def fallback_text(self, problems: list[str]) -> str:
        """What a notebook shows when nothing could draw the graph."""
        count = self.source.count("\n") - 1
        lines = [f"<graphgrad graph, {count} DOT statements: not drawn>", *problems]
        lines.append("The DOT text is in .source; .save('graph.dot') writes it.")
        return "\n".join(lines)


__all__ = ["Graph", "RenderError"]
