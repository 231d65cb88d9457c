# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""forward_ad: levels, dual tensors, their printing and errors (spec §3.20), custom Function
jvp, in-place ops on duals, and forward mode composed with reverse mode."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad


def _scenario(T):
    fwAD = T.autograd.forward_ad
    x = T.tensor([1.0, 2.0])
    out = []
    with fwAD.dual_level() as level:
        out.append(level)
        d = fwAD.make_dual(x, T.tensor([1.0, 0.0]))
        out.append((repr(d), d is x, d._base is x, d.requires_grad))
        out.append(repr(fwAD.unpack_dual(d.detach())))
        y = d.sin() * d
        out.append(repr(y))
        up = fwAD.unpack_dual(y)
        out.append((type(up).__name__, up._fields, repr(fwAD.unpack_dual(up.primal))))
        out.append(repr(fwAD.unpack_dual(x)))
        e = d * 1
        e.mul_(3)
        out.append(repr(fwAD.unpack_dual(e)))
        out.append(repr(fwAD.unpack_dual(d.sum())) + repr(fwAD.unpack_dual(d[0])))
        for call in (lambda: fwAD.make_dual(x, T.ones(3)), lambda: fwAD.enter_dual_level()):
            try:
                call()
            except RuntimeError as err:
                out.append(str(err))
    out.append(repr(fwAD.unpack_dual(y)))  # the tangent is gone with its level
    try:
        fwAD.make_dual(x, x)
    except RuntimeError as err:
        out.append(str(err))
    return out


def test_forward_ad_scenario():
    got = _scenario(graphgrad)
    assert got[0] == 0
    assert got[1] == ("tensor([1., 2.], tangent=tensor([1., 0.]))", False, True, False)
    assert got[3] == "tensor([0.8415, 1.8186], tangent=tensor([1.3818, 0.0000]))"
    assert got[6] == ("UnpackedDualTensor(primal=tensor([3., 6.]), tangent=tensor([3., 0.]))")
    assert got[-1] == (
        "Trying to create a dual Tensor for forward AD but no level exists, make "
        "sure to enter_dual_level() first."
    )


def test_forward_ad_parity():
    torch = pytest.importorskip("torch")
    assert _scenario(graphgrad) == _scenario(torch)


def test_custom_function_jvp():
    class Cube(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_forward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            raise AssertionError("not used")

        @staticmethod
        def jvp(ctx, t):
            (x,) = ctx.saved_for_forward
            return 3 * x**2 * t

    fwAD = graphgrad.autograd.forward_ad
    with fwAD.dual_level():
        d = fwAD.make_dual(graphgrad.tensor([1.0, 2.0]), graphgrad.tensor([1.0, 1.0]))
        assert fwAD.unpack_dual(Cube.apply(d)).tangent.tolist() == [3.0, 12.0]


def test_reverse_over_forward():
    # The tangent is an ordinary recorded tensor: reverse mode differentiates it.
    fwAD = graphgrad.autograd.forward_ad
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(w, graphgrad.tensor([1.0, 0.0]))
        assert d.grad_fn.name() == "ViewBackward0"
        t = fwAD.unpack_dual((d**3).sum()).tangent
        assert t.item() == 3.0 and t.grad_fn is not None
        (g,) = graphgrad.autograd.grad(t, w)
    assert g.tolist() == [6.0, 0.0]


def test_forward_over_reverse_through_saved_outputs():
    # exp's backward reads its saved output: forward mode must see that output's tangent.
    f = graphgrad.func
    x = graphgrad.tensor([0.5, -1.0], dtype=graphgrad.float64)
    v = graphgrad.tensor([1.0, 2.0], dtype=graphgrad.float64)
    _, hvp = f.jvp(f.grad(lambda a: (a.exp() * a.tanh()).sum()), (x,), (v,))
    h = f.jacrev(f.jacrev(lambda a: (a.exp() * a.tanh()).sum()))(x)
    np.testing.assert_allclose(hvp.numpy(), h.numpy() @ v.numpy(), rtol=1e-12)


def test_missing_forward_rule_falls_back_to_transposed_backward():
    from graphgrad.ops.primitive import REGISTRY

    gaps = [n for n, p in REGISTRY.items() if p.jvp is None]
    if not gaps:
        pytest.skip("every primitive has its own forward rule")
    from .test_forward_vs_reverse import KNOWN_GAPS

    assert set(gaps) <= KNOWN_GAPS
