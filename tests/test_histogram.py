"""histc and histogram against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad


def test_histc_values():
    x = graphgrad.tensor([1.0, 2.0, 1.0, 9.0])
    assert graphgrad.histc(x, bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 0.0]
    assert graphgrad.histc(graphgrad.tensor([1.0, 1.0]), 2, 1, 1).tolist() == [0.0, 2.0]


def test_histogram_repr():
    result = graphgrad.histogram(graphgrad.tensor([1.0, 1.0]), 2, range=(1.0, 1.0))
    assert repr(result) == (
        "torch.return_types.histogram(\nhist=tensor([0., 2.]),\n"
        "bin_edges=tensor([0.5000, 1.0000, 1.5000]))"
    )


@pytest.mark.parametrize("seed", range(20))
def test_histc_matches_torch_bit_for_bit(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    for dtype in (np.float32, np.float64):
        x = rng.standard_normal(int(rng.integers(1, 200))).astype(dtype)
        if seed % 3 == 0:
            x = np.round(x * 4) / 4  # values on the bin edges
        bins = int(rng.integers(1, 30))
        low, high = (0, 0) if seed % 2 else (-1.0, 1.5)
        want = torch.histc(torch.tensor(x), bins, low, high).numpy()
        np.testing.assert_array_equal(graphgrad.histc(graphgrad.tensor(x), bins, low, high), want)


@pytest.mark.parametrize("seed", range(20))
def test_histogram_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(rng.integers(1, 200)))
    w = rng.random(x.size)
    bins = int(rng.integers(1, 30))
    for kwargs in ({}, {"range": (-1.0, 1.0)}, {"density": True}, {"weight": w}):
        tk = {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        gk = {k: graphgrad.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        want = torch.histogram(torch.tensor(x), bins, **tk)
        got = graphgrad.histogram(graphgrad.tensor(x), bins, **gk)
        # NOTE: the edges come from linspace, which can differ from PyTorch's in the last bit
        np.testing.assert_allclose(
            got.bin_edges.numpy(), want.bin_edges.numpy(), rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(got.hist.numpy(), want.hist.numpy(), rtol=1e-12)
    edges = torch.tensor([-2.0, -0.5, 0.0, 3.0], dtype=torch.float64)
    want = torch.histogram(torch.tensor(x), edges).hist.numpy()
    got = graphgrad.histogram(graphgrad.tensor(x), graphgrad.tensor(edges.numpy())).hist
    np.testing.assert_array_equal(got.numpy(), want)
