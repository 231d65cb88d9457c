"""Screenshots of the explore page for docs/: ``python scripts/explore_screenshots.py [OUT_DIR]``.

Draws the graphs of the seed examples 2 (a polynomial of a 3x3 matrix) and 4 (a two-layer
network), built here rather than read from elsewhere, opens each page in headless Chromium
(Playwright; the system's ``chromium``, or ``$GRAPHGRAD_CHROMIUM``), clicks through it and writes
``explore-example2.png`` and ``explore-example4.png`` (default OUT_DIR: docs).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import graphgrad as torch
from graphgrad.viz import explore

VIEWPORT = {"width": 1100, "height": 640}


def example2():
    """Seed example 2: ``(x**3) + 7*(x**2) + 5*x + 10`` summed, for a 3x3 ``x``."""
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
    z = ((x**3) + 7 * (x**2) + 5 * x + 10).sum()
    return explore(z, {"x": x, "z": z}, show_saved=True, title="graphgrad: example 2")


def example4():
    """Seed example 4: ``relu(x @ w1 + b1) @ w2 + b2``."""
    torch.manual_seed(0)
    x = torch.randn(1, 10, requires_grad=True)
    w1 = torch.randn(10, 5, requires_grad=True)
    b1 = torch.randn(5, requires_grad=True)
    h = torch.relu(x @ w1 + b1)
    w2 = torch.randn(5, 1, requires_grad=True)
    b2 = torch.randn(1, requires_grad=True)
    y = h @ w2 + b2
    params = {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "y": y}
    return explore(y, params, title="graphgrad: example 4")


def first_box(page, line: str):
    """The ``g.node`` with a text line that reads exactly ``line``."""
    box_id = page.eval_on_selector_all(
        "g.node",
        "(gs, line) => gs.filter(g => Array.from(g.querySelectorAll('text'))"
        ".some(t => t.textContent === line)).map(g => g.id)[0]",
        line,
    )
    return page.locator(f"[id='{box_id}']")


def shoot(browser, explorer, out: Path, actions) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(explorer.save(Path(tmp) / "page.html"))
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        actions(page)
        page.screenshot(path=os.fspath(out))
        page.close()
    print(f"wrote {out}")


def example2_actions(page) -> None:
    page.click("#zoomfit")
    first_box(page, "PowBackward0").click()


def example4_actions(page) -> None:
    page.click("#zoomfit")
    page.check("#gradcolor")
    for _ in range(5):
        page.click("#step")


def chromium() -> str:
    path = os.environ.get("GRAPHGRAD_CHROMIUM") or shutil.which("chromium")
    if not path:
        sys.exit("no Chromium: apt-get install chromium (or set GRAPHGRAD_CHROMIUM)")
    return path


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    out_dir = Path(argv[1] if len(argv) > 1 else "docs")
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        shoot(browser, example2(), out_dir / "explore-example2.png", example2_actions)
        shoot(browser, example4(), out_dir / "explore-example4.png", example4_actions)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
