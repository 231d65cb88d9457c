"""sort / argsort / topk / kthvalue: PyTorch's order among equal values and NaNs."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad


def _tied(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    a = rng.integers(0, (3, 6, 1000)[seed % 3], n).astype(np.float32)
    if seed % 4 == 0:
        a[rng.random(n) < 0.1] = np.nan
    return a


def test_sort_values_and_gradient():
    x = graphgrad.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = graphgrad.sort(x, descending=True)
    (values * graphgrad.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert indices.tolist() == [0, 2, 1]
    assert x.grad.tolist() == [1.0, 3.0, 2.0]


def test_nan_sorts_largest():
    x = graphgrad.tensor([1.0, float("nan"), 0.0])
    assert graphgrad.sort(x).indices.tolist() == [2, 0, 1]
    assert graphgrad.topk(x, 1).indices.tolist() == [1]


@pytest.mark.parametrize("seed", range(40))
def test_tie_order_matches_torch(seed):
    torch = pytest.importorskip("torch")
    a = _tied(seed)
    t, g = torch.tensor(a), graphgrad.tensor(a)
    rng = np.random.default_rng(seed + 1000)
    for desc in (False, True):
        for stable in (False, True):
            want = torch.sort(t, descending=desc, stable=stable).indices.numpy()
            assert np.array_equal(graphgrad.sort(g, descending=desc, stable=stable).indices, want)
        for k in (int(rng.integers(1, a.size + 1)), max(1, a.size // 64)):
            for ordered in (True, False):
                want = torch.topk(t, k, largest=desc, sorted=ordered).indices.numpy()
                got = graphgrad.topk(g, k, largest=desc, sorted=ordered).indices.numpy()
                assert np.array_equal(got, want)
    k = int(rng.integers(1, a.size + 1))
    assert graphgrad.kthvalue(g, k).indices.item() == torch.kthvalue(t, k).indices.item()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_dims_and_ints_match_torch(dim):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(dim + 5).integers(0, 4, (5, 40, 3))
    t, g = torch.tensor(a), graphgrad.tensor(a)
    for desc in (False, True):
        want = torch.sort(t, dim, desc).indices.numpy()
        assert np.array_equal(graphgrad.sort(g, dim, desc).indices.numpy(), want)
        want = torch.argsort(t, dim, desc).numpy()
        assert np.array_equal(graphgrad.argsort(g, dim, desc).numpy(), want)
    assert np.array_equal(graphgrad.topk(g, 3, dim).indices, torch.topk(t, 3, dim).indices)
    got, want = graphgrad.kthvalue(g, 2, dim, True), torch.kthvalue(t, 2, dim, True)
    assert np.array_equal(got.indices, want.indices) and np.array_equal(got.values, want.values)


def test_large_int_sort_is_stable_like_torch_radix_sort():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).integers(-5, 5, 40000)
    want = torch.sort(torch.tensor(a)).indices.numpy()
    assert np.array_equal(graphgrad.sort(graphgrad.tensor(a)).indices.numpy(), want)


def test_k_out_of_range():
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        graphgrad.topk(graphgrad.ones(3), 4)
    with pytest.raises(RuntimeError, match="kthvalue\\(\\): selected number k out of range"):
        graphgrad.kthvalue(graphgrad.ones(3), 0)
