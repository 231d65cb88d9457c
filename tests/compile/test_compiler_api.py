"""``torch.compiler`` and ``torch._dynamo``: reset, disable, set_stance, is_compiling, config,
backends and the names programs use to unwrap a compiled module."""

from __future__ import annotations

import importlib
import warnings

import graphgrad._dynamo.config as dynamo_config
import pytest

import graphgrad
from graphgrad.compile.api import _stance
from graphgrad.compile.errors import InvalidBackend, TorchDynamoException, Unsupported

from ._helpers import replayed


def _double():
    return graphgrad.compile(lambda x: x * 2)


def test_reset_forgets_every_recording():
    f, g = _double(), _double()
    for _ in range(3):
        f(graphgrad.ones(2))
        g(graphgrad.ones(3))
    assert (f.recordings, g.recordings) == (1, 1) and replayed(f)
    graphgrad.compiler.reset()
    assert (f.recordings, g.recordings) == (0, 0) and not f.cache
    assert f(graphgrad.ones(2)).tolist() == [2.0, 2.0] and f.recordings == 1
    graphgrad._dynamo.reset()
    assert f.recordings == 0


def test_disable_keeps_a_function_eager():
    seen = []

    @graphgrad.compiler.disable
    def log(x):
        seen.append(x.shape)
        return x + 1

    f = graphgrad.compile(lambda x: log(x) * 2)
    with pytest.warns(UserWarning, match=r"log \(under torch.compiler.disable\)"):
        outs = [f(graphgrad.ones(2)).tolist() for _ in range(4)]
    assert outs == [[4.0, 4.0]] * 4
    assert len(seen) == 4  # the Python side effect happens at every call: nothing replays
    assert not replayed(f)
    assert log.__name__ == "log" and log(graphgrad.zeros(1)).tolist() == [1.0]


def test_disable_with_arguments_a_reason_and_fullgraph():
    @graphgrad.compiler.disable(recursive=False, reason="prints")
    def show(x):
        return x

    f = graphgrad.compile(lambda x: show(x) + 1, fullgraph=True)
    with pytest.raises(Unsupported, match=r"show \(under torch.compiler.disable: prints\)"):
        f(graphgrad.ones(1))


def test_disable_a_module():
    m = graphgrad._dynamo.disable(graphgrad.nn.Linear(2, 2))
    assert isinstance(m, graphgrad.nn.Linear)
    f = graphgrad.compile(lambda x: m(x).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [f(graphgrad.ones(1, 2)) for _ in range(3)]
    assert not replayed(f)


class _Log:
    __slots__ = ("seen",)  # (an object without a __dict__: its list is not watched)

    def __init__(self) -> None:
        self.seen: list = []


def test_is_compiling_while_recording_only():
    log = _Log()

    def step(x):
        log.seen.append(graphgrad.compiler.is_compiling())
        return x + 1

    f = graphgrad.compile(step)
    [f(graphgrad.ones(1)) for _ in range(4)]
    # recorded, then the check's eager run; replays run no Python
    assert log.seen == [True, False]
    assert not graphgrad.compiler.is_compiling() and not graphgrad.compiler.is_dynamo_compiling()
    assert graphgrad.compiler.is_exporting() is False


def test_force_eager_records_nothing():
    f = _double()
    with graphgrad.compiler.set_stance("force_eager"):
        assert f(graphgrad.ones(2)).tolist() == [2.0, 2.0]
    assert f.recordings == 0
    f(graphgrad.ones(2))
    assert f.recordings == 1


def test_eager_on_recompile_runs_new_shapes_eagerly():
    f = _double()
    [f(graphgrad.ones(2)) for _ in range(3)]
    with graphgrad.compiler.set_stance("eager_on_recompile"):
        assert f(graphgrad.ones(3)).tolist() == [2.0] * 3
        assert f(graphgrad.ones(2)).tolist() == [2.0] * 2  # its recording still replays
    assert f.recordings == 1


def test_fail_on_recompile_raises():
    def double(x):
        return x * 2

    f = graphgrad.compile(double)
    f(graphgrad.ones(2))
    with graphgrad.compiler.set_stance("fail_on_recompile"):
        f(graphgrad.ones(2))  # the same signature: no recompile
        message = "stance is 'fail_on_recompile'. filename: .*function name: 'double'"
        with pytest.raises(RuntimeError, match="Detected recompile when torch.compile " + message):
            f(graphgrad.ones(3, 3))


def test_eager_then_compile():
    f = _double()
    with graphgrad.compiler.set_stance("eager_then_compile"):
        f(graphgrad.ones(2))
        assert f.recordings == 0
        f(graphgrad.ones(2))
        assert f.recordings == 1


def test_set_stance_as_a_call_a_context_and_a_decorator():
    state = _stance
    graphgrad.compiler.set_stance("force_eager")
    assert state.name == "force_eager"
    graphgrad.compiler.set_stance()
    assert state.name == "default"

    @graphgrad.compiler.set_stance("force_eager")
    def inside():
        return state.name

    assert state.name == "default"  # decorating changes nothing yet
    assert inside() == "force_eager" and state.name == "default"
    with graphgrad.compiler.set_stance("fail_on_recompile"):
        assert state.name == "fail_on_recompile"
    assert state.name == "default"
    with pytest.raises(RuntimeError, match="invalid torch.compile stance 'bogus'"):
        graphgrad.compiler.set_stance("bogus")
    assert state.name == "default"


def test_config_cache_size_limit_is_the_recompile_limit(monkeypatch):
    monkeypatch.setattr(dynamo_config, "recompile_limit", 8)
    assert importlib.import_module("graphgrad._dynamo.config") is graphgrad._dynamo.config
    graphgrad._dynamo.config.cache_size_limit = 2
    assert dynamo_config.recompile_limit == 2
    f = graphgrad.compile(lambda x: x + 1)
    with pytest.warns(UserWarning, match="recorded 2 times"):
        for n in range(1, 5):
            f(graphgrad.zeros(n))
    assert f.recordings == 2
    graphgrad._dynamo.config.suppress_errors = True  # accepted
    monkeypatch.setattr(dynamo_config, "suppress_errors", False)


def test_backends():
    assert graphgrad.compiler.list_backends() == ["cudagraphs", "inductor", "openxla", "tvm"]
    every = graphgrad._dynamo.list_backends(exclude_tags=())
    assert "eager" in every and "aot_eager" in every and len(every) == 19
    for name in every:
        graphgrad.compile(lambda x: x, backend=name)
    with pytest.raises(InvalidBackend, match=r"Invalid backend: 'foo', see `torch._dynamo"):
        graphgrad.compile(lambda x: x, backend="foo")
    assert (
        issubclass(InvalidBackend, TorchDynamoException)
        and graphgrad.compiler.get_default_backend() == "inductor"
    )
    assert graphgrad._dynamo.exc.Unsupported is Unsupported


def test_unwrapping_a_compiled_module_before_saving():
    model = graphgrad.nn.Linear(3, 2)
    compiled = graphgrad.compile(model)
    unwrapped = (
        compiled._orig_mod
        if isinstance(compiled, graphgrad._dynamo.eval_frame.OptimizedModule)
        else compiled
    )
    assert unwrapped is model and list(unwrapped.state_dict()) == ["weight", "bias"]
    assert list(compiled.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]


class _Scaled(graphgrad.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = graphgrad.nn.Linear(3, 2)
        self.scale = 1.0

    def forward(self, x):
        return graphgrad.nn.functional.relu(self.fc(x)) * self.scale


def test_attributes_set_on_a_compiled_module_are_the_originals():
    # (were kept on the wrapper, and the forward went on reading the old ones)
    model = _Scaled()
    compiled = graphgrad.compile(model)
    x = graphgrad.randn(8, 3)
    first = [compiled(x).tolist() for _ in range(3)][-1]
    compiled.scale = 3.0
    assert model.scale == 3.0 and "scale" not in compiled.__dict__
    assert compiled(x).tolist() == model(x).tolist() != first
    compiled.eval()
    assert not model.training and not compiled.training and not model.fc.training
    compiled.training = True
    assert model.training
    del compiled.scale
    assert not hasattr(model, "scale")
    with pytest.raises(AttributeError, match="'_Scaled' object has no attribute 'scale'"):
        compiled(x)


def test_len_of_a_compiled_module_is_the_originals():
    seq = graphgrad.compile(graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 3), graphgrad.nn.ReLU()))
    assert len(seq) == 2
    with pytest.raises(TypeError, match=r"^Linear does not support len\(\)$"):  # PyTorch's
        len(graphgrad.compile(graphgrad.nn.Linear(2, 3)))


@pytest.mark.parametrize("fullgraph", [False, True])
@pytest.mark.parametrize("how", ["deepcopy", "pickle", "graphgrad.save"])
def test_a_compiled_module_copies_and_saves_as_its_original_compiled_anew(how, fullgraph):
    # after calls, the recordings (which hold the forward's globals) made copying fail
    import copy
    import io
    import pickle

    compiled = graphgrad.compile(_Scaled(), fullgraph=fullgraph)
    x = graphgrad.randn(4, 3)
    for _ in range(3):
        compiled(x)
    if how == "deepcopy":
        copied = copy.deepcopy(compiled)
    elif how == "pickle":
        copied = pickle.loads(pickle.dumps(compiled))
    else:
        buffer = io.BytesIO()
        graphgrad.save(compiled, buffer)
        copied = graphgrad.load(io.BytesIO(buffer.getvalue()), weights_only=False)
    assert type(copied) is type(compiled) and type(copied._orig_mod) is _Scaled
    assert copied._compiled_call.fullgraph is fullgraph
    assert copied.fc.weight is not compiled.fc.weight
    assert copied.state_dict().keys() == compiled.state_dict().keys()
    assert [copied(x).tolist() for _ in range(3)] == [compiled(x).tolist()] * 3
    assert replayed(copied._compiled_call)


def test_hints_change_nothing():
    x = graphgrad.ones(3)
    for hint in (graphgrad._dynamo.mark_dynamic, graphgrad._dynamo.maybe_mark_dynamic):
        assert hint(x, 0) is None
    assert graphgrad._dynamo.mark_static(x) is None
    assert graphgrad.compiler.allow_in_graph(len) is len
    assert graphgrad.compiler.assume_constant_result(len) is len
    assert graphgrad.compiler.cudagraph_mark_step_begin() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = graphgrad.compile(lambda t: t + 1)
        assert [f(x).tolist() for _ in range(3)][-1] == [2.0] * 3


def test_the_same_as_torch():
    torch = pytest.importorskip("torch")
    assert graphgrad.compiler.list_backends() == torch.compiler.list_backends()
    # (less PyTorch's four backends that exist to test its own error paths)
    theirs = torch._dynamo.list_backends(exclude_tags=())
    assert graphgrad._dynamo.list_backends(exclude_tags=()) == [
        name for name in theirs if not name.endswith("_TESTING_ONLY")
    ]
    with pytest.raises(torch._dynamo.exc.InvalidBackend) as want:
        torch.compile(lambda x: x, backend="foo")
    with pytest.raises(InvalidBackend) as got:
        graphgrad.compile(lambda x: x, backend="foo")
    assert str(got.value) == str(want.value)
    assert graphgrad._dynamo.config.cache_size_limit == torch._dynamo.config.cache_size_limit


@pytest.mark.parametrize("enabled", [True, False])
def test_recording_leaves_the_garbage_collector_as_it_found_it(enabled):
    # the recording pauses cycle collection; a failing call and a user's gc.disable() included
    import gc

    seen = []

    def step(x):
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise ValueError("boom")
        return x * 2

    f = graphgrad.compile(step)
    (gc.enable if enabled else gc.disable)()
    try:
        f(graphgrad.ones(1))
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError, match="boom"):
            f(graphgrad.ones(2))  # records again, and raises
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False, False]
