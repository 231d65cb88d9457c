"""Samples for the inverse trigonometric and hyperbolic primitives, and atan2."""

from __future__ import annotations

import numpy as np

from .sample import Sample

SAMPLES = {
    "asin": [Sample(lambda T, a: T.asin(a), low=-0.9, high=0.9, ref=np.arcsin)],
    "acos": [Sample(lambda T, a: a.acos(), low=-0.9, high=0.9, ref=np.arccos)],
    "atan": [Sample(lambda T, a: T.arctan(a), ref=np.arctan)],
    "sinh": [Sample(lambda T, a: a.sinh(), ref=np.sinh)],
    "cosh": [Sample(lambda T, a: T.cosh(a), ref=np.cosh)],
    "asinh": [Sample(lambda T, a: a.asinh(), ref=np.arcsinh)],
    "acosh": [Sample(lambda T, a: T.acosh(a), low=1.2, high=3.0, ref=np.arccosh)],
    "atanh": [Sample(lambda T, a: a.atanh(), low=-0.9, high=0.9, ref=np.arctanh)],
    "atan2": [
        Sample(lambda T, a, b: T.atan2(a, b), ((3, 4), (4,)), np.arctan2, low=0.3),
        Sample(lambda T, a, b: a.atan2(b), ((2, 3), (2, 3)), np.arctan2),
    ],
}
