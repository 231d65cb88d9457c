"""The ``Explorer`` page object and ``explore``, which builds one (see the package docstring)."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence

from ..._atomic import write_atomic
from .._dot import _check, _names, _outputs
from .._walk import Options
from ._build import build
from ._page import document

IFRAME_HEIGHT = 640


class Explorer:
    """The page ``explore`` made: ``.html`` (the document), ``.save(path)``, Jupyter display.

    Args:
        html_text: the self-contained HTML document (``.html``).
        data: the graph and its values as the page's script reads them (``.data``).
        path: also save the page there.

    >>> import graphgrad as torch
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> page = explore(x * 2, params={"x": x})
    >>> page._repr_html_().startswith("<iframe")
    True
    """

    def __init__(self, html_text: str, data: dict, path: str | os.PathLike | None = None) -> None:
        self.html = html_text
        self.data = data
        self.path = None if path is None else self.save(path)

    def save(self, path: str | os.PathLike) -> str:
        """Write the page to ``path`` atomically (graphgrad's one writer: a temporary file
        beside it, fsynced, then renamed over it), so a reader never sees half a page;
        returns the path.

        >>> import os, tempfile, graphgrad as torch
        >>> page = explore(torch.ones(2, requires_grad=True).sum())
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = page.save(os.path.join(tmp, "graph.html"))
        ...     os.listdir(tmp), open(out, encoding="utf-8").read() == page.html
        (['graph.html'], True)
        """
        return write_atomic(path, self.html.encode("utf-8"))

    def _repr_html_(self) -> str:
        """The page in an ``<iframe srcdoc>``: its script runs, its ids and style stay inside."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width:100%;height:{IFRAME_HEIGHT}px;border:1px solid #ccc"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<graphgrad explore page: {len(self.data['boxes'])} boxes>"


def explore(
    var: object,
    params: Mapping | None = None,
    *,
    path: str | os.PathLike | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
    max_attr_chars: int = 50,
    show_values: bool = False,
    show_grads: bool = False,
    rankdir: str = "TB",
    output_name: str | Sequence[str] | None = None,
    max_depth: int | None = None,
    collapse_threshold: int | None = 400,
    record_grads: bool = True,
    title: str = "graphgrad: backward graph",
) -> Explorer:
    """An interactive page of ``var``'s backward graph (a tensor or a tuple of them).

    ``params`` names tensors as in ``make_dot``; ``path``, when given, saves the page there.
    ``show_attrs``, ``show_saved``, ``max_attr_chars``, ``show_values``, ``show_grads``,
    ``rankdir``, ``output_name``, ``max_depth`` and ``collapse_threshold`` draw the graph as
    ``make_dot`` does. With ``record_grads`` (the default) one extra backward runs, with a
    gradient of ones at each output and ``retain_graph=True``: no ``.grad`` changes, but hooks
    you registered do run. Its gradients are what ``step`` and the line colours show; after
    a backward that freed the graph they cannot be recorded and the page says so. ``title``
    is the page's title.

    >>> import graphgrad as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> page = explore(x**3, params={"x": x}, rankdir="LR")
    >>> [s["runs"][0]["title"] for s in page.data["steps"]]
    ['PowBackward0', 'AccumulateGrad']
    >>> page.data["steps"][0]["runs"][0]["sections"][0]["items"][0]["fields"][1]
    ['values', '12.0000']
    """
    outputs = _outputs(var)
    _check(rankdir, max_depth, max_attr_chars)
    names, keep = _names(params, outputs, output_name)
    options = Options(
        names, show_attrs, show_saved, max_attr_chars, show_values, show_grads, max_depth, keep
    )
    page = build(outputs, options, rankdir, collapse_threshold, record_grads)
    return Explorer(document(page.svg, page.data, title), page.data, path)
