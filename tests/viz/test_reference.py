"""make_dot against torchviz's own output for the seed programs, and against PyTorch's graph.

The references in ``torchviz_dot/`` are torchviz 0.0.3's DOT text (copied from the project's
spec). They must match ours node for node, edge for edge, label for label and colour for
colour, up to node ids, after one normalisation: torchviz merges a saved tensor that is a leaf
into the leaf's node (its bug #69), where we draw it separately and link it (see dot_tools).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import graphgrad
from graphgrad.viz import make_dot

from .dot_tools import canonical, compare_to_reference, parse, unmerge_saved
from .programs import (
    REFERENCES,
    example2,
    example4,
)

REFS = Path(__file__).parent / "torchviz_dot"


def _draw(T, builder, kwargs, named):
    params, out = builder(T)
    chosen = None if named is None else {k: params[k] for k in named}
    return make_dot(out, params=chosen, **kwargs)


@pytest.mark.parametrize("case", REFERENCES, ids=[r[0] for r in REFERENCES])
def test_same_graph_as_torchviz(case):
    name, builder, kwargs, named = case
    ours = _draw(graphgrad, builder, kwargs, named).source
    mine, theirs = compare_to_reference(ours, (REFS / f"torchviz_{name}.dot").read_text())
    assert mine == theirs


def test_reference_statement_counts():
    """Example 4 is 31 DOT statements in torchviz (research notes): ours too, plus the header."""
    source = _draw(graphgrad, example4, {}, None).source
    assert len(parse(source)) == 2 + 31  # graph and node attributes, then 16 nodes and 15 edges
    assert sum(1 for s in parse(source) if s[0] == "node") == 16
    assert sum(1 for s in parse(source) if s[0] == "edge") == 15


def test_unmerge_splits_only_the_merged_leaf():
    """The normalisation itself: torchviz's leaf x, drawn orange 'self' too, becomes two boxes."""
    ref = parse((REFS / "torchviz_example1_attrs_saved.dot").read_text())
    split = canonical(unmerge_saved(ref), torchviz=True)
    nodes = [(s[2]["label"], s[2].get("fillcolor")) for s in split if s[0] == "node"]
    assert nodes == [
        ("()", "darkolivegreen1"),
        ("AddBackward0\n------------\nalpha: 1", None),
        ("self\n ()", "orange"),
        (
            "PowBackward0\n------------------------\nexponent:              2\n"
            "self    : [saved tensor]",
            None,
        ),
        ("x\n ()", "lightblue"),
        ("AccumulateGrad", None),
    ]
    links = [s for s in split if s[0] == "edge" and s[3].get("style") == "dashed"]
    assert len(links) == 1 and links[0][3] == {
        "constraint": "false",
        "dir": "none",
        "style": "dashed",
    }


def test_saved_leaf_keeps_its_colour_and_name():
    """torchviz turned leaf x orange and relabelled it 'self' (example 2): we do not."""
    params, out = example2(graphgrad)
    stmts = parse(make_dot(out, params=params, show_saved=True).source)
    labels = {s[2]["label"]: s[2].get("fillcolor") for s in stmts if s[0] == "node"}
    assert labels["x\n (3, 3)"] == "lightblue"
    assert labels["self\n (3, 3)"] == "orange"
    assert list(labels).count("other\n ()") == 1
    saved_other = [s for s in stmts if s[0] == "node" and s[2]["label"] == "other\n ()"]
    assert len(saved_other) == 2  # 7 and 5: two different tensors, both named 'other'
