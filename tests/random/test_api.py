"""graphgrad.random's generator state (round trips, fork_rng, seeds) and the tensor-level API:
size forms, dtypes, randint/randperm/normal forms and errors, in-place fills, ``*_like``."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import random as gr

from ._helpers import _same_bits


# -- state ----------------------------------------------------------------------------------------
def test_state_round_trip_includes_the_cached_normal():
    g = gg.Generator().manual_seed(11)
    gg.randn(3, generator=g)  # leaves a cached value
    state = g.get_state()
    assert state.dtype == gg.uint8 and tuple(state.shape) == (5056,)
    first = [gg.randn(1, generator=g), gg.randn(40, generator=g), gg.rand(3, generator=g)]
    g.set_state(state)
    again = [gg.randn(1, generator=g), gg.randn(40, generator=g), gg.rand(3, generator=g)]
    assert all(_same_bits(a, b) for a, b in zip(first, again, strict=True))
    assert g.initial_seed() == 11


def test_module_state_functions_and_fork_rng():
    gg.manual_seed(3)
    state = gg.get_rng_state()
    a = gg.rand(4)
    gg.set_rng_state(state)
    assert _same_bits(gg.rand(4), a)
    with gr.fork_rng():
        gg.randn(100)
    assert _same_bits(gg.get_rng_state(), gg.random.default_generator.get_state())
    b = gg.rand(4)
    gg.set_rng_state(state)
    gg.rand(4)
    assert _same_bits(gg.rand(4), b)


def test_set_state_errors():
    g = gg.Generator()
    with pytest.raises(TypeError, match="ByteTensor"):
        g.set_state(gg.zeros(5056))
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size to be 10"):
        g.set_state(gg.zeros(10, dtype=gg.uint8))
    bad = g.get_state()._data.copy()
    bad[8:12] = np.array([700], np.int32).view(np.uint8)
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(gg.from_numpy(bad))


def test_seeds():
    assert gg.manual_seed(7) is gr.default_generator
    assert gg.initial_seed() == 7
    assert gg.manual_seed(-1).initial_seed() == 2**64 - 1
    with pytest.raises(ValueError, match="Overflow"):
        gg.manual_seed(2**64)
    # only the low 32 bits reach init_genrand
    a = gg.Generator().manual_seed(2**32 + 5).random_uint32(3)
    assert np.array_equal(a, gg.Generator().manual_seed(5).random_uint32(3))
    s = gg.seed()
    assert isinstance(s, int) and gg.initial_seed() == s
    assert gg.Generator().initial_seed() == 67280421310721


def test_generator_argument_leaves_the_default_alone():
    gg.manual_seed(0)
    before = gg.get_rng_state()
    g = gg.Generator().manual_seed(0)
    x = gg.randn(5, generator=g)
    assert _same_bits(gg.get_rng_state(), before)
    gg.manual_seed(0)
    assert _same_bits(gg.randn(5), x)


# -- the tensor-level API -------------------------------------------------------------------------
def test_size_forms():
    shapes = []
    for args in [(2, 3), ((2, 3),), ([2, 3],), (gg.Size([2, 3]),)]:
        gg.manual_seed(1)
        shapes.append(gg.randn(*args))
    gg.manual_seed(1)
    shapes.append(gg.randn(size=(2, 3)))
    assert all(tuple(t.shape) == (2, 3) and _same_bits(t, shapes[0]) for t in shapes)
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        gg.randn(-1)
    with pytest.raises(TypeError):
        gg.randn(2.0)
    with pytest.raises(TypeError):
        gg.randn()


def test_dtypes_and_requires_grad():
    assert gg.randn(2).dtype == gg.float32 and gg.randint(3, (2,)).dtype == gg.int64
    gg.set_default_dtype(gg.float64)
    try:
        assert gg.rand(2).dtype == gg.float64 and gg.randn(2).dtype == gg.float64
    finally:
        gg.set_default_dtype(gg.float32)
    t = gg.rand(2, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    msg = "Only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError, match=msg):
        gg.randint(0, 3, (2,), requires_grad=True)
    with pytest.raises(NotImplementedError, match="normal_kernel_cpu.*Long"):
        gg.randn(2, dtype=gg.int64)
    with pytest.raises(NotImplementedError, match="check_uniform_bounds.*Long"):
        gg.rand(2, dtype=gg.int64)


def test_randint_forms_and_errors():
    gg.manual_seed(4)
    a = gg.randint(5, (6,))
    gg.manual_seed(4)
    b = gg.randint(0, 5, (6,))
    gg.manual_seed(4)
    c = gg.randint(low=0, high=5, size=(6,))
    assert _same_bits(a, b) and _same_bits(a, c)
    assert gg.randint(3, 4, (10,))._data.tolist() == [3] * 10
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        gg.randint(5, 5, (3,))
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for unsigned char"):
        gg.randint(0, 300, (3,), dtype=gg.uint8)
    with pytest.raises(RuntimeError, match="from is out of bounds for unsigned char"):
        gg.randint(-1, 5, (3,), dtype=gg.uint8)
    with pytest.raises(TypeError, match="must be tuple of ints, not int"):
        gg.randint(3, 2)


def test_vectorised_fisher_yates_matches_the_swap_loop():
    from graphgrad.random._generator import _fisher_yates

    rng = np.random.default_rng(0)
    for n in (2, 3, 4, 7, 50, 1000):
        for _ in range(50):
            t = np.arange(n - 1) + rng.integers(0, 2**32, n - 1) % np.arange(n, 1, -1)
            perm = list(range(n))
            for i, j in enumerate(t.tolist()):
                perm[i], perm[j] = perm[j], perm[i]
            assert _fisher_yates(t.astype(np.int64)).tolist() == perm


def test_randperm():
    p = gg.randperm(1000)
    assert sorted(p._data.tolist()) == list(range(1000)) and p.dtype == gg.int64
    assert gg.randperm(0).shape == (0,) and gg.randperm(1)._data.tolist() == [0]
    assert gg.randperm(5, dtype=gg.float32).dtype == gg.float32
    with pytest.raises(RuntimeError, match="without overflow"):
        gg.randperm(300, dtype=gg.int8)


def test_normal_forms_and_errors():
    mean, std = gg.tensor([0.0, 10.0, 20.0]), gg.tensor([1.0, 2.0, 3.0])
    gg.manual_seed(2)
    out = gg.normal(mean, std)
    gg.manual_seed(2)
    base = gg.randn(3)._data
    assert _same_bits(out, base * std._data + mean._data)
    assert tuple(gg.normal(gg.zeros(2, 1), gg.ones(3)).shape) == (2, 3)
    assert gg.normal(gg.zeros(2, dtype=gg.float64), 1.0).dtype == gg.float64
    with pytest.raises(RuntimeError, match="std >= 0.0, but found std -1"):
        gg.normal(0.0, -1.0, (3,))
    with pytest.raises(RuntimeError, match="all elements of std >= 0.0"):
        gg.normal(mean, -std)
    with pytest.raises(TypeError):
        gg.normal(0.0, 1.0)


def test_in_place_fills_return_their_tensor():
    t = gg.empty(4, 5)
    assert gr.uniform_(t, -1, 1) is t and gr.normal_(t, 2.0, 0.5) is t
    assert gr.bernoulli_(t, 0.5) is t and set(np.unique(t._data).tolist()) <= {0.0, 1.0}
    with pytest.raises(RuntimeError, match=r"from=2 > to=1"):
        gr.uniform_(t, 2, 1)
    with pytest.raises(RuntimeError, match="p to be in \\[0, 1\\]"):
        gr.bernoulli_(t, 1.5)


def test_like_functions():
    x = gg.ones(2, 3, dtype=gg.float64)
    assert gg.rand_like(x).dtype == gg.float64 and tuple(gg.randn_like(x).shape) == (2, 3)
    r = gg.randint_like(x, 10)
    assert r.dtype == gg.float64 and r._data.max() < 10
