"""group_norm, instance_norm, rms_norm, local_response_norm and their layers (with
BatchNorm3d), against PyTorch: values, gradients, running statistics, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
X3 = _RNG.standard_normal((2, 4, 5))
X4 = _RNG.standard_normal((2, 4, 3, 2))
W, B = _RNG.standard_normal(4), _RNG.standard_normal(4)


@pytest.mark.parametrize("x", [X3, X4])
def test_group_norm_matches_torch(x):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a, w, b: T.nn.functional.group_norm(a, 2, w, b), [x, W, B])
    compare(torch, lambda T, a: T.nn.functional.group_norm(a, 4, eps=0.1), [x])


@pytest.mark.parametrize("x", [X3, X4])
def test_instance_norm_matches_torch(x):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a, w, b: T.nn.functional.instance_norm(a, weight=w, bias=b), [x, W, B])
    stats = []
    for T in (graphgrad, torch):
        mean, var = T.zeros(4, dtype=T.float64), T.ones(4, dtype=T.float64)
        T.nn.functional.instance_norm(T.tensor(x), mean, var, momentum=0.3)
        out = T.nn.functional.instance_norm(T.tensor(x), mean, var, use_input_stats=False)
        stats.append([mean.numpy(), var.numpy(), out.numpy()])
    for got, want in zip(*stats, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_rms_norm_and_local_response_norm_match_torch():
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a, w: T.nn.functional.rms_norm(a, (3, 2), w), [X4, X4[0, 0]])
    compare(torch, lambda T, a: T.nn.functional.rms_norm(a, (5,), eps=0.5), [X3])
    compare(
        torch,
        lambda T, a: T.nn.functional.rms_norm(a, (5,)),
        [np.float32(X3)],
        rtol=1e-6,
        atol=1e-6,
    )
    for size in (1, 2, 3):
        for x in (X3, X4):
            f = lambda T, a, s=size: T.nn.functional.local_response_norm(a, s, 0.1, 0.6, 2.0)  # noqa: E731
            compare(torch, f, [x])


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    same_error(torch, lambda T: T.nn.functional.group_norm(T.ones(2, 3, 4), 2))
    same_error(torch, lambda T: T.nn.functional.group_norm(T.ones(2, 4), 2, T.ones(3)))
    same_error(torch, lambda T: T.nn.functional.instance_norm(T.ones(2, 3, 1)))
    same_error(torch, lambda T: T.nn.functional.rms_norm(T.ones(2, 3), (2,)))
    same_error(torch, lambda T: T.nn.functional.rms_norm(T.ones(2, 3), 3))
    same_error(torch, lambda T: T.nn.functional.rms_norm(T.ones(2, 3), (3, 2)))
    # layer_norm's message showed the size as "torch.Size([2, 3])"; PyTorch prints a list
    same_error(torch, lambda T: T.nn.functional.layer_norm(T.ones(2, 3), (3, 2)))
    same_error(torch, lambda T: T.nn.functional.local_response_norm(T.ones(2, 3), 2))
    same_error(torch, lambda T: T.nn.GroupNorm(2, 3))
    same_error(torch, lambda T: T.nn.BatchNorm3d(3)(T.ones(2, 3, 4)))
    same_error(torch, lambda T: T.nn.InstanceNorm2d(3)(T.ones(3, 4)))
    same_error(torch, lambda T: T.nn.InstanceNorm1d(3, affine=True)(T.ones(2, 4, 5)))


LAYERS = [
    ("GroupNorm", (2, 4), X3),
    ("GroupNorm", (2, 4, 1e-3, False), X4),
    ("InstanceNorm1d", (4,), X3),
    ("InstanceNorm1d", (4, 1e-5, 0.1, True, True), X3),
    ("InstanceNorm1d", (4,), X3[0]),
    ("InstanceNorm2d", (4, 1e-5, 0.2, True), X4),
    ("InstanceNorm3d", (4, 1e-5, 0.1, False, True), X4[:, :, :, :, None] * [1.0, 2.0]),
    ("LocalResponseNorm", (3,), X4),
    ("LocalResponseNorm", (2, 0.1, 0.5, 2.0), X3),
    ("RMSNorm", (5,), X3),
    ("RMSNorm", ([3, 2], 1e-3, False), X4),
    ("BatchNorm3d", (4,), X4[:, :, :, :, None] * [1.0, 2.0]),
]


@pytest.mark.parametrize(("name", "args", "x"), LAYERS)
def test_layers_match_torch(name, args, x):
    torch = pytest.importorskip("torch")
    assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    layers = {}

    def run(T, a):
        layers[T] = layer = getattr(T.nn, name)(*args).double()
        return layer(a)

    compare(torch, run, [x])
    got, want = layers[graphgrad].state_dict(), layers[torch].state_dict()
    assert list(got) == list(want)
    for key in want:
        np.testing.assert_allclose(got[key].numpy(), want[key].numpy(), rtol=1e-12)
    layers[graphgrad].eval(), layers[torch].eval()
    compare(torch, lambda T, a: layers[T](a), [x], grad=False)
