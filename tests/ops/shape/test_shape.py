# ruff: noqa: N803, N806 - ``T`` is the module under test; ``A`` a matrix, as in PyTorch docs
"""Shape ops against PyTorch: node names, next_functions and saved attributes, views sharing
storage and version counter, multi-output nodes (split, chunk, unbind), exact error messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
import graphgrad as torch

U64 = 2**64  # PyTorch shows a negative saved dim d as 2**64 + d


def _inputs(T):
    rng = np.random.default_rng(0)
    return {
        "A": T.tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True),
        "B": T.tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True),
        "C": T.tensor(rng.uniform(-2, 2, (2, 3, 4)), requires_grad=True),
        "a": T.tensor(rng.uniform(-2, 2, (5,)), requires_grad=True),
    }


def _summary(out) -> tuple:
    """Node name, next_functions (names and output_nr) and the non-tensor saved attributes."""
    node = out.grad_fn
    nexts = tuple((n.name() if n is not None else None, nr) for n, nr in node.next_functions)
    attrs = {}
    for key in dir(node):
        if key.startswith("_saved_"):
            value = getattr(node, key)
            attrs[key] = value if not hasattr(value, "shape") else tuple(value.shape)
    return node.name(), nexts, attrs


GRAPHS = {
    "flatten": lambda T, x: x["C"].flatten(),
    "flatten(1)": lambda T, x: x["C"].flatten(1),
    "flatten non-contiguous": lambda T, x: x["C"].transpose(0, 1).flatten(),
    "unflatten": lambda T, x: x["C"].unflatten(2, (2, 2)),
    "view_as": lambda T, x: x["A"].view_as(x["B"]),
    "ravel non-contiguous": lambda T, x: x["A"].t().ravel(),
    "transpose": lambda T, x: x["A"].transpose(0, 1),
    "transpose negative": lambda T, x: x["C"].transpose(-1, -2),
    "swapaxes": lambda T, x: x["C"].swapaxes(0, 2),
    "t": lambda T, x: x["A"].t(),
    "t 1-D": lambda T, x: x["a"].t(),
    "T": lambda T, x: x["A"].T,
    "mT": lambda T, x: x["C"].mT,
    "mH": lambda T, x: x["A"].mH,
    "permute": lambda T, x: x["C"].permute(2, 0, 1),
    "permute negative": lambda T, x: x["C"].permute(-1, 0, 1),
    "movedim": lambda T, x: x["C"].movedim(0, 2),
    "movedim tuple": lambda T, x: x["C"].movedim((0, 1), (2, 0)),
    "unsqueeze negative": lambda T, x: x["a"].unsqueeze(-1),
    "squeeze negative": lambda T, x: x["A"][:, :1].squeeze(-1),
    "squeeze tuple": lambda T, x: x["A"][:, :1].squeeze((-1,)),
    "squeeze all": lambda T, x: x["A"][:, :1].squeeze(),
    "expand": lambda T, x: x["a"].expand(2, 5),
    "broadcast_to": lambda T, x: T.broadcast_to(x["a"], (3, 5)),
    "repeat": lambda T, x: x["A"].repeat(2, 1, 2),
    "repeat 1-D": lambda T, x: x["a"].repeat(2, 2),
    "cat": lambda T, x: T.cat([x["A"], x["B"]], 1),
    "cat negative": lambda T, x: T.cat([x["A"], x["B"]], -1),
    "concat": lambda T, x: T.concat([x["A"], x["B"]]),
    "cat one": lambda T, x: T.cat((x["A"],)),
    "stack": lambda T, x: T.stack([x["A"], x["B"]], 1),
    "stack negative": lambda T, x: T.stack([x["A"], x["B"]], -1),
    "hstack": lambda T, x: T.hstack([x["A"], x["B"]]),
    "vstack": lambda T, x: T.vstack([x["A"], x["B"]]),
    "split piece 2": lambda T, x: x["A"].split(1, 1)[2],
    "split with sizes": lambda T, x: x["C"].split([1, 2], 1)[1],
    "split uneven": lambda T, x: x["C"].split(2, 1)[1],
    "split negative": lambda T, x: x["A"].split(2, -1)[0],
    "chunk": lambda T, x: x["C"].chunk(3, 2)[1],
    "unbind": lambda T, x: x["A"].unbind(1)[2],
    "unbind negative": lambda T, x: x["A"].unbind(-1)[0],
    "flip": lambda T, x: x["C"].flip(0, 2),
    "flip negative": lambda T, x: x["A"].flip(-1),
    "fliplr": lambda T, x: x["A"].fliplr(),
    "roll": lambda T, x: x["C"].roll(1, 2),
    "roll two": lambda T, x: x["C"].roll((1, 2), (0, 2)),
    "roll negative": lambda T, x: x["A"].roll(-1, -1),
    "roll flat": lambda T, x: x["C"].roll(3),
    "narrow": lambda T, x: x["C"].narrow(2, 1, 2),
    "narrow negative": lambda T, x: x["C"].narrow(-1, 1, 2),
    "tril": lambda T, x: x["A"].tril(),
    "tril negative": lambda T, x: x["A"].tril(-1),
    "triu": lambda T, x: x["A"].triu(1),
    "diagonal": lambda T, x: x["C"].diagonal(0, 1, 2),
    "diag 2-D": lambda T, x: x["A"].diag(),
    "diag 1-D": lambda T, x: x["a"].diag(),
    "contiguous": lambda T, x: x["A"].t().contiguous(),
    "clone": lambda T, x: x["A"].clone(),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_nodes_match_pytorch(name):
    pt = pytest.importorskip("torch")
    ours = GRAPHS[name](torch, _inputs(torch))
    theirs = GRAPHS[name](pt, _inputs(pt))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())
    assert _summary(ours) == _summary(theirs)
    assert ours._is_view() == theirs._is_view()
    assert ours.output_nr == theirs.output_nr


def test_negative_dims_show_as_u64():
    x = _inputs(torch)
    assert _summary(x["C"].transpose(-1, -2))[2] == {"_saved_dim0": U64 - 1, "_saved_dim1": U64 - 2}
    assert x["C"].mT.grad_fn._saved_dim0 == U64 - 2
    assert x["C"].permute(-1, 0, 1).grad_fn._saved_dims == (U64 - 1, 0, 1)
    assert x["a"].unsqueeze(-1).grad_fn._saved_dim == U64 - 1
    assert torch.cat([x["A"], x["B"]], -1).grad_fn._saved_dim == U64 - 1
    assert x["A"].roll(-1, -1).grad_fn._saved_shifts == (U64 - 1,)
    assert x["A"].tril(-1).grad_fn._saved_diagonal == U64 - 1
    node = x["C"].narrow(-1, 1, 2).grad_fn
    assert (node._saved_dim, node._saved_start, node._saved_end, node._saved_step) == (
        U64 - 1,
        1,
        3,
        1,
    )


def test_flatten_and_reshape_nodes():
    x = _inputs(torch)
    assert x["C"].flatten().grad_fn.name() == "ViewBackward0"
    assert x["C"].flatten().grad_fn._saved_self_sym_sizes == (2, 3, 4)
    assert x["a"].flatten() is x["a"] and x["A"].flatten(0, 0) is x["A"]
    assert torch.tensor(2.0).flatten().shape == (1,)
    copied = x["C"].transpose(0, 1).flatten()
    assert copied.grad_fn.name() == "UnsafeViewBackward0"
    assert copied.grad_fn.next_functions[0][0].name() == "CloneBackward0"
    assert not copied._is_view()


def test_split_pieces_share_one_node():
    a = torch.arange(5.0, requires_grad=True)
    pieces = a.split(2)
    assert [p.shape[0] for p in pieces] == [2, 2, 1]
    assert pieces[0].grad_fn is pieces[2].grad_fn
    assert [p.output_nr for p in pieces] == [0, 1, 2]
    assert all(p._is_view() and p._base is a for p in pieces)
    assert pieces[1].grad_fn._saved_split_size == 2
    # Only piece 1 is used: the others get zeros.
    pieces[1].sum().backward()
    assert a.grad.tolist() == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_chunk_and_unbind():
    A = torch.arange(12.0, requires_grad=True).view(3, 4)
    assert [c.shape[1] for c in A.chunk(3, 1)] == [2, 2]  # fewer chunks, as in PyTorch
    assert len(torch.ones(0, 3).chunk(2)) == 2
    rows = A.unbind()
    assert [r.output_nr for r in rows] == [0, 1, 2]
    assert rows[0].grad_fn is rows[2].grad_fn and rows[0].grad_fn.name() == "UnbindBackward0"
    (rows[0] * 2 + rows[2]).sum().backward()
    leaf = A.grad_fn.next_functions[0][0].variable
    assert leaf.grad.tolist() == [2.0] * 4 + [0.0] * 4 + [1.0] * 4


def test_iterating_a_tensor_unbinds_it():
    A = torch.ones(3, 2, requires_grad=True)
    rows = list(A)
    assert len(rows) == 3 and rows[1].grad_fn.name() == "UnbindBackward0"
    sum(rows).sum().backward()
    assert A.grad.tolist() == [[1.0, 1.0]] * 3


def test_views_share_storage_and_version():
    a = torch.arange(6.0).view(2, 3)
    base = a._base
    for v in (
        a.t(),
        a.T,
        a[0],
        a.unsqueeze(0),
        a.transpose(0, 1),
        a.diagonal(),
        a.split(1)[0],
        a.unbind(1)[0],
        a.narrow(1, 1, 2),
        a.expand(2, 2, 3),
        a.flatten(),
        a.mT,
    ):
        assert v._is_view() and v._base is base
        assert v._version == a._version
    for copy in (
        a.repeat(2, 1),
        a.flip(0),
        a.roll(1),
        a.tril(),
        torch.cat([a, a]),
        torch.stack([a, a]),
        a.diag(),
    ):
        assert not copy._is_view() and copy._base is None
    v = a.t()
    a.add_(1)
    assert v._version == 1 and v[0, 1].item() == 4.0  # sees the write, counts it
    v.mul_(2)
    assert a._version == 2 and a[1, 0].item() == 8.0
    d = a.diagonal()
    d.zero_()
    assert a.tolist() == [[0.0, 4.0, 6.0], [8.0, 0.0, 12.0]]


def test_repeat_and_cat_gradients():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    (a.repeat(3, 2) * torch.arange(12.0).view(3, 4)).sum().backward()
    assert a.grad.tolist() == [0 + 2 + 4 + 6 + 8 + 10.0, 1 + 3 + 5 + 7 + 9 + 11.0]
    b = torch.ones(2, 2, requires_grad=True)
    out = torch.cat([torch.ones(0), b, b], 0)  # legacy: empty 1-D tensors are skipped
    assert out.shape == (4, 2) and len(out.grad_fn.next_functions) == 3
    (out * torch.arange(8.0).view(4, 2)).sum().backward()
    assert b.grad.tolist() == [[4.0, 6.0], [8.0, 10.0]]


def test_cat_and_stack_promote_dtypes():
    a = torch.ones(2, 2)
    assert torch.cat([a, torch.ones(2, 2, dtype=torch.float64)]).dtype == torch.float64
    assert torch.stack([a, torch.ones(2, 2, dtype=torch.int64)]).dtype == torch.float32
    assert torch.cat([a.long(), a.long()]).grad_fn is None


def test_T_warnings_and_mT_errors():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert torch.ones(2, 3, 4).T.shape == (4, 3, 2)
        assert torch.ones(3).T.grad_fn is None
        assert torch.ones(2, 3).T.shape == (3, 2)
        s = torch.tensor(2.0)
        assert s.mT is s
    messages = [str(w.message) for w in caught]
    assert messages == [
        "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
        "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
        "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
        "dimensions of a tensor.",
    ] * 2 + [
        "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases."
    ]
    with pytest.raises(RuntimeError) as err:
        _ = torch.ones(3).mT
    assert str(err.value) == (
        "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
    )


A34, C234 = torch.ones(3, 4), torch.ones(2, 3, 4)

ERRORS = [
    (
        lambda T, A, C: T.cat([A, T.ones(2, 3)]),
        RuntimeError,
        "Sizes of tensors must match except in dimension 0. Expected size 4 but got size 3 for "
        "tensor number 1 in the list.",
    ),
    (
        lambda T, A, C: T.cat([A, T.ones(3)]),
        RuntimeError,
        "Tensors must have same number of dimensions: got 2 and 1",
    ),
    (lambda T, A, C: T.cat([]), ValueError, "torch.cat(): expected a non-empty list of Tensors"),
    (
        lambda T, A, C: T.cat([T.tensor(1.0), T.tensor(2.0)]),
        RuntimeError,
        "zero-dimensional tensor (at position 0) cannot be concatenated",
    ),
    (
        lambda T, A, C: T.cat([A, A], 2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (
        lambda T, A, C: T.cat(A),
        TypeError,
        "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor",
    ),
    (
        lambda T, A, C: T.stack([A, T.ones(3, 3)]),
        RuntimeError,
        "stack expects each tensor to be equal size, but got [3, 4] at entry 0 and [3, 3] at "
        "entry 1",
    ),
    (lambda T, A, C: T.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
    (
        lambda T, A, C: A.split(0),
        RuntimeError,
        "split_size can only be 0 if dimension size is 0, but got dimension size of 3",
    ),
    (
        lambda T, A, C: A.split([1, 1], 0),
        RuntimeError,
        "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at "
        "dimension 0), but got split_sizes=[1, 1]",
    ),
    (
        lambda T, A, C: A.chunk(0),
        RuntimeError,
        "chunk expects `chunks` to be greater than 0, got: 0",
    ),
    (
        lambda T, A, C: A.unflatten(1, (3, 2)),
        RuntimeError,
        "unflatten: Provided sizes [3, 2] don't multiply up to the size of dim 1 (4) in the input "
        "tensor",
    ),
    (lambda T, A, C: A.unflatten(0, ()), RuntimeError, "unflatten: sizes must be non-empty"),
    (
        lambda T, A, C: A.permute(0),
        RuntimeError,
        "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
        "of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 1",
    ),
    (lambda T, A, C: A.permute(0, 0), RuntimeError, "permute(): duplicate dims are not allowed."),
    (
        lambda T, A, C: A.transpose(0, 2),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
    ),
    (
        lambda T, A, C: A.flatten(1, 0),
        RuntimeError,
        "flatten() has invalid args: start_dim cannot come after end_dim",
    ),
    (
        lambda T, A, C: A.narrow(0, 2, 2),
        RuntimeError,
        "start (2) + length (2) exceeds dimension size (3).",
    ),
    (
        lambda T, A, C: A.narrow(0, -4, 1),
        IndexError,
        "start out of range (expected to be in range of [-3, 3], but got -4)",
    ),
    (
        lambda T, A, C: A.repeat(2),
        RuntimeError,
        "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
        "tensor",
    ),
    (
        lambda T, A, C: C.t(),
        RuntimeError,
        "t() expects a tensor with <= 2 dimensions, but self is 3D",
    ),
    (
        lambda T, A, C: A.roll(1, (0, 1)),
        RuntimeError,
        "shifts and dimensions must align. shifts: 1, dims:2",
    ),
    (
        lambda T, A, C: A.flip(0, 0),
        RuntimeError,
        "dim 0 appears multiple times in the list of dims",
    ),
    (
        lambda T, A, C: A.diagonal(0, 0, 0),
        RuntimeError,
        "diagonal dimensions cannot be identical 0, 0",
    ),
    (
        lambda T, A, C: T.ones(3).tril(),
        RuntimeError,
        "tril: input tensor must have at least 2 dimensions",
    ),
    (
        lambda T, A, C: A.expand(3),
        RuntimeError,
        "expand(torch.FloatTensor{[3, 4]}, size=[3]): the number of sizes provided (1) must be "
        "greater or equal to the number of dimensions in the tensor (2)",
    ),
    (
        lambda T, A, C: A.expand(2, 4),
        RuntimeError,
        "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
        "dimension 0.  Target sizes: [2, 4].  Tensor sizes: [3, 4]",
    ),
    (
        lambda T, A, C: T.ones(3).expand(-1, 3),
        RuntimeError,
        "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension 0",
    ),
    (
        lambda T, A, C: A.t().view(12),
        RuntimeError,
        "view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead.",
    ),
    (
        lambda T, A, C: A.view(5, -1),
        RuntimeError,
        "shape '[5, -1]' is invalid for input of size 12",
    ),
    (
        lambda T, A, C: A.unsqueeze(3),
        IndexError,
        "Dimension out of range (expected to be in range of [-3, 2], but got 3)",
    ),
    (
        lambda T, A, C: A.squeeze(5),
        IndexError,
        "Dimension out of range (expected to be in range of [-2, 1], but got 5)",
    ),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_error_messages(index):
    fn, kind, message = ERRORS[index]
    with pytest.raises(kind) as err:
        fn(torch, A34, C234)
    assert str(err.value) == message


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_error_messages_match_pytorch(index):
    pt = pytest.importorskip("torch")
    fn, kind, message = ERRORS[index]
    with pytest.raises(kind) as err:
        fn(pt, pt.ones(3, 4), pt.ones(2, 3, 4))
    assert str(err.value).split("\n")[0] == message


def test_squeeze_unsqueeze_roundtrip_gradients():
    a = torch.ones(3, 1, 4, requires_grad=True)
    out = a.squeeze((1, 0)).unsqueeze(-1)  # dim 0 has size 3: only dim 1 goes
    assert out.shape == (3, 4, 1)
    assert out.grad_fn.next_functions[0][0].name() == "SqueezeBackward2"
    out.sum().backward()
    assert a.grad.shape == (3, 1, 4)


def test_diag_gradients():
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    m = torch.diag(v, 1)
    assert m.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
    (m * torch.arange(9.0).view(3, 3)).sum().backward()
    assert v.grad.tolist() == [1.0, 5.0]
    A = torch.arange(6.0, requires_grad=True)
    A.view(2, 3).diagonal(1).sum().backward()
    assert A.grad.tolist() == [0.0, 1.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda T, x: T.flip(x, dims=[1]),
        lambda T, x: x.flip(dims=(1,)),  # (nflib's normalizing flows write it)
        lambda T, x: x.flip(0, 1),
        lambda T, x: T.flip(x),
    ],
)
def test_flip_takes_dims_by_keyword(call):
    # before: TypeError "flip() got an unexpected keyword argument 'dims'"
    torch = pytest.importorskip("torch")
    outcomes = []
    for T in (graphgrad, torch):
        try:
            outcomes.append(call(T, T.arange(6.0).view(2, 3)).tolist())
        except TypeError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]
