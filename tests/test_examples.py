"""The repo's own example programs (examples/basics, what `make demo` runs) print what PyTorch
prints, and each draws its graph."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphgrad.viz import available_renderers
from graphgrad.viz.seed_graphs import graph_of

ROOT = Path(__file__).resolve().parents[1]
BASICS = ROOT / "examples" / "basics"
PROGRAMS = sorted(BASICS.glob("example*.py"))

EXPECTED = {
    "example1_square.py": "tensor(14.)\n",
    "example2_polynomial.py": """\
tensor([[ 22.,  45.,  74.],
        [109., 150., 197.],
        [250., 309., 374.]])
""",
    "example3_linear.py": """\
Gradient of x: tensor([-0.2934])
Gradient of b: tensor([1.])
Gradient of w: tensor([1.5410])
w after one step: tensor([-0.3088], requires_grad=True)
""",
    "example4_two_layer_net.py": """\
Gradient of w1: tensor([[ 0.0000,  1.9024,  0.0000,  0.0000,  0.9986],
        [-0.0000, -0.3622, -0.0000, -0.0000, -0.1901],
        [-0.0000, -2.6897, -0.0000, -0.0000, -1.4118],
        [ 0.0000,  0.7017,  0.0000,  0.0000,  0.3683],
        [-0.0000, -1.3389, -0.0000, -0.0000, -0.7028],
        [-0.0000, -1.7266, -0.0000, -0.0000, -0.9063],
        [ 0.0000,  0.4979,  0.0000,  0.0000,  0.2614],
        [ 0.0000,  1.0346,  0.0000,  0.0000,  0.5430],
        [-0.0000, -0.8879, -0.0000, -0.0000, -0.4661],
        [-0.0000, -0.4979, -0.0000, -0.0000, -0.2614]])
Gradient of b1: tensor([0.0000, 1.2345, 0.0000, 0.0000, 0.6480])
Gradient of w2: tensor([[0.0000],
        [5.3057],
        [0.0000],
        [0.0000],
        [0.2679]])
Gradient of b2: tensor([1.])
y after one step: tensor([[7.9175]], grad_fn=<AddBackward0>)
""",
}


def _run(source: str, tmp_path: Path) -> str:
    script = tmp_path / "program.py"
    script.write_text(source)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_four_examples_are_there():
    assert [p.name for p in PROGRAMS] == sorted(EXPECTED)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_example_prints_what_torch_prints(path, tmp_path):
    assert _run(path.read_text(), tmp_path) == EXPECTED[path.name]


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_the_same_program_in_torch_prints_the_same(path, tmp_path):
    pytest.importorskip("torch")
    source = re.sub(r"^import graphgrad as torch$", "import torch", path.read_text(), flags=re.M)
    source = source.replace("from graphgrad.viz import make_dot", "make_dot = lambda *a: None")
    assert _run(source, tmp_path) == EXPECTED[path.name]


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_example_draws_its_graph(path):
    graph = graph_of(path, names=True)
    assert graph is not None and "AccumulateGrad" in graph.source


def test_the_demo_writes_each_graph_as_svg_and_png(tmp_path):
    from graphgrad.viz import seed_graphs
    from graphgrad.viz._render import can_render

    assert seed_graphs.main(["seed_graphs", str(tmp_path), str(BASICS), "--names"]) == 0
    stems = [p.stem for p in PROGRAMS]
    if not can_render("svg"):  # Python 3.10 without the dot program: the DOT text instead
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"{s}.dot" for s in stems]
        return
    want = sorted(f"{s}.{ext}" for s in stems for ext in ("png", "svg"))
    assert sorted(p.name for p in tmp_path.iterdir()) == want
    for stem in stems:
        assert (tmp_path / f"{stem}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert "<svg" in (tmp_path / f"{stem}.svg").read_text()


@pytest.mark.skipif(not available_renderers(), reason="nothing here renders SVG")
def test_the_demo_writes_example_4s_explore_page(tmp_path):
    dry_run = subprocess.run(
        ["make", "-n", "demo", f"GRAPH_DIR={tmp_path}"], cwd=ROOT, capture_output=True, text=True
    )
    assert dry_run.returncode == 0, dry_run.stderr
    program = BASICS / "example4_two_layer_net.py"
    line = f"-m graphgrad.viz.explorer {program.relative_to(ROOT)} {tmp_path}/example4.html"
    assert line in dry_run.stdout
    from graphgrad.viz.explorer.__main__ import main

    assert main(["explorer", str(program), str(tmp_path / "example4.html")]) == 0
    page = (tmp_path / "example4.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "MmBackward0" in page
