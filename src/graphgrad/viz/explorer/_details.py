"""What the page's details panel says about one box, as plain JSON-ready data.

A details record is ``{"title": str, "fields": [[key, text], ...], "sections": [{"title": str,
"items": [{"name": str, "fields": [[key, text], ...]}]}]}``. Every string is shown by the page as
text (never parsed as HTML), so nothing here needs escaping.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> tensor_details(x, "x")["fields"][:3]
[['shape', '(2)'], ['dtype', 'torch.float32'], ['requires_grad', 'True']]
>>> d = fn_details((x * x).grad_fn, {})
>>> d["title"], [item["name"] for item in d["sections"][2]["items"]]
('MulBackward0', ['other', 'self'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from .._labels import FREED_VALUE, _grad_of, fn_name, is_tensor, saved_items, shape_text

if TYPE_CHECKING:
    from .._protocols import AccumulatorLike, NodeLike, TensorLike

MAX_VALUE_CHARS = 400
SMALL_ARRAY = 16  # up to this many values are all shown
MAX_FLOAT = float(np.finfo(np.float64).max)


def values_text(array: np.ndarray | None) -> str:
    """A few values of ``array``, 4 decimals: all of a small one, row by row; the first and
    last three of a big one (NumPy's own printing costs too much for thousands of boxes).

    >>> values_text(np.arange(100.0))
    '[0.0000, 1.0000, 2.0000, ..., 97.0000, 98.0000, 99.0000] (100 values)'
    >>> print(values_text(np.eye(2)))
    [[1.0000, 0.0000],
     [0.0000, 1.0000]]
    """
    if array is None:
        return "None"
    array = np.asarray(array)
    if array.size > SMALL_ARRAY:
        flat = array.reshape(-1)
        ends = [_number(v) for v in flat[:3]] + ["..."] + [_number(v) for v in flat[-3:]]
        return "[" + ", ".join(ends) + f"] ({array.size} values)"
    text = np.array2string(array, precision=4, separator=", ", max_line_width=60, floatmode="fixed")
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def _number(value: np.generic) -> str:
    return f"{float(value):.4f}" if np.issubdtype(value.dtype, np.floating) else str(value)


def norm_of(array: np.ndarray | None) -> float | None:
    """The largest absolute value (None when unknown or not a number)."""
    if array is None or array.size == 0 or not np.issubdtype(array.dtype, np.number):
        return None
    value = float(np.max(np.abs(array)))
    return None if value != value else min(value, MAX_FLOAT)  # JSON has no NaN or Infinity


def _array(t: TensorLike) -> np.ndarray:
    return np.asarray(t.detach())


def tensor_fields(t: TensorLike) -> list[list[str]]:
    """Shape, dtype, requires_grad, a few values."""
    return [
        ["shape", shape_text(t)],
        ["dtype", str(t.dtype)],
        ["requires_grad", str(bool(t.requires_grad))],
        ["values", values_text(_array(t))],
    ]


def tensor_details(t: TensorLike, name: str, role: str = "tensor") -> dict:
    """A tensor's record: its name from ``params``, shape, dtype, values and ``.grad``."""
    fields = tensor_fields(t)
    grad = _grad_of(t)
    fields.append(["grad", "None" if grad is None else values_text(_array(grad))])
    fn = t.grad_fn
    fields.append(["grad_fn", "None" if fn is None else fn_name(fn)])
    return {"title": name or "(unnamed tensor)", "kind": role, "fields": fields, "sections": []}


def _meta_shape(fn: NodeLike, index: int) -> str | None:
    meta = getattr(fn, "_meta", None)
    if meta is None or index >= len(meta) or meta[index] is None:
        return None
    return "(" + ", ".join(str(int(d)) for d in meta[index][0]) + ")"


def _saved_section(fn: NodeLike) -> tuple[dict, list[list[str]]]:
    """The saved tensors (with shape, dtype, values, or "freed") and the other attributes."""
    tensors, attrs = [], []
    for name, value in saved_items(fn):
        if value is FREED_VALUE:
            tensors.append({"name": name, "fields": [["state", "freed (backward released it)"]]})
        elif is_tensor(value):
            tensors.append({"name": name, "fields": tensor_fields(value)})
        elif isinstance(value, tuple) and any(is_tensor(v) for v in value):
            for i, v in enumerate(value):
                if is_tensor(v):
                    tensors.append({"name": f"{name}[{i}]", "fields": tensor_fields(v)})
        else:
            attrs.append([name, str(value)])
    return {"title": "saved tensors", "items": tensors}, attrs


def fn_details(fn: NodeLike, out_shapes: dict[int, str], step: int | None = None) -> dict:
    """A backward node's record: its name, inputs and outputs with shapes, saved tensors with
    shape, dtype and values (or "freed"), and its other attributes."""
    if hasattr(fn, "variable"):
        return _accumulate_details(cast("AccumulatorLike", fn), step)
    inputs: list[dict] = []
    for i, (child, nr) in enumerate(fn.next_functions):
        target = "None (needs no gradient)" if child is None else f"{fn_name(child)}[{nr}]"
        inputs.append({"name": f"input {i}", "fields": [["to", target]]})
        shape = _meta_shape(fn, i)
        if shape is not None:
            inputs[-1]["fields"].append(["shape", shape])
    outputs = [{"name": "output", "fields": [["shape", out_shapes.get(id(fn), "?")]]}]
    saved, attrs = _saved_section(fn)
    fields = [["step", "not run" if step is None else str(step)]]
    sections = [
        {"title": "outputs (gradient comes in)", "items": outputs},
        {"title": "inputs (gradient goes out)", "items": inputs},
        saved,
    ]
    if attrs:
        sections.append({"title": "attributes", "items": [{"name": "", "fields": attrs}]})
    return {"title": fn_name(fn), "kind": "backward node", "fields": fields, "sections": sections}


def _accumulate_details(fn: AccumulatorLike, step: int | None) -> dict:
    leaf = fn.variable
    fields = [["step", "not run" if step is None else str(step)], *tensor_fields(leaf)]
    fields[1][0] = "leaf shape"
    grad = leaf.grad
    fields.append(["leaf .grad now", "None" if grad is None else values_text(_array(grad))])
    return {
        "title": fn_name(fn),
        "kind": "backward node",
        "fields": fields,
        "sections": [
            {"title": "adds the gradient into", "items": [{"name": "leaf .grad", "fields": []}]}
        ],
    }


def output_shapes(order: list, outputs: list) -> dict[int, str]:
    """``id(node) -> shape`` of the tensor each node's forward op made (from its consumers)."""
    shapes = {}
    for t in outputs:
        if t.grad_fn is not None:
            shapes[id(t.grad_fn)] = shape_text(t)
    for fn in order:
        for i, (child, _) in enumerate(getattr(fn, "next_functions", ())):
            shape = _meta_shape(fn, i)
            if child is not None and shape is not None:
                shapes.setdefault(id(child), shape)
    return shapes
