"""``explore`` without a browser: the order, the recorded gradients, the file, the escaping."""

from __future__ import annotations

import html
import os
import re

import numpy as np
import pytest

import graphgrad as torch
from graphgrad.viz import available_renderers, explore
from graphgrad.viz.explorer import __main__ as cli
from graphgrad.viz.explorer._order import engine_order, record_gradients

pytestmark = pytest.mark.skipif(not available_renderers(), reason="nothing here renders SVG")


def recorded_order(outputs):
    """The nodes in the order the engine really runs them, seen by hooks during backward."""
    ran = []
    handles = []
    for fn in engine_order([o.grad_fn for o in outputs]):
        if hasattr(fn, "variable"):
            handles.append(fn.variable.register_hook(lambda g, fn=fn: ran.append(fn)))
        else:
            handles.append(fn.register_prehook(lambda g, fn=fn: ran.append(fn)))
    torch.autograd.backward(outputs, [torch.ones_like(o) for o in outputs])
    for handle in handles:
        handle.remove()
    return ran


def programs():
    x = torch.randn(2, 3, requires_grad=True)
    w = torch.randn(3, 4, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    yield "mlp", [((x @ w + b).relu() @ w.t()).sum()]
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    shared = a.exp()
    yield "diamond", [(shared * 2 + shared.sin() * shared).sum()]
    y = a
    for _ in range(30):
        y = y * a + y.tanh()
    yield "deep, reusing one leaf", [y.sum()]
    yield "two outputs", [(a * 3).sum(), (a.exp() * a).sum()]


@pytest.mark.parametrize("name", [name for name, _ in programs()])
def test_the_order_is_the_order_the_engine_runs(name):
    outputs = dict(programs())[name]
    order = engine_order([o.grad_fn for o in outputs])
    assert [id(fn) for fn in order] == [id(fn) for fn in recorded_order(outputs)]


def test_recorded_gradients_match_backward_and_change_no_grad():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x.exp() * x).sum()
    order = engine_order([y.grad_fn])
    flows = record_gradients([y], order)
    assert x.grad is None
    mul = y.grad_fn.next_functions[0][0]
    np.testing.assert_allclose(flows[id(mul)].inputs[0], np.ones(3))
    np.testing.assert_allclose(flows[id(mul)].outputs[1], np.exp([1.0, -2.0, 3.0]), rtol=1e-6)
    y.backward()
    accumulate = order[-1]
    np.testing.assert_allclose(flows[id(accumulate)].inputs[0], x.grad.numpy(), rtol=1e-6)


def test_retained_grads_are_left_as_they_were():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    y = (h * h).sum()
    page = explore(y, {"x": x})
    assert h.grad is None and x.grad is None
    mul = page.data["steps"][1]["runs"][0]  # h * h sends h = [2, 4] along each of its inputs
    outs = mul["sections"][0]["items"]
    assert [item["fields"][1] for item in outs] == [["values", "[2.0000, 4.0000]"]] * 2
    y.backward()
    assert h.grad.tolist() == [4.0, 8.0]


def test_no_gradients_once_backward_freed_the_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    page = explore(y, {"x": x}, show_saved=True)
    assert page.data["grads_recorded"] is False
    assert "gradients not recorded" in page.html or "not recorded" in page.html
    steps = [s["runs"][0]["title"] for s in page.data["steps"]]
    assert steps == ["SumBackward0", "MulBackward0", "AccumulateGrad"]


def test_the_page_asks_for_nothing_over_the_network():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    page = explore((x * 2).sum(), {"x": x}).html
    assert "default-src 'none'" in page
    assert not re.search(r"\b(src|href)\s*=", page)
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    assert page.count("<script") == 2  # the data block and the page's own script


def test_names_cannot_break_out_of_the_page():
    evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>"\\'
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    page = explore((x * 2).sum(), {evil: x}, show_values=True).html
    assert "<script>alert" not in page and "<img" not in page
    assert page.count("</script>") == 2


def test_the_graph_is_make_dots_with_its_options():
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(10):
        y = (y * 2).tanh()
    page = explore(y, {"x": x}, rankdir="LR", max_depth=3)
    assert [b["kind"] for b in page.data["boxes"]].count("more") == 1
    folded = explore(y, {"x": x}, collapse_threshold=0)
    (group,) = [b for b in folded.data["boxes"] if b["kind"] == "group"]
    assert len(group["members"]) == 20
    assert group["label"] == "MulBackward0\nTanhBackward0\n× 10"
    # one step per drawn box: the output's grad_fn chain folds into one
    assert len(folded.data["steps"]) == 2
    assert len(folded.data["steps"][0]["runs"]) == 20


def test_bad_input_gets_make_dots_errors():
    with pytest.raises(TypeError, match="make_dot expects a Tensor"):
        explore(3)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        explore(torch.ones(1, requires_grad=True) * 2, rankdir="XY")


def test_save_is_atomic(tmp_path, monkeypatch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    page = explore((x * 2).sum())
    target = tmp_path / "sub" / "page.html"
    assert page.save(target) == os.fspath(target)
    assert target.read_text(encoding="utf-8") == page.html
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    target.write_text("old page")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        page.save(target)
    assert target.read_text() == "old page"  # untouched
    assert os.listdir(target.parent) == ["page.html"]  # no temporary file left


def test_path_saves_and_jupyter_gets_an_iframe(tmp_path):
    x = torch.tensor(2.0, requires_grad=True)
    page = explore(x * x, {"x": x}, path=tmp_path / "p.html")
    assert page.path == os.fspath(tmp_path / "p.html")
    frame = page._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" style="[^"]*"></iframe>', frame)
    assert html.unescape(srcdoc.group(1)) == page.html


def test_the_page_of_a_program(tmp_path, capsys):
    program = tmp_path / "example4.py"
    program.write_text(
        "import torch\nfrom torchviz import make_dot\n"
        "x = torch.randn(1, 3, requires_grad=True)\nw = torch.randn(3, 1, requires_grad=True)\n"
        "y = x @ w\ny.backward()\nprint('printed')\nmake_dot(y, show_attrs=True)\n"
    )
    out = tmp_path / "graphs" / "example4.html"
    assert cli.main(["explorer", os.fspath(program), os.fspath(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"  # the program's print is not shown
    text = out.read_text(encoding="utf-8")
    assert ">x</text>" in text and ">w</text>" in text and "mat2_sym_sizes" in text
    (tmp_path / "none.py").write_text("x = 1\n")
    assert cli.main(["explorer", os.fspath(tmp_path / "none.py"), os.fspath(out)]) == 1
    assert "never calls make_dot" in capsys.readouterr().err
