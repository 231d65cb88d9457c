"""``torch.save(model)`` of a whole module and ``torch.load(f, weights_only=False)``: the round
trip keeps class, values, sharing and modes; what cannot be written is named; and the reader
builds only nn.Module subclasses already imported, calling nothing a file names."""

from __future__ import annotations

import importlib
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import graphgrad
from graphgrad import nn
from graphgrad.serialization import CheckpointError

MARKER = "graphgrad-module-marker"


class LanguageModel(nn.Module):
    """word_language_model's shape, and every kind of state a module holds."""

    def __init__(self, ntoken: int = 11, ninp: int = 6, nhid: int = 6) -> None:
        super().__init__()
        self.drop = nn.Dropout(0.3)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, 2, dropout=0.3)
        self.decoder = nn.Linear(nhid, ntoken)
        self.decoder.weight = self.encoder.weight  # weight tying
        self.head = nn.Sequential(nn.Linear(ntoken, ntoken), nn.Tanh())
        self.extras = nn.ModuleList([nn.LayerNorm(ntoken), nn.Identity()])
        self.register_buffer("steps", graphgrad.tensor([3, 4]))
        self.register_buffer("scratch", graphgrad.ones(2), persistent=False)
        self.frozen = nn.Parameter(graphgrad.full((2,), 0.5), requires_grad=False)
        self.rnn_type, self.nlayers, self.tied, self.scale = "LSTM", 2, True, 0.25
        self.shape, self.names, self.meta = (2, 3), ["a", "b"], {"lr": 20.0, "note": None}

    def forward(self, x):
        out, _ = self.rnn(self.drop(self.encoder(x)))
        logits = self.decoder(self.drop(out))
        return self.extras[0](self.head(logits)) * self.scale


class WithActivation(nn.Module):
    def __init__(self, act) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.act = act


class Plain:
    """Not a module: the reader must never make one, whatever the file says."""

    def __init__(self) -> None:
        open(MARKER, "w").close()

    def __setstate__(self, state) -> None:
        open(MARKER, "w").close()


class Trap(nn.Module):
    """A module whose ``__init__`` would leave a mark: loading must never call it."""

    def __init__(self) -> None:
        super().__init__()
        open(MARKER, "w").close()


class CustomState(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(1, 1)
        self.cache = graphgrad.zeros(1)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["cache"]
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.cache = graphgrad.full((1,), 7.0)


def _top_level_function(x):
    return x


def _saved(obj, **kw) -> bytes:
    buf = io.BytesIO()
    graphgrad.save(obj, buf, **kw)
    return buf.getvalue()


def _round_trip(obj, **kw):
    return graphgrad.load(_saved(obj, **kw), weights_only=False)


def _assert_same_state(a: nn.Module, b: nn.Module) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        assert sa[key].dtype == sb[key].dtype
        assert np.array_equal(sa[key].numpy(), sb[key].numpy()), key


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("zip_format", [True, False])
def test_a_user_module_round_trips(mode, zip_format):
    graphgrad.manual_seed(0)
    model = LanguageModel()
    model.train(mode == "train")
    model.rnn.eval()  # a mixed tree: the flag is kept per module
    loaded = _round_trip(model, _use_new_zipfile_serialization=zip_format)

    assert type(loaded) is LanguageModel
    _assert_same_state(model, loaded)
    assert [m.training for m in loaded.modules()] == [m.training for m in model.modules()]
    assert [type(m) for m in loaded.modules()] == [type(m) for m in model.modules()]
    assert loaded.decoder.weight is loaded.encoder.weight
    for name, p in loaded.named_parameters():
        assert type(p) is nn.Parameter and p.requires_grad == (name != "frozen"), name
    assert loaded.scratch.tolist() == [1.0, 1.0] and "scratch" not in loaded.state_dict()
    plain = ("rnn_type", "nlayers", "tied", "scale", "shape", "names", "meta")
    assert {k: getattr(loaded, k) for k in plain} == {k: getattr(model, k) for k in plain}
    assert repr(loaded) == repr(model)

    x = graphgrad.tensor([[1, 2, 3], [4, 5, 6]])
    graphgrad.manual_seed(1)
    expected = model(x)
    graphgrad.manual_seed(1)
    got = loaded(x)
    assert np.array_equal(got.detach().numpy(), expected.detach().numpy())


def test_a_loaded_module_trains():
    model = _round_trip(LanguageModel())
    model(graphgrad.tensor([[1, 2]])).sum().backward()
    assert model.encoder.weight.grad is not None
    assert model.encoder.weight.grad.shape == (11, 6)
    assert model.frozen.grad is None


def test_modules_inside_containers_and_shared_between_them():
    layer = nn.Linear(2, 2)
    out = _round_trip({"model": nn.Sequential(layer, layer), "same": layer, "epoch": 3})
    assert out["epoch"] == 3
    assert out["model"][0] is out["model"][1] is out["same"]


def test_the_class_getstate_and_setstate_are_used():
    loaded = _round_trip(CustomState())
    assert loaded.cache.tolist() == [7.0]


def test_a_function_of_nn_functional_is_kept_by_name():
    layer = nn.TransformerEncoderLayer(4, 2, 8, 0.0)
    raw = _saved(layer)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert b"graphgrad.nn.functional\nrelu\n" in z.read("archive/data.pkl")
    loaded = graphgrad.load(raw, weights_only=False)
    assert loaded.activation is graphgrad.nn.functional.relu
    x = graphgrad.arange(24.0).reshape(3, 2, 4) / 24
    assert np.array_equal(loaded(x).detach().numpy(), layer(x).detach().numpy())


@pytest.mark.parametrize(
    ("act", "error", "message"),
    [
        (lambda x: x, pickle.PicklingError, r"Can't pickle <function .*<lambda>.*attribute act"),
        (_top_level_function, pickle.PicklingError, "Can't pickle .*_top_level_function"),
        (graphgrad.tanh, pickle.PicklingError, "only if it is one of graphgrad.nn.functional"),
        (Plain.__new__(Plain), TypeError, "cannot pickle 'Plain' object: .* attribute act"),
    ],
)
def test_what_a_module_cannot_hold_is_named(act, error, message):
    with pytest.raises(error, match=message):
        graphgrad.save(WithActivation(act), io.BytesIO())


def test_an_open_file_is_named_with_its_path(tmp_path):
    inner = WithActivation(None)
    with open(tmp_path / "f.txt", "w") as fh:
        inner.act = fh
        model = nn.Sequential()
        model.add_module("x", inner)
        with pytest.raises(TypeError, match="TextIOWrapper' object: it is the attribute x.act"):
            graphgrad.save(model, io.BytesIO())


def test_a_class_defined_in_a_function_is_refused():
    class Local(nn.Module):
        pass

    with pytest.raises(pickle.PicklingError, match="Can't pickle local object"):
        graphgrad.save(Local(), io.BytesIO())


# -- weights_only=True ------------------------------------------------------------------------
@pytest.mark.parametrize("weights_only", [None, True])
def test_weights_only_refuses_a_module_as_torch_does(weights_only):
    raw = _saved(LanguageModel())
    with pytest.raises(pickle.UnpicklingError) as info:
        graphgrad.load(raw, weights_only=weights_only)
    message = str(info.value)
    assert isinstance(info.value, CheckpointError)
    assert message.startswith("Weights only load failed.")
    assert "`weights_only` set to `False`" in message
    assert f"GLOBAL {__name__}.LanguageModel was not an allowed global by default" in message


def test_safe_globals_let_weights_only_load_a_module():
    model = nn.Sequential(nn.Linear(2, 2), nn.TransformerEncoderLayer(4, 2, 8))
    raw = _saved(model)
    listed = [nn.Sequential, nn.Linear, nn.TransformerEncoderLayer, nn.MultiheadAttention]
    listed += [nn.modules.linear.NonDynamicallyQuantizableLinear, nn.Dropout, nn.LayerNorm]
    with graphgrad.serialization.safe_globals(listed):
        with pytest.raises(CheckpointError, match="GLOBAL graphgrad.nn.functional.relu was not"):
            graphgrad.load(raw)
    with graphgrad.serialization.safe_globals([*listed, graphgrad.nn.functional.relu]):
        loaded = graphgrad.load(raw)
    assert repr(loaded) == repr(model)
    assert graphgrad.serialization.get_safe_globals() == []


# -- hostile files, weights_only=False -----------------------------------------------------------
def _zip(data_pkl: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/version", b"3\n")
    return buf.getvalue()


def _newobj_build(module: str, name: str, state: bytes = b"}") -> bytes:
    """``module.name`` made as pickle makes an instance: NEWOBJ, then BUILD with ``state``."""
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + b")\x81" + state + b"b."


def _call(module: str, name: str, arg: str) -> bytes:
    raw = arg.encode()
    head = b"\x80\x02c" + f"{module}\n{name}\n".encode()
    return head + b"X" + len(raw).to_bytes(4, "little") + raw + b"\x85R."


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _call("os", "system", f"touch {MARKER}"), "never runs code"),
        (lambda: _call("builtins", "eval", f"open({MARKER!r}, 'w')"), "never runs code"),
        (lambda: _call("subprocess", "Popen", f"touch {MARKER}"), "never runs code"),
        (lambda: _newobj_build("subprocess", "Popen"), "never runs code"),
        (lambda: _newobj_build(__name__, "Plain"), "never runs code"),
        (lambda: _newobj_build("collections", "Counter"), "never runs code"),
        (lambda: _newobj_build("graphgrad_never_imported", "Net"), "is not imported"),
        (lambda: _newobj_build("torch.nn.modules.linear", "Nope"), "save its state_dict"),
        (lambda: _call(__name__, "Trap", "x"), "non-callable"),  # REDUCE would run __init__
        (lambda: _call("graphgrad.nn.functional", "relu", "x"), "calls <function relu"),
        (lambda: _call("torch.nn.functional", "relu", "x"), "calls <function relu"),
        (lambda: _newobj_build(__name__, "Trap", b"N"), "not attributes"),
        (lambda: _newobj_build(__name__, "Trap", b"}X\t\x00\x00\x00__class__Ns"), "attributes"),
        (lambda: _newobj_build(__name__, "Trap", b"}X\x08\x00\x00\x00_modulesK\x01s"), "_modules"),
        (lambda: _newobj_build(__name__, "Trap")[:-2] + b".", "without its state"),
        (lambda: b"\x80\x02c" + f"{__name__}\nTrap\n".encode() + b"K\x01\x85\x81}b.", "arguments"),
    ],
)
def test_a_hostile_module_file_runs_nothing(tmp_path, monkeypatch, make, message):
    monkeypatch.chdir(tmp_path)
    raw = make()
    for data in (raw, _zip(raw)):
        with pytest.raises(CheckpointError, match=message):
            graphgrad.load(data, weights_only=False)
    assert not os.path.exists(tmp_path / MARKER)


def test_the_reader_finds_classes_without_attribute_hooks(tmp_path, monkeypatch):
    """A module's ``__getattr__`` could run code or invent a class: lookups use ``__dict__``."""
    import types

    fake = types.ModuleType("graphgrad_test_lazy_module")
    fake.__getattr__ = lambda name: Trap  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, fake.__name__, fake)
    with pytest.raises(CheckpointError, match="never runs code"):
        graphgrad.load(_newobj_build(fake.__name__, "Anything"), weights_only=False)


# -- files PyTorch wrote ----------------------------------------------------------------------
USER_SOURCE = """
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Embedding(7, 4)
        self.rnn = torch.nn.GRU(4, 4, 2, dropout=0.2)
        self.decoder = torch.nn.Linear(4, 7)
        self.decoder.weight = self.encoder.weight
        self.drop = torch.nn.Dropout(0.2)
        self.kind, self.nhid = "GRU", 4

    def forward(self, x):
        out, _ = self.rnn(self.drop(self.encoder(x)))
        return self.decoder(out)
"""


def _user_module(lib, monkeypatch):
    """``Net`` from USER_SOURCE written against ``lib``, in an importable module of one name
    (a ported program's own module), so a file one side wrote names the other side's class."""
    import types

    mod = types.ModuleType("graphgrad_test_user_model")
    mod.torch = lib  # type: ignore[attr-defined]
    exec(USER_SOURCE, mod.__dict__)
    monkeypatch.setitem(__import__("sys").modules, mod.__name__, mod)
    return mod.Net


def _cases(T, monkeypatch):
    nn_ = T.nn
    seq = T.arange(24.0).reshape(3, 2, 4) / 24
    return {
        "Linear": (lambda: nn_.Linear(3, 2), T.ones(2, 3)),
        "Sequential": (lambda: nn_.Sequential(nn_.Linear(3, 2), nn_.Tanh()), T.ones(2, 3)),
        "Embedding": (lambda: nn_.Embedding(5, 3, padding_idx=0), T.tensor([1, 4])),
        "LSTM": (lambda: nn_.LSTM(3, 2, 2), T.ones(4, 1, 3)),
        "GRU": (lambda: nn_.GRU(3, 2), T.ones(4, 1, 3)),
        "Dropout": (lambda: nn_.Dropout(0.5), T.ones(3)),
        "LayerNorm": (lambda: nn_.LayerNorm(3), T.arange(6.0).reshape(2, 3)),
        "Conv2d": (lambda: nn_.Conv2d(1, 2, 3, padding=1, padding_mode="reflect"),
                   T.arange(16.0).reshape(1, 1, 4, 4)),
        "BatchNorm1d": (lambda: nn_.BatchNorm1d(3), T.arange(6.0).reshape(2, 3)),
        "TransformerEncoder": (lambda: nn_.TransformerEncoder(
            nn_.TransformerEncoderLayer(4, 2, 8, 0.0), 2, enable_nested_tensor=False), seq),
        "user subclass": (_user_module(T, monkeypatch), T.tensor([[1, 2], [3, 5]])),
    }  # fmt: skip


def _first(out):
    return (out[0] if isinstance(out, tuple) else out).detach().numpy()


TORCH_CASES = ["Linear", "Sequential", "Embedding", "LSTM", "GRU", "Dropout", "LayerNorm"]
TORCH_CASES += ["Conv2d", "BatchNorm1d", "TransformerEncoder", "user subclass"]


@pytest.mark.parametrize("name", TORCH_CASES)
def test_modules_torch_pickled_load_as_graphgrads(name, monkeypatch):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    make, x = _cases(torch, monkeypatch)[name]
    theirs = make().eval()
    buf = io.BytesIO()
    torch.save(theirs, buf)
    make_ours, x_ours = _cases(graphgrad, monkeypatch)[name]
    loaded = graphgrad.load(buf.getvalue(), weights_only=False)
    fresh = make_ours().eval()
    fresh.load_state_dict(loaded.state_dict())

    assert type(loaded) is type(fresh) and not loaded.training
    for got, want in zip(loaded.modules(), fresh.modules(), strict=True):
        assert type(got) is type(want)
        assert sorted(vars(got)) == sorted(vars(want))  # PyTorch's extra attributes dropped
        plain = [k for k, v in vars(want).items() if not isinstance(v, (dict, set, nn.Module))]
        assert {k: getattr(got, k) for k in plain} == {k: getattr(want, k) for k in plain}
    for key, value in theirs.state_dict().items():
        assert np.array_equal(loaded.state_dict()[key].numpy(), value.numpy()), key
    assert np.array_equal(_first(loaded(x_ours)), _first(fresh(x_ours)))
    np.testing.assert_allclose(_first(loaded(x_ours)), _first(theirs(x)), rtol=1e-5, atol=1e-6)


def test_a_torch_class_graphgrad_lacks_is_named():
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    torch.save(torch.nn.CrossMapLRN2d(3), buf)
    with pytest.raises(CheckpointError, match="CrossMapLRN2d.*save its state_dict"):
        graphgrad.load(buf.getvalue(), weights_only=False)


def test_torch_refuses_a_graphgrad_module_file_by_default():
    torch = pytest.importorskip("torch")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(io.BytesIO(_saved(nn.Linear(2, 1))))


def test_nn_modules_keeps_pytorchs_paths():
    """What a PyTorch file names as ``torch.nn.modules.<sub>.<Name>`` is graphgrad's class."""
    pytest.importorskip("torch")
    for sub in graphgrad.nn.modules.__all__:
        if sub in ("Module", "module"):
            continue
        ours = getattr(graphgrad.nn.modules, sub)
        theirs = importlib.import_module(f"torch.nn.modules.{sub}")
        for name in ours.__all__:
            cls = getattr(ours, name)
            assert hasattr(theirs, name) and issubclass(cls, nn.Module), f"{sub}.{name}"
            assert getattr(graphgrad.nn, name, cls) is cls
        missing = [n for n in theirs.__all__ if hasattr(graphgrad.nn, n) and n not in ours.__all__]
        assert not missing, (sub, missing)
