"""The safetensors format: no pickle, ever. ``graphgrad.save`` writes it for a path ending in
``.safetensors``; ``graphgrad.load`` recognises it by its header.

A flat ``state_dict`` is written as plain safetensors entries (``"fc.weight"`` -> array), so
``safetensors.torch.load_file`` opens it in PyTorch, and a file PyTorch wrote with
``safetensors.torch.save_file`` loads here. Anything nested (an optimizer's state_dict, a dict
holding model, optimizer and epoch) keeps its tensors as entries too, and its shape (dicts,
lists, numbers, strings) as JSON in the file's metadata. Loading parses JSON and raw arrays
only; a truncated, corrupt or foreign file raises ``CheckpointError`` before anything is
returned, and a dtype graphgrad lacks (BF16, F8_*, U16/U32/U64) is named as unsupported.

>>> loads(dumps({"w": [1.5, 2]}), "<bytes>")
{'w': [1.5, 2]}
"""

from __future__ import annotations

import json
import math
import re
import struct

import numpy as np

from ..tensor import Tensor
from ._errors import MAX_DEPTH, CheckpointError, check_depth

# safetensors dtype codes graphgrad reads (little-endian NumPy dtypes), and the PyTorch names of
# those it cannot hold.
_DTYPES = {
    code: np.dtype(kind)
    for code, kind in [("F64", "<f8"), ("F32", "<f4"), ("F16", "<f2"), ("I64", "<i8"),
                       ("I32", "<i4"), ("I16", "<i2"), ("I8", "i1"), ("U8", "u1"),
                       ("BOOL", "?"), ("C64", "<c8")]
}  # fmt: skip
_CODES = {dtype: code for code, dtype in _DTYPES.items()}
_TORCH_NAMES = {
    "BF16": "torch.bfloat16",
    "U16": "torch.uint16",
    "U32": "torch.uint32",
    "U64": "torch.uint64",
    "F8_E4M3": "torch.float8_e4m3fn",
    "F8_E5M2": "torch.float8_e5m2",
    "F8_E8M0": "torch.float8_e8m0fnu",
    "F4": "torch.float4_e2m1fn_x2",
    "F6_E2M3": "float6_e2m3",
    "F6_E3M2": "float6_e3m2",
    "C32": "torch.complex32",
}
_STRUCTURE_KEY = "graphgrad"
_SCALARS = (bool, int, float, str, type(None))


# -- save -------------------------------------------------------------------------------------
class _Flattener:
    """Walks an object, moving tensors into ``arrays`` and describing the rest as JSON."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def key(self, path: list) -> str:
        base = "/".join(str(p) for p in path) or "tensor"
        key, n = base, 1
        while key in self.arrays:
            key, n = f"{base}#{n}", n + 1
        return key

    def visit(self, obj, path: list):
        if isinstance(obj, (Tensor, np.ndarray)):
            return self.tensor(obj, path)
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, _SCALARS):
            return obj
        if isinstance(obj, dict):
            for k in obj:
                if not isinstance(k, (str, int)):
                    raise TypeError(f"graphgrad.save: dict keys must be str or int, got {k!r}")
            return {"__dict__": [[k, self.visit(v, path + [k])] for k, v in obj.items()]}
        if isinstance(obj, (list, tuple)):
            tag = "__list__" if isinstance(obj, list) else "__tuple__"
            return {tag: [self.visit(v, path + [i]) for i, v in enumerate(obj)]}
        raise TypeError(
            "graphgrad.save stores tensors, numbers, strings, None and lists/tuples/dicts of "
            f"them (safetensors, no pickle); got {type(obj).__name__}. For a model, save "
            "model.state_dict()."
        )

    def tensor(self, obj, path: list) -> dict:
        data = obj._data if isinstance(obj, Tensor) else obj
        if data.dtype.kind == "c":
            raise TypeError("graphgrad.save: complex tensors are not supported by safetensors")
        key = self.key(path)
        self.arrays[key] = data if data.flags.c_contiguous else data.copy()  # keeps 0-d shape
        node: dict[str, str | bool] = {"__tensor__": key}
        if isinstance(obj, Tensor) and obj.requires_grad:
            node["requires_grad"] = True
        return node


def dumps(obj) -> bytes:
    """``obj`` (tensors in dicts/lists, numbers, strings) as safetensors bytes."""
    flat = _Flattener()
    structure = flat.visit(obj, [])
    metadata = {"format": "pt", _STRUCTURE_KEY: json.dumps(structure)}
    return _pack(flat.arrays, metadata)


def _pack(arrays: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    """The safetensors container: a length, a JSON header padded to 8 bytes, the raw arrays."""
    header: dict = {"__metadata__": metadata}
    chunks, offset = [], 0
    for key, array in arrays.items():
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        header[key] = {
            "dtype": _CODES[array.dtype.newbyteorder("<")],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format aligns the data to 8 bytes
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


# -- load -------------------------------------------------------------------------------------
def _header(raw: bytes, name: str) -> dict:
    """The JSON header, after the checks that give a truncated or foreign file a clear error."""
    if len(raw) < 8:
        raise CheckpointError(
            f"{name}: file too short to be a safetensors checkpoint ({len(raw)} bytes)"
        )
    (size,) = struct.unpack("<Q", raw[:8])
    if size > len(raw) - 8:
        raise CheckpointError(
            f"{name}: truncated checkpoint: the header says {size} bytes but "
            f"only {len(raw) - 8} follow"
        )
    header = _json(raw[8 : 8 + size], name, "header")
    if not isinstance(header, dict):
        raise CheckpointError(f"{name}: corrupt checkpoint header (not a JSON object)")
    meta = header.get("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise CheckpointError(f"{name}: corrupt checkpoint header (bad __metadata__)")
    for key, entry in header.items():
        if key != "__metadata__":
            _check_entry(key, entry, name)
    return header


def _json(text, name: str, what: str):
    """Parsed JSON; a deeply nested document is refused before Python's parser recurses."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as err:
            raise CheckpointError(f"{name}: corrupt checkpoint {what} ({err})") from None
    if not isinstance(text, str):
        raise CheckpointError(f"{name}: corrupt checkpoint {what} (not a string)")
    if _nesting(text) > MAX_DEPTH:
        raise CheckpointError(
            f"{name}: the checkpoint {what} nests more than {MAX_DEPTH} levels deep"
        )
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise CheckpointError(f"{name}: corrupt checkpoint {what} ({err})") from None


def _nesting(text: str) -> int:
    """The deepest bracket nesting of a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_entry(key: str, entry, name: str) -> None:
    """A tensor entry of the header: a dict whose dtype graphgrad has."""
    if not isinstance(entry, dict) or not isinstance(entry.get("dtype"), str):
        raise CheckpointError(f"{name}: corrupt checkpoint header (entry {key!r})")
    code = entry["dtype"]
    if code not in _DTYPES:
        torch_name = _TORCH_NAMES.get(code)
        if torch_name is None:
            raise CheckpointError(f"{name}: corrupt checkpoint header (unknown dtype {code!r})")
        raise CheckpointError(
            f"{name}: unsupported dtype {code} ({torch_name}) in tensor {key!r}: graphgrad has "
            f"no {torch_name} dtype; convert it in PyTorch first (for example tensor.float())"
        )


def _arrays(raw: bytes, header: dict, name: str) -> dict[str, np.ndarray]:
    """Each header entry's array, after checking that its bytes are in the file."""
    (size,) = struct.unpack("<Q", raw[:8])
    data = memoryview(raw)[8 + size :]
    arrays = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        dtype, shape, span = _DTYPES[entry["dtype"]], entry.get("shape"), entry.get("data_offsets")
        if not (_ints(shape) and _ints(span) and len(span) == 2 and 0 <= span[0] <= span[1]):
            raise CheckpointError(f"{name}: corrupt checkpoint header (entry {key!r})")
        if span[1] > len(data):
            raise CheckpointError(f"{name}: truncated checkpoint (tensor {key!r} is cut off)")
        if span[1] - span[0] != dtype.itemsize * math.prod(shape):
            raise CheckpointError(
                f"{name}: corrupt checkpoint header (tensor {key!r}: its shape {shape} does not "
                f"match its {span[1] - span[0]} bytes)"
            )
        array = np.frombuffer(data[span[0] : span[1]], dtype=dtype).reshape(shape)
        arrays[key] = array.astype(dtype.newbyteorder("="))
    return arrays


def _ints(value) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
    )


def _tensor(array: np.ndarray) -> Tensor:
    return Tensor._make(np.array(array, copy=True))


def _rebuild(node, arrays: dict, name: str):
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        key = node["__tensor__"]
        if key not in arrays:
            raise CheckpointError(
                f"{name}: the checkpoint's structure names a missing tensor {key!r}"
            )
        t = _tensor(arrays[key])
        if node.get("requires_grad"):
            t.requires_grad_(True)
        return t
    if "__dict__" in node:
        return {k: _rebuild(v, arrays, name) for k, v in node["__dict__"]}
    if "__list__" in node:
        return [_rebuild(v, arrays, name) for v in node["__list__"]]
    if "__tuple__" in node:
        return tuple(_rebuild(v, arrays, name) for v in node["__tuple__"])
    raise CheckpointError(f"{name}: corrupt checkpoint structure")


def loads(raw: bytes, name: str):
    """What ``dumps`` wrote, or any safetensors file (a dict of tensors, in file order)."""
    header = _header(raw, name)
    arrays = _arrays(raw, header, name)
    meta = header.get("__metadata__") or {}
    if _STRUCTURE_KEY in meta:
        structure = _json(meta[_STRUCTURE_KEY], name, "structure")
        check_depth(structure, name)
        try:
            return _rebuild(structure, arrays, name)
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            raise CheckpointError(f"{name}: corrupt checkpoint structure ({err})") from None
    order = [k for k in header if k != "__metadata__"]
    return {k: _tensor(arrays[k]) for k in order}
