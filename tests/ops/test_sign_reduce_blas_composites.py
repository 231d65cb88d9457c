"""ops/sign.py, ops/reduce/composite.py, ops/linalg/composite.py and the trapezoid rules in
ops/scans.py against torch: values and dtypes, errors, gradients (float64), edge shapes."""

import warnings

import numpy as np
import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _close(got, want, rtol):
    """Errors must match exactly; results in dtype, shape and value (to ``rtol``)."""
    assert got[0] == want[0], f"graphgrad {got}, torch {want}"
    if got[0] != "ok":
        assert got[1] == want[1]
        return
    g, w = got[1], want[1]
    if isinstance(w, tuple) and w and w[0] == "tensor":
        g, w = (g,), (w,)
    for a, b in zip(g, w, strict=True):
        assert a[:3] == b[:3], f"{a[:3]} != {b[:3]}"
        np.testing.assert_allclose(a[3], b[3], rtol=rtol, atol=rtol, equal_nan=True)


EXACT = {
    "signbit": lambda T: T.signbit(T.tensor([-0.0, 0.0, -1.0, NAN, -INF])),
    "signbit_int": lambda T: T.signbit(T.tensor([-1, 0, 2])),
    "signbit_bool": lambda T: T.signbit(T.tensor([True, False])),
    "isposinf": lambda T: T.isposinf(T.tensor([INF, -INF, 1.0, NAN])),
    "isposinf_int": lambda T: T.isposinf(T.tensor([1, 2])),
    "isneginf": lambda T: T.isneginf(T.tensor([INF, -INF, 1.0, NAN])),
    "isneginf_bool": lambda T: T.isneginf(T.tensor([True])),
    "isreal": lambda T: T.isreal(T.tensor([1.0, NAN, INF])),
    "isreal_int": lambda T: T.isreal(T.tensor([[1], [2]])),
    "sgn": lambda T: T.sgn(T.tensor([-2.0, -0.0, 0.0, 3.0, NAN])),
    "sgn_int": lambda T: T.sgn(T.tensor([-2, 0, 3])),
    "sgn_bool": lambda T: T.sgn(T.tensor([True, False])),
    "positive": lambda T: T.positive(T.tensor([1, -2])),
    "positive_bool": lambda T: T.positive(T.tensor([True])),
    "count_nonzero": lambda T: T.count_nonzero(T.tensor([[0, 1], [2, 0]])),
    "count_nonzero_dim": lambda T: T.count_nonzero(T.tensor([[0, 1.5], [NAN, -0.0]]), dim=0),
    "count_nonzero_dims": lambda T: T.count_nonzero(T.ones(2, 3, 4), dim=(0, 2)),
    "count_nonzero_empty_dims": lambda T: T.count_nonzero(T.ones(2, 3), dim=[]),
    "count_nonzero_dup": lambda T: T.count_nonzero(T.ones(2, 2), dim=(0, 0)),
    "count_nonzero_0d": lambda T: T.count_nonzero(T.tensor(3.0), dim=0),
    "count_nonzero_bool": lambda T: T.count_nonzero(T.tensor([True, False]), 0),
    "aminmax": lambda T: T.aminmax(T.tensor([[1, 5], [3, 2]])),
    "aminmax_dim": lambda T: T.aminmax(T.tensor([[1, 5], [3, 2.0]]), dim=0, keepdim=True),
    "aminmax_nan": lambda T: T.aminmax(T.tensor([[1.0, NAN], [2, 3]]), dim=1),
    "aminmax_0d": lambda T: T.aminmax(T.tensor(3.0), dim=0),
    "aminmax_bool": lambda T: T.aminmax(T.tensor([True, False])),
    "aminmax_empty": lambda T: T.aminmax(T.tensor([])),
    "aminmax_empty_other_dim": lambda T: T.aminmax(T.ones(0, 2), dim=1),
    "aminmax_empty_dim": lambda T: T.aminmax(T.ones(0, 2), dim=0),
    "nanmean": lambda T: T.nanmean(T.tensor([1.0, NAN, 3.0])),
    "nanmean_dim": lambda T: T.nanmean(T.tensor([[1.0, NAN], [NAN, NAN]]), dim=1),
    "nanmean_dims": lambda T: T.nanmean(T.tensor([[1.0, NAN], [2, 4]]), (0, 1), True),
    "nanmean_int": lambda T: T.nanmean(T.tensor([1, 2])),
    "nanmean_dtype": lambda T: T.nanmean(T.tensor([1.0, 2.0]), dtype=T.float64),
    "nanmean_empty": lambda T: T.nanmean(T.tensor([])),
    "dist_int": lambda T: T.dist(T.tensor([1, 2]), T.tensor([4, 6])),
    "dist_number": lambda T: T.dist(T.tensor([1.0, 2.0]), 3.0),
    "inner_dtype": lambda T: T.inner(T.tensor([1, 2]), T.tensor([3.0, 4.0])),
    "inner_last": lambda T: T.inner(T.ones(2, 3), T.ones(2)),
    "vdot_2d": lambda T: T.vdot(T.ones(2, 2), T.ones(2, 2)),
    "vdot_len": lambda T: T.vdot(T.ones(2), T.ones(3)),
    "addmv_ndim": lambda T: T.addmv(T.ones(2), T.ones(3), T.ones(3)),
    "addmv_vec": lambda T: T.addmv(T.ones(2), T.ones(2, 3), T.ones(3, 1)),
    "addmv_size": lambda T: T.addmv(T.ones(3), T.ones(2, 3), T.ones(3)),
    "addmv_dtype": lambda T: T.addmv(T.ones(2, dtype=T.float64), T.ones(2, 3), T.ones(3)),
    "addmv_beta0_nan": lambda T: T.addmv(T.tensor([NAN, 1.0]), T.ones(2, 3), T.ones(3), beta=0),
    "addr_1d": lambda T: T.addr(T.zeros(2, 3), T.ones(2, 1), T.ones(3)),
    "addr_expand": lambda T: T.addr(T.ones(2, 3), T.ones(2), T.ones(2)),
    "addr_int_alpha": lambda T: T.addr(
        T.zeros(2, 3, dtype=T.long), T.tensor([1, 2]), T.tensor([1, 2, 3]), alpha=0.5
    ),  # fmt: skip
    "addr_int": lambda T: T.addr(
        T.ones(2, 3, dtype=T.long), T.tensor([1, 2]), T.tensor([1, 2, 3]), beta=2, alpha=3
    ),  # fmt: skip
    "addr_promote": lambda T: T.addr(T.ones(2, 3), T.ones(2, dtype=T.float64), T.ones(3)),
    "addr_beta0_nan": lambda T: T.addr(T.full((2, 1), NAN), T.ones(2), T.ones(3), beta=0),
    "addbmm_batches": lambda T: T.addbmm(T.zeros(2, 2), T.ones(3, 2, 4), T.ones(2, 4, 2)),
    "addbmm_expand": lambda T: T.addbmm(T.zeros(3, 2), T.ones(3, 2, 4), T.ones(3, 4, 2)),
    "addbmm_inner": lambda T: T.addbmm(T.zeros(2, 2), T.ones(3, 2, 4), T.ones(3, 5, 2)),
    "addbmm_empty": lambda T: T.addbmm(T.ones(2, 2), T.ones(0, 2, 4), T.ones(0, 4, 2)),
    "matrix_power_0": lambda T: T.matrix_power(T.tensor([[1, 1], [1, 0]]), 0),
    "matrix_power_1d": lambda T: T.matrix_power(T.ones(2), 2),
    "matrix_power_rect": lambda T: T.matrix_power(T.ones(2, 3), 2),
    "matrix_power_int_inv": lambda T: T.matrix_power(T.tensor([[1, 1], [1, 0]]), -1),
    "matrix_power_int": lambda T: T.matrix_power(T.tensor([[1, 1], [1, 0]]), 7),
    "trapezoid_0d": lambda T: T.trapezoid(T.tensor(1.0)),
    "trapezoid_x_len": lambda T: T.trapezoid(T.tensor([1.0, 2, 4]), T.tensor([0.0, 1])),
    "trapezoid_empty": lambda T: T.trapezoid(T.tensor([])),
    "trapezoid_empty_dim": lambda T: T.trapezoid(T.ones(2, 0), dim=1),
    "cumulative_trapezoid_empty": lambda T: T.cumulative_trapezoid(T.tensor([])),
}

CLOSE = {
    "dist": lambda T: T.dist(T.tensor([1.0, 2.0]), T.tensor([4.0, 6.0])),
    "dist_p": lambda T: [
        T.dist(T.tensor([1.0, 2.0]), T.tensor([[4.0, 6.5]]), p) for p in (0, 1, 2.5, INF, -INF)
    ],  # fmt: skip
    "inner": lambda T: T.inner(T.arange(6.0).reshape(2, 3), T.arange(12.0).reshape(4, 3)),
    "inner_0d": lambda T: T.inner(T.tensor(2.0), T.ones(2, 3)),
    "inner_1d": lambda T: T.inner(T.tensor([1.0, 2]), T.tensor([3.0, 4])),
    "vdot": lambda T: T.vdot(T.tensor([1.0, 2]), T.tensor([3.0, 4])),
    "addmv": lambda T: T.addmv(
        T.ones(2), T.arange(6.0).reshape(2, 3), T.ones(3), beta=0.5, alpha=2
    ),  # fmt: skip
    "addmv_bcast": lambda T: T.addmv(T.ones(1), T.ones(2, 3), T.ones(3)),
    "addmv_0d": lambda T: T.addmv(T.tensor(2.0), T.ones(2, 3), T.ones(3)),
    "addr": lambda T: T.addr(
        T.ones(2, 3), T.tensor([1.0, 2]), T.tensor([1.0, 2, 3]), beta=0.5, alpha=2
    ),  # fmt: skip
    "addbmm": lambda T: T.addbmm(
        T.ones(2),
        T.arange(24.0).reshape(3, 2, 4),
        T.arange(24.0).reshape(3, 4, 2),
        beta=2,
        alpha=0.5,
    ),  # fmt: skip
    "matrix_power": lambda T: [
        T.matrix_power(T.tensor([[1.0, 1], [1, 0.5]]), n) for n in (1, 2, 3, 4, 5, 6, 11, -1, -3)
    ],  # fmt: skip
    "matrix_power_batch": lambda T: T.matrix_power(T.arange(8.0).reshape(2, 2, 2), 5),
    "trapezoid": lambda T: T.trapezoid(T.tensor([1.0, 2, 4])),
    "trapezoid_dx": lambda T: T.trapezoid(T.tensor([1.0, 2, 4]), dx=0.5),
    "trapezoid_x": lambda T: T.trapezoid(T.tensor([1.0, 2, 4]), T.tensor([0.0, 1, 3])),
    "trapezoid_int": lambda T: T.trapezoid(T.tensor([1, 2, 4])),
    "trapezoid_dim0": lambda T: T.trapezoid(T.tensor([[1.0, 2], [4, 8]]), dim=0),
    "trapezoid_x_2d": lambda T: T.trapezoid(T.ones(2, 3), T.arange(6.0).reshape(2, 3), dim=0),
    "trapz": lambda T: T.trapz(T.tensor([1.0, 2, 4]), dx=2),
    "cumulative_trapezoid": lambda T: T.cumulative_trapezoid(T.tensor([1.0, 2, 4, -1])),
    "cumulative_trapezoid_x": lambda T: T.cumulative_trapezoid(
        T.tensor([1, 2, 4]), T.tensor([0.0, 1, 3])
    ),  # fmt: skip
    "cumulative_trapezoid_2d": lambda T: T.cumulative_trapezoid(
        T.ones(2, 3), T.tensor([1.0, 2, 4])
    ),  # fmt: skip
}


@pytest.mark.parametrize("name", list(EXACT))
def test_exact_results_and_errors_match_torch(name):
    assert_same(outcome(gg, EXACT[name]), outcome(torch, EXACT[name]))


@pytest.mark.parametrize("name", list(CLOSE))
def test_results_match_torch_to_rounding(name):
    _close(outcome(gg, CLOSE[name]), outcome(torch, CLOSE[name]), 1e-6)


def test_positive_is_the_input_and_aminmax_is_a_named_pair():
    x = gg.tensor([1.0, -2.0])
    assert gg.positive(x) is x
    pair = gg.aminmax(x)
    low, high = pair
    assert pair.min is low and pair.max is high and (low.item(), high.item()) == (-2.0, 1.0)
    assert type(pair).__name__ == "aminmax"


def test_trapezoid_with_x_and_dx_is_a_type_error():
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        gg.trapezoid(gg.tensor([1.0, 2.0]), gg.tensor([0.0, 1.0]), dx=2)


# (function, input shapes): float64 inputs in [-2, 2] (distinct, so no ties); the gradients
# are compared with torch's, then gradcheck and gradgradcheck run.
GRAD_CASES = {
    "sgn": (lambda T, a: T.sgn(a) * a, [(4,)]),
    "aminmax": (lambda T, a: T.aminmax(a, dim=1), [(3, 4)]),
    "aminmax_all": (lambda T, a: T.aminmax(a), [(3, 4)]),
    "dist": (lambda T, a, b: T.dist(a, b), [(3, 2), (2,)]),
    "dist_p3": (lambda T, a, b: T.dist(a, b, 3), [(3, 2), (2,)]),
    "nanmean": (lambda T, a: T.nanmean(a, dim=0), [(3, 2)]),
    "inner": (lambda T, a, b: T.inner(a, b), [(2, 3), (4, 3)]),
    "vdot": (lambda T, a, b: T.vdot(a, b), [(3,), (3,)]),
    "addmv": (lambda T, a, b, c: T.addmv(a, b, c, beta=0.5, alpha=-2), [(2,), (2, 3), (3,)]),
    "addr": (lambda T, a, b, c: T.addr(a, b, c, beta=3, alpha=0.25), [(1, 3), (2,), (3,)]),
    "addbmm": (lambda T, a, b, c: T.addbmm(a, b, c, alpha=2), [(2, 1), (3, 2, 4), (3, 4, 1)]),
    "matrix_power": (lambda T, a: T.matrix_power(a, 5), [(2, 2)]),
    "matrix_power_neg": (
        lambda T, a: T.matrix_power(a + 3 * T.eye(2, dtype=T.float64), -2),
        [(2, 2)],
    ),  # fmt: skip
    "trapezoid": (lambda T, a: T.trapezoid(a, dx=0.5), [(2, 4)]),
    "trapezoid_x": (lambda T, a, b: T.trapezoid(a, b, dim=0), [(3, 2), (3,)]),
    "cumulative_trapezoid": (lambda T, a, b: T.cumulative_trapezoid(a, b), [(2, 4), (4,)]),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name])


def test_nanmean_gradient_skips_nans():
    def grad(T):
        x = T.tensor([[1.0, NAN], [2.0, 4.0]], dtype=T.float64, requires_grad=True)
        T.nanmean(x, dim=1).sum().backward()
        return x.grad.numpy()

    np.testing.assert_array_equal(grad(gg), grad(torch))


@pytest.mark.parametrize(
    "name", "signbit isposinf isneginf isreal sgn positive count_nonzero aminmax dist nanmean "
    "inner vdot addmv addr addbmm matrix_power".split()
)  # fmt: skip
def test_tensor_methods_are_torchs(name):
    for method in (name, name + "_"):
        assert hasattr(gg.Tensor, method) == hasattr(torch.Tensor, method), method


@pytest.mark.parametrize("name", ["addmv", "addr", "addbmm"])
def test_inplace_forms_match_torch(name):
    args = {
        "addmv": lambda T: (T.ones(2, 3), T.tensor([1.0, 2.0, 3.0])),
        "addr": lambda T: (T.tensor([1.0, 2.0]), T.tensor([1.0, 2.0, 3.0])),
        "addbmm": lambda T: (T.ones(2, 2, 4), T.ones(2, 4, 3)),
    }[name]
    shape = (2,) if name == "addmv" else (2, 3)

    def case(T):
        x = T.ones(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = getattr(x, name + "_")(*args(T), beta=0.5, alpha=2)
        return x, y is x

    assert_same(outcome(gg, case), outcome(torch, case))


@pytest.mark.parametrize("p", [2, 3, 1, 0.5, INF, -INF])
def test_dist_is_one_node_as_in_pytorch(p):
    # before: LinalgVectorNormBackward0 over SubBackward0 (another graph in make_dot)
    def graph(T):
        a = T.tensor([1.0, 2.0, 0.0], requires_grad=True)
        node = T.dist(a, T.tensor([[4.0, 6.0, 0.0], [1.0, 1.0, 3.0]], requires_grad=True), p)
        node = node.grad_fn
        return node.name(), node._saved_p, [type(n).__name__ for n, _ in node.next_functions]

    assert graph(gg) == ("DistBackward0", p, ["AccumulateGrad", "AccumulateGrad"])
    assert graph(gg)[:2] == graph(torch)[:2]
