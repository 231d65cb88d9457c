"""The backward walk: from the output tensors down ``next_functions`` to the leaves.

It writes the same statements as torchviz, in the same order (a depth-first pre-order), but with
an explicit stack instead of recursion, so a graph of any depth is walked in time linear in its
size. Saved tensors get their own boxes: one per (tensor, attribute name), linked by a dashed
line to the leaf or output they are, instead of merging into it (torchviz's issue #69).

>>> import graphgrad as torch
>>> x = torch.tensor(7.0, requires_grad=True)
>>> ir = walk_backward([(x**2) + 3], Options(names={id(x): "x"}))
>>> [n.label for n in ir.nodes()]
['()', 'AddBackward0', 'PowBackward0', 'x\\n ()', 'AccumulateGrad']
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from ._graph import GraphIR, VNode
from ._labels import (
    FREED_VALUE,
    dot_text,
    fn_label,
    has_attr,
    is_tensor,
    saved_items,
    tensor_label,
    value_lines,
)

if TYPE_CHECKING:
    from ._protocols import AccumulatorLike, CustomNodeLike, NodeLike, TensorLike

COLORS = {
    "output": "darkolivegreen1",
    "leaf": "lightblue",
    "base": "darkolivegreen3",
    "saved": "orange",
}
ALIAS_EDGE = {"dir": "none", "style": "dashed", "constraint": "false"}


@dataclass
class Options:
    """What the walk draws (make_dot's arguments, validated)."""

    names: dict[int, str] = field(default_factory=dict)
    show_attrs: bool = False
    show_saved: bool = False
    max_attr_chars: int = 50
    show_values: bool = False
    show_grads: bool = False
    max_depth: int | None = None
    keep: list = field(default_factory=list)  # objects whose id() is a key in ``names``


def depths(outputs: list, max_depth: int) -> dict[int, int]:
    """Breadth-first: the least depth (the output's grad_fn is 1) of each node within reach."""
    found: dict[int, int] = {}
    queue: deque = deque()
    for var in outputs:
        fn = var.grad_fn
        if fn is not None and id(fn) not in found and max_depth >= 1:
            found[id(fn)] = 1
            queue.append(fn)
    while queue:
        fn = queue.popleft()
        depth = found[id(fn)]
        if depth == max_depth:
            continue
        for child in children(fn):
            if id(child) not in found:
                found[id(child)] = depth + 1
                queue.append(child)
    return found


class BackwardWalk:
    """One walk; ``run`` returns the GraphIR. Keeps every object it drew alive until done."""

    def __init__(self, options: Options) -> None:
        self.opts = options
        self.ir = GraphIR()
        self.fn_nodes: dict[int, VNode] = {}
        self.tensor_nodes: dict[int, VNode] = {}
        self.saved_nodes: dict[tuple[int, str], VNode] = {}
        self.declared: set[int] = set()
        self.within: dict[int, int] | None = None
        self.stack: list[tuple] = []

    # -- boxes ----------------------------------------------------------------------------------
    def fn_node(self, fn: NodeLike) -> VNode:
        node = self.fn_nodes.get(id(fn))
        if node is None:
            kind = "acc" if has_attr(fn, "variable") else "fn"
            node = self.fn_nodes[id(fn)] = VNode(kind, ref=fn)
        return node

    def tensor_node(self, t: TensorLike, kind: str) -> VNode:
        node = self.tensor_nodes.get(id(t))
        if node is None:
            label = self.label_of(t, self.opts.names.get(id(t), ""))
            node = VNode(kind, label, {"fillcolor": COLORS[kind]}, t)
            self.tensor_nodes[id(t)] = node
        return node

    def label_of(self, t: TensorLike, name: str) -> str:
        opts = self.opts
        return tensor_label(t, name, value_lines(t, opts.show_values, opts.show_grads))

    def declare(self, node: VNode) -> bool:
        """Write the box's statement once; False when it was already written."""
        if id(node) in self.declared:
            return False
        self.declared.add(id(node))
        self.ir.add(node)
        return True

    # -- the walk -------------------------------------------------------------------------------
    def run(self, outputs: list) -> GraphIR:
        if self.opts.max_depth is not None:
            self.within = depths(outputs, self.opts.max_depth)
        for var in outputs:  # first, so an output that is also a leaf is drawn as the output
            self.tensor_node(var, "output")
        for var in outputs:
            self.stack.append(("tensor", var, "output"))
            self.drain()
        self.link_aliases()
        return self.ir

    def drain(self) -> None:
        stack = self.stack
        while stack:
            task = stack.pop()
            if task[0] == "edge":
                self.ir.link(task[1], task[2], task[3], **task[4])
            elif task[0] == "fn":
                self.visit_fn(task[1])
            elif task[0] == "tensor":
                self.visit_tensor(task[1], task[2])
            elif task[0] == "node":
                self.declare(task[1])
            else:
                self.visit_custom(task[1], task[2])

    def visit_tensor(self, var: TensorLike, kind: str) -> None:
        """An output (or a view's base): its box, its grad_fn's subtree, then its base's."""
        node = self.tensor_node(var, kind)
        if not self.declare(node):
            return
        fn = var.grad_fn
        if var._is_view() and var._base is not None:
            base = self.tensor_node(var._base, "base")
            self.stack.append(("edge", base, node, "view", {"style": "dotted"}))
            self.stack.append(("tensor", var._base, "base"))
        if fn is not None and self.reachable(fn):
            self.stack.append(("edge", self.fn_node(fn), node, "flow", {}))
            self.stack.append(("fn", fn))

    def reachable(self, fn: NodeLike) -> bool:
        return self.within is None or id(fn) in self.within

    def visit_fn(self, fn: NodeLike) -> None:
        node = self.fn_node(fn)
        if id(node) in self.declared:
            return
        items = saved_items(fn) if (self.opts.show_saved or self.opts.show_attrs) else []
        if self.opts.show_saved:
            self.add_saved(node, items)
        if node.kind == "acc":
            leaf = self.tensor_node(cast("AccumulatorLike", fn).variable, "leaf")
            self.declare(leaf)
            self.ir.link(leaf, node)
        node.label = fn_label(fn, items, self.opts.show_attrs, self.opts.max_attr_chars)
        if _recorded(fn) is not None:
            node.label += dot_text(REPLAY_NOTE)
        self.declare(node)
        self.push_children(fn, node)

    def push_children(self, fn: NodeLike, node: VNode) -> None:
        """Children in reverse, so the first is popped first: edge, then its whole subtree."""
        if _custom_saved(fn):
            self.stack.append(("custom", fn, node))
        below = children(fn)
        kept = [u for u in below if self.reachable(u)]
        if len(kept) < len(below):
            more = VNode("more", "...", {"style": "dashed"})
            self.stack.append(("edge", more, node, "more", {"style": "dashed"}))
            self.stack.append(("node", more))
        for child in reversed(kept):
            self.stack.append(("fn", child))
            self.stack.append(("edge", self.fn_node(child), node, "flow", {}))

    # -- saved tensors --------------------------------------------------------------------------
    def add_saved(self, node: VNode, items: list[tuple[str, object]]) -> None:
        for name, value in items:
            if value is FREED_VALUE:
                continue
            if is_tensor(value):
                self.saved_box(node, name, value)
            elif isinstance(value, tuple):
                for i, t in enumerate(value):
                    if is_tensor(t):
                        self.saved_box(node, f"{name}[{i}]", t)

    def saved_box(self, node: VNode, name: str, t: TensorLike, reverse: bool = False) -> None:
        """An orange box for ``t`` saved under ``name``, shared by every node saving it so."""
        key = (id(t), name)
        box = self.saved_nodes.get(key)
        if box is None:
            label = self.label_of(t, name)
            box = self.saved_nodes[key] = VNode("saved", label, {"fillcolor": COLORS["saved"]}, t)
        src, dst = (box, node) if reverse else (node, box)
        self.ir.link(src, dst, "saved", dir="none")
        self.declare(box)

    def visit_custom(self, fn: NodeLike, node: VNode) -> None:
        """A custom Function's ``saved_tensors``: always drawn, named like any tensor."""
        for t in _custom_saved(fn):
            if is_tensor(t):  # save_for_backward(None) keeps a None
                self.saved_box(node, self.opts.names.get(id(t), ""), t, reverse=True)

    def link_aliases(self) -> None:
        """A dashed line from each drawn leaf or output to the saved boxes that are it."""
        by_output = {
            (id(n.ref.grad_fn), _output_nr(n.ref)): n
            for n in self.tensor_nodes.values()
            if n.ref.grad_fn is not None
        }
        for box in self.saved_nodes.values():
            t = box.ref
            drawn = self.tensor_nodes.get(id(t))
            if drawn is None and t.grad_fn is not None:
                drawn = by_output.get((id(t.grad_fn), _output_nr(t)))
            if drawn is not None and id(drawn) in self.declared:
                self.ir.link(drawn, box, "alias", **ALIAS_EDGE)


REPLAY_NOTE = "\n(values from a graphgrad.compile replay;\nbelow: the graph of the recorded call)"


def _recorded(fn: NodeLike):
    """The recorded call's nodes (of its results) behind a replayed ``CompiledFunctionBackward``."""
    return getattr(fn, "recorded", None)


def children(fn: NodeLike) -> list:
    """The nodes drawn below ``fn``: its ``next_functions``, or for a replayed result the
    graph of the call that graphgrad.compile recorded."""
    below = [u for u, _ in fn.next_functions if u is not None]
    recorded = _recorded(fn)
    return below if recorded is None else [*below, *recorded]


def _custom_saved(fn: NodeLike) -> tuple:
    """A custom Function node's ``saved_tensors``; ``()`` for other nodes, and once backward
    freed them (reading them then raises in graphgrad and PyTorch alike, and torchviz with it).
    """
    if not has_attr(fn, "saved_tensors"):
        return ()
    try:
        return tuple(cast("CustomNodeLike", fn).saved_tensors)
    except RuntimeError:
        return ()


def _output_nr(t: object) -> int:
    return getattr(t, "output_nr", 0)


def walk_backward(outputs: list, options: Options) -> GraphIR:
    """The backward graph of ``outputs`` as a GraphIR (see the module docstring)."""
    return BackwardWalk(options).run(outputs)
