# ruff: noqa: N803, N806 - ``T`` is the module under test; ``A`` a matrix, as in PyTorch docs
"""Indexing against PyTorch: ``x[key]`` nodes and saved attributes, views, ``x[key] = value``
(CopySlices, IndexPutBackward0, FillBackward3), and exact error messages. In-place writes
through views and the gather/scatter family are in test_index_inplace.py."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
import graphgrad as torch

U64 = 2**64
INT64_MAX = 2**63 - 1


def _inputs(T):
    rng = np.random.default_rng(0)
    return {
        "A": T.tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True),
        "C": T.tensor(rng.uniform(-2, 2, (2, 3, 4)), requires_grad=True),
        "a": T.tensor(rng.uniform(-2, 2, (5,)), requires_grad=True),
    }


def _value(v):
    return v.tolist() if hasattr(v, "tolist") else v


def _summary(out) -> tuple:
    node = out.grad_fn
    nexts = tuple((n.name() if n is not None else None, nr) for n, nr in node.next_functions)
    attrs = {}
    for key in dir(node):
        if key.startswith("_saved_"):
            value = getattr(node, key)
            attrs[key] = tuple(map(_value, value)) if isinstance(value, tuple) else _value(value)
    return node.name(), nexts, attrs


GETITEM = {
    "a[0]": lambda T, x: x["a"][0],
    "a[-1]": lambda T, x: x["a"][-1],
    "A[1]": lambda T, x: x["A"][1],
    "A[:, -1]": lambda T, x: x["A"][:, -1],
    "A[0, 1]": lambda T, x: x["A"][0, 1],
    "a[1:]": lambda T, x: x["a"][1:],
    "a[:3]": lambda T, x: x["a"][:3],
    "a[::2]": lambda T, x: x["a"][::2],
    "a[-3:-1]": lambda T, x: x["a"][-3:-1],
    "a[1:100]": lambda T, x: x["a"][1:100],
    "a[:]": lambda T, x: x["a"][:],
    "a[0:0]": lambda T, x: x["a"][0:0],
    "A[:, 1:]": lambda T, x: x["A"][:, 1:],
    "A[:, :]": lambda T, x: x["A"][:, :],
    "A[:, 0:4]": lambda T, x: x["A"][:, 0:4],
    "a[None]": lambda T, x: x["a"][None],
    "A[:, None]": lambda T, x: x["A"][:, None],
    "A[..., None]": lambda T, x: x["A"][..., None],
    "A[None, 1, None]": lambda T, x: x["A"][None, 1, None],
    "a[...]": lambda T, x: x["a"][...],
    "a[()]": lambda T, x: x["a"][()],
    "C[..., 1]": lambda T, x: x["C"][..., 1],
    "C[..., 1:]": lambda T, x: x["C"][..., 1:],
    "a[tensor(1)]": lambda T, x: x["a"][T.tensor(1)],
    "a[[0, 2]]": lambda T, x: x["a"][[0, 2]],
    "a[tensor]": lambda T, x: x["a"][T.tensor([0, 2, 0])],
    "a[a > 0]": lambda T, x: x["a"][x["a"] > 0],
    "A[A > 0]": lambda T, x: x["A"][x["A"] > 0],
    "A[[True, False, True]]": lambda T, x: x["A"][[True, False, True]],
    "A[[0, 1], [1, 2]]": lambda T, x: x["A"][[0, 1], [1, 2]],
    "A[:, [1, 2]]": lambda T, x: x["A"][:, [1, 2]],
    "A[0, [1, 2]]": lambda T, x: x["A"][0, [1, 2]],
    "A[1:, [1, 2]]": lambda T, x: x["A"][1:, [1, 2]],
    "A[[0, 1], 1]": lambda T, x: x["A"][[0, 1], 1],
    "C[[0, 1], :, [1, 2]]": lambda T, x: x["C"][[0, 1], :, [1, 2]],
    "A[tensor([[0, 1]])]": lambda T, x: x["A"][T.tensor([[0, 1]])],
    "a[True]": lambda T, x: x["a"][True],
    "select": lambda T, x: T.select(x["A"], 1, -1),
    "gather": lambda T, x: x["A"].gather(0, T.tensor([[0, 1, 2, 0], [1, 2, 0, 1]])),
    "gather negative": lambda T, x: x["A"].gather(-1, T.tensor([[0], [1], [3]])),
    "scatter src": lambda T, x: x["A"].scatter(0, T.tensor([[0, 1, 2, 0]]), x["A"][1:2] * 2),
    "scatter value": lambda T, x: x["A"].scatter(0, T.tensor([[0, 1, 2, 0]]), 2.5),
    "scatter_add": lambda T, x: x["A"].scatter_add(0, T.tensor([[0, 0, 2, 0]]), x["A"][:1]),
    "index_select": lambda T, x: x["A"].index_select(1, T.tensor([0, 2])),
    "index_select negative": lambda T, x: T.index_select(x["A"], -1, T.tensor([1])),
    "masked_fill": lambda T, x: x["A"].masked_fill(x["A"] > 0, 0.0),
    "masked_fill tensor": lambda T, x: x["A"].masked_fill(x["A"] > 0, T.tensor(1.0)),
    "masked_fill grad value": lambda T, x: x["A"].masked_fill(x["A"] > 0, x["a"][0]),
    "masked_select": lambda T, x: x["A"].masked_select(x["A"] > 0),
    "index_add": lambda T, x: x["A"].index_add(0, T.tensor([0, 0]), x["A"][:2], alpha=2),
    "take_along_dim": lambda T, x: x["A"].take_along_dim(T.tensor([[0, 1, 2, 0]]), 0),
    "take_along_dim flat": lambda T, x: x["A"].take_along_dim(T.tensor([0, 5])),
    "take": lambda T, x: x["A"].take(T.tensor([0, 5])),
    "index_put": lambda T, x: T.index_put(x["A"], (T.tensor([0, 0]),), x["a"][:4], True),
}


@pytest.mark.parametrize("name", sorted(GETITEM))
def test_nodes_match_pytorch(name):
    pt = pytest.importorskip("torch")
    x_ours, x_theirs = _inputs(torch), _inputs(pt)
    ours, theirs = GETITEM[name](torch, x_ours), GETITEM[name](pt, x_theirs)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())
    assert _summary(ours) == _summary(theirs)
    assert ours._is_view() == theirs._is_view()
    seed = np.random.default_rng(1).standard_normal(tuple(theirs.shape))
    ours.backward(torch.tensor(seed))
    theirs.backward(pt.tensor(seed))
    for key in ("A", "C", "a"):
        got, want = x_ours[key].grad, x_theirs[key].grad
        if want is None:
            assert got is None or not np.any(got.numpy())
        else:
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)


def test_saved_attributes_of_basic_indexing():
    x = _inputs(torch)
    assert _summary(x["a"][1:])[2] == {
        "_saved_dim": 0,
        "_saved_start": 1,
        "_saved_end": INT64_MAX,
        "_saved_step": 1,
        "_saved_self_sym_sizes": (5,),
    }
    node = x["a"][-3:-1].grad_fn
    assert (node._saved_start, node._saved_end) == (U64 - 3, U64 - 1)
    assert x["a"][-1].grad_fn._saved_index == U64 - 1
    chain = x["A"][0, 1].grad_fn
    assert chain.name() == "SelectBackward0" and chain._saved_self_sym_sizes == (4,)
    assert chain.next_functions[0][0].name() == "SelectBackward0"
    assert x["a"][...].grad_fn.name() == "AliasBackward0"
    index = x["A"][:, [1, 2]].grad_fn
    assert index.name() == "IndexBackward0"
    assert index._saved_indices[0] is None and index._saved_indices[1].tolist() == [1, 2]
    mask = x["A"] > 0
    assert x["A"][mask].grad_fn._saved_indices[0].dtype == torch.bool


def test_basic_indexing_returns_views():
    a = torch.arange(6.0).view(2, 3)
    base = a._base
    for v in (a[0], a[:, 1:], a[None], a[...], a[0, ::2], a[:, None, 1]):
        assert v._is_view() and v._base is base
    for copy in (a[[0, 1]], a[a > 2], a[:, [0]]):
        assert not copy._is_view()
    v = a[:, 1]
    a.mul_(2)
    assert v.tolist() == [2.0, 8.0] and v._version == 1


def test_repeated_indices_accumulate():
    z = torch.tensor([1.0, 2.0], requires_grad=True)
    z[[0, 0]].sum().backward()
    assert z.grad.tolist() == [2.0, 0.0]
    A = torch.ones(2, 3, requires_grad=True)
    (A[:, [2, 2, 0]] * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert A.grad.tolist() == [[3.0, 0.0, 3.0]] * 2


def test_setitem_scalar_gives_copy_slices():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * 2
    y[0] = 5.0
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    assert [(n.name() if n else None, nr) for n, nr in y.grad_fn.next_functions] == [
        ("MulBackward0", 0),
        (None, 0),
    ]
    assert y._version == 1 and y.tolist() == [5.0, 4.0, 6.0]
    y.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 2.0]


def test_setitem_into_a_tensor_without_grad():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = torch.zeros(3)
    z[0] = a[0]
    assert z.requires_grad and z.grad_fn.name() == "torch::autograd::CopySlices"
    assert [(n.name() if n else None, nr) for n, nr in z.grad_fn.next_functions] == [
        (None, 0),
        ("SelectBackward0", 0),
    ]
    z.sum().backward()
    assert a.grad.tolist() == [1.0, 0.0, 0.0]


def test_setitem_value_broadcast_and_gradients():
    x = torch.arange(12.0).view(3, 4).requires_grad_()
    b = torch.tensor([7.0, 8.0], requires_grad=True)
    y = x * 1
    y[:, 1:3] = b
    assert y.grad_fn.next_functions[1][0].name() == "ExpandBackward0"
    assert y[:, 1:3].tolist() == [[7.0, 8.0]] * 3
    (y * torch.arange(12.0).view(3, 4)).sum().backward()
    assert b.grad.tolist() == [15.0, 18.0]
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 3.0], [4.0, 0.0, 0.0, 7.0], [8.0, 0.0, 0.0, 11.0]]


def test_setitem_advanced_uses_index_put():
    x = torch.ones(3, 4, requires_grad=True)
    y = x * 1
    y[[0, 2]] = torch.tensor(5.0)
    node = y.grad_fn
    assert node.name() == "IndexPutBackward0" and node._saved_accumulate is False
    assert node._saved_indices[0].tolist() == [0, 2]
    y = x * 1
    y[y > 0] = 0.0
    assert y.grad_fn.name() == "IndexPutBackward0" and y.sum().item() == 0.0
    y = x * 1
    y[1:, [0, 2]] = 2.0  # basic part first: a view, so CopySlices
    assert y.grad_fn.name() == "torch::autograd::CopySlices"


def test_setitem_whole_tensor_fills_or_copies():
    a = torch.ones(3, requires_grad=True)
    for key in (Ellipsis, (), slice(None), slice(0, 3), slice(0, 9)):
        w = a * 1
        w[key] = 3.0
        assert w.grad_fn.name() == "FillBackward3" and w.tolist() == [3.0] * 3
    w = a * 1
    w[...] = torch.tensor([1.0, 2.0, 3.0])
    assert w.grad_fn.name() == "torch::autograd::CopyBackwards"
    w = a * 1
    w[-3:] = 2.0  # a negative start is not recognised as the whole dim
    assert w.grad_fn.name() == "torch::autograd::CopySlices"


def test_setitem_leaf_checks_and_no_grad():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError) as err:
        x[0] = 5
    assert str(err.value) == (
        "a view of a leaf Variable that requires grad is being used in an in-place operation."
    )
    with pytest.raises(RuntimeError) as err:
        x[[0, 1]] = 5.0
    assert str(err.value) == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    with torch.no_grad():
        x[0] = 5
    assert x.tolist() == [5.0, 1.0, 1.0] and x._version == 1 and x.grad_fn is None


def test_setitem_casts_values():
    y = torch.zeros(3, dtype=torch.long)
    y[0] = 2.7
    y[1] = torch.tensor(3.9)
    y[y > 0] = 9
    assert y.tolist() == [9, 9, 0]
    z = torch.zeros(3)
    z[[0, 0]] = torch.tensor([1.0, 2.0])
    assert z.tolist() in ([2.0, 0.0, 0.0], [1.0, 0.0, 0.0])


ERRORS = [
    (lambda T, a, A: a[5], IndexError, "index 5 is out of bounds for dimension 0 with size 5"),
    (lambda T, a, A: a[-6], IndexError, "index -6 is out of bounds for dimension 0 with size 5"),
    (lambda T, a, A: A[0, 5], IndexError, "index 5 is out of bounds for dimension 1 with size 4"),
    (
        lambda T, a, A: A[None, 0, 7],
        IndexError,
        "index 7 is out of bounds for dimension 2 with size 4",
    ),
    (lambda T, a, A: a[[0, 7]], IndexError, "index 7 is out of bounds for dimension 0 with size 5"),
    (
        lambda T, a, A: A[:, [0, 5]],
        IndexError,
        "index 5 is out of bounds for dimension 0 with size 4",
    ),
    (lambda T, a, A: a[0, 0], IndexError, "too many indices for tensor of dimension 1"),
    (
        lambda T, a, A: a[1.5],
        IndexError,
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
        "indices (got float)",
    ),
    (
        lambda T, a, A: a[T.tensor([0.0, 1.0])],
        IndexError,
        "tensors used as indices must be long, int, byte or bool tensors",
    ),
    (
        lambda T, a, A: a[T.tensor([True, False])],
        IndexError,
        "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor "
        "[5] at index 0",
    ),
    (
        lambda T, a, A: A[:, T.ones(3) > 0],
        IndexError,
        "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor "
        "[3, 4] at index 1",
    ),
    (
        lambda T, a, A: A[[0, 1], [0, 1, 2]],
        IndexError,
        "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]",
    ),
    (lambda T, a, A: a[::-1], ValueError, "step must be greater than zero"),
    (
        lambda T, a, A: T.tensor(2.0)[0],
        IndexError,
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
        "C++ to convert a 0-dim tensor to a number",
    ),
    (
        lambda T, a, A: T.select(A, 0, 3),
        IndexError,
        "select(): index 3 out of range for tensor of size [3, 4] at dimension 0",
    ),
    (
        lambda T, a, A: A.clone().__setitem__(0, T.ones(2, 4)),
        RuntimeError,
        "expand(torch.FloatTensor{[2, 4]}, size=[4]): the number of sizes provided (1) must be "
        "greater or equal to the number of dimensions in the tensor (2)",
    ),
    (
        lambda T, a, A: A.clone().__setitem__([0, 1], T.ones(3)),
        RuntimeError,
        "shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape "
        "[2, 4]",
    ),
    (
        lambda T, a, A: A.gather(0, A.long().float()),
        RuntimeError,
        "gather(): Expected dtype int32/int64 for index",
    ),
    (
        lambda T, a, A: A.gather(0, T.tensor([0, 1])),
        RuntimeError,
        "Index tensor must have the same number of dimensions as input tensor",
    ),
    (
        lambda T, a, A: A.gather(0, T.tensor([[0, 1, 2, 0, 1]])),
        RuntimeError,
        "Size does not match at dimension 1 expected index [1, 5] to be no larger than self [3, 4] "
        "apart from dimension 0",
    ),
    (
        lambda T, a, A: A.gather(0, T.tensor([[5]])),
        RuntimeError,
        "index 5 is out of bounds for dimension 0 with size 3",
    ),
    (
        lambda T, a, A: A.scatter(0, T.tensor([[0, 1, 2, 0]]), T.ones(1, 1)),
        RuntimeError,
        "Expected index [1, 4] to be no larger than self [3, 4] apart from dimension 0 and to be "
        "no larger size than src [1, 1]",
    ),
    (
        lambda T, a, A: A.scatter(0, T.tensor([[0]]), A.double()),
        RuntimeError,
        "scatter(): Expected self.dtype to be equal to src.dtype",
    ),
    (
        lambda T, a, A: A.index_select(0, T.tensor([[0]])),
        IndexError,
        "index_select(): Index is supposed to be a vector",
    ),
    (lambda T, a, A: A.index_select(0, T.tensor([5])), IndexError, "index out of range in self"),
    (
        lambda T, a, A: A.index_select(0, T.tensor([0.0])),
        RuntimeError,
        "index_select(): Expected dtype int32 or int64 for index",
    ),
    (
        lambda T, a, A: A.index_add(0, T.tensor([0]), T.ones(2, 4)),
        RuntimeError,
        "index_add_(): Number of indices (1) should be equal to source.size(dim): (2), for dim: 0",
    ),
    (
        lambda T, a, A: A.masked_fill(A, 0.0),
        RuntimeError,
        "masked_fill_ only supports boolean masks, but got mask with dtype float",
    ),
    (
        lambda T, a, A: A.masked_fill(T.ones(5) > 0, 0.0),
        RuntimeError,
        "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1",
    ),
    (
        lambda T, a, A: A.masked_fill(A > 0, T.ones(2)),
        RuntimeError,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 "
        "dimension(s).",
    ),
    (
        lambda T, a, A: A.take(T.tensor([12])),
        IndexError,
        "out of range: tried to access index 12 on a tensor of 12 elements.",
    ),
    (
        lambda T, a, A: A.take_along_dim(T.tensor([0]), 0),
        RuntimeError,
        "torch.take_along_dim(): input and indices should have the same number of dimensions, but "
        "got 2 dimensions for input, and 1 dimensions for indices",
    ),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_error_messages(index):
    fn, kind, message = ERRORS[index]
    with pytest.raises(kind) as err:
        fn(torch, torch.ones(5), torch.ones(3, 4))
    assert str(err.value) == message


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_error_messages_match_pytorch(index):
    pt = pytest.importorskip("torch")
    fn, kind, message = ERRORS[index]
    with pytest.raises(kind) as err:
        fn(pt, pt.ones(5), pt.ones(3, 4))
    assert str(err.value) == message


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.zeros(5).scatter_(0, T.tensor(3), value=1),  # ("Learn the Basics" one-hot)
        lambda T: T.zeros(5).scatter(0, T.tensor(3), T.tensor(7.0)),
        lambda T: T.zeros(5).scatter(0, T.tensor(3), T.tensor([7.0, 8.0])),
        lambda T: T.zeros(5).scatter_add(0, T.tensor(3), T.tensor(7.0)),
        lambda T: T.zeros(()).scatter_(0, T.tensor(0), 5.0),
        lambda T: T.arange(5.0).gather(0, T.tensor(3)),
    ],
)
def test_a_0d_index_is_one_element(call):
    # before: IndexError ("list assignment index out of range") for every 0-d index
    torch = pytest.importorskip("torch")
    got, want = call(graphgrad), call(torch)
    assert (got.shape, got.tolist()) == (tuple(want.shape), want.tolist())


def test_gradients_through_a_0d_index():
    a = graphgrad.arange(5.0, requires_grad=True)
    a.gather(0, graphgrad.tensor(2)).backward()
    assert a.grad.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    b, s = graphgrad.zeros(5, requires_grad=True), graphgrad.tensor(3.0, requires_grad=True)
    (b.scatter(0, graphgrad.tensor(1), s) * graphgrad.arange(5.0)).sum().backward()
    assert (b.grad.tolist(), s.grad.item()) == ([0.0, 0.0, 2.0, 3.0, 4.0], 1.0)
