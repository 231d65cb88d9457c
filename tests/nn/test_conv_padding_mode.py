"""Convolution layers' ``padding_mode`` (reflect, replicate, circular) and the reprs of
conv and norm layers, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

_RNG = np.random.default_rng(3)

CASES = [
    ("Conv1d", (2, 3, 9), {"padding": 2}),
    ("Conv1d", (2, 3, 9), {"padding": "same", "dilation": 2}),
    ("Conv1d", (3, 9), {"padding": "same"}),  # unbatched
    ("Conv2d", (2, 3, 7, 8), {"padding": (1, 2), "stride": 2}),
    ("Conv2d", (2, 3, 7, 8), {"padding": "same", "groups": 3}),
    ("Conv2d", (2, 3, 7, 8), {"padding": "valid"}),
    ("Conv3d", (1, 3, 5, 6, 4), {"padding": 1}),
]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize(("layer", "shape", "kwargs"), CASES)
def test_padding_mode_matches_torch(layer, shape, kwargs, mode):
    torch = pytest.importorskip("torch")
    kernel = 4 if kwargs.get("padding") == "same" and layer == "Conv1d" else 3
    x = _RNG.standard_normal(shape)
    outs = []
    for T in (graphgrad, torch):
        T.manual_seed(0)
        conv = getattr(T.nn, layer)(3, 6, kernel, padding_mode=mode, dtype=T.float64, **kwargs)
        xt = T.tensor(x, requires_grad=True)
        y = conv(xt)
        (y * T.tensor(np.arange(y.numel()).reshape(y.shape) % 5.0)).sum().backward()
        outs.append([y.detach().numpy(), xt.grad.numpy(), conv.weight.grad.numpy()])
        outs[-1].append(repr(conv))
    got, want = outs
    assert got[3] == want[3]
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_padding_mode_pads_the_way_torch_computes_it():
    conv = graphgrad.nn.Conv1d(1, 1, 4, padding="same", padding_mode="reflect")
    assert conv._reversed_padding_repeated_twice == [1, 2]  # the odd element on the right
    conv = graphgrad.nn.Conv2d(1, 1, 3, padding=(1, 2), padding_mode="replicate")
    assert conv._reversed_padding_repeated_twice == [2, 2, 1, 1]


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.nn.Conv2d(1, 1, 3, padding_mode="foo"),
        lambda T: T.nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect"),
        lambda T: T.nn.ConvTranspose1d(1, 1, 3, padding_mode="circular"),
    ],
)
def test_padding_mode_errors_match_torch(make):
    torch = pytest.importorskip("torch")
    errors = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:
            make(T)
        errors.append(str(info.value))
    got, want = errors
    if "must be one of" in want:  # torch prints a set: its order follows the string hash
        assert got.split("}")[1] == want.split("}")[1]
        assert sorted(got[got.index("{") + 1 : got.index("}")].split(", ")) == sorted(
            want[want.index("{") + 1 : want.index("}")].split(", ")
        )
    else:
        assert got == want


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.nn.Conv1d(3, 8, 5, padding="same"),
        lambda T: T.nn.Conv2d(1, 2, 3, padding="valid"),
        lambda T: T.nn.Conv3d(1, 2, 3, padding=1, padding_mode="reflect"),
        lambda T: T.nn.Conv2d(1, 2, 3, padding="same", padding_mode="circular", dilation=2),
        lambda T: T.nn.LayerNorm([4, 5], elementwise_affine=False),
        lambda T: T.nn.LayerNorm(3, bias=False),
        lambda T: T.nn.LayerNorm(3),
    ],
)
def test_reprs_match_torch(make):
    torch = pytest.importorskip("torch")
    assert repr(make(graphgrad)) == repr(make(torch))


def test_transposed_conv_adds_a_bias_of_another_dtype_in_the_inputs():
    torch = pytest.importorskip("torch")
    got = []
    for T in (graphgrad, torch):
        x = T.ones(1, 1, 3, 3, requires_grad=True)
        b = T.tensor([0.5], dtype=T.float64, requires_grad=True)
        y = T.nn.functional.conv_transpose2d(x, T.ones(1, 1, 2, 2), b)
        y.sum().backward()
        nodes = [type(n).__name__ if n else None for n, _ in y.grad_fn.next_functions]
        got.append((y.dtype, y.detach().numpy().tolist(), b.grad.dtype, b.grad.item(), nodes))
    assert str(got[0][0]) == str(got[1][0]) == "torch.float32"
    assert got[0][1:2] == got[1][1:2] and got[0][3:] == got[1][3:]
    assert str(got[0][2]) == str(got[1][2]) == "torch.float64"
