# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""gradcheck / gradgradcheck: PyTorch's signatures, messages and verdicts (spec §3.17)."""

from __future__ import annotations

import inspect
import warnings

import pytest

import graphgrad
from graphgrad.autograd import GradcheckError, gradcheck, gradgradcheck

from ._helpers import doubling


def _wrong_backward(T):
    return doubling(T, "Bad", lambda ctx, g: g * 3, jvp=lambda ctx, t: t * 2)


def _messages(T):
    from importlib import import_module

    gc = import_module(T.__name__ + ".autograd.gradcheck")
    x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
    out = []
    for call in (
        lambda: T.autograd.gradcheck(_wrong_backward(T).apply, (x,)),
        lambda: T.autograd.gradcheck(lambda a: a * 2, (T.ones(2, dtype=T.float64),)),
        lambda: T.autograd.gradcheck(lambda a: a.detach() * 2, (x,)),
        lambda: T.autograd.gradcheck(lambda a: a * 2, (x.detach().expand(2, 2).requires_grad_(),)),
        lambda: T.autograd.gradcheck(lambda a: (a * 2).int(), (x,)),
    ):
        try:
            out.append(("ok", call()))
        except (gc.GradcheckError, ValueError, RuntimeError) as e:
            out.append((type(e).__name__, str(e)))
    out.append(T.autograd.gradcheck(_wrong_backward(T).apply, (x,), raise_exception=False))
    out.append(T.autograd.gradcheck(lambda a: (a * 2, a.detach()), (x,)))
    out.append(T.autograd.gradcheck(lambda a, b: a * b, (x, T.ones(2, dtype=T.float64))))
    return out


def test_messages():
    got = _messages(graphgrad)
    assert got[0] == (
        "GradcheckError",
        (
            "Jacobian mismatch for output 0 with respect to input 0,\n"
            "numerical:tensor([[2.0000, 0.0000],\n        [0.0000, 2.0000]], dtype=torch.float64)\n"
            "analytical:tensor([[3., 0.],\n        [0., 3.]], dtype=torch.float64)\n"
        ),
    )
    assert got[1] == (
        "ValueError",
        "gradcheck expects at least one input tensor to require "
        "gradient, but none of them have requires_grad=True.",
    )
    assert got[2] == ("GradcheckError", "Numerical gradient for function expected to be zero")
    assert got[3][0] == "RuntimeError" and "dimension with stride 0" in got[3][1]
    assert got[4] == ("ok", True)  # integral outputs have no Jacobian to check
    assert got[5:] == [False, True, True]


def test_messages_parity():
    torch = pytest.importorskip("torch")
    assert _messages(graphgrad) == _messages(torch)


def test_signatures_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in (
        (gradcheck, torch.autograd.gradcheck),
        (gradgradcheck, torch.autograd.gradgradcheck),
    ):
        a, b = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
        assert [(n, p.kind, p.default) for n, p in a.items()] == [
            (n, p.kind, p.default) for n, p in b.items()
        ]


def test_float32_warning_and_failure():
    y = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        gradcheck(graphgrad.sin, (y,), raise_exception=False)
    assert str(w[0].message) == (
        "Input #0 requires gradient and is not a double precision floating point or complex. "
        "This check will likely fail if all the inputs are not of double precision floating "
        "point or complex. "
    )


def test_forward_mode_check():
    x = graphgrad.tensor([1.0, 2.0], dtype=graphgrad.float64, requires_grad=True)
    assert gradcheck(graphgrad.sin, (x,), check_forward_ad=True)
    assert gradcheck(lambda a: (a * a).sum(), (x,), check_forward_ad=True, check_backward_ad=False)
    bad_jvp = doubling(graphgrad, "BadJvp", lambda ctx, g: g * 2, jvp=lambda ctx, t: t * 3)
    with pytest.raises(
        GradcheckError,
        match="Jacobian computed with forward mode mismatch for output 0 with respect to input 0",
    ):
        gradcheck(bad_jvp.apply, (x,), check_forward_ad=True)


def test_gradgradcheck_catches_a_non_differentiable_backward():
    class Detached(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x.detach()

    x = graphgrad.tensor([1.0, 2.0], dtype=graphgrad.float64, requires_grad=True)
    assert gradcheck(Detached.apply, (x,))
    assert not gradgradcheck(Detached.apply, (x,), raise_exception=False)
    assert gradgradcheck(lambda t: t**3, (x,))


def test_not_reentrant_backward():
    calls = []

    class Flaky(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            calls.append(1)
            return g * (2 + 1e-3 * (len(calls) % 2))

    x = graphgrad.tensor([1.0], dtype=graphgrad.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(Flaky.apply, (x,))
