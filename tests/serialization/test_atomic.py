"""Saving is atomic (issue 13 item 11): a save that fails halfway, or a process killed while
re-saving, leaves the old checkpoint intact and no temporary files behind, in every format."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import graphgrad
from graphgrad import _atomic

FORMATS = ["model.pt", "model.safetensors", "legacy.pt"]


def _save(obj, path):
    legacy = os.path.basename(path).startswith("legacy")
    graphgrad.save(obj, path, _use_new_zipfile_serialization=not legacy)


def _old_checkpoint(path) -> bytes:
    _save({"w": graphgrad.arange(6.0)}, path)
    with open(path, "rb") as fh:
        return fh.read()


def _assert_untouched(folder, path, old: bytes) -> None:
    assert sorted(os.listdir(folder)) == [os.path.basename(path)]  # no stray temporary files
    with open(path, "rb") as fh:
        assert fh.read() == old
    assert graphgrad.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


class _Unpicklable:
    """Stands for any object the writer chokes on halfway through."""


@pytest.mark.parametrize("name", FORMATS)
def test_an_object_that_fails_halfway_leaves_the_old_file(tmp_path, name):
    path = tmp_path / name
    old = _old_checkpoint(path)
    bad = {"a": graphgrad.ones(1000), "b": [1, 2, _Unpicklable()]}
    with pytest.raises(TypeError):
        _save(bad, path)
    _assert_untouched(tmp_path, path, old)


@pytest.mark.parametrize("name", FORMATS)
def test_a_write_error_leaves_the_old_file(tmp_path, name, monkeypatch):
    path = tmp_path / name
    old = _old_checkpoint(path)
    real_fdopen = os.fdopen

    class FailingFile:
        def __init__(self, fh) -> None:
            self.fh, self.written = fh, 0

        def write(self, data) -> int:
            if self.written + len(data) > 100:  # the disk fills up in the middle of a write
                self.fh.write(bytes(data)[: 100 - self.written])
                raise OSError(28, "No space left on device")
            self.written += len(data)
            return self.fh.write(data)

        def __getattr__(self, attr):
            return getattr(self.fh, attr)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

    monkeypatch.setattr(_atomic.os, "fdopen", lambda *a, **k: FailingFile(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="No space left"):
        _save({"w": graphgrad.ones(10_000)}, path)
    _assert_untouched(tmp_path, path, old)


def test_an_fsync_error_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    old = _old_checkpoint(path)

    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(_atomic.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="Input/output error"):
        _save({"w": graphgrad.ones(3)}, path)
    _assert_untouched(tmp_path, path, old)


def test_a_save_keeps_the_files_permissions(tmp_path):
    path = tmp_path / "model.pt"
    _old_checkpoint(path)
    os.chmod(path, 0o640)
    _save({"w": graphgrad.ones(3)}, path)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert graphgrad.load(path)["w"].tolist() == [1.0, 1.0, 1.0]


_RESAVER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import graphgrad
    path, ready = sys.argv[1], sys.argv[2]
    big = graphgrad.tensor(np.full((4_000_000,), 7.0, np.float32))  # 16 MB
    graphgrad.save({"w": big}, path)
    open(ready, "w").close()
    while True:
        graphgrad.save({"w": big}, path)
    """
)


@pytest.mark.parametrize("delay", [0.05, 0.2])
def test_sigkill_during_a_large_resave_leaves_a_whole_file(tmp_path, delay):
    folder = tmp_path / "ckpt"
    folder.mkdir()
    path, ready = folder / "big.pt", tmp_path / "ready"
    child = subprocess.Popen([sys.executable, "-c", _RESAVER, str(path), str(ready)])
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(delay)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert os.listdir(folder) == ["big.pt"]  # the unnamed temporary file died with the process
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    w = graphgrad.load(path)["w"]
    assert w.shape == (4_000_000,) and np.all(w.numpy() == 7.0)
