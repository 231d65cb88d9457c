"""Samples for the matrix-product primitives (ops/linalg/products.py, ops/einsum.py,
ops/linalg/inverse.py)."""

# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py

from __future__ import annotations

import numpy as np

from .sample import Sample


def _invertible(shape):
    n = shape[-1]
    return lambda rng: [rng.uniform(-1, 1, shape) + 3 * np.eye(n)]


SAMPLES = {
    "mm": [
        Sample(lambda T, a, b: a @ b, ((2, 3), (3, 4)), np.matmul),
        Sample(lambda T, a, b: T.mm(a, b), ((40, 30), (30, 20)), np.matmul),
        Sample(lambda T, a, b: a.mm(b.t()), ((2, 3), (4, 3)), lambda a, b: a @ b.T),
    ],
    "bmm": [
        Sample(lambda T, a, b: T.bmm(a, b), ((5, 2, 3), (5, 3, 4)), np.matmul),
        Sample(
            lambda T, a, b: a.bmm(b.mT),
            ((2, 3, 4), (2, 5, 4)),
            lambda a, b: a @ np.swapaxes(b, 1, 2),
        ),
    ],
    "mv": [
        Sample(lambda T, a, b: a @ b, ((2, 3), (3,)), np.matmul),
        Sample(lambda T, a, b: T.mv(a, b), ((4, 2), (2,)), np.matmul),
    ],
    "dot": [
        Sample(lambda T, a, b: a @ b, ((3,), (3,)), np.dot),
        Sample(lambda T, a, b: T.dot(a, b), ((5,), (5,)), np.dot),
    ],
    "matmul_squeeze": [Sample(lambda T, a, b: a @ b, ((3,), (3, 4)), np.matmul)],
    "matmul_unsafe_view": [
        Sample(lambda T, a, b: a @ b, ((5, 2, 3), (5, 3, 4)), np.matmul),
        Sample(lambda T, a, b: T.matmul(a, b), ((5, 2, 3), (3, 4)), np.matmul),
        Sample(lambda T, a, b: a @ b, ((2, 3), (5, 3, 4)), np.matmul),
        Sample(lambda T, a, b: a @ b, ((2, 4, 2, 3), (4, 3, 2)), np.matmul),
        Sample(lambda T, a, b: a @ b, ((4, 2, 3), (3,)), np.matmul),
        Sample(lambda T, a, b: a @ b, ((2,), (4, 2, 3)), np.matmul),
    ],
    "addmm": [
        Sample(
            lambda T, c, a, b: T.addmm(c, a, b), ((4,), (2, 3), (3, 4)), lambda c, a, b: c + a @ b
        ),
        Sample(
            lambda T, c, a, w: T.addmm(c, a, w.t(), beta=0.5, alpha=2),
            ((2, 1), (2, 3), (4, 3)),
            lambda c, a, w: 0.5 * c + 2 * (a @ w.T),
        ),
    ],
    "baddbmm": [
        Sample(
            lambda T, c, a, b: T.baddbmm(c, a, b, beta=2, alpha=0.5),
            ((4,), (2, 2, 3), (2, 3, 4)),
            lambda c, a, b: 2 * c + 0.5 * (a @ b),
        )
    ],
    "einsum": [
        Sample(lambda T, a, b: T.einsum("ij,jk->ik", a, b), ((2, 3), (3, 4)), np.matmul),
        Sample(lambda T, a, b: T.einsum("...ij,...jk", a, b), ((5, 2, 3), (1, 3, 4)), np.matmul),
        Sample(
            lambda T, a, b, c: T.einsum("ij,jk,kl->il", a, b, c),
            ((2, 3), (3, 4), (4, 2)),
            lambda a, b, c: a @ b @ c,
        ),
        Sample(
            lambda T, a, b: T.einsum("iij,jk->ki", a, b),
            ((3, 3, 2), (2, 4)),
            lambda a, b: np.einsum("iij,jk->ki", a, b),
        ),
        Sample(
            lambda T, a, b: T.einsum("ij,jk->i", a, b),
            ((2, 1), (3, 4)),
            lambda a, b: np.einsum("ij,jk->i", a, b),
        ),
        Sample(
            lambda T, a, b: T.tensordot(a, b, dims=([0, 2], [0, 1])),
            ((5, 2, 3), (5, 3, 4)),
            lambda a, b: np.tensordot(a, b, ([0, 2], [0, 1])),
        ),
    ],
    # PyTorch computes a diagonal with diagonal() + permute: its top node differs (see
    # tests/ops/linalg/test_linalg.py, which compares values and gradients with torch for these).
    "einsum_unary": [
        Sample(lambda T, a: T.einsum("ii->i", a), ((3, 3),), np.diagonal, parity=False),
        Sample(
            lambda T, a: T.einsum("iji", a),
            ((3, 2, 3),),
            lambda a: np.einsum("iji", a),
            parity=False,
        ),
    ],
    "inv": [
        Sample(lambda T, a: T.linalg.inv(a), make=_invertible((3, 3)), ref=np.linalg.inv),
        Sample(lambda T, a: a.inverse(), make=_invertible((2, 3, 3)), ref=np.linalg.inv),
    ],
    "det": [
        Sample(lambda T, a: T.linalg.det(a), make=_invertible((3, 3)), ref=np.linalg.det),
        Sample(lambda T, a: a.det(), make=_invertible((2, 2, 2)), ref=np.linalg.det),
    ],
}
