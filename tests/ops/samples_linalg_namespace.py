"""Samples for the primitives of ``torch.linalg``: ``linalg_eigh`` (ops/linalg/eigen.py),
``linalg_solve`` (ops/linalg/solve.py) and ``linalg_pinv`` (ops/decompositions.py).

eigh reads one triangle, so its samples symmetrise the input (a gradient check perturbs every
element); its eigenvectors are defined up to sign (which LAPACK builds choose differently), so
the samples use sign-free functions of them.
"""

from __future__ import annotations

import numpy as np

from .sample import Sample


def _symmetric(a):
    return a + np.swapaxes(a, -1, -2)


def _system(a_shape, b_shape):
    """A well-conditioned ``A`` and a right-hand side."""
    n = a_shape[-1]
    return lambda rng: [rng.uniform(-1, 1, a_shape) + 3 * np.eye(n), rng.uniform(-2, 2, b_shape)]


SAMPLES = {
    "linalg_eigh": [
        Sample(
            lambda T, a: T.linalg.eigh(a + a.mT).eigenvalues,
            ((3, 3),),
            ref=lambda a: np.linalg.eigvalsh(_symmetric(a)),
        ),
        Sample(lambda T, a: T.linalg.eigh(a + a.mT)[1] ** 2, ((2, 3, 3),), node="PowBackward0"),
        Sample(lambda T, a: T.linalg.eigvalsh(a + a.mT, UPLO="U"), ((2, 4, 4),)),
        Sample(
            lambda T, a: (lambda L, V: (V * L.unsqueeze(-2)) @ V.mT)(*T.linalg.eigh(a + a.mT)),
            ((3, 3),),
            node="MmBackward0",
        ),
    ],
    "linalg_solve": [
        Sample(
            lambda T, a, b: T.linalg.solve(a, b), make=_system((3, 3), (3, 2)), ref=np.linalg.solve
        ),
        Sample(lambda T, a, b: T.linalg.solve(a, b), make=_system((2, 3, 3), (3,))),
        Sample(lambda T, a, b: T.linalg.solve(a, b, left=False), make=_system((3, 3), (2, 3))),
        Sample(lambda T, a, b: T.linalg.solve(a, b), make=_system((2, 3, 3), (2, 3))),
        Sample(lambda T, a, b: T.linalg.solve(a, b, left=False), make=_system((2, 3, 3), (4, 3))),
    ],
    "linalg_pinv": [
        Sample(lambda T, a: T.linalg.pinv(a), ((4, 3),), ref=np.linalg.pinv),
        Sample(lambda T, a: T.pinverse(a), ((2, 3, 5),)),
        Sample(lambda T, a: a.pinverse(), ((3, 3),)),
        Sample(
            lambda T, a: T.linalg.pinv(a + a.mT, hermitian=True),
            ((3, 3),),
            ref=lambda a: np.linalg.pinv(_symmetric(a)),
        ),
    ],
}
