"""dropout3d, alpha_dropout, feature_alpha_dropout and their layers against PyTorch: the same
draws for the same seed, gradients, reprs and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad


def _draw(T, name, shape, p, dtype, **kwargs):
    T.manual_seed(3)
    x = T.full(shape, 2.0, dtype=getattr(T, dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(T.nn.functional, name)(x, p, True, **kwargs)
    (out * out).sum().backward()
    return out.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    ("name", "shape", "p"),
    [
        ("alpha_dropout", (3, 4), 0.3),
        ("alpha_dropout", (5,), 1.0),
        ("feature_alpha_dropout", (2, 3, 2), 0.4),
        ("dropout3d", (2, 3, 1, 2, 1), 0.5),
        ("dropout3d", (3, 1, 2, 1), 0.25),
        ("dropout3d", (3, 4, 2), 0.5),
    ],
)
def test_draws_and_gradients_match_torch(name, shape, p, dtype):
    torch = pytest.importorskip("torch")
    got, want = _draw(graphgrad, name, shape, p, dtype), _draw(torch, name, shape, p, dtype)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_eval_passes_through_and_errors():
    torch = pytest.importorskip("torch")
    x = graphgrad.ones(2, 3)
    for name in ("alpha_dropout", "feature_alpha_dropout"):
        assert getattr(graphgrad.nn.functional, name)(x, 0.5) is x  # training=False by default
        for T in (graphgrad, torch):
            with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
                getattr(T.nn.functional, name)(T.ones(2), 1.5)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        graphgrad.nn.functional.dropout3d(graphgrad.ones(2, 3, 4))


def test_layers_match_torch():
    torch = pytest.importorskip("torch")
    for name, args in [("Dropout3d", ()), ("Dropout3d", (0.2, True)), ("AlphaDropout", (0.2,)),
                       ("FeatureAlphaDropout", ())]:  # fmt: skip
        assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
        outs = []
        for T in (graphgrad, torch):
            T.manual_seed(1)
            outs.append(getattr(T.nn, name)(*args)(T.ones(2, 3, 2, 2, 2)).numpy())
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)
