"""Compiled and eager runs agree bit for bit: every primitive's samples, and random programs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad.ops.primitive import REGISTRY

from ..ops.test_primitives import SAMPLES
from ._helpers import replayed, run_both

CASES = [(name, i) for name in sorted(SAMPLES) for i in range(len(SAMPLES[name]))]
REPLAYED: dict = {}
MADE: list = []  # the compiled forwards of the last test that compiles the op alone


def _sample_step(sample, forward=None):
    """A step: the sample's op, a loss of its results, backward, the leaves nudged. With
    ``forward`` (``graphgrad.compile``), the op alone goes through it (made once per step)."""

    def make():
        leaves = [graphgrad.tensor(a, requires_grad=True) for a in sample.arrays()]
        leaves = [x if x.dtype.is_floating_point else x.detach() for x in leaves]
        seeds: list = []
        op = lambda *xs: sample.fn(graphgrad, *xs)  # noqa: E731
        if forward is not None:
            op = forward(op)
            MADE.append(op)

        def step():
            for x in leaves:
                x.grad = None
            out = op(*leaves)
            outs = out if isinstance(out, (tuple, list)) else (out,)
            loss = None
            for o in outs:
                if o.requires_grad:
                    if not seeds:
                        rng = np.random.default_rng(1)
                        seeds.append(graphgrad.tensor(rng.standard_normal(o.shape), dtype=o.dtype))
                    term = (o * seeds[0]).sum() if o.shape == seeds[0].shape else o.sum()
                    loss = term if loss is None else loss + term
            if loss is not None:
                loss.backward()
            with graphgrad.no_grad():
                for x in leaves:
                    if x.dtype.is_floating_point:
                        x.mul_(0.9990234375)  # new values next call, in the sample's domain
            return [o.detach() for o in outs], [x.grad for x in leaves]

        return step, leaves

    return make


@pytest.mark.parametrize(("name", "index"), CASES)
def test_every_sample_compiles_to_eager_bits(name, index):
    sample = SAMPLES[name][index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a sample that falls back must still agree
        compiled = run_both(_sample_step(sample), calls=4, expect_replay=False)
    REGISTRY_KIND = REGISTRY[name].rules_on_arrays is not None
    REPLAYED[(name, index)] = (replayed(compiled), REGISTRY_KIND)


@pytest.mark.parametrize(("name", "index"), CASES)
def test_every_sample_compiled_alone_gives_eager_gradients(name, index):
    # only the op is compiled (``torch.compile(model)``): its results leave the call with
    # their graph, and the backward and the update run eagerly, through the recorded backward
    sample = SAMPLES[name][index]
    MADE.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a sample that falls back must still agree
        run_both(_sample_step(sample, graphgrad.compile), calls=4, wrap=lambda step: step)
    if REGISTRY[name].rules_on_arrays is not None:
        REPLAYED_ALONE[(name, index)] = replayed(MADE[-1])


REPLAYED_ALONE: dict = {}


def test_most_samples_replay():
    # (runs after the parametrized test in file order): the array-rule primitives replay
    done = [v for v in REPLAYED.values() if v[1]]
    if len(done) < 100 or len(REPLAYED_ALONE) < 100:
        pytest.skip("run with the sample tests")
    assert sum(r for r, _ in done) >= 0.8 * len(done)
    assert sum(REPLAYED_ALONE.values()) >= 0.8 * len(REPLAYED_ALONE)


UNARY = ("tanh", "sigmoid", "relu", "exp", "neg", "abs", "sin", "square")
BINARY = ("add", "sub", "mul", "maximum")


def _random_program(seed: int):
    """A random chain of elementwise ops, broadcasts, reductions, matmuls and views on three
    leaves, ending in a scalar loss, with an SGD update; built the same way each time."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    arrays = [rng.standard_normal(s).astype(np.float32) for s in ((n, m), (m,), (m, n))]
    plan = [(int(rng.integers(0, 6)), int(rng.integers(0, 8)), float(rng.uniform(-2, 2)))
            for _ in range(int(rng.integers(3, 12)))]  # fmt: skip

    def make():
        leaves = [graphgrad.tensor(a, requires_grad=True) for a in arrays]

        def step():
            a, b, c = leaves
            y = a
            for kind, k, s in plan:
                if kind == 0:
                    y = getattr(graphgrad, UNARY[k % len(UNARY)])(y)
                elif kind == 1:
                    y = getattr(graphgrad, BINARY[k % len(BINARY)])(y, b)
                elif kind == 2:
                    y = y * s + 1.5
                elif kind == 3:
                    y = (y @ c) @ a if y.dim() == 2 else y * b
                elif kind == 4:
                    y = y.t().contiguous().t() if y.dim() == 2 else y.unsqueeze(0) + a
                else:
                    y = y.sum(0, keepdim=True) + y if y.dim() == 2 else y + b.mean()
            loss = y.sum() / 3.0
            loss.backward()
            with graphgrad.no_grad():
                for x in leaves:
                    if x.grad is not None:
                        x -= 0.01 * x.grad
                        x.grad.zero_()
            return loss.detach(), y.detach()

        return step, leaves

    return make


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_compile_to_eager_bits(seed):
    compiled = run_both(_random_program(seed), calls=4)
    assert replayed(compiled)
