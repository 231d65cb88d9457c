"""Reading PyTorch's checkpoint files: the zip archive (PyTorch >= 1.6) and the legacy stream.

The zip archive, as ``torch.save`` writes it (observed with ``zipfile``): one folder holding
``data.pkl`` (the object, pickle protocol 2), ``data/<key>`` (each storage's raw bytes),
``byteorder`` (``little``), ``version`` and a few more small records. The legacy stream
(``_use_new_zipfile_serialization=False``) is five things one after another: a pickled magic
number, the protocol version 1001, a dict of system info, the object's pickle, the pickled list
of storage keys, then per key an 8-byte little-endian element count and the raw elements.

>>> import io
>>> import graphgrad as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.arange(3)}, buf)
>>> read_zip(io.BytesIO(buf.getvalue()), "<buf>")
{'w': tensor([0, 1, 2])}
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from functools import partial

import numpy as np

from ._errors import CheckpointError, check_depth
from ._globals import Storage, StorageType, find_global
from ._unpickler import load_pickle

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


def _storage_pid(pid, name: str):
    """``('storage', type, key, location, numel[, view])`` -> (dtype, key, numel)."""
    if not isinstance(pid, tuple) or len(pid) not in (5, 6) or pid[0] != "storage":
        raise CheckpointError(f"{name}: corrupt checkpoint (unknown persistent id {pid!r:.80})")
    _, kind, key, _location, numel = pid[:5]
    if not isinstance(kind, StorageType) or not isinstance(key, str) or type(numel) is not int:
        raise CheckpointError(f"{name}: corrupt checkpoint (bad storage record {pid!r:.80})")
    if len(pid) == 6 and pid[5] is not None:
        raise CheckpointError(f"{name}: storage views of pre-1.0 PyTorch files are not supported")
    if numel < 0:
        raise CheckpointError(f"{name}: corrupt checkpoint (negative storage size {numel})")
    return kind.dtype, key, numel


def _np_dtype(dtype, big_endian: bool) -> np.dtype:
    base = np.dtype(np.uint8) if dtype is None else np.dtype(dtype.np)
    return base.newbyteorder(">") if big_endian and base.itemsize > 1 else base


def _to_native(array: np.ndarray) -> np.ndarray:
    return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))


# -- zip ----------------------------------------------------------------------------------------
# What zipfile raises for a corrupt archive (RuntimeError: "encrypted", a flipped flag bit).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    zlib.error,
)


def _open_zip(f, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(f)
    except _ZIP_ERRORS as err:
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint archive ({err})") from None


def _record(archive: zipfile.ZipFile, path: str, name: str, size: int | None = None) -> bytes:
    try:
        info = archive.getinfo(path)
    except KeyError:
        raise CheckpointError(f"{name}: corrupt checkpoint (the archive has no {path})") from None
    if size is not None and info.file_size != size:
        raise CheckpointError(
            f"{name}: corrupt checkpoint ({path} holds {info.file_size} bytes; its storage "
            f"record claims {size})"
        )
    try:
        return archive.read(info)
    except _ZIP_ERRORS as err:
        raise CheckpointError(f"{name}: corrupt or truncated record {path} ({err})") from None


def _prefix(archive: zipfile.ZipFile, name: str) -> str:
    for path in archive.namelist():
        if path.endswith("data.pkl") and path.count("/") == 1:
            return path[: -len("data.pkl")]
    raise CheckpointError(f"{name}: not a PyTorch checkpoint (the archive has no data.pkl)")


def read_zip(f, name: str, weights_only: bool = True):
    """The object in a zip-format checkpoint (``f``: a path or a seekable binary file);
    ``weights_only=False`` lets it hold whole modules (see ``_instances``)."""
    with _open_zip(f, name) as archive:
        prefix = _prefix(archive, name)
        big = prefix + "byteorder" in archive.namelist() and (
            _record(archive, prefix + "byteorder", name).strip() == b"big"
        )
        storages: dict[str, Storage] = {}

        def persistent_load(pid):
            dtype, key, numel = _storage_pid(pid, name)
            if key not in storages:
                np_dtype = _np_dtype(dtype, big)
                raw = _record(archive, f"{prefix}data/{key}", name, numel * np_dtype.itemsize)
                flat = _to_native(np.frombuffer(bytearray(raw), dtype=np_dtype))
                storages[key] = Storage(flat, dtype)
            return storages[key]

        pickled = _record(archive, prefix + "data.pkl", name)
        obj, _ = load_pickle(
            pickled, partial(find_global, weights_only=weights_only), persistent_load, name
        )
    check_depth(obj, name)
    return obj


# -- legacy -------------------------------------------------------------------------------------
def _no_persistent_ids(pid):
    raise CheckpointError(f"corrupt checkpoint (unexpected persistent id {pid!r:.80})")


def read_legacy(raw: bytes, name: str, weights_only: bool = True):
    """The object in a legacy (non-zip) checkpoint held in ``raw``; ``weights_only`` as for
    ``read_zip``."""
    find = partial(find_global, weights_only=weights_only)
    magic, pos = load_pickle(raw, find, _no_persistent_ids, name)
    if magic != LEGACY_MAGIC:
        raise CheckpointError(f"{name}: not a PyTorch checkpoint (bad magic number)")
    version, pos = load_pickle(raw, find, _no_persistent_ids, name, pos)
    if version != LEGACY_PROTOCOL:
        raise CheckpointError(f"{name}: unsupported legacy checkpoint protocol {version!r}")
    info, pos = load_pickle(raw, find, _no_persistent_ids, name, pos)
    big = isinstance(info, dict) and info.get("little_endian") is False
    # The object comes before the bytes of its storages: each storage is allocated (its size
    # checked against what the file still holds) and filled in place once the keys are read.
    storages: dict[str, tuple] = {}
    limit = len(raw)

    def persistent_load(pid):
        dtype, key, numel = _storage_pid(pid, name)
        if key not in storages:
            np_dtype = _np_dtype(dtype, big)
            if numel * np_dtype.itemsize > limit:
                raise CheckpointError(
                    f"{name}: corrupt checkpoint (a storage claims {numel} elements, more than "
                    "the file holds)"
                )
            flat = np.zeros(numel, np.dtype(dtype.np) if dtype is not None else np.uint8)
            storages[key] = (Storage(flat, dtype), np_dtype)
        return storages[key][0]

    obj, pos = load_pickle(raw, find, persistent_load, name, pos)
    keys, pos = load_pickle(raw, find, _no_persistent_ids, name, pos)
    if not isinstance(keys, list):
        raise CheckpointError(f"{name}: corrupt checkpoint (the storage key list is missing)")
    for key in keys:
        pos = _fill(raw, pos, storages.get(key), key, name)
    check_depth(obj, name)
    return obj


def _fill(raw: bytes, pos: int, entry, key, name: str) -> int:
    """Copy one storage's elements (after its 8-byte count) into place; returns the new offset."""
    if entry is None:
        raise CheckpointError(f"{name}: corrupt checkpoint (data for an unknown storage {key!r})")
    storage, np_dtype = entry
    if pos + 8 > len(raw):
        raise CheckpointError(f"{name}: truncated checkpoint (storage {key!r} is missing)")
    count = int.from_bytes(raw[pos : pos + 8], "little")
    nbytes = storage.array.size * np_dtype.itemsize
    if count != storage.array.size or pos + 8 + nbytes > len(raw):
        raise CheckpointError(
            f"{name}: truncated or corrupt checkpoint (storage {key!r}: {count} elements "
            f"recorded, {storage.array.size} expected)"
        )
    data = np.frombuffer(raw, dtype=np_dtype, count=storage.array.size, offset=pos + 8)
    storage.array[...] = data
    return pos + 8 + nbytes


__all__ = ["LEGACY_MAGIC", "read_legacy", "read_zip"]
