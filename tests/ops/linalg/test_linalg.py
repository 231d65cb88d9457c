"""Matrix products: PyTorch's graph structure for every form of matmul (spec 2.1), addmm's saved
geometry and saved attributes, einsum, and exact error messages (spec 3.25). The small-matmul
kernel and seed Example 4 are in test_example4.py."""

# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in
# sample.py; matrices are named A, B as in the math

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as torch

from ._helpers import _tree


def _leaves(T, shapes, grads=None):
    rng = np.random.default_rng(0)
    grads = grads or [True] * len(shapes)
    return [
        T.tensor(rng.uniform(-1, 1, s), dtype=T.float64, requires_grad=g)
        for s, g in zip(shapes, grads, strict=True)
    ]


# -- graph structure ---------------------------------------------------------------------------
def test_matmul_graphs_from_the_spec():
    def tree(*shapes):
        a, b = _leaves(torch, shapes)
        return _tree((a @ b).grad_fn)

    assert tree((3,), (3,)) == ["DotBackward0", "  AccumulateGrad", "  AccumulateGrad"]
    assert tree((2, 3), (3,))[0] == "MvBackward0"
    assert tree((3,), (3, 4)) == [
        "SqueezeBackward4",
        "  MmBackward0",
        "    UnsqueezeBackward0",
        "      AccumulateGrad",
        "    AccumulateGrad",
    ]
    assert tree((5, 2, 3), (5, 3, 4)) == [
        "UnsafeViewBackward0",
        "  BmmBackward0",
        "    ViewBackward0",
        "      ExpandBackward0",
        "        AccumulateGrad",
        "    ViewBackward0",
        "      ExpandBackward0",
        "        AccumulateGrad",
    ]
    assert tree((5, 2, 3), (3, 4)) == [
        "UnsafeViewBackward0",
        "  MmBackward0",
        "    ViewBackward0",
        "      AccumulateGrad",
        "    AccumulateGrad",
    ]
    assert tree((2, 3), (5, 3, 4))[:5] == [
        "CloneBackward0",
        "  TransposeBackward0",
        "    UnsafeViewBackward0",
        "      MmBackward0",
        "        UnsafeViewBackward0",
    ]


MATMUL_CASES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((2,), (5, 2, 3)),
    ((2, 5, 2, 3), (5, 3, 4)),
    ((1, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (1, 3, 4)),
    ((2, 1, 2, 3), (1, 4, 3, 2)),
    ((2, 5, 2, 3), (3,)),
    ((3,), (2, 2, 3, 4)),
]


@pytest.mark.parametrize("shapes", MATMUL_CASES)
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)])
def test_matmul_graph_values_and_gradients_match_torch(shapes, grads):
    torch_ = pytest.importorskip("torch")
    ours, theirs = _leaves(torch, shapes, list(grads)), _leaves(torch_, shapes, list(grads))
    out, ref = ours[0] @ ours[1], theirs[0] @ theirs[1]
    assert _tree(out.grad_fn) == _tree(ref.grad_fn)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    seed = np.random.default_rng(1).standard_normal(tuple(ref.shape))
    out.backward(torch.tensor(seed))
    ref.backward(torch_.tensor(seed))
    for x, y in zip(ours, theirs, strict=True):
        if y.grad is not None:
            np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-12)


def test_non_contiguous_batch_is_not_folded():
    torch_ = pytest.importorskip("torch")
    for T in (torch, torch_):
        a = T.ones(2, 5, 3, requires_grad=True).transpose(0, 1)
        out = a @ T.ones(3, dtype=a.dtype)
        assert out.shape == (5, 2)
    ours = torch.ones(2, 5, 3, requires_grad=True).transpose(0, 1) @ torch.ones(3)
    assert _tree(ours.grad_fn)[:3] == [
        "UnsafeViewBackward0",
        "  SqueezeBackward1",
        "    BmmBackward0",
    ]


def test_mm_saved_geometry():
    x, w = torch.ones(1, 10), torch.ones(10, 5, requires_grad=True)
    node = (x @ w).grad_fn
    assert node._saved_mat2 is None and node._saved_self is x
    assert node._saved_self_sym_sizes == (1, 10) and node._saved_self_sym_strides == ()
    assert node._saved_mat2_sym_sizes == (10, 5) and node._saved_mat2_sym_strides == (5, 1)
    a, b = torch.ones(2, 3, requires_grad=True), torch.ones(4, 3, requires_grad=True)
    node = a.mm(b.t()).grad_fn
    assert node._saved_mat2_sym_strides == (1, 3)
    assert node.next_functions[1][0].name() == "TBackward0"


def test_addmm_is_nn_linear_node():
    bias, x = torch.zeros(4, requires_grad=True), torch.ones(2, 3, requires_grad=True)
    w = torch.ones(4, 3, requires_grad=True)
    y = torch.addmm(bias, x, w.t())
    node = y.grad_fn
    assert node.name() == "AddmmBackward0"
    assert [line for line in _tree(node) if line.startswith("  ") and line[2] != " "] == [
        "  AccumulateGrad",
        "  AccumulateGrad",
        "  TBackward0",
    ]
    assert (node._saved_alpha, node._saved_beta) == (1, 1)
    assert node._saved_mat1 is x and node._saved_mat2.shape == (3, 4)
    assert node._saved_mat1_sym_sizes == (2, 3) and node._saved_mat1_sym_strides == (3, 1)
    assert node._saved_mat2_sym_sizes == (3, 4) and node._saved_mat2_sym_strides == (1, 3)
    y.sum().backward()
    assert bias.grad.tolist() == [2.0] * 4 and w.grad.tolist() == [[2.0] * 3] * 4
    z = torch.addmm(torch.zeros(2, 4), x, w.t(), beta=0.5, alpha=2)
    assert (z.grad_fn._saved_alpha, z.grad_fn._saved_beta) == (2, 0.5)
    assert z.tolist() == [[6.0] * 4] * 2


def test_outer_and_einsum_graphs():
    v, w = torch.ones(3, requires_grad=True), torch.ones(4, requires_grad=True)
    assert _tree(torch.outer(v, w).grad_fn) == [
        "MulBackward0",
        "  ViewBackward0",
        "    AccumulateGrad",
        "  AccumulateGrad",
    ]
    assert torch.ger(v, w).shape == (3, 4)
    A, B = torch.ones(2, 3, requires_grad=True), torch.ones(3, 4, requires_grad=True)
    assert torch.einsum("ij,jk->ik", A, B).grad_fn.name() == "ViewBackward0"
    assert torch.einsum("ij->i", A).grad_fn.name() == "SumBackward1"
    assert torch.einsum("ij->ji", A).grad_fn.name() == "PermuteBackward0"
    assert torch.einsum("i,j->ij", v, w).grad_fn.name() == "MulBackward0"
    assert torch.tensordot(A, B, dims=1).grad_fn.name() == "ViewBackward0"


EINSUMS = [
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ji", [(3, 3, 2)]),
    ("ij->", [(2, 3)]),
    ("i,i", [(3,), (3,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk", [(2, 1, 2, 3), (4, 3, 2)]),
    ("ij,jk->i", [(2, 1), (3, 4)]),
    ("ijk,ikl,lm->mji", [(2, 3, 2), (2, 2, 3), (3, 2)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("Ab,bC->AC", [(2, 3), (3, 2)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
]


@pytest.mark.parametrize(("equation", "shapes"), EINSUMS)
def test_einsum_values_and_gradients_match_torch(equation, shapes):
    torch_ = pytest.importorskip("torch")
    ours, theirs = _leaves(torch, shapes), _leaves(torch_, shapes)
    out, ref = torch.einsum(equation, *ours), torch_.einsum(equation, *theirs)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    seed = np.random.default_rng(1).standard_normal(tuple(ref.shape))
    out.backward(torch.tensor(seed))
    ref.backward(torch_.tensor(seed))
    for x, y in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-12)


def test_einsum_double_backward():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda x: torch.einsum("ij,jk,ii->k", x, x, x), (a,))
    assert torch.autograd.gradcheck(lambda x: torch.einsum("ii->i", x) ** 2, (a,))


def test_rmatmul_and_int_matmul():
    a = torch.tensor([[1, 2]])
    assert (a @ torch.tensor([[1], [2]])).tolist() == [[5]]
    m = torch.ones(2, 2)
    out = np.ones((1, 2), np.float32) @ m
    assert isinstance(out, torch.Tensor) and out.tolist() == [[2.0, 2.0]]
    assert m.__rmatmul__(torch.ones(2)).tolist() == [2.0, 2.0]


def test_det_and_inv():
    A = torch.tensor([[4.0, 7.0], [2.0, 6.0]], requires_grad=True)
    d = torch.linalg.det(A)
    assert d.item() == pytest.approx(10.0)
    d.backward()
    np.testing.assert_allclose(A.grad.numpy(), [[6.0, -2.0], [-7.0, 4.0]], rtol=1e-6)
    inv = torch.linalg.inv(A)
    assert inv.grad_fn.name() == "LinalgInvExBackward0"
    np.testing.assert_allclose((inv @ A).detach().numpy(), np.eye(2), atol=1e-6)
    S = torch.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    torch.det(S).backward()
    assert S.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]  # PyTorch returns zero here too


# -- errors (spec 3.25) -------------------------------------------------------------------------
ERRORS = [
    (
        lambda T: T.ones(2, 3) @ T.ones(4, 5),
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
    ),
    (
        lambda T: T.mm(T.ones(2, 3), T.ones(4, 5)),
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
    ),
    (lambda T: T.ones(3) @ T.ones(4, 5), "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)"),
    (
        lambda T: T.ones(3) @ T.ones(4),
        "inconsistent tensor size, expected tensor [3] and src [4] to "
        "have the same number of elements, but got 3 and 4 elements respectively",
    ),
    (
        lambda T: T.dot(T.ones(3), T.ones(4)),
        "inconsistent tensor size, expected tensor [3] and src "
        "[4] to have the same number of elements, but got 3 and 4 elements respectively",
    ),
    (lambda T: T.ones(2, 3) @ T.ones(4), "size mismatch, got input (2), mat (2x3), vec (4)"),
    (
        lambda T: T.ones(5, 2, 3) @ T.ones(5, 4, 2),
        "Expected size for first two dimensions of batch2 tensor to be: [5, 3] but got: [5, 4].",
    ),
    (
        lambda T: T.ones(5, 2, 3) @ T.ones(4, 3, 2),
        "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0",
    ),
    (
        lambda T: T.bmm(T.ones(5, 2, 3), T.ones(4, 3, 2)),
        "Expected size for first two dimensions of batch2 tensor to be: [5, 3] but got: [4, 3].",
    ),
    (
        lambda T: T.tensor(1.0) @ T.ones(2),
        "both arguments to matmul need to be at least 1D, but they are 0D and 1D",
    ),
    (lambda T: T.mm(T.ones(3), T.ones(3)), "self must be a matrix"),
    (lambda T: T.mm(T.ones(3, 3), T.ones(3)), "mat2 must be a matrix"),
    (
        lambda T: T.ones(2, 3) @ T.ones(3, 2, dtype=T.float64),
        "expected m1 and m2 to have the same dtype, but got: float != double",
    ),
    (
        lambda T: T.tensor([[1, 2]]) @ T.ones(2, 2),
        "expected m1 and m2 to have the same dtype, but got: long int != float",
    ),
    (
        lambda T: T.dot(T.ones(3), T.ones(3, dtype=T.float64)),
        "dot : expected both vectors to have same dtype, but found Float and Double",
    ),
    (
        lambda T: T.mv(T.ones(2, 3, dtype=T.float64), T.ones(3)),
        "addmv input tensors must have the same dtype, but got Float, Double, and Float",
    ),
    (lambda T: T.bmm(T.ones(2, 3), T.ones(3, 2)), "batch1 must be a 3D tensor"),
    (
        lambda T: T.bmm(T.ones(1, 2, 3, dtype=T.float64), T.ones(1, 3, 2)),
        "expected scalar type Double but found Float",
    ),
    (lambda T: T.dot(T.ones(2, 2), T.ones(2, 2)), "1D tensors expected, but got 2D and 2D tensors"),
    (lambda T: T.mv(T.ones(3), T.ones(3)), "vector + matrix @ vector expected, got 1, 1, 1"),
    (lambda T: T.outer(T.ones(3), T.ones(2, 2)), "outer: Expected 1-D argument vec2, but got 2-D"),
    (
        lambda T: T.addmm(T.ones(3), T.ones(3), T.ones(3, 3)),
        "mat1 must be a matrix, got 1-D tensor",
    ),
    (
        lambda T: T.addmm(T.ones(3), T.ones(2, 3), T.ones(4, 3)),
        "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)",
    ),
    (
        lambda T: T.addmm(T.ones(3, dtype=T.float64), T.ones(2, 3), T.ones(3, 3)),
        "self and mat2 must have the same dtype, but got Double and Float",
    ),
    (
        lambda T: T.addmm(T.ones(5), T.ones(2, 3), T.ones(3, 3)),
        "The expanded size of the tensor (3) must match the existing size (5) at non-singleton "
        "dimension 1.  Target sizes: [2, 3].  Tensor sizes: [5]",
    ),
    (
        lambda T: T.einsum("ij,jk->ik", T.ones(2, 3), T.ones(4, 5)),
        "einsum(): subscript j has size "
        "4 for operand 1 which does not broadcast with previously seen size 3",
    ),
    (
        lambda T: T.einsum("ij->ijk", T.ones(2, 3)),
        "einsum(): output subscript k does not appear in the equation for any input operand",
    ),
    (
        lambda T: T.einsum("ij", T.ones(2, 3), T.ones(2)),
        "einsum(): more operands were provided than specified in the equation",
    ),
    (
        lambda T: T.einsum("ii", T.ones(2, 3)),
        "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2",
    ),
    (
        lambda T: T.linalg.inv(T.ones(2, 3)),
        "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda T: T.linalg.inv(T.zeros(3, 3)),
        "linalg.inv: The diagonal element 1 is zero, the "
        "inversion could not be completed because the input matrix is singular.",
    ),
    (
        lambda T: T.linalg.det(T.tensor([[1, 2], [3, 4]])),
        "linalg.det: Expected a floating point or complex tensor as input. Got Long",
    ),
]


@pytest.mark.parametrize(("expr", "message"), ERRORS)
def test_error_messages(expr, message):
    with pytest.raises(RuntimeError) as info:
        expr(torch)
    assert str(info.value) == message


@pytest.mark.parametrize(("expr", "message"), ERRORS)
def test_error_messages_match_torch(expr, message):
    torch_ = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as info:
        expr(torch_)
    assert str(info.value).split("\n")[0] == message


@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize(
    "expr",
    [
        lambda T, a, b: a @ b,
        lambda T, a, b: a.mm(b.t().t()),
        lambda T, a, b: T.addmm(T.ones(4, dtype=T.float64), a, b),
        lambda T, a, b: T.addmm(T.ones(4, dtype=T.float64), a, b.t().t(), alpha=2, beta=0.5),
        lambda T, a, b: T.mv(a, b[:, 0]),
        lambda T, a, b: T.dot(a[0], b[:, 0]),
        lambda T, a, b: T.bmm(a[None], b[None]),
    ],
)
def test_saved_attributes_match_torch(expr, grads):
    torch_ = pytest.importorskip("torch")
    ours = expr(torch, *_leaves(torch, [(2, 3), (3, 4)], list(grads))).grad_fn
    theirs = expr(torch_, *_leaves(torch_, [(2, 3), (3, 4)], list(grads))).grad_fn
    assert ours.name() == theirs.name()
    names = sorted(n for n in dir(theirs) if n.startswith("_saved_") and "raw" not in n)
    assert sorted(n for n in dir(ours) if n.startswith("_saved_")) == names
    for n in names:
        mine, ref = getattr(ours, n), getattr(theirs, n)
        if isinstance(ref, torch_.Tensor) or ref is None:
            assert (mine is None) == (ref is None), n
            if ref is not None:
                np.testing.assert_array_equal(mine.detach().numpy(), ref.detach().numpy())
        else:
            assert mine == ref, n
