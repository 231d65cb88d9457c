"""Run one case in graphgrad and in torch and compare what came out: the values (with the
signs of zeros, NaN equal to NaN), the dtypes, or the exception's type and message."""

from __future__ import annotations

import numpy as np


def outcome(T, case):
    """``("ok", values)`` or ``(exception type name, message)`` of ``case(T)``."""
    try:
        return "ok", _plain(T, case(T))
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)


def _plain(T, value):
    """Tensors (and what holds them) as comparable Python values."""
    if isinstance(value, T.Tensor):
        data = value.detach().numpy()
        return ("tensor", str(value.dtype), tuple(value.shape), np.array(data, copy=True))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(T, v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _plain(T, v)) for k, v in value.items())
    return value


def assert_like_torch(case) -> None:
    """``case(T)`` gives in graphgrad what it gives in torch (skipped where torch is absent)."""
    import pytest

    import graphgrad

    torch = pytest.importorskip("torch")
    assert_same(outcome(graphgrad, case), outcome(torch, case))


def assert_same(got, want, message: bool = True) -> None:
    """``got`` (graphgrad's outcome) is ``want`` (torch's); ``message=False`` compares only
    the exception's type."""
    assert got[0] == want[0], f"graphgrad {got}, torch {want}"
    if got[0] != "ok":
        if message:
            assert got[1] == want[1]
        return
    _assert_values(got[1], want[1])


def _assert_values(got, want) -> None:
    if isinstance(want, tuple) and want and want[0] == "tensor":
        assert got[:3] == want[:3], f"{got[:3]} != {want[:3]}"
        a, b = got[3], want[3]
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{a} != {b}"
        if a.dtype.kind == "f":
            numbers = ~np.isnan(b)
            assert np.array_equal(np.signbit(a[numbers]), np.signbit(b[numbers])), f"signs: {a} {b}"
        return
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _assert_values(g, w)
        return
    assert got == want or (got != got and want != want), f"{got!r} != {want!r}"
