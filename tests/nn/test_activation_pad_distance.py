"""hardtanh/relu6/hardsigmoid/hardswish/logsigmoid/softsign, normalize, cosine_similarity,
kl_div, pad and their layers, against PyTorch: values, gradients and reprs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
import graphgrad.nn.functional as F  # noqa: N812

from .._compare_torch import assert_same, outcome

ACTIVATIONS = ["hardtanh", "relu6", "hardsigmoid", "hardswish", "logsigmoid", "softsign"]
_X = np.concatenate([np.linspace(-8, 8, 37), [0.0, -1.0, 1.0, 6.0, -3.0, 3.0, 40.0, -40.0]])


def _compare(torch, name: str, arrays, rtol=1e-12, **kwargs):
    ours = [graphgrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = getattr(F, name)(*ours, **kwargs)
        want = getattr(torch.nn.functional, name)(*theirs, **kwargs)
    weights = np.random.default_rng(0).standard_normal(tuple(want.shape))
    (got * graphgrad.tensor(weights)).sum().backward()
    (want * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=rtol, atol=1e-15)
    for a, b in zip(ours, theirs, strict=True):
        # hardsigmoid: PyTorch scales by a float32 1/6 even in float64; a few 1e-9 apart
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_match_torch(name):
    torch = pytest.importorskip("torch")
    _compare(torch, name, [_X])


def test_hardtanh_bounds_and_float32_bits():
    torch = pytest.importorskip("torch")
    x = np.float32(_X)
    for name in ACTIVATIONS[:4]:
        got = getattr(F, name)(graphgrad.tensor(x)).numpy()
        want = getattr(torch.nn.functional, name)(torch.tensor(x)).numpy()
        np.testing.assert_array_equal(got, want)
    x = graphgrad.tensor([-1.0, 1.0, 0.5], requires_grad=True)
    F.hardtanh(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # the ends take no gradient, as in PyTorch


def test_inplace_activation():
    x = graphgrad.tensor([-2.0, 9.0])
    assert F.relu6(x, inplace=True) is x and x.tolist() == [0.0, 6.0]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("normalize", {}),
        ("normalize", {"p": 1, "dim": 0}),
        ("cosine_similarity", {}),
        ("cosine_similarity", {"dim": 0}),
    ],
)
def test_vector_ops_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((3, 4))]
    if name == "cosine_similarity":
        arrays.append(rng.standard_normal((3, 4)))
    _compare(torch, name, arrays, **kwargs)


def test_cosine_similarity_of_a_zero_vector():
    torch = pytest.importorskip("torch")
    _compare(torch, "cosine_similarity", [np.zeros((2, 3)), np.ones((2, 3))])


@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    logp = np.log(rng.dirichlet(np.ones(5), 3))
    target = rng.dirichlet(np.ones(5), 3)
    if log_target:
        target = np.log(target + 0.1)
    _compare(torch, "kl_div", [logp, target], reduction=reduction, log_target=log_target)


def test_kl_div_zero_target_counts_as_zero():
    # NOTE: PyTorch's gradient for the target is NaN there (xlogy's y-derivative, 0/0); ours is
    # finite. The loss and the input's gradient agree.
    x = graphgrad.tensor([[-1.0, -2.0]], requires_grad=True)
    loss = F.kl_div(x, graphgrad.tensor([[1.0, 0.0]]), reduction="sum")
    loss.backward()
    assert loss.item() == 1.0 and x.grad.tolist() == [[-1.0, -0.0]]


def test_kl_div_mean_warns():
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss"):
        F.kl_div(graphgrad.zeros(2, 2), graphgrad.ones(2, 2))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(2, 1, 1, 3), (1, 1, 2, 0, 1, 2), (1, 2)])
def test_pad_matches_torch(mode, pad):
    torch = pytest.importorskip("torch")
    shape = (2, 3, 4, 5) if len(pad) > 2 or mode == "constant" else (2, 3, 5)
    x = np.random.default_rng(3).standard_normal(shape)
    kwargs = {"value": 1.5} if mode == "constant" else {}
    _compare(torch, "pad", [x], pad=pad, mode=mode, **kwargs)


def test_pad_crops_with_negative_amounts():
    torch = pytest.importorskip("torch")
    _compare(torch, "pad", [np.arange(12.0).reshape(3, 4)], pad=(-1, 2, 0, -2))


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (((3, 3), "reflect"), RuntimeError, "Padding size should be less than the corresponding"),
        (((1,), "constant"), RuntimeError, "Padding length must be divisible by 2"),
        (((1, 1), "foo"), NotImplementedError, "Unrecognised padding mode foo"),
        (((5, 5), "circular"), RuntimeError, "Padding value causes wrapping around more than"),
    ],
)
def test_pad_errors(args, error, message):
    with pytest.raises(error, match=message):
        F.pad(graphgrad.ones(1, 2, 3), *args)


def test_layers_and_reprs_match_torch():
    torch = pytest.importorskip("torch")
    specs = [
        ("Hardtanh", ()), ("Hardtanh", (-2.0, 2.0, True)), ("ReLU6", ()), ("ReLU6", (True,)),
        ("LogSigmoid", ()), ("Softsign", ()), ("Hardsigmoid", ()), ("Hardswish", ()),
        ("ZeroPad2d", (2,)), ("ZeroPad1d", ((1, 2),)), ("ConstantPad1d", (2, 3.5)),
        ("ConstantPad2d", ((1, 2, 3, 4), 0.0)), ("ReflectionPad1d", (2,)),
        ("ReplicationPad2d", (1,)), ("CircularPad2d", (1,)), ("ZeroPad3d", (1,)),
        ("ReflectionPad3d", (1,)), ("ReplicationPad1d", (1,)), ("CircularPad1d", (1,)),
    ]  # fmt: skip
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5, 6))
    for name, args in specs:
        ours, theirs = getattr(graphgrad.nn, name)(*args), getattr(torch.nn, name)(*args)
        assert repr(ours) == repr(theirs)
        dims = 5 if name.endswith("3d") else 4 if name.endswith("2d") else 3
        sample = x[(0,) * (5 - dims)]
        np.testing.assert_allclose(
            ours(graphgrad.tensor(sample)).numpy(), theirs(torch.tensor(sample)).numpy()
        )


def test_distance_layers_match_torch():
    torch = pytest.importorskip("torch")
    a, b = np.random.default_rng(5).standard_normal((2, 3, 4))
    for args in ((), (0, 1e-6)):
        ours, theirs = graphgrad.nn.CosineSimilarity(*args), torch.nn.CosineSimilarity(*args)
        assert repr(ours) == repr(theirs)
        got = ours(graphgrad.tensor(a), graphgrad.tensor(b)).numpy()
        np.testing.assert_allclose(got, theirs(torch.tensor(a), torch.tensor(b)).numpy())
    ours = graphgrad.nn.KLDivLoss(reduction="batchmean", log_target=True)
    theirs = torch.nn.KLDivLoss(reduction="batchmean", log_target=True)
    assert repr(ours) == repr(theirs)
    got = ours(graphgrad.tensor(a), graphgrad.tensor(b)).item()
    assert got == pytest.approx(theirs(torch.tensor(a), torch.tensor(b)).item(), rel=1e-12)


@pytest.mark.parametrize(
    "pad", [(-1, 1), (1, -1), (-1, -1), (2, -1), (-2, 0), (-1, 1, 0, 0), (1, 1, -1, 2)]
)
def test_circular_padding_crops_before_it_wraps(pad):
    # before: wrapped around the uncropped input ((-1, 1) on [0, 1, 2, 3] gave [1, 2, 3, 0])
    torch = pytest.importorskip("torch")

    def case(T):
        x = T.arange(16.0).reshape(1, 1, 4, 4)
        return T.nn.functional.pad(x[:, :, 0] if len(pad) == 2 else x, pad, mode="circular")

    assert_same(outcome(graphgrad, case), outcome(torch, case))


def test_circular_padding_of_a_cropped_row_without_torch():
    x = graphgrad.arange(4.0).reshape(1, 1, 4)
    assert graphgrad.nn.functional.pad(x, (-1, 1), mode="circular").tolist() == [[[1, 2, 3, 1]]]
