"""``graphgrad.save`` / ``graphgrad.load`` in the safetensors format: no pickle, ever.

A flat ``state_dict`` is written as plain safetensors entries (``"fc.weight"`` -> array), so
``safetensors.torch.load_file`` opens it in PyTorch, and a file PyTorch wrote with
``safetensors.torch.save_file`` loads here. Anything nested (an optimizer's state_dict, a dict
holding model, optimizer and epoch) keeps its tensors as entries too, and its shape (dicts,
lists, numbers, strings) as JSON in the file's metadata. Loading parses JSON and raw arrays
only, so a checkpoint can never run code; a truncated, corrupt or foreign file raises
``CheckpointError`` before anything is returned.

>>> import io
>>> import graphgrad as torch
>>> buf = io.BytesIO()
>>> torch.save({"w": torch.ones(2), "step": 3}, buf)
>>> _ = buf.seek(0)
>>> torch.load(buf)
{'w': tensor([1., 1.]), 'step': 3}
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np

from .tensor import Tensor

_STRUCTURE_KEY = "graphgrad"
_SCALARS = (bool, int, float, str, type(None))


class CheckpointError(RuntimeError):
    """A checkpoint file that is truncated, corrupt, or not a safetensors file."""


def _safetensors():
    try:
        import safetensors.numpy as st
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "graphgrad.save/load need the safetensors package: pip install 'graphgrad[io]'"
        ) from err
    return st


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
        node = {"__tensor__": key}
        if isinstance(obj, Tensor) and obj.requires_grad:
            node["requires_grad"] = True
        return node


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
) -> None:
    """Write ``obj`` (tensors in dicts and lists, numbers, strings) to ``f`` in the
    safetensors format: no pickle, so loading runs no code. Needs the ``safetensors`` package
    (the ``io`` extra).

    Args:
        obj: a ``state_dict`` or another nest of dicts, lists and tensors.
        f: a path or a binary file object.
        pickle_module: accepted for compatibility (nothing is pickled).
        pickle_protocol: accepted for compatibility.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> torch.save({"w": torch.tensor([1.0, 2.0])}, buffer)
    >>> _ = buffer.seek(0)
    >>> torch.load(buffer)
    {'w': tensor([1., 2.])}
    """
    flat = _Flattener()
    structure = flat.visit(obj, [])
    metadata = {"format": "pt", _STRUCTURE_KEY: json.dumps(structure)}
    payload = _safetensors().save(flat.arrays, metadata=metadata)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            fh.write(payload)
    else:
        f.write(payload)


# -- load -------------------------------------------------------------------------------------
def _read(f) -> tuple[bytes, str]:
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read(), os.fspath(f)
    if isinstance(f, (bytes, bytearray)):
        return bytes(f), "<bytes>"
    return f.read(), getattr(f, "name", "<file>")


def _header(raw: bytes, name: str) -> dict:
    """The JSON header, after the checks that give a truncated or foreign file a clear error."""
    if raw[:4] == b"PK\x03\x04" or raw[:1] == b"\x80":
        raise CheckpointError(
            f"{name} is a PyTorch pickle checkpoint (torch.save). graphgrad never unpickles: "
            "in PyTorch, write it with safetensors.torch.save_file(model.state_dict(), path)."
        )
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
    try:
        header = json.loads(raw[8 : 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{name}: corrupt checkpoint header ({err})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{name}: corrupt checkpoint header (not a JSON object)")
    return header


def _arrays(raw: bytes, name: str) -> dict[str, np.ndarray]:
    try:
        return _safetensors().load(raw)
    except Exception as err:  # safetensors raises its own SafetensorError / ValueError
        raise CheckpointError(f"{name}: corrupt or truncated checkpoint ({err})") from None


def _rebuild(node, arrays: dict, name: str):
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        key = node["__tensor__"]
        if key not in arrays:
            raise CheckpointError(
                f"{name}: the checkpoint's structure names a missing tensor {key!r}"
            )
        t = Tensor._make(np.array(arrays[key], copy=True))
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


def load(
    f,
    map_location=None,
    pickle_module=None,
    *,
    weights_only: bool = True,
    mmap: bool | None = None,
    **kwargs,
):
    """Read what ``save`` wrote, or any safetensors file (a dict of tensors, in file order).

    Args:
        f: a path or a binary file object.
        map_location: ``"cpu"`` or ``None`` (everything loads on the CPU).
        pickle_module: accepted for compatibility.
        weights_only: accepted; the format only ever holds data.
        mmap: accepted for compatibility.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> torch.save([torch.tensor(3)], buffer)
    >>> _ = buffer.seek(0)
    >>> torch.load(buffer)
    [tensor(3)]
    """
    raw, name = _read(f)
    header = _header(raw, name)
    arrays = _arrays(raw, name)
    meta = header.get("__metadata__") or {}
    if _STRUCTURE_KEY in meta:
        try:
            structure = json.loads(meta[_STRUCTURE_KEY])
        except json.JSONDecodeError as err:
            raise CheckpointError(f"{name}: corrupt checkpoint structure ({err})") from None
        return _rebuild(structure, arrays, name)
    order = [k for k in header if k != "__metadata__"]
    return {k: Tensor._make(np.array(arrays[k], copy=True)) for k in order}


__all__ = ["CheckpointError", "load", "save"]
