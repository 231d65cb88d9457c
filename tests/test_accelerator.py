"""torch.accelerator against PyTorch's CPU-only build: nothing is available, and what needs a
device raises PyTorch's error (the polynomial_autograd tutorial asks it first)."""

from __future__ import annotations

import pytest

import graphgrad

QUERIES = ["is_available", "current_accelerator", "device_count"]
NEEDS_A_DEVICE = ["current_device_index", "synchronize", "empty_cache"]


@pytest.mark.parametrize("name", QUERIES)
def test_queries_answer_as_torch_does(name):
    torch = pytest.importorskip("torch")
    assert getattr(graphgrad.accelerator, name)() == getattr(torch.accelerator, name)()


def test_current_accelerator_is_none_when_checked_too():
    assert graphgrad.accelerator.current_accelerator(check_available=True) is None


@pytest.mark.parametrize("name", NEEDS_A_DEVICE)
def test_what_needs_a_device_raises_torchs_error(name):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        getattr(torch.accelerator, name)()
    with pytest.raises(RuntimeError) as ours:
        getattr(graphgrad.accelerator, name)()
    assert str(ours.value) == str(theirs.value)


def test_set_device_index_raises_torchs_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        torch.accelerator.set_device_index(0)
    with pytest.raises(RuntimeError) as ours:
        graphgrad.accelerator.set_device_index(0)
    assert str(ours.value) == str(theirs.value)


def test_tutorial_device_line_picks_cpu():
    # beginner_source/examples_autograd/polynomial_autograd.py's first lines
    torch = graphgrad
    device = (
        torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    )
    torch.set_default_device(device)
    assert torch.zeros(2).device == torch.device("cpu")
