"""make_dot on PyTorch's own graph: the same program must give the same DOT text.

make_dot reads only the graph API graphgrad shares with PyTorch, so it can walk both; comparing
the two texts checks node names, next_functions order, saved attribute names and values, views
and saved tensors' identity against PyTorch itself. Runs where torch is installed.
"""

from __future__ import annotations

import pytest

import graphgrad
from graphgrad.viz import make_dot

from .programs import example1, example2, example4, square_and_exp, two_outputs, view_output

torch = pytest.importorskip("torch")

PARITY = [
    (example1, {}),
    (example1, {"show_attrs": True, "show_saved": True}),
    (example2, {"show_attrs": True, "show_saved": True}),
    (example4, {"show_attrs": True, "show_saved": True}),
    (view_output, {}),
    (two_outputs, {"output_name": ("s", "m")}),
    (square_and_exp, {"show_saved": True}),
]


@pytest.mark.parametrize("case", PARITY, ids=lambda c: getattr(c, "__name__", str(c)))
def test_same_dot_text_as_for_pytorch(case):
    """make_dot walks PyTorch's own graph too; the same program gives the same DOT, byte for byte.

    This checks node names, next_functions order, saved attribute names and values, views and
    the saved tensors' identity against PyTorch itself.
    """
    builder, kwargs = case
    params_t, out_t = builder(torch)
    params_g, out_g = builder(graphgrad)
    ours = make_dot(out_g, params=params_g, **kwargs).source
    assert ours == make_dot(out_t, params=params_t, **kwargs).source


def _torch_walk(fn, seen=None):
    """(name, [child names]) for every node, walked with an explicit stack."""
    out, stack, seen = [], [fn], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children = [type(u).__name__ if u is not None else None for u, _ in node.next_functions]
        out.append((type(node).__name__, children))
        stack.extend(u for u, _ in node.next_functions if u is not None)
    return out


def test_node_names_and_edges_match_pytorch():
    for builder in (example1, example2, example4, square_and_exp):
        _, out_t = builder(torch)
        _, out_g = builder(graphgrad)
        assert _torch_walk(out_g.grad_fn) == _torch_walk(out_t.grad_fn)
