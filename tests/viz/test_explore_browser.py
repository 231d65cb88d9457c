"""The explore page in a real browser: details, step, search, paths, escaping, a 2,000-op graph.

Skips, saying why, where Playwright or Chromium is missing (see ``browser.py``).
"""

from __future__ import annotations

import time

import pytest

import graphgrad as torch
from graphgrad.viz import available_renderers, explore

from .browser import launch

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not available_renderers(), reason="nothing here renders SVG")

EVIL = "<script>window.pwned=1</script>\"q\\b\\N'&amp;"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


class Opened:
    """A page in the browser, with every request and error it caused."""

    def __init__(self, browser, explorer, path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        url = path.as_uri()
        explorer.save(path)
        start = time.perf_counter()
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']")
        self.seconds = time.perf_counter() - start
        # from navigation start to the script's end, as the page measures it
        self.ready_ms = int(self.page.get_attribute("body", "data-ready-ms"))
        self.url = url

    def box(self, line: str):
        """The one ``g.node`` with a text line that reads exactly ``line``."""
        ids = self.page.eval_on_selector_all(
            "g.node",
            "(gs, line) => gs.filter(g => Array.from(g.querySelectorAll('text'))"
            ".some(t => t.textContent === line)).map(g => g.id)",
            line,
        )
        assert len(ids) == 1, (line, ids)
        return self.page.locator(f"[id='{ids[0]}']")

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def details(self) -> str:
        """The panel's text, each run of white space as one space."""
        return " ".join(self.page.inner_text("#details").split())


@pytest.fixture
def opened(browser, tmp_path):
    pages = []

    def open_page(explorer, name="page.html"):
        page = Opened(browser, explorer, tmp_path / name)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        assert page.errors == []
        assert page.requests == [page.url]  # the page itself, and nothing else
        page.page.close()


def mlp():
    x = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    w = torch.tensor([[0.5], [-1.0], [2.0]], requires_grad=True)
    b = torch.tensor([0.25], requires_grad=True)
    y = (x @ w + b).relu().sum()
    return y, {"x": x, "w": w, "b": b}


def test_details_of_a_leaf_and_of_a_backward_node(opened):
    y, params = mlp()
    y.backward(retain_graph=True)
    page = opened(explore(y, params, show_saved=True))
    page.box("w").click()
    text = page.details()
    assert "w" in text and "(3, 1)" in text and "torch.float32" in text
    assert "requires_grad True" in text
    assert "[[ 0.5000]" in text and "[ 2.0000]]" in text  # values
    assert "[[1.0000]" in text  # .grad, which is x's values
    page.box("MmBackward0").click()
    text = page.details()
    assert "MmBackward0" in text and "saved tensors" in text
    assert "mat2" in text and "self" in text and "(1, 3)" in text
    assert "input 0" in text and "AccumulateGrad[0]" in text


def test_saved_tensors_read_freed_after_backward(opened):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    page = opened(explore(y, {"x": x}, show_attrs=True))
    page.box("MulBackward0").click()
    assert "freed" in page.details()
    assert "not recorded" in page.page.inner_text("#gradnote")


def test_step_walks_backward_in_the_engine_order(opened):
    y, params = mlp()
    explorer = explore(y, params)
    page = opened(explorer)
    names = []
    for pressed in range(1, len(explorer.data["steps"]) + 1):
        page.page.click("#step")
        assert page.count("g.node.active") == pressed
        names.append(page.page.inner_text("#details h2 >> nth=1"))
    assert names == [
        "SumBackward0",
        "ReluBackward0",
        "AddBackward0",
        "AccumulateGrad",
        "MmBackward0",
        "AccumulateGrad",
        "AccumulateGrad",
    ]
    assert page.page.is_disabled("#step")
    # the last AccumulateGrad is w's (x's ran first: ties go to the one ready first), and
    # the gradient into w.grad is x's values as a column
    assert "leaf w" in page.details()
    assert "[[1.0000], [2.0000], [3.0000]]" in page.details()


def test_step_shows_the_gradient_flowing_out(opened):
    x = torch.tensor([3.0], requires_grad=True)
    page = opened(explore((x**2 * 5).sum(), {"x": x}))
    for _ in range(3):  # Sum, Mul, Pow
        page.page.click("#step")
    assert "PowBackward0" in page.details()
    assert "30.0000" in page.details()  # d(5 x^2)/dx at 3
    assert x.grad is None  # recording the gradients wrote no .grad


def test_animate_runs_the_whole_order(opened):
    y, params = mlp()
    page = opened(explore(y, params))
    page.page.fill("#speed", "50")
    page.page.click("#animate")
    expect(page.page.locator("g.node.active")).to_have_count(7)
    assert "(done)" in page.page.inner_text("#status")


def test_search_marks_matching_boxes(opened):
    y, params = mlp()
    page = opened(explore(y, params))
    page.page.fill("#search", "accumulate")
    expect(page.page.locator("g.node.match")).to_have_count(3)
    page.page.fill("#search", "MmBack")
    expect(page.page.locator("g.node.match")).to_have_count(1)
    assert "1 match" in page.page.inner_text("#status")
    page.page.fill("#search", "")
    expect(page.page.locator("g.node.match")).to_have_count(0)


def test_clicking_a_leaf_lights_its_paths_to_the_output(opened):
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    c = torch.tensor(3.0, requires_grad=True)
    y = (a * b).exp() + c  # a's paths avoid c's AccumulateGrad
    page = opened(explore(y, {"a": a, "b": b, "c": c}))
    page.box("a").click()
    lit = page.page.eval_on_selector_all("g.node.path text", "ts => ts.map(t => t.textContent)")
    assert sorted(lit) == sorted(
        ["a", " ()", "AccumulateGrad", "MulBackward0", "ExpBackward0", "AddBackward0", "()"]
    )
    assert page.count("g.edge.path") == 5


def test_gradient_colours_on_the_lines(opened):
    x = torch.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(6):
        y = y * 1e-3  # the gradient vanishes towards x
    page = opened(explore(y, {"x": x}, collapse_threshold=None))
    page.page.check("#gradcolor")
    colours = page.page.eval_on_selector_all("g.edge > path", "ps => ps.map(p => p.style.stroke)")
    assert "rgb(44, 160, 44)" in colours  # healthy: near the output
    assert "rgb(31, 63, 191)" in colours  # vanishing: near x


def test_names_and_values_are_escaped(opened):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    page = opened(explore((x * 2).sum(), {EVIL: x}, show_values=True))
    assert page.page.evaluate("window.pwned") is None
    page.box(EVIL).click()
    assert page.page.inner_text("#details h2") == EVIL
    page.page.fill("#search", '"q\\b')
    expect(page.page.locator("g.node.match")).to_have_count(1)
    assert page.page.evaluate("window.pwned") is None


def test_folded_boxes_expand_on_click(opened):
    x = torch.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(20):
        y = (y * 2).tanh()
    page = opened(explore(y, {"x": x}, collapse_threshold=0))
    page.box("× 20").click()
    buttons = page.page.locator("#details button.member")
    assert buttons.count() == 40
    buttons.nth(1).click()
    assert "TanhBackward0" in page.page.inner_text("#details .member-details")
    assert page.count("g.node.expanded") == 1


# The time limits below catch a hang or a quadratic blow-up, not a speed claim: on a shared CI
# machine under load the same steps took 10 s where they take 1 s on a quiet one.
_HANG_SECONDS = 60


def test_a_2000_op_graph_opens_and_stays_responsive(opened):
    x = torch.randn(4, 8, requires_grad=True)
    h = x
    for _ in range(500):  # 4 ops a layer: 2,000 ops (and 500 leaves), 2,000 boxes drawn
        w = torch.randn(8, 8, requires_grad=True)
        h = (h @ w).tanh() + h * 0.5
    explorer = explore(h.sum(), {"x": x})
    assert explorer.data["engine_nodes"] == 2000 + 500 + 2  # and x's AccumulateGrad, the sum
    page = opened(explorer)
    assert page.ready_ms < _HANG_SECONDS * 1000, (page.ready_ms, page.seconds)
    assert page.count("g.node") > 2000
    start = time.perf_counter()
    for _ in range(20):
        page.page.click("#step")
    page.page.fill("#search", "tanh")
    expect(page.page.locator("g.node.match")).to_have_count(500)
    page.box("x").click()
    expect(page.page.locator("g.node.path").nth(1000)).to_be_attached()
    assert page.count("g.node.active") == 20
    assert time.perf_counter() - start < _HANG_SECONDS, time.perf_counter() - start


def test_the_jupyter_iframe_works(browser):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(explore((x * x).sum(), {"x": x})._repr_html_())
    frame = page.frame_locator("iframe")
    frame.locator("#step").click()
    expect(frame.locator("g.node.active")).to_have_count(1)
    assert "SumBackward0" in frame.locator("#details").inner_text()
    assert errors == []
    page.close()
