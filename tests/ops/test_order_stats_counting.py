"""ops/order_stats.py and ops/counting.py against torch: values, indices, dtypes, errors and
gradients (float64)."""

import numpy as np
import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch

torch = pytest.importorskip("torch")

NAN = float("nan")


def _nan2d(T):
    return T.tensor([[1.0, NAN, 3, 2], [4, 4, 1, NAN], [NAN, NAN, NAN, NAN]])


EXACT = {
    "nanmedian": lambda T: T.nanmedian(T.tensor([[1.0, NAN, 3, 2], [4, 4, 1, NAN]])),
    "nanmedian_dim": lambda T: T.nanmedian(_nan2d(T)[:2], 1),
    "nanmedian_all_nan": lambda T: T.nanmedian(_nan2d(T), 1).values,
    "nanmedian_empty_all": lambda T: T.nanmedian(T.tensor([])),
    "nanmedian_keepdim": lambda T: T.nanmedian(_nan2d(T), 0, keepdim=True),
    "nanmedian_int": lambda T: T.nanmedian(T.tensor([[3, 1, 2, 5]]), -1),
    "nanmedian_0d": lambda T: T.nanmedian(T.tensor(2.0), 0),
    "nanmedian_empty": lambda T: T.nanmedian(T.ones(2, 0), 1),
    "mode": lambda T: T.mode(T.tensor([[1, 2, 2, 3], [3, 3, 1, 1]]), 1),
    "mode_float": lambda T: T.mode(T.tensor([1.0, 2, 2, 0.5])),
    "mode_dim0": lambda T: T.mode(T.tensor([[1, 2], [1, 3], [2, 3]]), 0, keepdim=True),
    "mode_0d": lambda T: T.mode(T.tensor(4)),
    "cummax": lambda T: T.cummax(T.tensor([1.0, 3, 3, 2, 5, NAN, 1]), 0),
    "cummin": lambda T: T.cummin(T.tensor([[3, 1, 1, 2], [0, 5, -1, -1]]), 1),
    "cummax_dim0": lambda T: T.cummax(T.tensor([[3, 1], [1, 4], [5, 4]]), 0),
    "cummin_0d": lambda T: T.cummin(T.tensor(2.0), 0),
    "cummax_empty": lambda T: T.cummax(T.ones(0, 3), 0),
    "quantile_int": lambda T: T.quantile(T.tensor([1, 2]), 0.5),
    "quantile_range": lambda T: T.quantile(T.tensor([1.0, 2]), 1.5),
    "quantile_q_dtype": lambda T: T.quantile(T.tensor([1.0, 2]), T.tensor([0.5], dtype=T.float64)),
    "quantile_nan": lambda T: T.quantile(_nan2d(T), 0.5),
    "quantile_nan_dim": lambda T: T.quantile(_nan2d(T), 0.5, dim=1),
    "quantile_empty": lambda T: T.quantile(T.tensor([]), 0.5),
    "quantile_interp": lambda T: T.quantile(T.ones(3), 0.5, interpolation="cubic"),
    "nanquantile_all_nan": lambda T: T.nanquantile(_nan2d(T), 0.5, dim=1),
    "unique": lambda T: T.unique(T.tensor([3, 1, 2, 3, 1])),
    "unique_all": lambda T: T.unique(
        T.tensor([[3, 1], [2, 3]]), return_inverse=True, return_counts=True
    ),
    "unique_dim": lambda T: T.unique(T.tensor([[1, 2], [1, 2], [0, 5]]), dim=0, return_counts=True),
    "unique_dim1": lambda T: T.unique(
        T.tensor([[1, 2], [1, 2], [0, 5]]), dim=1, return_inverse=True
    ),
    "unique_nan": lambda T: T.unique(T.tensor([NAN, 1.0, NAN])),
    "unique_method": lambda T: T.tensor([2.0, 2.0, -1.0]).unique(return_counts=True),
    "unique_consecutive": lambda T: T.unique_consecutive(
        T.tensor([1, 1, 2, 2, 3, 1, 1]), return_inverse=True, return_counts=True
    ),  # fmt: skip
    "unique_consecutive_dim": lambda T: T.unique_consecutive(
        T.tensor([[1, 1], [1, 1], [2, 3]]), dim=0, return_counts=True
    ),  # fmt: skip
    "unique_consecutive_flat": lambda T: T.tensor([[1, 1], [1, 1], [2, 3]]).unique_consecutive(),
    "isin": lambda T: T.isin(T.tensor([1, 2, 3]), T.tensor([2, 5])),
    "isin_invert_number": lambda T: T.isin(T.tensor([1, 2, 3]), 2, invert=True),
    "isin_number": lambda T: T.isin(3, T.tensor([1, 3])),
    "isin_promote": lambda T: T.isin(T.tensor([1.0, 2.5]), T.tensor([2, 1])),
    "bincount": lambda T: T.bincount(T.tensor([1, 1, 3]), minlength=6),
    "bincount_weights": lambda T: T.bincount(T.tensor([1, 1, 3]), weights=T.tensor([0.5, 1, 2])),
    "bincount_int_weights": lambda T: T.tensor([1, 1, 3]).bincount(T.tensor([1, 2, 3])),
    "bincount_f64_weights": lambda T: T.bincount(T.tensor([0]), T.tensor([2.0], dtype=T.float64)),
    "bincount_negative": lambda T: T.bincount(T.tensor([-1])),
    "bincount_2d": lambda T: T.bincount(T.tensor([[1]])),
    "bincount_float": lambda T: T.bincount(T.tensor([1.0])),
    "bincount_empty": lambda T: T.bincount(T.tensor([], dtype=T.long)),
    "bincount_minlength": lambda T: T.bincount(T.tensor([0, 2]), minlength=-1),
    "bucketize": lambda T: T.bucketize(T.tensor([[3, 6, 9]]), T.tensor([1, 3, 5, 7, 9])),
    "bucketize_right": lambda T: T.bucketize(
        T.tensor([3, 6, 9]), T.tensor([1, 3, 5, 7, 9]), right=True, out_int32=True
    ),  # fmt: skip
    "bucketize_number": lambda T: T.bucketize(4, T.tensor([1, 3, 5])),
    "bucketize_2d": lambda T: T.bucketize(T.tensor([2]), T.tensor([[1, 3]])),
    "searchsorted": lambda T: T.searchsorted(T.tensor([1, 3, 5, 7, 9]), T.tensor([3, 6, 9])),
    "searchsorted_rows": lambda T: T.searchsorted(
        T.tensor([[1, 3, 5], [2, 4, 6]]), T.tensor([[3], [5]]), side="right"
    ),  # fmt: skip
    "searchsorted_number": lambda T: T.searchsorted(T.tensor([1, 3, 5]), 4),
    "searchsorted_float": lambda T: T.searchsorted(T.tensor([1, 3]), T.tensor([2.0, 3.0])),
    "searchsorted_opposite": lambda T: T.searchsorted(
        T.tensor([1, 3]), T.tensor([2]), side="left", right=True
    ),  # fmt: skip
    "searchsorted_sorter": lambda T: T.searchsorted(
        T.tensor([3, 1]), T.tensor([2]), sorter=T.tensor([1, 0])
    ),  # fmt: skip
}

CLOSE = {
    "quantile": lambda T: T.quantile(T.tensor([1.0, 2, 3, 4]), 0.3),
    "quantile_q_tensor": lambda T: T.quantile(
        T.tensor([[1.0, 2, 3, 4]]), T.tensor([0.3, 0.9]), dim=1, keepdim=True
    ),  # fmt: skip
    "quantile_keepdim_all": lambda T: T.quantile(T.arange(6.0).reshape(2, 3), 0.4, keepdim=True),
    "quantile_0d_q": lambda T: T.quantile(T.arange(6.0).reshape(2, 3), T.tensor(0.25), dim=0),
    "nanquantile": lambda T: T.nanquantile(_nan2d(T)[:2], 0.5, dim=1),
    "nanquantile_all": lambda T: T.nanquantile(T.tensor([1.0, NAN, 3.0]), 0.5),
    "quantile_f64": lambda T: T.quantile(T.tensor([0.1, 0.7, 0.3], dtype=T.float64), 0.61),
}
for _m in ["linear", "lower", "higher", "nearest", "midpoint"]:
    CLOSE[f"quantile_{_m}"] = lambda T, m=_m: T.quantile(
        T.tensor([1.0, 2, 3, 4, 10]), T.tensor([0.1, 0.375, 0.5, 0.625, 1.0]), interpolation=m
    )  # fmt: skip


@pytest.mark.parametrize("name", list(EXACT))
def test_exact_results_and_errors_match_torch(name):
    assert_same(outcome(gg, EXACT[name]), outcome(torch, EXACT[name]))


@pytest.mark.parametrize("name", list(CLOSE))
def test_results_match_torch_to_rounding(name):
    got, want = outcome(gg, CLOSE[name]), outcome(torch, CLOSE[name])
    assert got[0] == want[0] == "ok", (got, want)
    assert got[1][:3] == want[1][:3]
    np.testing.assert_allclose(got[1][3], want[1][3], rtol=1e-6, equal_nan=True)


GRAD_CASES = {
    "nanmedian": (lambda T, a: T.nanmedian(a, 1).values, [(3, 4)]),
    "nanmedian_all": (lambda T, a: T.nanmedian(a), [(3, 4)]),
    "mode": (lambda T, a: T.mode(T.round(a), 0).values * a[0], [(5, 3)]),
    "cummax": (lambda T, a: T.cummax(a, 1).values, [(2, 5)]),
    "cummin": (lambda T, a: T.cummin(a, 0).values, [(4, 2)]),
    "quantile": (
        lambda T, a: T.quantile(a, T.tensor([0.2, 0.5], dtype=T.float64), dim=1),
        [(2, 5)],
    ),
    "nanquantile": (lambda T, a: T.nanquantile(a, 0.7), [(3, 3)]),
    "quantile_midpoint": (lambda T, a: T.quantile(a, 0.5, 0, interpolation="midpoint"), [(4, 2)]),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name])
