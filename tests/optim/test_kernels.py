"""The optimizers' fused update ``add_scaled``: one rounding, in place or not."""

from __future__ import annotations

import numpy as np
import pytest

from graphgrad._fma import fma32
from graphgrad.optim._kernels import add_scaled, add_scaled_

SIZES = (1, 1024, 1025, 16384, 16385, 3 * 16384 + 7)


@pytest.mark.parametrize("n", SIZES)
def test_add_scaled_is_one_fma(n: int) -> None:
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal((2, n)).astype(np.float32)
    want = fma32(b, np.float32(-0.01), a)  # PyTorch's add(b, alpha=...) kernel
    assert add_scaled(a, b, -0.01).tobytes() == want.tobytes()
    add_scaled_(a, b, -0.01)
    assert a.tobytes() == want.tobytes()


@pytest.mark.parametrize("transposed", [False, True])
def test_in_place_on_views(transposed: bool) -> None:
    # not contiguous: updated through its strides, the rest of the base untouched
    rng = np.random.default_rng(0)
    base = rng.standard_normal((200, 40)).astype(np.float32)
    keep = base.copy()
    target = base.T if transposed else base[:, ::2]
    b = rng.standard_normal(target.shape).astype(np.float32)
    want = add_scaled(target.copy(), b, 0.5)
    add_scaled_(target, b, 0.5)
    assert np.ascontiguousarray(target).tobytes() == want.tobytes()
    if not transposed:
        assert base[:, 1::2].tobytes() == keep[:, 1::2].tobytes()


def test_in_place_when_the_operand_overlaps() -> None:
    # b is a shifted view of a: a chunk written must not be read back as b
    rng = np.random.default_rng(1)
    buf = rng.standard_normal(40001).astype(np.float32)
    a, b = buf[1:], buf[:-1]
    want = add_scaled(a.copy(), b.copy(), -2.0)
    add_scaled_(a, b, -2.0)
    assert a.tobytes() == want.tobytes()
