"""The gradient checks of the op test files that list ``GRAD_CASES``.

A case is ``(fn, shapes)``: ``fn(T, *inputs)`` computes with module ``T`` (graphgrad or torch)
from random float64 inputs of those shapes, returning a tensor or a tuple of them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def random_inputs(T, shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [T.tensor(rng.uniform(-2, 2, s), requires_grad=True) for s in shapes]


def weighted_grads(T, case) -> list:
    """The inputs' gradients of the outputs' elements weighted 1, 2, 3... (so that a gradient
    sent to the wrong element shows)."""
    fn, shapes = case
    inputs = random_inputs(T, shapes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(T, *inputs)
    outs = out if isinstance(out, tuple) else (out,)
    weights = [T.arange(1.0, o.numel() + 1, dtype=T.float64).reshape(o.shape) for o in outs]
    sum((o * w).sum() for o, w in zip(outs, weights)).backward()
    return [t.grad.numpy() for t in inputs]


def assert_grads_match_torch(case, rtol: float, atol: float) -> None:
    for g, w in zip(weighted_grads(gg, case), weighted_grads(torch, case), strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def assert_gradchecks(case, seed: int = 4) -> None:
    """gradcheck and gradgradcheck of the case, on other inputs than the torch comparison's."""
    fn, shapes = case
    inputs = random_inputs(gg, shapes, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(lambda *xs: fn(gg, *xs), inputs)
        assert gradgradcheck(lambda *xs: fn(gg, *xs), inputs)
