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


@pytest.mark.parametrize(
    "view",
    [
        lambda L: L.arange(24.0).view(2, 3, 4).transpose(0, 1),  # dense: memory order
        lambda L: L.arange(24.0).view(2, 3, 4).permute(2, 0, 1),
        lambda L: L.arange(24.0).view(4, 6)[:, ::2],  # a slice: index order
        lambda L: L.arange(3.0).view(3, 1).expand(3, 4),  # an expansion: index order
    ],
)
def test_dropout_of_a_view_draws_as_torch(view):
    """PyTorch fills the mask of a transposed input in memory order (empty_like keeps the
    layout); graphgrad drew it in index order (MultiheadAttention's batch_first output)."""
    torch = pytest.importorskip("torch")
    gg.manual_seed(3)
    torch.manual_seed(3)
    ours = gg.nn.functional.dropout(view(gg), 0.5)
    theirs = torch.nn.functional.dropout(view(torch), 0.5)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
