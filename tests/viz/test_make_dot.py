"""make_dot's options: torchviz's five and the ones beyond it."""

from __future__ import annotations

import graphviz
import pytest

import graphgrad as torch
from graphgrad.viz import Graph, make_dot, make_dot_from_trace, resize_graph

from .dot_tools import parse
from .programs import example1, example2, example4, two_outputs, view_output


def nodes(graph) -> list[tuple[str, str | None]]:
    return [
        (s[2].get("label"), s[2].get("fillcolor")) for s in parse(graph.source) if s[0] == "node"
    ]


def edges(graph) -> list[tuple]:
    return [s for s in parse(graph.source) if s[0] == "edge"]


def test_returns_a_graphviz_digraph_with_torchviz_look():
    g = make_dot(example1(torch)[1])
    assert isinstance(g, graphviz.Digraph) and isinstance(g, Graph)
    assert g.graph_attr == {"size": "12,12"}
    assert g.node_attr["style"] == "filled" and g.node_attr["shape"] == "box"
    assert g.node_attr["fontname"] == "Courier"  # built-in metrics: renders right in wasm too
    assert nodes(g) == [
        ("()", "darkolivegreen1"),
        ("AddBackward0", None),
        ("PowBackward0", None),
        ("()", "lightblue"),
        ("AccumulateGrad", None),
    ]


def test_same_program_same_text_byte_for_byte():
    first = make_dot(example4(torch)[1], show_attrs=True, show_saved=True).source
    second = make_dot(example4(torch)[1], show_attrs=True, show_saved=True).source
    assert first == second
    assert "n0 [" in first and "n20 [" in first  # ids count up in walk order


@pytest.mark.parametrize("builder", [example1, example2, example4, two_outputs, view_output])
def test_no_label_begins_with_an_empty_line(builder):
    g = make_dot(builder(torch)[1], show_attrs=True, show_saved=True)
    labels = [label for label, _ in nodes(g)]
    assert labels and all(label and not label.startswith(("\n", " ")) for label in labels)


def test_params_name_leaves_and_the_output():
    params, f = example1(torch)
    g = make_dot(f, params=params)
    assert nodes(g)[0] == ("f\n ()", "darkolivegreen1")
    assert ("x\n ()", "lightblue") in nodes(g)


def test_output_name_names_each_output():
    _, outs = two_outputs(torch)
    g = make_dot(outs, output_name=["total", "avg"])
    greens = [label for label, color in nodes(g) if color == "darkolivegreen1"]
    assert greens == ["total\n ()", "avg\n ()"]
    with pytest.raises(ValueError, match="2 outputs"):
        make_dot(outs, output_name="one")


def test_tuple_of_outputs_shares_the_leaf():
    params, outs = two_outputs(torch)
    g = make_dot(outs, params=params)
    assert [label for label, _ in nodes(g)].count("x\n (2)") == 1
    assert [label for label, _ in nodes(g)].count("AccumulateGrad") == 1


def test_an_output_that_is_also_a_leaf_is_one_green_box():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = make_dot(((x * 2).sum(), x), params={"x": x})
    assert nodes(g) == [
        ("()", "darkolivegreen1"),
        ("SumBackward0", None),
        ("MulBackward0", None),
        ("x\n (2)", "darkolivegreen1"),
        ("AccumulateGrad", None),
    ]


def test_view_output_has_its_base_and_a_dotted_edge():
    _, y = view_output(torch)
    g = make_dot(y)
    assert ("(2, 2)", "darkolivegreen3") in nodes(g)
    dotted = [e for e in edges(g) if e[3].get("style") == "dotted"]
    assert len(dotted) == 1


def test_show_attrs_table_and_max_attr_chars():
    _, y = example4(torch)
    full = make_dot(y, show_attrs=True)
    label = next(lbl for lbl, _ in nodes(full) if lbl.startswith("MmBackward0"))
    assert "mat2_sym_sizes  :         (5, 1)" in label
    cut = make_dot(y, show_attrs=True, max_attr_chars=6)
    label = next(lbl for lbl, _ in nodes(cut) if lbl.startswith("MmBackward0"))
    assert label.splitlines()[2] == "mat2            : [sa..."
    assert label.splitlines()[1] == "-" * 24  # 16 + 6 + 2
    tiny = make_dot(y, show_attrs=True, max_attr_chars=0)  # at least 3 characters, as torchviz
    assert "mat2            : ..." in next(lbl for lbl, _ in nodes(tiny) if "Mm" in lbl)


def test_show_saved_without_attrs_gives_orange_boxes_only():
    _, y = example4(torch)
    g = make_dot(y, show_saved=True)
    oranges = [label for label, color in nodes(g) if color == "orange"]
    assert oranges == [
        "mat2\n (5, 1)",
        "self\n (1, 5)",
        "result\n (1, 5)",
        "mat2\n (10, 5)",
        "self\n (1, 10)",
    ]
    saved_edges = [e for e in edges(g) if e[3] == {"dir": "none"}]
    assert len(saved_edges) == 5
    links = [e for e in edges(g) if e[3].get("style") == "dashed"]
    assert len(links) == 3  # w2, w1 and x are leaves: each saved copy links to its leaf


def test_saved_output_links_to_the_output():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # ExpBackward0 saves its result: the output itself
    g = make_dot(y, show_saved=True, output_name="y")
    assert ("result\n (2)", "orange") in nodes(g)
    links = [e for e in edges(g) if e[3].get("style") == "dashed"]
    assert len(links) == 1 and links[0][1] == "n0"  # from the green output box


def test_attributes_after_backward_show_freed():
    x = torch.tensor(7.0, requires_grad=True)
    f = x**2
    f.backward()
    g = make_dot(f, show_attrs=True, show_saved=True)
    label = next(lbl for lbl, _ in nodes(g) if lbl.startswith("PowBackward0"))
    assert label.splitlines()[2:] == ["exponent:       2", "self    : [freed]"]
    assert all(color != "orange" for _, color in nodes(g))


def test_show_values_and_grads():
    x = torch.tensor(7.0, requires_grad=True)
    f = (x**2) + 3
    f.backward()
    g = make_dot(f, params={"x": x}, show_values=True, show_grads=True)
    assert nodes(g)[0][0] == "()\ndata: 52.0000\\lgrad: None\\l"
    assert ("x\n ()\ndata: 7.0000\\lgrad: 14.0000\\l", "lightblue") in nodes(g)


def test_show_values_of_arrays_are_rows():
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    g = make_dot((w * 2).sum(), params={"w": w}, show_values=True)
    label = next(lbl for lbl, c in nodes(g) if c == "lightblue")
    assert label == "w\n (2, 2)\ndata: [[1.0000, 2.0000],\\l       [3.0000, 4.0000]]\\l"


@pytest.mark.parametrize("rankdir", ["LR", "BT", "RL"])
def test_rankdir(rankdir):
    g = make_dot(example1(torch)[1], rankdir=rankdir)
    assert g.graph_attr["rankdir"] == rankdir
    assert "rankdir" not in make_dot(example1(torch)[1]).graph_attr
    with pytest.raises(ValueError, match="rankdir"):
        make_dot(example1(torch)[1], rankdir="sideways")


def test_max_depth_cuts_with_a_marker():
    _, y = example4(torch)
    g = make_dot(y, max_depth=2)
    labels = [label for label, _ in nodes(g)]
    assert labels == ["(1, 1)", "AddBackward0", "MmBackward0", "...", "(1)", "AccumulateGrad"]
    assert [e[3] for e in edges(g) if e[1] == "n3"] == [{"style": "dashed"}]
    with pytest.raises(ValueError, match="max_depth"):
        make_dot(y, max_depth=0)


def test_a_tensor_without_graph_is_one_green_box():
    g = make_dot(torch.ones(2, 3))
    assert nodes(g) == [("(2, 3)", "darkolivegreen1")] and edges(g) == []


def test_wrong_input_says_what_to_pass():
    with pytest.raises(TypeError, match="expects a Tensor or a tuple of Tensors"):
        make_dot(object())
    with pytest.raises(TypeError, match=r"params\['w'\]"):
        make_dot(torch.ones(1), params={"w": 3.0})


class _Ctx:
    """A custom Function's node as PyTorch exposes it: ``saved_tensors`` and next_functions."""

    def __init__(self, saved, inputs):
        self.saved_tensors = saved
        self.next_functions = tuple((t.grad_fn, 0) for t in inputs)


class SquareBackward(_Ctx):
    pass


class _Out:
    """An output tensor whose grad_fn is the custom node (duck-typed like a Tensor)."""

    requires_grad = True
    grad_fn = None
    shape = ()

    def __init__(self, fn, shape):
        self.grad_fn, self.shape = fn, shape

    def _is_view(self):
        return False


def test_custom_function_saved_tensors_always_shown():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1  # a real node below the custom one
    fn = SquareBackward((x, y), (y,))
    g = make_dot(_Out(fn, (2,)), params={"x": x})
    assert ("SquareBackward", None) in nodes(g)
    oranges = [label for label, color in nodes(g) if color == "orange"]
    assert oranges == ["x\n (2)", "(2)"]
    reverse = [e for e in edges(g) if e[3] == {"dir": "none"}]
    assert len(reverse) == 2 and all(e[2] == "n1" for e in reverse)  # tensor -> node, as torchviz


def test_resize_graph_and_trace():
    g = make_dot(example4(torch)[1])
    resize_graph(g, size_per_element=1.0)
    assert g.graph_attr["size"] == f"{float(len(g.body))},{float(len(g.body))}"
    with pytest.raises(NotImplementedError, match="tensorboard"):
        make_dot_from_trace(None)
