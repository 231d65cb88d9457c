"""Opening a rendered picture with the system's viewer, as ``graphviz.view`` does.

graphviz starts ``xdg-open`` (Linux, BSD), ``open`` (macOS) or ``os.startfile`` (Windows) and,
where the program is missing, fails with ``FileNotFoundError`` after the file was written.
``viewer(path)`` looks for the program first, so ``Graph.view()`` can refuse before it writes
anything, with a message that says what to install.

>>> import textwrap
>>> try:
...     viewer("g.svg", platform="linux", which=lambda name: None)
... except RenderError as e:
...     print(textwrap.fill(str(e), 88))
cannot open 'g.svg' in a viewer: `xdg-open` is not on PATH (Debian/Ubuntu: apt-get
install xdg-utils). Nothing was written; graph.render('name.svg') writes the picture
without opening it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from ._render import RenderError

# The program each platform opens files with (as graphviz.view), and where it comes from.
OPENERS = {
    "linux": ("xdg-open", "Debian/Ubuntu: apt-get install xdg-utils"),
    "freebsd": ("xdg-open", "pkg install xdg-utils"),
    "darwin": ("open", "it is part of macOS"),
}


def viewer(
    path: os.PathLike | str,
    platform: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> Callable[[bool], None]:
    """A function that opens ``path`` (``quiet`` hides the viewer's stderr); raises
    ``RenderError`` now when this system has no way to open it."""
    platform = platform or _platform()
    path = os.fspath(path)
    if platform == "windows":
        return lambda quiet: os.startfile(os.path.normpath(path))  # type: ignore[attr-defined]
    if platform not in OPENERS:
        raise RenderError(f"cannot open {path!r} in a viewer: platform {platform!r} not supported")
    program, install = OPENERS[platform]
    found = which(program)
    if found is None:
        raise RenderError(
            f"cannot open {path!r} in a viewer: `{program}` is not on PATH ({install}). "
            "Nothing was written; graph.render('name.svg') writes the picture without opening it."
        )

    def open_it(quiet: bool) -> None:
        stderr = subprocess.DEVNULL if quiet else None
        subprocess.Popen([found, path], stderr=stderr)

    return open_it


def _platform() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform.startswith("freebsd"):
        return "freebsd"
    if sys.platform == "win32":
        return "windows"
    return sys.platform
