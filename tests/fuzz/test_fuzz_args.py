"""Out-of-range and ill-typed arguments: dims, sizes, indices and steps drawn around the
valid range. graphgrad must raise what torch raises (same exception type), or succeed with
the same result."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("hypothesis")
pytest.importorskip("torch")  # the oracle

from hypothesis import given
from hypothesis import strategies as st

from . import oracle
from .strategies import shapes

CALLS = {
    "sum_dim": lambda T, x, d, n: x.sum(d),
    "mean_dim": lambda T, x, d, n: x.mean(d),
    "amax": lambda T, x, d, n: x.amax(d),
    "softmax": lambda T, x, d, n: x.softmax(d),
    "cumsum": lambda T, x, d, n: x.cumsum(d),
    "transpose": lambda T, x, d, n: x.transpose(d, n),
    "unsqueeze": lambda T, x, d, n: x.unsqueeze(d),
    "squeeze_dim": lambda T, x, d, n: x.squeeze(d),
    "select": lambda T, x, d, n: x.select(d, n),
    "narrow": lambda T, x, d, n: x.narrow(d, n, 1),
    "flip": lambda T, x, d, n: x.flip(d),
    "roll": lambda T, x, d, n: x.roll(n, d),
    "split": lambda T, x, d, n: x.split(max(n, 1), d),
    "chunk": lambda T, x, d, n: x.chunk(max(n, 1), d),
    "cat": lambda T, x, d, n: T.cat([x, x], d),
    "stack": lambda T, x, d, n: T.stack([x, x], d),
    "index_select": lambda T, x, d, n: x.index_select(d, T.tensor([n])),
    "gather": lambda T, x, d, n: x.gather(d, T.full(x.shape, n, dtype=T.int64)),
    "diagonal": lambda T, x, d, n: x.diagonal(n, 0, d),
    "repeat": lambda T, x, d, n: x.repeat(*([max(n, 0)] * max(x.ndim, 1))),
    "reshape": lambda T, x, d, n: x.reshape(n, -1),
    "expand": lambda T, x, d, n: x.expand(*([n] * x.ndim)),
    "tril": lambda T, x, d, n: x.tril(n),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@given(data=st.data())
def test_arguments_around_the_range(name, data):
    shape = data.draw(shapes(max_dims=3, max_side=3), label="shape")
    a = np.arange(float(np.prod(shape))).reshape(shape) - 2.0
    d = data.draw(st.integers(-len(shape) - 2, len(shape) + 1), label="dim")
    n = data.draw(st.integers(-4, 4), label="n")
    oracle.check(
        name,
        lambda T, x: CALLS[name](T, x, d, n),
        [a],
        noncontig=[data.draw(st.booleans())],
        note=f" (dim={d}, n={n})",
    )
