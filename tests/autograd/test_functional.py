# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp (spec §3.18)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
from graphgrad.autograd import functional as F  # noqa: N812

from ._helpers import central_difference


def _cases(T):
    """Calls with the same arguments through module ``T``; shapes, values and messages."""
    f = T.autograd.functional
    x = T.tensor([1.0, 2.0, 3.0])
    out = []

    def record(call):
        try:
            r = call()
        except Exception as e:  # noqa: BLE001 - the type and message are what we compare
            out.append((type(e).__name__, str(e)))
            return
        out.append(_plain(r))

    record(lambda: f.jacobian(lambda a: a**2, x))
    record(
        lambda: f.jacobian(
            lambda a, b: (a.sum() * b.sum()).expand(3), (T.ones(2, 2), T.ones(2, 3, 1))
        )
    )
    record(lambda: f.jacobian(lambda a: (a * 2, a.sum()), T.ones(2)))
    record(lambda: f.jacobian(lambda a, b: (a * b, a + b), (T.ones(2), T.ones(2))))
    record(lambda: f.jacobian(lambda a: a.sum(), T.ones(2, 3)))
    record(lambda: f.hessian(lambda a: (a**3).sum(), x))
    record(lambda: f.hessian(lambda a: (a**3).sum(), T.ones(2, 2)))
    record(lambda: f.hessian(lambda a, b: (a**2 * b).sum(), (T.ones(2), T.ones(2))))
    record(lambda: f.hessian(lambda a: a**2, x))
    record(lambda: f.vjp(lambda a: a**2, x, T.ones(3)))
    record(lambda: f.vjp(lambda a: a**2, x))
    record(lambda: f.vjp(lambda a: (a**2).sum(), x))
    record(lambda: f.jvp(lambda a: a**2, x, T.ones(3)))
    record(lambda: f.jvp(lambda a: a.sum(), x, T.ones(3)))
    record(lambda: f.hvp(lambda a: (a**3).sum(), x, T.ones(3)))
    record(lambda: f.vhp(lambda a: (a**3).sum(), x, T.ones(3)))
    record(lambda: f.vjp(lambda a, b: a * b, (x, x), T.ones(3)))
    record(lambda: f.vjp(lambda a: a**2, x, T.ones(2)))
    record(lambda: f.vjp(lambda a: a**2, 3))
    record(lambda: f.vjp(lambda a: a * 0 + 1, x, T.ones(3), strict=True))
    record(lambda: f.vjp(lambda a: T.ones(3), x, T.ones(3), strict=True))
    record(lambda: f.vjp(lambda a: T.ones(3), x, T.ones(3)))
    record(lambda: f.jacobian(lambda a: a * 2, x, strategy="forward-mode"))
    record(lambda: f.jacobian(lambda a: a * 2, x, vectorize=True))
    return out


def _plain(r):
    """Nested tuples of tensors as nested tuples of (shape, rounded values, requires_grad)."""
    if isinstance(r, tuple):
        return tuple(_plain(e) for e in r)
    return (tuple(r.shape), np.round(r.detach().numpy().astype(float), 5).tolist(), r.requires_grad)


def test_functional_values():
    got = _cases(graphgrad)
    assert got[0] == ((3, 3), [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]], False)
    assert [g[0] for g in got[1]] == [(3, 2, 2), (3, 2, 3, 1)]
    assert [g[0] for g in got[2]] == [(2, 2), (2,)]
    assert [[e[0] for e in row] for row in got[3]] == [[(2, 2), (2, 2)], [(2, 2), (2, 2)]]
    assert got[5][1] == [[6.0, 0.0, 0.0], [0.0, 12.0, 0.0], [0.0, 0.0, 18.0]]
    assert got[8] == (
        "RuntimeError",
        "The Tensor returned by the function given to hessian should contain a single element",
    )
    assert got[14] == (((), 36.0, False), ((3,), [6.0, 12.0, 18.0], False))


def test_functional_parity():
    torch = pytest.importorskip("torch")
    assert _cases(graphgrad) == _cases(torch)


def test_create_graph_keeps_results_differentiable():
    x = graphgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    j = F.jacobian(lambda a: a**3, x, create_graph=True)
    assert j.requires_grad
    (g,) = graphgrad.autograd.grad(j.sum(), x)
    assert g.tolist() == [6.0, 12.0, 18.0]
    assert not F.jacobian(lambda a: a**3, x).requires_grad
    out, v = F.jvp(lambda a: a**2, x, graphgrad.ones(3), create_graph=True)
    assert out.requires_grad and v.requires_grad


def test_against_finite_differences():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 2))

    def f(x):
        return (graphgrad.tensor(a) @ x).tanh()

    x0 = rng.standard_normal(2)
    j = F.jacobian(f, graphgrad.tensor(x0)).numpy()
    numeric = central_difference(lambda v: f(graphgrad.tensor(v)).numpy(), x0)
    np.testing.assert_allclose(j, numeric, rtol=1e-6, atol=1e-8)
    h = F.hessian(lambda x: f(x).sum(), graphgrad.tensor(x0)).numpy()
    num_h = central_difference(
        lambda v: F.jacobian(lambda x: f(x).sum(), graphgrad.tensor(v)).numpy(), x0
    )
    np.testing.assert_allclose(h, num_h, rtol=1e-5, atol=1e-7)
