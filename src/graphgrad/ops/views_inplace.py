"""In-place writes through a view of a tensor that is part of a graph (issue 6 fills this in)."""

from __future__ import annotations

from ..tensor import Tensor


def rebase_view(t: Tensor, out: Tensor) -> Tensor:
    raise RuntimeError(
        "graphgrad does not yet support in-place operations on a view of a tensor that is part "
        "of a graph; use the out-of-place form (e.g. y = y.add(1)) or index assignment instead"
    )
