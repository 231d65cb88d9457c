"""``torch.jit`` as PyTorch runs it with ``PYTORCH_JIT=0``: scripted and traced code runs
eagerly, with the values PyTorch's eager code gives; archives are refused with a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

import graphgrad
from graphgrad.futures import Future


def program(T):
    """Model code written for TorchScript: a scripted helper, ignored and exported methods, an
    ``is_scripting`` branch, a traced module and a forked call."""

    @T.jit.script
    def swish(x):
        return x * T.sigmoid(x)

    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = T.nn.Linear(3, 2)

        @T.jit.ignore
        def scale(self):
            return 0.5

        @T.jit.export
        def half(self, x):
            return x * self.scale()

        def forward(self, x):
            y = swish(self.fc(x))
            if not T.jit.is_scripting() and not T.jit.is_tracing():
                y = self.half(y)
            return T.jit.annotate(T.Tensor, y)

    T.manual_seed(0)
    net = T.jit.script(Net())
    traced = T.jit.trace(net, T.ones(1, 3))
    x = T.arange(6.0).reshape(2, 3)
    forked = T.jit.fork(traced, x)
    return T.jit.wait(forked).detach().numpy()


def test_scripted_model_code_gives_what_pytorch_gives_with_torchscript_off():
    # PYTORCH_JIT=0 is read when torch is imported: torch runs in a process of its own
    pytest.importorskip("torch")
    code = (
        "import sys, numpy as np, torch; sys.path.insert(0, sys.argv[1]); "
        "from test_jit import program; np.save(sys.argv[2], program(torch))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "torch.npy"
        env = {**os.environ, "PYTORCH_JIT": "0"}
        subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(out)],
                       env=env, check=True)  # fmt: skip
        np.testing.assert_allclose(program(graphgrad), np.load(out), rtol=1e-6)


def test_script_and_trace_return_what_they_are_given():
    net = graphgrad.nn.Linear(2, 1)
    assert graphgrad.jit.script(net) is net
    assert graphgrad.jit.trace(net, graphgrad.ones(1, 2)) is net
    assert (graphgrad.jit.is_scripting(), graphgrad.jit.is_tracing()) == (False, False)


def test_ignore_with_drop_warns_as_pytorch_does():
    with pytest.warns(FutureWarning, match="ignore\\(True\\) has been deprecated"):
        decorator = graphgrad.jit.ignore(drop=True)
    assert decorator(len)([1, 2]) == 2


@pytest.mark.parametrize("name", ["save", "load"])
def test_archives_are_refused_with_what_to_do_instead(name, tmp_path):
    args = (graphgrad.nn.Linear(1, 1), tmp_path / "m.pt") if name == "save" else (tmp_path,)
    with pytest.raises(NotImplementedError, match="state_dict with graphgrad.save"):
        getattr(graphgrad.jit, name)(*args)


def test_futures_complete_once_and_chain():
    fut = Future()
    with pytest.raises(RuntimeError, match="before the future completed"):
        fut.value()
    chained = fut.then(lambda f: f.value() * 10)
    fut.set_result(2)
    assert (fut.done(), fut.wait(), chained.wait()) == (True, 2, 20)
    with pytest.raises(RuntimeError, match="can only be marked completed once"):
        fut.set_result(3)


def test_a_future_holds_an_exception():
    fut = Future()
    fut.set_exception(ValueError("bad"))
    with warnings.catch_warnings(), pytest.raises(ValueError, match="bad"):
        fut.wait()
