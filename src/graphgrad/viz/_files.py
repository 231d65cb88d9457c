"""Writing a file all at once: a reader (or a crash) sees the old file or the new, never half.

The bytes go to a temporary file in the target's own folder (so the final ``os.replace`` is a
rename on one file system), which is flushed and fsynced before it replaces the target. On any
failure, KeyboardInterrupt included, the temporary file is removed and the target is untouched.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_atomic(os.path.join(tmp, "sub", "g.svg"), b"<svg/>")
...     open(path, "rb").read(), os.listdir(os.path.dirname(path))
(b'<svg/>', ['g.svg'])
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically (missing folders are made); return the path.

    The file gets the permissions a plain ``open(path, "wb")`` would give it (0o666 less the
    umask), because the temporary file is created with them.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return os.fspath(path)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new file beside ``path``, opened for writing, with a name no one else has."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
