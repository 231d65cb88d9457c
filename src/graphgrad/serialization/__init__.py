"""``graphgrad.save`` / ``graphgrad.load``: PyTorch's checkpoint format, read without ever
running code from the file.

``save`` writes PyTorch's zip format (what ``torch.save`` writes), which ``torch.load`` reads
with its default ``weights_only=True``; for a path ending in ``.safetensors`` it writes the
safetensors format instead. ``load`` reads either, and PyTorch's legacy (pre-1.6,
``_use_new_zipfile_serialization=False``) files too. Its pickle reader builds numbers, strings,
containers, tensors and NumPy arrays itself, and calls nothing the file names except an
allow-list of PyTorch and NumPy rebuild functions, whatever ``weights_only`` says. Every write
is atomic: a failure or a kill leaves the old file as it was. A bad file raises
``CheckpointError``.

A whole ``nn.Module`` (``torch.save(model)``) is written as ``torch.save`` writes one, and
``load(f, weights_only=False)`` rebuilds it. What ``weights_only=False`` means here: the file may
also name ``nn.Module`` subclasses that are already imported (and ``nn.functional`` functions a
module holds); such an instance is made without ``__init__`` and given its attributes, and
nothing is imported or called (``_instances``). ``weights_only=True``, the default, refuses
them as PyTorch does, unless ``safe_globals`` lists them.

>>> import io
>>> import graphgrad as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.ones(2), "step": 3}, buf)
>>> _ = buf.seek(0)
>>> torch.load(buf)
{'w': tensor([1., 1.]), 'step': 3}
"""

from __future__ import annotations

import io
import os

from .._atomic import atomic_write
from . import _safetensors
from ._errors import CheckpointError
from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._torch_read import read_legacy, read_zip
from ._torch_write import write_legacy, write_zip

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _archive_name(f) -> str:
    """The folder inside the zip: the file's stem for a path, ``archive`` otherwise (PyTorch)."""
    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    return "archive"


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record: bool = False,
) -> None:
    """Write ``obj`` to ``f`` in PyTorch's checkpoint format (``torch.save``).

    Args:
        obj: tensors, NumPy arrays, numbers, strings, bytes, None, and dicts (OrderedDicts
            too), lists, tuples and sets of them: a ``state_dict``, an optimizer's, or a dict
            of both. Or an ``nn.Module`` (or a container holding one), pickled whole as
            ``torch.save`` pickles it: its class by name, then its attributes, which may be the
            above, other modules and ``nn.functional`` functions; anything else it holds (a
            lambda, an open file, an instance of another class) raises pickle's error naming
            the attribute. Only ``load(f, weights_only=False)`` reads a module back.
        f: a path (written atomically; ``.safetensors`` picks that format) or a binary file.
        pickle_module, pickle_protocol: accepted for PyTorch's signature; the pickle is
            always protocol 2, as PyTorch writes it.
        _use_new_zipfile_serialization: False writes PyTorch's legacy (non-zip) format.
        _disable_byteorder_record: accepted for PyTorch's signature.

    >>> import io, graphgrad
    >>> buf = io.BytesIO()
    >>> graphgrad.save([graphgrad.zeros(1)], buf)
    >>> buf.getvalue()[:2]
    b'PK'
    >>> graphgrad.save(graphgrad.nn.Linear(2, 1), buf)  # a whole module
    """
    if isinstance(f, (str, os.PathLike)):
        with atomic_write(f) as fh:
            _write(obj, fh, f, _use_new_zipfile_serialization)
    else:
        _write(obj, f, f, _use_new_zipfile_serialization)


def _write(obj, fh, f, zip_format: bool) -> None:
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        fh.write(_safetensors.dumps(obj))
    elif zip_format:
        write_zip(fh, obj, _archive_name(f))
    else:
        write_legacy(fh, obj)


def _source(f):
    """(a path or seekable binary file, its name, its first bytes) for ``f``."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            head = fh.read(4)
        return os.fspath(f), os.fspath(f), head
    if isinstance(f, (bytes, bytearray, memoryview)):
        f = io.BytesIO(bytes(f))
    name = getattr(f, "name", "<file>")
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    start = f.tell()
    head = f.read(4)
    f.seek(start)
    return f, str(name), head


def _read_all(source) -> bytes:
    if isinstance(source, str):
        with open(source, "rb") as fh:
            return fh.read()
    return source.read()


def load(
    f,
    map_location=None,
    pickle_module=None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **pickle_load_args,
):
    """Read a checkpoint written by ``torch.save``, ``graphgrad.save`` or safetensors.

    Args:
        f: a path, a binary file, or bytes.
        map_location: accepted for PyTorch's signature; tensors load on the CPU.
        pickle_module: accepted and ignored: graphgrad reads pickles with its own reader.
        weights_only: ``True`` or ``None`` (the default, as in PyTorch): only data, tensors and
            what ``safe_globals`` lists. ``False``: also whole modules, that is instances of
            ``nn.Module`` subclasses whose module is already imported (the file's class names
            are looked up, never imported; ``torch.`` names read as ``graphgrad.``). Either
            way nothing the file names is called, and anything else raises
            ``CheckpointError`` (an ``UnpicklingError``, as PyTorch raises).
        mmap: accepted; the file is read into memory.

    >>> import io, graphgrad
    >>> buf = io.BytesIO()
    >>> graphgrad.save({"x": (1, "a", None)}, buf)
    >>> graphgrad.load(buf.getvalue())
    {'x': (1, 'a', None)}
    >>> buf = io.BytesIO()
    >>> graphgrad.save(graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 1)), buf)
    >>> graphgrad.load(buf.getvalue(), weights_only=False)
    Sequential(
      (0): Linear(in_features=2, out_features=1, bias=True)
    )
    """
    modules = weights_only is False
    source, name, head = _source(f)
    if head in _ZIP_MAGIC:
        return read_zip(source, name, weights_only=not modules)
    raw = _read_all(source)
    if head[:1] == b"\x80":
        return read_legacy(raw, name, weights_only=not modules)
    return _safetensors.loads(raw, name)


__all__ = [
    "CheckpointError",
    "add_safe_globals",
    "atomic_write",
    "clear_safe_globals",
    "get_safe_globals",
    "load",
    "safe_globals",
    "save",
]
