"""Atomic file writes: every file graphgrad writes (checkpoints, rendered graphs) is either the
old file or the complete new one, never a truncated mix, whatever fails (an exception while
serialising, a full disk, Ctrl-C, SIGKILL).

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
import ctypes
import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically, making missing folders; return the path.

    Args:
        path: the target file.
        data: its new contents.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_atomic(os.path.join(tmp, "sub", "g.svg"), b"<svg/>")
    ...     open(path, "rb").read(), os.listdir(os.path.dirname(path))
    (b'<svg/>', ['g.svg'])
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as fh:
        fh.write(data)
    return os.fspath(path)


@contextlib.contextmanager
def atomic_write(path):
    """A binary file object whose contents replace ``path`` only if the block completes.

    Args:
        path: the target file (``str`` or ``os.PathLike``).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = _temporary(folder, os.path.basename(path))
    try:
        with os.fdopen(fd, "wb", closefd=False) as fh:
            yield fh
            fh.flush()
            os.fsync(fd)
        _keep_mode(path, fd)
        if tmp is None:  # an unnamed file: give it a name only now, for the rename
            tmp = _link_unnamed(fd, folder, os.path.basename(path))
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    _fsync_folder(folder)


def _temporary(folder: str, base: str) -> tuple[int, str | None]:
    """An open temporary file in ``folder``: unnamed where Linux's ``O_TMPFILE`` works (so a
    process killed mid-write leaves nothing behind), else a named ``.<base>.*.tmp`` file."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(folder, flag | os.O_WRONLY, 0o600), None
        except OSError:  # the file system does not support it
            pass
    return tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)


def _link_unnamed(fd: int, folder: str, base: str) -> str:
    """Give the unnamed file ``fd`` a fresh name in ``folder``; the caller renames it over the
    target at once, so the name exists only between those two calls."""
    name = os.path.join(folder, f".{base}.{os.urandom(6).hex()}.tmp")
    # os.link cannot follow /proc/self/fd/N (it calls link(), which links the magic symlink
    # itself): linkat with AT_SYMLINK_FOLLOW is the documented way to name an O_TMPFILE file.
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    src = f"/proc/self/fd/{fd}".encode()
    if libc.linkat(at_fdcwd, src, at_fdcwd, name.encode(), at_symlink_follow) == 0:
        return name
    fallback, name = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    try:  # linking refused: copy the bytes into a named file instead
        with open(f"/proc/self/fd/{fd}", "rb") as src_fh, os.fdopen(fallback, "wb") as dst:
            shutil.copyfileobj(src_fh, dst)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(name, os.fstat(fd).st_mode & 0o777)
    except BaseException:
        os.unlink(name)
        raise
    return name


def _keep_mode(path: str, fd: int) -> None:
    """Give the new file the old one's permissions (it was made 0600), or the umask's."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.fchmod(fd, mode)


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
