"""PyTorch-identical ``repr``/``str`` for tensors, and the print options that steer it.

>>> import graphgrad as torch
>>> torch.tensor([[1.0, -2.5], [400.25, 6.0]])
tensor([[  1.0000,  -2.5000],
        [400.2500,   6.0000]])

The text is built in four steps (spec/torch-behaviour.md, section 1.3):

1. summarize when the tensor has more than ``threshold`` elements, keeping ``edgeitems`` at each
   end of every dim;
2. pick one element format and width for the whole tensor (:mod:`graphgrad._printing_format`);
3. lay the elements out: 1-d rows wrapped at ``linewidth``, higher dims nested with one more
   blank line per extra dim;
4. append the suffixes (``device=``, ``size=``, ``dtype=``, ``grad_fn=``/``requires_grad=``),
   moving one to a new line when it would overflow ``linewidth``.

This module sits below ``tensor.py``: it reads a tensor's attributes (``_data``, ``dtype``,
``device``, ``grad_fn``, ``requires_grad``) and imports nothing from graphgrad but ``dtypes``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import dtypes
from ._printing_format import (
    ComplexFormatter,
    Formatter,
    PrintOptions,
    make_formatter,
    summarized_data,
)

__all__ = ["get_printoptions", "printoptions", "set_printoptions", "sparse_repr", "tensor_repr"]

PRINT_OPTS = PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}

_PLAIN_TYPE_NAMES = ("Tensor", "Parameter")

AnyFormatter = Formatter | ComplexFormatter


# -- print options ---------------------------------------------------------------------------------


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the options for printing tensors (``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point (default 4).
        threshold: element count above which the repr is summarized (default 1000).
        edgeitems: items kept at the start and end of each dim when summarizing (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``; applied first, then the other options
            given override it. An unknown name changes nothing, as in PyTorch.
        sci_mode: ``True``/``False`` forces scientific notation on/off; ``None`` chooses
            automatically. Like PyTorch, every call sets it, so omitting it resets it to ``None``.

    >>> torch.set_printoptions(precision=2)
    >>> torch.tensor([1 / 3])
    tensor([0.33])
    >>> torch.set_printoptions(profile="default")
    """
    if profile in _PROFILES:
        values = _PROFILES[profile]
        PRINT_OPTS.precision, PRINT_OPTS.threshold = values[0], values[1]
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = values[2], values[3]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options: precision, threshold, edgeitems, linewidth, sci_mode.

    >>> torch.get_printoptions()["precision"]
    4
    """
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """A context manager that sets print options (the keyword arguments of
    ``set_printoptions``) for a ``with`` block.

    Args:
        kwargs: the options.

    >>> with torch.printoptions(precision=2):
    ...     print(torch.tensor([1 / 3]))
    tensor([0.33])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# -- layout ----------------------------------------------------------------------------------------


def _vector_str(row: np.ndarray, indent: int, summarize: bool, fmt: AnyFormatter) -> str:
    """A 1-d row: elements joined by ``", "``, wrapped to ``linewidth``, in brackets."""
    edge = PRINT_OPTS.edgeitems
    if summarize and row.shape[0] > 2 * edge:
        items = [fmt.format(v) for v in row[:edge].tolist()] + [" ..."]
        items += [fmt.format(v) for v in row[row.shape[0] - edge :].tolist()]
    else:
        items = [fmt.format(v) for v in row.tolist()]
    element_length = fmt.width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: AnyFormatter) -> str:
    """A tensor of dim >= 1: rows recursively, one more newline between blocks per extra dim."""
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    size, edge = data.shape[0], PRINT_OPTS.edgeitems
    if summarize and size > 2 * edge:
        head = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(edge)]
        tail = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(size - edge, size)]
        slices = head + ["..."] + tail
    else:
        slices = [_nested_str(sub, indent + 1, summarize, fmt) for sub in data]
    separator = "," + "\n" * (data.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(slices) + "]"


def _tensor_str(data: np.ndarray, indent: int) -> str:
    """The bracketed element text of a non-empty array (a bare scalar for 0-d)."""
    summarize = data.size > PRINT_OPTS.threshold
    if data.ndim == 0:
        return make_formatter(data, PRINT_OPTS).format(data.item())
    if summarize and not PRINT_OPTS.edgeitems:
        return "[...]"
    shown = summarized_data(data, PRINT_OPTS.edgeitems) if summarize else data
    return _nested_str(data, indent, summarize, make_formatter(shown, PRINT_OPTS))


# -- suffixes --------------------------------------------------------------------------------------


def _has_default_dtype(dtype: Any) -> bool:
    """True for dtypes PyTorch never names in a repr: default float, its complex, int64, bool."""
    default = dtypes.get_default_dtype()
    default_complex = dtypes.complex128 if default.name == "float64" else dtypes.complex64
    return dtype.name in (default.name, default_complex.name, "int64", "bool")


def _grad_suffix(t: Any) -> list[str]:
    """``grad_fn=<Name>`` for a non-leaf, else ``requires_grad=True`` if it requires grad."""
    if t.grad_fn is not None:
        return [f"grad_fn=<{type(t.grad_fn).__name__}>"]  # the class name, as torch prints it
    if t.requires_grad:
        return ["requires_grad=True"]
    return []


# Set by autograd.forward_ad: the tangent of a dual tensor, or None (``tangent=`` suffix).
tangent_of: Any = None


def _tangent_suffix(t: Any) -> list[str]:
    tangent = tangent_of(t) if tangent_of is not None else None
    return [] if tangent is None else [f"tangent={tensor_repr(tangent)}"]


def _body_and_suffixes(t: Any, indent: int) -> tuple[str, list[str]]:
    """The element text and the suffixes (device, size, dtype, grad), in PyTorch's order."""
    data = np.asarray(t._data)
    suffixes = []
    device = str(t.device)
    if device != "cpu":
        suffixes.append(f"device='{device}'")
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if t.dtype.name != dtypes.get_default_dtype().name:
            suffixes.append(f"dtype={t.dtype!r}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        if not _has_default_dtype(t.dtype):
            suffixes.append(f"dtype={t.dtype!r}")
        body = _tensor_str(data, indent)
    return body, suffixes + _grad_suffix(t) + _tangent_suffix(t)


def _add_suffixes(text: str, suffixes: list[str], indent: int, newline: bool = False) -> str:
    """Append ``, suffix`` items and the closing ``)``, wrapping a suffix that would overflow
    (and the first one in any case when ``newline``, as for sparse tensors).

    The starting line length over-counts by one or two characters, exactly as PyTorch does.
    """
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _part_str(name: str, data: np.ndarray, indent: int) -> str:
    """``name=tensor(...)`` for a sparse tensor's indices or values (an empty one with its
    size, even when 1-d)."""
    prefix = f"{name}=tensor("
    if data.size == 0:
        return f"{prefix}[], size={tuple(data.shape)})"
    return prefix + _tensor_str(data, indent + len(prefix)) + ")"


def sparse_repr(t: Any, indices: np.ndarray, values: np.ndarray) -> str:
    """``repr(t)`` of a sparse COO tensor with these indices and values, as PyTorch prints
    it: the two arrays, then the suffixes from a new line (``size=``, ``nnz=``, ``dtype=``,
    ``layout=``, grad).
    """
    indent = len("tensor(")
    text = (
        "tensor("
        + _part_str("indices", indices, indent)
        + ",\n"
        + " " * indent
        + _part_str("values", values, indent)
    )
    suffixes = [f"size={tuple(t.shape)}", f"nnz={indices.shape[1]}"]
    if not _has_default_dtype(t.dtype):
        suffixes.append(f"dtype={t.dtype!r}")
    suffixes += [f"layout={t.layout!r}", *_grad_suffix(t)]
    return _add_suffixes(text, suffixes, indent, newline=True)


def tensor_repr(t: Any) -> str:
    """``repr(t)`` (and ``str(t)``) of a tensor, byte-identical to PyTorch's.

    ``nn.Parameter`` gets a ``Parameter containing:`` line first. Other subclasses print their
    class name in place of ``tensor``, as PyTorch does.
    """
    type_name = type(t).__name__
    prefix = "tensor(" if type_name in _PLAIN_TYPE_NAMES else f"{type_name}("
    body, suffixes = _body_and_suffixes(t, len(prefix))
    text = _add_suffixes(prefix + body, suffixes, len(prefix))
    if type_name == "Parameter":
        return "Parameter containing:\n" + text
    return text
