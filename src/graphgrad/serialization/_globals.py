"""The allow-list: every global a PyTorch checkpoint of plain data may name, and the safe
stand-in graphgrad builds for it; a class or function a pickled module names goes to
``_instances``, and anything else is refused (see ``_unpickler``).

The names and argument layouts were learnt by reading the pickles ``torch.save`` writes
(``pickletools.dis`` on ``data.pkl``): a tensor is ``torch._utils._rebuild_tensor_v2(storage,
offset, size, stride, requires_grad, hooks)``, where ``storage`` comes from a persistent id
``('storage', torch.FloatStorage, key, location, numel)``; dtypes without a legacy storage
class (uint16, float8, ...) use ``_rebuild_tensor_v3`` with an untyped byte storage and the dtype.

>>> find_global("torch", "float32")
torch.float32
>>> find_global("os", "system")
Traceback (most recent call last):
...
graphgrad.serialization._errors.CheckpointError: the pickle names the global os.system: ...
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._device import device as _device
from ..tensor import Size, Tensor
from ._errors import CheckpointError
from ._instances import find_object_global
from ._unpickler import NEVER_RUNS

# Legacy storage classes: the element type of each (PyTorch writes these for the classic dtypes).
STORAGE_DTYPES = {
    "DoubleStorage": _dt.float64,
    "FloatStorage": _dt.float32,
    "HalfStorage": _dt.float16,
    "LongStorage": _dt.int64,
    "IntStorage": _dt.int32,
    "ShortStorage": _dt.int16,
    "CharStorage": _dt.int8,
    "ByteStorage": _dt.uint8,
    "BoolStorage": _dt.bool_,
    "ComplexFloatStorage": _dt.complex64,
    "ComplexDoubleStorage": _dt.complex128,
}
_UNSUPPORTED_STORAGES = {
    "BFloat16Storage": "bfloat16",
    "ComplexHalfStorage": "complex32",
    "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
}
# ``torch.<name>`` dtype globals graphgrad has, by every name PyTorch gives them.
TORCH_DTYPES = {
    **{d.name: d for d in (_dt.float16, _dt.float32, _dt.float64, _dt.complex64)},
    **{d.name: d for d in (_dt.complex128, _dt.uint8, _dt.int8, _dt.int16, _dt.int32)},
    "int64": _dt.int64,
    "bool": _dt.bool_,
    "half": _dt.float16,
    "float": _dt.float32,
    "double": _dt.float64,
    "cfloat": _dt.complex64,
    "cdouble": _dt.complex128,
    "short": _dt.int16,
    "int": _dt.int32,
    "long": _dt.int64,
}
_UNSUPPORTED_DTYPES = {
    "bfloat16", "uint16", "uint32", "uint64", "complex32", "chalf", "float8_e4m3fn",
    "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
    "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits8", "bits16",
}  # fmt: skip
# NumPy dtypes an array in a checkpoint may have: numbers, bools and fixed-width strings.
_NUMPY_KINDS = set("biufcUS")


def unsupported_dtype(name: str) -> CheckpointError:
    return CheckpointError(
        f"unsupported dtype {name}: the checkpoint holds a {name} tensor and graphgrad has no "
        f"{name} dtype; convert it in PyTorch first (for example tensor.float())"
    )


class StorageType:
    """What a storage class global stands for: its element dtype (None: untyped bytes)."""

    def __init__(self, dtype) -> None:
        self.dtype = dtype

    def __call__(self, *args):
        raise CheckpointError(f"refused to call a storage class: {NEVER_RUNS}")


UNTYPED = StorageType(None)


class Storage:
    """A storage read from the checkpoint: a flat, writable array of its elements (bytes when
    untyped). Tensors are strided views of it, so views saved together still share memory."""

    def __init__(self, array: np.ndarray, dtype) -> None:
        self.array, self.dtype = array, dtype  # dtype: a graphgrad dtype, None when untyped
        self._typed: dict = {}

    def typed(self, dtype) -> np.ndarray:
        """The elements as ``dtype`` (an untyped storage is reinterpreted, once per dtype)."""
        if self.array.dtype == dtype.np:
            return self.array
        if self.array.dtype != np.uint8 or self.array.size % dtype.itemsize:
            raise CheckpointError(
                f"a {self.array.dtype} storage of {self.array.size} elements cannot hold "
                f"{dtype} elements"
            )
        if dtype not in self._typed:
            self._typed[dtype] = self.array.view(dtype.np)
        return self._typed[dtype]


def _ints(value, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple) or not all(type(v) is int for v in value):
        raise CheckpointError(f"corrupt tensor record: {what} is not a tuple of ints")
    return value


def _strided(storage, offset, size, stride, dtype) -> np.ndarray:
    """The view ``storage[offset:]`` with ``size``/``stride`` (in elements), bounds checked."""
    if not isinstance(storage, Storage):
        raise CheckpointError("corrupt tensor record: its storage is not a checkpoint storage")
    size, stride = _ints(size, "size"), _ints(stride, "stride")
    if type(offset) is not int or offset < 0 or len(size) != len(stride) or len(size) > 64:
        raise CheckpointError("corrupt tensor record: bad offset, or size and stride differ")
    if any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise CheckpointError(f"corrupt tensor record: negative size {size} or stride {stride}")
    flat = storage.typed(dtype)
    if 0 not in size:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= flat.size:
            raise CheckpointError(
                f"corrupt tensor record: size {size}, stride {stride} and offset {offset} "
                f"reach element {last} of a storage of {flat.size}"
            )
    elif offset > flat.size:
        raise CheckpointError("corrupt tensor record: offset past the end of its storage")
    if math.prod(size) > 1 << 48:
        raise CheckpointError(f"corrupt tensor record: {math.prod(size)} elements")
    item = flat.itemsize
    base = flat[offset:] if 0 not in size else flat[:0]
    return np.lib.stride_tricks.as_strided(
        base, shape=size, strides=tuple(s * item for s in stride), writeable=True
    )


def _tensor(array: np.ndarray, requires_grad) -> Tensor:
    if not isinstance(requires_grad, bool):
        raise CheckpointError("corrupt tensor record: requires_grad is not a bool")
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind not in "fc":
            raise CheckpointError("corrupt tensor record: an integer tensor that requires grad")
        t.requires_grad_(True)
    return t


def _check_hooks(hooks) -> None:
    if not isinstance(hooks, dict) or hooks:
        raise CheckpointError(f"refused tensor backward hooks: {NEVER_RUNS}")


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, metadata=None):
    """A tensor on a typed storage (the classic dtypes)."""
    _check_hooks(hooks)
    if not isinstance(storage, Storage) or storage.dtype is None:
        raise CheckpointError("corrupt tensor record: _rebuild_tensor_v2 needs a typed storage")
    return _tensor(_strided(storage, offset, size, stride, storage.dtype), requires_grad)


def rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype, metadata=None):
    """A tensor on an untyped (byte) storage, with its dtype given."""
    _check_hooks(hooks)
    if not isinstance(dtype, _dt.dtype):
        raise CheckpointError("corrupt tensor record: its dtype is not a dtype")
    return _tensor(_strided(storage, offset, size, stride, dtype), requires_grad)


def rebuild_parameter(data, requires_grad, hooks, state=None):
    """``nn.Parameter(data, requires_grad)``."""
    from ..nn.parameter import Parameter  # nn sits beside serialization; only needed here

    _check_hooks(hooks)
    if not isinstance(data, Tensor) or not isinstance(requires_grad, bool):
        raise CheckpointError("corrupt parameter record")
    if state:
        raise CheckpointError(f"refused parameter state: {NEVER_RUNS}")
    return Parameter(data, requires_grad=requires_grad)


def _ordered_dict(*args):
    if len(args) > 1 or (args and not isinstance(args[0], (list, tuple, dict))):
        raise CheckpointError("corrupt pickle: OrderedDict takes one list of pairs")
    return OrderedDict(*args)


def _set(items=()):
    """``set(items)``: how protocol 2 stores a set (a module's ``_non_persistent_buffers_set``)."""
    if not isinstance(items, (list, tuple)):
        raise CheckpointError("corrupt pickle: set takes one list of items")
    return set(items)


def _size(dims=()):
    return Size(_ints(tuple(dims) if isinstance(dims, list) else dims, "torch.Size"))


def _torch_device(*args):
    return _device("cpu")  # graphgrad computes on the CPU: a CUDA location loads there


def _encode(text, encoding="utf-8"):
    """``_codecs.encode``: how protocol 2 stores bytes (a latin-1 string)."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise CheckpointError(f"refused _codecs.encode({type(text).__name__}, {encoding!r})")
    return text.encode("latin-1")


class _NDArrayClass:
    """``numpy.ndarray`` as a pickle names it: an argument of ``_reconstruct``, never called."""


_NDARRAY = _NDArrayClass()


class _ArrayBuilder:
    """What ``_reconstruct`` returns; the BUILD that follows gives it the array's state."""

    def __init__(self) -> None:
        self.memo_keys: list[int] = []

    def _checkpoint_build(self, state) -> np.ndarray:
        if not isinstance(state, tuple) or len(state) != 5:
            raise CheckpointError("corrupt NumPy array record")
        _version, shape, dtype, fortran, raw = state
        shape = _ints(tuple(shape), "NumPy shape")
        if not isinstance(dtype, np.dtype) or not isinstance(raw, (bytes, bytearray)):
            raise CheckpointError(f"refused NumPy array record: {NEVER_RUNS}")
        if math.prod(shape) * dtype.itemsize != len(raw):
            raise CheckpointError(
                f"corrupt NumPy array record: shape {shape} of {dtype} needs "
                f"{math.prod(shape) * dtype.itemsize} bytes, the record has {len(raw)}"
            )
        flat = np.frombuffer(bytearray(raw), dtype=dtype)
        return flat.reshape(shape, order="F" if fortran else "C")


class _DTypeBuilder:
    """``numpy.dtype(spec)``, finished by BUILD with its byte order."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.memo_keys: list[int] = []

    def _checkpoint_build(self, state) -> np.dtype:
        order: Any = state[1] if isinstance(state, tuple) and len(state) > 1 else "|"  # pickled
        dtype = _numpy_dtype(self.spec)
        return dtype.newbyteorder(order) if order in "<>" and dtype.itemsize > 1 else dtype


def _numpy_dtype(spec) -> np.dtype:
    try:
        dtype = np.dtype(spec) if isinstance(spec, str) else None
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind not in _NUMPY_KINDS or dtype.fields is not None:
        raise CheckpointError(f"refused NumPy dtype {spec!r}: {NEVER_RUNS}")
    return dtype


def _np_dtype(spec, align=False, copy=True):
    _numpy_dtype(spec)  # refuse object, structured and void dtypes before BUILD
    return _DTypeBuilder(spec)


def _np_reconstruct(cls, shape, dtype_code):
    if cls is not _NDARRAY:
        raise CheckpointError(f"refused NumPy reconstruction of {cls!r}: {NEVER_RUNS}")
    return _ArrayBuilder()


def _np_scalar(dtype, raw=None):
    if isinstance(dtype, _DTypeBuilder):
        dtype = _numpy_dtype(dtype.spec)
    if not isinstance(dtype, np.dtype) or not isinstance(raw, (bytes, bytearray)):
        raise CheckpointError(f"refused NumPy scalar record: {NEVER_RUNS}")
    if len(raw) != dtype.itemsize:
        raise CheckpointError("corrupt NumPy scalar record")
    return np.frombuffer(raw, dtype=dtype)[0]


_ALLOWED = {
    ("collections", "OrderedDict"): _ordered_dict,
    ("builtins", "set"): _set,
    ("__builtin__", "set"): _set,  # protocol 2 spells builtins as Python 2 did
    ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor_v3"): rebuild_tensor_v3,
    ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): rebuild_parameter,
    ("torch", "Size"): _size,
    ("torch", "device"): _torch_device,
    ("torch", "UntypedStorage"): UNTYPED,
    ("torch.storage", "UntypedStorage"): UNTYPED,
    ("_codecs", "encode"): _encode,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _np_dtype,
}
for _core in ("numpy.core.multiarray", "numpy._core.multiarray"):
    _ALLOWED[(_core, "_reconstruct")] = _np_reconstruct
    _ALLOWED[(_core, "scalar")] = _np_scalar


def find_global(module: str, name: str, weights_only: bool = True):
    """The safe stand-in for ``module.name``, or ``CheckpointError``. Besides plain data, a
    module class or ``nn.functional`` function is accepted unless ``weights_only`` (and then
    if ``add_safe_globals`` listed it)."""
    if (module, name) in _ALLOWED:
        return _ALLOWED[(module, name)]
    if module == "torch":
        if name in STORAGE_DTYPES:
            return StorageType(STORAGE_DTYPES[name])
        if name in TORCH_DTYPES:
            return TORCH_DTYPES[name]
        if name in _UNSUPPORTED_STORAGES:
            raise unsupported_dtype("torch." + _UNSUPPORTED_STORAGES[name])
        if name in _UNSUPPORTED_DTYPES:
            raise unsupported_dtype("torch." + name)
    return find_object_global(module, name, weights_only)
