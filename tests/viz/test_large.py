"""Large graphs: no recursion limit, linear time, and the folding that keeps them readable."""

from __future__ import annotations

import sys
import time

import graphgrad as torch
from graphgrad.viz import make_dot
from graphgrad.viz._collapse import LAYOUT_HINTS, _segments

from .dot_tools import parse


def chain(n: int, x=None, w=None):
    x = torch.tensor(1.0, requires_grad=True) if x is None else x
    w = torch.tensor(0.5, requires_grad=True) if w is None else w
    y = x
    for _ in range(n):
        y = y * w
    return x, w, y


def labels(graph) -> list[str]:
    return [s[2]["label"] for s in parse(graph.source) if s[0] == "node"]


def test_100000_ops_give_their_dot_without_recursion_error():
    x, w, y = chain(100_000)
    assert sys.getrecursionlimit() < 100_000
    start = time.perf_counter()
    g = make_dot(y, params={"x": x, "w": w}, collapse_threshold=None)
    seconds = time.perf_counter() - start
    # boxes: 100,000 MulBackward0, 2 AccumulateGrad, 2 leaves, the output; lines: each Mul has
    # two inputs, each leaf one AccumulateGrad, and the last Mul the output
    assert len(g.body) == 100_005 + 200_003
    assert labels(g)[:2] == ["()", "MulBackward0"]
    assert seconds < 30
    folded = make_dot(y, params={"x": x, "w": w})  # the default threshold folds it
    assert labels(folded) == ["()", "MulBackward0\n× 100000", "x\n ()", "w\n ()"]
    assert folded.stats == {
        "nodes": 100_005,
        "folded_accumulate": 2,
        "folded_runs": 99_999,
        "drawn": 4,
    }


def test_time_is_linear_in_size():
    """10x the ops costs about 10x the time (40x allowed for a busy machine), not 100x."""

    def timed(y):
        start = time.perf_counter()
        make_dot(y, collapse_threshold=None, show_attrs=True)
        return time.perf_counter() - start

    small, large = chain(2_000)[2], chain(20_000)[2]
    timed(small)  # warm up
    ratio = min(timed(large) for _ in range(3)) / min(timed(small) for _ in range(3))
    assert ratio < 40


def test_small_graphs_are_never_folded():
    _, _, y = chain(20)
    g = make_dot(y)
    assert labels(g).count("MulBackward0") == 20 and g.stats["nodes"] == 25
    assert "nslimit" not in g.graph_attr


def test_threshold_zero_always_folds_and_none_never():
    x = torch.tensor(2.0, requires_grad=True)
    g = make_dot((x * 3) + 1, collapse_threshold=0)
    assert labels(g) == ["()", "AddBackward0", "MulBackward0", "()"]  # AccumulateGrad folded
    assert g.stats["folded_accumulate"] == 1
    assert "AccumulateGrad" in labels(make_dot((x * 3) + 1, collapse_threshold=None))


def test_periodic_runs_fold_with_shared_leaves():
    """An RNN-like chain y = tanh(y * w + x): x and w feed every step."""
    x = torch.tensor(0.1, requires_grad=True)
    w = torch.tensor(0.9, requires_grad=True)
    y = x
    for _ in range(300):
        y = (y * w + x).tanh()
    g = make_dot(y.sum(), params={"x": x, "w": w})
    assert labels(g) == [
        "()",
        "SumBackward0",
        "MulBackward0\nAddBackward0\nTanhBackward0\n× 300",
        "x\n ()",
        "w\n ()",
    ]
    flows = [(s[1], s[2]) for s in parse(g.source) if s[0] == "edge"]
    assert sorted(flows) == [("n1", "n0"), ("n2", "n1"), ("n3", "n2"), ("n4", "n2")]


def test_segments_pick_the_longest_periodic_stretch():
    names = ["S"] + ["A", "B"] * 5 + ["C", "C", "C", "C", "D"]
    assert _segments(names) == [(1, 2, 5), (11, 1, 4)]
    assert _segments(["A", "B", "A"]) == []


def test_big_unfoldable_graphs_get_layout_hints():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    parts = [(x * float(i)).sum() for i in range(200)]  # 200 branches: no chains to fold
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    g = make_dot(total, collapse_threshold=100)
    for key, value in LAYOUT_HINTS.items():
        assert g.graph_attr[key] == value
    assert g.stats["folded_accumulate"] == 1


def test_saved_boxes_of_folded_runs_go():
    _, _, y = chain(50)
    g = make_dot(y, show_saved=True, collapse_threshold=10)
    assert labels(g)[1] == "MulBackward0\n× 50"
    assert not [s for s in parse(g.source) if s[0] == "node" and s[2].get("fillcolor") == "orange"]
