# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py
"""Samples for the indexing primitives (ops/index/, ops/views_inplace.py)."""

from __future__ import annotations

import numpy as np

from .sample import Sample, away_from
from .samples_shape import _grad_of

_IDX = [[0, 1, 2, 0], [1, 2, 0, 1]]  # distinct rows within each column: scatter is exact


def _kinked(shape):
    return lambda rng: [away_from(rng.uniform(-2, 2, shape))]


def _write_through_view(T, a):
    w = a * 1
    v = w[1:]
    v.mul_(2)
    return v


def _assign_index(T, a, b):
    w = a * 1
    w[[0, 2]] = b
    return w


def _assign_all(T, a, v):
    w = a * 1
    w[...] = v
    return w


def _put(a, key, b):
    out = a.copy()
    out[key] = b
    return out


def _scatter_ref(a, b, axis, index, add=False):
    out = a.copy()
    index = np.asarray(index)
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    src = b[tuple(slice(0, n) for n in index.shape)]
    if add:
        np.add.at(out, tuple(grid), src)
    else:
        out[tuple(grid)] = src
    return out


def _index_add_ref(a, b, index, alpha):
    out = a.copy()
    np.add.at(out, np.asarray(index), alpha * b)
    return out


def _accumulated(a, g, index):
    out = np.zeros_like(a)
    np.add.at(out, index, g)
    return out


SAMPLES = {
    "select": [
        Sample(lambda T, a: a[1], ref=lambda a: a[1]),
        Sample(lambda T, a: a[:, -1], ref=lambda a: a[:, -1]),
        Sample(lambda T, a: a[0, 2], ref=lambda a: a[0, 2]),
        Sample(lambda T, a: T.select(a, 1, 2), ref=lambda a: a[:, 2]),
    ],
    "slice": [
        Sample(lambda T, a: a[1:], ref=lambda a: a[1:]),
        Sample(lambda T, a: a[:, ::2], ref=lambda a: a[:, ::2]),
        Sample(lambda T, a: a[-3:-1], ((5,),), ref=lambda a: a[-3:-1]),
        Sample(lambda T, a: a.narrow(1, 1, 2), ref=lambda a: a[:, 1:3]),
    ],
    "index": [
        Sample(lambda T, a: a[[0, 2]], ref=lambda a: a[[0, 2]]),
        Sample(lambda T, a: a[:, [1, 3, 1]], ref=lambda a: a[:, [1, 3, 1]]),
        Sample(lambda T, a: a[a > 0], make=_kinked((3, 4)), ref=lambda a: a[a > 0]),
        Sample(lambda T, a: a[[0, 1], [1, 2]], ref=lambda a: a[[0, 1], [1, 2]]),
        Sample(lambda T, a: a[1:, T.tensor([0, 2])], ref=lambda a: a[1:, [0, 2]]),
        Sample(lambda T, a: a[[0, 1], :, [1, 2]], ((2, 3, 4),), ref=lambda a: a[[0, 1], :, [1, 2]]),
    ],
    "index_put": [
        Sample(_assign_index, ((3, 4), (2, 4)), ref=lambda a, b: _put(a, [0, 2], b)),
        Sample(
            lambda T, a, b: T.index_put(a, (T.tensor([0, 0]),), b, accumulate=True),
            ((3, 4), (4,)),
            ref=lambda a, b: _put(a, 0, a[0] + 2 * b),
        ),
    ],
    "index_put_impl": [
        Sample(
            _grad_of(lambda a: a[[0, 2, 0]]),
            ((3, 4), (3, 4)),
            ref=lambda a, g: _accumulated(a, g, [0, 2, 0]),
        ),
    ],
    "select_backward": [
        Sample(_grad_of(lambda a: a[1]), ((3, 4), (4,)), ref=lambda a, g: _put(0 * a, 1, g)),
    ],
    "slice_backward": [
        Sample(
            _grad_of(lambda a: a[1:]),
            ((3, 4), (2, 4)),
            ref=lambda a, g: _put(0 * a, slice(1, None), g),
        ),
    ],
    "fill_tensor": [
        Sample(_assign_all, ((3, 4), ()), ref=lambda a, v: np.full_like(a, v)),
    ],
    "gather": [
        Sample(
            lambda T, a: a.gather(1, T.tensor([[0, 1], [2, 2], [3, 0]])),
            ref=lambda a: np.take_along_axis(a, np.array([[0, 1], [2, 2], [3, 0]]), 1),
        ),
        Sample(
            lambda T, a: T.take_along_dim(a, T.tensor([[0], [2], [1]]), 1),
            ref=lambda a: np.take_along_axis(a, np.array([[0], [2], [1]]), 1),
        ),
    ],
    "scatter": [
        Sample(
            lambda T, a, b: a.scatter(0, T.tensor(_IDX), b),
            ((3, 4), (2, 4)),
            ref=lambda a, b: _scatter_ref(a, b, 0, _IDX),
        ),
        # src larger than index: PyTorch 2.13's backward fails on it ("invalid gradient").
        Sample(
            lambda T, a, b: a.scatter(0, T.tensor(_IDX), b),
            ((3, 4), (3, 4)),
            ref=lambda a, b: _scatter_ref(a, b, 0, _IDX),
            parity=False,
        ),
    ],
    "scatter_value": [
        Sample(
            lambda T, a: a.scatter(1, T.tensor(_IDX)[:, :3], 2.5),
            ((2, 4),),
            ref=lambda a: _scatter_ref(a, np.full((2, 3), 2.5), 1, np.array(_IDX)[:, :3]),
        ),
    ],
    "scatter_add": [
        Sample(
            lambda T, a, b: a.scatter_add(0, T.tensor([[0, 0, 2, 1], [1, 0, 0, 1]]), b),
            ((3, 4), (2, 4)),
            ref=lambda a, b: _scatter_ref(a, b, 0, [[0, 0, 2, 1], [1, 0, 0, 1]], add=True),
        ),
        Sample(
            lambda T, a, b: a.scatter_add(0, T.tensor([[0, 0, 2, 1]]), b),
            ((3, 4), (2, 4)),
            ref=lambda a, b: _scatter_ref(a, b, 0, [[0, 0, 2, 1]], add=True),
            parity=False,
        ),
    ],
    "index_select": [
        Sample(lambda T, a: a.index_select(0, T.tensor([2, 0, 2])), ref=lambda a: a[[2, 0, 2]]),
        Sample(lambda T, a: T.index_select(a, -1, T.tensor([1])), ref=lambda a: a[:, [1]]),
    ],
    "index_add": [
        Sample(
            lambda T, a, b: a.index_add(0, T.tensor([0, 2, 0]), b, alpha=2),
            ((3, 4), (3, 4)),
            ref=lambda a, b: _index_add_ref(a, b, [0, 2, 0], 2),
        ),
    ],
    "masked_fill": [
        Sample(
            lambda T, a: a.masked_fill(a > 0, 0.5),
            make=_kinked((3, 4)),
            ref=lambda a: np.where(a > 0, 0.5, a),
        ),
        Sample(
            lambda T, a: a.masked_fill(T.tensor([True, False, True, False]), -1.0),
            ref=lambda a: np.where([True, False, True, False], -1.0, a),
        ),
    ],
    "masked_fill_tensor": [
        Sample(
            lambda T, a, v: a.masked_fill(T.tensor([[True], [False], [True]]), v),
            ((3, 4), ()),
            ref=lambda a, v: np.where([[True], [False], [True]], v, a),
        ),
    ],
    "masked_select": [
        Sample(lambda T, a: a.masked_select(a > 0), make=_kinked((3, 4)), ref=lambda a: a[a > 0]),
        Sample(
            lambda T, a: T.masked_select(a, T.tensor([True, False, True, True])),
            ref=lambda a: a[:, [0, 2, 3]].ravel(),
        ),
    ],
    "take": [
        Sample(lambda T, a: a.take(T.tensor([0, 5, 11, 5])), ref=lambda a: a.ravel()[[0, 5, 11, 5]])
    ],
    "as_strided": [
        Sample(_write_through_view, ((4,),), ref=lambda a: 2 * a[1:]),
        Sample(
            lambda T, a: T.as_strided(a, (2, 2), (1, 4), 1),
            ref=lambda a: np.array([[a.flat[1], a.flat[5]], [a.flat[2], a.flat[6]]]),
        ),
        Sample(
            lambda T, a: T.as_strided(a, (3, 2), (1, 1)),
            ((4,),),
            ref=lambda a: np.array([[a[0], a[1]], [a[1], a[2]], [a[2], a[3]]]),
        ),
    ],
    "as_strided_scatter": [
        # PyTorch 2.13 gets ``input``'s gradient wrong here (it keeps only the overwritten
        # positions, instead of zeroing them); gradcheck checks ours.
        Sample(
            lambda T, a, b: T.as_strided_scatter(a, b, (2,), (5,), 1),
            ((3, 4), (2,)),
            ref=lambda a, b: _put(a.ravel(), [1, 6], b).reshape(3, 4),
            parity=False,
        ),
    ],
}
