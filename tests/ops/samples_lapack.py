"""Samples for the primitives of ops/lapack.py: slogdet's logabsdet and cholesky."""

from __future__ import annotations

import numpy as np

from .sample import Sample


def _spd(T, a):
    """A symmetric positive-definite matrix made from ``a`` (so gradients stay symmetric)."""
    return a @ a.mT + 3 * T.eye(a.shape[-1], dtype=a.dtype)


def _spd_ref(a):
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1])


def _well_conditioned(rng):
    return [rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)]


SAMPLES = {
    "linalg_slogdet": [
        Sample(
            lambda T, a: T.slogdet(a)[1],
            make=_well_conditioned,
            ref=lambda a: np.linalg.slogdet(a)[1],
        ),
        Sample(
            lambda T, a: a.logdet(),
            ((2, 3, 3),),
            make=lambda rng: [rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)],
        ),  # fmt: skip
    ],
    "cholesky": [
        Sample(
            lambda T, a: T.cholesky(_spd(T, a)),
            ((3, 3),),
            ref=lambda a: np.linalg.cholesky(_spd_ref(a)),
        ),
        Sample(lambda T, a: _spd(T, a).cholesky(upper=True), ((2, 2, 2),)),
    ],
}


def _rect(shape):
    return lambda rng: [rng.uniform(-2, 2, shape)]


SAMPLES.update(
    {
        "linalg_svd": [
            Sample(lambda T, a: T.svd(a)[1], make=_rect((3, 2)), ref=lambda a: np.linalg.svd(a)[1]),
            Sample(lambda T, a: T.svd(a)[0].abs(), make=_rect((2, 3)), node="AbsBackward0"),
            Sample(lambda T, a: a.svd()[2] ** 2, make=_rect((2, 3, 3)), node="PowBackward0"),
        ],
        "linalg_qr": [
            Sample(lambda T, a: T.qr(a)[1], make=_rect((3, 2))),
            Sample(lambda T, a: T.qr(a)[0], make=_rect((2, 3))),
            Sample(lambda T, a: a.qr()[0], make=_rect((2, 4, 3))),
        ],
    }
)
