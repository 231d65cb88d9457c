"""README.md and docs/ stand alone: every relative link and image points at a file in the repo.

Regression: the README showed four graphs from files the repo did not have, and README and
docs linked to ../shared, which a clone does not have.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _relative_targets(page: Path) -> list[str]:
    targets = [m.group(1) for m in LINK.finditer(page.read_text(encoding="utf-8"))]
    return [t for t in targets if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_stay_in_the_repo_and_resolve(page):
    for target in _relative_targets(page):
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repo: {target}"
        assert path.exists(), f"{page.name} links to a missing file: {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_names_the_team_folder(page):
    assert "../shared" not in page.read_text(encoding="utf-8")


def test_readme_shows_the_example_graphs():
    images = [t for t in _relative_targets(ROOT / "README.md") if t.endswith(".svg")]
    assert len(images) >= 4
