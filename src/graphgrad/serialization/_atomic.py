"""Atomic file writes: a checkpoint is either the old file or the complete new one, never a
truncated mix, whatever fails (an exception while serialising, a full disk, SIGKILL).

The bytes go to a temporary file in the target's folder (so the final rename stays on one
file system), are flushed and fsynced, and only then ``os.replace`` puts them in place; on any
error the temporary file is removed.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = os.path.join(tmp, "f.bin")
...     with atomic_write(path) as fh:
...         _ = fh.write(b"new")
...     open(path, "rb").read(), os.listdir(tmp)
(b'new', ['f.bin'])
"""

from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path):
    """A binary file object whose contents replace ``path`` only if the block completes.

    Args:
        path: the target file (``str`` or ``os.PathLike``).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _keep_mode(path: str, tmp: str) -> None:
    """Give the new file the old one's permissions (mkstemp makes it 0600), or the umask's."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(tmp, mode)


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` would, racing threads)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:  # pragma: no cover - not Linux
        pass
    return 0o022


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
