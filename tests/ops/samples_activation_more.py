# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Samples for the activation primitives of ops/activation_more.py and the in-place variants
of ops/activation_inplace.py (each in-place sample writes into ``a * 1``, a non-leaf)."""

from __future__ import annotations

import numpy as np

from .sample import Sample, away_from


def _away(shape, points, low=-4.0, high=4.0):
    """Values of ``shape`` at least 0.1 from each kink in ``points``."""
    return lambda rng: [away_from(rng.uniform(low, high, shape), points)]


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _softplus(a):
    return np.log1p(np.exp(a))


def _elu(a, alpha, scale=1.0, input_scale=1.0):
    return np.where(a > 0, a * scale, alpha * scale * np.expm1(a * input_scale))


def _F(T):
    return T.nn.functional


def _rrelu_trained(T, a, inplace=False):
    T.manual_seed(0)  # the same slopes on every call (gradcheck calls it many times)
    return _F(T).rrelu(a * 1 if inplace else a, 0.1, 0.3, training=True, inplace=inplace)


SAMPLES: dict = {
    "hardtanh": [
        Sample(lambda T, a: _F(T).hardtanh(a), ref=lambda a: np.clip(a, -1, 1),
               make=_away((3, 4), (-1.0, 1.0), -2, 2), gradgrad=False),
        Sample(lambda T, a: _F(T).relu6(a), ref=lambda a: np.clip(a, 0, 6),
               make=_away((5,), (0.0, 6.0), -2, 8), gradgrad=False),
        Sample(lambda T, a: _F(T).hardtanh(a * 1, -0.5, 1.5, inplace=True),
               ref=lambda a: np.clip(a, -0.5, 1.5), make=_away((4,), (-0.5, 1.5), -2, 2),
               gradgrad=False),
    ],
    "hardsigmoid": [
        Sample(lambda T, a: _F(T).hardsigmoid(a), ref=lambda a: np.clip(a + 3, 0, 6) / 6,
               make=_away((3, 4), (-3.0, 3.0)), gradgrad=False, extra={"atol": 1e-7}),
        Sample(lambda T, a: _F(T).hardsigmoid(a * 1, inplace=True), make=_away((5,), (-3.0, 3.0)),
               gradgrad=False, extra={"atol": 1e-7}),
    ],
    "hardswish": [
        Sample(lambda T, a: _F(T).hardswish(a), ref=lambda a: a * np.clip(a + 3, 0, 6) / 6,
               make=_away((3, 4), (-3.0, 3.0))),
        Sample(lambda T, a: _F(T).hardswish(a * 1, inplace=True), make=_away((5,), (-3.0, 3.0))),
    ],
    "mish": [
        Sample(lambda T, a: _F(T).mish(a), ((3, 4),), lambda a: a * np.tanh(_softplus(a))),
        Sample(lambda T, a: _F(T).mish(a * 1, inplace=True), ((5,),)),
    ],
    "log_sigmoid": [
        Sample(lambda T, a: _F(T).logsigmoid(a), ((3, 4),), lambda a: np.log(_sigmoid(a)),
               low=-5, high=5),
    ],
    "threshold": [
        Sample(lambda T, a: _F(T).threshold(a, 0.1, 2.0), ref=lambda a: np.where(a > 0.1, a, 2.0),
               make=_away((3, 4), (0.1,), -2, 2), gradgrad=False),
    ],
    "celu": [
        Sample(lambda T, a: _F(T).celu(a), ref=lambda a: _elu(a, 1.0), make=_away((3, 4), (0.0,))),
        Sample(lambda T, a: _F(T).celu(a, 2.0), ref=lambda a: _elu(a, 2.0, 1.0, 0.5),
               make=_away((5,), (0.0,))),
    ],
    "softshrink": [
        Sample(lambda T, a: _F(T).softshrink(a),
               ref=lambda a: np.where(a > 0.5, a - 0.5, np.where(a < -0.5, a + 0.5, 0)),
               make=_away((3, 4), (-0.5, 0.5), -2, 2), gradgrad=False),
    ],
    "hardshrink": [
        Sample(lambda T, a: _F(T).hardshrink(a, 0.3), ref=lambda a: np.where(abs(a) > 0.3, a, 0),
               make=_away((3, 4), (-0.3, 0.3), -2, 2), gradgrad=False),
        Sample(lambda T, a: a.hardshrink(), make=_away((5,), (-0.5, 0.5), -2, 2), gradgrad=False),
    ],
    "rrelu_with_noise": [
        Sample(lambda T, a: _F(T).rrelu(a, 0.1, 0.3), ref=lambda a: np.where(a > 0, a, 0.2 * a),
               make=_away((3, 4), (0.0,))),
        Sample(_rrelu_trained, make=_away((3, 4), (0.0,))),
    ],
    "prelu_kernel": [
        Sample(lambda T, a, w: _F(T).prelu(a, w), ((2, 3, 4), (3,)),
               lambda a, w: np.where(a > 0, a, w[:, None] * a),
               make=lambda rng: [away_from(rng.uniform(-2, 2, (2, 3, 4))),
                                 rng.uniform(0, 1, (3,))]),
        Sample(lambda T, a, w: _F(T).prelu(a, w), ((5,), (1,)),
               lambda a, w: np.where(a > 0, a, w * a),
               make=lambda rng: [away_from(rng.uniform(-2, 2, (5,))), rng.uniform(0, 1, (1,))]),
    ],
    "glu": [
        Sample(lambda T, a: _F(T).glu(a), ((3, 4),), lambda a: a[:, :2] * _sigmoid(a[:, 2:])),
        Sample(lambda T, a: _F(T).glu(a, 0), ((4, 3),), lambda a: a[:2] * _sigmoid(a[2:])),
    ],
    # the in-place variants (their nodes read the result: PyTorch's ...Backward1)
    "elu_": [
        Sample(lambda T, a: _F(T).elu(a * 1, 0.7, inplace=True), ref=lambda a: _elu(a, 0.7),
               make=_away((3, 4), (0.0,))),
        Sample(lambda T, a: _F(T).selu(a * 1, inplace=True), make=_away((5,), (0.0,))),
    ],
    "celu_": [
        Sample(lambda T, a: _F(T).celu(a * 1, 2.0, inplace=True),
               ref=lambda a: _elu(a, 2.0, 1.0, 0.5), make=_away((3, 4), (0.0,))),
    ],
    "leaky_relu_": [
        Sample(lambda T, a: _F(T).leaky_relu(a * 1, 0.2, inplace=True),
               ref=lambda a: np.where(a > 0, a, 0.2 * a), make=_away((3, 4), (0.0,))),
    ],
    "threshold_": [
        Sample(lambda T, a: _F(T).threshold(a * 1, 0.1, 20.0, inplace=True),
               ref=lambda a: np.where(a > 0.1, a, 20.0), make=_away((3, 4), (0.1,), -2, 2),
               gradgrad=False),
    ],
    "rrelu_with_noise_": [
        Sample(lambda T, a: _F(T).rrelu(a * 1, 0.1, 0.3, inplace=True),
               ref=lambda a: np.where(a > 0, a, 0.2 * a), make=_away((3, 4), (0.0,))),
        Sample(lambda T, a: _rrelu_trained(T, a, inplace=True), make=_away((3, 4), (0.0,))),
    ],
}  # fmt: skip


def _pad_ref(a, widths, value):
    return np.pad(a, widths, constant_values=value)


def _shuffle_ref(a, r):
    n, c, h, w = a.shape
    x = a.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (r * r), h * r, w * r)


# trace, constant padding and the pixel shuffles (ops/structured.py, ops/shape/pad_shuffle.py)
SAMPLES.update({
    "trace": [
        Sample(lambda T, a: T.trace(a), ((3, 4),), np.trace),
        Sample(lambda T, a: a.trace(), ((4, 2),), np.trace),
    ],
    "constant_pad_nd": [
        Sample(lambda T, a: T.nn.functional.pad(a, (1, 2)), ((2, 3),),
               lambda a: _pad_ref(a, ((0, 0), (1, 2)), 0)),
        Sample(lambda T, a: T.nn.functional.pad(a, (1, -1, 0, 2), value=1.5), ((2, 3, 4),),
               lambda a: _pad_ref(a[:, :, :-1], ((0, 0), (0, 2), (1, 0)), 1.5)),
        Sample(lambda T, a: T.nn.functional.pad(a, (-1, -1)), ((2, 4),), lambda a: a[:, 1:-1]),
    ],
    "pixel_shuffle": [
        Sample(lambda T, a: T.nn.functional.pixel_shuffle(a, 2), ((2, 8, 2, 3),),
               lambda a: _shuffle_ref(a, 2)),
        Sample(lambda T, a: T.nn.functional.pixel_shuffle(a, 3), ((9, 1, 2),)),
    ],
    "pixel_unshuffle": [
        Sample(lambda T, a: T.nn.functional.pixel_unshuffle(a, 2), ((2, 1, 4, 6),)),
        Sample(lambda T, a: T.nn.PixelUnshuffle(3)(a), ((2, 3, 3),)),
    ],
})  # fmt: skip
