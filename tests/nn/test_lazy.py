"""The lazy layers against PyTorch: reprs before and after the first forward, the class they
become, the inferred sizes, the seeded initial values, and the uninitialized tensors' errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

CASES = [
    ("LazyLinear", (4,), (2, 3)),
    ("LazyLinear", (2, False), (5,)),
    ("LazyConv1d", (4, 3), (2, 3, 8)),
    ("LazyConv2d", (4, 3), (1, 2, 5, 5)),
    ("LazyConv2d", (4, 3, 1, 1, 1, 2), (2, 4, 5, 5)),
    ("LazyConv3d", (2, 2), (1, 3, 3, 3, 3)),
    ("LazyConvTranspose1d", (4, 3), (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3, 2), (2, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), (1, 3, 2, 2, 2)),
    ("LazyBatchNorm1d", (), (4, 3)),
    ("LazyBatchNorm2d", (1e-3, 0.2), (2, 3, 2, 2)),
    ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 4)),
    ("LazyInstanceNorm2d", (), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (1e-5, 0.1, False, False), (2, 3, 2, 2, 2)),
]


@pytest.mark.filterwarnings("ignore:input's size at dim")
@pytest.mark.parametrize(("name", "args", "shape"), CASES)
def test_lazy_layer_matches_torch(name, args, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    seen = []
    for T in (graphgrad, torch):
        T.manual_seed(0)
        layer = getattr(T.nn, name)(*args)
        before = repr(layer)
        lazy = layer.has_uninitialized_params()
        out = layer(T.tensor(x))
        state = {k: v.detach().numpy() for k, v in layer.state_dict().items()}
        seen.append((before, lazy, repr(layer), type(layer).__name__, out.detach().numpy(), state))
    (b0, l0, a0, c0, o0, s0), (b1, l1, a1, c1, o1, s1) = seen
    assert (b0, l0, a0, c0) == (b1, l1, a1, c1)
    np.testing.assert_allclose(o0, o1, rtol=1e-5, atol=1e-6)
    assert list(s0) == list(s1)
    for key in s1:
        np.testing.assert_allclose(s0[key], s1[key], rtol=1e-6, atol=1e-7)


def test_uninitialized_tensors():
    torch = pytest.importorskip("torch")
    for T in (graphgrad, torch):
        assert repr(T.nn.UninitializedParameter()) == "<UninitializedParameter>"
        assert repr(T.nn.UninitializedBuffer()) == "<UninitializedBuffer>"
    errors = []
    for T in (graphgrad, torch):
        with pytest.raises(RuntimeError) as info:
            T.nn.LazyLinear(3).weight.shape  # noqa: B018 - the access is what raises
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    p = graphgrad.nn.UninitializedParameter()
    p.materialize((2, 3))
    assert type(p) is graphgrad.nn.Parameter and p.shape == (2, 3) and p.requires_grad
    assert graphgrad.nn.lazy.is_lazy(graphgrad.nn.LazyConv1d(2, 1).weight)


def test_lazy_instance_norm_reads_dim_1_as_torch():
    torch = pytest.importorskip("torch")
    errors = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:
            T.nn.LazyInstanceNorm2d()(T.ones(3, 4, 4))  # unbatched: PyTorch takes C = 4
        errors.append(str(info.value))
    assert errors[0] == errors[1]
