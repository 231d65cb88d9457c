"""``graphgrad.linalg`` against ``torch.linalg``: the names, values, return types, gradients,
reprs and errors of the functions composed from the primitives (the primitives themselves,
``linalg_eigh`` and ``linalg_solve``, are in tests/ops/samples_linalg_namespace.py)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

torch = pytest.importorskip("torch")

# torch.linalg names graphgrad does not have: eig/eigvals need complex eigendecompositions,
# ldl_* were left out; common_notes is a docstring dict, not API
NAN, INF = float("nan"), float("inf")
NOT_BUILT = {"eig", "eigvals", "ldl_factor", "ldl_factor_ex", "ldl_solve", "common_notes"}


def test_names_match_torch():
    theirs = {n for n in dir(torch.linalg) if not n.startswith("_")} - NOT_BUILT
    assert sorted(theirs - set(graphgrad.linalg.__all__)) == []
    assert sorted(set(graphgrad.linalg.__all__) - theirs) == []


def _rng_arrays(shapes, seed=0, well=()):
    rng = np.random.default_rng(seed)
    out = []
    for i, s in enumerate(shapes):
        a = rng.uniform(-1, 1, s)
        if i in well:  # well conditioned: far from singular
            a = a + 3 * np.eye(s[-1])
        out.append(a)
    return out


def _sym(a):
    return a + a.mT


# (id, function of (module, *tensors), input shapes, indices of inputs made well conditioned)
CASES = [
    ("solve_triangular", lambda T, a, b: T.linalg.solve_triangular(a, b, upper=True),
     [(3, 3), (3, 2)], (0,)),
    ("solve_triangular_right_unit", lambda T, a, b: T.linalg.solve_triangular(
        a, b, upper=False, left=False, unitriangular=True), [(2, 3, 3), (2, 3)], ()),
    ("cholesky", lambda T, a: T.linalg.cholesky(a @ a.mT + T.eye(3, dtype=a.dtype)),
     [(3, 3)], ()),
    ("cholesky_upper", lambda T, a: T.linalg.cholesky(
        a @ a.mT + T.eye(3, dtype=a.dtype), upper=True), [(2, 3, 3)], ()),
    ("cholesky_ex", lambda T, a: T.linalg.cholesky_ex(a @ a.mT + T.eye(3, dtype=a.dtype)),
     [(3, 3)], ()),
    ("inv_ex", lambda T, a: T.linalg.inv_ex(a), [(3, 3)], (0,)),
    ("solve_ex", lambda T, a, b: T.linalg.solve_ex(a, b), [(3, 3), (3,)], (0,)),
    ("svdvals", lambda T, a: T.linalg.svdvals(a), [(4, 3)], ()),
    ("svd_reduced", lambda T, a: (lambda r: (r.U.abs(), r.S, r.Vh.abs()))(
        T.linalg.svd(a, full_matrices=False)), [(4, 3)], ()),
    ("svd_full_square", lambda T, a: (lambda r: (r.U @ r.Vh, r.S))(T.linalg.svd(a)),
     [(3, 3)], ()),
    ("qr", lambda T, a: (lambda r: (r.Q @ r.R, r.R.abs()))(T.linalg.qr(a)), [(4, 3)], ()),
    ("qr_complete", lambda T, a: T.linalg.qr(a, mode="complete").R.abs(), [(3, 3)], ()),
    ("qr_r", lambda T, a: T.linalg.qr(a.detach(), mode="r").R.abs(), [(4, 3)], ()),
    ("pinv", lambda T, a: T.linalg.pinv(a), [(4, 3)], ()),
    ("pinv_rtol", lambda T, a: T.linalg.pinv(a, rtol=0.3), [(4, 3)], ()),
    ("pinv_hermitian", lambda T, a: T.linalg.pinv(a + a.mT, hermitian=True), [(3, 3)], ()),
    ("matrix_rank", lambda T, a: T.linalg.matrix_rank(a), [(2, 4, 3)], ()),
    ("matrix_rank_atol", lambda T, a: T.linalg.matrix_rank(a, atol=0.5, rtol=0.1), [(4, 3)], ()),
    ("matrix_rank_hermitian", lambda T, a: T.linalg.matrix_rank(a + a.mT, hermitian=True),
     [(3, 3)], ()),
    ("cond", lambda T, a: T.linalg.cond(a), [(4, 3)], ()),
    ("cond_-2", lambda T, a: T.linalg.cond(a, -2), [(3, 3)], ()),
    ("cond_1", lambda T, a: T.linalg.cond(a, 1), [(3, 3)], (0,)),
    ("cond_fro", lambda T, a: T.linalg.cond(a, "fro"), [(2, 3, 3)], (0,)),
    ("cond_nuc", lambda T, a: T.linalg.cond(a, "nuc"), [(3, 3)], (0,)),
    ("lstsq", lambda T, a, b: T.linalg.lstsq(a, b).solution, [(4, 3), (4, 2)], ()),
    ("lstsq_gelsd", lambda T, a, b: T.linalg.lstsq(a, b, driver="gelsd"), [(4, 3), (4, 2)], ()),
    ("lstsq_gels", lambda T, a, b: T.linalg.lstsq(a, b, driver="gels"), [(4, 3), (4, 2)], ()),
    ("lstsq_gelss_vector", lambda T, a, b: T.linalg.lstsq(a, b, driver="gelss"),
     [(4, 3), (4,)], ()),
    ("lstsq_wide", lambda T, a, b: T.linalg.lstsq(a, b), [(2, 3), (2, 1)], ()),
    ("lu_factor", lambda T, a: T.linalg.lu_factor(a), [(3, 3)], ()),
    ("lu_factor_ex", lambda T, a: T.linalg.lu_factor_ex(a), [(2, 3, 4)], ()),
    ("lu", lambda T, a: T.linalg.lu(a), [(4, 3)], ()),
    ("lu_solve", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(a), b), [(3, 3), (3, 2)],
     (0,)),
    ("lu_solve_adjoint", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(a), b,
                                                           adjoint=True), [(3, 3), (3, 2)], (0,)),
    ("lu_solve_right", lambda T, a, b: T.linalg.lu_solve(*T.linalg.lu_factor(a), b, left=False),
     [(2, 3, 3), (2, 4, 3)], (0,)),
    ("tensorinv", lambda T, a: T.linalg.tensorinv(a.reshape(6, 2, 3), ind=1), [(6, 6)], (0,)),
    ("tensorsolve", lambda T, a, b: T.linalg.tensorsolve(a.reshape(2, 3, 6), b), [(6, 6), (2, 3)],
     (0,)),
    ("tensorsolve_dims", lambda T, a, b: T.linalg.tensorsolve(a.reshape(6, 2, 3), b, dims=(0,)),
     [(6, 6), (2, 3)], (0,)),
    ("vecdot", lambda T, a, b: T.linalg.vecdot(a, b, dim=0), [(3, 2), (3, 1)], ()),
    ("cross", lambda T, a, b: T.linalg.cross(a, b), [(2, 3), (1, 3)], ()),
    ("diagonal", lambda T, a: T.linalg.diagonal(a, offset=1), [(2, 3, 4)], ()),
    ("vander", lambda T, a: T.linalg.vander(a, N=4), [(2, 3)], ()),
    ("multi_dot", lambda T, a, b, c: T.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)], ()),
    ("householder_product", lambda T, a, t: T.linalg.householder_product(a, t),
     [(4, 3), (2,)], ()),
    ("householder_product_batch", lambda T, a, t: T.linalg.householder_product(a, t),
     [(2, 3, 3), (2, 3)], ()),
    ("matrix_power", lambda T, a: T.linalg.matrix_power(a, -2), [(3, 3)], (0,)),
    ("matrix_exp", lambda T, a: T.linalg.matrix_exp(a), [(3, 3)], ()),
    ("slogdet", lambda T, a: T.linalg.slogdet(a), [(3, 3)], (0,)),
    ("eigh", lambda T, a: (lambda r: (r.eigenvalues, r.eigenvectors.abs()))(
        T.linalg.eigh(a + a.mT)), [(3, 3)], ()),
]  # fmt: skip


def _flat(T, out):
    """The tensors of ``out`` (a tensor, a tuple or a return type)."""
    return [out] if isinstance(out, T.Tensor) else [t for t in out if isinstance(t, T.Tensor)]


def _run(T, case):
    _, fn, shapes, well = case
    inputs = [T.tensor(a, requires_grad=True) for a in _rng_arrays(shapes, well=well)]
    return inputs, fn(T, *inputs)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_values_types_and_gradients_match_torch(case):
    ours_in, ours = _run(graphgrad, case)
    theirs_in, theirs = _run(torch, case)
    assert type(ours).__name__ == type(theirs).__name__
    assert getattr(ours, "_names", None) == getattr(type(theirs), "_fields", None) or not hasattr(
        theirs, "_fields"
    )
    mine, ref = _flat(graphgrad, ours), _flat(torch, theirs)
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        assert a.dtype.legacy == str(b.dtype).removeprefix("torch.").title().replace(
            "Float64", "Double"
        ).replace("Float32", "Float").replace("Int32", "Int").replace("Int64", "Long")
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-10)
    if case[0] not in TORCH_CANNOT_DIFFERENTIATE:
        constant = CONSTANT_IN_GRAPHGRAD.get(case[0], ())
        keep = [i for i in range(len(mine)) if i not in constant]
        _assert_gradients_match(ours_in, [mine[i] for i in keep], theirs_in, [ref[i] for i in keep])


# outputs torch records in the graph (with a zero gradient) and graphgrad returns as constants
CONSTANT_IN_GRAPHGRAD = {"slogdet": (0,)}  # the sign

# torch's own backward fails for these ("modified by an inplace operation" in its cond):
# graphgrad's gradients of them are checked against finite differences instead
TORCH_CANNOT_DIFFERENTIATE = {"cond_1", "cond_fro", "cond_nuc"}


@pytest.mark.parametrize("p", [1, "fro", "nuc", float("inf")])
def test_cond_gradients_by_finite_differences(p):
    a = graphgrad.tensor(_rng_arrays([(3, 3)], well=(0,))[0], requires_grad=True)
    assert graphgrad.autograd.gradcheck(lambda x: graphgrad.linalg.cond(x, p), (a,))


def _assert_gradients_match(ours_in, mine, theirs_in, ref) -> None:
    rng = np.random.default_rng(1)
    # (torch marks its empty results, such as gelsy's residuals, as requiring grad)
    pairs = [(a, b) for a, b in zip(mine, ref) if b.requires_grad and b.numel()]
    assert [a.requires_grad for a, _ in pairs] == [True] * len(pairs)
    if not pairs:
        return
    seeds = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    sum(((a * graphgrad.tensor(s)).sum() for (a, _), s in zip(pairs, seeds))).backward()
    sum(((b * torch.tensor(s)).sum() for (_, b), s in zip(pairs, seeds))).backward()
    for x, y in zip(ours_in, theirs_in):
        if y.grad is None:
            assert x.grad is None or not np.any(x.grad.numpy())
        else:
            np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-8, atol=1e-9)


def _outcome(T, fn):
    try:
        return "ok", repr(fn(T))
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)


# Printed results (float32, exact small values) and errors, compared as text
PRINTED = {
    "cholesky_ex_not_pd": lambda T: T.linalg.cholesky_ex(T.tensor([[1.0, 2.0], [2.0, 1.0]])),
    "cholesky_ex_batch": lambda T: T.linalg.cholesky_ex(T.tensor([[[4.0, 2.0], [2.0, 3.0]],
                                                                  [[-1.0, 0.0], [0.0, 1.0]]])),
    "lu_factor": lambda T: T.linalg.lu_factor(T.tensor([[1.0, 2.0], [3.0, 4.0]])),
    "lu_factor_ex_singular": lambda T: T.linalg.lu_factor_ex(T.zeros(2, 2)),
    "lu": lambda T: T.linalg.lu(T.tensor([[1.0, 2.0], [3.0, 4.0]])),
    "solve_ex": lambda T: T.linalg.solve_ex(T.eye(2), T.ones(2)),
    "inv_ex": lambda T: T.linalg.inv_ex(T.tensor([[2.0, 0.0], [0.0, 4.0]])),
    "lstsq_gelsy": lambda T: T.linalg.lstsq(T.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                                            T.tensor([[1.0], [1.0], [3.0]])).rank,
    "lstsq_gels_rank": lambda T: T.linalg.lstsq(T.eye(2), T.ones(2, 1), driver="gels").rank,
    "eigh_diag": lambda T: T.linalg.eigh(T.tensor([[2.0, 0.0], [0.0, 1.0]])),
    "qr_r": lambda T: T.linalg.qr(T.tensor([[3.0, 0.0], [4.0, 5.0]]), mode="r").Q,
    "matrix_rank": lambda T: T.linalg.matrix_rank(T.ones(3, 3)),
    "cond_singular_1": lambda T: T.linalg.cond(T.zeros(2, 2), 1),
    "vander_int": lambda T: T.linalg.vander(T.tensor([[2, 3], [1, 0]]), N=3),
    "solve_singular": lambda T: T.linalg.solve(T.zeros(2, 2), T.ones(2)),
    "solve_singular_batch": lambda T: T.linalg.solve(T.zeros(3, 2, 2), T.ones(3, 2)),
    "solve_shapes": lambda T: T.linalg.solve(T.eye(2), T.ones(3)),
    "solve_shapes_right": lambda T: T.linalg.solve(T.eye(2), T.ones(2, 3), left=False),
    "solve_vector_right": lambda T: T.linalg.solve(T.eye(3), T.ones(3), left=False),
    "solve_not_square": lambda T: T.linalg.solve(T.ones(2, 3), T.ones(2)),
    "solve_dtypes": lambda T: T.linalg.solve(T.eye(2), T.ones(2, dtype=T.float64)),
    "solve_ex_check": lambda T: T.linalg.solve_ex(T.zeros(2, 2), T.ones(2), check_errors=True),
    "inv_ex_check": lambda T: T.linalg.inv_ex(T.zeros(2, 2), check_errors=True),
    "cholesky_not_pd": lambda T: T.linalg.cholesky(-T.eye(2)),
    "cholesky_not_pd_batch": lambda T: T.linalg.cholesky(-T.eye(2).expand(3, 2, 2)),
    "cholesky_long": lambda T: T.linalg.cholesky(T.ones(2, 2, dtype=T.long)),
    "cholesky_ex_check": lambda T: T.linalg.cholesky_ex(-T.eye(2), check_errors=True),
    "eigh_not_square": lambda T: T.linalg.eigh(T.ones(2, 3)),
    "eigh_uplo": lambda T: T.linalg.eigh(T.ones(2, 2), UPLO="X"),
    "eigvalsh_1d": lambda T: T.linalg.eigvalsh(T.ones(2)),
    "lu_factor_singular": lambda T: T.linalg.lu_factor(T.zeros(2, 2)),
    "lstsq_driver": lambda T: T.linalg.lstsq(T.eye(2), T.ones(2, 1), driver="xx"),
    "lstsq_shapes": lambda T: T.linalg.lstsq(T.ones(3, 2), T.ones(2, 3)),
    "qr_mode": lambda T: T.linalg.qr(T.eye(2), mode="x"),
    "cond_norm": lambda T: T.linalg.cond(T.eye(2), "bad"),
    "cond_not_square": lambda T: T.linalg.cond(T.ones(3, 2), "fro"),
    "multi_dot_one": lambda T: T.linalg.multi_dot([T.eye(2)]),
    "multi_dot_3d": lambda T: T.linalg.multi_dot([T.ones(3, 1, 1), T.ones(1, 2)]),
    "solve_triangular_1d": lambda T: T.linalg.solve_triangular(T.eye(2), T.ones(2), upper=True),
    "tensorinv_shape": lambda T: T.linalg.tensorinv(T.ones(2, 3), ind=1),
    "tensorsolve_shape": lambda T: T.linalg.tensorsolve(T.ones(2, 3), T.ones(2)),
    "householder_wide": lambda T: T.linalg.householder_product(T.ones(2, 3), T.ones(2)),
    "householder_tau": lambda T: T.linalg.householder_product(T.ones(3, 2), T.ones(3)),
    "householder_dtype": lambda T: T.linalg.householder_product(
        T.ones(3, 2), T.ones(2, dtype=T.float64)),
    "vander_n": lambda T: T.linalg.vander(T.ones(3), N=1),
    "cross_dims": lambda T: T.linalg.cross(T.ones(2, 3), T.ones(3)),
    # non-finite matrices: LAPACK's SVD hangs on inf (NumPy's), so these once never returned
    "svd_nan": lambda T: T.linalg.svd(T.tensor([[NAN, 0.0], [0.0, 1.0]])),
    "svd_nan_batch": lambda T: T.linalg.svd(T.stack([T.eye(2), T.tensor([[1.0, NAN], [0, 1]])])),
    "svdvals_inf": lambda T: T.linalg.svdvals(T.tensor([[INF, 0.0], [0.0, 1.0]])),
    "svd_inf_batch": lambda T: T.svd(T.stack([T.eye(2), T.tensor([[1.0, INF], [0, 1]])])).S,
    "pinv_nan": lambda T: T.pinverse(T.tensor([[NAN, 0.0], [1.0, 1.0]])),
    "lstsq_inf_rank": lambda T: T.linalg.matrix_rank(T.tensor([[INF, 0.0], [0.0, 1.0]])),
    # a NaN pivot is not > 0: LAPACK (PyTorch) stops there, NumPy's factor ran through it
    "cholesky_nan": lambda T: T.linalg.cholesky(T.tensor([[NAN, 0.0], [0.0, 1.0]])),
    "cholesky_nan_batch": lambda T: T.linalg.cholesky(
        T.stack([T.eye(2), T.tensor([[4.0, 2.0], [2.0, NAN]])])
    ),
    "cholesky_ex_nan": lambda T: T.linalg.cholesky_ex(T.tensor([[NAN, 0.0], [0.0, 1.0]])),
    # singular means a zero pivot of the LU (as in PyTorch), not a rank below n
    "cond_inf": lambda T: T.linalg.cond(T.tensor([[INF, 0.0], [0.0, 1.0]]), -1),
    "cond_singular_batch": lambda T: T.linalg.cond(T.stack([T.ones(2, 2), 2 * T.eye(2)]), 1),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_printed_results_and_errors_match_torch(name):
    assert _outcome(graphgrad, PRINTED[name]) == _outcome(torch, PRINTED[name])


def test_factors_of_a_matrix_with_inf_are_nan_per_batch_element():
    # torch's singular values are NaN there; its vectors (and so its pinv: NaN or 0) are what
    # its kernel left, so graphgrad gives NaN for all of them, and only where the inf is
    A = graphgrad.stack([graphgrad.eye(3), graphgrad.tensor([[1.0, INF, 0], [0, 1, 0], [0, 0, 1]])])
    U, S, Vh = graphgrad.linalg.svd(A)
    pinv = graphgrad.linalg.pinv(A)
    for x in (U, S, Vh, pinv):
        assert np.isnan(x[1].numpy()).all()
        assert np.isfinite(x[0].numpy()).all()
    np.testing.assert_array_equal(pinv[0].numpy(), np.eye(3))


def test_qr_r_has_no_gradient_path():
    R = graphgrad.linalg.qr(graphgrad.eye(2, requires_grad=True), mode="r").R
    assert R.grad_fn is None
