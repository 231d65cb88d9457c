"""Hostile, corrupt and crafted checkpoints: code is never run, and every bad file raises the
one ``CheckpointError`` (an ``UnpicklingError`` and a ``RuntimeError``), never a RecursionError
or a leaked NumPy/zipfile error (issue 12 item 4, issue 13 item 18)."""

from __future__ import annotations

import builtins
import io
import json
import os
import pickle
import random
import struct
import zipfile

import numpy as np
import pytest

import graphgrad
from graphgrad.serialization import CheckpointError

MARKER_DIR = "graphgrad-pwned-marker"


def _zip_with_pickle(data_pkl: bytes, extra: dict | None = None) -> bytes:
    """A zip checkpoint shaped like PyTorch's, with the given data.pkl."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", b"little")
        for name, data in (extra or {}).items():
            z.writestr(f"archive/{name}", data)
        z.writestr("archive/version", b"3\n")
    return buf.getvalue()


class _Reduce:
    """Pickles as ``func(*args)``: what an attacker's checkpoint would contain."""

    def __init__(self, func, args) -> None:
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _attacks(tmp_path):
    marker = str(tmp_path / MARKER_DIR)
    return {
        "os.system": _Reduce(os.system, (f"mkdir {marker}",)),
        "os.mkdir": _Reduce(os.mkdir, (marker,)),
        "eval": _Reduce(builtins.eval, (f"__import__('os').mkdir({marker!r})",)),
        "exec": _Reduce(builtins.exec, (f"import os; os.mkdir({marker!r})",)),
        "getattr": _Reduce(builtins.getattr, ("x", "upper")),
        "nested": {"state": [1, _Reduce(os.mkdir, (marker,))]},
    }


@pytest.mark.parametrize("weights_only", [True, False, None])
@pytest.mark.parametrize("attack", ["os.system", "os.mkdir", "eval", "exec", "getattr", "nested"])
@pytest.mark.parametrize("container", ["zip", "legacy", "bare"])
def test_pickles_that_run_code_are_refused(tmp_path, attack, container, weights_only):
    payload = pickle.dumps(_attacks(tmp_path)[attack], protocol=2)
    if container == "zip":
        raw = _zip_with_pickle(payload)
    elif container == "legacy":
        magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
        raw = magic + pickle.dumps(1001, protocol=2) + pickle.dumps({}, protocol=2) + payload
    else:
        raw = payload
    with pytest.raises(CheckpointError, match="never runs code|not a PyTorch checkpoint"):
        graphgrad.load(raw, weights_only=weights_only)
    assert not os.path.exists(tmp_path / MARKER_DIR)


def _reduce_on(module: str, name: str) -> bytes:
    """``module.name("x")`` as raw opcodes (GLOBAL, args, REDUCE)."""
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"X\x01\x00\x00\x00x\x85R."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_reduce_on("builtins", "getattr"), "never runs code"),
        (_reduce_on("builtins", "__import__"), "never runs code"),
        (_reduce_on("torch", "load"), "never runs code"),
        (_reduce_on("torch._utils", "_rebuild_from_type_v2"), "never runs code"),
        (_reduce_on("numpy", "load"), "never runs code"),
        (_reduce_on("torch", "FloatStorage"), "never runs code"),  # a storage class, called
        (_reduce_on("numpy", "ndarray"), "non-callable"),  # allowed only as an argument
        (b"\x80\x02(cos\nsystem\nX\x02\x00\x00\x00idi.", "never runs code|would call"),  # INST
        (b"\x80\x02(X\x02\x00\x00\x00ido.", "would call code"),  # OBJ
        (b"\x80\x02\x82\x01.", "would call code"),  # EXT1
        (b"\x80\x02}X\x09\x00\x00\x00__class__Nb.", "refused BUILD"),  # BUILD on a dict
        (b"\x80\x02ccollections\nOrderedDict\n)R}X\x09\x00\x00\x00__class__Nsb.", "refused BUILD"),
        (b"\x80\x02ccollections\nOrderedDict\nX\x01\x00\x00\x00x\x85R.", "OrderedDict"),
    ],
)
def test_crafted_opcodes_are_refused(raw, message):
    for data in (raw, _zip_with_pickle(raw)):
        with pytest.raises(CheckpointError, match=message):
            graphgrad.load(data)


def test_build_cannot_overwrite_a_tensors_attributes():
    buf = io.BytesIO()
    graphgrad.save(graphgrad.ones(2), buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    pkl = z.read("archive/data.pkl")
    assert pkl.endswith(b".")
    evil = pkl[:-1] + b"}X\x05\x00\x00\x00_dataNsb."  # tensor.__dict__["_data"] = None
    with pytest.raises(CheckpointError, match="refused BUILD on Tensor"):
        graphgrad.load(_zip_with_pickle(evil, {"data/0": z.read("archive/data/0")}))


def test_many_numpy_arrays_load_in_linear_time():
    arrays = [np.full(2, i, np.int32) for i in range(3000)]
    buf = io.BytesIO()
    graphgrad.save(arrays, buf)
    out = graphgrad.load(buf.getvalue())
    assert [int(a[0]) for a in out] == list(range(3000))


def test_the_error_class_is_unpickling_and_runtime_error():
    with pytest.raises(pickle.UnpicklingError):
        graphgrad.load(_reduce_on("os", "system"))
    with pytest.raises(RuntimeError):
        graphgrad.load(b"PK\x03\x04garbage")


@pytest.mark.parametrize(
    "raw",
    [
        b"\x80\x02" + b"]" * 20_000 + b"a" * 19_999 + b".",  # lists nested on the stack
        b"\x80\x02N" + b"\x85" * 20_000 + b".",  # ((((None,),),),) with a constant stack
        b"\x80\x02]q\x00q\x02" + b"]q\x01h\x00h\x01a0q\x00" * 20_000 + b"h\x02.",  # memo
        b"\x80\x02" + b"}" * 5000 + b"(" + b"Ku" * 0 + b".",
    ],
)
def test_deep_nesting_gives_a_clear_error_not_recursion(raw):
    with pytest.raises(CheckpointError, match="levels deep|corrupt"):
        graphgrad.load(_zip_with_pickle(raw))


def test_moderate_nesting_loads():
    obj = [1]
    for _ in range(100):
        obj = [obj]
    assert graphgrad.load(_zip_with_pickle(pickle.dumps(obj, protocol=2))) == obj


def _storage_pickle(numel: int, size: tuple, stride: tuple, offset: int = 0) -> bytes:
    """A data.pkl holding one float tensor on storage ``0`` (as PyTorch writes it)."""

    def tup(values):
        return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"

    return (
        b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage"
        b"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu"
        + b"\x8a\x08"
        + struct.pack("<q", numel)
        + b"tQJ"
        + struct.pack("<i", offset)
        + tup(size)
        + tup(stride)
        + b"\x89ccollections\nOrderedDict\n)RtR."
    )


@pytest.mark.parametrize(
    ("numel", "size", "stride", "offset", "data", "message"),
    [
        (2**60, (4,), (1,), 0, b"\0" * 16, "holds 16 bytes; its storage record claims"),
        (4, (4,), (1,), 0, b"\0" * 8, "holds 8 bytes"),
        (4, (5,), (1,), 0, b"\0" * 16, "reach element 4 of a storage of 4"),
        (4, (2, 2), (2, 2), 0, b"\0" * 16, "reach element"),
        (4, (2,), (1,), 3, b"\0" * 16, "reach element 4"),
        (4, (-1,), (1,), 0, b"\0" * 16, "negative size"),
        (4, (2,), (-1,), 0, b"\0" * 16, "negative"),
        (4, (2**30, 2**30), (0, 0), 0, b"\0" * 16, "elements"),
        (-1, (1,), (1,), 0, b"", "negative storage size"),
    ],
)
def test_huge_or_inconsistent_tensor_records(numel, size, stride, offset, data, message):
    raw = _zip_with_pickle(_storage_pickle(numel, size, stride, offset), {"data/0": data})
    with pytest.raises(CheckpointError, match=message):
        graphgrad.load(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b"\x80\x02X\xff\xff\xff\xff.",  # a string claiming 4 GiB
        b"\x80\x02\x8b\xff\xff\xff\x7f.",  # LONG4 of 2 GiB
        b"\x80\x02\x8e" + struct.pack("<Q", 2**62) + b".",  # BINBYTES8
        b"\x80\x02h\x05.",  # a memo entry never stored
        b"\x80\x02t.",  # TUPLE without MARK
        b"\x80\x02a.",  # APPEND on an empty stack
        b"\x80\x02K\x01K\x02s.",  # SETITEM on an int
        b"\x80\x02]]}s.",  # an unhashable key
        b"\x80\x02",  # no STOP
        b"\x80\x02\xff.",  # an unknown opcode
        b"\x80\x02cnumpy\ndtype\nX\x01\x00\x00\x00O\x85R.",  # object arrays
    ],
)
def test_corrupt_pickles_raise_checkpoint_error(raw):
    with pytest.raises(CheckpointError):
        graphgrad.load(_zip_with_pickle(raw))


def _numpy_pickle(length: int) -> bytes:
    """A pickled float32 array of 3 zeros whose shape is changed to ``(length,)``."""
    raw = pickle.dumps(np.zeros(3, np.float32), protocol=2)
    shape = b"\x8a\x06" + length.to_bytes(6, "little")
    assert raw.count(b"K\x01K\x03\x85") == 1
    return raw.replace(b"K\x01K\x03\x85", b"K\x01" + shape + b"\x85")


def test_numpy_array_claiming_more_than_its_bytes():
    with pytest.raises(CheckpointError, match="NumPy array record"):
        graphgrad.load(_zip_with_pickle(_numpy_pickle(10**12)))


@pytest.fixture(scope="module")
def good_zip() -> bytes:
    buf = io.BytesIO()
    graphgrad.save({"w": graphgrad.arange(20.0).reshape(4, 5), "n": [1, "a", (2.5,)]}, buf)
    return buf.getvalue()


def test_every_truncation_of_a_zip_raises_checkpoint_error(good_zip):
    for cut in range(0, len(good_zip), 7):
        with pytest.raises(CheckpointError):
            graphgrad.load(good_zip[:cut])


def test_random_corruptions_raise_checkpoint_error_or_load(good_zip):
    rng = random.Random(13)
    for _ in range(300):
        raw = bytearray(good_zip)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        try:
            graphgrad.load(bytes(raw))
        except CheckpointError:
            pass


def test_random_corruptions_of_data_pkl(good_zip):
    """Flip bytes inside data.pkl itself (the zip's CRC would catch a plain flip first)."""
    pkl = zipfile.ZipFile(io.BytesIO(good_zip)).read("archive/data.pkl")
    data = zipfile.ZipFile(io.BytesIO(good_zip)).read("archive/data/0")
    rng = random.Random(5)
    for _ in range(300):
        raw = bytearray(pkl)
        for _ in range(rng.randint(1, 3)):
            raw[rng.randrange(2, len(raw))] = rng.randrange(256)
        try:
            graphgrad.load(_zip_with_pickle(bytes(raw), {"data/0": data}))
        except CheckpointError:
            pass


def test_legacy_truncations_raise_checkpoint_error():
    buf = io.BytesIO()
    graphgrad.save({"w": graphgrad.arange(6.0)}, buf, _use_new_zipfile_serialization=False)
    raw = buf.getvalue()
    assert graphgrad.load(raw)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    for cut in range(1, len(raw), 5):
        with pytest.raises(CheckpointError):
            graphgrad.load(raw[:cut])


# -- safetensors (issue 13 item 18) ---------------------------------------------------------------
def _safetensors_file(header: dict | str, payload: bytes = b"") -> bytes:
    text = header if isinstance(header, str) else json.dumps(header)
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw + payload


def test_safetensors_deeply_nested_header_is_refused():
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(CheckpointError, match="levels deep"):
        graphgrad.load(_safetensors_file(deep))


def test_safetensors_deeply_nested_structure_is_refused():
    structure = '{"__list__": [' * 5000 + "]}" * 5000  # graphgrad's nested-object metadata
    text = json.dumps({"__metadata__": {"graphgrad": structure}})
    with pytest.raises(CheckpointError, match="levels deep"):
        graphgrad.load(_safetensors_file(text))


@pytest.mark.parametrize(
    ("dtype", "torch_name"),
    [
        ("U16", "uint16"),
        ("U32", "uint32"),
        ("U64", "uint64"),
        ("BF16", "bfloat16"),
        ("F8_E4M3", "float8_e4m3fn"),
        ("F8_E5M2", "float8_e5m2"),
    ],
)
def test_safetensors_dtypes_graphgrad_lacks_are_named(dtype, torch_name):
    size = {"U16": 2, "U32": 4, "U64": 8, "BF16": 2}.get(dtype, 1)
    raw = _safetensors_file(
        {"t": {"dtype": dtype, "shape": [2], "data_offsets": [0, 2 * size]}}, b"\0" * 2 * size
    )
    with pytest.raises(
        CheckpointError, match=f"unsupported dtype {dtype} \\(torch.{torch_name}\\)"
    ):
        graphgrad.load(raw)


def test_safetensors_uint_files_written_by_safetensors_are_named():
    st = pytest.importorskip("safetensors.numpy")
    raw = st.save({"t": np.arange(3, dtype=np.uint16)})
    with pytest.raises(CheckpointError, match="unsupported dtype U16"):
        graphgrad.load(raw)


@pytest.mark.parametrize(
    "header",
    [
        {"t": 5},
        {"t": {"dtype": 5}},
        {"t": {"dtype": "F32", "shape": "x", "data_offsets": [0, 4]}},
        {"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 400]}},
        {"t": {"dtype": "XYZ", "shape": [1], "data_offsets": [0, 4]}},
        {"__metadata__": {"graphgrad": 5}},
        {"__metadata__": {"graphgrad": "not json"}},
        {"__metadata__": {"graphgrad": '{"__tensor__": "missing"}'}},
        {"__metadata__": {"graphgrad": '{"__dict__": [[1]]}'}},
        {"__metadata__": {"graphgrad": '{"__dict__": 5}'}},
        {"__metadata__": {"graphgrad": '{"__list__": null}'}},
        {"__metadata__": {"graphgrad": '{"__dict__": [[[1], 2]]}'}},
        {"__metadata__": []},
        [],
    ],
)
def test_crafted_safetensors_headers_raise_checkpoint_error(header):
    with pytest.raises(CheckpointError):
        graphgrad.load(_safetensors_file(header, b"\0" * 4))
