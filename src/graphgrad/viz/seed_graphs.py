"""Draw the seed programs: ``python -m graphgrad.viz.seed_graphs [--names] OUT_DIR SEED_DIR``.

Each ``exampleN.py`` in SEED_DIR runs with its imports changed as the seed runner changes them
(``import torch`` -> ``import graphgrad as torch``, ``from torchviz import make_dot`` ->
``from graphgrad.viz import make_dot``); the graph of its last ``make_dot(...)`` call is written
to ``OUT_DIR/exampleN.svg`` and ``.png`` (or, where nothing can render, its DOT text to
``exampleN.dot`` with the reason on stderr). What the programs print is not shown (the seed
runner shows it).
With ``--names`` the graph is drawn again with the program's tensor variables as ``params``, so
its boxes read ``x (1)``, ``w (1)``... instead of torchviz's bare shapes.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     seed = pathlib.Path(tmp, "example1.py")
...     _ = seed.write_text(
...         "import torch\\nfrom torchviz import make_dot\\n"
...         "x = torch.tensor(2.0, requires_grad=True)\\nmake_dot(x * 3)\\n")
...     graph = graph_of(seed)
>>> [line.strip() for line in graph.body if "->" in line]
['n2 -> n1', 'n3 -> n2', 'n1 -> n0']
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

from ._dot import make_dot
from ._labels import is_tensor
from ._render import RenderError

IMPORTS = (
    (re.compile(r"^import torch$", re.M), "import graphgrad as torch"),
    (re.compile(r"^from torchviz import make_dot$", re.M), "from graphgrad.viz import make_dot"),
)
_MAKE_DOT_IMPORT = re.compile(r"^from graphgrad\.viz import make_dot$", re.M)
USAGE = "usage: python -m graphgrad.viz.seed_graphs [--names] OUT_DIR SEED_DIR"


def ported_source(path: Path) -> str:
    """The seed program with its two import lines switched to graphgrad."""
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in IMPORTS:
        text = pattern.sub(replacement, text)
    return text


class MakeDotCall(NamedTuple):
    """A program's ``make_dot`` call: what it drew, with what, and the program's variables."""

    graph: Any
    args: tuple
    kwargs: dict
    namespace: dict


def last_make_dot_call(path: Path) -> MakeDotCall | None:
    """Run the program at ``path`` quietly, as the seed runner ports it; its last ``make_dot``
    call, or None if it never makes one."""
    calls = []

    def recording(*args, **kwargs):
        graph = make_dot(*args, **kwargs)
        calls.append((graph, args, kwargs))
        return graph

    # The program's import of make_dot (one line, so line numbers stay) takes the recorder.
    source = _MAKE_DOT_IMPORT.sub("make_dot = _recording_make_dot", ported_source(path))
    code = compile(source, str(path), "exec")
    namespace = {"__name__": "__main__", "__file__": str(path), "_recording_make_dot": recording}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, namespace)
    return MakeDotCall(*calls[-1], namespace) if calls else None


def graph_of(path: Path, names: bool = False):
    """Run one seed program quietly; return the graph of its last ``make_dot`` call (or None).

    With ``names``, that call is made with ``params`` naming every tensor the program keeps in
    a variable (the first name of each), unless it passed ``params`` itself.
    """
    call = last_make_dot_call(path)
    if call is None:
        return None
    if names and len(call.args) < 2 and call.kwargs.get("params") is None:
        return make_dot(*call.args, **{**call.kwargs, "params": tensor_names(call.namespace)})
    return call.graph


def tensor_names(namespace: dict) -> dict:
    """``{name: tensor}`` for the program's tensor variables, one (the first) name per tensor."""
    params, seen = {}, set()
    for name, value in namespace.items():
        if is_tensor(value) and not name.startswith("_") and id(value) not in seen:
            seen.add(id(value))
            params[name] = value
    return params


def main(argv: list[str]) -> int:
    names = "--names" in argv
    args = [a for a in argv[1:] if a != "--names"]
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    out_dir, seed_dir = Path(args[0]), Path(args[1])
    examples = sorted(seed_dir.glob("example*.py"))
    if not examples:
        print(f"no example*.py in {seed_dir}", file=sys.stderr)
        return 1
    failed = 0
    for path in examples:
        try:
            graph = graph_of(path, names)
            if graph is None:
                raise RuntimeError("it never calls make_dot")
            written = _write(graph, out_dir / path.stem)
        except Exception as exc:  # report each program, keep going
            failed += 1
            print(f"{path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        print("wrote " + " ".join(written))
    return 1 if failed else 0


def _write(graph, stem: Path) -> list[str]:
    """The SVG and the PNG; where nothing here renders, the DOT text instead, and why on stderr."""
    try:
        return [graph.render(outfile=stem.with_suffix(f".{fmt}")) for fmt in ("svg", "png")]
    except RenderError as exc:
        print(f"{stem.name}: {exc}", file=sys.stderr)
        return [graph.save(stem.with_suffix(".dot"))]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
