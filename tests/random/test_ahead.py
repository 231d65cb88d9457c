"""Draws computed ahead (graphgrad.random.ahead) equal the real draws, bits and states."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as torch
from graphgrad.random.ahead import DrawsAhead, spec_of

F16, F32, F64 = np.float16, np.float32, np.float64


def _state(g) -> bytes:
    return g.get_state().numpy().tobytes()


def _run(calls: list, cycles: int, seed: int, between=None) -> None:
    """Draw ``calls`` (method, args) ``cycles`` times with DrawsAhead and for real on a twin
    generator; values and full states must be equal after every draw."""
    specs = [spec_of(m, a, {}) for m, a in calls]
    assert None not in specs
    g, twin = torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    ahead = DrawsAhead(g, specs)
    for c in range(cycles):
        for i, (method, args) in enumerate(calls):
            got, want = ahead.draw(i), getattr(twin, method)(*args)
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes(), (c, i, method, args)
            assert _state(g) == _state(twin), (c, i)
        if between is not None:
            between(c, g, twin, ahead)


def test_seed_example_four_draws() -> None:
    # seed example 4's leaves: 10, 50, 5, 5 and 1 values: the cached normal moves between cycles
    calls = [("normal_array", (s, 0.0, 1.0, F32)) for s in ((1, 10), (10, 5), (5,), (5, 1), (1,))]
    _run(calls, 80, 0)  # batches of 1, 2, 4, ... 64 cycles


@pytest.mark.parametrize("seed", range(6))
def test_random_cycles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    calls = []
    for _ in range(rng.integers(1, 6)):
        n = int(rng.choice([0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 50, 100, 1000, 1024]))
        dtype = rng.choice([F16, F32, F64]) if n < 16 else F32
        mean, std = [(0.0, 1.0), (-0.0, 1.0), (0.5, 2.0), (0.0, 0.3), (1.0, 0.0)][rng.integers(5)]
        if n < 16 and rng.random() < 0.3:
            calls.append(("normal_scalar_array", (n, mean, std, dtype)))
        else:
            calls.append(("normal_array", ((n,), mean, std, dtype)))
    _run(calls, 20, seed)


def test_a_draw_between_cycles_only_misses() -> None:
    def between(c, g, twin, ahead):
        if c % 3 == 1:  # something else draws: the prediction misses, the values stay right
            for gen in (g, twin):
                gen.normal_array((3,))
        if c == 7:
            g.manual_seed(5)
            twin.manual_seed(5)

    calls = [("normal_array", ((20,), 0.0, 1.0, F32)), ("normal_array", ((3,), 0.0, 1.0, F32))]
    _run(calls, 12, 1, between)


def test_predicting_resumes_after_one_miss() -> None:
    calls = [("normal_array", ((20,), 0.0, 1.0, F32)), ("normal_array", ((3,), 0.0, 1.0, F32))]
    seen = []

    def between(c, g, twin, ahead):
        if c == 4:  # once: a draw outside the cycle
            for gen in (g, twin):
                gen.normal_array((2,))
        seen.append((ahead.missed, len(ahead.queue.words)))

    _run(calls, 30, 2, between)
    assert seen[3] == (0, 16) and seen[5][0] == 1  # served, then one miss
    assert seen[-1][0] == 0 and seen[-1][1] > 0  # predicting again, every draw served


def test_a_restored_state_replays_the_same_values() -> None:
    spec = spec_of("normal_array", ((40,), 0.0, 1.0, F32), {})
    g = torch.Generator().manual_seed(3)
    ahead = DrawsAhead(g, [spec])
    state = g.get_state()
    first = [ahead.draw(0) for _ in range(5)]
    g.set_state(state)
    again = [ahead.draw(0) for _ in range(5)]
    assert all(a.tobytes() == b.tobytes() for a, b in zip(first, again, strict=True))
    assert len({a.tobytes() for a in first}) == 5


def test_served_values_are_separate_arrays() -> None:
    spec = spec_of("normal_array", ((4, 8), 0.0, 1.0, F32), {})
    ahead = DrawsAhead(torch.Generator().manual_seed(0), [spec])
    a, b = ahead.draw(0), ahead.draw(0)
    a[...] = 0.0  # the program writes into a draw's values (w.data -= ...)
    assert (b != 0.0).all() and not np.shares_memory(a, b)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("normal_array", ((2000,), 0.0, 1.0, F32)),  # above the small kernel
        ("normal_array", ((20,), 0.0, 1.0, F64)),  # the float64 kernel
        ("normal_array", ((20,), 0.0, 1.0, F16)),
        ("normal_array", ((3,), 0.0, 1.0, np.complex64)),
        ("uniform_array", ((3,), 0.0, 1.0, F32)),
        ("normal_array", ((3,), 0.0, -1.0, F32)),  # an error: drawn for real, which raises
    ],
)
def test_draws_not_computed_ahead(method: str, args: tuple) -> None:
    assert spec_of(method, args, {}) is None


def test_keyword_arguments() -> None:
    spec = spec_of("normal_array", ((3,),), {"std": 2.0, "np_dtype": F64})
    assert spec is not None and (spec.n, spec.mean, spec.std, spec.np_dtype) == (3, 0.0, 2.0, F64)
    assert spec_of("normal_array", ((3,),), {"other": 1}) is None
