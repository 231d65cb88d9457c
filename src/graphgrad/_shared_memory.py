"""Arrays in memory that several processes map, for ``share_memory_`` and for tensors sent to
another process (``graphgrad.multiprocessing``), as PyTorch shares them.

A tensor's values move into a segment: an anonymous in-memory file (``memfd``; a temporary
file where there is none), mapped shared. A process this one forks maps it already; another
process (started by ``spawn``, or reached through a queue) receives a duplicate of its file
descriptor and maps it too, so both see every write.

>>> import numpy as np
>>> a = shared_copy(np.arange(3.0))
>>> segment_of(a) is not None, segment_of(np.arange(3.0)) is None
(True, True)
"""

from __future__ import annotations

import mmap
import os
import tempfile
import weakref

import numpy as np


class Segment(mmap.mmap):
    """A shared mapping, with the file descriptor another process maps it from."""

    fd: int


def _new_segment(nbytes: int) -> Segment:
    size = max(nbytes, 1)
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("graphgrad-tensor")
    else:  # (not on Linux)
        handle, path = tempfile.mkstemp(prefix="graphgrad-tensor-")
        os.unlink(path)
        fd = handle
    os.ftruncate(fd, size)
    return _mapped(fd, size)


def _mapped(fd: int, size: int) -> Segment:
    """``fd``'s file mapped shared; the descriptor is closed with the mapping."""
    segment = Segment(fd, size)
    segment.fd = fd
    weakref.finalize(segment, os.close, fd)
    return segment


def segment_of(data: np.ndarray) -> Segment | None:
    """The segment ``data`` lies in, or None where it is ordinary memory."""
    owner = data
    while isinstance(owner, np.ndarray) and owner.base is not None:
        owner = owner.base
    found = owner.obj if isinstance(owner, memoryview) else owner
    return found if isinstance(found, Segment) else None


def shared_copy(data: np.ndarray) -> np.ndarray:
    """A copy of ``data`` in a new segment (same shape and dtype, C order)."""
    out = np.frombuffer(_new_segment(data.nbytes), data.dtype, count=data.size)
    out = out.reshape(data.shape)
    out[...] = data
    return out


def layout(data: np.ndarray) -> tuple:
    """What another process needs to map ``data`` (in a segment): the segment's size, and the
    array's dtype, shape, strides and offset in it."""
    segment = segment_of(data)
    assert segment is not None
    start = np.frombuffer(segment, np.uint8).ctypes.data
    return len(segment), data.dtype.str, data.shape, data.strides, data.ctypes.data - start


def mapped_array(fd: int, size: int, dtype: str, shape, strides, offset: int) -> np.ndarray:
    """The array another process described with ``layout``, mapped from ``fd`` here."""
    segment = _mapped(fd, size)
    return np.ndarray(shape, np.dtype(dtype), buffer=segment, offset=offset, strides=strides)
