"""3-D, adaptive max, fractional, unpooling and LP pooling (functions and layers) against
PyTorch: values, indices, gradients, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
X1 = _RNG.standard_normal((2, 3, 11))
X2 = _RNG.standard_normal((2, 3, 7, 9))
X3 = _RNG.standard_normal((2, 3, 5, 7, 6))

CASES = [
    ("max_pool3d", X3, (2,), {}),
    ("max_pool3d", X3, ((2, 3, 2),), {"stride": (1, 2, 2), "padding": 1, "ceil_mode": True,
                                      "return_indices": True}),
    ("max_pool3d", X3[0], (2,), {"dilation": 2, "stride": 1}),
    ("avg_pool3d", X3, (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool3d", X3, (2,), {"ceil_mode": True, "divisor_override": 3}),
    ("adaptive_avg_pool3d", X3, ((3, 2, 4),), {}),
    ("adaptive_avg_pool3d", X3[0], ((None, 5, 1),), {}),
    ("adaptive_max_pool1d", X1, (4,), {"return_indices": True}),
    ("adaptive_max_pool2d", X2, ((3, 4),), {"return_indices": True}),
    ("adaptive_max_pool2d", X2[0], ((None, 2),), {}),
    ("adaptive_max_pool2d", X2, (10,), {}),
    ("adaptive_max_pool3d", X3, ((2, 3, 4),), {"return_indices": True}),
    ("lp_pool1d", X1, (3, 2), {"stride": 1, "ceil_mode": True}),
    ("lp_pool2d", np.abs(X2), (1.5, (2, 3)), {}),
    ("lp_pool2d", X2, (2, 2), {"stride": 1}),
    ("lp_pool3d", np.abs(X3), (2.5, 2), {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "x", "args", "kwargs"), CASES)
def test_pooling_matches_torch(name, x, args, kwargs):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a: getattr(T.nn.functional, name)(a, *args, **kwargs), [x])


def test_pooling_node_names():
    x = graphgrad.ones(1, 1, 2, 2, 2, requires_grad=True)
    F = graphgrad.nn.functional  # noqa: N806
    assert F.max_pool3d(x, 2).grad_fn.name() == "MaxPool3DWithIndicesBackward0"
    assert F.avg_pool3d(x, 2).grad_fn.name() == "AvgPool3DBackward0"


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fractional_max_pool_draws_as_torch(nd, dtype):
    torch = pytest.importorskip("torch")
    x = (X2 if nd == 2 else X3).astype(dtype)
    kernel = (2, 3) if nd == 2 else (2, 3, 2)
    fn = f"fractional_max_pool{nd}d"
    for kwargs in ({"output_size": 3}, {"output_ratio": (0.6, 0.7, 0.5)[:nd]}):
        outs = []
        for T in (graphgrad, torch):
            T.manual_seed(5)
            outs.append(
                getattr(T.nn.functional, fn)(T.tensor(x), kernel, return_indices=True, **kwargs)
            )
        np.testing.assert_array_equal(outs[0][0].numpy(), outs[1][0].numpy())
        np.testing.assert_array_equal(outs[0][1].numpy(), outs[1][1].numpy())
    samples = _RNG.uniform(size=(2, 3, nd)).astype(dtype)
    compare(
        torch,
        lambda T, a: getattr(T.nn.functional, fn)(
            a, kernel, (2,) * nd, _random_samples=T.tensor(samples.astype(np.float64))
        ),
        [x.astype(np.float64)],
    )


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_unpool_inverts_max_pool(nd):
    torch = pytest.importorskip("torch")
    x = (X1, X2, X3)[nd - 1]

    def unpool(T, a):
        F = T.nn.functional  # noqa: N806
        out, idx = getattr(F, f"max_pool{nd}d")(a, 2, return_indices=True)
        size = a.shape[-nd:]
        return getattr(F, f"max_unpool{nd}d")(out * 2, idx, 2, output_size=size)

    compare(torch, unpool, [x])


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_unpool_repeated_indices_keep_the_last_write(nd):
    torch = pytest.importorskip("torch")
    got = []
    for T in (graphgrad, torch):
        x = T.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=T.float64).reshape(
            (1, 1) + (1,) * (nd - 1) + (5,)
        )
        x.requires_grad_()
        idx = T.tensor([1, 1, 3, 0, 3]).reshape(x.shape)
        size = (1,) * (nd - 1) + (5,)
        y = getattr(T.nn.functional, f"max_unpool{nd}d")(x, idx, 1, output_size=size)
        (gx,) = T.autograd.grad((y * T.arange(5.0, dtype=T.float64)).sum(), x, create_graph=True)
        got.append((y.detach().flatten().tolist(), gx.detach().flatten().tolist(),
                    type(y.grad_fn).__name__))  # fmt: skip
    # torch documents repeated indices as nondeterministic (pytorch/pytorch#80827): its CPU
    # kernel mostly keeps the last write, which graphgrad always does
    assert got[0][0] == [4.0, 2.0, 0.0, 5.0, 0.0]  # 1 then 2 at index 1: 2; 3 then 5 at 3: 5
    assert got[0][1:] == got[1][1:]  # the gradient gathers: every input gets its index's
    assert graphgrad.autograd.gradgradcheck(
        lambda a: graphgrad.nn.functional.max_unpool2d(a, graphgrad.tensor([[[[1, 1, 0]]]]), 1,
                                                       output_size=(1, 3)),
        (graphgrad.tensor([[[[1.0, 2.0, 3.0]]]], dtype=graphgrad.float64, requires_grad=True),),
    )  # fmt: skip


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    cases = [
        lambda T: T.nn.FractionalMaxPool2d(2),
        lambda T: T.nn.FractionalMaxPool2d(2, output_ratio=1.5),
        lambda T: T.nn.FractionalMaxPool2d(2, 3, 0.5),
        lambda T: T.nn.functional.fractional_max_pool2d(T.ones(1, 1, 4, 4), 2),
        lambda T: T.nn.functional.fractional_max_pool2d(T.ones(1, 1, 4, 4), (2, 3), 3),
        lambda T: T.nn.functional.fractional_max_pool2d(T.ones(1, 1, 4, 4), (3, 2), 3),
        lambda T: T.nn.functional.fractional_max_pool3d(T.ones(1, 1, 4, 4, 4), (2, 3, 3), 3),
        lambda T: T.nn.functional.adaptive_max_pool2d(T.ones(4), 3),
        lambda T: T.nn.functional.adaptive_max_pool3d(T.ones(4), 3),
        lambda T: T.nn.functional.adaptive_max_pool1d(T.ones(4), 3),
        lambda T: T.nn.functional.max_unpool2d(
            T.ones(1, 1, 2, 2), T.full((1, 1, 2, 2), 20, dtype=T.int64), 2
        ),
        lambda T: T.nn.functional.max_unpool2d(
            T.ones(1, 1, 2, 2), T.zeros((1, 1, 2, 2), dtype=T.int64), 2, output_size=[4, 9]
        ),
        lambda T: T.nn.functional.max_unpool2d(
            T.ones(1, 1, 2, 2), T.zeros((1, 1, 2, 1), dtype=T.int64), 2
        ),
    ]
    for case in cases:
        same_error(torch, case)


LAYERS = [
    ("MaxPool3d", (2,), X3),
    ("MaxPool3d", ((2, 3, 2), 1, 1), X3),
    ("AvgPool3d", (2,), X3),
    ("AvgPool3d", ((2, 1, 2), 1), X3),
    ("AvgPool3d", (2, None, 1, True, False, 5), X3),
    ("AdaptiveAvgPool3d", (2,), X3),
    ("AdaptiveMaxPool1d", (3,), X1),
    ("AdaptiveMaxPool2d", ((2, None),), X2),
    ("AdaptiveMaxPool3d", (2,), X3),
    ("LPPool1d", (2, 3), X1),
    ("LPPool2d", (2, 3, 1, True), X2),
    ("LPPool3d", (1.5, 2), np.abs(X3)),
    ("FractionalMaxPool2d", (2, 3), X2),
    ("FractionalMaxPool3d", (2, None, 0.5), X3),
]


@pytest.mark.parametrize(("name", "args", "x"), LAYERS)
def test_layers_match_torch(name, args, x):
    torch = pytest.importorskip("torch")
    assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))

    def run(T, a):
        T.manual_seed(0)
        return getattr(T.nn, name)(*args)(a)

    compare(torch, run, [x])


def test_unpool_layers_repr():
    torch = pytest.importorskip("torch")
    for name, args in [("MaxUnpool1d", (2,)), ("MaxUnpool2d", (2, 1, 1)), ("MaxUnpool3d", (2,))]:
        assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    pool, unpool = graphgrad.nn.MaxPool2d(2, return_indices=True), graphgrad.nn.MaxUnpool2d(2)
    x = graphgrad.tensor(X2)
    out = unpool(*pool(x), output_size=x.shape)
    assert out.shape == x.shape and out.sum().item() == pytest.approx(pool(x)[0].sum().item())
