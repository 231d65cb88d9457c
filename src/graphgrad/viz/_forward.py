"""The forward view: tensors as boxes, each op written on the lines from its inputs to its result.

It is read off the backward graph: every backward node ``F`` stands for one op whose result is a
box (``F``'s output ``k`` for multi-output ops); an ``AccumulateGrad`` node stands for its leaf.
An intermediate box shows its shape (read from the consumer's recorded input metadata, or from a
saved tensor) and, with ``show_values``, its data where some backward node saved it. Constants
(``None`` inputs) are not drawn.

>>> import graphgrad as torch
>>> from graphgrad.viz._walk import Options
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> ir = walk_forward([(x * 3).relu().sum()], Options(names={id(x): "x"}))
>>> [n.label for n in ir.nodes()]
['()', '(2)', '(2)', 'x\\n (2)']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ._graph import GraphIR, VNode
from ._labels import (
    FREED_VALUE,
    dot_text,
    forward_name,
    has_attr,
    is_tensor,
    saved_items,
    shape_text,
    tensor_label,
    value_lines,
    with_lines,
)
from ._walk import COLORS, Options, depths

if TYPE_CHECKING:
    from ._protocols import AccumulatorLike, NodeLike, TensorLike

INTERMEDIATE = {"fillcolor": "white"}


def _fns_in_order(outputs: list, within: dict[int, int] | None) -> list:
    """Backward nodes reachable from the outputs (within max_depth), depth-first pre-order."""
    order, seen = [], set()
    stack = [v.grad_fn for v in reversed(outputs) if v.grad_fn is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen or (within is not None and id(fn) not in within):
            continue
        seen.add(id(fn))
        order.append(fn)
        stack.extend(u for u, _ in reversed(fn.next_functions) if u is not None)
    return order


class ForwardWalk:
    """Builds the forward GraphIR; ``values`` holds what saved tensors tell about results."""

    def __init__(self, options: Options) -> None:
        self.opts = options
        self.ir = GraphIR()
        self.boxes: dict[tuple[int, int], VNode] = {}
        self.shapes: dict[tuple[int, int], tuple] = {}
        self.values: dict[tuple[int, int], TensorLike] = {}
        self.used: dict[int, set[int]] = {}
        self.declared: set[int] = set()
        self.keep: list = []

    def run(self, outputs: list) -> GraphIR:
        within = depths(outputs, self.opts.max_depth) if self.opts.max_depth else None
        order = _fns_in_order(outputs, within)
        self.learn(order)
        for var in outputs:
            self.declare(self.output_box(var))
        for fn in order:
            if not has_attr(fn, "variable"):
                self.draw_op(fn, within)
        return self.ir

    def learn(self, order: list) -> None:
        """Shapes from the consumers' input metadata, values from saved tensors."""
        for fn in order:
            meta = getattr(fn, "_meta", None) or ()
            for slot, (u, nr) in enumerate(fn.next_functions):
                if u is None:
                    continue
                self.used.setdefault(id(u), set()).add(nr)
                if slot < len(meta) and meta[slot] is not None:
                    self.shapes.setdefault((id(u), nr), tuple(meta[slot][0]))
            for _, value in saved_items(fn) if self.opts.show_values else ():
                if is_tensor(value) and value.grad_fn is not None:
                    key = (id(value.grad_fn), getattr(value, "output_nr", 0))
                    self.values.setdefault(key, value)
                    self.shapes.setdefault(key, tuple(value.shape))
                    self.keep.append(value)

    def declare(self, box: VNode) -> None:
        if id(box) not in self.declared:
            self.declared.add(id(box))
            self.ir.add(box)

    def output_box(self, var: TensorLike) -> VNode:
        name = self.opts.names.get(id(var), "")
        lines = value_lines(var, self.opts.show_values, self.opts.show_grads)
        box = VNode("output", tensor_label(var, name, lines), {"fillcolor": COLORS["output"]})
        if var.grad_fn is not None:
            key = (id(var.grad_fn), getattr(var, "output_nr", 0))
            box = self.boxes.setdefault(key, box)
        return box

    def value_box(self, fn: NodeLike, nr: int) -> VNode:
        """The box of ``fn``'s result ``nr`` (a leaf's box for AccumulateGrad)."""
        key = (id(fn), nr)
        box = self.boxes.get(key)
        if box is None:
            box = self.boxes[key] = self.make_box(fn, key)
        return box

    def make_box(self, fn: NodeLike, key: tuple[int, int]) -> VNode:
        opts = self.opts
        if has_attr(fn, "variable"):
            leaf = cast("AccumulatorLike", fn).variable
            lines = value_lines(leaf, opts.show_values, opts.show_grads)
            label = tensor_label(leaf, opts.names.get(id(leaf), ""), lines)
            return VNode("leaf", label, {"fillcolor": COLORS["leaf"]}, leaf)
        shape = self.shapes.get(key)
        label = "(?)" if shape is None else shape_text(_Shaped(shape))
        saved = self.values.get(key)
        if saved is not None:
            label = with_lines(label, value_lines(saved, opts.show_values, False))
        return VNode("value", label, dict(INTERMEDIATE))

    def op_label(self, fn: NodeLike) -> str:
        name = forward_name(fn)
        if not self.opts.show_attrs:
            return dot_text(name)
        extra = [
            f"{k}={v}"
            for k, v in saved_items(fn)
            if v is not FREED_VALUE
            and not is_tensor(v)
            and "_sym_" not in k
            and not (isinstance(v, tuple) and any(is_tensor(t) for t in v))
        ]
        return dot_text("\n".join([name, *extra]))

    def draw_op(self, fn: NodeLike, within: dict[int, int] | None) -> None:
        """One line per (input, result) pair, labelled with the op."""
        results = [self.value_box(fn, nr) for nr in sorted(self.used.get(id(fn), {0}))]
        label = self.op_label(fn)
        for u, nr in fn.next_functions:
            if u is None:
                continue
            if within is not None and id(u) not in within:
                src = VNode("more", "...", {"style": "dashed"})
            else:
                src = self.value_box(u, nr)
            self.declare(src)
            for result in results:
                self.declare(result)
                self.ir.link(src, result, "flow", label=label)


class _Shaped:
    """A stand-in with a ``shape`` for ``shape_text``."""

    def __init__(self, shape: tuple) -> None:
        self.shape = shape


def walk_forward(outputs: list, options: Options) -> GraphIR:
    """The forward view of ``outputs`` as a GraphIR (see the module docstring)."""
    return ForwardWalk(options).run(outputs)
