"""``python -m graphgrad.viz.seed_graphs OUT_DIR SEED_DIR``: the seed programs' graphs as SVG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graphgrad.viz import _render, seed_graphs

from .dot_tools import compare_to_reference

REFS = Path(__file__).parent / "torchviz_dot"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seed"

EXAMPLE1 = """import torch
from torchviz import make_dot

x=torch.tensor(7.0,requires_grad=True)
f = (x**2)+3
f.backward()
print(x.grad)
make_dot(f)
"""


@pytest.fixture
def seed_dir(tmp_path):
    """The real seeds beside the repo when present, else example 1 written out."""
    if SEEDS.is_dir():
        return SEEDS
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / "example1.py").write_text(EXAMPLE1)
    return folder


def test_imports_are_switched_as_the_seed_runner_does(tmp_path):
    path = tmp_path / "example1.py"
    path.write_text(EXAMPLE1)
    ported = seed_graphs.ported_source(path)
    assert ported.startswith("import graphgrad as torch\nfrom graphgrad.viz import make_dot\n")
    assert ported.count("torch") == 2


def test_graph_of_each_seed_is_torchviz_s(seed_dir):
    for path in sorted(seed_dir.glob("example*.py")):
        graph = seed_graphs.graph_of(path)
        mine, theirs = compare_to_reference(
            graph.source, (REFS / f"torchviz_{path.stem}.dot").read_text()
        )
        assert mine == theirs, path.name


def test_names_option_labels_the_program_s_tensors(seed_dir):
    graph = seed_graphs.graph_of(seed_dir / "example1.py", names=True)
    assert 'label="f\n ()"' in graph.source and 'label="x\n ()"' in graph.source


@pytest.mark.skipif(not _render.available(), reason="no renderer installed")
def test_cli_writes_an_svg_and_a_png_per_seed(seed_dir, tmp_path):
    out = tmp_path / "graphs"
    done = subprocess.run(
        [sys.executable, "-m", "graphgrad.viz.seed_graphs", str(out), str(seed_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    stems = sorted(p.stem for p in seed_dir.glob("example*.py"))
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{s}.{ext}" for s in stems for ext in ("png", "svg")
    )
    assert done.stdout.splitlines() == [f"wrote {out / s}.svg {out / s}.png" for s in stems]
    assert all("</svg>" in (out / f"{s}.svg").read_text() for s in stems)


def test_cli_usage_and_missing_seeds(tmp_path, capsys):
    assert seed_graphs.main(["seed_graphs"]) == 2
    assert "usage:" in capsys.readouterr().err
    assert seed_graphs.main(["seed_graphs", str(tmp_path / "o"), str(tmp_path)]) == 1
    assert "no example*.py" in capsys.readouterr().err


def test_cli_falls_back_to_dot_text_when_nothing_renders(seed_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPHGRAD_VIZ_RENDERER", "none")
    out = tmp_path / "graphs"
    assert seed_graphs.main(["seed_graphs", str(out), str(seed_dir)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.stem + ".dot" for p in seed_dir.glob("example*.py"))
    assert "cannot render 'svg'" in capsys.readouterr().err
    assert (out / "example1.dot").read_text().startswith("digraph {")
