"""Writing PyTorch's checkpoint format, which ``torch.load`` (``weights_only=True``) reads.

The pickle is written opcode by opcode (protocol 2, as ``torch.save``). Plain data names only
globals on PyTorch's ``weights_only`` allow-list: ``torch._utils._rebuild_tensor_v2`` and
``_rebuild_parameter``, ``collections.OrderedDict``, ``set``, ``torch.Size``, the storage
classes, and NumPy's reconstruction for NumPy arrays. An ``nn.Module`` is written as pickle
records an instance (its class, ``NEWOBJ``, its ``__dict__``, ``BUILD``; see ``_instances``),
and a function it holds only if it is ``graphgrad.nn.functional``'s, by name. Tensors that view
one NumPy array share one storage in the file, as views of one storage do in PyTorch, so they
still share memory after loading.

>>> import graphgrad as torch
>>> raw = pickle_object({"n": 1, "t": torch.ones(2)}, legacy=False)[0]
>>> raw[:2], raw[-1:]
(b'\\x80\\x02', b'.')
"""

from __future__ import annotations

import functools
import inspect
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np

from .. import dtypes as _dt
from .._device import device as _device_type
from ..nn.module import Module
from ..tensor import Size, Tensor
from ._errors import MAX_DEPTH, CheckpointError
from ._instances import functional_name, lookup
from ._torch_read import LEGACY_MAGIC

_NUMPY_CORE = "numpy._core.multiarray" if np.__version__ >= "2" else "numpy.core.multiarray"
_ALIGN = 64
_MAX_INT = 1 << 31


def _refused(obj) -> TypeError:
    return TypeError(
        "graphgrad.save writes tensors, NumPy arrays, numbers, strings, bytes, None, dtypes, "
        "torch.Size, dicts/lists/tuples/sets of them (what torch.load reads with "
        f"weights_only=True) and nn.Module objects; got {type(obj).__name__}."
    )


def _unpicklable(obj, path: list) -> Exception:
    """pickle's error for a value a module holds that graphgrad does not write, naming where
    it is (``path``: the keys from the saved object down to it)."""
    stores = ("_modules", "_parameters", "_buffers")
    where = ".".join(str(key) for key in path if key not in stores) or "the saved object"
    if inspect.isroutine(obj) or isinstance(obj, (type, functools.partial)):
        return pickle.PicklingError(
            f"Can't pickle {obj!r}: it is the attribute {where}, and graphgrad.save writes a "
            "function only if it is one of graphgrad.nn.functional's (graphgrad.load never "
            "imports or calls anything else a file names)"
        )
    return TypeError(
        f"cannot pickle {type(obj).__name__!r} object: it is the attribute {where}; a saved "
        "module may hold tensors, numbers, strings, bytes, None, dtypes, containers of them, "
        "other modules and graphgrad.nn.functional's functions (graphgrad.load builds no "
        "other class)"
    )


def _module_state(obj: Module) -> dict:
    """What pickle records for ``obj``: its class's ``__getstate__()``, else its ``__dict__``."""
    cls = type(obj)
    if "<locals>" in cls.__qualname__ or lookup(cls.__module__, cls.__qualname__) is not cls:
        raise pickle.PicklingError(
            f"Can't pickle local object {cls.__qualname__!r}: graphgrad.load finds a module's "
            f"class by its name ({cls.__module__}.{cls.__qualname__}), and this one has none "
            "(define the class at the top level of a module)"
        )
    state = obj.__getstate__() if hasattr(cls, "__getstate__") else obj.__dict__
    if not isinstance(state, dict):
        raise TypeError(
            f"graphgrad.save: {cls.__qualname__}.__getstate__() returned "
            f"{type(state).__name__}; a module's state must be a dict of its attributes"
        )
    return state


class _StorageTable:
    """The storages of the tensors written so far: one per NumPy memory block they view."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, np.ndarray, object]] = []  # (key, flat array, dtype)
        self._by_root: dict[int, int] = {}
        self._roots: list[np.ndarray] = []

    def add(self, array: np.ndarray, dtype) -> tuple[str, int, int, tuple, tuple]:
        """(key, numel, offset, size, stride) of ``array`` inside its storage."""
        root, offset, stride = _placement(array)
        if root is None:  # no shareable block: the tensor gets a contiguous storage of its own
            root = np.ascontiguousarray(array)
            offset, stride = 0, _contiguous_strides(array.shape)
            if not root.dtype.isnative:
                root = root.astype(root.dtype.newbyteorder("="))
        if id(root) not in self._by_root:  # the table keeps ``root`` alive: ids stay unique
            self._by_root[id(root)] = len(self.entries)
            self.entries.append((str(len(self.entries)), root.reshape(-1), dtype))
            self._roots.append(root)
        key, flat, _ = self.entries[self._by_root[id(root)]]
        return key, flat.size, offset, tuple(array.shape), stride


def _contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _placement(array: np.ndarray):
    """(flat root array, element offset, element strides) if ``array`` views a contiguous,
    native NumPy block of its own dtype; (None, 0, ()) otherwise."""
    root = array
    while isinstance(root.base, np.ndarray):
        root = root.base
    if (
        root.dtype != array.dtype
        or not root.flags.c_contiguous
        or not root.dtype.isnative
        or array.size == 0
    ):
        return None, 0, ()
    item = array.itemsize
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if start < 0 or start % item or any(s < 0 or s % item for s in array.strides):
        return None, 0, ()
    stride = tuple(s // item for s in array.strides)
    last = start // item + sum((n - 1) * s for n, s in zip(array.shape, stride))
    if last >= root.size:
        return None, 0, ()
    return root, start // item, stride


class _Pickler:
    """Protocol-2 opcodes for the objects a checkpoint holds."""

    def __init__(self, legacy: bool) -> None:
        self.out = bytearray(b"\x80\x02")
        self.memo: dict[int, int] = {}
        self.alive: list = []  # keeps memoised objects alive, so their ids stay unique
        self.storages = _StorageTable()
        self.legacy = legacy
        self.path: list = []  # the dict keys down to the value being written, for errors
        self.modules_open = 0  # > 0 while a module's state is written

    # -- primitives ---------------------------------------------------------------------------
    def put(self, obj) -> None:
        index = len(self.memo)
        self.memo[id(obj)] = index
        self.alive.append(obj)
        self.out += b"q" + bytes([index]) if index < 256 else b"r" + struct.pack("<I", index)

    def get(self, obj) -> bool:
        index = self.memo.get(id(obj))
        if index is None:
            return False
        self.out += b"h" + bytes([index]) if index < 256 else b"j" + struct.pack("<I", index)
        return True

    def glob(self, module: str, name: str) -> None:
        self.out += b"c" + f"{module}\n{name}\n".encode()

    def int_(self, n: int) -> None:
        if 0 <= n < 256:
            self.out += b"K" + bytes([n])
        elif 0 <= n < 65536:
            self.out += b"M" + struct.pack("<H", n)
        elif -_MAX_INT <= n < _MAX_INT:
            self.out += b"J" + struct.pack("<i", n)
        else:
            raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
            if len(raw) < 256:
                self.out += b"\x8a" + bytes([len(raw)]) + raw
            else:
                self.out += b"\x8b" + struct.pack("<i", len(raw)) + raw

    def str_(self, s: str) -> None:
        raw = s.encode("utf-8", "surrogatepass")
        self.out += b"X" + struct.pack("<I", len(raw)) + raw

    def tuple_(self, items, depth: int) -> None:
        if len(items) <= 3:
            for item in items:
                self.save(item, depth)
            self.out += [b")", b"\x85", b"\x86", b"\x87"][len(items)]
        else:
            self.out += b"("
            for item in items:
                self.save(item, depth)
            self.out += b"t"

    def bytes_(self, raw: bytes) -> None:  # protocol 2 has no bytes opcode: latin-1 text
        self.glob("_codecs", "encode")
        self.str_(raw.decode("latin-1"))
        self.str_("latin1")
        self.out += b"\x86R"

    # -- objects ------------------------------------------------------------------------------
    def save(self, obj, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise CheckpointError(
                f"graphgrad.save: the object nests containers more than {MAX_DEPTH} levels deep"
            )
        if obj is None:
            self.out += b"N"
        elif obj is True or obj is False:
            self.out += b"\x88" if obj else b"\x89"
        elif isinstance(obj, np.generic):
            self.numpy_scalar(obj)
        elif isinstance(obj, int):
            self.int_(int(obj))
        elif isinstance(obj, float):
            self.out += b"G" + struct.pack(">d", obj)
        elif isinstance(obj, str):
            self.str_(obj)
        elif isinstance(obj, (bytes, bytearray)):
            self.bytes_(bytes(obj))
        elif self.get(obj):
            pass
        else:
            self.compound(obj, depth + 1)

    def compound(self, obj, depth: int) -> None:
        if isinstance(obj, Tensor):
            self.tensor(obj)
        elif isinstance(obj, np.ndarray):
            self.numpy_array(obj)
        elif isinstance(obj, Size):
            self.glob("torch", "Size")
            self.tuple_(tuple(obj), depth)
            self.out += b"\x85R"
        elif isinstance(obj, tuple):
            self.tuple_(obj, depth)
        elif isinstance(obj, list):
            self.out += b"]"
            self.put(obj)
            self.items(obj, b"e", depth)
        elif isinstance(obj, dict):
            self.dict_(obj, depth)
        elif isinstance(obj, _dt.dtype):
            self.glob("torch", obj.name)
        elif isinstance(obj, _device_type):
            self.glob("torch", "device")
            self.str_(str(obj))
            self.out += b"\x85R"
        else:
            self.instance(obj, depth)

    def instance(self, obj, depth: int) -> None:
        """A set, a module, or a function of ``graphgrad.nn.functional``; else the error."""
        if type(obj) is set:
            self.set_(obj, depth)
        elif isinstance(obj, Module):
            self.module(obj, depth)
        elif functional_name(obj) is not None:
            self.glob("graphgrad.nn.functional", functional_name(obj))  # type: ignore[arg-type]
        elif self.modules_open:
            raise _unpicklable(obj, self.path)
        else:
            raise _refused(obj)

    def set_(self, obj, depth: int) -> None:
        """``builtins.set(list)``, as protocol 2 writes a set; strings sorted, so that the
        file does not depend on the hash seed."""
        items = sorted(obj) if all(isinstance(x, str) for x in obj) else list(obj)
        self.glob("__builtin__", "set")  # protocol 2 spells builtins as Python 2 did
        self.out += b"]"
        self.items(items, b"e", depth)
        self.out += b"\x85R"
        self.put(obj)

    def module(self, obj: Module, depth: int) -> None:
        """The class, ``NEWOBJ`` with no arguments, then the state and ``BUILD``."""
        state = _module_state(obj)
        cls = type(obj)
        self.glob(cls.__module__, cls.__qualname__)
        self.out += b")\x81"
        self.put(obj)
        self.modules_open += 1
        self.save(state, depth)
        self.modules_open -= 1
        self.out += b"b"

    def items(self, values, opcode: bytes, depth: int) -> None:
        if values:
            self.out += b"("
            for value in values:
                self.save(value, depth)
            self.out += opcode

    def dict_(self, obj: dict, depth: int) -> None:
        ordered = isinstance(obj, OrderedDict)
        if ordered:
            self.glob("collections", "OrderedDict")
            self.out += b")R"
        else:
            self.out += b"}"
        self.put(obj)
        if obj:
            self.out += b"("
            for key, value in obj.items():
                self.save(key, depth)
                self.path.append(key)
                self.save(value, depth)
                self.path.pop()
            self.out += b"u"
        attrs = getattr(obj, "__dict__", None)
        if ordered and attrs:  # e.g. a state dict's ``_metadata``, as PyTorch keeps it
            self.dict_(dict(attrs), depth)
            self.out += b"b"

    def tensor(self, t: Tensor) -> None:
        from ..nn.parameter import Parameter  # nn sits beside serialization; only needed here

        is_param = isinstance(t, Parameter)
        if is_param:
            self.glob("torch._utils", "_rebuild_parameter")
        self.tensor_record(t, t.requires_grad and not is_param)
        if is_param:
            self.out += b"\x88" if t.requires_grad else b"\x89"
            self.empty_ordered_dict()
            self.out += b"\x87R"
        self.put(t)

    def tensor_record(self, t: Tensor, requires_grad: bool) -> None:
        array = np.asarray(t._data)
        if t.dtype not in _STORAGE_NAMES:
            raise TypeError(f"graphgrad.save: tensors of dtype {t.dtype} are not supported")
        key, numel, offset, size, stride = self.storages.add(array, t.dtype)
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.out += b"(("
        self.str_("storage")
        self.glob("torch", _STORAGE_NAMES[t.dtype])
        self.str_(key)
        self.str_("cpu")
        self.int_(numel)
        self.out += b"Nt" if self.legacy else b"t"
        self.out += b"Q"
        self.int_(offset)
        self.tuple_(size, 0)
        self.tuple_(stride, 0)
        self.out += b"\x88" if requires_grad else b"\x89"
        self.empty_ordered_dict()
        self.out += b"tR"

    def empty_ordered_dict(self) -> None:
        self.glob("collections", "OrderedDict")
        self.out += b")R"

    def numpy_dtype(self, dtype: np.dtype) -> None:
        if dtype.kind not in "biufc":
            raise TypeError(f"graphgrad.save: NumPy arrays of dtype {dtype} are not supported")
        self.glob("numpy", "dtype")
        self.str_(dtype.str[1:])
        self.out += b"\x89\x88\x87R"
        order = "|" if dtype.itemsize == 1 else dtype.str[0]
        self.tuple_((3, order, None, None, None, -1, -1, 0), 0)
        self.out += b"b"

    def numpy_array(self, array: np.ndarray) -> None:
        self.glob(_NUMPY_CORE, "_reconstruct")
        self.glob("numpy", "ndarray")
        self.tuple_((0,), 0)
        self.bytes_(b"b")
        self.out += b"\x87R"
        self.out += b"("
        self.int_(1)
        self.tuple_(tuple(array.shape), 0)
        self.numpy_dtype(array.dtype)
        fortran = not array.flags.c_contiguous and array.flags.f_contiguous
        self.out += b"\x88" if fortran else b"\x89"
        self.bytes_(array.tobytes(order="F" if fortran else "C"))
        self.out += b"tb"
        self.put(array)

    def numpy_scalar(self, value: np.generic) -> None:
        self.glob(_NUMPY_CORE, "scalar")
        self.numpy_dtype(value.dtype)
        self.bytes_(value.tobytes())
        self.out += b"\x86R"


_STORAGE_NAMES = {
    d: f"{d.legacy}Storage" for d in _dt.__dict__.values() if isinstance(d, _dt.dtype)
}


def pickle_object(obj, legacy: bool) -> tuple[bytes, list]:
    """The pickle of ``obj`` and its storages' ``(key, flat array)`` list."""
    pickler = _Pickler(legacy)
    pickler.save(obj)
    pickler.out += b"."
    return bytes(pickler.out), [(key, flat) for key, flat, _ in pickler.storages.entries]


def _little_endian_bytes(flat: np.ndarray) -> bytes:
    if flat.dtype.byteorder == ">" or (flat.dtype.byteorder == "=" and not _LITTLE):
        flat = flat.astype(flat.dtype.newbyteorder("<"))
    return flat.tobytes()


_LITTLE = np.dtype("=i4").str[0] == "<"


# -- containers -----------------------------------------------------------------------------------
def _aligned_record(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    """Write ``path`` stored (not compressed), its data starting on a 64-byte boundary, as
    PyTorch aligns records (so the file can be memory-mapped): the local header's extra field
    carries the padding."""
    info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(path.encode()) + (20 if len(data) > zipfile.ZIP64_LIMIT else 0)
    pad = -(archive.start_dir + header + 4) % _ALIGN
    info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
    archive.writestr(info, data)


def write_zip(fh, obj, name: str) -> None:
    """``obj`` as a zip checkpoint into the binary file ``fh``; its folder is ``name``."""
    pickled, storages = pickle_object(obj, legacy=False)
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        _aligned_record(archive, f"{name}/data.pkl", pickled)
        _aligned_record(archive, f"{name}/.format_version", b"1")
        _aligned_record(archive, f"{name}/.storage_alignment", b"64")
        _aligned_record(archive, f"{name}/byteorder", b"little")
        for key, flat in storages:
            _aligned_record(archive, f"{name}/data/{key}", _little_endian_bytes(flat))
        _aligned_record(archive, f"{name}/version", b"3\n")
        serial = str(int.from_bytes(os.urandom(16), "little")).zfill(40)[:40]
        _aligned_record(archive, f"{name}/.data/serialization_id", serial.encode())


def write_legacy(fh, obj) -> None:
    """``obj`` in the legacy (``_use_new_zipfile_serialization=False``) stream into ``fh``."""
    head = _Pickler(legacy=True)
    head.int_(LEGACY_MAGIC)
    pickled, storages = pickle_object(obj, legacy=True)
    keys = _Pickler(legacy=True)
    keys.out += b"]"
    keys.items([key for key, _ in storages], b"e", 0)
    info: dict[str, object] = {"protocol_version": 1001, "little_endian": True}
    info["type_sizes"] = {"short": 2, "int": 4, "long": 4}
    sys_info = pickle_object(info, legacy=True)[0]
    version = _Pickler(legacy=True)
    version.int_(1001)
    fh.write(bytes(head.out) + b".")
    fh.write(bytes(version.out) + b".")
    for part in (sys_info, pickled, bytes(keys.out) + b"."):
        fh.write(part)
    for _, flat in storages:
        fh.write(struct.pack("<Q", flat.size))
        fh.write(_little_endian_bytes(flat))


__all__ = ["pickle_object", "write_legacy", "write_zip"]
