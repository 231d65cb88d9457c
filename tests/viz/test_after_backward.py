"""make_dot on a graph that already ran backward: it never raises, and shows what PyTorch shows.

torchviz raises on such a graph as soon as it reads a freed saved tensor (PyTorch raises "Trying
to backward through the graph a second time"). graphgrad draws it: a freed value reads
``[freed]``, and a slot that was never filled reads ``None``, as PyTorch returns it.
"""

from __future__ import annotations

import re

import pytest

import graphgrad
from graphgrad.viz import make_dot, make_forward_dot

from .dot_tools import parse


def square_function(T):
    """A custom autograd.Function (named ``Square``) in library ``T``."""

    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            return 2 * a * grad

    return Square


def program(T):
    """x*3 saves `other` only (`self` stays None); Square saves x; exp saves its result."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = square_function(T).apply(x * 3).exp() + 7 * (x**2)
    return x, y.sum()


def boxes(graph) -> list[tuple]:
    return [
        (s[2].get("label"), s[2].get("fillcolor")) for s in parse(graph.source) if s[0] == "node"
    ]


def labels(graph) -> list[str]:
    return [s[2].get("label") for s in parse(graph.source) if s[0] == "node"]


@pytest.mark.parametrize("show", [{}, {"show_attrs": True}, {"show_saved": True}])
def test_custom_function_graph_draws_after_backward(show):
    x, out = program(graphgrad)
    before = make_dot(out, params={"x": x}, **show)
    out.backward()
    after = make_dot(out, params={"x": x}, **show)  # raised "backward a second time"
    assert "SquareBackward" in after.source
    assert make_forward_dot(out, show_attrs=True).source.count("Square") == 1
    gone = [b for b in boxes(before) if b not in boxes(after)]
    if not show:  # only Square's saved input, freed, is not drawn
        assert gone == [("(2)", "orange")] and len(boxes(after)) == len(boxes(before)) - 1
    elif show.get("show_attrs"):
        assert len(boxes(after)) == len(boxes(before)) - 1
        assert sum("[freed]" in label for label, _ in boxes(after)) == 4
    else:  # every saved tensor was freed: no orange box is left
        assert sum(c == "orange" for _, c in boxes(before)) == 5
        assert all(c != "orange" for _, c in boxes(after))


def test_never_saved_slot_reads_none_after_backward_as_in_pytorch():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.sum().backward()
    assert y.grad_fn._saved_self is None  # raised: x*3 never saved `self`
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = y.grad_fn._saved_other
    label = next(lbl for lbl in labels(make_dot(y, show_attrs=True)) if "Mul" in lbl)
    assert label.splitlines()[2:] == ["other: [freed]", "self :    None"]


@pytest.mark.parametrize("show", [{"show_attrs": True, "show_saved": True}, {}])
def test_after_backward_same_drawing_as_pytorch(show):
    """The same program in both libraries, after backward, draws byte-identical DOT."""
    torch = pytest.importorskip("torch")
    drawn = []
    for T in (graphgrad, torch):
        x, out = program(T)
        out.backward()
        drawn.append(make_dot(out, params={"x": x}, **show).source)
    assert drawn[0] == drawn[1]
    assert bool(re.search(r"\nself *: +None", drawn[0])) == bool(show)  # x*3's empty slot
