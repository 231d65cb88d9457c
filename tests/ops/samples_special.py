"""Samples for the gamma-function primitives (ops/special.py)."""

from __future__ import annotations

import math

import numpy as np

from .sample import Sample, away_from


def _lgamma_ref(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.lgamma)(a)


SAMPLES = {
    "lgamma": [Sample(lambda T, a: T.lgamma(a), low=0.2, high=6.0, ref=_lgamma_ref)],
    "digamma": [Sample(lambda T, a: a.digamma(), low=0.2, high=12.0)],
    "polygamma": [
        Sample(lambda T, a: T.polygamma(1, a), low=0.2, high=12.0),
        Sample(lambda T, a: a.polygamma(2), low=0.5, high=4.0),
    ],
}

SAMPLES.update(
    {
        "i0": [
            Sample(lambda T, a: T.i0(a), low=-5.0, high=5.0, ref=np.i0),
            Sample(lambda T, a: a.i0(), ((2, 3),), low=-30.0, high=30.0),
        ],
        # differentiable in x only: a is a constant
        "igamma": [
            Sample(lambda T, x: T.igamma(T.full_like(x, 1.5), x), low=0.1, high=4.0),
        ],
        "igammac": [
            Sample(lambda T, x: T.full_like(x, 2.5).igammac(x), low=0.1, high=6.0),
        ],
    }
)


def _logit_ref(a: np.ndarray, eps: float | None = None) -> np.ndarray:
    z = a if eps is None else np.clip(a, eps, 1 - eps)
    return np.log(z / (1 - z))


SAMPLES["logit"] = [
    Sample(lambda T, a: T.logit(a), low=0.05, high=0.95, ref=_logit_ref),
    # kinks at 0.2 and 0.8, where the clamp starts: kept a finite difference's step away
    Sample(
        lambda T, a: a.logit(eps=0.2),
        make=lambda rng: [away_from(rng.uniform(0.02, 0.98, (3, 4)), (0.2, 0.8), 0.05)],
        ref=lambda a: _logit_ref(a, 0.2),
    ),
]

SAMPLES["hypot"] = [
    Sample(lambda T, a, b: T.hypot(a, b), ((3, 4), (4,)), np.hypot, low=0.2),
    Sample(lambda T, a, b: a.hypot(b), ((2, 3), (2, 3)), np.hypot),
]
