"""Run one nn.functional call (or layer) in graphgrad and in torch on the same float64 arrays
and compare the values and the gradients of every input."""

from __future__ import annotations

import warnings

import numpy as np

import graphgrad


def compare(torch, fn, arrays, rtol=1e-10, atol=1e-12, grad=True, **kwargs):
    """``fn(T, *tensors, **kwargs)`` with ``T`` graphgrad then torch: same values, same
    gradients (of a random weighted sum of the outputs) for the floating inputs."""
    results = []
    for T in (graphgrad, torch):
        tensors = [
            T.tensor(a, requires_grad=grad and np.asarray(a).dtype.kind == "f") for a in arrays
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(T, *tensors, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        floats = [o for o in outs if o.dtype.is_floating_point]
        if grad and floats and floats[0].requires_grad:
            rng = np.random.default_rng(0)
            total = sum((o * T.tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in floats)
            total.backward()
        results.append(
            ([o.detach().numpy() for o in outs], [t.grad for t in tensors if t.requires_grad])
        )
    (got, got_grads), (want, want_grads) = results
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape, (g.shape, w.shape)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    for g, w in zip(got_grads, want_grads, strict=True):
        if g is None or w is None:  # no gradient on one side: zeros (or none) on the other
            other = w if g is None else g
            assert other is None or not other.numpy().any()
            continue
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=rtol * 100, atol=atol * 100)
    return got


def error(T, fn):
    """``(type name, message)`` of the exception ``fn(T)`` raises."""
    try:
        fn(T)
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)
    return None


def same_error(torch, fn):
    got, want = error(graphgrad, fn), error(torch, fn)
    assert want is not None
    assert got == want, (got, want)
