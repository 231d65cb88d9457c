"""PyTorch's checkpoint format both ways: files torch.save writes load here, files graphgrad.save
writes load in torch.load (weights_only=True, its default), for real models, optimizers, every
dtype, views, and the containers checkpoints hold (issue 12 item 4)."""

from __future__ import annotations

import collections
import io
import math

import numpy as np
import pytest

import graphgrad
from graphgrad.serialization import CheckpointError

torch = pytest.importorskip("torch")


def _net(T):
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 3, 3),
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(12, 5),
    )


def _embedding_net(T):
    return T.nn.Sequential(T.nn.Embedding(7, 4), T.nn.Linear(4, 2))


def _train(T, model, opt_name: str, kwargs: dict, steps: int = 2):
    """A few optimizer steps (so BatchNorm's statistics and the optimizer state move)."""
    opt = getattr(T.optim, opt_name)(model.parameters(), **kwargs)
    x = T.tensor(np.linspace(-1, 1, 2 * 16, dtype=np.float32).reshape(2, 1, 4, 4))
    for _ in range(steps):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    return opt, x


def _to_bytes(T, obj, **kwargs) -> bytes:
    buf = io.BytesIO()
    T.save(obj, buf, **kwargs)
    return buf.getvalue()


def _same_state(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for key in a:
        x, y = a[key], b[key]
        np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy(), err_msg=key)
        assert str(x.dtype) == str(y.dtype) and tuple(x.shape) == tuple(y.shape)


@pytest.mark.parametrize(
    ("opt_name", "kwargs"), [("Adam", {"lr": 0.01}), ("SGD", {"lr": 0.1, "momentum": 0.9})]
)
@pytest.mark.parametrize("legacy", [False, True])
def test_torch_checkpoint_of_model_and_optimizer_loads_here(opt_name, kwargs, legacy):
    torch.manual_seed(0)
    theirs = _net(torch)
    their_opt, x = _train(torch, theirs, opt_name, kwargs)
    ckpt = {"model": theirs.state_dict(), "optim": their_opt.state_dict(), "epoch": 3}
    raw = _to_bytes(torch, ckpt, _use_new_zipfile_serialization=not legacy)
    loaded = graphgrad.load(raw)
    assert loaded["epoch"] == 3 and isinstance(loaded["model"], collections.OrderedDict)
    ours = _net(graphgrad)
    ours.load_state_dict(loaded["model"])
    _same_state(ours.state_dict(), {k: v for k, v in theirs.state_dict().items()})
    our_opt = getattr(graphgrad.optim, opt_name)(ours.parameters(), **kwargs)
    our_opt.load_state_dict(loaded["optim"])
    assert our_opt.state_dict()["param_groups"] == their_opt.state_dict()["param_groups"]
    # one more step on both sides continues identically (in eval mode: in training mode the
    # BatchNorm cancels the conv bias's gradient to rounding noise, which Adam amplifies)
    for model, opt, xs in ((theirs, their_opt, x), (ours, our_opt, graphgrad.tensor(x.numpy()))):
        model.eval()
        opt.zero_grad()
        model(xs).pow(2).sum().backward()
        opt.step()
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


@pytest.mark.parametrize(
    ("opt_name", "kwargs"), [("Adam", {"lr": 0.01}), ("SGD", {"lr": 0.1, "momentum": 0.9})]
)
@pytest.mark.parametrize("legacy", [False, True])
def test_graphgrad_checkpoint_loads_in_torch_with_weights_only(opt_name, kwargs, legacy):
    graphgrad.manual_seed(0)
    ours = _net(graphgrad)
    our_opt, x = _train(graphgrad, ours, opt_name, kwargs)
    ckpt = {"model": ours.state_dict(), "optim": our_opt.state_dict(), "epoch": 3}
    raw = _to_bytes(graphgrad, ckpt, _use_new_zipfile_serialization=not legacy)
    loaded = torch.load(io.BytesIO(raw), weights_only=True)
    theirs = _net(torch)
    theirs.load_state_dict(loaded["model"])
    _same_state(ours.state_dict(), theirs.state_dict())
    their_opt = getattr(torch.optim, opt_name)(theirs.parameters(), **kwargs)
    their_opt.load_state_dict(loaded["optim"])
    assert loaded["epoch"] == 3
    theirs.eval()
    ours.eval()
    np.testing.assert_allclose(
        ours(x).detach().numpy(), theirs(torch.tensor(x.numpy())).detach().numpy(), rtol=1e-5
    )


def test_embedding_model_round_trips_through_torch(tmp_path):
    ours = _embedding_net(graphgrad)
    path = tmp_path / "emb.pt"
    graphgrad.save(ours.state_dict(), path)
    theirs = _embedding_net(torch)
    theirs.load_state_dict(torch.load(path))
    torch.save(theirs.state_dict(), path)
    back = graphgrad.load(path)
    _same_state(back, ours.state_dict())


DTYPES = [
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "bool",
]


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_both_ways(dtype, legacy):
    values = np.arange(-3, 9).reshape(3, 4) % 5
    arr = values.astype(getattr(np, dtype) if dtype != "bool" else np.bool_)
    ours = graphgrad.tensor(arr)
    theirs = torch.load(
        io.BytesIO(_to_bytes(graphgrad, ours, _use_new_zipfile_serialization=not legacy))
    )
    assert str(theirs.dtype) == str(ours.dtype)
    np.testing.assert_array_equal(theirs.numpy(), arr)
    back = graphgrad.load(_to_bytes(torch, theirs, _use_new_zipfile_serialization=not legacy))
    assert back.dtype == ours.dtype
    np.testing.assert_array_equal(back.numpy(), arr)


@pytest.mark.parametrize("legacy", [False, True])
def test_views_share_storage_and_identity_both_ways(legacy):
    kwargs = {"_use_new_zipfile_serialization": not legacy}
    for src, dst in ((torch, graphgrad), (graphgrad, torch)):
        base = src.arange(12.0)
        view = base[2:8].view(2, 3).t()  # non-contiguous, offset 2
        loaded = dst.load(io.BytesIO(_to_bytes(src, {"v": view, "b": base, "v2": view}, **kwargs)))
        assert loaded["v"] is loaded["v2"]
        assert loaded["v"].tolist() == [[2.0, 5.0], [3.0, 6.0], [4.0, 7.0]]
        loaded["b"].add_(100)  # one storage: the view sees the write
        assert loaded["v"].tolist() == [[102.0, 105.0], [103.0, 106.0], [104.0, 107.0]]


def test_containers_and_scalars_from_torch():
    obj = {
        "nested": [1, [2, (3, {"x": None})], ()],
        "od": collections.OrderedDict([("b", 1), ("a", 2)]),
        "size": torch.Size([2, 3]),
        "scalars": (True, False, -7, 2**70, -(2**70), 1.5, float("inf"), "é", b"\x00\xff"),
        "nan": float("nan"),
        "long_tuple": tuple(range(10)),
        "zero_d": torch.tensor(3.5),
        "param": torch.nn.Parameter(torch.ones(2)),
        "frozen": torch.nn.Parameter(torch.ones(1), requires_grad=False),
        "grad": torch.ones(2, requires_grad=True),
        "dtype": torch.float64,
        "empty": torch.zeros(0, 3),
        "expanded": torch.ones(1, 3).expand(4, 3),
    }
    for protocol in (2, 4, 5):
        out = graphgrad.load(_to_bytes(torch, obj, pickle_protocol=protocol))
        assert out["nested"] == [1, [2, (3, {"x": None})], ()]
        assert type(out["od"]) is collections.OrderedDict and list(out["od"]) == ["b", "a"]
        assert out["size"] == graphgrad.Size([2, 3]) and type(out["size"]) is graphgrad.Size
        assert out["scalars"] == obj["scalars"] and math.isnan(out["nan"])
        assert out["long_tuple"] == tuple(range(10))
        assert out["zero_d"].shape == () and out["zero_d"].item() == 3.5
        assert type(out["param"]) is graphgrad.nn.Parameter and out["param"].requires_grad
        assert type(out["frozen"]) is graphgrad.nn.Parameter and not out["frozen"].requires_grad
        assert out["grad"].requires_grad and out["grad"].is_leaf
        assert out["dtype"] is graphgrad.float64
        assert tuple(out["empty"].shape) == (0, 3)
        assert out["expanded"].tolist() == [[1.0] * 3] * 4


def test_containers_and_scalars_to_torch():
    obj = {
        "nested": [1, [2, (3, {"x": None})], ()],
        "od": collections.OrderedDict([("b", 1), ("a", 2)]),
        "size": graphgrad.Size([2, 3]),
        "scalars": (True, False, -7, 2**70, -(2**70), 1.5, float("inf"), "é", b"\x00\xff"),
        "long_tuple": tuple(range(10)),
        "zero_d": graphgrad.tensor(3.5),
        "param": graphgrad.nn.Parameter(graphgrad.ones(2)),
        "grad": graphgrad.ones(2, requires_grad=True),
        "dtype": graphgrad.int32,
        "empty": graphgrad.zeros(0, 3),
    }
    out = torch.load(io.BytesIO(_to_bytes(graphgrad, obj)))  # weights_only=True
    assert out["nested"] == obj["nested"] and out["scalars"] == obj["scalars"]
    assert type(out["od"]) is collections.OrderedDict and list(out["od"]) == ["b", "a"]
    assert out["size"] == torch.Size([2, 3]) and type(out["size"]) is torch.Size
    assert out["long_tuple"] == tuple(range(10)) and out["zero_d"].item() == 3.5
    assert type(out["param"]) is torch.nn.Parameter and out["grad"].requires_grad
    assert out["dtype"] is torch.int32 and tuple(out["empty"].shape) == (0, 3)


def test_numpy_arrays_stay_numpy_arrays():
    arrays = {
        "a": np.arange(6, dtype=np.int16).reshape(2, 3),
        "f": np.asfortranarray(np.ones((2, 3))),
        "s": np.float32(2.5),
    }
    out = graphgrad.load(_to_bytes(torch, arrays))
    assert type(out["a"]) is np.ndarray and out["a"].dtype == np.int16
    np.testing.assert_array_equal(out["a"], arrays["a"])
    np.testing.assert_array_equal(out["f"], arrays["f"])
    assert out["s"] == np.float32(2.5) and out["s"].dtype == np.float32
    back = torch.load(io.BytesIO(_to_bytes(graphgrad, arrays)), weights_only=False)
    np.testing.assert_array_equal(back["a"], arrays["a"])
    np.testing.assert_array_equal(back["f"], arrays["f"])
    assert back["s"] == np.float32(2.5)
    ours = graphgrad.load(_to_bytes(graphgrad, arrays))
    assert type(ours["a"]) is np.ndarray and ours["a"].dtype == np.int16


def test_state_dict_metadata_survives_both_ways():
    sd = torch.nn.Linear(2, 2).state_dict()
    loaded = graphgrad.load(_to_bytes(torch, sd))
    assert loaded._metadata == sd._metadata
    again = torch.load(io.BytesIO(_to_bytes(graphgrad, loaded)))
    assert again._metadata == sd._metadata


def test_path_save_uses_the_file_stem_as_the_archive_folder(tmp_path):
    import zipfile

    path = tmp_path / "model.pt"
    graphgrad.save({"w": graphgrad.ones(2)}, path)
    names = zipfile.ZipFile(path).namelist()
    assert "model/data.pkl" in names and "model/byteorder" in names and "model/data/0" in names
    with zipfile.ZipFile(path) as z:  # records are 64-byte aligned, as PyTorch's (mmap-able)
        for info in z.infolist():
            local = 30 + len(info.filename) + len(info.extra)
            assert (info.header_offset + local) % 64 == 0, info.filename
    assert torch.load(path, mmap=True)["w"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: torch.ones(2, dtype=torch.bfloat16), "torch.bfloat16"),
        (lambda: torch.ones(2, dtype=torch.uint16), "torch.uint16"),
        (lambda: torch.ones(2, dtype=torch.uint32), "torch.uint32"),
        (lambda: torch.ones(2).to(torch.float8_e4m3fn), "torch.float8_e4m3fn"),
    ],
)
def test_dtypes_graphgrad_lacks_are_named(make, name):
    with pytest.raises(CheckpointError, match=f"unsupported dtype {name}"):
        graphgrad.load(_to_bytes(torch, {"t": make()}))


def test_unsupported_objects_are_refused_with_a_clear_type_error():
    with pytest.raises(TypeError, match="got object"):
        graphgrad.save(object(), io.BytesIO())
    with pytest.raises(TypeError, match="got frozenset"):
        graphgrad.save(frozenset({1, 2}), io.BytesIO())


def test_sets_load_in_torch_with_weights_only():
    buf = io.BytesIO()
    graphgrad.save({"names": {"b", "a"}, "ids": {3, 1}}, buf)
    assert torch.load(io.BytesIO(buf.getvalue())) == {"names": {"a", "b"}, "ids": {1, 3}}
    assert graphgrad.load(buf.getvalue()) == {"names": {"a", "b"}, "ids": {1, 3}}
