"""Samples for the primitives of ``torch.special`` defined in ops/bessel_gamma.py (i1, i0e,
i1e), ops/normal_cdf.py (erfcx, log_ndtr, ndtri) and ops/entropy.py (entr)."""

from __future__ import annotations

import math

import numpy as np

from .sample import Sample, away_from


def _positive(shape, low=0.1, high=3.0):
    return lambda rng: [rng.uniform(low, high, shape)]


SAMPLES = {
    "special_i1": [
        Sample(lambda T, a: T.special.i1(a), ((3, 4),), low=-3, high=3),
    ],
    "special_i0e": [
        Sample(lambda T, a: T.special.i0e(a), make=lambda rng: [away_from(rng.uniform(-4, 4, 6))]),
    ],
    "special_i1e": [
        Sample(lambda T, a: T.special.i1e(a), make=lambda rng: [away_from(rng.uniform(-4, 4, 6))]),
    ],
    "special_erfcx": [
        Sample(lambda T, a: T.special.erfcx(a), ((2, 5),), low=-2, high=3),
        Sample(lambda T, a: T.special.erfcx(a), make=_positive((4,), 9.0, 14.0)),
    ],
    "special_log_ndtr": [
        Sample(
            lambda T, a: T.special.log_ndtr(a),
            ((3, 3),),
            low=-4,
            high=4,
            ref=lambda a: np.log(0.5 * np.vectorize(math.erfc)(-a / math.sqrt(2))),
        ),
    ],
    "special_ndtri": [
        Sample(lambda T, a: T.special.ndtri(a), make=_positive((5,), 0.05, 0.95)),
    ],
    "special_entr": [
        Sample(
            lambda T, a: T.special.entr(a), make=_positive((2, 3)), ref=lambda a: -a * np.log(a)
        ),
    ],
}
