"""graphgrad needs only NumPy: each fallback for a missing optional package is exercised here.

The NumPy-range runs of ``make test`` also run the whole suite in venvs without SciPy,
safetensors or PyTorch; the tests below hide a package in this venv.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import graphgrad as torch
import graphgrad.nn.functional as F
from graphgrad import nn

X = [0.0, -0.0, 0.3, -0.5, 1.0, 2.5, -3.75, 6.0, 1e-30, np.inf, -np.inf]


@pytest.fixture
def no_scipy(monkeypatch):
    """Make ``import scipy`` fail, as in a plain ``pip install graphgrad``."""
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.special", None)


def test_scipy_is_hidden(no_scipy):
    with pytest.raises(ImportError):
        import scipy.special  # noqa: F401


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_erf_and_gelu_without_scipy_on_every_shape(no_scipy, dtype):
    # Regression: on a 0-d tensor the fallback returned a Python float and crashed with
    # AttributeError: 'float' object has no attribute 'astype'
    assert torch.erf(torch.tensor(0.5, dtype=dtype)).item() == pytest.approx(0.5204998778, 1e-7)
    assert F.gelu(torch.tensor(1.0, dtype=dtype)).item() == pytest.approx(0.8413447461, 1e-7)
    assert nn.GELU()(torch.tensor(0.3, dtype=dtype)).item() == pytest.approx(0.1853734267, 1e-6)
    assert torch.erf(torch.zeros(0, 3, dtype=dtype)).shape == (0, 3)
    x = torch.tensor(X, dtype=dtype)
    assert torch.erf(x).dtype == dtype and torch.erf(x).shape == (len(X),)


def test_gelu_gradient_without_scipy(no_scipy):
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    F.gelu(x).backward()
    # d/dx x*Phi(x) = Phi(x) + x*phi(x)
    assert x.grad.item() == pytest.approx(0.7580363477769269 + 0.7 * 0.31225393336676127, 1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erf_fallback_agrees_with_scipy_and_torch(dtype):
    x = np.concatenate([np.array(X), np.linspace(-6, 6, 2001)]).astype(dtype)
    with_scipy = pytest.importorskip("scipy.special").erf(x).astype(dtype)
    sys.modules["scipy"], saved = None, sys.modules["scipy"]
    try:
        without = torch.erf(torch.from_numpy(x)).numpy()
    finally:
        sys.modules["scipy"] = saved
    # both are within an ulp of the exact erf, so within two of each other
    np.testing.assert_array_max_ulp(without, with_scipy, maxulp=2)
    real = pytest.importorskip("torch")
    np.testing.assert_array_max_ulp(without, real.erf(real.from_numpy(x)).numpy(), maxulp=2)
