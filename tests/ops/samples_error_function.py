"""Samples for erfc and erfinv (ops/error_function.py)."""

from __future__ import annotations

import math

import numpy as np

from .sample import Sample


def _erfc_ref(a: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erfc)(a)


SAMPLES = {
    "erfc": [
        Sample(lambda T, a: T.erfc(a), ((3, 4),), _erfc_ref, low=-3.0, high=3.0),
        Sample(lambda T, a: a.erfc(), ((5,),), _erfc_ref),
    ],
    # erf(erfinv(x)) = x is the reference; away from +-1, where the slope blows up
    "erfinv": [Sample(lambda T, a: T.erfinv(a), ((3, 4),), low=-0.9, high=0.9)],
}
