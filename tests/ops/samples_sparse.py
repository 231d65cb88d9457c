"""Samples for the sparse-operand primitives (ops/sparse/products.py): the dense operand is the
input; the sparse one, fixed here and built in the input's dtype, is a parameter."""

# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py

from __future__ import annotations

import numpy as np

from .sample import Sample

# Uncoalesced: out of order, with a duplicate at (0, 1).
_INDICES = [[0, 2, 1, 0, 2], [1, 0, 3, 1, 2]]
_VALUES = [0.5, -1.25, 2.0, 1.5, -0.75]
_DENSE = np.zeros((3, 4))
np.add.at(_DENSE, tuple(np.array(_INDICES)), _VALUES)


def _sparse(T, like):
    """The (3, 4) sparse matrix, in ``like``'s dtype."""
    return T.sparse_coo_tensor(_INDICES, _VALUES, (3, 4), dtype=like.dtype, check_invariants=True)


SAMPLES = {
    "sparse_mm": [
        Sample(lambda T, d: T.mm(_sparse(T, d), d), ((4, 2),), lambda d: _DENSE @ d),
        Sample(lambda T, d: d @ _sparse(T, d), ((5, 3),), lambda d: d @ _DENSE),
        Sample(lambda T, d: T.spmm(_sparse(T, d).t(), d), ((3, 2),), lambda d: _DENSE.T @ d),
        Sample(lambda T, d: T.mm(d, _sparse(T, d).t()), ((2, 4),), lambda d: d @ _DENSE.T),
    ],
    "sparse_addmm": [
        Sample(lambda T, d: T.sparse.mm(_sparse(T, d), d), ((4, 2),), lambda d: _DENSE @ d),
        Sample(lambda T, d: T.sparse.mm(d, _sparse(T, d)), ((5, 3),), lambda d: d @ _DENSE),
    ],
    "add_sparse": [
        Sample(lambda T, d: d + _sparse(T, d), ((3, 4),), lambda d: d + _DENSE),
        Sample(
            lambda T, d: T.add(d, _sparse(T, d), alpha=-2.5), ((3, 4),), lambda d: d - 2.5 * _DENSE
        ),
    ],
    "sub_sparse": [
        Sample(lambda T, d: d - _sparse(T, d), ((3, 4),), lambda d: d - _DENSE),
        Sample(lambda T, d: T.sub(d, _sparse(T, d), alpha=3), ((3, 4),), lambda d: d - 3 * _DENSE),
    ],
}
