"""``Graph``: a ``graphviz.Digraph`` whose rendering works on a fresh machine.

It is a Digraph (``.source``, ``.node()``, ``.edge()``, ``.body`` all work), with these changes:

* ``render()`` and ``view()`` make a picture, SVG by default (``format``), with the ``dot``
  program or in-process (SVG, PNG; see ``_render``), and write only that file, atomically.
  A name with a picture suffix (``.svg``, ``.png``, ``.pdf``...) is written in that format (no
  stray source file, no ``x.png.pdf``); any other name gets ``.<format>`` appended, as graphviz
  does. ``save()`` writes the DOT text (or a picture, for a picture suffix).
* Where no renderer or no viewer exists, ``RenderError`` says what to install, and nothing is
  written.
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

from .._atomic import write_atomic
from ._render import (
    IMAGE_FORMATS,
    SOURCE_FORMATS,
    RenderError,
    can_render,
    chosen_backend,
    missing_message,
    render_bytes,
)
from ._viewer import viewer

KNOWN_SUFFIXES = IMAGE_FORMATS + SOURCE_FORMATS
DEFAULT_FORMAT = "svg"
MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}


def _suffix(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in KNOWN_SUFFIXES else None


class Graph(graphviz.Digraph):
    """A graphviz Digraph that renders with ``dot`` or in-process, and says what to install.

    The default ``format`` is ``"svg"`` (graphviz's is ``"pdf"``, which only the ``dot``
    program writes). It takes graphviz's ``Digraph`` arguments; ``make_dot`` returns one.

    >>> from graphgrad.viz import make_dot
    >>> g = make_dot(torch.ones(2, requires_grad=True).sum())
    >>> type(g).__name__, g.format
    ('Graph', 'svg')
    """

    backend: str | None = None  # None: $GRAPHGRAD_VIZ_RENDERER, else "auto"
    stats: dict | None = None  # what make_dot drew and folded (node counts)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(args) < 5 and kwargs.get("format") is None:  # format is the 5th argument
            self.format = DEFAULT_FORMAT

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
        """Where ``render`` writes, and in which format.

        A name with a picture suffix (``.svg``, ``.png``...) is written in that format; any other
        name, ``.gv``/``.dot`` included, gets ``.<format>`` appended, as graphviz names its
        rendered file (``Digraph.gv`` -> ``Digraph.gv.svg``).

        Args:
            filename: the file name (graphviz's ``render`` argument).
            directory: the folder it goes in.
            format: the format when the name does not say (this graph's ``format`` if None).
            outfile: the exact output path (graphviz's ``outfile``), which wins over the rest.

        >>> g = Graph()
        >>> g.target("out/g.png"), g.target("g.gv")
        ((PosixPath('out/g.png'), 'png'), (PosixPath('g.gv.svg'), 'svg'))
        """
        if outfile is not None:
            path = Path(directory if directory is not None else self.directory or "") / outfile
        elif filename is not None:
            path = Path(directory or "") / filename
        else:
            path = Path(directory if directory is not None else self.directory or "")
            path = path / self.filename
        fmt = _suffix(path)
        if fmt is None or fmt in SOURCE_FORMATS:
            fmt = (format or self.format or DEFAULT_FORMAT).lower()
            path = path.with_name(f"{path.name}.{fmt}")
        return path, fmt

    def render(
        self,
        filename=None,
        directory=None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op=None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile=None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
        backend: str | None = None,
    ) -> str:
        """Write the picture and return its path, as graphviz's ``render`` does.

        Args:
            filename: the file's name; a picture suffix (``g.png``) picks the format, any other
                name gets ``.<format>`` appended (default: ``self.filename``, ``Digraph.gv``).
            directory: the folder it goes in (made if missing).
            view: open the picture with the system's viewer (``quiet_view`` too).
            cleanup: accepted; only the picture is ever written, so nothing is left to remove.
            format: the format for a name without a picture suffix (default ``self.format``,
                ``"svg"``).
            renderer, formatter: graphviz's ``-Tformat:renderer:formatter`` (``dot`` only).
            outfile: the picture's path, instead of ``filename`` (graphviz's ``outfile``).
            engine: the layout engine (``"dot"``, ``"neato"``...).
            raise_if_result_exists: raise ``graphviz.FileExistsError`` if the file exists.
            backend: the renderer (``"auto"``, ``"dot"``, ``"wasm"``); see ``_render``.

        The file is written atomically (a temporary file, then a rename), and only once the
        picture is made: when nothing here renders that format (``RenderError`` says what to
        install), no viewer exists, or rendering is interrupted, nothing is written.
        ``neato_no_op``, ``quiet`` and ``overwrite_source`` are accepted for compatibility.

        >>> import os, tempfile
        >>> g = Graph(body=["\\ta -> b\\n"])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     os.path.basename(g.render("g", tmp, format="dot")), os.listdir(tmp)
        ('g.dot', ['g.dot'])
        """
        path, fmt = self.target(filename, directory, format, outfile)
        if renderer or formatter:
            fmt = ":".join([fmt, renderer or "", formatter or ""]).rstrip(":")
        if raise_if_result_exists and path.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(path)!r}")
        backend = backend or self.backend
        if not can_render(fmt, backend):
            raise RenderError(missing_message(fmt, chosen_backend(backend)))
        opener = viewer(path) if view or quiet_view else None
        data = render_bytes(self.source, fmt, backend, engine or self.engine)
        written = write_atomic(path, data)
        if opener is not None:
            opener(quiet_view)
        return written

    def view(
        self,
        filename=None,
        directory=None,
        cleanup: bool = False,
        quiet: bool = False,
        quiet_view: bool = False,
    ) -> str:
        """``render(..., view=True)``: write the picture (SVG by default), open it, return its
        path. Raises ``RenderError`` before writing anything where no viewer exists (on Linux:
        ``xdg-open``, from xdg-utils)."""
        return self.render(
            filename, directory, view=True, cleanup=cleanup, quiet=quiet, quiet_view=quiet_view
        )

    def save(
        self,
        filename=None,
        directory=None,
        *,
        skip_existing: bool | None = False,
        format: str | None = None,
        backend: str | None = None,
        **kwargs,
    ) -> str:
        """Like ``render`` for picture suffixes; any other name gets the DOT text, as graphviz's
        ``save`` (default name ``self.filename``). Written atomically."""
        path = Path(directory or "") / filename if filename is not None else None
        if path is not None and _suffix(path) not in (None, *SOURCE_FORMATS):
            return self.render(outfile=path, directory="", backend=backend)
        if path is None:
            path = Path(directory if directory is not None else self.directory or "")
            path = path / self.filename
        if skip_existing and path.exists():
            return os.fspath(path)
        return write_atomic(path, self.source.encode(self.encoding or "utf-8"))

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
        """What a notebook shows when nothing could draw the graph.

        Args:
            problems: why each renderer could not draw it, one line each.

        >>> print(Graph().fallback_text(["no renderer here"]))
        <graphgrad graph, 1 DOT statements: not drawn>
        no renderer here
        The DOT text is in .source; .save('graph.dot') writes it.
        """
        count = self.source.count("\n") - 1
        lines = [f"<graphgrad graph, {count} DOT statements: not drawn>", *problems]
        lines.append("The DOT text is in .source; .save('graph.dot') writes it.")
        return "\n".join(lines)


__all__ = ["Graph", "RenderError"]
