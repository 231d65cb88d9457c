"""CUDA and other devices behave as in PyTorch's CPU-only build: asking for one raises its error.

Regression: ``t.cuda()`` raised AttributeError, ``t.to('cuda')`` and ``zeros(device='cuda')``
silently returned CPU tensors, and ``randn(device='cuda')`` named an extra that does not exist.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

NO_CUDA = "Torch not compiled with CUDA enabled"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."

# (what is asked, the error PyTorch's CPU build raises)
REFUSED = [
    ("t.cuda()", lambda T, t, m: t.cuda(), AssertionError, NO_CUDA),
    ("t.cuda(0)", lambda T, t, m: t.cuda(0), RuntimeError, NO_ACCELERATOR),
    ("t.to('cuda')", lambda T, t, m: t.to("cuda"), AssertionError, NO_CUDA),
    ("t.to('cuda:0')", lambda T, t, m: t.to("cuda:0"), AssertionError, NO_CUDA),
    ("t.to(device('cuda'))", lambda T, t, m: t.to(T.device("cuda")), AssertionError, NO_CUDA),
    ("t.to('cuda', float64)", lambda T, t, m: t.to("cuda", T.float64), AssertionError, NO_CUDA),
    ("t.to(device='cuda')", lambda T, t, m: t.to(device="cuda"), AssertionError, NO_CUDA),
    ("t.to(0)", lambda T, t, m: t.to(0), RuntimeError, NO_ACCELERATOR),
    ("zeros(device='cuda')", lambda T, t, m: T.zeros(2, device="cuda"), AssertionError, NO_CUDA),
    ("zeros(device=0)", lambda T, t, m: T.zeros(2, device=0), RuntimeError, NO_ACCELERATOR),
    ("tensor(device='cuda')", lambda T, t, m: T.tensor([1.0], device="cuda"), AssertionError,
     NO_CUDA),
    ("arange(device='cuda')", lambda T, t, m: T.arange(3, device="cuda"), AssertionError, NO_CUDA),
    ("zeros_like(device='cuda')", lambda T, t, m: T.zeros_like(t, device="cuda"), AssertionError,
     NO_CUDA),
    ("randn(device='cuda')", lambda T, t, m: T.randn(2, device="cuda"), AssertionError, NO_CUDA),
    ("rand(device='cuda')", lambda T, t, m: T.rand(2, device="cuda"), AssertionError, NO_CUDA),
    ("randint(device='cuda')", lambda T, t, m: T.randint(3, (2,), device="cuda"), AssertionError,
     NO_CUDA),
    ("randperm(device='cuda')", lambda T, t, m: T.randperm(3, device="cuda"), AssertionError,
     NO_CUDA),
    ("t.new_zeros(device='cuda')", lambda T, t, m: t.new_zeros(2, device="cuda"), AssertionError,
     NO_CUDA),
    ("t.new_tensor(device='cuda')", lambda T, t, m: t.new_tensor([1], device="cuda"),
     AssertionError, NO_CUDA),
    ("Linear(device='cuda')", lambda T, t, m: T.nn.Linear(2, 2, device="cuda"), AssertionError,
     NO_CUDA),
    ("Conv2d(device='cuda')", lambda T, t, m: T.nn.Conv2d(1, 1, 3, device="cuda"),
     AssertionError, NO_CUDA),
    ("TransformerEncoderLayer(device='cuda')",
     lambda T, t, m: T.nn.TransformerEncoderLayer(4, 2, 8, device="cuda"), AssertionError, NO_CUDA),
    ("Embedding(device=0)", lambda T, t, m: T.nn.Embedding(3, 2, device=0), RuntimeError,
     NO_ACCELERATOR),
    ("m.cuda()", lambda T, t, m: m.cuda(), AssertionError, NO_CUDA),
    ("m.to('cuda')", lambda T, t, m: m.to("cuda"), AssertionError, NO_CUDA),
    ("t.pin_memory()", lambda T, t, m: t.pin_memory(), RuntimeError, NO_ACCELERATOR),
    ("cuda.current_device()", lambda T, t, m: T.cuda.current_device(), AssertionError, NO_CUDA),
    ("cuda.synchronize()", lambda T, t, m: T.cuda.synchronize(), AssertionError, NO_CUDA),
    ("cuda.get_device_name()", lambda T, t, m: T.cuda.get_device_name(), AssertionError, NO_CUDA),
    ("cuda.get_rng_state()", lambda T, t, m: T.cuda.get_rng_state(), AssertionError, NO_CUDA),
]  # fmt: skip

ANSWERS = [
    ("cuda.is_available()", lambda T, t: T.cuda.is_available(), False),
    ("cuda.is_initialized()", lambda T, t: T.cuda.is_initialized(), False),
    ("cuda.device_count()", lambda T, t: T.cuda.device_count(), 0),
    ("cuda.manual_seed(0)", lambda T, t: T.cuda.manual_seed(0), None),
    ("cuda.manual_seed_all(0)", lambda T, t: T.cuda.manual_seed_all(0), None),
    ("cuda.empty_cache()", lambda T, t: T.cuda.empty_cache(), None),
    ("backends.cudnn.enabled", lambda T, t: T.backends.cudnn.enabled, True),
    ("backends.cudnn.benchmark", lambda T, t: T.backends.cudnn.benchmark, False),
    ("backends.cudnn.deterministic", lambda T, t: T.backends.cudnn.deterministic, False),
    ("backends.cudnn.is_available()", lambda T, t: T.backends.cudnn.is_available(), False),
    ("backends.mps.is_available()", lambda T, t: T.backends.mps.is_available(), False),
    ("backends.mps.is_built()", lambda T, t: T.backends.mps.is_built(), False),
    ("backends.cuda.is_built()", lambda T, t: T.backends.cuda.is_built(), False),
    ("backends.cuda.matmul.allow_tf32", lambda T, t: T.backends.cuda.matmul.allow_tf32, False),
    ("t.is_pinned()", lambda T, t: t.is_pinned(), False),
    ("t.is_cuda", lambda T, t: t.is_cuda, False),
    ("t.get_device()", lambda T, t: t.get_device(), -1),
    ("str(t.device)", lambda T, t: str(t.device), "cpu"),
    ("repr(device('cuda', 1))", lambda T, t: repr(T.device("cuda", 1)),
     "device(type='cuda', index=1)"),
    ("t.to('cpu') is t", lambda T, t: t.to("cpu") is t, True),
    ("zeros(device='cpu:0')", lambda T, t: T.zeros(1, device="cpu:0").tolist(), [0.0]),
]  # fmt: skip


@pytest.mark.parametrize(("what", "call", "error", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_asking_for_cuda_raises_torchs_error(what, call, error, message):
    t, m = graphgrad.ones(2), graphgrad.nn.Linear(2, 2)
    with pytest.raises(error) as ours:
        call(graphgrad, t, m)
    assert str(ours.value) == message


@pytest.mark.parametrize(("what", "call", "error", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_torchs_cpu_build_raises_the_same(what, call, error, message):
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this torch has CUDA")
    with pytest.raises(error) as theirs:
        call(torch, torch.ones(2), torch.nn.Linear(2, 2))
    assert str(theirs.value) == message


@pytest.mark.parametrize(("what", "call", "answer"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_cpu_build_answers(what, call, answer):
    assert call(graphgrad, graphgrad.ones(2)) == answer
    torch = pytest.importorskip("torch")
    assert call(torch, torch.ones(2)) == answer


def test_refused_random_call_leaves_the_stream_as_it_was():
    graphgrad.manual_seed(0)
    with pytest.raises(AssertionError):
        graphgrad.randn(5, device="cuda")
    assert graphgrad.randn(1).item() == pytest.approx(1.5409960746765137, abs=0)


def test_bad_device_strings_raise_torchs_errors():
    with pytest.raises(RuntimeError, match="^Invalid device string: 'cuda:x'$"):
        graphgrad.device("cuda:x")
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda, ipu, .* string: CPU$"):
        graphgrad.device("CPU")
    torch = pytest.importorskip("torch")
    for text in ("cuda:x", "CPU", "gpu"):
        with pytest.raises(RuntimeError) as theirs:
            torch.device(text)
        with pytest.raises(RuntimeError) as ours:
            graphgrad.device(text)
        assert str(ours.value) == str(theirs.value)


def test_portable_device_selection_runs_on_the_cpu():
    device = graphgrad.device("cuda" if graphgrad.cuda.is_available() else "cpu")
    model = graphgrad.nn.Linear(3, 1).to(device)
    x = graphgrad.ones(2, 3, device=device)
    assert model(x).shape == (2, 1) and np.all(np.isfinite(model(x).detach().numpy()))
