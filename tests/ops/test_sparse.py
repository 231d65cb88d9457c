"""Sparse COO tensors (ops/sparse/coo.py, creation.py, queries.py) against torch: creation
from every form, its errors, printing, the queries (indices, values, coalesce, to_dense...) and
copying. The ops on sparse tensors are in test_sparse_ops.py; cases are ``T -> result`` for
``T`` in (graphgrad, torch) (_sparse_cases.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg

from ._sparse_cases import I3, TINY, V3, assert_same_result, coo, inferred, result


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


CREATION = {
    "lists": lambda T: coo(T),
    "size_inferred": lambda T: inferred(T, I3, V3),
    "tensors": lambda T: coo(T, T.tensor(I3), T.tensor(V3)),
    "int32_tensor_indices": lambda T: coo(T, T.tensor(I3, dtype=T.int32)),
    "numpy_int32_transposed": lambda T: coo(
        T, np.array([[0, 2], [1, 0], [1, 2], [1, 2]], np.int32).T, T.ones(4), dtype=T.int64
    ),
    "numpy_values": lambda T: coo(T, values=np.array(V3)),
    "float_indices": lambda T: coo(T, [[0.5, 1.0, 1.0], [2.0, 0.0, 2.0]]),
    "dtype": lambda T: coo(T, dtype=T.float64),
    "int_values": lambda T: coo(T, values=[1, 2, 3]),
    "int32_values": lambda T: coo(T, values=[1, 2, 3], dtype=T.int32),
    "bool_values": lambda T: coo(T, values=[True, False, True]),
    "number_values": lambda T: coo(T, [[0]], 1.0, (2,)),
    "hybrid": lambda T: inferred(T, [[0, 1]], [[1.0, 3.0], [2.0, 4.0]]),
    "empty": lambda T: coo(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0), (2, 2)),
    "empty_inferred": lambda T: inferred(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0)),
    "one_entry_is_coalesced": lambda T: coo(T, [[1]], [1.0], (2,)),
    "is_coalesced": lambda T: coo(T, [[0, 1]], [1.0, 2.0], (2,), is_coalesced=True),
    "is_coalesced_false": lambda T: coo(T, [[0, 1]], [1.0, 2.0], (2,), is_coalesced=False),
    "size_list": lambda T: coo(T, size=[2, 3]),
    "size_Size": lambda T: coo(T, size=T.Size([2, 3])),
    "bad_rank_3d": lambda T: inferred(T, [[[0]]], [1.0]),
    "bad_rank_1d": lambda T: inferred(T, [0, 1], [1.0, 2.0]),
    "bad_rank_1d_sized": lambda T: coo(T, [0, 1], [1.0, 2.0], (2,)),
    "bad_len_size": lambda T: coo(T, size=(2,)),
    "bad_len_size_hybrid": lambda T: coo(T, [[0, 1]], [[1.0], [2.0]], (2,)),
    "bad_nnz": lambda T: coo(T, [[0, 1]], [1.0], (2,)),
    "bad_nnz_number": lambda T: coo(T, [[0, 1]], 1.0, (2,)),
    "bad_values_size": lambda T: coo(T, [[0, 1]], [[1.0, 3.0], [2.0, 4.0]], (2, 3)),
    "negative_inferred": lambda T: inferred(T, [[-1]], [1.0]),
    "negative_sized": lambda T: coo(T, [[-1]], [1.0], (2,)),
    "out_of_range": lambda T: coo(T, [[5]], [1.0], (2,)),
    "out_of_range_dim1": lambda T: coo(T, [[0], [0]], [1.0], (2, 0)),
    "not_coalesced": lambda T: coo(T, [[1, 0]], [1.0, 2.0], (2,), is_coalesced=True),
    "duplicate_not_coalesced": lambda T: coo(T, [[1, 1]], [1.0, 2.0], (2,), is_coalesced=True),
    "bad_size_type": lambda T: coo(T, size=(2, 3.5)),
}


@pytest.mark.parametrize("name", CREATION)
def test_creation_matches_torch(name, torch):
    # a float in ``size`` is a TypeError from PyTorch's argument parser, whose message lists
    # its signatures
    assert_same_result(CREATION[name], torch, message=name != "bad_size_type")


def test_creation_on_another_device_raises():
    with pytest.raises(AssertionError, match="not compiled with CUDA"):  # as tests/test_devices.py
        coo(gg, device="cuda")


def test_creation_refuses_requires_grad():
    with pytest.raises(NotImplementedError, match="cannot require grad"):
        gg.sparse_coo_tensor(I3, V3, requires_grad=True)
    with pytest.raises(NotImplementedError, match="cannot require grad"):
        gg.sparse_coo_tensor(I3, gg.tensor(V3, requires_grad=True))
    with pytest.raises(NotImplementedError, match="cannot require grad"):
        gg.tensor([1.0, 0.0], requires_grad=True).to_sparse()
    with pytest.raises(NotImplementedError, match="cannot require grad"):
        coo(gg).requires_grad_()
    with gg.no_grad():  # outside grad mode a tensor that requires grad is only data
        assert coo(gg, values=gg.tensor(V3, requires_grad=True)).requires_grad is False


QUERIES = {
    "indices_uncoalesced": lambda T: coo(T).indices(),
    "values_uncoalesced": lambda T: coo(T).values(),
    "indices": lambda T: coo(T).coalesce().indices(),
    "values": lambda T: coo(T).coalesce().values(),
    "_indices": lambda T: coo(T)._indices(),
    "_values": lambda T: coo(T)._values(),
    "_nnz": lambda T: coo(T)._nnz(),
    "is_coalesced": lambda T: coo(T).is_coalesced(),
    "sparse_dim": lambda T: coo(T).sparse_dim(),
    "dense_dim_hybrid": lambda T: inferred(T, [[0, 1]], [[1.0, 3.0], [2.0, 4.0]]).dense_dim(),
    "coalesce_duplicates": lambda T: coo(T, [[1, 0, 1, 1]], [1.0, 2.0, 3.0, 4.0], (3,)).coalesce(),
    "coalesce_2d": lambda T: coo(T, [[1, 0, 1], [0, 2, 0]], [1.0, 2.0, 3.0]).coalesce(),
    "coalesce_hybrid": lambda T: inferred(T, [[1, 0, 1]], [[1.0], [2.0], [3.0]]).coalesce(),
    "coalesce_keeps_zeros": lambda T: coo(T, [[0, 0]], [1.0, -1.0], (2,)).coalesce(),
    "coalesce_order": lambda T: coo(T, [[0, 0, 0]], [1.0, TINY, TINY], (1,)).coalesce().values(),
    "coalesce_order_2": lambda T: coo(T, [[0, 0, 0]], [TINY, TINY, 1.0], (1,)).coalesce().values(),
    "coalesce_int": lambda T: coo(T, [[1, 0, 1]], [1, 2, 3], (2,)).coalesce(),
    "coalesce_empty": lambda T: coo(T, T.zeros(1, 0, dtype=T.int64), T.zeros(0), (3,)).coalesce(),
    "to_dense": lambda T: coo(T).to_dense(),
    "to_dense_duplicates": lambda T: coo(T, [[0, 0, 1]], [1.0, TINY, TINY], (2,)).to_dense(),
    "to_dense_hybrid": lambda T: inferred(T, [[1, 0, 1]], [[1.0], [2.0], [3.0]]).to_dense(),
    "to_dense_empty": lambda T: coo(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0), (2, 2)).to_dense(),
    "to_dense_empty_dense_dim": lambda T: coo(T, [[0, 1]], T.zeros(2, 0), (2, 0)).to_dense(),
    "to_dense_0d": lambda T: T.tensor(5.0).to_sparse().to_dense(),
    "to_dense_dtype": lambda T: coo(T).to_dense(T.float64),
    "to_sparse": lambda T: T.tensor([[0.0, 2.0, 0.0], [3.0, 0.0, -0.0]]).to_sparse(),
    "to_sparse_nan": lambda T: T.tensor([[1.0, float("nan")], [0.0, 0.0]]).to_sparse(),
    "to_sparse_int": lambda T: T.tensor([[0, 2], [3, 0]]).to_sparse(),
    "to_sparse_bool": lambda T: T.tensor([True, False]).to_sparse(),
    "to_sparse_zeros": lambda T: T.zeros(2, 2).to_sparse(),
    "to_sparse_empty": lambda T: T.zeros(0, 2).to_sparse(),
    "to_sparse_0d": lambda T: T.tensor(5.0).to_sparse(),
    "to_sparse_0d_zero": lambda T: T.tensor(0.0).to_sparse(),
    "to_sparse_dim": lambda T: T.tensor([[0.0, 2.0], [0.0, 0.0], [1.0, 1.0]]).to_sparse(1),
    "to_sparse_dim_0": lambda T: T.ones(2).to_sparse(0),
    "to_sparse_dim_3": lambda T: T.ones(2, 2).to_sparse(3),
    "to_sparse_layout": lambda T: T.ones(2).to_sparse(layout=T.sparse_coo),
    "to_sparse_strided": lambda T: T.ones(2).to_sparse(layout=T.strided),
    "sparse_to_sparse": lambda T: coo(T).to_sparse(),
    "sparse_to_sparse_dim": lambda T: coo(T).to_sparse(1),
    "round_trip": lambda T: T.diag(T.tensor([1.0, 0.0, 2.0])).to_sparse().to_dense(),
    "dense_indices": lambda T: T.ones(2).indices(),
    "dense_values": lambda T: T.ones(2).values(),
    "dense_coalesce": lambda T: T.ones(2).coalesce(),
    "dense_is_coalesced": lambda T: T.ones(2).is_coalesced(),
    "dense_sparse_dim": lambda T: T.ones(2, 2).sparse_dim(),
    "dense_dense_dim": lambda T: T.ones(2, 2).dense_dim(),
    "dense_to_dense": lambda T: T.ones(2).to_dense(),
    "shape": lambda T: tuple(coo(T).shape),
    "size": lambda T: (coo(T).size(), coo(T).size(-1)),
    "size_bad_dim": lambda T: coo(T).size(2),
    "ndim": lambda T: (coo(T).ndim, coo(T).dim(), coo(T).numel(), len(coo(T))),
    "len_0d": lambda T: len(T.tensor(5.0).to_sparse()),
    "layout": lambda T: (repr(coo(T).layout), repr(T.ones(1).layout), coo(T).is_sparse),
    "is_dense_sparse": lambda T: T.ones(1).is_sparse,
    "dtype_device": lambda T: (repr(coo(T).dtype), repr(coo(T).device), coo(T).is_leaf),
    "type": lambda T: (coo(T).type(), coo(T, values=[1, 2, 3]).type()),
    "is_tensor": lambda T: (T.is_tensor(coo(T)), isinstance(coo(T), T.Tensor)),
    "is_contiguous": lambda T: coo(T).is_contiguous(),
    "numpy": lambda T: coo(T).numpy(),
    "tolist": lambda T: coo(T).tolist(),
    "item": lambda T: coo(T).item(),
    "item_one": lambda T: coo(T, [[1]], [7.0], (2,)).item(),
}


@pytest.mark.parametrize("name", QUERIES)
def test_queries_match_torch(name, torch):
    assert_same_result(QUERIES[name], torch)


def test_dense_only_queries_raise_notimplemented(torch):
    # PyTorch lists its backends in these messages; graphgrad's says the op is for sparse ones
    for case in (lambda T: T.ones(2)._indices(), lambda T: T.ones(2)._nnz()):
        got, want = result(gg, case), result(torch, case)
        assert got[0] == want[0] == "NotImplementedError"
        assert got[1].split(" backend")[0] == want[1].split(" backend")[0]


def test_indices_and_values_share_memory():
    s = coo(gg).coalesce()
    s.values().mul_(10)
    assert s.to_dense().tolist() == [[0.0, 0.0, 30.0], [40.0, 0.0, 50.0]]
    assert s.coalesce() is s  # coalesced already: itself, as in PyTorch


def test_layout_objects():
    assert isinstance(gg.strided, gg.layout) and isinstance(gg.sparse_coo, gg.layout)
    assert gg.strided is not gg.sparse_coo and gg.strided != gg.sparse_coo
    assert repr(gg.sparse_coo) == "torch.sparse_coo"
    import pickle

    assert pickle.loads(pickle.dumps(gg.sparse_coo)) is gg.sparse_coo


PRINTED = {
    "plain": lambda T: coo(T),
    "float64": lambda T: coo(T, dtype=T.float64),
    "int32": lambda T: coo(T, values=[1, 2, 3], dtype=T.int32),
    "int64": lambda T: coo(T, values=[1, 2, 3]),
    "hybrid": lambda T: inferred(T, [[0, 1]], [[1.0, 3.5], [2.0, 4.0]]),
    "empty": lambda T: coo(T, T.zeros(2, 0, dtype=T.int64), T.zeros(0), (2, 2)),
    "empty_float64": lambda T: coo(
        T, T.zeros(2, 0, dtype=T.int64), T.zeros(0), (2, 2), dtype=T.float64
    ),
    "0d": lambda T: T.tensor(5.0).to_sparse(),
    "wide": lambda T: coo(T, [list(range(40))], np.linspace(-1, 1, 40), (40,)),
    "long_suffix": lambda T: coo(T, [[0], [0]], [1.0], (123456789, 987654321), dtype=T.float64),
    "summarized": lambda T: coo(T, [list(range(1500))], np.arange(1500.0), (1500,)),
    "precision": lambda T: coo(T, values=[1e-8, 1.0, 123456.0]),
}


@pytest.mark.parametrize("name", PRINTED)
def test_printing_matches_torch(name, torch):
    assert repr(PRINTED[name](gg)) == repr(PRINTED[name](torch))
    assert str(PRINTED[name](gg)) == str(PRINTED[name](torch))


def test_printing_without_torch():
    assert repr(coo(gg, dtype=gg.float64)) == (
        "tensor(indices=tensor([[0, 1, 1],\n"
        "                       [2, 0, 2]]),\n"
        "       values=tensor([3., 4., 5.]),\n"
        "       size=(2, 3), nnz=3, dtype=torch.float64, layout=torch.sparse_coo)"
    )
    assert f"{coo(gg)}" == str(coo(gg))


def test_sparse_tensors_copy_and_pickle():
    import copy
    import pickle

    s = coo(gg).coalesce()
    for twin in (copy.deepcopy(s), pickle.loads(pickle.dumps(s))):
        assert repr(twin) == repr(s) and twin.is_coalesced()
        assert not np.shares_memory(twin._values().numpy(), s._values().numpy())


def test_storage_offset_is_zero_as_torchs(torch):
    """It leaked an AttributeError (``__array_interface__``) from the array stand-in."""
    assert gg.eye(2).to_sparse().storage_offset() == torch.eye(2).to_sparse().storage_offset() == 0


@pytest.mark.parametrize(
    ("name", "args"),
    [("new_zeros", (2,)), ("new_ones", (2,)), ("new_empty", (2,)), ("new_full", ((2,), 1.0))],
)
def test_new_tensors_like_a_sparse_one_are_refused_not_dense(name, args):
    """``new_zeros`` of a sparse tensor gave a dense tensor (PyTorch: a sparse one)."""
    with pytest.raises(NotImplementedError, match="SparseCPU"):
        getattr(gg.eye(2).to_sparse(), name)(*args)
