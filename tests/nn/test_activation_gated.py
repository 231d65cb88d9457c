"""threshold, the shrinks, celu, prelu, rrelu, glu, mish, gumbel_softmax, the in-place forms
and their layers, against PyTorch: values, gradients, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
import graphgrad.nn.functional as F  # noqa: N812

from ._functional_compare import compare, same_error

_X = np.concatenate([np.linspace(-4, 4, 33), [0.5, -0.5, 0.0, 30.0, -30.0]])

CASES = [
    ("threshold", (0.5, 20.0)),
    ("hardshrink", ()),
    ("hardshrink", (1.0,)),
    ("softshrink", ()),
    ("softshrink", (0.0,)),
    ("tanhshrink", ()),
    ("celu", ()),
    ("celu", (2.0,)),
    ("mish", ()),
    ("rrelu", ()),
    ("glu", ()),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_activation_matches_torch(name, args):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, x: getattr(T.nn.functional, name)(x, *args), [_X[:-2]])


@pytest.mark.parametrize("weight", [[0.25], [0.1, -0.3, 2.0]])
def test_prelu_matches_torch(weight):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    compare(torch, lambda T, a, w: T.nn.functional.prelu(a, w), [x, np.array(weight)])


def test_glu_dim_and_errors():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).standard_normal((2, 4, 3))
    compare(torch, lambda T, a: T.nn.functional.glu(a, 1), [x])
    same_error(torch, lambda T: T.nn.functional.glu(T.ones(2, 3), 1))
    same_error(torch, lambda T: T.nn.functional.glu(T.ones(())))
    same_error(torch, lambda T: T.nn.functional.prelu(T.ones(2, 3), T.ones(2)))
    same_error(torch, lambda T: T.nn.functional.softshrink(T.ones(3), -1.0))
    same_error(torch, lambda T: T.nn.functional.celu(T.ones(3), 0.0))
    same_error(torch, lambda T: T.nn.Softmax2d()(T.ones(3)))
    same_error(torch, lambda T: T.nn.functional.prelu(T.ones(3, dtype=T.float64), T.ones(1)))


def test_rrelu_training_draws_slopes_in_range():
    x = graphgrad.full((1000,), -1.0, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    np.testing.assert_array_equal(x.grad.numpy(), slopes)
    z = graphgrad.tensor([0.0, 2.0], requires_grad=True)
    F.rrelu(z, training=True).sum().backward()
    assert 0.125 <= z.grad[0].item() <= 1 / 3 and z.grad[1].item() == 1.0  # 0 takes a slope


def test_gumbel_softmax_matches_torch_draws():
    torch = pytest.importorskip("torch")
    logits = np.random.default_rng(3).standard_normal((4, 5))
    outs = []
    for T in (graphgrad, torch):
        T.manual_seed(7)
        outs.append(T.nn.functional.gumbel_softmax(T.tensor(logits), tau=0.5).numpy())
        outs.append(T.nn.functional.gumbel_softmax(T.tensor(logits), hard=True).numpy())
    np.testing.assert_allclose(outs[0], outs[2], rtol=1e-10)
    np.testing.assert_array_equal(outs[1], outs[3])


def test_hard_gumbel_softmax_is_one_hot_with_soft_gradient():
    x = graphgrad.zeros(3, 4, requires_grad=True)
    y = F.gumbel_softmax(x, hard=True)
    assert y.sum(1).tolist() == [1.0, 1.0, 1.0]
    (y * graphgrad.arange(4.0)).sum().backward()
    assert x.grad.abs().sum().item() > 0


def test_inplace_forms():
    for fn, want in [
        (F.relu_, [0.0, 2.0]),
        (F.elu_, [np.expm1(-1.0), 2.0]),
        (lambda x: F.leaky_relu_(x, 0.5), [-0.5, 2.0]),
        (F.hardtanh_, [-1.0, 1.0]),
        (lambda x: F.threshold_(x, 0.0, 9.0), [9.0, 2.0]),
        (F.rrelu_, [-(1 / 8 + 1 / 3) / 2, 2.0]),
    ]:
        x = graphgrad.tensor([-1.0, 2.0], dtype=graphgrad.float64)
        assert fn(x) is x
        np.testing.assert_allclose(x.numpy(), want)


def test_layers_repr_and_forward_match_torch():
    torch = pytest.importorskip("torch")
    specs = [
        ("PReLU", ()), ("PReLU", (4, 0.1)), ("RReLU", ()), ("RReLU", (0.1, 0.2, True)),
        ("CELU", ()), ("CELU", (2.0, True)), ("Threshold", (0.1, 20)),
        ("Threshold", (1, 2, True)), ("GLU", ()), ("GLU", (1,)), ("Hardshrink", ()),
        ("Hardshrink", (1,)), ("Softshrink", ()), ("Tanhshrink", ()), ("Mish", ()),
        ("Mish", (True,)), ("Softmax2d", ()),
    ]  # fmt: skip
    x = np.random.default_rng(4).standard_normal((2, 4, 3, 2))
    for name, args in specs:
        assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
        if args and args[-1] is True:
            continue
        compare(torch, lambda T, a, n=name, s=args: getattr(T.nn, n)(*s).double().eval()(a), [x])
    prelu = graphgrad.nn.PReLU(3)
    assert [n for n, _ in prelu.named_parameters()] == ["weight"]
    assert prelu.weight.tolist() == pytest.approx([0.25] * 3)
