"""Headless Chromium for the explore page's tests, driven by Playwright, or a skip that says why.

Playwright comes from requirements-test.txt; the browser is the system's Chromium
(Debian: ``apt-get install chromium``), or the one ``$GRAPHGRAD_CHROMIUM`` names. Playwright's
own downloaded browsers are not needed.
"""

from __future__ import annotations

import os
import shutil

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_path() -> str | None:
    """``$GRAPHGRAD_CHROMIUM``, else the first Chromium on PATH."""
    given = os.environ.get("GRAPHGRAD_CHROMIUM")
    if given:
        return given if os.path.exists(given) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright):
    """A headless Chromium (no sandbox, which needs privileges containers lack), or a skip."""
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no Chromium found for the browser tests: apt-get install chromium "
            "(or set GRAPHGRAD_CHROMIUM to a Chromium or Chrome binary)"
        )
    try:
        return playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
    except Exception as exc:  # a broken or foreign binary: say so, do not fail the suite
        pytest.skip(f"Chromium at {path} did not start: {str(exc).splitlines()[0]}")
