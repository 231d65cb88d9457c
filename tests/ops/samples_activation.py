# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Samples for the activation primitives (ops/activation.py)."""

from __future__ import annotations

import math

import numpy as np

from .sample import Sample, away_from


def _softmax_ref(a: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(a - a.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _erf_ref(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf)(a)


def _kinked(shape):
    return lambda rng: [away_from(rng.uniform(-2, 2, shape))]


SAMPLES: dict = {
    "softmax": [
        Sample(lambda T, a: T.softmax(a, 1), ((3, 4),), lambda a: _softmax_ref(a, 1)),
        Sample(lambda T, a: a.softmax(-1), ((2, 3, 4),), lambda a: _softmax_ref(a, -1)),
        Sample(
            lambda T, a: T.nn.functional.softmax(a, dim=0), ((5,),), lambda a: _softmax_ref(a, 0)
        ),
    ],
    "log_softmax": [
        Sample(lambda T, a: T.log_softmax(a, 1), ((3, 4),), lambda a: np.log(_softmax_ref(a, 1))),
        Sample(
            lambda T, a: T.nn.functional.log_softmax(a, dim=0),
            ((2, 3),),
            lambda a: np.log(_softmax_ref(a, 0)),
        ),
        # cross entropy against class probabilities: log_softmax, mul, sum, neg
        Sample(
            lambda T, a, p: T.nn.functional.cross_entropy(a, p, reduction="sum"), ((3, 4), (3, 4))
        ),
        Sample(
            lambda T, a, p: T.nn.functional.cross_entropy(
                a, p, reduction="none", label_smoothing=0.1
            ),
            ((3, 4), (3, 4)),
        ),
    ],
    "erf": [Sample(lambda T, a: T.erf(a), ((3, 4),), _erf_ref)],
    "gelu": [
        Sample(
            lambda T, a: T.nn.functional.gelu(a),
            ((3, 4),),
            lambda a: 0.5 * a * (1 + _erf_ref(a / math.sqrt(2))),
        ),
        Sample(
            lambda T, a: T.nn.functional.gelu(a, approximate="tanh"),
            ((3, 4),),
            lambda a: 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3))),
        ),
    ],
    "leaky_relu": [
        Sample(
            lambda T, a: T.nn.functional.leaky_relu(a),
            ((3, 4),),
            lambda a: np.where(a > 0, a, 0.01 * a),
            make=_kinked((3, 4)),
        ),
        Sample(
            lambda T, a: T.nn.functional.leaky_relu(a, 0.2),
            ((5,),),
            lambda a: np.where(a > 0, a, 0.2 * a),
            make=_kinked((5,)),
        ),
    ],
    "silu": [
        Sample(lambda T, a: T.nn.functional.silu(a), ((3, 4),), lambda a: a / (1 + np.exp(-a)))
    ],
    "softplus": [
        Sample(lambda T, a: T.nn.functional.softplus(a), ((3, 4),), lambda a: np.log1p(np.exp(a))),
        Sample(
            lambda T, a: T.nn.functional.softplus(a, beta=2.0, threshold=1.0),
            ((3, 4),),
            lambda a: np.where(2 * a > 1, a, np.log1p(np.exp(2 * a)) / 2),
            make=lambda rng: [away_from(rng.uniform(-2, 2, (3, 4)), (0.5,))],
        ),
    ],
    "elu": [
        Sample(
            lambda T, a: T.nn.functional.elu(a),
            ((3, 4),),
            lambda a: np.where(a > 0, a, np.expm1(a)),
            make=_kinked((3, 4)),
        ),
        Sample(
            lambda T, a: T.nn.functional.elu(a, alpha=0.5),
            ((3, 4),),
            lambda a: np.where(a > 0, a, 0.5 * np.expm1(a)),
            make=_kinked((3, 4)),
        ),
        Sample(lambda T, a: T.nn.functional.selu(a), ((4,),), None, make=_kinked((4,))),
    ],
}
