"""``make_dot`` and its pieces: the backward graph of tensors as a Graphviz drawing.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> make_dot((x * x).sum()).source.count("MulBackward0")
1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ._collapse import simplify
from ._digraph import Graph
from ._forward import walk_forward
from ._graph import GraphIR, emit
from ._labels import is_tensor
from ._render import available
from ._walk import Options, walk_backward

if TYPE_CHECKING:
    from ._protocols import GraphLike


RANKDIRS = ("TB", "LR", "BT", "RL")
DEFAULT_COLLAPSE_THRESHOLD = 400
GRAPH_ATTRS = {"size": "12,12"}
NODE_ATTRS = {
    "style": "filled",
    "shape": "box",
    "fontname": "Courier",
    "fontsize": "10",
    "height": "0.2",
}
EDGE_ATTRS = {"fontname": "Courier", "fontsize": "10"}


def available_renderers(backend: str | None = None) -> list[str]:
    """The renderers that work here, in the order they are tried: ``"dot"``, ``"wasm"``.

    Args:
        backend: ``"dot"`` or ``"wasm"`` to consider only that renderer, ``"auto"`` for
            both; ``None`` reads ``$GRAPHGRAD_VIZ_RENDERER``, else ``"auto"``.

    >>> set(available_renderers()) <= {"dot", "wasm"}
    True
    """
    return available(backend)


def _outputs(var: object) -> list:
    """``var`` as a list of tensors, with a clear error for anything else (torchviz #43)."""
    items = list(var) if isinstance(var, (tuple, list)) else [var]
    for item in items:
        if not is_tensor(item):
            raise TypeError(
                "make_dot expects a Tensor or a tuple of Tensors (the output of your model), "
                f"got {type(item).__name__}; e.g. make_dot(model(x), "
                "params=dict(model.named_parameters()))"
            )
    return items


def _names(params: Mapping | None, outputs: list, output_name: str | Sequence[str] | None):
    """``id(tensor) -> name`` from ``params`` and ``output_name``, plus the objects to keep."""
    names: dict[int, str] = {}
    keep: list = []
    for name, value in (params or {}).items():
        if not is_tensor(value):
            raise TypeError(f"params[{name!r}] is a {type(value).__name__}, not a Tensor")
        names[id(value)] = str(name)
        keep.append(value)
    if output_name is not None:
        given = [output_name] if isinstance(output_name, str) else list(output_name)
        if len(given) != len(outputs):
            raise ValueError(f"output_name has {len(given)} names for {len(outputs)} outputs")
        for name, out in zip(given, outputs, strict=True):
            names[id(out)] = name
    return names, keep


def _check(rankdir: str, max_depth: int | None, max_attr_chars: int) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if max_depth is not None and max_depth < 1:
        raise ValueError(f"max_depth must be at least 1, got {max_depth}")
    if not isinstance(max_attr_chars, int):
        raise TypeError("max_attr_chars must be an int")


def _graph(ir: GraphIR, rankdir: str, stats: dict) -> Graph:
    graph_attrs = dict(GRAPH_ATTRS)
    if rankdir != "TB":
        graph_attrs["rankdir"] = rankdir
    dot = Graph(format="svg", graph_attr=graph_attrs, node_attr=dict(NODE_ATTRS))
    if any(e.attrs.get("label") for e in ir.edges()):
        dot.edge_attr.update(EDGE_ATTRS)
    emit(ir, dot)
    dot.stats = stats
    return dot


def make_dot(
    var: object,
    params: Mapping | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
    max_attr_chars: int = 50,
    *,
    show_values: bool = False,
    show_grads: bool = False,
    rankdir: str = "TB",
    output_name: str | Sequence[str] | None = None,
    max_depth: int | None = None,
    collapse_threshold: int | None = DEFAULT_COLLAPSE_THRESHOLD,
) -> Graph:
    """The backward graph of ``var`` (a tensor or a tuple of them), as torchviz draws it.

    The first five arguments are torchviz's: ``params`` maps names to tensors (leaves, or the
    output) and labels their boxes; ``show_attrs`` adds each node's saved attributes as a table;
    ``show_saved`` adds an orange box per saved tensor (one that is also a leaf or an output is
    linked to it by a dashed line); ``max_attr_chars`` cuts long attribute values.

    Beyond torchviz: ``show_values`` / ``show_grads`` put each drawn tensor's data and ``.grad``
    on its box; ``rankdir`` is ``"TB"`` (top to bottom) or ``"LR"`` (left to right), or
    ``"BT"``/``"RL"``; ``output_name`` names the output (one name per output);
    ``max_depth`` draws only that many levels of backward nodes below the output (a ``...`` box
    marks what is cut); above ``collapse_threshold`` boxes, AccumulateGrad boxes fold into their
    leaves and repeated chains into one box each (``None`` never folds, ``0`` always does).

    >>> import graphgrad as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> g = make_dot((x * x).sum(), params={"x": x}, show_values=True, rankdir="LR")
    >>> 'rankdir=LR' in g.source, 'label="x\\n (2)\\ndata: [1.0000, 2.0000]\\\\l"' in g.source
    (True, True)
    """
    outputs = _outputs(var)
    _check(rankdir, max_depth, max_attr_chars)
    names, keep = _names(params, outputs, output_name)
    options = Options(
        names, show_attrs, show_saved, max_attr_chars, show_values, show_grads, max_depth, keep
    )
    ir = walk_backward(outputs, options)
    stats = simplify(ir, collapse_threshold)
    return _graph(ir, rankdir, stats)


def make_forward_dot(
    var: object,
    params: Mapping | None = None,
    show_attrs: bool = False,
    *,
    show_values: bool = False,
    show_grads: bool = False,
    rankdir: str = "TB",
    output_name: str | Sequence[str] | None = None,
    max_depth: int | None = None,
) -> Graph:
    """The same program drawn forward: tensors as boxes, each op on the lines into its result.

    Leaves are light blue, the output light green, intermediate results white (their shape, and
    with ``show_values`` their data where a backward node saved it). Constants are not drawn.
    ``show_attrs`` adds each op's non-tensor arguments (``exponent=2``) to its line labels.

    Args:
        var: the output tensor, or a tuple of them.
        params: names for tensors, as ``make_dot`` takes them.
        show_attrs: label each line with the op's non-tensor arguments.
        show_values: print the data of small intermediate results.
        show_grads: print the ``.grad`` of leaves that have one.
        rankdir: the layout direction: ``"TB"``, ``"LR"``, ``"BT"`` or ``"RL"``.
        output_name: the name(s) of the output box(es).
        max_depth: draw only this many ops back from the outputs.

    >>> import graphgrad as torch
    >>> x = torch.tensor(7.0, requires_grad=True)
    >>> g = make_forward_dot((x**2) + 3, params={"x": x}, output_name="f")
    >>> [line.strip() for line in g.body if "->" in line]
    ['n1 -> n0 [label=Add]', 'n2 -> n1 [label=Pow]']
    """
    outputs = _outputs(var)
    _check(rankdir, max_depth, 50)
    names, keep = _names(params, outputs, output_name)
    options = Options(names, show_attrs, False, 50, show_values, show_grads, max_depth, keep)
    ir = walk_forward(outputs, options)
    return _graph(ir, rankdir, {"nodes": ir.count()})


def resize_graph(dot: GraphLike, size_per_element: float = 0.15, min_size: float = 12) -> None:
    """torchviz's ``resize_graph``: grow ``size`` with the number of DOT statements.

    Args:
        dot: the graph, as ``make_dot`` returns it.
        size_per_element: inches per statement.
        min_size: the smallest size, in inches.

    >>> g = Graph(body=["\\ta -> b\\n"] * 100)
    >>> resize_graph(g); g.graph_attr["size"]
    '15.0,15.0'
    """
    size = max(min_size, size_per_element * len(dot.body))
    dot.graph_attr.update(size=f"{size},{size}")


def make_dot_from_trace(trace: object) -> None:
    """As in torchviz: the jit-trace drawing moved to PyTorch's TensorBoard support; raises.

    Args:
        trace: ignored.

    >>> make_dot_from_trace(None)
    Traceback (most recent call last):
    NotImplementedError: This function has been moved to pytorch core and can be found here: https://pytorch.org/docs/stable/tensorboard.html
    """
    raise NotImplementedError(
        "This function has been moved to pytorch core and can be found here: "
        "https://pytorch.org/docs/stable/tensorboard.html"
    )
