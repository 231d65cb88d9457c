"""Samples for the sorting primitives (sort, topk, kthvalue)."""

from __future__ import annotations

import numpy as np

from .sample import Sample

SAMPLES = {
    "sort": [
        Sample(lambda T, a: T.sort(a).values, ((3, 5),), lambda a: np.sort(a, -1)),
        Sample(lambda T, a: a.sort(0, descending=True)[0], ((4, 3),), lambda a: -np.sort(-a, 0)),
        Sample(lambda T, a: T.msort(a), ((4, 2),), lambda a: np.sort(a, 0)),
    ],
    "topk": [
        Sample(lambda T, a: T.topk(a, 2).values, ((3, 5),), lambda a: -np.sort(-a, -1)[:, :2]),
        Sample(
            lambda T, a: a.topk(3, dim=0, largest=False).values,
            ((4, 2),),
            lambda a: np.sort(a, 0)[:3],
        ),
    ],
    "kthvalue": [
        Sample(lambda T, a: T.kthvalue(a, 2).values, ((3, 5),), lambda a: np.sort(a, -1)[:, 1]),
        Sample(
            lambda T, a: a.kthvalue(3, 0, keepdim=True).values,
            ((4, 2),),
            lambda a: np.sort(a, 0)[2:3],
        ),
    ],
}
