"""Set-up shared by the autograd tests: custom Functions built on ``x * 2`` and central
differences."""

from __future__ import annotations

import numpy as np


def doubling(T, name: str, backward, jvp=None):  # noqa: N803 - T is graphgrad or torch
    """``x * 2`` as a ``T.autograd.Function`` called ``name`` with the given ``backward`` (and
    ``jvp``): right when they scale by 2, and a test case when they do not."""
    attrs = {"forward": staticmethod(lambda ctx, x: x * 2), "backward": staticmethod(backward)}
    if jvp is not None:
        attrs["jvp"] = staticmethod(jvp)
    return type(name, (T.autograd.Function,), attrs)


def central_difference(f, x0: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The Jacobian of ``f`` (array to array) at ``x0``, one column per input element."""
    columns = [(f(x0 + eps * e) - f(x0 - eps * e)) / (2 * eps) for e in np.eye(x0.size)]
    return np.stack(columns, axis=1)
