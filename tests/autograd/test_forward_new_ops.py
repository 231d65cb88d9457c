"""Forward mode (JVPs) through the issue-12 ops, against PyTorch's forward AD."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

OPS = {
    "sort": lambda T, a: T.sort(a, 1).values,
    "topk": lambda T, a: T.topk(a, 2).values,
    "kthvalue": lambda T, a: T.kthvalue(a, 2).values,
    "asin": lambda T, a: T.asin(a),
    "acosh": lambda T, a: T.acosh(a + 2),
    "atan2": lambda T, a: T.atan2(a, a * 2 + 3),
    "hardswish": lambda T, a: T.nn.functional.hardswish(a),
    "pad": lambda T, a: T.nn.functional.pad(a, (1, 2), mode="reflect"),
    "cosine_similarity": lambda T, a: T.nn.functional.cosine_similarity(a, a * a + 1),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_jvp_matches_torch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, t = rng.uniform(-0.8, 0.8, (3, 4)), rng.standard_normal((3, 4))
    tangents = []
    for T in (graphgrad, torch):
        fwd = T.autograd.forward_ad
        with fwd.dual_level():
            dual = fwd.make_dual(T.tensor(x), T.tensor(t))
            tangents.append(fwd.unpack_dual(OPS[name](T, dual)).tangent.numpy())
    np.testing.assert_allclose(tangents[0], tangents[1], rtol=1e-12, atol=1e-15)
