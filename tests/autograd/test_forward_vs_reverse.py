"""Generated: forward mode (dual tensors) and reverse mode agree on every primitive's samples.

For each sample of each registered primitive (tests/ops/samples_*.py), in float64 with a
random tangent per input, the tangent that forward mode computes equals J @ v, with J
assembled row by row by reverse mode. Primitives whose forward rule is still the transpose of
their backward rules (``jvp=None``) are listed in KNOWN_GAPS; a new primitive without a rule
fails ``test_every_primitive_has_a_forward_rule`` until it gets one or is listed there.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
import graphgrad.autograd.forward_ad as fwAD  # noqa: N812 - the name PyTorch uses
from graphgrad.ops.primitive import REGISTRY

from ..ops.test_primitives import CASES, SAMPLES

# Primitives without their own jvp: forward mode transposes their backward rules instead.
# Empty: every primitive has a forward rule; keep it that way.
# SVD, QR and eigh: their tangents come from the transposed backward rules (correct, slower)
KNOWN_GAPS: set[str] = {"linalg_svd", "linalg_qr", "linalg_eigh"}


def _jacobian_times(out, xs, vs) -> np.ndarray:
    """J v by reverse mode: one vector-Jacobian product per output element."""
    jv = np.zeros(out.numel())
    for k in range(out.numel()):
        seed = np.zeros(out.numel())
        seed[k] = 1
        grads = graphgrad.autograd.grad(
            out,
            xs,
            graphgrad.tensor(seed.reshape(out.shape), dtype=out.dtype),
            retain_graph=True,
            allow_unused=True,
        )
        jv[k] = sum(
            float((g.detach().numpy() * v).sum())
            for g, v in zip(grads, vs, strict=False)
            if g is not None
        )
    return jv


@pytest.mark.parametrize(("name", "index"), CASES)
def test_forward_matches_reverse(name, index):
    sample = SAMPLES[name][index]
    arrays = sample.arrays()
    rng = np.random.default_rng(2)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    xs = [graphgrad.tensor(a, dtype=graphgrad.float64, requires_grad=True) for a in arrays]
    out = sample.fn(graphgrad, *xs)
    expected = _jacobian_times(out, xs, vs)
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(
                graphgrad.tensor(a, dtype=graphgrad.float64),
                graphgrad.tensor(v, dtype=graphgrad.float64),
            )
            for a, v in zip(arrays, vs, strict=False)
        ]
        primal, tangent = fwAD.unpack_dual(sample.fn(graphgrad, *duals))
    np.testing.assert_allclose(primal.numpy(), out.detach().numpy(), rtol=1e-12, atol=1e-12)
    got = np.zeros(out.numel()) if tangent is None else tangent.numpy().ravel()
    tol = (
        {"rtol": 1e-9, "atol": 1e-10}
        if out.dtype == graphgrad.float64
        else {"rtol": 1e-5, "atol": 1e-6}
    )
    np.testing.assert_allclose(got, expected, **tol)


def test_every_primitive_has_a_forward_rule():
    missing = sorted(n for n, p in REGISTRY.items() if p.jvp is None and n not in KNOWN_GAPS)
    assert not missing, f"primitives without a jvp rule (add one, or list in KNOWN_GAPS): {missing}"


def test_known_gaps_are_still_gaps():
    stale = sorted(n for n in KNOWN_GAPS if n in REGISTRY and REGISTRY[n].jvp is not None)
    assert not stale, f"these have a jvp now; remove them from KNOWN_GAPS: {stale}"
