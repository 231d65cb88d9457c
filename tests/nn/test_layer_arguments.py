"""Layer functions given arguments PyTorch refuses (or accepts in a way graphgrad did not):
each case gives torch's outcome, error type and message included. Found by probing bad
inputs across ``nn.functional`` against torch 2.13; before, each returned a value where torch
raises, leaked a NumPy error, or refused valid input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad

from .._compare_torch import assert_like_torch, assert_same, outcome


def F(T):
    return T.nn.functional


def x4(T):
    return T.arange(50.0).reshape(1, 2, 5, 5)


def a3(T):
    return T.arange(24.0).reshape(2, 3, 4) / 10


def bce(T, shape, weight=None, pos_weight=None, logits=False):
    if logits:
        return F(T).binary_cross_entropy_with_logits(T.zeros(shape), T.ones(shape), weight=weight,
                                                     pos_weight=pos_weight)  # fmt: skip
    return F(T).binary_cross_entropy(T.full(shape, 0.5), T.ones(shape), weight=weight)


def conv(T, nd=2, transposed=False, **kwargs):
    x, w = T.ones(1, 1, *(5,) * nd), T.ones(1, 1, *(3,) * nd)
    name = f"conv_transpose{nd}d" if transposed else f"conv{nd}d"
    return getattr(F(T), name)(x, w, **kwargs)


def emb(T, **kwargs):
    return F(T).embedding(T.tensor([0, 1]), T.ones(5, 3), **kwargs)


CASES = {
    # adaptive pooling: None keeps a size; an output size of 0 gives an empty result
    "adaptive_avg_pool2d (None, 2)": lambda T: F(T).adaptive_avg_pool2d(x4(T), (None, 2)),
    "adaptive_avg_pool2d (3, None)": lambda T: F(T).adaptive_avg_pool2d(x4(T), (3, None)),
    "AdaptiveAvgPool2d (None, 3)": lambda T: T.nn.AdaptiveAvgPool2d((None, 3))(x4(T)),
    "adaptive_max_pool2d (None, 2)": lambda T: F(T).adaptive_max_pool2d(x4(T), (None, 2)),
    "adaptive_max_pool2d 0": lambda T: F(T).adaptive_max_pool2d(x4(T), 0),
    "adaptive_max_pool1d 0": lambda T: F(T).adaptive_max_pool1d(x4(T)[0], 0),
    # triplet margin loss: any number of dims, a positive margin
    "triplet 3-D": lambda T: F(T).triplet_margin_loss(a3(T), a3(T) * 0.5, a3(T) * 2),
    "triplet mixed dims": lambda T: F(T).triplet_margin_loss(a3(T), a3(T)[0], a3(T) * 2),
    "triplet margin -1": lambda T: F(T).triplet_margin_loss(a3(T), a3(T), a3(T), margin=-1.0),
    "triplet margin 0": lambda T: F(T).triplet_margin_loss(a3(T), a3(T), a3(T), margin=0.0),
    # pooling inputs of the wrong rank
    "max_pool2d 5-D": lambda T: F(T).max_pool2d(T.ones(1, 2, 3, 4, 4), 2),
    "max_pool2d 2-D": lambda T: F(T).max_pool2d(T.ones(2, 4), 2),
    "avg_pool2d 5-D": lambda T: F(T).avg_pool2d(T.ones(1, 2, 3, 4, 4), 2),
    "avg_pool2d 2-D": lambda T: F(T).avg_pool2d(T.ones(2, 4), 2),
    "max_pool1d 4-D": lambda T: F(T).max_pool1d(T.ones(1, 2, 4, 4), 2),
    "max_pool1d 1-D": lambda T: F(T).max_pool1d(T.ones(4), 2),
    "avg_pool1d 1-D": lambda T: F(T).avg_pool1d(T.ones(4), 2),
    "avg_pool1d 4-D": lambda T: F(T).avg_pool1d(T.ones(1, 2, 4, 4), 2),
    "max_pool3d 6-D": lambda T: F(T).max_pool3d(T.ones(2, 2, 2, 2, 2, 2), 2),
    "avg_pool3d 3-D": lambda T: F(T).avg_pool3d(T.ones(2, 2, 2), 2),
    # loss weights that would grow the loss, or do not broadcast
    "bce weight (2, 3) on (3,)": lambda T: bce(T, (3,), weight=T.ones(2, 3)),
    "bce weight (4,) on (2, 3)": lambda T: bce(T, (2, 3), weight=T.ones(4)),
    "bce weight (1, 3) on (2, 3)": lambda T: bce(T, (2, 3), weight=T.ones(1, 3)),
    "bce weight (2, 1) on (2, 3)": lambda T: bce(T, (2, 3), weight=T.ones(2, 1)),
    "bce logits weight (2, 3) on (3,)": lambda T: bce(T, (3,), T.ones(2, 3), logits=True),
    "bce logits weight (4,)": lambda T: bce(T, (2, 3), T.ones(4), logits=True),
    "bce logits pos_weight (4, 1, 3)": lambda T: bce(T, (3,), None, T.ones(4, 1, 3), True),
    "bce logits pos_weight (4,)": lambda T: bce(T, (2, 3), None, T.ones(4), True),
    "bce logits pos_weight (3,)": lambda T: bce(T, (2, 3), None, T.ones(3), True),
    # embedding
    "embedding padding_idx 5": lambda T: emb(T, padding_idx=5),
    "embedding padding_idx -6": lambda T: emb(T, padding_idx=-6),
    "embedding padding_idx -5": lambda T: emb(T, padding_idx=-5),
    "embedding 1-D weight": lambda T: F(T).embedding(T.tensor([0, 1]), T.ones(5)),
    # one_hot of nothing
    "one_hot empty": lambda T: F(T).one_hot(T.tensor([], dtype=T.int64)),
    "one_hot empty, 0 classes": lambda T: F(T).one_hot(T.tensor([], dtype=T.int64), 0),
    "one_hot empty, 3 classes": lambda T: F(T).one_hot(T.tensor([], dtype=T.int64), 3),
    # interpolate to nothing
    "interpolate size -1": lambda T: F(T).interpolate(x4(T), size=-1),
    "interpolate scale 0.1": lambda T: F(T).interpolate(x4(T), scale_factor=0.1),
    "interpolate size 0": lambda T: F(T).interpolate(x4(T), size=0),
    "interpolate 1-D size 0": lambda T: F(T).interpolate(T.ones(1, 1, 5), size=0),
    "interpolate 3-D size 0": lambda T: F(T).interpolate(T.ones(1, 1, 3, 5, 5), size=0),
    "interpolate (0, 2) bilinear": lambda T: F(T).interpolate(x4(T), size=(0, 2), mode="bilinear"),
    "interpolate area to 0": lambda T: F(T).interpolate(x4(T), size=0, mode="area"),
    # convolution geometry
    "conv stride of 3 values": lambda T: conv(T, stride=(1, 1, 1)),
    "conv padding of 3 values": lambda T: conv(T, padding=(1, 1, 1)),
    "conv dilation of 3 values": lambda T: conv(T, dilation=(1, 1, 1)),
    "conv1d stride of 2 values": lambda T: conv(T, 1, stride=(1, 1)),
    "conv dilation 0": lambda T: conv(T, dilation=0),
    "conv dilation (0, 1)": lambda T: conv(T, dilation=(0, 1)),
    "conv1d dilation 0": lambda T: conv(T, 1, dilation=0),
    "conv3d dilation 0": lambda T: conv(T, 3, dilation=0),
    "conv dilation -1": lambda T: conv(T, dilation=-1),
    "conv stride 0": lambda T: conv(T, stride=0),
    "conv1d stride 0": lambda T: conv(T, 1, stride=0),
    "conv stride -1": lambda T: conv(T, stride=-1),
    "conv padding -1": lambda T: conv(T, padding=-1),
    "conv groups 0": lambda T: conv(T, groups=0),
    "conv stride 0, padding -1": lambda T: conv(T, stride=0, padding=-1),
    "conv stride 0, groups 0": lambda T: conv(T, stride=0, dilation=-1, groups=0),
    "conv same, strided": lambda T: conv(T, 1, padding="same", stride=2),
    "conv bogus padding": lambda T: conv(T, 1, padding="bogus"),
    "conv same": lambda T: conv(T, padding="same"),
    "conv same, dilated": lambda T: conv(T, padding="same", dilation=2),
    "Conv2d same, strided": lambda T: T.nn.Conv2d(3, 4, 3, padding="same", stride=2),
    "Conv2d stride 0": lambda T: T.nn.Conv2d(1, 1, 3, stride=0)(T.ones(1, 1, 5, 5)),
    "conv_transpose padding -1": lambda T: conv(T, transposed=True, padding=-1),
    "conv_transpose output_padding -1": lambda T: conv(T, transposed=True, output_padding=-1),
    "conv_transpose output_padding 2": lambda T: conv(T, transposed=True, stride=2,
                                                      output_padding=2),
    "conv_transpose1d output_padding 2": lambda T: conv(T, 1, True, stride=2, output_padding=2),
    "conv_transpose3d output_padding 2": lambda T: conv(T, 3, True, stride=2, output_padding=2),
    "conv_transpose too small": lambda T: conv(T, transposed=True, padding=5),
    "conv_transpose1d too small": lambda T: conv(T, 1, True, padding=5),
    "conv_transpose stride 0": lambda T: conv(T, transposed=True, stride=0),
    "conv_transpose dilation 0": lambda T: conv(T, transposed=True, dilation=0),
    "conv_transpose1d dilation 0": lambda T: conv(T, 1, True, dilation=0),
    "conv_transpose3d dilation 0": lambda T: conv(T, 3, True, dilation=0),
    # max pooling an empty batch
    "max_pool2d empty batch": lambda T: F(T).max_pool2d(T.ones(0, 2, 4, 4), 2, return_indices=True),
    "max_pool2d empty channels": lambda T: F(T).max_pool2d(T.ones(2, 0, 4, 4), 2),
    "max_pool2d unbatched, no channels": lambda T: F(T).max_pool2d(T.ones(0, 4, 4), 2),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_outcome_matches_pytorchs(name):
    assert_like_torch(CASES[name])


def test_invalid_padding_strings_are_refused_when_the_layer_is_made():
    # PyTorch prints the valid strings as a set, in an order that varies between runs
    with pytest.raises(ValueError, match="Invalid padding string 'bogus', should be one of"):
        graphgrad.nn.Conv2d(3, 4, 3, padding="bogus")


def test_a_bigger_loss_weight_is_refused_without_torch():
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape \\[2, 3\\]"):
        bce(graphgrad, (3,), weight=graphgrad.ones(2, 3))


ACTIVATIONS = (
    "gelu silu softplus leaky_relu elu selu celu rrelu hardswish hardsigmoid mish logsigmoid "
    "hardshrink softshrink"
).split()


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_refuse_integers_as_pytorch_does(name, dtype):
    # before: an integer (or float64) result, where PyTorch has no kernel
    torch = pytest.importorskip("torch")
    case = lambda T: getattr(F(T), name)(T.tensor([1, 0, 1]).to(getattr(T, dtype)))  # noqa: E731
    assert_same(outcome(graphgrad, case), outcome(torch, case))


def test_rrelu_in_training_names_its_own_kernel_and_draws_nothing():
    graphgrad.manual_seed(0)
    with pytest.raises(NotImplementedError, match='"rrelu_with_noise_out_cpu" not implemented'):
        F(graphgrad).rrelu(graphgrad.tensor([-1, 2]), training=True)
    after = graphgrad.rand(1).item()
    graphgrad.manual_seed(0)
    assert after == graphgrad.rand(1).item()  # the generator did not move


LOSSES = (
    "mse_loss l1_loss smooth_l1_loss huber_loss kl_div soft_margin_loss "
    "binary_cross_entropy_with_logits binary_cross_entropy poisson_nll_loss hinge_embedding_loss"
).split()


@pytest.mark.parametrize("dtypes", ["int,int", "float,int", "int,float"])
@pytest.mark.parametrize("name", LOSSES)
def test_losses_of_integer_tensors_as_pytorch(name, dtypes):
    # before: mse_loss of two int64 tensors gave an int64 loss, kl_div of integers a value
    torch = pytest.importorskip("torch")

    def case(T):
        made = {"int": T.tensor([1, 2, 3]), "float": T.tensor([1.0, 2.0, 3.0])}
        first, second = (made[d] for d in dtypes.split(","))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kl_div's 'mean' warning
            return getattr(F(T), name)(first, second)

    got, want = outcome(graphgrad, case), outcome(torch, case)
    if got[0] == want[0] == "ok":  # accepted by both: the values, to float32 rounding (log1p)
        assert got[1][:3] == want[1][:3]
        np.testing.assert_allclose(got[1][3], want[1][3], rtol=1e-6)
        return
    assert_same(got, want)
