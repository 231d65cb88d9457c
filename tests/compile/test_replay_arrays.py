"""A replay's rules call an op's forward directly only where the checked replay needed no cast."""

from __future__ import annotations

import numpy as np

import graphgrad
from graphgrad.autograd.namespace import ARRAYS
from graphgrad.compile.backward import ReplayArrays

from ._helpers import replayed, run_both


def test_a_name_called_with_a_cast_keeps_the_check():
    xp = ReplayArrays()
    f32, f64 = np.ones(3, np.float32), np.ones(3, np.float64)
    xp.mul(f32, f32)
    xp.mul(f32, f64)  # promoted: ARRAYS.mul casts first
    xp.add(f32, f32, alpha=1)
    xp.freeze()
    assert xp.mul is ARRAYS.mul
    assert xp.add is ARRAYS.add.forward
    assert xp.sub is ARRAYS.sub  # never called in the checked replay: checked at every call
    assert xp.mul(f32, f64).dtype == np.float64


def test_mixed_dtypes_replay_with_eager_bits():
    def make():
        w = graphgrad.tensor([0.5, -1.25, 2.0], requires_grad=True)  # float32
        v = graphgrad.tensor([1.5, 0.25, -3.0], dtype=graphgrad.float64, requires_grad=True)

        def step():
            y = (w * v).tanh() * w + v.sigmoid()  # float64 results, float32 gradients for w
            y.sum().backward()
            with graphgrad.no_grad():
                w.sub_(0.1 * w.grad)
                v.sub_(0.1 * v.grad)
                w.grad = None
                v.grad = None
            return y.detach()

        return step, [w, v]

    assert replayed(run_both(make, calls=6))
