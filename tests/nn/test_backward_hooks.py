"""Module.register_full_backward_hook against PyTorch: what the hooks see and return."""

from __future__ import annotations

import subprocess
import sys

import pytest

import graphgrad

_PROGRAM = """
import sys, warnings
warnings.simplefilter("ignore")
T = __import__(sys.argv[1])
T.manual_seed(0)
log = []
lin = T.nn.Linear(3, 2)
def hook(m, gi, go):
    log.append(([None if g is None else [round(v, 5) for v in g.flatten().tolist()] for g in gi],
                [round(v, 5) for v in go[0].flatten().tolist()]))
h = lin.register_full_backward_hook(hook)
x = T.randn(2, 3, requires_grad=True)
(lin(x) * T.tensor([1.0, 2.0])).sum().backward()
print(log, [round(v, 5) for v in x.grad.flatten().tolist()])
lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
x.grad = None
lin(x).sum().backward()
print(x.grad.tolist())
log.clear()
h.remove()
m = T.nn.Linear(3, 2)
m.register_full_backward_hook(hook)
m(T.ones(1, 3)).sum().backward()
print(log)
seq = T.nn.Sequential(T.nn.Linear(3, 3), T.nn.ReLU())
seq[1].register_full_backward_hook(
    lambda m, gi, go: print(type(m).__name__, [g.shape for g in gi], [g.shape for g in go]))
seq(T.randn(2, 3)).sum().backward()
"""


def _run(module: str) -> str:
    run = subprocess.run([sys.executable, "-c", _PROGRAM, module], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_full_backward_hooks_match_torch():
    pytest.importorskip("torch")
    assert _run("graphgrad") == _run("torch")


def test_hook_sees_gradients_and_can_replace_them():
    seen = []
    layer = graphgrad.nn.Linear(2, 1)
    layer.register_full_backward_hook(lambda m, gi, go: seen.append((m, gi, go)))
    x = graphgrad.ones(3, 2, requires_grad=True)
    layer(x).sum().backward()
    module, grad_input, grad_output = seen[0]
    assert module is layer and grad_output[0].tolist() == [[1.0]] * 3
    assert grad_input[0].tolist() == x.grad.tolist()
    handle = layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 2,))
    x.grad = None
    layer(x).sum().backward()
    assert x.grad.tolist() == (grad_input[0] * 2).tolist()
    handle.remove()


def test_no_input_requires_grad_warns_and_passes_none():
    seen = []
    layer = graphgrad.nn.Linear(2, 1)
    layer.register_full_backward_hook(lambda m, gi, go: seen.append(gi))
    with pytest.warns(UserWarning, match="Full backward hook is firing"):
        layer(graphgrad.ones(1, 2)).sum().backward()
    assert seen == [(None,)]
