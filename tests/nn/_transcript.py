"""Run one scenario in graphgrad and in torch and compare what each wrote down: strings
(reprs, state_dict keys, error messages) exactly, tensors (values, gradients) to a tolerance
that covers the matmuls and norms inside (elementwise results agree to the last bits anyway)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad


class Transcript(list):
    """What a scenario records: ``note(x)`` a tensor (as values), a string, or anything printable;
    ``error(fn)`` the type and message of what ``fn()`` raises."""

    def __init__(self, T) -> None:
        super().__init__()
        self.T = T

    def note(self, *values) -> None:
        for v in values:
            if isinstance(v, self.T.Tensor):
                self.append(("tensor", str(v.dtype), tuple(v.shape), v.detach().numpy().copy()))
            elif v is None or isinstance(v, (bool, int, float, str)):
                self.append(v)
            else:
                self.append(str(v).replace(self.T.__name__ + ".", "torch."))

    def error(self, fn) -> None:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            self.append((type(e).__name__, str(e).replace(self.T.__name__ + ".", "torch.")))
        else:
            self.append("no error")


def compare(scenario, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Run ``scenario(T, t)`` with graphgrad and torch (each seeded 0) and compare the
    transcripts entry by entry."""
    torch = pytest.importorskip("torch")
    got, want = Transcript(graphgrad), Transcript(torch)
    for T, t in ((graphgrad, got), (torch, want)):
        T.manual_seed(0)
        scenario(T, t)
    assert len(got) == len(want), f"{len(got)} entries, torch {len(want)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if isinstance(w, tuple) and w and w[0] == "tensor":
            assert isinstance(g, tuple) and g[:3] == w[:3], f"entry {i}: {g[:3]} != {w[:3]}"
            assert np.allclose(g[3], w[3], rtol=rtol, atol=atol, equal_nan=True), (
                f"entry {i}: {g[3]} != {w[3]}"
            )
        else:
            assert g == w, f"entry {i}: {g!r} != {w!r}"
