"""pixel_shuffle, pixel_unshuffle, channel_shuffle, interpolate (every mode), the upsample
aliases, affine_grid, grid_sample and the vision layers against PyTorch: values, gradients,
reprs and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad

from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
X1 = _RNG.standard_normal((2, 3, 6))
X2 = _RNG.standard_normal((2, 3, 5, 7))
X3 = _RNG.standard_normal((1, 2, 3, 4, 5))

INTERPOLATIONS = [
    (X1, {"size": 9, "mode": "linear"}),
    (X1, {"scale_factor": 0.5, "mode": "linear", "align_corners": True}),
    (X2, {"size": (8, 9), "mode": "bilinear"}),
    (X2, {"scale_factor": 1.7, "mode": "bilinear"}),
    (X2, {"size": (3, 4), "mode": "bilinear", "align_corners": True}),
    (X2, {"size": (8, 11), "mode": "bicubic"}),
    (X2, {"scale_factor": (2.3, 0.6), "mode": "bicubic", "align_corners": True}),
    (X2, {"size": (8, 11)}),
    (X2, {"scale_factor": 1.5}),
    (X2, {"size": (8, 11), "mode": "nearest-exact"}),
    (X2, {"size": (3, 4), "mode": "area"}),
    (X2, {"scale_factor": 0.7, "mode": "bilinear", "recompute_scale_factor": True}),
    (X3, {"size": (4, 6, 3), "mode": "trilinear"}),
    (X3, {"scale_factor": 2, "mode": "nearest"}),
    (X3, {"size": 2, "mode": "area"}),
    (X1, {"size": 4, "mode": "nearest"}),
]


@pytest.mark.parametrize(("x", "kwargs"), INTERPOLATIONS)
def test_interpolate_matches_torch(x, kwargs):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, a: T.nn.functional.interpolate(a, **kwargs), [x])


def test_interpolate_float32_close_to_torch():
    torch = pytest.importorskip("torch")
    x = np.float32(X2)
    for kwargs in ({"scale_factor": 1.3, "mode": "bilinear"}, {"size": (7, 3), "mode": "bicubic"},
                   {"scale_factor": 2.5}):  # fmt: skip
        compare(torch, lambda T, a, k=kwargs: T.nn.functional.interpolate(a, **k), [x],
                rtol=1e-5, atol=1e-6)  # fmt: skip


def test_upsample_aliases_warn_and_match():
    torch = pytest.importorskip("torch")
    for name, args in [("upsample", (None, 2)), ("upsample_nearest", ((7, 9),)),
                       ("upsample_bilinear", (None, 1.5))]:  # fmt: skip
        with pytest.warns(UserWarning, match="deprecated"):
            getattr(graphgrad.nn.functional, name)(graphgrad.tensor(X2), *args)
        compare(torch, lambda T, a, n=name, s=args: getattr(T.nn.functional, n)(a, *s), [X2])


@pytest.mark.parametrize("r", [1, 2, 3])
def test_shuffles_match_torch(r):
    torch = pytest.importorskip("torch")
    x = _RNG.standard_normal((2, 3, 2 * r * r, 2, 3))
    compare(torch, lambda T, a: T.nn.functional.pixel_shuffle(a, r), [x])
    y = _RNG.standard_normal((3, 2 * r, 3 * r))
    compare(torch, lambda T, a: T.nn.functional.pixel_unshuffle(a, r), [y])
    z = _RNG.standard_normal((2, 6, 2, 2))
    compare(torch, lambda T, a: T.nn.functional.channel_shuffle(a, 3), [z])


GRIDS = [
    {}, {"mode": "nearest"}, {"padding_mode": "border"}, {"padding_mode": "reflection"},
    {"padding_mode": "reflection", "align_corners": True},
    {"align_corners": True, "mode": "nearest", "padding_mode": "border"},
]  # fmt: skip


@pytest.mark.parametrize("kwargs", GRIDS)
def test_grid_sample_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    grid = _RNG.uniform(-1.3, 1.3, (2, 4, 6, 2))
    kwargs = {"align_corners": False, **kwargs}
    compare(torch, lambda T, a, g: T.nn.functional.grid_sample(a, g, **kwargs), [X2, grid])


@pytest.mark.parametrize("align_corners", [True, False])
def test_affine_grid_matches_torch(align_corners):
    torch = pytest.importorskip("torch")
    theta2, theta3 = _RNG.standard_normal((2, 2, 3)), _RNG.standard_normal((2, 3, 4))
    compare(torch, lambda T, t: T.nn.functional.affine_grid(t, (2, 3, 4, 5), align_corners),
            [theta2])  # fmt: skip
    compare(torch, lambda T, t: T.nn.functional.affine_grid(t, (2, 1, 2, 3, 4), align_corners),
            [theta3])  # fmt: skip


def test_default_align_corners_warns():
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        graphgrad.nn.functional.affine_grid(graphgrad.eye(2, 3).unsqueeze(0), (1, 1, 2, 2))


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    F = lambda T: T.nn.functional  # noqa: E731, N806
    x = lambda T: T.ones(1, 4, 2, 2)  # noqa: E731
    th = lambda T: T.ones(1, 2, 3)  # noqa: E731
    cases = [
        lambda T: F(T).pixel_shuffle(T.ones(1, 3, 2, 2), 2),
        lambda T: F(T).pixel_unshuffle(T.ones(1, 1, 3, 3), 2),
        lambda T: F(T).pixel_shuffle(T.ones(4, 2), 2),
        lambda T: F(T).interpolate(x(T)),
        lambda T: F(T).interpolate(x(T), size=3, scale_factor=2),
        lambda T: F(T).interpolate(x(T), size=3, align_corners=True),
        lambda T: F(T).interpolate(x(T), size=3, mode="linear"),
        lambda T: F(T).interpolate(x(T), size=3, mode="foo"),
        lambda T: F(T).interpolate(x(T), size=(3, 3, 3)),
        lambda T: F(T).channel_shuffle(T.ones(1, 3, 2), 2),
        lambda T: T.nn.ChannelShuffle(2)(T.ones(3)),
        lambda T: F(T).affine_grid(T.ones(1, 3, 3), (1, 1, 2, 2), align_corners=False),
        lambda T: F(T).affine_grid(th(T), (1, 1, 2), align_corners=False),
        lambda T: F(T).grid_sample(x(T), T.ones(1, 2, 2, 2), mode="foo"),
        lambda T: F(T).grid_sample(x(T), T.ones(1, 2, 2, 2), padding_mode="foo"),
        lambda T: F(T).grid_sample(x(T), T.ones(1, 2, 2, 3), align_corners=False),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in cases:
            same_error(torch, case)


LAYERS = [
    ("PixelShuffle", (2,), _RNG.standard_normal((2, 8, 3, 3))),
    ("PixelUnshuffle", (2,), _RNG.standard_normal((2, 2, 4, 6))),
    ("ChannelShuffle", (2,), _RNG.standard_normal((2, 4, 3))),
    ("Upsample", (None, 2), X2),
    ("Upsample", ((7, 9), None, "bilinear", True), X2),
    ("Upsample", (None, (2, 3), "bicubic"), X2),
    ("UpsamplingNearest2d", (None, 2), X2),
    ("UpsamplingBilinear2d", (4,), X2),
]


@pytest.mark.parametrize(("name", "args", "x"), LAYERS)
def test_layers_match_torch(name, args, x):
    torch = pytest.importorskip("torch")
    assert repr(getattr(graphgrad.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    compare(torch, lambda T, a: getattr(T.nn, name)(*args)(a), [x])
