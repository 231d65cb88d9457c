"""Faults: an exception (KeyboardInterrupt included) in the middle of backward, of a
checkpoint's recomputation or of a forward-AD op leaves no global state behind: grad mode,
anomaly mode, forward-AD propagation and the RNG are as they were, as in PyTorch."""

from __future__ import annotations

import pytest

import graphgrad
import graphgrad.utils.checkpoint  # noqa: F401 - T.utils.checkpoint below
from graphgrad.utils.checkpoint import checkpoint


def _rng_after(T, reentrant: bool, backward: bool, interrupt: bool) -> list:
    """The random numbers drawn after a checkpointed segment, with or without its backward."""
    T.manual_seed(0)
    x = T.ones(3, requires_grad=True)
    calls = []

    def segment(t):
        calls.append(1)
        if interrupt and len(calls) == 2:  # the recomputation
            T.rand(5)
            raise KeyboardInterrupt
        return T.nn.functional.dropout(t, 0.5) * t

    y = T.utils.checkpoint.checkpoint(segment, x, use_reentrant=reentrant)
    T.rand(1)  # the RNG moves on between forward and backward
    if backward:
        with pytest.raises(KeyboardInterrupt) if interrupt else _nothing():
            y.sum().backward()
    return [T.rand(4).tolist(), T.is_grad_enabled()]


class _nothing:  # noqa: N801 - a null context manager
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("reentrant", [True, False])
@pytest.mark.parametrize("interrupt", [False, True])
def test_checkpoint_recomputation_forks_the_rng(reentrant, interrupt):
    # the recomputation replays the forward's RNG state, then puts back the current one
    plain = _rng_after(graphgrad, reentrant, False, False)
    assert _rng_after(graphgrad, reentrant, True, interrupt) == plain


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_rng_matches_torch(reentrant):
    torch = pytest.importorskip("torch")
    for interrupt in (False, True):
        ours = _rng_after(graphgrad, reentrant, True, interrupt)
        theirs = _rng_after(torch, reentrant, True, interrupt)
        assert ours[1] == theirs[1]
        # the same draws as without the backward, in both libraries
        assert (ours == _rng_after(graphgrad, reentrant, False, False)) == (
            theirs == _rng_after(torch, reentrant, False, False)
        )


class _Interrupting(graphgrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        raise KeyboardInterrupt


@pytest.mark.parametrize("create_graph", [False, True])
def test_interrupted_backward_leaves_no_mode_behind(create_graph):
    x = graphgrad.ones(2, requires_grad=True)
    with pytest.warns(UserWarning):
        with graphgrad.autograd.detect_anomaly():
            y = _Interrupting.apply(x).sum()
            with graphgrad.no_grad():
                with pytest.raises(KeyboardInterrupt):
                    graphgrad.autograd.backward(y, create_graph=create_graph)
                assert not graphgrad.is_grad_enabled()
        assert graphgrad.is_anomaly_enabled() is False
    assert graphgrad.is_grad_enabled()
    # the graph is usable again and gives the usual gradient
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_interrupted_recomputation_runs_again_on_the_next_backward():
    x = graphgrad.ones(3, requires_grad=True)
    calls = []

    def segment(t):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return t.sin() * t

    y = checkpoint(segment, x, use_reentrant=False).sum()
    with pytest.raises(KeyboardInterrupt):
        y.backward(retain_graph=True)
    y.backward()
    expected = (graphgrad.ones(3).cos() + graphgrad.ones(3).sin()).tolist()
    assert x.grad.tolist() == pytest.approx(expected)


def test_interrupted_forward_ad_op_leaves_propagation_on():
    fwAD = graphgrad.autograd.forward_ad

    class Boom(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            raise KeyboardInterrupt

    with fwAD.dual_level():
        d = fwAD.make_dual(graphgrad.ones(2), graphgrad.ones(2))
        with pytest.raises(KeyboardInterrupt):
            Boom.apply(d)
        assert fwAD.unpack_dual(d * 5).tangent.tolist() == [5.0, 5.0]
