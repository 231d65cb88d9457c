"""set_default_device as PyTorch's CPU build behaves: setting "cuda" succeeds, then
get_default_device and every factory raise its AssertionError (issue 12)."""

from __future__ import annotations

import pytest

import graphgrad

FACTORIES = {
    "get_default_device": lambda T: T.get_default_device(),
    "zeros": lambda T: T.zeros(2),
    "ones": lambda T: T.ones(2),
    "randn": lambda T: T.randn(2),
    "tensor": lambda T: T.tensor([1.0]),
    "arange": lambda T: T.arange(3),
    "empty": lambda T: T.empty(2),
    "Linear": lambda T: T.nn.Linear(2, 3),
}


def _outcome(T, name: str, device):
    T.set_default_device(device)
    try:
        result = FACTORIES[name](T)
        return "ok", str(getattr(result, "device", result))
    except Exception as e:  # noqa: BLE001 - the error itself is what is compared
        return type(e).__name__, str(e)
    finally:
        T.set_default_device(None)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cpu", None])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_default_device_matches_torch(name, device):
    torch = pytest.importorskip("torch")
    assert _outcome(graphgrad, name, device) == _outcome(torch, name, device)


def test_other_devices_raise_a_clear_error_and_reset_restores_cpu():
    graphgrad.set_default_device("mps")
    try:
        with pytest.raises(RuntimeError, match="CPU only"):
            graphgrad.zeros(1)
    finally:
        graphgrad.set_default_device(None)
    assert str(graphgrad.zeros(1).device) == "cpu"
    assert graphgrad.get_default_device() == graphgrad.device("cpu")


def test_a_device_is_a_context_manager_for_the_default_device():
    # before: TypeError (four PyTorch recipes write ``with torch.device(...)``)
    graphgrad.set_default_device(None)
    with graphgrad.device("cpu") as d:
        assert d == graphgrad.device("cpu") and graphgrad.zeros(1).device.type == "cpu"
        assert graphgrad.get_default_device() == graphgrad.device("cpu")
    with pytest.raises(RuntimeError, match="no 'meta' device"):
        with graphgrad.device("meta"):
            graphgrad.zeros(1)
    assert graphgrad._device._default[0] is None  # (put back on the way out, even on error)
