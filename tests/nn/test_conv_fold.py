"""conv3d, conv_transpose3d, unfold, fold and their layers against PyTorch: values,
gradients, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

from .._compare_torch import assert_same, outcome
from ._functional_compare import compare, same_error

_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((2, 3, 7, 8))
V = _RNG.standard_normal((2, 4, 5, 4, 6))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"stride": 2, "padding": 1}, {"dilation": (1, 2, 1), "groups": 2, "padding": "same"}],
)
def test_conv3d_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    w = _RNG.standard_normal((6, 4 // kwargs.get("groups", 1), 3, 3, 3))
    b = _RNG.standard_normal(6)
    compare(torch, lambda T, x, w_, b_: T.nn.functional.conv3d(x, w_, b_, **kwargs), [V, w, b])


def test_conv_transpose3d_matches_torch():
    torch = pytest.importorskip("torch")
    w = _RNG.standard_normal((4, 3, 2, 3, 2))
    compare(
        torch,
        lambda T, x, w_: T.nn.functional.conv_transpose3d(x, w_, stride=2, padding=1,
                                                          output_padding=1),
        [V, w],
    )  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [{"kernel_size": 2}, {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1,
                          "stride": (2, 1)}, {"kernel_size": 3, "stride": 3}],
)  # fmt: skip
def test_unfold_and_fold_match_torch(kwargs):
    torch = pytest.importorskip("torch")
    compare(torch, lambda T, x: T.nn.functional.unfold(x, **kwargs), [X])
    compare(torch, lambda T, x: T.nn.functional.unfold(x, **kwargs), [X[0]])
    cols = graphgrad.nn.functional.unfold(graphgrad.tensor(X), **kwargs).numpy()
    compare(torch, lambda T, c: T.nn.functional.fold(c, (7, 8), **kwargs), [cols])
    compare(torch, lambda T, c: T.nn.functional.fold(c, (7, 8), **kwargs), [cols[0]])


def test_errors_match_torch():
    torch = pytest.importorskip("torch")
    F = lambda T: T.nn.functional  # noqa: E731, N806
    for case in [
        lambda T: F(T).fold(T.ones(2, 3, 4, 5), (4, 4), 2),
        lambda T: F(T).fold(T.ones(2, 3, 4), (4, 4), 2),
        lambda T: F(T).fold(T.ones(2, 8, 4), (4, 4), 2),
        lambda T: F(T).unfold(T.ones(1, 1, 2, 2), 3),
        lambda T: F(T).conv3d(T.ones(1, 2, 3, 3), T.ones(1, 2, 1, 1, 1)),
        # an unbatched input is shown with its batch dimension, as PyTorch (it was not)
        lambda T: F(T).conv2d(T.ones(1, 3, 3), T.ones(1, 2, 1, 1)),
    ]:
        same_error(torch, case)


def test_layers_match_torch():
    torch = pytest.importorskip("torch")
    specs = [
        ("Conv3d", (4, 2, 3), {"padding": 1, "bias": False}, V),
        ("ConvTranspose3d", (4, 2, 2), {"stride": 2}, V),
        ("Unfold", ((2, 3),), {"dilation": 2, "padding": 1, "stride": 2}, X),
        ("Fold", ((4, 5), 2), {"padding": 1, "stride": 2}, _RNG.standard_normal((2, 4, 9))),
    ]
    for name, args, kwargs, x in specs:
        ours, theirs = (
            getattr(graphgrad.nn, name)(*args, **kwargs),
            getattr(torch.nn, name)(*args, **kwargs),
        )
        assert repr(ours) == repr(theirs)
        theirs, ours = theirs.double(), ours.double()
        ours.load_state_dict(
            {k: graphgrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()}
        )
        compare(torch, lambda T, a, o=ours, t=theirs: (o if T is graphgrad else t)(a), [x])


OUTPUT_SIZES = [(12, 12), (11, 11), (13, 13), [1, 4, 12, 11], (10, 10), (12,), (1, 3, 12, 12)]


@pytest.mark.parametrize("size", OUTPUT_SIZES, ids=str)
def test_conv_transpose_output_size_picks_the_output_padding_as_pytorch(size):
    # before: forward() took no output_size (a TypeError for U-Net style decoders)
    torch = pytest.importorskip("torch")

    def case(T):
        T.manual_seed(0)
        conv = T.nn.ConvTranspose2d(3, 4, 3, stride=2)
        x = (
            T.ones(3, 5, 5)
            if len(size) == 4 and size[0] == 1 and size[1] == 3
            else T.ones(1, 3, 5, 5)
        )
        return conv(x, output_size=size)

    assert_same(outcome(graphgrad, case), outcome(torch, case))


def test_conv_transpose_output_size_without_torch():
    conv = graphgrad.nn.ConvTranspose1d(3, 4, 3, stride=2)
    assert conv(graphgrad.ones(1, 3, 5), output_size=[12]).shape == (1, 4, 12)
    with pytest.raises(ValueError, match="valid sizes range from \\[11\\] to \\[12\\]"):
        conv(graphgrad.ones(1, 3, 5), output_size=[13])
