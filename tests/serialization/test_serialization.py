"""Checkpoints in the safetensors format (written and read by graphgrad itself, with NumPy):
round trips with PyTorch's safetensors package, nested objects, bad files."""

from __future__ import annotations

import io

import numpy as np
import pytest

import graphgrad
from graphgrad import nn
from graphgrad.serialization import CheckpointError
from graphgrad.serialization._safetensors import dumps


def _model():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))


def test_state_dict_round_trip(tmp_path):
    model = _model()
    model(graphgrad.ones(2, 1, 4, 4))  # move the running statistics
    path = tmp_path / "model.safetensors"
    graphgrad.save(model.state_dict(), path)
    loaded = graphgrad.load(path)
    assert list(loaded) == list(model.state_dict())
    other = _model()
    other.load_state_dict(loaded)
    for (k, a), b in zip(model.state_dict().items(), other.state_dict().values(), strict=False):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)
        assert a.dtype == b.dtype
    assert loaded["1.num_batches_tracked"].dtype == graphgrad.int64


def test_graphgrad_checkpoint_opens_in_torch(tmp_path):
    torch = pytest.importorskip("torch")
    load_file = pytest.importorskip("safetensors.torch").load_file

    ours = _model()
    path = tmp_path / "ours.safetensors"
    graphgrad.save(ours.state_dict(), path)
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(), torch.nn.Linear(8, 3)
    )
    theirs.load_state_dict(load_file(str(path)))
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4)).astype(np.float32)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(
        ours(graphgrad.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_torch_checkpoint_opens_in_graphgrad(tmp_path):
    torch = pytest.importorskip("torch")
    save_file = pytest.importorskip("safetensors.torch").save_file

    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    path = tmp_path / "theirs.safetensors"
    save_file(theirs.state_dict(), str(path))
    ours = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    ours.load_state_dict(graphgrad.load(path))
    x = np.ones((1, 4), np.float32)
    np.testing.assert_allclose(
        ours(graphgrad.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-6,
    )


def test_nested_checkpoint_with_optimizer_state():
    model = nn.Linear(2, 1)
    opt = graphgrad.optim.Adam(model.parameters(), lr=0.1)
    model(graphgrad.ones(3, 2)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    graphgrad.save(
        {
            "model": model.state_dict(),
            "optim": opt.state_dict(),
            "epoch": 3,
            "name": "run",
            "betas": (0.9, 0.999),
            "none": None,
        },
        buf,
    )
    buf.seek(0)
    ckpt = graphgrad.load(buf)
    assert ckpt["epoch"] == 3 and ckpt["name"] == "run" and ckpt["none"] is None
    assert ckpt["betas"] == (0.9, 0.999)
    assert set(ckpt["optim"]["state"]) == {0, 1}
    fresh = graphgrad.optim.Adam(nn.Linear(2, 1).parameters(), lr=0.5)
    fresh.load_state_dict(ckpt["optim"])
    assert fresh.param_groups[0]["lr"] == 0.1
    assert float(ckpt["optim"]["state"][0]["step"]) == 1.0


def test_single_tensor_keeps_requires_grad():
    buf = io.BytesIO()
    graphgrad.save(graphgrad.tensor([1.0, 2.0], requires_grad=True), buf)
    t = graphgrad.load(io.BytesIO(buf.getvalue()))
    assert t.requires_grad and t.tolist() == [1.0, 2.0]


def test_unsupported_objects_are_refused():
    # A module pickles whole now (tests/serialization/test_modules.py); another class does not.
    with pytest.raises(TypeError, match="and nn.Module objects; got object"):
        graphgrad.save(object(), io.BytesIO())


def _good_bytes() -> bytes:
    return dumps(nn.Linear(3, 2).state_dict())  # safetensors bytes


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda raw: raw[: len(raw) // 2], "truncated|corrupt"),
        (lambda raw: raw[:5], "too short"),
        (lambda raw: raw[:8] + b"{not json" + raw[17:], "corrupt checkpoint header"),
        (lambda raw: b"", "too short"),
        (lambda raw: b"\x80\x02}q\x00.", "not a PyTorch checkpoint"),
        (lambda raw: b"PK\x03\x04" + raw[4:], "corrupt or truncated checkpoint archive"),
    ],
)
def test_bad_files_raise_clear_errors_and_leave_the_model(tmp_path, mangle, message):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(mangle(_good_bytes()))
    model = nn.Linear(3, 2)
    before = model.weight.detach().clone()
    with pytest.raises(CheckpointError, match=message):
        model.load_state_dict(graphgrad.load(path))
    np.testing.assert_array_equal(model.weight.detach().numpy(), before.numpy())


def test_mismatched_checkpoint_leaves_the_model(tmp_path):
    path = tmp_path / "other.safetensors"
    graphgrad.save(nn.Linear(4, 2).state_dict(), path)
    model = nn.Linear(3, 2)
    before_w = model.weight.detach().clone()
    before_b = model.bias.detach().clone()
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        model.load_state_dict(graphgrad.load(path))
    np.testing.assert_array_equal(model.weight.detach().numpy(), before_w.numpy())
    np.testing.assert_array_equal(model.bias.detach().numpy(), before_b.numpy())


def test_torch_pickle_file_loads(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "pickled.pt"
    torch.save({"w": torch.ones(2)}, str(path))
    assert graphgrad.load(path)["w"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "int32", "int16",
                                   "int8", "uint8", "bool"])  # fmt: skip
def test_every_dtype_matches_the_safetensors_package_byte_for_byte(dtype):
    st = pytest.importorskip("safetensors.numpy")
    arrays = {"a": (np.arange(6) % 3).astype(dtype).reshape(2, 3), "b": np.ones((), dtype)}
    ours = dumps({k: graphgrad.tensor(v) for k, v in arrays.items()})
    for key, value in st.load(ours).items():
        np.testing.assert_array_equal(value, arrays[key])
        assert value.dtype == arrays[key].dtype and value.shape == arrays[key].shape
    theirs = graphgrad.load(st.save(arrays))
    assert {k: (v.numpy().dtype, v.tolist()) for k, v in theirs.items()} == {
        k: (v.dtype, v.tolist()) for k, v in arrays.items()
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}, "does not match its 8 bytes"),
        ({"dtype": "F32", "shape": [2], "data_offsets": [0, 800]}, "truncated checkpoint"),
        ({"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}, r"entry 'w'"),
        ({"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}, r"entry 'w'"),
        ({"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}, r"entry 'w'"),
    ],
)
def test_header_entries_that_do_not_fit_their_bytes_are_refused(entry, message):
    import json
    import struct

    text = json.dumps({"w": entry}).encode()
    raw = struct.pack("<Q", len(text)) + text + b"\0" * 8
    with pytest.raises(CheckpointError, match=message):
        graphgrad.load(raw)
