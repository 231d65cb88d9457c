"""The drawing as data: nodes and edges in the order they are written, before any DOT exists.

The walks (``_walk``, ``_forward``) fill a ``GraphIR``; ``_collapse`` rewrites it; ``emit`` turns
it into DOT statements. Node ids are given at emission, in order of first mention (``n0``,
``n1``...), so the same program always gives the same DOT text, byte for byte.

>>> ir = GraphIR()
>>> a, b = VNode("leaf", "x\\n (2)", {"fillcolor": "lightblue"}), VNode("fn", "AccumulateGrad")
>>> ir.add(a); ir.link(a, b); ir.add(b)
>>> import graphviz
>>> dot = graphviz.Digraph()
>>> emit(ir, dot)
>>> print(dot.source.replace(chr(9), "  "))
digraph {
  n0 [label="x
 (2)" fillcolor=lightblue]
  n0 -> n1
  n1 [label=AccumulateGrad]
}
<BLANKLINE>
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._protocols import GraphLike

try:
    from graphviz import quoting
except ImportError as exc:  # pragma: no cover - the viz extra is not installed
    raise ImportError(
        "graphgrad.viz needs the graphviz package: pip install 'graphgrad[viz]'"
    ) from exc

# Node kinds. "fn" is a backward node, "acc" an AccumulateGrad node; the tensor kinds are the
# output ("output"), a leaf ("leaf"), a view's base ("base") and a saved tensor ("saved");
# "more" marks what max_depth cut off and "group" a collapsed run of backward nodes.
TENSOR_KINDS = ("output", "leaf", "base", "saved", "value")

# Edge kinds: "flow" (input to consumer), "saved" (node to what it saved), "view" (base to
# view), "alias" (a saved tensor to the drawn tensor it is), "more" (cut-off marker).


@dataclass(eq=False)
class VNode:
    """One box: its kind, label and DOT attributes; ``ref`` is the object it draws."""

    kind: str
    label: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    # by ``kind``: a tensor, a backward node, or (a folded run) the VNodes it folds
    ref: Any = None


@dataclass(eq=False)
class VEdge:
    """One line from ``src`` to ``dst``."""

    src: VNode
    dst: VNode
    kind: str = "flow"
    attrs: dict[str, str] = field(default_factory=dict)


class GraphIR:
    """Statements in writing order: a ``VNode`` declares a box, a ``VEdge`` draws a line."""

    def __init__(self) -> None:
        self.stmts: list[VNode | VEdge] = []
        self.graph_attrs: dict[str, str] = {}

    def add(self, node: VNode) -> None:
        self.stmts.append(node)

    def link(self, src: VNode, dst: VNode, kind: str = "flow", **attrs: str) -> None:
        self.stmts.append(VEdge(src, dst, kind, attrs))

    def nodes(self) -> list[VNode]:
        return [s for s in self.stmts if isinstance(s, VNode)]

    def edges(self) -> list[VEdge]:
        return [s for s in self.stmts if isinstance(s, VEdge)]

    def count(self, kind: str | None = None) -> int:
        """How many boxes (of one kind, or all)."""
        return sum(1 for n in self.nodes() if kind is None or n.kind == kind)


def emit(ir: GraphIR, dot: GraphLike) -> None:
    """Write ``ir`` into a ``graphviz.Digraph`` with ids ``n0, n1, ...`` in order of mention.

    The lines are exactly what ``dot.node()`` / ``dot.edge()`` would write (label first, then
    the other attributes sorted), built directly because that is several times faster.
    """
    ids: dict[int, str] = {}
    quote = _Quoter()

    def name(node: VNode) -> str:
        key = id(node)
        found = ids.get(key)
        if found is None:
            found = ids[key] = f"n{len(ids)}"
        return found

    dot.graph_attr.update(ir.graph_attrs)
    body = dot.body
    for stmt in ir.stmts:
        if isinstance(stmt, VNode):
            body.append(f"\t{name(stmt)} [{quote.attrs(stmt.attrs, stmt.label)}]\n")
        else:
            head = f"\t{name(stmt.src)} -> {name(stmt.dst)}"
            body.append(f"{head} [{quote.attrs(stmt.attrs)}]\n" if stmt.attrs else head + "\n")


class _Quoter:
    """graphviz's quoting, remembered per string (labels repeat a lot in big graphs).

    Labels arrive as DOT escape strings (``_labels.dot_text``); this only adds the quotes.
    """

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        found = self.known.get(text)
        if found is None:
            # nohtml: a label that looks like <...> is text here, never an HTML-like label
            found = self.known[text] = quoting.quote(quoting.nohtml(text))
        return found

    def attrs(self, attrs: dict[str, str], label: str | None = None) -> str:
        """``label=... k=v ...`` as graphviz writes it: label first, the rest sorted by key."""
        if label is None and "label" in attrs:
            label = attrs["label"]
        parts = [] if label is None else [f"label={self(label)}"]
        parts += [f"{self(k)}={self(v)}" for k, v in sorted(attrs.items()) if k != "label"]
        return " ".join(parts)
