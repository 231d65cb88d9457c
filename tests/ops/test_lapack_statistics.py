"""ops/lapack.py, ops/statistics.py and ops/creation_more.py against torch: values, dtypes,
errors, gradients (float64, first and second order)."""

import warnings

import numpy as np
import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")


def _spd(T):
    return T.tensor([[4.0, 2.0, 0.5], [2.0, 3.0, 1.0], [0.5, 1.0, 2.0]])


def _square(T):
    return T.tensor([[1.0, 2, 0], [3, 4, 1], [0, 5, 2]])


EXACT = {
    "cholesky_not_pd": lambda T: T.cholesky(T.tensor([[1.0, 2], [2, 1]])),
    "cholesky_not_square": lambda T: T.cholesky(T.ones(2, 3)),
    "cholesky_int": lambda T: T.cholesky(T.ones(2, 2, dtype=T.long)),
    "slogdet_not_square": lambda T: T.slogdet(T.ones(2, 3)),
    "slogdet_1d": lambda T: T.slogdet(T.ones(3)),
    "logdet_int": lambda T: T.logdet(T.ones(2, 2, dtype=T.int64)),
    "logdet_negative": lambda T: T.logdet(T.tensor([[0.0, 1], [1, 0]])),
    "logdet_singular": lambda T: T.logdet(T.zeros(2, 2)),
    "slogdet_signs": lambda T: T.slogdet(T.tensor([[[0.0, 1], [1, 0]], [[2.0, 0], [0, 3]]]))[0],
    "lu_pivots": lambda T: T.lu(_square(T))[1],
    "lu_pivots_batch": lambda T: T.lu(T.tensor([[[1.0, 2], [3, 4]], [[5.0, 1], [2, 3]]]))[1],
    "lu_pivots_rect": lambda T: T.lu(T.tensor([[1.0, 2, 3], [4, 5, 6]]))[1],
    "lu_unpack_P": lambda T: T.lu_unpack(*T.lu(_square(T)))[0],
    "lu_infos": lambda T: T.lu(T.tensor([[1.0, 2], [2, 4]]), get_infos=True)[2],
    "chain_matmul_1d": lambda T: T.chain_matmul(T.ones(2), T.ones(2)),
    "range": lambda T: (T.range(1, 4), T.range(1, 2, 0.5), T.range(0, 3, dtype=T.int64)),
    "range_step0": lambda T: T.range(1, 4, 0),
    "range_sign": lambda T: T.range(4, 1),
    "asarray": lambda T: (T.asarray([1, 2]), T.asarray(np.array([1.0, 2])), T.asarray(3.5)),
    "asarray_dtype": lambda T: T.asarray([1, 2], dtype=T.float64),
    "asarray_tensor": lambda T: (lambda t: (T.asarray(t) is t, T.asarray(t, copy=True) is t))(
        T.ones(2)
    ),  # fmt: skip
    "empty_strided": lambda T: (
        T.empty_strided((2, 3), (1, 2)).stride(),
        tuple(T.empty_strided((2, 3), (1, 2)).shape),
    ),
    "frombuffer": lambda T: T.frombuffer(bytearray(b"\x01\x02\x03\x04"), dtype=T.uint8),
    "frombuffer_count": lambda T: T.frombuffer(
        bytearray(8), dtype=T.float32, count=1, offset=4
    ),  # fmt: skip
    "frombuffer_length": lambda T: T.frombuffer(bytearray(3), dtype=T.int16),
    "cov_3d": lambda T: T.cov(T.ones(2, 2, 2)),
    "cov_fweights_float": lambda T: T.cov(T.ones(2, 3), fweights=T.tensor([1.0, 2, 1])),
    "cdist_columns": lambda T: T.cdist(T.ones(2, 3), T.ones(2, 2)),
    "cdist_1d": lambda T: T.cdist(T.ones(3), T.ones(2, 3)),
    "cdist_p": lambda T: T.cdist(T.ones(2, 3), T.ones(2, 3), p=-1),
    "cdist_int": lambda T: T.cdist(T.ones(2, 3, dtype=T.int64), T.ones(2, 3)),
    "renorm_maxnorm": lambda T: T.renorm(T.ones(2), 2, 0, -1),
    "svd_1d": lambda T: T.svd(T.ones(3)),
    "svd_int": lambda T: T.svd(T.ones(2, 2, dtype=T.long)),
    "qr_1d": lambda T: T.qr(T.ones(3)),
    "pinverse_1d": lambda T: T.pinverse(T.ones(3)),
    "svd_no_uv_zeros": lambda T: (
        T.svd(T.ones(3, 2), compute_uv=False)[0],
        T.svd(T.ones(3, 2), compute_uv=False)[2],
    ),
    "svd_shapes": lambda T: [tuple(t.shape) for t in T.svd(T.ones(4, 2), some=False)],
    "qr_shapes": lambda T: [tuple(t.shape) for t in T.qr(T.ones(4, 2), some=False)],
    "renorm_p": lambda T: T.renorm(T.ones(2), -1, 0, 1),
}

CLOSE = {
    "slogdet": lambda T: T.slogdet(_square(T)),
    "logdet_batch": lambda T: T.logdet(_spd(T).expand(2, 3, 3) * T.tensor([[[1.0]], [[2.0]]])),
    "cholesky": lambda T: (T.cholesky(_spd(T)), T.cholesky(_spd(T), upper=True)),
    "cholesky_inverse": lambda T: (
        T.cholesky_inverse(T.cholesky(_spd(T))),
        T.cholesky_inverse(T.cholesky(_spd(T), upper=True), upper=True),
    ),
    "cholesky_solve": lambda T: T.cholesky_solve(T.ones(3, 2), T.cholesky(_spd(T))),
    "cholesky_solve_upper": lambda T: T.cholesky_solve(
        T.ones(3, 1), T.cholesky(_spd(T), upper=True), upper=True
    ),  # fmt: skip
    "triangular_solve": lambda T: T.triangular_solve(T.ones(3, 2), _square(T) + 1),
    "triangular_solve_lower": lambda T: T.triangular_solve(
        T.ones(3, 1), _square(T) + 1, upper=False, transpose=True, unitriangular=True
    ),  # fmt: skip
    "lu": lambda T: T.lu(_square(T))[0],
    "lu_batch": lambda T: T.lu(T.tensor([[[1.0, 2], [3, 4]], [[5.0, 1], [2, 3]]]))[0],
    "lu_rect": lambda T: T.lu(T.tensor([[1.0, 2, 3], [4, 5, 6]]))[0],
    "lu_unpack": lambda T: T.lu_unpack(*T.lu(_square(T))),
    "lu_unpack_rect": lambda T: T.lu_unpack(*T.lu(T.tensor([[1.0, 2], [3, 4], [5, 7]]))),
    "lu_solve": lambda T: T.lu_solve(T.tensor([[5.0], [11], [3]]), *T.lu(_square(T))),
    "matrix_exp": lambda T: T.matrix_exp(T.tensor([[0.0, 1], [-1, 0]])),
    "matrix_exp_big": lambda T: T.matrix_exp(_square(T).double() / 2),
    "matrix_exp_batch": lambda T: T.matrix_exp(T.stack([_spd(T) / 4, -_square(T) / 3])),
    "matrix_exp_zero": lambda T: T.matrix_exp(T.zeros(2, 2)),
    "chain_matmul": lambda T: T.chain_matmul(_square(T), _spd(T), T.ones(3, 2)),
    "cov": lambda T: T.cov(T.tensor([[1.0, 2, 4], [0, 3, -1]])),
    "cov_correction": lambda T: T.cov(T.tensor([[1.0, 2, 4], [0, 3, -1]]), correction=0),
    "cov_1d": lambda T: T.cov(T.tensor([1.0, 2, 4])),
    "cov_int": lambda T: T.cov(T.tensor([[1, 2, 4]])),
    "cov_weights": lambda T: T.cov(
        T.tensor([[1.0, 2, 4], [0, 3, -1]]),
        fweights=T.tensor([1, 2, 1]),
        aweights=T.tensor([0.5, 1, 2.0]),
    ),
    "cov_aweights": lambda T: T.cov(T.tensor([[1.0, 2, 4]]), aweights=T.tensor([0.5, 1, 2.0])),
    "corrcoef": lambda T: T.corrcoef(T.tensor([[1.0, 2, 4], [0, 3, -1], [2, 2, 1]])),
    "corrcoef_1d": lambda T: T.corrcoef(T.tensor([1, 2, 4])),
    "cdist": lambda T: [
        T.cdist(T.tensor([[0.0, 0], [1, 1], [2, 0]]), T.tensor([[0.0, 1], [1, 1]]), p=p)
        for p in (0, 1, 2, 3, INF)
    ],
    "cdist_batch": lambda T: T.cdist(T.ones(2, 3, 4), T.zeros(2, 2, 4)),
    "renorm": lambda T: T.renorm(T.tensor([[1.0, 2, 3], [4, 5, 6]]), 2, 0, 5),
    "svd": lambda T: T.svd(_square(T)),
    "svd_wide": lambda T: [t.abs() for t in T.svd(T.tensor([[1.0, 2, 3], [4, 5, 6]]))],
    "svd_batch": lambda T: T.svd(T.stack([_square(T), _spd(T)])).S,
    "qr": lambda T: T.qr(_square(T)),
    "qr_tall": lambda T: T.qr(T.tensor([[1.0, 2], [3, 4], [5, 7]])),
    "qr_wide": lambda T: T.qr(T.tensor([[1.0, 2, 3], [4, 5, 6]])),
    "pinverse": lambda T: T.pinverse(T.tensor([[1.0, 2], [3, 4], [5, 7]])),
    # float64: in float32, PyTorch's AVX-512 SVD leaves a second singular value of 3e-8, above
    # pinverse's rcond of 1e-15, and its pinverse is that noise inverted (1.7e7)
    "pinverse_rank1": lambda T: T.pinverse(T.ones(2, 3, dtype=T.float64)),
    "pinverse_batch": lambda T: T.stack([_square(T), _spd(T)]).pinverse(),
    "renorm_dim1": lambda T: T.renorm(T.tensor([[1.0, 2, 3], [4, 5, 6]]), 1, 1, 6),
    "renorm_inplace": lambda T: T.tensor([[1.0, 2, 3], [4, 5, 6]]).renorm_(3, -1, 2),
}


def _quiet(T, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return outcome(T, case)


@pytest.mark.parametrize("name", list(EXACT))
def test_exact_results_and_errors_match_torch(name):
    assert_same(_quiet(gg, EXACT[name]), _quiet(torch, EXACT[name]))


def _flat(value):
    if isinstance(value, tuple) and value and value[0] == "tensor":
        return [value]
    return [t for v in value for t in _flat(v)]


@pytest.mark.parametrize("name", list(CLOSE))
def test_results_match_torch_to_rounding(name):
    got, want = _quiet(gg, CLOSE[name]), _quiet(torch, CLOSE[name])
    assert got[0] == want[0] == "ok", (got, want)
    for g, w in zip(_flat(got[1]), _flat(want[1]), strict=True):
        assert g[:3] == w[:3]
        np.testing.assert_allclose(g[3], w[3], rtol=2e-5, atol=2e-6, equal_nan=True)


def _spd_of(T, a):
    return a @ a.mT + 2 * T.eye(a.shape[-1], dtype=a.dtype)


def _svd_loss(T, a):
    u, s, v = T.svd(a)
    return T.cat(
        [(u.abs() * s.unsqueeze(-2)).flatten(), (v**2 * s.unsqueeze(-2)).flatten(), s.flatten()]
    )


def _qr_loss(T, a):
    q, r = T.qr(a)
    return T.cat([q.flatten() * 2, r.flatten()])


GRAD_CASES = {
    "slogdet": (lambda T, a: T.slogdet(a + 3 * T.eye(3, dtype=a.dtype))[1], [(3, 3)]),
    "logdet": (lambda T, a: T.logdet(_spd_of(T, a)), [(2, 3, 3)]),
    "cholesky": (lambda T, a: T.cholesky(_spd_of(T, a)), [(3, 3)]),
    "cholesky_upper": (lambda T, a: T.cholesky(_spd_of(T, a), upper=True), [(2, 2, 2)]),
    "cholesky_inverse": (lambda T, a: T.cholesky_inverse(T.cholesky(_spd_of(T, a))), [(3, 3)]),
    "cholesky_solve": (
        lambda T, b, a: T.cholesky_solve(b, T.cholesky(_spd_of(T, a))),
        [(3, 2), (3, 3)],
    ),
    "triangular_solve": (
        lambda T, b, a: T.triangular_solve(b, a + 4 * T.eye(3, dtype=a.dtype))[0],
        [(3, 2), (3, 3)],
    ),
    "triangular_solve_lower_t": (
        lambda T, b, a: T.triangular_solve(
            b, a + 4 * T.eye(3, dtype=a.dtype), upper=False, transpose=True
        )[0],
        [(3, 1), (3, 3)],
    ),
    "lu": (lambda T, a: T.lu(a)[0], [(3, 3)]),
    "lu_solve": (lambda T, b, a: T.lu_solve(b, *T.lu(a)), [(3, 2), (3, 3)]),
    "matrix_exp": (lambda T, a: T.matrix_exp(a), [(3, 3)]),
    "matrix_exp_big": (lambda T, a: T.matrix_exp(3 * a), [(2, 2, 2)]),
    "chain_matmul": (lambda T, a, b: T.chain_matmul(a, b, a.mT), [(2, 3), (3, 3)]),
    "cov": (lambda T, a: T.cov(a), [(2, 4)]),
    "cov_weights": (
        lambda T, a, w: T.cov(a, fweights=T.tensor([1, 2, 1]), aweights=w.abs() + 0.5),
        [(2, 3), (3,)],
    ),
    "corrcoef": (lambda T, a: T.corrcoef(a), [(3, 4)]),
    "cdist": (lambda T, a, b: T.cdist(a, b), [(3, 2), (2, 2)]),
    "cdist_p1": (lambda T, a, b: T.cdist(a, b, p=1), [(3, 2), (2, 2)]),
    "cdist_p3": (lambda T, a, b: T.cdist(a, b, p=3), [(2, 3, 2), (2, 2, 2)]),
    "renorm": (lambda T, a: T.renorm(a, 2, 0, 1.5), [(3, 4)]),
    "svd_tall": (lambda T, a: _svd_loss(T, a), [(4, 3)]),
    "svd_wide": (lambda T, a: _svd_loss(T, a), [(2, 3)]),
    "svd_batch": (lambda T, a: _svd_loss(T, a), [(2, 3, 3)]),
    "qr_tall": (lambda T, a: _qr_loss(T, a), [(4, 3)]),
    "qr_wide": (lambda T, a: _qr_loss(T, a), [(2, 4)]),
    "qr_square": (lambda T, a: _qr_loss(T, a), [(2, 3, 3)]),
    "pinverse": (lambda T, a: T.pinverse(a), [(3, 2)]),
    "pinverse_wide": (lambda T, a: T.pinverse(a), [(2, 4)]),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name])


def test_range_and_chain_matmul_warn_as_torch():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        gg.range(1, 3)
    with pytest.warns(UserWarning, match="torch.chain_matmul is deprecated"):
        gg.chain_matmul(gg.eye(2), gg.eye(2))


def test_asarray_shares_memory_with_numpy():
    a = np.array([1.0, 2.0])
    t = gg.asarray(a)
    a[0] = 9.0
    assert t[0].item() == 9.0
