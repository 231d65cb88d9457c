"""ops/scatter_more.py against torch: values, dtypes, errors, gradients (float64)."""

import warnings

import numpy as np
import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch

torch = pytest.importorskip("torch")

REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


def _z(T):
    return T.zeros(2, 3)


EXACT = {
    "select_scatter": lambda T: T.select_scatter(_z(T), T.ones(3), 0, 1),
    "select_scatter_size": lambda T: T.select_scatter(_z(T), T.ones(2), 0, 1),
    "select_scatter_cast": lambda T: T.select_scatter(_z(T), T.ones(3, dtype=T.float64), 0, -1),
    "slice_scatter": lambda T: T.slice_scatter(_z(T), T.ones(2, 2), 1, 1),
    "slice_scatter_step": lambda T: T.slice_scatter(_z(T), T.ones(2, 2), 1, 0, 3, 2),
    "slice_scatter_size": lambda T: T.slice_scatter(_z(T), T.ones(2, 1), 1, 0, 3, 2),
    "slice_scatter_default": lambda T: T.slice_scatter(_z(T), T.ones(1, 3)),
    "diagonal_scatter": lambda T: T.diagonal_scatter(_z(T), T.ones(2)),
    "diagonal_scatter_offset": lambda T: T.diagonal_scatter(_z(T), T.ones(2), 1),
    "diagonal_scatter_size": lambda T: T.diagonal_scatter(_z(T), T.ones(3)),
    "index_copy": lambda T: T.index_copy(_z(T), 1, T.tensor([2, 0]), T.ones(2, 2)),
    "index_copy_count": lambda T: T.index_copy(_z(T), 1, T.tensor([2, 0]), T.ones(2, 3)),
    "index_copy_float_index": lambda T: T.index_copy(_z(T), 1, T.tensor([2.0]), T.ones(2, 1)),
    "index_copy_dtype": lambda T: T.index_copy(
        _z(T), 1, T.tensor([2, 0]), T.ones(2, 2, dtype=T.float64)
    ),  # fmt: skip
    "index_copy_bounds": lambda T: T.index_copy(_z(T), 1, T.tensor([5, 0]), T.ones(2, 2)),
    "index_copy_": lambda T: _z(T).index_copy_(0, T.tensor([1]), T.ones(1, 3)),
    "index_fill": lambda T: _z(T).index_fill(1, T.tensor([2, 0]), 5),
    "index_fill_tensor": lambda T: _z(T).index_fill(1, T.tensor([2, 0]), T.tensor(5.0)),
    "index_fill_1d_value": lambda T: _z(T).index_fill(1, T.tensor([2]), T.tensor([5.0])),
    "index_fill_negative": lambda T: _z(T).index_fill(1, T.tensor([-1]), 1),
    "index_fill_": lambda T: _z(T).index_fill_(0, T.tensor([0]), -1),
    "masked_scatter": lambda T: _z(T).masked_scatter(T.tensor([True, False, True]), T.arange(6.0)),
    "masked_scatter_short": lambda T: _z(T).masked_scatter(
        T.tensor([True, False, True]), T.arange(3.0)
    ),  # fmt: skip
    "masked_scatter_long_mask": lambda T: _z(T).masked_scatter(T.tensor([1, 0, 1]), T.ones(6)),
    "masked_scatter_dtype": lambda T: _z(T).masked_scatter(
        T.tensor([True, False, True]), T.arange(6)
    ),  # fmt: skip
    "masked_scatter_": lambda T: _z(T).masked_scatter_(T.tensor([[True], [False]]), T.ones(9)),
    "put_": lambda T: _z(T).put_(T.tensor([1, -1]), T.tensor([9.0, 8])),
    "put_accumulate": lambda T: _z(T).put_(T.tensor([1, 1]), T.tensor([9.0, 8]), accumulate=True),
    "put_bounds": lambda T: _z(T).put_(T.tensor([6]), T.tensor([9.0])),
    "put": lambda T: T.put(_z(T), T.tensor([1]), T.tensor([9.0])),
    "scatter_reduce_bad": lambda T: T.scatter_reduce(_z(T), 0, T.tensor([[0]]), _z(T), "median"),
    "scatter_reduce_dtype": lambda T: T.scatter_reduce(
        T.ones(3), 0, T.tensor([0]), T.ones(1, dtype=T.float64), "sum"
    ),  # fmt: skip
    "index_reduce": lambda T: T.ones(4).index_reduce(
        0, T.tensor([0, 0]), T.tensor([2.0, 3]), "prod"
    ),
    "index_reduce_sum": lambda T: T.ones(4).index_reduce(0, T.tensor([0]), T.ones(1), "sum"),
    "index_reduce_2d": lambda T: (
        T.arange(6.0)
        .reshape(2, 3)
        .index_reduce(
            1, T.tensor([0, 2, 0]), T.tensor([[5.0, 1, 7], [-1, 4, 2]]), "amax", include_self=False
        )
    ),  # fmt: skip
}


def _scatter_case(reduce, include_self, integer):
    def case(T):
        dt = T.int64 if integer else T.float32
        x = T.tensor([1, 2, 3, 4], dtype=dt)
        src = T.tensor([5, 6, 7, 8, -2], dtype=dt)
        return T.scatter_reduce(
            x, 0, T.tensor([0, 1, 0, 1, 2]), src, reduce, include_self=include_self
        )

    return case


for _r in REDUCTIONS:
    for _inc in (True, False):
        for _int in (True, False):
            EXACT[f"scatter_reduce_{_r}_{_inc}_{_int}"] = _scatter_case(_r, _inc, _int)
    EXACT[f"scatter_reduce_2d_{_r}"] = lambda T, r=_r: T.arange(6.0).reshape(2, 3).scatter_reduce(
        1, T.tensor([[0, 0], [2, 1]]), T.tensor([[5.0, -1, 9], [2, 4, 8]]), r
    )  # fmt: skip


@pytest.mark.parametrize("name", list(EXACT))
def test_results_and_errors_match_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: index_reduce is in beta
        want = outcome(torch, EXACT[name])
    got = outcome(gg, EXACT[name])
    if name.startswith("scatter_reduce_mean") and got[0] == "ok":
        np.testing.assert_allclose(got[1][3], want[1][3], rtol=1e-6)
        return
    assert_same(got, want)


GRAD_CASES = {
    "select_scatter": (lambda T, a, b: T.select_scatter(a, b, 1, 0), [(2, 3), (2,)]),
    "slice_scatter": (lambda T, a, b: T.slice_scatter(a, b, 1, 0, None, 2), [(2, 3), (2, 2)]),
    "diagonal_scatter": (lambda T, a, b: T.diagonal_scatter(a, b, -1), [(3, 3), (2,)]),
    "index_copy": (lambda T, a, b: T.index_copy(a, 0, T.tensor([2, 0]), b), [(3, 2), (2, 2)]),
    "index_fill": (lambda T, a, v: a.index_fill(1, T.tensor([1]), v.sum()), [(2, 3), (2,)]),
    "masked_scatter": (
        lambda T, a, b: a.masked_scatter(T.tensor([[True, False, True]]), b),
        [(2, 3), (5,)],
    ),
    "put": (lambda T, a, b: T.put(a, T.tensor([1, 4, 1]), b, accumulate=True), [(2, 3), (3,)]),
}
for _r in REDUCTIONS:
    for _inc in (True, False):
        GRAD_CASES[f"scatter_reduce_{_r}_{_inc}"] = (
            lambda T, a, b, r=_r, inc=_inc: T.scatter_reduce(
                a, 1, T.tensor([[0, 2, 0, 2], [1, 1, 1, 0]]), b, r, include_self=inc
            ),
            [(2, 3), (2, 4)],
        )
GRAD_CASES["index_reduce_amin"] = (
    lambda T, a, b: a.index_reduce(0, T.tensor([1, 1, 0]), b, "amin"),
    [(2, 2), (3, 2)],
)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name])


def test_amax_gradient_is_split_among_ties():
    def grads(T):
        a = T.tensor([3.0, 1.0], requires_grad=True)
        b = T.tensor([3.0, 3.0, 0.5], requires_grad=True)
        T.scatter_reduce(a, 0, T.tensor([0, 0, 1]), b, "amax").sum().backward()
        return a.grad.numpy(), b.grad.numpy()

    for g, w in zip(grads(gg), grads(torch), strict=True):
        np.testing.assert_array_equal(g, w)
