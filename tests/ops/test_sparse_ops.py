"""Ops on sparse COO tensors (ops/sparse/products.py, values_ops.py, namespace.py) against
torch: conversions and products with a number, sparse @ dense with the dense operand's gradient
bit for bit, dense + sparse, their errors, and what raises NotImplementedError.

The primitives' generated tests (values, gradcheck, gradgradcheck, parity) come from
samples_sparse.py; cases here are ``T -> result`` (_sparse_cases.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg

from ._sparse_cases import TINY, assert_same_result, coo, inferred, result


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


CONVERSIONS = {
    "to_float64": lambda T: coo(T).to(T.float64),
    "double": lambda T: coo(T).double(),
    "float": lambda T: coo(T, values=[1, 2, 3]).float(),
    "long": lambda T: coo(T).long(),
    "to_int32": lambda T: coo(T).to(T.int32),
    "to_keeps_coalesced": lambda T: coo(T).coalesce().double(),
    "to_cpu": lambda T: coo(T).to("cpu"),
    "to_device_object": lambda T: coo(T).to(T.device("cpu")),
    "cpu": lambda T: coo(T).cpu(),
    "clone": lambda T: coo(T).clone(),
    "detach": lambda T: coo(T).detach(),
    "data": lambda T: coo(T).data,
    "t": lambda T: coo(T).t(),
    "t_coalesced": lambda T: coo(T).coalesce().t(),
    "torch_t": lambda T: T.t(coo(T)),
    "t_1d": lambda T: coo(T, [[1]], [1.0], (3,)).t(),
    "t_hybrid": lambda T: inferred(T, [[0, 1]], [[1.0, 3.0], [2.0, 4.0]]).t(),
    "transpose": lambda T: coo(T).transpose(0, 1),
    "transpose_negative": lambda T: coo(T).transpose(-1, 0),
    "transpose_dense_dim": lambda T: inferred(T, [[0, 1]], [[1.0, 3.0], [2.0, 4.0]]).transpose(
        0, 1
    ),
    "mul_number": lambda T: coo(T) * 2,
    "rmul_number": lambda T: 2 * coo(T),
    "mul_0d_tensor": lambda T: coo(T) * T.tensor(2.0),
    "mul_keeps_coalesced": lambda T: coo(T).coalesce() * 2,
    "mul_promotes": lambda T: coo(T, values=[1, 2, 3]) * 2.5,
    "torch_mul": lambda T: T.mul(2, coo(T)),
    "div_number": lambda T: coo(T, values=[1, 2, 3]) / 2,
    "neg": lambda T: -coo(T),
    "sparse_sum": lambda T: T.sparse.sum(coo(T)),
    "sparse_sum_int": lambda T: T.sparse.sum(coo(T, values=[1, 2, 3])),
    "sparse_sum_dtype": lambda T: T.sparse.sum(coo(T), dtype=T.float64),
    "sparse_sum_all_dims": lambda T: T.sparse.sum(coo(T), (1, 0)),
    "sparse_sum_dense": lambda T: T.sparse.sum(T.ones(2)),
}


@pytest.mark.parametrize("name", CONVERSIONS)
def test_conversions_and_scalar_ops_match_torch(name, torch):
    assert_same_result(CONVERSIONS[name], torch)


def _pair(T, seed=0, dtype="float32", n=7, k=9, p=5, nnz=40):
    """An uncoalesced random (n, k) sparse matrix (duplicates likely) and a (k, p) dense one."""
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, n, nnz), rng.integers(0, k, nnz)])
    vals = rng.standard_normal(nnz).astype(dtype)
    dense = rng.standard_normal((k, p)).astype(dtype)
    return T.sparse_coo_tensor(idx, vals, (n, k), check_invariants=True), T.tensor(dense)


PRODUCTS = {
    "mm": lambda T, s, d: T.mm(s, d),
    "matmul_operator": lambda T, s, d: s @ d,
    "spmm": lambda T, s, d: T.spmm(s, d),
    "sparse_mm": lambda T, s, d: T.sparse.mm(s, d),
    "coalesced": lambda T, s, d: T.mm(s.coalesce(), d),
    "dense_first": lambda T, s, d: T.mm(d.t().contiguous(), s.t()),
    "dense_first_operator": lambda T, s, d: d.t() @ s.t(),
    "sparse_mm_dense_first": lambda T, s, d: T.sparse.mm(d.t(), s.t()),
    "dense_first_coalesced": lambda T, s, d: T.mm(d.t(), s.coalesce().t()),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", PRODUCTS)
def test_products_and_gradients_have_torchs_bits(name, dtype, torch):
    """Values and the dense operand's gradient bit for bit: PyTorch adds entry by entry, each
    step a fused multiply-add, and so does graphgrad."""
    results = []
    for T in (gg, torch):
        s, d = _pair(T, dtype=dtype)
        d.requires_grad_()
        out = PRODUCTS[name](T, s, d)
        seed = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(dtype)
        out.backward(T.tensor(seed))
        results.append((out.detach().numpy(), d.grad.numpy(), out.grad_fn.name()))
    (ours, ours_grad, our_node), (theirs, their_grad, their_node) = results
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours_grad, their_grad)
    assert our_node == their_node


def test_products_record_a_graph_for_higher_orders():
    s, d = _pair(gg, dtype="float64")
    d.requires_grad_()
    (g,) = gg.autograd.grad((s @ d).pow(2).sum(), d, create_graph=True)
    assert g.grad_fn is not None
    assert gg.autograd.gradgradcheck(lambda x: gg.mm(s, x).pow(2), (d,))


def test_product_of_integers_and_of_an_empty_matrix(torch):
    cases = {
        "int64": lambda T: T.mm(coo(T, values=[1, 2, 3]), T.ones(3, 2, dtype=T.int64)),
        "int32": lambda T: T.mm(
            coo(T, values=[1, 2, 3], dtype=T.int32), T.ones(3, 2, dtype=T.int32)
        ),
        "empty": lambda T: T.mm(coo(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0)), T.ones(3, 2)),
        "non_finite": lambda T: T.mm(
            coo(T, values=[float("inf"), 1.0, float("nan")]), T.ones(3, 2)
        ),
    }
    for case in cases.values():
        assert_same_result(case, torch)


PRODUCT_ERRORS = {
    "dtype": lambda T: T.mm(coo(T), T.ones(3, 2, dtype=T.float64)),
    "dtype_sparse64": lambda T: T.mm(coo(T, dtype=T.float64), T.ones(3, 2)),
    "dtype_dense_first": lambda T: T.mm(T.ones(2, 2, dtype=T.float64), coo(T)),
    "size": lambda T: T.mm(coo(T), T.ones(2, 2)),
    "size_dense_first": lambda T: T.mm(T.ones(2, 3), coo(T)),
    "size_before_dtype": lambda T: T.mm(coo(T), T.ones(2, 2, dtype=T.float64)),
    "vector": lambda T: T.mm(coo(T), T.ones(3)),
    "vector_first": lambda T: T.mm(T.ones(2), coo(T)),
    "scalar": lambda T: T.mm(coo(T), T.tensor(1.0)),
    "batch": lambda T: T.mm(coo(T), T.ones(3, 2, 2)),
    "batch_first": lambda T: T.mm(T.ones(3, 2, 2), coo(T)),
    "sparse_vector": lambda T: T.mm(coo(T, [[0]], [2.0], (3,)), T.ones(3, 1)),
    "sparse_vector_second": lambda T: T.mm(T.ones(1, 3), coo(T, [[0]], [2.0], (3,))),
    "hybrid": lambda T: T.mm(inferred(T, [[0, 1]], [[1.0, 2.0], [3.0, 4.0]]), T.ones(2, 1)),
    "bool": lambda T: T.mm(coo(T, values=[True, False, True]), T.ones(3, 2, dtype=T.bool)),
    "reduce": lambda T: T.sparse.mm(coo(T), T.ones(3, 2), reduce="sum"),
}


@pytest.mark.parametrize("name", PRODUCT_ERRORS)
def test_product_errors_match_torch(name, torch):
    # PyTorch's NotImplementedError for a reduction lists its backends; the start is the same
    got, want = result(gg, PRODUCT_ERRORS[name]), result(torch, PRODUCT_ERRORS[name])
    assert got[0] == want[0] and got[0] != "ok"
    assert got[1].split(" This could")[0] == want[1].split(" This could")[0]


ADDITIONS = {
    "float_plus_long": lambda T: T.eye(3) + coo(T, [[0, 0, 1], [1, 1, 2]], [1, 1, 1], (3, 3)),
    "gcn_adjacency": lambda T: (
        T.eye(3)
        + coo(T, np.array([[0, 1], [0, 1], [1, 2]], np.int32).T, T.ones(3), (3, 3), dtype=T.int64)
    ),
    "float64_plus_float": lambda T: T.ones(2, 3, dtype=T.float64) + coo(T),
    "long_plus_float": lambda T: T.ones(2, 3, dtype=T.int64) + coo(T),
    "long_plus_long": lambda T: T.ones(2, 3, dtype=T.int64) + coo(T, values=[1, 2, 3]),
    "add_alpha": lambda T: T.add(T.ones(2, 3), coo(T), alpha=2),
    "add_alpha_fused": lambda T: T.add(
        T.full((2, 3), 0.1), coo(T, values=[0.7, 1.3, 2.9]), alpha=0.3
    ),
    "sub": lambda T: T.ones(2, 3) - coo(T),
    "sub_alpha": lambda T: T.sub(T.ones(2, 3), coo(T), alpha=0.5),
    "hybrid": lambda T: T.ones(2, 2) + inferred(T, [[1, 1]], [[1.0, 2.0], [3.0, 4.0]]),
    "duplicates_in_order": lambda T: T.ones(1) + coo(T, [[0, 0]], [TINY, TINY], (1,)),
    "duplicates_coalesced": lambda T: T.ones(1) + coo(T, [[0, 0]], [TINY, TINY], (1,)).coalesce(),
    "zero_size": lambda T: T.ones(0, 3) + coo(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0), (0, 3)),
    "0d": lambda T: T.ones(()) + T.tensor(5.0).to_sparse(),
    "iadd": lambda T: T.ones(2, 3).add_(coo(T)),
    "sparse_plus_dense": lambda T: coo(T) + T.ones(2, 3),
    "sparse_minus_dense": lambda T: coo(T) - T.ones(2, 3),
    "sparse_plus_number": lambda T: coo(T) + 1,
    "number_plus_sparse": lambda T: 1 + coo(T),
    "broadcast": lambda T: T.ones(3) + coo(T),
    "broadcast_row": lambda T: T.ones(1, 3) + coo(T),
}


@pytest.mark.parametrize("name", ADDITIONS)
def test_dense_plus_sparse_matches_torch(name, torch):
    assert_same_result(ADDITIONS[name], torch)


def test_dense_plus_sparse_gradient(torch):
    names = []
    for T in (gg, torch):
        d = T.ones(2, 3, requires_grad=True)
        out = T.sub(d, coo(T), alpha=2) * T.arange(6.0).reshape(2, 3)
        out.sum().backward()
        assert d.grad.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        names.append((out.grad_fn.next_functions[0][0].name(), (d + coo(T)).grad_fn.name()))
    assert names[0] == names[1] == ("SubBackward0", "AddBackward0")


UNSUPPORTED = {
    "exp": lambda T: coo(T).exp(),
    "cos": lambda T: coo(T).cos(),
    "sigmoid": lambda T: T.sigmoid(coo(T)),
    "reciprocal": lambda T: 2 / coo(T),
}


@pytest.mark.parametrize("name", UNSUPPORTED)
def test_unsupported_ops_raise_torchs_error(name, torch):
    got, want = result(gg, UNSUPPORTED[name]), result(torch, UNSUPPORTED[name])
    assert got[0] == want[0] == "NotImplementedError"
    assert got[1].split(" This could")[0] == want[1].split(" This could")[0]


# Operations PyTorch has for sparse tensors and graphgrad has not: a clear error, never a
# NumPy one or a wrong answer.
NOT_IN_GRAPHGRAD = {
    "sum": lambda: coo(gg).sum(),
    "sum_dim": lambda: gg.sparse.sum(coo(gg), 0),
    "select": lambda: coo(gg)[0],
    "sparse_plus_sparse": lambda: coo(gg) + coo(gg),
    "sparse_times_dense": lambda: coo(gg) * gg.ones(2, 3),
    "sparse_times_sparse": lambda: gg.mm(coo(gg), coo(gg).t()),
    "matrix_vector": lambda: coo(gg) @ gg.ones(3),
    "reshape": lambda: coo(gg).reshape(3, 2),
    "unsqueeze": lambda: coo(gg).unsqueeze(0),
    "cat": lambda: gg.cat([coo(gg), coo(gg)]),
    "compare": lambda: coo(gg) > 0,
    "equal": lambda: coo(gg) == coo(gg),
    "where": lambda: gg.where(coo(gg) > 0, 1.0, 0.0),
    "zeros_like": lambda: gg.zeros_like(coo(gg)),
    "relu": lambda: gg.nn.functional.relu(coo(gg)),
    "float": lambda: float(coo(gg, [[0]], [1.0], (1,))),
    "iterate": lambda: list(coo(gg)),
    "mul_": lambda: coo(gg).mul_(2),
    "save": lambda: gg.save(coo(gg), "unused.pt"),
}


@pytest.mark.parametrize("name", NOT_IN_GRAPHGRAD)
def test_what_graphgrad_lacks_raises_notimplemented(name):
    with pytest.raises(NotImplementedError, match="SparseCPU|graphgrad"):
        NOT_IN_GRAPHGRAD[name]()


@pytest.mark.parametrize("product", ["sparse.mm", "mm"])
def test_a_product_reaching_infinity_is_infinite_not_nan(torch, product):
    """Found by the fuzz run: a row summing float32's max with other products gave NaN where
    torch gives -inf (the exact fused multiply-add emulation is for finite sums only)."""
    big = [[3.4028235e38, -0.92085314], [-1.8361059, -1.9338895], [1.253081, 1.6510223],
           [0.42654312, 0.91798621]]  # fmt: skip

    def run(T):
        s = T.sparse_coo_tensor([[0, 2, 2, 1], [0, 0, 1, 3]], [1.5, -3.0, -2.0, 0.5], (3, 4))
        fn = T.sparse.mm if product == "sparse.mm" else T.mm
        return fn(s, T.tensor(big)).tolist()

    assert run(gg) == run(torch)
