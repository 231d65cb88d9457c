"""Every ```python block in README.md and docs/*.md runs, each file's blocks in order in one
namespace, as a reader would paste them. Blocks meant only to be read use another fence
(```py, ```text, ```sh)."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from pathlib import Path

import pytest

from graphgrad.viz import RenderError, available_renderers

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
# A line whose comment shows what it prints: ``print(x.grad)  # tensor(14.)``
SHOWN = re.compile(r"^print\(.*\)\s+# (?P<shown>\S.*)$")


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """(line number, source) of each ```python block in ``path``."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


def test_the_docs_have_python_blocks():
    assert all(python_blocks(p) for p in (ROOT / "README.md", ROOT / "docs" / "autograd.md"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_python_block_runs(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    namespace: dict = {"__name__": "__docs__"}
    for line, source in python_blocks(path):
        if source.lstrip().startswith(">>>"):
            _run_session(source, namespace, f"{path.name}:{line}")
            continue
        code = compile(source, f"{path.name}:{line}", "exec")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(code, namespace)
        except RenderError:
            if available_renderers():
                raise
            pytest.skip(f"{path.name}:{line} draws a graph, and nothing here renders SVG")
        printed = out.getvalue().splitlines()
        for shown in _shown_output(source):
            assert shown in printed, f"{path.name}:{line}: expected {shown!r}, printed {printed}"


def _run_session(source: str, namespace: dict, name: str) -> None:
    """A block written as an interactive session (``>>>``) must print what it shows."""
    test = doctest.DocTestParser().get_doctest(source, namespace, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    result = runner.run(test, out=report.write, clear_globs=False)
    assert result.failed == 0, report.getvalue()


def _shown_output(source: str) -> list[str]:
    """The comments of ``print(...)  # shown`` lines: what the docs say the block prints."""
    return [m["shown"] for t in source.splitlines() if (m := SHOWN.match(t.strip()))]


def test_every_fence_names_its_language():
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        openers = re.findall(r"^```(.*)$", text, re.M)[::2]
        assert all(openers), f"{path.name}: a ``` block without a language"
