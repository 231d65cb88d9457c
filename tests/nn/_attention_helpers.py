"""Run the same attention program under torch and graphgrad and compare everything: outputs,
weights, the inputs' gradients and every parameter's value and gradient (float64)."""

from __future__ import annotations

import numpy as np

import graphgrad as gg

TOL = 1e-10


def as_array(t):
    return None if t is None else np.array(t.detach().tolist(), dtype=np.float64)


def inputs(lib, seed: int, *shapes):
    lib.manual_seed(seed)
    return [lib.randn(*s, dtype=lib.float64, requires_grad=True) for s in shapes]


def run(lib, build, call, shapes, seed=0):
    """``build(lib)`` makes a module after ``manual_seed(seed)``; ``call(lib, module, *xs)``
    returns tensors whose sum of squares is the loss. Returns every array to compare."""
    lib.manual_seed(seed)
    module = build(lib).double()
    params_before = [as_array(p) for p in module.parameters()]
    xs = inputs(lib, seed + 1, *shapes)
    outs = [o for o in call(lib, module, *xs) if o is not None]
    loss = sum((o * o).sum() for o in outs)
    loss.backward()
    names = [n for n, _ in module.named_parameters()]
    grads = [as_array(x.grad) for x in xs] + [as_array(p.grad) for p in module.parameters()]
    return names, params_before, [as_array(o) for o in outs], grads


def assert_parity(torch, build, call, shapes, seed=0):
    names_t, init_t, outs_t, grads_t = run(torch, build, call, shapes, seed)
    names_g, init_g, outs_g, grads_g = run(gg, build, call, shapes, seed)
    assert names_g == names_t
    for a, b in zip(init_g, init_t):
        np.testing.assert_array_equal(a, b)  # initialisation draws bit for bit
    assert len(outs_g) == len(outs_t)
    for a, b in zip(outs_g + grads_g, outs_t + grads_t):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)
