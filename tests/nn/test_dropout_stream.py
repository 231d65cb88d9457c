"""Dropout draws PyTorch's Bernoulli stream, and the Tensor fill methods check and bump."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg


def test_dropout_mask_recorded_from_torch():
    gg.manual_seed(0)
    out = gg.nn.functional.dropout(gg.ones(3, 4), 0.5)
    # torch.manual_seed(0); F.dropout(torch.ones(3, 4), 0.5) in torch 2.13 (x86-64)
    expected = [[0, 0, 2, 0], [0, 0, 2, 2], [0, 2, 2, 2]]
    assert out.tolist() == expected


def test_dropout_matches_torch_live():
    torch = pytest.importorskip("torch")
    for seed in (0, 1, 42):
        gg.manual_seed(seed)
        torch.manual_seed(seed)
        ours = gg.nn.functional.dropout(gg.ones(5, 7), 0.3)
        theirs = torch.nn.functional.dropout(torch.ones(5, 7), 0.3)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_fill_methods_check_leaf_and_bump_version():
    t = gg.empty(3, 4)
    assert t.uniform_(-0.5, 0.5) is t and t._version == 1
    assert float(t.abs().max()) <= 0.5
    t.normal_()
    t.bernoulli_(0.5)
    assert t._version == 3 and set(np.unique(t.numpy())) <= {0.0, 1.0}
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad"):
        gg.ones(2, requires_grad=True).uniform_()
