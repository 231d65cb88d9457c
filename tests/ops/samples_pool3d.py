# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Samples for the 3-D pooling primitives (max_pool3d, avg_pool3d)."""

from __future__ import annotations

from .sample import Sample


def _f(T):
    return T.nn.functional


SAMPLES = {
    "max_pool3d": [
        Sample(lambda T, x: _f(T).max_pool3d(x, 2), ((2, 2, 4, 4, 4),)),
        Sample(
            lambda T, x: _f(T).max_pool3d(
                x, (2, 3, 2), stride=(1, 2, 2), padding=1, ceil_mode=True
            ),
            ((1, 2, 4, 5, 3),),
        ),  # fmt: skip
        Sample(lambda T, x: _f(T).max_pool3d(x, 2, stride=1, dilation=2), ((1, 1, 5, 4, 5),)),
    ],
    "avg_pool3d": [
        Sample(lambda T, x: _f(T).avg_pool3d(x, 2), ((2, 2, 4, 4, 4),)),
        Sample(
            lambda T, x: _f(T).avg_pool3d(
                x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
            ),
            ((1, 2, 5, 6, 5),),
        ),  # fmt: skip
        Sample(
            lambda T, x: _f(T).avg_pool3d(x, 2, padding=1, divisor_override=3), ((1, 1, 3, 4, 3),)
        ),
    ],
}
