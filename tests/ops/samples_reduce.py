"""Samples for the reduction primitives (ops/reduce/core.py, select.py, stats.py)."""

# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py

from __future__ import annotations

import numpy as np

from .sample import Sample


def _with_zero(shape, where=(0, 1)):
    def make(rng):
        a = rng.uniform(0.5, 1.5, shape) * rng.choice([-1, 1], shape)
        a[where] = 0.0
        return [a]

    return make


def _with_nan(shape):
    def make(rng):
        a = rng.uniform(-2, 2, shape)
        a[0, 1] = a[2, 0] = np.nan
        return [a]

    return make


def _lower_median(a, axis=None):
    s = np.sort(a, axis=axis)
    n = a.size if axis is None else a.shape[axis]
    return s[(n - 1) // 2] if axis is None else np.take(s, (n - 1) // 2, axis=axis)


def _norm(a, p, axis=None, keepdims=False):
    return np.sum(np.abs(a) ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _logsumexp(a, axis, keepdims=False):
    m = a.max(axis=axis, keepdims=True)
    out = np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis)


SAMPLES = {
    "sum": [Sample(lambda T, a: a.sum(), ref=np.sum)],
    "sum_dim": [
        Sample(lambda T, a: a.sum(1), ref=lambda a: a.sum(1)),
        Sample(
            lambda T, a: a.sum((0, 1), keepdim=True), ref=lambda a: a.sum((0, 1), keepdims=True)
        ),
        Sample(lambda T, a: T.sum(a, -1), ((2, 3, 4),), ref=lambda a: a.sum(-1)),
        Sample(lambda T, a: a.sum(-1) * 2, ((),), ref=lambda a: a * 2),
    ],
    "nansum": [
        Sample(lambda T, a: T.nansum(a, 1), ref=lambda a: np.nansum(a, 1)),
        Sample(lambda T, a: a.nansum(), make=_with_nan((3, 4)), ref=np.nansum),
    ],
    "mean": [Sample(lambda T, a: a.mean(), ref=np.mean)],
    "mean_dim": [
        Sample(lambda T, a: a.mean(-1, keepdim=True), ref=lambda a: a.mean(-1, keepdims=True)),
        Sample(lambda T, a: T.mean(a, (0, 2)), ((2, 3, 4),), ref=lambda a: a.mean((0, 2))),
        Sample(lambda T, a: a.mean((-1, 0)) * 2, ((2, 3, 4),), ref=lambda a: a.mean((0, 2)) * 2),
        Sample(lambda T, a: a.mean(0) * 2, ((),), ref=lambda a: a * 2),
    ],
    "prod": [
        Sample(lambda T, a: a.prod(), ((2, 3),), ref=np.prod, low=0.5),
        Sample(lambda T, a: a.prod(), make=_with_zero((2, 3)), ref=np.prod),
    ],
    "prod_dim": [
        Sample(lambda T, a: a.prod(1), ref=lambda a: a.prod(1)),
        Sample(
            lambda T, a: T.prod(a, -1, keepdim=True),
            make=_with_zero((3, 4)),
            ref=lambda a: a.prod(-1, keepdims=True),
        ),
    ],
    "logsumexp": [
        Sample(lambda T, a: a.logsumexp(1), ref=lambda a: _logsumexp(a, 1)),
        Sample(
            lambda T, a: T.logsumexp(a * 300, (0, 1), keepdim=True),
            ref=lambda a: _logsumexp(a * 300, (0, 1), True),
        ),
    ],
    "cumsum": [
        Sample(lambda T, a: a.cumsum(1), ref=lambda a: a.cumsum(1)),
        Sample(lambda T, a: T.cumsum(a, -2), ((2, 3, 2),), ref=lambda a: a.cumsum(-2)),
    ],
    "cumprod": [
        Sample(lambda T, a: a.cumprod(1), ref=lambda a: a.cumprod(1)),
        Sample(
            lambda T, a: T.cumprod(a, 0),
            make=_with_zero((4, 3), ((1, 2), (0, 2))),
            ref=lambda a: a.cumprod(0),
        ),
    ],
    "max": [Sample(lambda T, a: a.max(), ref=np.max)],
    "min": [Sample(lambda T, a: T.min(a), ref=np.min)],
    "median": [Sample(lambda T, a: a.median(), ((3, 5),), ref=_lower_median)],
    "max_dim": [
        Sample(lambda T, a: a.max(1).values, ref=lambda a: a.max(1)),
        Sample(lambda T, a: T.max(a, -1, keepdim=True)[0], ref=lambda a: a.max(-1, keepdims=True)),
    ],
    "min_dim": [Sample(lambda T, a: a.min(dim=0).values, ref=lambda a: a.min(0))],
    "median_dim": [
        Sample(lambda T, a: a.median(1).values, ((3, 5),), ref=lambda a: _lower_median(a, 1))
    ],
    "amax": [
        Sample(lambda T, a: a.amax(), ref=np.max),
        Sample(
            lambda T, a: T.amax(a, (0, 2), keepdim=True),
            ((2, 3, 4),),
            ref=lambda a: a.max((0, 2), keepdims=True),
        ),
    ],
    "amin": [Sample(lambda T, a: a.amin(-1), ref=lambda a: a.min(-1))],
    "var": [
        Sample(lambda T, a: a.var(), ref=lambda a: a.var(ddof=1)),
        Sample(
            lambda T, a: T.var(a, 1, keepdim=True, correction=0),
            ref=lambda a: a.var(1, ddof=0, keepdims=True),
        ),
    ],
    "std": [
        Sample(lambda T, a: a.std(), ref=lambda a: a.std(ddof=1)),
        Sample(lambda T, a: a.std(0, unbiased=False), ref=lambda a: a.std(0)),
    ],
    "var_mean": [
        Sample(
            lambda T, a: T.var_mean(a, 1)[0] * T.var_mean(a, 1)[1],
            ref=lambda a: a.var(1, ddof=1) * a.mean(1),
        )
    ],
    "std_mean": [
        Sample(
            lambda T, a: T.std_mean(a)[0] - T.std_mean(a)[1], ref=lambda a: a.std(ddof=1) - a.mean()
        )
    ],
    "dist": [
        Sample(lambda T, a, b: T.dist(a, b), ((3, 4), (4,)), lambda a, b: _norm(a - b, 2)),
        Sample(lambda T, a, b: T.dist(a, b, 3), ((2, 3), (2, 3)), lambda a, b: _norm(a - b, 3)),
        Sample(lambda T, a, b: T.dist(a, b, 1.5), ((3,), (2, 3)), lambda a, b: _norm(a - b, 1.5)),
    ],
    "vector_norm": [
        Sample(lambda T, a: a.norm(), ref=np.linalg.norm),
        Sample(lambda T, a: a.norm(p=1, dim=1), ref=lambda a: np.abs(a).sum(1), gradgrad=False),
        Sample(
            lambda T, a: T.linalg.vector_norm(a, float("inf"), dim=0),
            ref=lambda a: np.abs(a).max(0),
            gradgrad=False,
        ),
        Sample(
            lambda T, a: T.norm(a, 3, dim=-1, keepdim=True), ref=lambda a: _norm(a, 3, -1, True)
        ),
        Sample(
            lambda T, a: T.linalg.norm(a, dim=(0, 1)),
            ((2, 3, 2),),
            ref=lambda a: _norm(a, 2, (0, 1)),
        ),
        Sample(lambda T, a: a.norm(p=1.5), ref=lambda a: _norm(a, 1.5)),
    ],
}
