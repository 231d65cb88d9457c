"""make_forward_dot: the same program drawn forward, tensors as boxes and ops on the lines."""

from __future__ import annotations

import graphgrad as torch
from graphgrad.viz import make_forward_dot

from .dot_tools import parse
from .programs import example1, example2, example4


def boxes(graph):
    return [(s[2]["label"], s[2].get("fillcolor")) for s in parse(graph.source) if s[0] == "node"]


def lines(graph):
    return [(s[1], s[2], s[3].get("label")) for s in parse(graph.source) if s[0] == "edge"]


def test_example1_forward():
    params, f = example1(torch)
    g = make_forward_dot(f, params=params)
    assert boxes(g) == [("f\n ()", "darkolivegreen1"), ("()", "white"), ("x\n ()", "lightblue")]
    assert lines(g) == [("n1", "n0", "Add"), ("n2", "n1", "Pow")]  # the constant 3 is not drawn
    assert g.edge_attr["fontname"] == "Courier"


def test_example2_shares_the_leaf_across_three_uses():
    params, z = example2(torch)
    g = make_forward_dot(z, params=params)
    assert [b for b in boxes(g) if b[1] == "lightblue"] == [("x\n (3, 3)", "lightblue")]
    ops = sorted(label for _, _, label in lines(g))
    # three Adds with two tensor inputs but the last (+ 10), two Muls and Pows by constants
    assert ops == ["Add"] * 5 + ["Mul", "Mul", "Pow", "Pow", "Sum"]
    assert sum(1 for _, color in boxes(g) if color == "white") == 7


def test_example4_shapes_attrs_and_values():
    params, y = example4(torch)
    y.backward(retain_graph=True)
    g = make_forward_dot(
        y,
        params=params,
        output_name="y",
        show_attrs=True,
        show_values=True,
        show_grads=True,
        rankdir="LR",
    )
    assert g.graph_attr["rankdir"] == "LR"
    labels = [label for label, _ in boxes(g)]
    assert labels[0] == "y\n (1, 1)\ndata: 56.0000\\lgrad: None\\l"
    assert "(1, 5)\ndata: [[11.0000, 11.0000, 11.0000, 11.0000, 11.0000]]\\l" in labels  # relu
    assert "b2\n (1)\ndata: 1.0000\\lgrad: 1.0000\\l" in labels
    assert ("n1", "n0", "Add\nalpha=1") in lines(g)
    assert sorted({label for _, _, label in lines(g)}) == ["Add\nalpha=1", "Mm", "Relu"]


def test_forward_max_depth():
    params, y = example4(torch)
    g = make_forward_dot(y, params=params, max_depth=2)
    assert [label for label, _ in boxes(g)] == ["(1, 1)", "(1, 1)", "b2\n (1)", "...", "..."]
    assert lines(g) == [
        ("n1", "n0", "Add"),
        ("n2", "n0", "Add"),
        ("n3", "n1", "Mm"),
        ("n4", "n1", "Mm"),
    ]


def test_forward_multiple_outputs_and_no_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = make_forward_dot((x * 2, x + 1), output_name=("a", "b"))
    assert boxes(g) == [
        ("a\n (2)", "darkolivegreen1"),
        ("b\n (2)", "darkolivegreen1"),
        ("(2)", "lightblue"),
    ]
    assert make_forward_dot(torch.ones(3)).source.count("->") == 0
