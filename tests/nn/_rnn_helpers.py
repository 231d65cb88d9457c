"""Shared by the recurrent-layer tests: twin layers, twin inputs, and the comparisons."""

from __future__ import annotations

import numpy as np

import graphgrad as G


def twin_layers(T, cls: str, kw: dict, seed: int = 0, dtype: str = "double"):
    """The same layer in torch and graphgrad, built after the same ``manual_seed``."""
    T.manual_seed(seed)
    G.manual_seed(seed)
    t, g = getattr(T.nn, cls)(3, 4, **kw), getattr(G.nn, cls)(3, 4, **kw)
    return getattr(t, dtype)(), getattr(g, dtype)()


def twin_leaves(T, array: np.ndarray, dtype: str = "double"):
    """A leaf that requires grad, in torch and in graphgrad, holding ``array``."""
    t = getattr(T.tensor(array), dtype)().requires_grad_()
    g = getattr(G.tensor(array), dtype)().requires_grad_()
    return t, g


def state_shape(layer, batch: tuple, cell: bool = False) -> tuple:
    """The shape of ``h_0`` (or ``c_0`` when ``cell``) for ``batch`` = ``(N,)`` or ``()``."""
    directions = 2 if layer.bidirectional else 1
    size = layer.proj_size if layer.proj_size and not cell else layer.hidden_size
    return (directions * layer.num_layers, *batch, size)


def as_state_tensors(out) -> list:
    """``h_n`` or ``(h_n, c_n)`` as a list of tensors."""
    return list(out) if isinstance(out, tuple) else [out]


def weighted_sum(out, weights: list):
    """``sum(w * x)`` over the output tensors: a loss whose gradient differs everywhere."""
    return sum((x * w).sum() for x, w in zip(out, weights))


def assert_close(a, b, atol: float, rtol: float = 0.0) -> None:
    """``a`` (torch) and ``b`` (graphgrad) hold the same numbers."""
    np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), atol=atol, rtol=rtol)


def assert_same_parameters(t, g, atol: float = 0.0, grads: bool = False) -> None:
    """Same names in the same order; equal values (or gradients) within ``atol``."""
    tp, gp = list(t.named_parameters()), list(g.named_parameters())
    assert [n for n, _ in tp] == [n for n, _ in gp]
    for (name, a), (_, b) in zip(tp, gp):
        a, b = (a.grad, b.grad) if grads else (a, b)
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), atol=atol, err_msg=name)
