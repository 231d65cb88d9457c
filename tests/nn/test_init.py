# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""nn.init and the layers' default initialisation against PyTorch (same seed, same values)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import graphgrad
from graphgrad.nn import init

from ..random._helpers import torch_with_simd_kernels


def _same_seeded(make, seed=0):
    torch = torch_with_simd_kernels()
    torch.manual_seed(seed)
    graphgrad.manual_seed(seed)
    return make(graphgrad), make(torch)


def _assert_state_equal(ours, theirs, exact=True):
    for (name, a), (name_t, b) in zip(
        ours.state_dict().items(), theirs.state_dict().items(), strict=False
    ):
        assert name == name_t
        if exact:
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.nn.Linear(3, 2),
        lambda T: T.nn.Linear(20, 7),
        lambda T: T.nn.Conv2d(3, 4, 3),
        lambda T: T.nn.Conv1d(2, 5, 4, groups=1),
        lambda T: T.nn.Sequential(
            T.nn.Conv2d(1, 8, 3), T.nn.Linear(16, 10), T.nn.LayerNorm(4), T.nn.BatchNorm2d(3)
        ),
    ],
    ids=["linear_3_2", "linear_20_7", "conv2d", "conv1d", "sequential"],
)
def test_default_initialisation_is_bit_exact(make):
    ours, theirs = _same_seeded(make)
    _assert_state_equal(ours, theirs)


def test_embedding_initialisation_matches():
    ours, theirs = _same_seeded(lambda T: T.nn.Embedding(10, 3, padding_idx=1))
    _assert_state_equal(ours, theirs, exact=False)
    assert not ours.weight.detach().numpy()[1].any()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("xavier_uniform_", {"gain": 2.0}),
        ("xavier_normal_", {}),
        ("kaiming_uniform_", {"a": math.sqrt(5)}),
        ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
        ("uniform_", {"a": -0.5, "b": 0.5}),
        ("normal_", {"mean": 1.0, "std": 0.1}),
        ("orthogonal_", {}),
        ("trunc_normal_", {"std": 0.5}),
        ("trunc_normal_", {"mean": 0.5, "std": 2.0, "a": 0.0, "b": 1.0}),
    ],
)
def test_initialisers_match_torch(name, kwargs):
    torch = torch_with_simd_kernels()
    torch.manual_seed(1)
    graphgrad.manual_seed(1)
    a = graphgrad.empty(6, 5)
    b = torch.empty(6, 5)
    getattr(init, name)(a, **kwargs)
    getattr(torch.nn.init, name)(b, **kwargs)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_constant_initialisers_and_gain():
    t = graphgrad.empty(3, 3)
    assert init.ones_(t).tolist()[0] == [1.0, 1.0, 1.0]
    assert init.zeros_(t).sum().item() == 0.0
    assert init.eye_(t).tolist()[1] == [0.0, 1.0, 0.0]
    assert init.constant_(t, 0.5).tolist()[2][2] == 0.5
    assert init.calculate_gain("relu") == math.sqrt(2.0)
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    assert init.calculate_gain("tanh") == 5.0 / 3
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init.xavier_uniform_(graphgrad.empty(3))


@pytest.mark.parametrize(
    ("shape", "groups"), [((4, 2, 3), 1), ((4, 1, 3), 2), ((2, 3, 2, 2), 1), ((6, 2, 3, 1, 3), 3)]
)
def test_dirac_matches_torch(shape, groups):
    torch = pytest.importorskip("torch")
    got = graphgrad.nn.init.dirac_(graphgrad.empty(*shape), groups).numpy()
    want = torch.nn.init.dirac_(torch.empty(*shape), groups).numpy()
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(("shape", "sparsity"), [((5, 3), 0.5), ((4, 6), 0.1), ((3, 2), 1.0)])
def test_sparse_matches_torch_stream(shape, sparsity):
    torch = torch_with_simd_kernels()
    out = []
    for T in (graphgrad, torch):
        T.manual_seed(7)
        out.append(
            (T.nn.init.sparse_(T.empty(*shape), sparsity, std=0.5).numpy(), T.rand(2).numpy())
        )
    np.testing.assert_array_equal(out[0][0], out[1][0])  # the same draws, zeros in the same places
    np.testing.assert_array_equal(out[0][1], out[1][1])  # and the generator left in the same state


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.nn.init.dirac_(T.empty(2, 2)),
        lambda T: T.nn.init.dirac_(T.empty(3, 2, 3), groups=2),
        lambda T: T.nn.init.sparse_(T.empty(2, 2, 2), 0.5),
    ],
)
def test_dirac_and_sparse_errors_match_torch(call):
    torch = pytest.importorskip("torch")
    messages = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:
            call(T)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
