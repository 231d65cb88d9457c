"""ops/grids.py, ops/structured.py and ops/scans.py against torch: values and dtypes, errors,
gradients (float64, compared with torch's; gradcheck and gradgradcheck), edge shapes."""

import warnings

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd.gradcheck import gradcheck, gradgradcheck
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch, random_inputs

torch = pytest.importorskip("torch")


def _v(T, values, dtype=None):
    return T.tensor(values, dtype=None if dtype is None else getattr(T, dtype))


EXACT_CASES = {
    "meshgrid_ij": lambda T: T.meshgrid(_v(T, [1, 2]), _v(T, [3, 4, 5]), indexing="ij"),
    "meshgrid_xy": lambda T: T.meshgrid(_v(T, [1, 2]), _v(T, [3, 4, 5]), indexing="xy"),
    "meshgrid_list_3": lambda T: T.meshgrid(
        [_v(T, [1.0, 2.0]), _v(T, 7.0), _v(T, [3.0, 4.0, 5.0])], indexing="xy"
    ),
    "meshgrid_0d": lambda T: T.meshgrid(_v(T, 1), _v(T, [1, 2]), indexing="xy"),
    "meshgrid_empty": lambda T: T.meshgrid(_v(T, []), _v(T, [1.0]), indexing="ij"),
    "cartesian_prod": lambda T: T.cartesian_prod(_v(T, [1, 2]), _v(T, [3, 4]), _v(T, [5])),
    "cartesian_prod_one": lambda T: T.cartesian_prod(_v(T, [1.0, 2.0])),
    "cartesian_prod_empty": lambda T: T.cartesian_prod(_v(T, []), _v(T, [1.0])),
    "tril_indices": lambda T: T.tril_indices(3, 4, 1),
    "tril_indices_neg": lambda T: T.tril_indices(4, 3, -1, dtype=T.int32),
    "triu_indices": lambda T: T.triu_indices(3, 2, -1),
    "triu_indices_empty": lambda T: T.triu_indices(0, 2),
    "triu_indices_far": lambda T: T.triu_indices(2, 2, 5),
    "vander": lambda T: T.vander(_v(T, [1, 2, 3])),
    "vander_N": lambda T: T.vander(_v(T, [1.5, -2.0, 0.0]), 4, increasing=True),
    "vander_0": lambda T: T.vander(_v(T, [1.0, 2.0]), N=0),
    "vander_1": lambda T: T.vander(_v(T, [1.0, 2.0]), N=1),
    "vander_bool": lambda T: T.vander(_v(T, [True, False]), 3, increasing=True),
    "vander_int32": lambda T: T.vander(_v(T, [1, 2], "int32"), 2),
    "vander_empty": lambda T: T.vander(_v(T, [])),
    "kron": lambda T: T.kron(_v(T, [1, 2]), _v(T, [[1.0, 2.0], [3.0, 4.0]])),
    "kron_3d": lambda T: T.kron(T.arange(8).reshape(2, 2, 2), T.arange(6).reshape(3, 2)),
    "kron_0d": lambda T: T.kron(_v(T, 2), _v(T, 3)),
    "kron_empty": lambda T: T.kron(T.ones(0, 2), T.ones(2, 3)),
    "block_diag": lambda T: T.block_diag(_v(T, 1), _v(T, [2, 3]), _v(T, [[4.0], [5.0]])),
    "block_diag_none": lambda T: T.block_diag(),
    "block_diag_empty": lambda T: T.block_diag(T.ones(0, 2), T.ones(2, 0)),
    "block_diag_bool": lambda T: T.block_diag(_v(T, [True]), _v(T, [[False, True]])),
    "trace": lambda T: T.trace(_v(T, [[1, 2], [3, 4]])),
    "trace_int8": lambda T: T.trace(_v(T, [[100, 2], [3, 100]], "int8")),
    "trace_wide": lambda T: T.trace(T.arange(6.0).reshape(2, 3)),
    "trace_empty": lambda T: T.trace(T.ones(0, 3)),
    "rot90": lambda T: T.rot90(T.arange(6).reshape(2, 3)),
    "rot90_k2": lambda T: T.rot90(T.arange(6).reshape(2, 3), 2),
    "rot90_k-1": lambda T: T.rot90(T.arange(6).reshape(2, 3), -1),
    "rot90_k4": lambda T: T.rot90(T.arange(6).reshape(2, 3), 4),
    "rot90_dims": lambda T: T.rot90(T.arange(24).reshape(2, 3, 4), 1, [2, 0]),
    "rot90_neg_dims": lambda T: T.rot90(T.arange(24).reshape(2, 3, 4), 3, (-1, 1)),
    "diff": lambda T: T.diff(_v(T, [1, 3, 6, 10])),
    "diff_n2_dim0": lambda T: T.diff(T.arange(12.0).reshape(4, 3) ** 2, n=2, dim=0),
    "diff_bool": lambda T: T.diff(_v(T, [True, False, False, True]), n=2),
    "diff_pend": lambda T: T.diff(_v(T, [1, 3]), prepend=_v(T, [0]), append=_v(T, [10])),
    "diff_pend_2d": lambda T: T.diff(T.ones(2, 3), dim=0, append=T.zeros(1, 3)),
    "diff_n_big": lambda T: T.diff(_v(T, [1, 3, 6]), n=5),
    "diff_n0": lambda T: T.diff(_v(T, [1, 3, 6]), n=0),
    "diff_promote": lambda T: T.diff(_v(T, [1, 3]), prepend=_v(T, [0.5])),
    "cross": lambda T: T.cross(_v(T, [1, 2, 3]), _v(T, [4, 5, 6]), dim=0),
    "cross_bcast": lambda T: T.cross(T.arange(9.0).reshape(3, 3), _v(T, [[1.0, -2, 5]]), dim=1),
    "cross_dim0": lambda T: T.cross(T.arange(6).reshape(3, 2), T.ones(3, 2, dtype=T.long), 0),
}

ERROR_CASES = {
    "meshgrid_dtypes": lambda T: T.meshgrid([_v(T, [1, 2]), _v(T, [3.0])], indexing="ij"),
    "meshgrid_indexing": lambda T: T.meshgrid(_v(T, [1, 2]), indexing="zz"),
    "meshgrid_none": lambda T: T.meshgrid(indexing="ij"),
    "cartesian_2d": lambda T: T.cartesian_prod(T.ones(2, 2)),
    "cartesian_0d": lambda T: T.cartesian_prod(_v(T, 1), _v(T, [1])),
    "cartesian_dtypes": lambda T: T.cartesian_prod(_v(T, [1, 2]), _v(T, [3.0])),
    "tril_negative": lambda T: T.tril_indices(-1, 2),
    "triu_negative_col": lambda T: T.triu_indices(2, -3),
    "tril_float": lambda T: T.tril_indices(3, 3, dtype=T.float32),
    "vander_2d": lambda T: T.vander(T.ones(2, 2)),
    "vander_negative": lambda T: T.vander(_v(T, [1, 2]), -1),
    "block_diag_3d": lambda T: T.block_diag(T.ones(1), T.ones(1, 1, 1)),
    "trace_1d": lambda T: T.trace(T.ones(3)),
    "trace_3d": lambda T: T.trace(T.ones(2, 2, 2)),
    "trace_bool": lambda T: T.trace(T.ones(2, 3, dtype=T.bool)),
    "rot90_1d": lambda T: T.rot90(T.ones(2), 1),
    "rot90_same": lambda T: T.rot90(T.ones(2, 2), 1, [0, 0]),
    "rot90_same_mod": lambda T: T.rot90(T.ones(2, 2), 1, [0, -2]),
    "rot90_three": lambda T: T.rot90(T.ones(2, 2), 1, [0, 1, 2]),
    "rot90_range": lambda T: T.rot90(T.ones(2, 2), 1, [0, 2]),
    "diff_0d": lambda T: T.diff(_v(T, 1)),
    "diff_order": lambda T: T.diff(_v(T, [1, 3, 6]), n=-1),
    "diff_pend_ndim": lambda T: T.diff(T.ones(2, 3), dim=0, prepend=T.ones(3)),
    "diff_dim": lambda T: T.diff(T.ones(2, 3), dim=2),
    "diff_pend_shape": lambda T: T.diff(T.ones(2, 3), dim=0, prepend=T.ones(1, 2)),
    "cross_len": lambda T: T.cross(T.ones(2, 3), T.ones(2, 3), dim=0),
    "cross_len_other": lambda T: T.cross(T.ones(3), T.ones(2), dim=0),
    "cross_ndim": lambda T: T.cross(T.ones(2, 3), T.ones(3), dim=1),
    "cross_bcast": lambda T: T.cross(T.ones(2, 3), T.ones(4, 3), dim=1),
    "cross_dim": lambda T: T.cross(T.ones(3), T.ones(3), dim=1),
    "cross_no_3": lambda T: T.cross(T.ones(2), T.ones(2)),
    "rot90_range_3d": lambda T: T.rot90(T.ones(2, 2, 2), 1, [0, -3]),
    "rot90_range_same": lambda T: T.rot90(T.ones(2, 2), 1, [5, 5]),
    "logcumsumexp_int": lambda T: T.logcumsumexp(_v(T, [1, 2]), 0),
    "logcumsumexp_dim": lambda T: T.logcumsumexp(_v(T, [1.0]), 1),
}


@pytest.mark.parametrize("name", list(EXACT_CASES))
def test_values_and_dtypes_match_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(outcome(gg, EXACT_CASES[name]), outcome(torch, EXACT_CASES[name]))


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_errors_match_torch(name):
    with warnings.catch_warnings():  # cross without dim: its deprecation, tested below
        warnings.simplefilter("ignore")
        assert_same(outcome(gg, ERROR_CASES[name]), outcome(torch, ERROR_CASES[name]))


def test_meshgrid_message_for_a_2d_tensor():
    # PyTorch prints the whole tensor in this message; graphgrad names its shape.
    with pytest.raises(RuntimeError, match="Expected 0D or 1D tensor in the tensor list"):
        gg.meshgrid(gg.ones(2, 2), indexing="ij")


def test_meshgrid_without_indexing_warns_once_and_means_ij(monkeypatch):
    from graphgrad import _utilities

    monkeypatch.setattr(_utilities, "_warned", set())
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        xs, _ = gg.meshgrid(gg.tensor([1, 2]), gg.tensor([3, 4, 5]))
    assert xs.tolist() == [[1, 1, 1], [2, 2, 2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gg.meshgrid(gg.tensor([1, 2]))


def test_cross_without_dim_warns_and_picks_the_first_dim_of_size_3():
    a, b = np.arange(9.0).reshape(3, 3), np.array([[1.0, -2.0, 5.0]] * 3)
    with pytest.warns(UserWarning, match="without specifying the dim arg is deprecated"):
        got = gg.cross(gg.tensor(a), gg.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = torch.cross(torch.tensor(a), torch.tensor(b))
    assert np.array_equal(got.numpy(), want.numpy())


LOGCUMSUMEXP_INPUTS = [
    [-1000.0, 0.0, 1000.0, -5.0],
    [-np.inf, 0.0, np.inf, np.nan, 1.0],
    [-np.inf, -np.inf, 2.0],
    [3.0],
    [],
]


@pytest.mark.parametrize("values", LOGCUMSUMEXP_INPUTS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logcumsumexp_values(values, dtype):
    got = gg.logcumsumexp(_v(gg, values, dtype), 0).numpy()
    want = torch.logcumsumexp(_v(torch, values, dtype), 0).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6 if dtype == "float32" else 1e-14)


def test_logcumsumexp_along_a_dim_and_0d():
    x = np.random.default_rng(1).normal(size=(3, 4, 2)) * 30
    for dim in (0, 1, -1):
        got = gg.logcumsumexp(gg.tensor(x), dim).numpy()
        np.testing.assert_allclose(got, torch.logcumsumexp(torch.tensor(x), dim), rtol=1e-14)
    assert gg.logcumsumexp(gg.tensor(1.5), 0).item() == 1.5
    assert tuple(gg.logcumsumexp(gg.ones(2, 0), 1).shape) == (2, 0)


# (function, input shapes): float64 inputs drawn in [-2, 2]; the gradient is compared with
# torch's for the same upstream gradient, then gradcheck / gradgradcheck run on it.
GRAD_CASES = {
    "meshgrid": (lambda T, a, b: T.meshgrid(a, b, indexing="xy"), [(3,), (2,)]),
    "cartesian_prod": (lambda T, a, b: T.cartesian_prod(a, b), [(3,), (2,)]),
    "kron": (lambda T, a, b: T.kron(a, b), [(2, 3), (3, 1)]),
    "block_diag": (lambda T, a, b, c: T.block_diag(a, b, c), [(), (2,), (2, 3)]),
    "trace": (lambda T, a: T.trace(a), [(3, 4)]),
    "cross": (lambda T, a, b: T.cross(a, b, dim=0), [(3, 2), (3, 1)]),
    "rot90": (lambda T, a: T.rot90(a, 3, [1, 0]), [(2, 3)]),
    "diff": (lambda T, a, b: T.diff(a, n=2, dim=0, prepend=b), [(4, 2), (1, 2)]),
    "logcumsumexp": (lambda T, a: T.logcumsumexp(a, 1), [(2, 5)]),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name], seed=2)


def test_vander_gradient():
    # torch 2.13's vander cannot be differentiated (its kernel writes in place into a tensor
    # saved for backward): check d/dx sum(x**3 + x**2 + x + 1) = 3x**2 + 2x + 1, and checks.
    x = gg.tensor([0.0, 2.0, -1.5], dtype=gg.float64, requires_grad=True)
    gg.vander(x, 4).sum().backward()
    assert x.grad.tolist() == [1.0, 17.0, 4.75]
    inputs = random_inputs(gg, [(3,)], seed=3)
    assert gradcheck(lambda a: gg.vander(a, 4, increasing=True), inputs)
    assert gradgradcheck(lambda a: gg.vander(a, 4), inputs)


@pytest.mark.parametrize("name", ["kron", "trace", "cross", "rot90", "diff", "logcumsumexp"])
def test_tensor_methods_match_torch(name):
    assert hasattr(torch.Tensor, name) and hasattr(gg.Tensor, name)
    x = np.arange(9.0, dtype=np.float32).reshape(3, 3)
    args = {"kron": (gg.ones(2),), "cross": (gg.ones(3, 3), 0), "logcumsumexp": (0,)}
    targs = {"kron": (torch.ones(2),), "cross": (torch.ones(3, 3), 0), "logcumsumexp": (0,)}
    got = getattr(gg.tensor(x), name)(*args.get(name, ()))
    want = getattr(torch.tensor(x), name)(*targs.get(name, ()))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-14)
