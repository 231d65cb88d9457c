"""What the sparse tests share: small sparse tensors built the same way in graphgrad and torch
(``T``), and comparing a case's outcome, a sparse result by its repr, coalesced flag and indices.
torch is asked to check invariants (graphgrad always does), which also keeps it from warning
that it does not."""

# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)

from __future__ import annotations

import numpy as np

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

I3 = [[0, 1, 1], [2, 0, 2]]
V3 = [3.0, 4.0, 5.0]
TINY = 2.0**-24  # 1 + TINY rounds to 1 in float32: shows the order values are added in


def coo(T, indices=I3, values=V3, size=(2, 3), **kwargs):
    """A sparse tensor, by default the (2, 3) one of I3 and V3 (uncoalesced)."""
    return T.sparse_coo_tensor(indices, values, size, check_invariants=True, **kwargs)


def inferred(T, indices, values):
    """A sparse tensor whose size is inferred."""
    return T.sparse_coo_tensor(indices, values, check_invariants=True)


def result(T, case):
    """``outcome`` of ``case(T)``, with a sparse result as comparable values."""
    try:
        value = case(T)
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)
    if isinstance(value, T.Tensor) and value.is_sparse:
        return "sparse", repr(value), value.is_coalesced(), value._indices().numpy().copy()
    return outcome(T, lambda _: value)


def assert_same_result(case, torch, message: bool = True) -> None:
    """``case`` gives the same result (or error) in graphgrad as in ``torch``."""
    got, want = result(gg, case), result(torch, case)
    if got[0] == "sparse":
        assert got[:3] == want[:3], f"graphgrad {got}, torch {want}"
        np.testing.assert_array_equal(got[3], want[3])
    else:
        assert_same(got, want, message)
