"""graphgrad.random's engine internals: mt19937 against the textbook generator, correctly
rounded fused multiply-add, and the float32/float64 normal kernels against exact references."""

from __future__ import annotations

import math
import os
from fractions import Fraction

import numpy as np
import pytest

from graphgrad import _fma
from graphgrad.random import _c_math, _normal
from graphgrad.random._mt19937 import MT19937

from ._helpers import _same_bits, f32


# -- the engine -----------------------------------------------------------------------------------
def _reference_mt(seed: int, n: int) -> np.ndarray:
    """Textbook mt19937 (init_genrand, twist, temper), the twist vectorised in blocks."""
    mt = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        mt.append((1812433253 * (mt[-1] ^ (mt[-1] >> 30)) + i) & 0xFFFFFFFF)
    state, out = np.array(mt, np.uint64), []
    while sum(len(o) for o in out) < n:
        state = _twist(state)
        y = state.copy()
        y ^= y >> np.uint64(11)
        y ^= (y << np.uint64(7)) & np.uint64(0x9D2C5680)
        y ^= (y << np.uint64(15)) & np.uint64(0xEFC60000)
        y ^= y >> np.uint64(18)
        out.append(y & np.uint64(0xFFFFFFFF))
    return np.concatenate(out)[:n].astype(np.uint32)


def _twist(mt: np.ndarray) -> np.ndarray:
    new = mt.copy()
    # word i needs word i + 397 (new once i >= 227) and word i + 1: three blocks, then the last.
    for lo, hi in ((0, 227), (227, 454), (454, 623)):
        y = (new[lo:hi] & np.uint64(0x80000000)) | (new[lo + 1 : hi + 1] & np.uint64(0x7FFFFFFF))
        src = new[lo + 397 : hi + 397] if hi <= 227 else new[lo - 227 : hi - 227]
        new[lo:hi] = src ^ (y >> np.uint64(1)) ^ ((y & np.uint64(1)) * np.uint64(0x9908B0DF))
    y = (new[623] & np.uint64(0x80000000)) | (new[0] & np.uint64(0x7FFFFFFF))
    new[623] = new[396] ^ (y >> np.uint64(1)) ^ ((y & np.uint64(1)) * np.uint64(0x9908B0DF))
    return new


@pytest.mark.parametrize("seed", [0, 5489, 42, 2**32 + 7, 0xFFFFFFFF])
def test_engine_is_textbook_mt19937(seed):
    mt = MT19937(seed)
    got = np.concatenate([mt.uint32(5), mt.uint32(3000), mt.uint32(700)])
    assert np.array_equal(got, _reference_mt(seed, len(got)))


def test_random64_takes_the_high_word_first():
    words = MT19937(3).uint32(4).astype(np.uint64)
    pairs = MT19937(3).uint64(2)
    assert pairs.tolist() == [(int(words[0]) << 32) | int(words[1]),
                              (int(words[2]) << 32) | int(words[3])]  # fmt: skip


# -- fused multiply-add ---------------------------------------------------------------------------
def _round_f32(q: Fraction) -> np.float32:
    """Correctly round an exact rational to float32 (ties to even)."""
    near = np.float32(float(q))  # within an ulp; settle the last step exactly
    cands = [np.nextafter(near, f32(-np.inf)), near, np.nextafter(near, f32(np.inf))]
    dist = [abs(Fraction(float(c)) - q) for c in cands]
    best = min(dist)
    ties = [c for c, d in zip(cands, dist, strict=True) if d == best]
    return min(ties, key=lambda c: int(np.array(c).view(np.uint32)) & 1)


def test_fma32_is_correctly_rounded():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(3000).astype(f32)
    b = rng.standard_normal(3000).astype(f32)
    c = (rng.standard_normal(3000) * 2.0 ** rng.integers(-60, 20, 3000)).astype(f32)
    # plus products that sit exactly on a float32 midpoint, nudged by a tiny addend
    a[:2], b[:2], c[:2] = f32(1 + 2**-23), f32(1.5), [f32(2**-70), f32(-(2**-70))]
    got = _fma.fma32(a, b, c)
    ref = [_round_f32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
           for x, y, z in zip(a, b, c, strict=True)]  # fmt: skip
    assert got.view(np.uint32).tolist() == np.array(ref, f32).view(np.uint32).tolist()


def test_fma64_is_correctly_rounded():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(3000), rng.standard_normal(3000)
    c = rng.standard_normal(3000) * 2.0 ** rng.integers(-80, 30, 3000)
    got = _fma.fma64(a, b, c)
    ref = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c, strict=True)]
    assert got.tolist() == ref


# -- the float32 kernel's polynomials -------------------------------------------------------------
def _log_reference(u: np.ndarray) -> np.ndarray:
    """log256_ps in plain float32 arithmetic with an exact fma at each contracted step."""
    fma = _fma.fma32
    m, e = np.frexp(u)
    small = m < _normal._SQRT_HALF
    x = np.where(small, m + m - f32(1), m - f32(1)).astype(f32)
    ef = (e - small).astype(f32)
    z = x * x
    y = np.full_like(x, f32(_normal._LOG_P[0]))
    for p in _normal._LOG_P[1:]:
        y = fma(y, x, f32(p))
    y = fma(y * x, z, ef * f32(_normal._LOG_Q1))
    y = y - z * f32(0.5)
    return fma(ef, f32(_normal._LOG_Q2), x + y)


def _sincos_reference(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fma = _fma.fma32
    j = (theta * _normal._FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y, x = j.astype(f32), theta
    for dp in _normal._DP:
        x = fma(y, f32(dp), x)
    z = x * x
    c0, c1, c2 = (f32(v) for v in _normal._COS_P)
    s0, s1, s2 = (f32(v) for v in _normal._SIN_P)
    yc = fma(fma(fma(np.full_like(z, c0), z, c1), z, c2) * z, z, -(z * f32(0.5))) + f32(1)
    ys = fma(fma(fma(np.full_like(z, s0), z, s1), z, s2) * z, x, x)
    swap = (j & 2) != 0
    sin, cos = np.where(swap, yc, ys), np.where(swap, ys, yc)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j + 2) & 4) != 0, -cos, cos)
    return sin, cos


def _kernel_inputs(step: int) -> np.ndarray:
    return np.arange(0, 1 << 24, step, dtype=np.uint32) & np.uint32(0xFFFFFF)


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_kernel_fma_shortcut_matches_exact_fma(offset):
    """The float64 "multiply-add, round once" equals a true FMA on the kernel's inputs.

    Every uniform is ``k * 2**-24`` for one of 2**24 values of k. By default a strided third of
    a percent of them is checked; GRAPHGRAD_EXHAUSTIVE=1 checks all 2**24 (done for the release).
    """
    step = 1 if os.environ.get("GRAPHGRAD_EXHAUSTIVE") else 293
    if step == 1 and offset:
        pytest.skip("the exhaustive run covers every offset")
    k = _kernel_inputs(step) + np.uint32(offset)
    for part in np.array_split(k, max(1, len(k) // 65536)):
        u1 = f32(1) - part.astype(f32) * f32(2.0**-24)
        assert _same_bits(_normal.log_ps(u1), _log_reference(u1))
        theta = part.astype(f32) * _normal._TWO_PI_ULP
        got, ref = _normal.sincos_ps(theta), _sincos_reference(theta)
        assert _same_bits(got[0], ref[0]) and _same_bits(got[1], ref[1])


def _fill_words(blocks: int, seed: int) -> np.ndarray:
    """Random words for ``blocks`` blocks of 16, the first block holding the edge inputs."""
    words = np.random.default_rng(seed).integers(0, 1 << 32, blocks * 16, dtype=np.uint32)
    words[:16] = [0, 0xFFFFFF, 1, 0x800000, 0x5A827A, 0xFF000000, 7, 0xABCDEF] * 2
    return words


@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (0.5, 1.0), (-1.25, 3.5)])
def test_float32_fill_matches_the_reference_kernel(mean, std):
    """fill16_f32 (chunked, deinterleaved, octants by bit operations) equals the exact-FMA
    references applied pair by pair, over two full chunks and a short one."""
    words = _fill_words(2 * _normal._LANES // 8 + 5, seed=3)
    out = np.empty(len(words), f32)
    _normal.fill16_f32(words, out, mean, std)
    k = (words & np.uint32(0xFFFFFF)).reshape(-1, 2, 8)
    u1 = f32(1) - k[:, 0].ravel().astype(f32) * f32(2.0**-24)
    radius = np.sqrt(_log_reference(u1) * f32(-2))
    sin, cos = _sincos_reference(k[:, 1].ravel().astype(f32) * _normal._TWO_PI_ULP)
    want = np.empty((len(k), 2, 8), f32)
    for half, trig in ((0, cos), (1, sin)):
        want[:, half] = _fma.fma32(radius * trig, f32(std), f32(mean)).reshape(-1, 8)
    assert _same_bits(out, want.ravel())


@pytest.mark.parametrize("fallback", [False, True])
def test_float64_fill_matches_the_c_library(monkeypatch, fallback):
    """fill16_f64 equals double Box-Muller with ``math`` (the C library) pair by pair, both
    the way this NumPy allows (its ufuncs on reversed views, where their SIMD loops skip
    negative strides: not NumPy 2.0's AVX-512 ``log``) and through the per-value fallback."""
    if fallback:
        monkeypatch.setattr(_c_math, "_libm_ok", lambda func: False)
    words = _fill_words(2 * (_normal._LANES // 8 + 3), seed=4)  # 32 words per block
    out = np.empty(len(words) // 2)
    _normal.fill16_f64(words, out, 0.25, 1.5)
    w = words.astype(np.uint64)
    u = (((w[0::2] << np.uint64(32)) | w[1::2]) & np.uint64((1 << 53) - 1)) * 2.0**-53
    want = np.empty(len(u))
    for b in range(0, len(u), 16):
        for j in range(b, b + 8):
            radius = math.sqrt(-2.0 * math.log(1.0 - u[j]))
            theta = 2.0 * math.pi * u[j + 8]
            want[j], want[j + 8] = radius * math.cos(theta), radius * math.sin(theta)
    assert _same_bits(out, _fma.fma64(want, 1.5, 0.25))
