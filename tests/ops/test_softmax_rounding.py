"""softmax rounds as PyTorch's kernel does: each exp times the reciprocal of their sum, not
divided by the sum (the last bit differs in about 1 value of 8 otherwise, in float64 too)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

ROWS = np.random.default_rng(0).standard_normal((200, 3)) * 3


def test_softmax_multiplies_by_the_reciprocal_of_the_sum():
    e = np.exp(ROWS - ROWS.max(axis=1, keepdims=True))
    total = e.sum(axis=1, keepdims=True)
    times_reciprocal = e * (1 / total)
    assert not np.array_equal(times_reciprocal, e / total)  # the rows tell the forms apart
    got = graphgrad.softmax(graphgrad.tensor(ROWS, dtype=graphgrad.float64), 1).numpy()
    np.testing.assert_array_equal(got, times_reciprocal)


def test_softmax_gives_pytorchs_bits_for_three_classes():
    x = np.array([3.08, -0.59, -4.36])
    if np.exp(x - x.max()).tolist() != [1.0, 0.025476469946681016, 0.0005872851975459907]:
        pytest.skip("NumPy's exp rounds otherwise on this CPU (the recorded sum would differ)")
    # torch 2.13: torch.softmax(torch.tensor([3.08, -0.59, -4.36], dtype=torch.float64), 0)
    got = graphgrad.softmax(graphgrad.tensor(x, dtype=graphgrad.float64), 0).tolist()
    assert got == [0.9745983083277674, 0.024829324512198526, 0.0005723671600342613]
