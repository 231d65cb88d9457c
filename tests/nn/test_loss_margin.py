"""The margin, embedding and likelihood losses, CTC, pairwise_distance and pdist (functions
and layers) against PyTorch: values, gradients, reductions, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
A, B, C = (_RNG.standard_normal((5, 4)) for _ in range(3))
SIGNS = np.array([1.0, -1.0, 1.0, -1.0, -1.0])
SIGNS2 = np.where(_RNG.uniform(size=(5, 4)) > 0.5, 1.0, -1.0)
LABELS = np.array([0, 3, 1, 1, 2])
MULTI = np.array([[3, 0, -1, 1], [1, -1, 2, 2], [0, 1, 2, 3], [-1, 0, 1, 2], [2, 2, -1, 0]])
REDUCTIONS = ["mean", "sum", "none"]


def _F(T):  # noqa: N802
    return T.nn.functional


CASES = [
    ("margin_ranking", lambda T, a, b, r: _F(T).margin_ranking_loss(
        a[:, 0], b[:, 0], T.tensor(SIGNS), margin=0.3, reduction=r)),
    ("hinge_embedding", lambda T, a, b, r: _F(T).hinge_embedding_loss(
        a, T.tensor(SIGNS2), margin=0.7, reduction=r)),
    ("soft_margin", lambda T, a, b, r: _F(T).soft_margin_loss(a, T.tensor(SIGNS2), reduction=r)),
    ("multilabel_soft_margin", lambda T, a, b, r: _F(T).multilabel_soft_margin_loss(
        a, T.tensor((SIGNS2 > 0) * 1.0), weight=T.tensor(np.abs(C[0])), reduction=r)),
    ("cosine_embedding", lambda T, a, b, r: _F(T).cosine_embedding_loss(
        a, b, T.tensor(SIGNS), margin=0.2, reduction=r)),
    ("multi_margin", lambda T, a, b, r: _F(T).multi_margin_loss(
        a, T.tensor(LABELS), reduction=r)),
    ("multi_margin_p2", lambda T, a, b, r: _F(T).multi_margin_loss(
        a, T.tensor(LABELS), p=2, margin=0.5, weight=T.tensor(np.abs(C[1])), reduction=r)),
    ("multilabel_margin", lambda T, a, b, r: _F(T).multilabel_margin_loss(
        a, T.tensor(MULTI), reduction=r)),
    ("triplet", lambda T, a, b, r: _F(T).triplet_margin_loss(
        a, b, T.tensor(C), margin=2.0, reduction=r)),
    ("triplet_p1_swap", lambda T, a, b, r: _F(T).triplet_margin_loss(
        a, b, T.tensor(C), p=1, swap=True, reduction=r)),
    ("triplet_distance", lambda T, a, b, r: _F(T).triplet_margin_with_distance_loss(
        a, b, T.tensor(C), distance_function=lambda x, y: (x - y).abs().sum(1), swap=True,
        reduction=r)),
    ("poisson", lambda T, a, b, r: _F(T).poisson_nll_loss(a, T.tensor(np.abs(C) * 3), reduction=r)),
    ("poisson_full", lambda T, a, b, r: _F(T).poisson_nll_loss(
        a.abs(), T.tensor(np.abs(C) * 3), log_input=False, full=True, reduction=r)),
    ("gaussian", lambda T, a, b, r: _F(T).gaussian_nll_loss(a, b, T.tensor(np.abs(C)),
                                                             reduction=r)),
    ("gaussian_var_grad", lambda T, a, b, r: _F(T).gaussian_nll_loss(
        T.tensor(C), b, a[:, 0].abs() * 0.01, full=True, eps=1e-3, reduction=r)),
    ("gaussian_float_var", lambda T, a, b, r: _F(T).gaussian_nll_loss(a, b, 0.5, reduction=r)),
    ("linear_cross_entropy", lambda T, a, b, r: _F(T).linear_cross_entropy(
        a, b, T.tensor(LABELS % 5), linear_bias=b[:, 0], reduction=r, label_smoothing=0.1)),
]  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "fn"), CASES, ids=[c[0] for c in CASES])
def test_loss_matches_torch(name, fn, reduction):
    torch = pytest.importorskip("torch")
    b = A if name == "linear_cross_entropy" else B
    compare(torch, lambda T, a, b_: fn(T, a, b_, reduction), [A, b])


def test_one_dimensional_inputs_match_torch():
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a: _F(T).multi_margin_loss(a, T.tensor(2)), [A[0]])
    compare(torch, lambda T, a: _F(T).multilabel_margin_loss(a, T.tensor(MULTI[0])), [A[0]])
    compare(torch, lambda T, a, b: _F(T).cosine_embedding_loss(a, b, T.tensor(-1.0)),
            [A[0], B[0]])  # fmt: skip
    compare(torch, lambda T, a, b, c: _F(T).triplet_margin_loss(a, b, c), [A[0], B[0], C[0]])


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5, float("inf")])
def test_distances_match_torch(p):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a, b: _F(T).pairwise_distance(a, b, p), [A, B])
    compare(torch, lambda T, a, b: _F(T).pairwise_distance(a, b, p, keepdim=True), [A, B[0]])
    compare(torch, lambda T, a: _F(T).pdist(a, p), [A])


def _ctc_case(batched: bool, concatenated: bool):
    rng = np.random.default_rng(1)
    steps, n, classes = 9, 3, 5
    logits = rng.standard_normal((steps, n, classes))
    targets = np.array([[1, 2, 2, 3], [4, 4, 1, 0], [2, 0, 0, 0]])
    in_lens, tgt_lens = [9, 7, 5], [4, 2, 1]
    if concatenated:
        targets = np.concatenate([t[:k] for t, k in zip(targets, tgt_lens, strict=True)])
    if not batched:
        return logits[:, 0], targets[:4] if concatenated else targets[0], [9], [4]
    return logits, targets, in_lens, tgt_lens


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("batched", "concatenated"), [(True, False), (True, True),
                                                       (False, False)])  # fmt: skip
def test_ctc_loss_matches_torch(reduction, batched, concatenated):
    torch = pytest.importorskip("torch")
    logits, targets, in_lens, tgt_lens = _ctc_case(batched, concatenated)

    def ctc(T, x):
        lp = x.log_softmax(-1)
        return _F(T).ctc_loss(lp, T.tensor(targets), T.tensor(in_lens), T.tensor(tgt_lens),
                              reduction=reduction)  # fmt: skip

    compare(torch, ctc, [logits], rtol=1e-9)


def test_ctc_impossible_alignment_and_zero_infinity():
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(2).standard_normal((2, 1, 3))
    targets = np.array([[1, 1]])  # needs 3 steps (a blank between the repeats)
    for zero_infinity in (False, True):
        outs = []
        for T in (graphgrad, torch):
            lp = T.tensor(logits).log_softmax(-1)
            outs.append(_F(T).ctc_loss(lp, T.tensor(targets), [2], [2], reduction="sum",
                                       zero_infinity=zero_infinity).item())  # fmt: skip
        assert outs[0] == outs[1]
    x = graphgrad.tensor(logits, requires_grad=True)
    loss = _F(graphgrad).ctc_loss(x.log_softmax(-1), graphgrad.tensor(targets), [2], [2],
                                  zero_infinity=True)  # fmt: skip
    loss.backward()
    assert loss.item() == 0.0 and not x.grad.numpy().any()


@pytest.mark.parametrize("target_lengths", [[1, 1], [0, 1]])
def test_ctc_input_of_length_zero(target_lengths):
    # a sample with input length 0 only reaches the empty target (loss -0.0); it used to crash
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(3).standard_normal((3, 2, 4))
    outs = []
    for T in (graphgrad, torch):
        lp = T.tensor(logits).log_softmax(-1)
        loss = _F(T).ctc_loss(lp, T.tensor([[1], [2]]), [0, 3], target_lengths, reduction="none")
        outs.append(loss.numpy())
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-12)
    assert np.signbit(outs[0][0]) == np.signbit(outs[1][0])


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    x, t = (lambda T: T.ones(3, 2)), (lambda T: T.ones(3, 2))
    cases = [
        lambda T: _F(T).gaussian_nll_loss(x(T), t(T), T.ones(2)),
        lambda T: _F(T).gaussian_nll_loss(x(T), t(T), -T.ones(3, 1)),
        lambda T: _F(T).gaussian_nll_loss(x(T), t(T), T.ones(3), reduction="x"),
        lambda T: _F(T).gaussian_nll_loss(x(T), t(T), -1.0),
        lambda T: _F(T).poisson_nll_loss(x(T), t(T), reduction="x"),
        lambda T: _F(T).multi_margin_loss(x(T), T.tensor([0, 1, 2])),
        lambda T: _F(T).multi_margin_loss(x(T), T.tensor([0, 1, 1]), p=3),
        lambda T: _F(T).multilabel_margin_loss(x(T), T.tensor([[0, 5], [1, -1], [1, -1]])),
        lambda T: _F(T).margin_ranking_loss(x(T), t(T), T.ones(3)),
        lambda T: _F(T).triplet_margin_loss(x(T), t(T), T.ones(2, 2, 2)),
        lambda T: _F(T).cosine_embedding_loss(x(T), t(T), T.ones(3, 1)),
        lambda T: _F(T).triplet_margin_with_distance_loss(x(T), x(T), x(T), margin=-1.0),
        lambda T: _F(T).pdist(T.ones(3)),
        lambda T: _F(T).pdist(T.ones(3, 2), -1),
        lambda T: T.nn.TripletMarginLoss(margin=0),
        lambda T: T.nn.MultiMarginLoss(p=3),
    ]
    for case in cases:
        same_error(torch, case)


LAYERS = [
    ("PoissonNLLLoss", (), {}, [A, np.abs(B)]),
    ("PoissonNLLLoss", (False, True), {"reduction": "sum"}, [np.abs(A), np.abs(B) * 3]),
    ("GaussianNLLLoss", (), {"full": True}, [A, B, np.abs(C)]),
    ("MarginRankingLoss", (0.5,), {}, [A, B, SIGNS2]),
    ("HingeEmbeddingLoss", (0.5,), {}, [A, SIGNS2]),
    ("SoftMarginLoss", (), {"reduction": "none"}, [A, SIGNS2]),
    ("MultiLabelSoftMarginLoss", (), {}, [A, (SIGNS2 > 0) * 1.0]),
    ("CosineEmbeddingLoss", (0.1,), {}, [A, B, SIGNS]),
    ("MultiMarginLoss", (2, 0.5), {}, [A, LABELS]),
    ("MultiLabelMarginLoss", (), {}, [A, MULTI]),
    ("TripletMarginLoss", (1.5, 1.0), {}, [A, B, C]),
    ("TripletMarginWithDistanceLoss", (), {"swap": True}, [A, B, C]),
    ("PairwiseDistance", (3.0,), {"keepdim": True}, [A, B]),
    ("CTCLoss", (), {}, None),
    ("LinearCrossEntropyLoss", (4, 3), {"bias": True}, None),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "arrays"), LAYERS)
def test_layers_match_torch(name, args, kwargs, arrays):
    torch = pytest.importorskip("torch")
    made = [getattr(T.nn, name)(*args, **kwargs) for T in (graphgrad, torch)]
    assert repr(made[0]) == repr(made[1])
    if arrays is None:
        return
    floats, rest = arrays[:1], arrays[1:]  # the first input takes a gradient

    def run(T, *xs):
        layer = made[0] if T is graphgrad else made[1]
        return layer(*xs, *[T.tensor(r) for r in rest])

    compare(torch, run, floats)


def test_linear_cross_entropy_layer_matches_torch():
    torch = pytest.importorskip("torch")
    ours = graphgrad.nn.LinearCrossEntropyLoss(4, 3, bias=True, label_smoothing=0.2).double()
    theirs = torch.nn.LinearCrossEntropyLoss(4, 3, bias=True, label_smoothing=0.2).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: graphgrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    compare(
        torch,
        lambda T, a: (ours if T is graphgrad else theirs)(a, T.tensor(LABELS % 3)),
        [A],
    )
