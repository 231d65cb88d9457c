"""Text on the graph: tensor labels, backward-node labels with attribute tables, values.

Labels are DOT escape strings: every piece of text that comes from the program (tensor names,
class names, attribute values) goes through ``dot_text``, so it is shown as it is written, and our
own ``\\l`` line ends are the only escapes Graphviz interprets.

Every label follows torchviz's conventions (``name\\n (shape)``, ``PowBackward0`` over a dashed
rule and ``key: value`` lines) with one change: an unnamed tensor's label is its shape alone, so
no label begins with an empty line (torchviz writes ``"\\n (1, 1)"``, which also crashes the
WebAssembly Graphviz builds when they render twice).

>>> import graphgrad as torch
>>> x = torch.tensor([[1.0, 2.0]], requires_grad=True)
>>> tensor_label(x, "x")
'x\\n (1, 2)'
>>> tensor_label(x, "")
'(1, 2)'
>>> print(fn_label((x**2).grad_fn, [("exponent", 2), ("self", x)], show_attrs=True))
PowBackward0
------------------------
exponent:              2
self    : [saved tensor]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeGuard

import numpy as np

if TYPE_CHECKING:
    from ._protocols import NodeLike, Shaped, TensorLike

SAVED_PREFIX = "_saved_"
# C0 controls and DEL (Graphviz cannot show them, and a NUL ends its strings) become the Unicode
# "control pictures" (U+2400 + code, U+2421 for DEL); a newline stays a line break.
_CONTROL: dict[int | str, str] = {c: chr(0x2400 + c) for c in range(32) if c != 10}
_CONTROL[127] = "\u2421"
_ESCAPE_TABLE: dict[int | str, str] = {"\\": "\\\\", '"': '\\"', "&": "&amp;", **_CONTROL}
_ESCAPES = str.maketrans(_ESCAPE_TABLE)
FREED = "[freed]"


class Freed:
    """Marks a ``_saved_*`` value that backward already released (reading it raises)."""

    def __str__(self) -> str:
        return FREED

    __repr__ = __str__


FREED_VALUE = Freed()


_TENSOR_API = ("grad_fn", "requires_grad", "shape", "_is_view")
_TENSOR_TYPES: dict[type, bool] = {}
_SAVED_NAMES: dict[type, list[str]] = {}
_CLASS_ATTRS: dict[tuple[type, str], bool] = {}


def is_tensor(obj: object) -> TypeGuard[TensorLike]:
    """True for a graphgrad Tensor, and for anything shaped like one (a PyTorch tensor too).

    >>> import graphgrad as torch
    >>> is_tensor(torch.ones(2)), is_tensor((1, 2)), is_tensor(None)
    (True, False, False)
    """
    kind = type(obj)
    found = _TENSOR_TYPES.get(kind)
    if found is None:
        found = _TENSOR_TYPES[kind] = all(hasattr(kind, a) for a in _TENSOR_API)
    return found


def has_attr(obj: object, name: str) -> bool:
    """``hasattr`` asked of the class (cached), or of the instance's own ``__dict__``.

    Backward nodes answer missing attributes slowly (they build an error message), and a big
    graph asks two questions per node, so the answer is kept per class.
    """
    kind = type(obj)
    found = _CLASS_ATTRS.get((kind, name))
    if found is None:
        found = _CLASS_ATTRS[(kind, name)] = hasattr(kind, name)
    return found or (kind.__dictoffset__ != 0 and name in obj.__dict__)


def dot_text(text: str) -> str:
    r"""``text`` as a DOT label fragment that Graphviz shows unaltered.

    Backslashes and quotes are escaped (so ``\N`` or a trailing backslash is text, not an
    escape), ``&`` becomes ``&amp;`` (so ``&lt;`` is shown as written, not as ``<``), and control
    characters become their visible symbols (NUL is shown as U+2400, ``␀``).

    >>> print(dot_text(r'a\N "b" &lt; <script>' + '\\'))
    a\\N \"b\" &amp;lt; <script>\\
    >>> dot_text("nul\x00") == "nul\u2400"
    True
    """
    return str(text).translate(_ESCAPES)


def shape_text(t: Shaped) -> str:
    """torchviz's shape text: ``(3, 3)``, ``(5)`` for one dimension, ``()`` for a scalar.

    >>> import graphgrad as torch
    >>> shape_text(torch.ones(5)), shape_text(torch.tensor(1.0)), shape_text(torch.ones(2, 3))
    ('(5)', '()', '(2, 3)')
    """
    return "(" + ", ".join(str(int(d)) for d in tuple(t.shape)) + ")"


def tensor_label(t: TensorLike, name: str, extra: Sequence[str] = ()) -> str:
    """``name\\n (shape)`` as torchviz writes it; the shape alone when there is no name.

    ``extra`` lines (values) follow, left-justified (each ends in DOT's ``\\l``) so that the
    rows of an array line up.
    """
    head = f"{dot_text(name)}\n {shape_text(t)}" if name else shape_text(t)
    return with_lines(head, extra)


def with_lines(head: str, extra: Sequence[str]) -> str:
    """``head`` (DOT text), then ``extra`` (plain text) as left-justified lines.

    >>> with_lines("(2)", ["data: [1, 2]"])
    '(2)\\ndata: [1, 2]\\\\l'
    """
    if not extra:
        return head
    return head + "\n" + "".join(dot_text(line) + "\\l" for line in extra)


def saved_items(fn: NodeLike) -> list[tuple[str, object]]:
    """The ``_saved_*`` attributes of a backward node, sorted by name, each read once.

    A value that cannot be read any more (backward freed it) comes back as ``FREED_VALUE``.
    """
    kind = type(fn)
    names = _SAVED_NAMES.get(kind)
    if names is None:  # the _saved_* names belong to the node's class, here and in PyTorch
        names = _SAVED_NAMES[kind] = sorted(a for a in dir(fn) if a.startswith(SAVED_PREFIX))
    items = []
    for attr in names:
        try:
            value = getattr(fn, attr)
        except RuntimeError:
            value = FREED_VALUE
        items.append((attr[len(SAVED_PREFIX) :], value))
    return items


def attr_text(value: object) -> str:
    """How one saved attribute reads in the table (torchviz's rules)."""
    if is_tensor(value):
        return "[saved tensor]"
    if isinstance(value, tuple) and any(is_tensor(v) for v in value):
        return "[saved tensors]"
    return str(value)


def fn_name(fn: NodeLike) -> str:
    """The node's class name, as torchviz shows it (``PowBackward0``, ``AccumulateGrad``)."""
    return type(fn).__name__


def fn_label(
    fn: NodeLike, items: list[tuple[str, object]], show_attrs: bool, max_attr_chars: int = 50
) -> str:
    """The node's name, then with ``show_attrs`` a rule and one ``key: value`` line per attribute.

    Keys are padded to the longest key, values right-aligned to the longest value (at most
    ``max_attr_chars``, at least 3; longer values end in ``...``), exactly as torchviz does.
    """
    name = fn_name(fn)
    if not show_attrs or not items:
        return dot_text(name)
    texts = [(key, attr_text(value)) for key, value in items]
    col1 = max(len(k) for k, _ in texts)
    col2 = min(max(len(v) for _, v in texts), max(max_attr_chars, 3))
    rule = "-" * max(col1 + col2 + 2, len(name))
    lines = [f"{k.ljust(col1)}: {_cut(v, col2).rjust(col2)}" for k, v in texts]
    return dot_text("\n".join([name, rule, *lines]))


def _cut(text: str, width: int) -> str:
    return text[: width - 3] + "..." if len(text) > width else text


def forward_name(fn: NodeLike) -> str:
    """The forward op a backward node undoes: ``PowBackward0`` -> ``Pow``.

    >>> import graphgrad as torch
    >>> forward_name((torch.ones(2, requires_grad=True) * 2).grad_fn)
    'Mul'
    """
    name = fn_name(fn)
    head, sep, _ = name.rpartition("Backward")
    return head if sep and head else name


def value_lines(t: TensorLike, show_values: bool, show_grads: bool) -> list[str]:
    """``data: ...`` and ``grad: ...`` lines (micrograd's teaching view), 4 decimals.

    >>> import graphgrad as torch
    >>> x = torch.tensor(7.0, requires_grad=True)
    >>> (x**2).backward()
    >>> value_lines(x, True, True)
    ['data: 7.0000', 'grad: 14.0000']
    """
    lines = []
    if show_values:
        lines += _array_lines("data", _as_array(t))
    if show_grads:
        grad = _grad_of(t)
        lines += ["grad: None"] if grad is None else _array_lines("grad", _as_array(grad))
    return lines


def _as_array(t: TensorLike) -> np.ndarray:
    return np.asarray(t.detach())


def _grad_of(t: TensorLike) -> TensorLike | None:
    """``t.grad`` where it is defined (leaves and retain_grad tensors), without the warning."""
    if getattr(t, "is_leaf", False) or getattr(t, "retains_grad", False):
        return t.grad
    return None


def _array_lines(key: str, array: np.ndarray) -> list[str]:
    if array.size == 1:
        return [f"{key}: {_number(array.reshape(()).item())}"]
    text = np.array2string(
        array,
        precision=4,
        separator=", ",
        threshold=12,
        edgeitems=2,
        max_line_width=60,
        floatmode="fixed",
        suppress_small=True,
    )
    rows = text.split("\n")
    return [f"{key}: {rows[0]}", *[" " * (len(key) + 2) + r for r in rows[1:]]]


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
