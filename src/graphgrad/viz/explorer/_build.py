"""From output tensors to what the page needs: make_dot's SVG, and the data behind each box.

Each drawn box gets a DOT ``id`` (``b0``, ``b1``...), which Graphviz gives its ``<g class="node">``
in the SVG, and each line an ``id`` (``e0``...), so the page finds both without parsing labels.

>>> import graphgrad as torch
>>> from graphgrad.viz._walk import Options
>>> x = torch.tensor(2.0, requires_grad=True)
>>> page = build([x * x], Options(names={id(x): "x"}), "TB", None)
>>> [box["label"] for box in page.data["boxes"]]
['()', 'MulBackward0', 'x\\n ()', 'AccumulateGrad']
>>> [step["box"] for step in page.data["steps"]], 'id="b1" class="node"' in page.svg
(['b1', 'b3'], True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from .._collapse import simplify
from .._dot import _graph
from .._graph import GraphIR, VNode
from .._labels import fn_name, has_attr, shape_text
from .._walk import Options, walk_backward
from ._details import fn_details, norm_of, output_shapes, tensor_details, values_text
from ._order import Flow, engine_order, record_gradients

if TYPE_CHECKING:
    import numpy as np

    from .._protocols import AccumulatorLike, NodeLike

KIND_NAMES = {
    "output": "output",
    "leaf": "leaf",
    "base": "base of a view",
    "saved": "saved tensor",
    "fn": "backward node",
    "acc": "backward node",
    "group": "folded run",
    "more": "cut off",
}


@dataclass
class Page:
    svg: str
    data: dict


def _engine_nodes(node: VNode, acc_of: dict[int, object]) -> list:
    """The engine nodes a box stands for (a folded leaf stands for its AccumulateGrad)."""
    if node.kind in ("fn", "acc"):
        return [node.ref]
    if node.kind == "group":
        return [member.ref for member in node.ref]
    if node.kind == "leaf" and id(node.ref) in acc_of:
        return [acc_of[id(node.ref)]]
    return []


class PageBuilder:
    """One page: the walk, the order, the recorded gradients, and every box's record."""

    def __init__(self, outputs: list, names: dict[int, str], grads: bool) -> None:
        self.outputs = outputs
        self.names = names
        roots = [o.grad_fn for o in outputs if o.grad_fn is not None]
        self.order = engine_order(roots)
        self.step_of = {id(fn): i + 1 for i, fn in enumerate(self.order)}
        self.acc_of = {id(fn.variable): fn for fn in self.order if has_attr(fn, "variable")}
        self.flows: dict[int, Flow] | None = None
        if grads:
            self.flows = record_gradients(outputs, self.order)
        self.shapes = output_shapes(self.order, outputs)

    def box_record(self, node: VNode, box_id: str) -> dict:
        label = unescape(node.label).rstrip("\n")
        record: dict[str, Any] = {"id": box_id, "kind": node.kind, "label": label}
        if node.kind in ("output", "leaf", "base", "saved"):
            name = self.names.get(id(node.ref), "")
            if node.kind == "saved":
                name = label.split("\n", 1)[0] if "\n" in label else ""
            record["details"] = tensor_details(node.ref, name, KIND_NAMES[node.kind])
        elif node.kind in ("fn", "acc"):
            record["details"] = self.fn_record(node.ref)
        elif node.kind == "group":
            members = [self.fn_record(m.ref) for m in node.ref]
            record["members"] = members
            record["details"] = {
                "title": label.replace("\n", " / "),
                "kind": "folded run",
                "fields": [["nodes", str(len(members))]],
                "sections": [],
            }
        else:
            record["details"] = {
                "title": "...",
                "kind": "cut off",
                "fields": [["why", "below max_depth: not drawn"]],
                "sections": [],
            }
        return record

    def fn_record(self, fn: NodeLike) -> dict:
        return fn_details(fn, self.shapes, self.step_of.get(id(fn)))

    def gradient_record(self, fn: NodeLike) -> dict:
        """What one step shows: the gradient that comes in and the gradients that go out."""
        flow = self.flows.get(id(fn)) if self.flows is not None else None
        fields = [["node", fn_name(fn)], ["step", str(self.step_of[id(fn)])]]
        leaf = cast("AccumulatorLike", fn).variable if has_attr(fn, "variable") else None
        if leaf is not None:
            fields.append(["leaf", self.names.get(id(leaf)) or shape_text(leaf)])
        items = []
        if flow is None:
            why = "not recorded (backward already freed this graph)"
            fields.append(["gradient", why if self.flows is None else "none reached it"])
            if leaf is not None and leaf.grad is not None:
                fields.append(["leaf .grad now", values_text(leaf.grad.numpy())])
        elif leaf is not None:
            items.append({"name": "into leaf .grad", "fields": [["values", _text(flow.inputs)]]})
        else:
            fields.append(["gradient in", _text(flow.inputs)])
            for i, (child, g) in enumerate(zip(fn.next_functions, flow.outputs)):
                target = "None" if child[0] is None else fn_name(child[0])
                items.append({"name": f"out {i} -> {target}", "fields": _grad_fields(g)})
        section = {"title": "gradient flowing out", "items": items}
        return {"title": fn_name(fn), "kind": "step", "fields": fields, "sections": [section]}

    def edge_magnitude(self, src: VNode, dst: VNode) -> float | None:
        """The largest |gradient| sent along the line ``src -> dst`` (backward runs dst to src)."""
        if dst.kind == "output":
            return 1.0
        if self.flows is None:
            return None
        if dst.kind == "acc":  # the line from a leaf into its AccumulateGrad: the leaf's grad
            flow = self.flows.get(id(dst.ref))
            return norm_of(flow.inputs[0]) if flow is not None else None
        sources = {id(n) for n in _engine_nodes(src, self.acc_of)}
        found = None
        for fn in _engine_nodes(dst, self.acc_of):
            flow = self.flows.get(id(fn))
            if flow is None:
                continue
            for (child, _), g in zip(fn.next_functions, flow.outputs):
                norm = norm_of(g) if child is not None and id(child) in sources else None
                if norm is not None:
                    found = norm if found is None else max(found, norm)
        return found

    def steps(self, ir: GraphIR, ids: dict[int, str]) -> list[dict]:
        """One step per drawn box, in the order its first engine node runs."""
        box_of: dict[int, VNode] = {}
        for node in ir.nodes():
            for fn in _engine_nodes(node, self.acc_of):
                box_of[id(fn)] = node
        steps: list[dict] = []
        by_box: dict[int, dict] = {}
        for fn in self.order:
            box = box_of.get(id(fn))
            if box is None:
                continue
            step = by_box.get(id(box))
            if step is None:
                step = by_box[id(box)] = {"box": ids[id(box)], "runs": []}
                steps.append(step)
            step["runs"].append(self.gradient_record(fn))
        return steps


def _text(arrays: list) -> str:
    return "; ".join(values_text(a) for a in arrays) if arrays else "None"


def _grad_fields(g: np.ndarray | None) -> list[list[str]]:
    if g is None:
        return [["values", "None"]]
    return [["shape", "(" + ", ".join(map(str, g.shape)) + ")"], ["values", values_text(g)]]


def _number_ids(ir: GraphIR) -> dict[int, str]:
    """Give each box and line a DOT ``id`` (copies the attrs: collapsing may share them)."""
    ids = {}
    for i, node in enumerate(ir.nodes()):
        ids[id(node)] = f"b{i}"
        node.attrs = {**node.attrs, "id": f"b{i}"}
    for i, edge in enumerate(ir.edges()):
        edge.attrs = {**edge.attrs, "id": f"e{i}"}
    return ids


def unescape(label: str) -> str:
    """A label (DOT text, made by ``_labels.dot_text``) as the text Graphviz shows:
    backslash-l or -n ends a line, backslash-x is x, ``&amp;`` is ``&``.

    >>> unescape("a" + chr(92) * 2 + "b" + chr(92) + "l") == "a" + chr(92) + "b" + chr(10)
    True
    """
    text = _ESCAPE.sub(lambda m: "\n" if m.group(1) in "ln" else m.group(1), label)
    return text.replace("&amp;", "&")


_ESCAPE = re.compile(r"\\(.)", re.S)
_PROLOG = re.compile(r"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>|\s*<!--.*?-->)*\s*", re.S)


def inline_svg(svg: str) -> str:
    """The SVG without its XML prolog and DOCTYPE (which names a DTD URL), to sit in HTML."""
    return _PROLOG.sub("", svg, count=1)


def build(
    outputs: list, options: Options, rankdir: str, threshold: int | None, grads: bool = True
) -> Page:
    """Walk, fold, number, render; collect every box's record, the steps and the lines."""
    builder = PageBuilder(outputs, options.names, grads)
    ir = walk_backward(outputs, options)
    stats = simplify(ir, threshold)
    ids = _number_ids(ir)
    graph = _graph(ir, rankdir, stats)  # make_dot's own drawing
    graph.graph_attr.pop("size", None)  # natural size: the page zooms, Graphviz need not shrink
    svg = graph.pipe("svg", encoding="utf-8")
    boxes = [builder.box_record(node, ids[id(node)]) for node in ir.nodes()]
    edges = []
    for i, edge in enumerate(ir.edges()):
        flow = edge.kind == "flow"
        mag = builder.edge_magnitude(edge.src, edge.dst) if flow else None
        edges.append([f"e{i}", ids[id(edge.src)], ids[id(edge.dst)], edge.kind, mag])
    data = {
        "boxes": boxes,
        "edges": edges,
        "steps": builder.steps(ir, ids),
        "engine_nodes": len(builder.order),
        "grads_recorded": builder.flows is not None,
        "stats": stats,
    }
    return Page(inline_svg(svg), data)
