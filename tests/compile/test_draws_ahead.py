"""A replay's normal draws come from ``random.ahead`` (computed many replays ahead), with the
values, the results and the generator's state of eager calls, whatever else draws between."""

from __future__ import annotations

import pytest

import graphgrad
from graphgrad import nn

from ._helpers import bits, replayed


def _seed4_step(generator=None):
    """Seed example 4 as written: five randn leaves, backward, SGD on ``.data``."""

    def step():
        def randn(*shape):
            return graphgrad.randn(*shape, requires_grad=True, generator=generator)

        x, w1, b1 = randn(1, 10), randn(10, 5), randn(5)
        h = graphgrad.relu(x @ w1 + b1)
        w2, b2 = randn(5, 1), randn(1)
        y = h @ w2 + b2
        y.backward()
        for p in (w1, b1, w2, b2):
            p.data -= 0.01 * p.grad.data
        return [x.grad, w1.grad, b1.grad, w2.grad, b2.grad, w1]

    return step


def _state(g=None) -> bytes:
    return (g.get_state() if g is not None else graphgrad.get_rng_state()).numpy().tobytes()


def _source(compiled) -> str:
    return "\n".join(e.replay.source for v in compiled.cache.values() for e in v if e.verified)


def _compare(compiled, eager, calls: int, between=None, generator=None) -> None:
    """Run ``compiled`` ``calls`` times in a row from seed 0, then ``eager`` as many times from
    seed 0; results and generator states must agree after every call (``between(i)`` runs
    after call i on both sides)."""
    (generator or graphgrad.default_generator).manual_seed(0)
    got = []
    for i in range(calls):
        got.append((bits(compiled()), _state(generator)))
        if between is not None:
            between(i)
    (generator or graphgrad.default_generator).manual_seed(0)
    for i in range(calls):
        assert (bits(eager()), _state(generator)) == got[i], f"call {i}"
        if between is not None:
            between(i)


def test_seed_example_four_draws_ahead():
    compiled = graphgrad.compile(_seed4_step())
    _compare(compiled, _seed4_step(), 150)  # batches of 1, 2, 4 ... 64 calls, then 64 again
    assert replayed(compiled) and "= D" in _source(compiled)


def test_draws_between_calls_only_miss():
    def between(i):
        if i % 7 == 3:
            graphgrad.randn(3)  # the generator moves outside the compiled calls
        if i == 20:
            graphgrad.manual_seed(9)
        if i == 30:
            graphgrad.set_rng_state(graphgrad.get_rng_state())

    _compare(graphgrad.compile(_seed4_step()), _seed4_step(), 60, between)


def test_a_generator_of_its_own():
    g = graphgrad.Generator()
    compiled = graphgrad.compile(_seed4_step(g))
    _compare(compiled, _seed4_step(g), 40, generator=g)
    assert "= D" in _source(compiled)


def _with_dropout():
    graphgrad.manual_seed(3)
    drop = nn.Dropout(0.5)

    def step():
        x = graphgrad.randn(4, 8, requires_grad=True)
        y = drop(x) * graphgrad.randn(8)
        y.sum().backward()
        return [x.grad, y]

    return step


@pytest.mark.parametrize(
    "make",
    [
        _with_dropout,  # the mask's draw comes between the two randn
        lambda: lambda: graphgrad.randn(20, dtype=graphgrad.float64) * 2,  # the float64 kernel
        lambda: lambda: graphgrad.randn(3) + graphgrad.rand(3),  # a uniform draw
    ],
)
def test_other_draws_keep_drawing_for_real(make):
    compiled = graphgrad.compile(make())
    _compare(compiled, make(), 12)
    assert replayed(compiled) and "= D" not in _source(compiled)
