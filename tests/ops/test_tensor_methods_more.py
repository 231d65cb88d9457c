"""ops/tensor_methods_more.py against torch: values, shapes, errors, gradients."""

import warnings

import numpy as np
import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")


def _chain(T):
    """In-place view ops on a non-leaf, then a gradient through them."""
    w = T.ones(2, 3, requires_grad=True)
    y = w * T.arange(6.0).reshape(2, 3)
    y.t_()
    y.unsqueeze_(0)
    y.transpose_(0, 2)
    y.squeeze_()
    (y * T.arange(6.0).reshape(2, 3)).sum().backward()
    return y.shape, y.detach(), w.grad


CASES = {
    "fill_diagonal": lambda T: T.zeros(3, 4).fill_diagonal_(5),
    "fill_diagonal_tall": lambda T: T.zeros(4, 2).fill_diagonal_(5),
    "fill_diagonal_wrap": lambda T: T.zeros(7, 3).fill_diagonal_(5, wrap=True),
    "fill_diagonal_cube": lambda T: T.zeros(2, 2, 2).fill_diagonal_(1),
    "fill_diagonal_uneven": lambda T: T.zeros(2, 3, 4).fill_diagonal_(1),
    "fill_diagonal_int": lambda T: T.zeros(2, 2, dtype=T.long).fill_diagonal_(3),
    "hardshrink": lambda T: (
        T.tensor([-1.0, 0.3, 0.7, -0.5]).hardshrink(),
        T.tensor([-1.0, 0.3]).hardshrink(0.2),
    ),
    "storage_offset": lambda T: (
        T.arange(6.0).reshape(2, 3)[1].storage_offset(),
        T.arange(6.0)[2:].storage_offset(),
    ),
    "storage_offset_t": lambda T: T.arange(6.0).reshape(2, 3).t()[1].storage_offset(),
    "dim_order": lambda T: (
        T.ones(2, 3).t().dim_order(),
        T.ones(2, 3, 4).permute(2, 0, 1).dim_order(),
    ),
    "is_set_to": lambda T: (
        lambda a: (a[1].is_set_to(a[1]), a.is_set_to(a.clone()), a.is_shared())
    )(T.ones(2, 3)),
    "nonzero_static": lambda T: T.tensor([0, 1, 0, 2]).nonzero_static(size=3),
    "nonzero_static_cut": lambda T: T.tensor([[0, 1], [1, 1]]).nonzero_static(
        size=1, fill_value=-5
    ),
    "apply_": lambda T: T.tensor([1.0, 2]).apply_(lambda v: v * 10),
    "map_": lambda T: T.tensor([[1.0, 2]]).map_(T.tensor([1.0]), lambda a, b: a - b),
    "view_inplace_chain": _chain,
    "view_inplace_leaf": lambda T: T.ones(2, requires_grad=True).unsqueeze_(0),
    "t_3d": lambda T: T.ones(2, 2, 2).t_(),
    "histc": lambda T: T.tensor([1.0, 5]).histc(bins=4, min=0, max=8),
    "histogram": lambda T: T.tensor([1.0, 2, 2.5]).histogram(2),
    "bernoulli": lambda T: (T.manual_seed(3), T.full((20,), 0.5).bernoulli())[1],
}


@pytest.mark.parametrize("name", list(CASES))
def test_results_and_errors_match_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(outcome(gg, CASES[name]), outcome(torch, CASES[name]))


def test_methods_exist_as_in_torch():
    for name in """t_ transpose_ squeeze_ unsqueeze_ fill_diagonal_ hardshrink storage_offset
            is_set_to is_shared share_memory_ dim_order const_data_ptr nonzero_static apply_
            map_ histc histogram bernoulli""".split():
        assert hasattr(gg.Tensor, name) and hasattr(torch.Tensor, name), name
    x = gg.ones(2)
    assert x.share_memory_() is x and x.const_data_ptr() == x.data_ptr()
    assert np.array_equal(gg.ones(2, 3).squeeze_().numpy(), np.ones((2, 3)))
