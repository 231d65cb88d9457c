"""PyTorch's CPU normal fills: Box-Muller on blocks of 16 uniforms, and the scalar path.

On x86-64, ``torch.randn`` fills a float32 tensor of 16 or more elements with an AVX2 kernel built
on the ``avx_mathfun`` (Cephes) ``log`` and ``sincos`` polynomials, and GCC contracts their
``a*b + c`` steps into fused multiply-adds. ``_Work.log`` and ``_Work.sincos`` replay those float32
operations. A fused step runs in float64 and is rounded once to float32: the product of two
float32 values is exact in float64, so this is the FMA whenever the float64 sum is exact or not
within a hair of a float32 tie. That holds for every input the kernel can see (``u = k * 2**-24``,
2**24 cases for ``log`` and 2**24 for ``sincos``): ``tests/random/test_random.py`` compares both
with an always-exact ``_fma.fma32`` version (a strided sample by default; all 2**24 inputs, 0
mismatches, with GRAPHGRAD_EXHAUSTIVE=1). Unfused steps use plain float32 NumPy arithmetic, and a
few steps use exact rewrites that are explained where they are made (float32 steps where the
product is exact, a rounding constant where the result stays in one binade).

Speed: the words are deinterleaved chunk by chunk (16384 pairs, sized for the L2 cache) so that
each of the ~110 steps is one NumPy call on contiguous lanes, writing into preallocated buffers;
10**7 float32 normals take about 2.3x PyTorch's time, of which the mt19937 words (NumPy's C
engine) are a quarter. Fills of up to 1024 values go through ``_normal_small`` instead (same
bits, far fewer NumPy calls).
"""

from __future__ import annotations

import math

import numpy as np

from .._fma import fma32, fma64
from ._c_math import _libm

f32, f64 = np.float32, np.float64

# Cephes logf: polynomial for log(1 + x) on [sqrt(1/2) - 1, sqrt(2) - 1]; ln 2 split in two.
_LOG_P = tuple(f64(f32(v)) for v in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
))  # fmt: skip
_LOG_Q1, _LOG_Q2 = f64(f32(-2.12194440e-4)), f64(f32(0.693359375))
_SQRT_HALF = f32(0.707106781186547524)
# Cephes sinf/cosf: 4/pi, pi/4 split in three for the reduction, and the two polynomials.
_FOPI = f32(1.27323954473516)
_DP = tuple(f64(f32(v)) for v in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594e-8))
_COS_P = tuple(
    f64(f32(v)) for v in (2.443315711809948e-5, -1.388731625493765e-3, 4.16666456829883e-2)
)
_SIN_P = tuple(f64(f32(v)) for v in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1))
_TWO_PI = f32(2 * math.pi)
_TWO_PI_ULP = _TWO_PI * f32(2.0**-24)  # exact: 2*pi * (k * 2**-24) == (2*pi * 2**-24) * k


def _k(v, dtype=f64) -> np.ndarray:
    """A constant as a 0-d array: the cheapest scalar operand for a ufunc call."""
    return np.array(v, dtype)


def _magic(binade: int) -> float:
    """``1.5 * 2**(binade + 29)``: for float64 ``q`` with ``2**binade <= |q| < 2**(binade+1)``,
    ``(q + M) - M`` is ``q`` rounded to float32 (spacing ``2**(binade - 23)``, ties to even)."""
    return 1.5 * 2.0 ** (binade + 29)


# The log's range reduction on the bits: adding _LOG_SHIFT moves the exponent step of u from 1.0
# down to sqrt(1/2), so the exponent field holds Cephes' e, and the low 23 bits plus the bits of
# sqrt(1/2) are 1 + x in [sqrt(1/2), sqrt(2)): x = 2m - 1 below sqrt(1/2), m - 1 above.
_SQRT_HALF_BITS = int(np.array(_SQRT_HALF).view(np.int32))
_LOG_SHIFT = 0x3F800000 - _SQRT_HALF_BITS
_I_SQRT_HALF, _I_MANT = _k(_SQRT_HALF_BITS, np.int32), _k(0x7FFFFF, np.int32)
_I_1, _I_23, _I_29, _I_31 = (_k(v, np.int32) for v in (1, 23, 29, 31))
_I_EVEN, _I_SIGN = _k(-2, np.int32), _k(-(2**31), np.int32)
_U_24 = _k(0xFFFFFF, np.uint32)
_K_LOG_P = tuple(_k(c) for c in _LOG_P)
_K_LOG_Q1, _K_LOG_Q2 = _k(_LOG_Q1, f32), _k(_LOG_Q2, f32)
_K_DP = tuple(_k(c) for c in _DP)
_K_DP32, _K_FOPI = (_k(_DP[0], f32), _k(_DP[1], f32)), _k(_FOPI, f32)
_K_TWO_PI_ULP, _K_TWO24 = _k(_TWO_PI_ULP, f32), _k(2.0**24, f32)
_K_ZERO32 = _k(0.0, f32)
_K_1_32, _K_HALF32, _K_MINUS_2_32, _K_HALF = _k(1, f32), _k(0.5, f32), _k(-2, f32), _k(0.5)
# The first two steps of each sincos polynomial stay in one binade for every z in [0, (pi/4)**2]
# (interval bounds: c1 in -[1.373e-3, 1.389e-3], c2 in [0.0408, 0.0417], s1 in [8.21e-3,
# 8.34e-3], s2 in -[0.1615, 0.1667]) and so do their added coefficients, so c + M is exact and
# "p + (c + M) - M" is the FMA's single rounding, without leaving float64.
_M_COS, _M_SIN = (_magic(-10), _magic(-5)), (_magic(-7), _magic(-3))
_K_COS = (_k(_COS_P[0]), _k(_COS_P[1] + _M_COS[0]), _k(_M_COS[0]), _k(_COS_P[2] + _M_COS[1]),
          _k(_M_COS[1]))  # fmt: skip
_K_SIN = (_k(_SIN_P[0]), _k(_SIN_P[1] + _M_SIN[0]), _k(_M_SIN[0]), _k(_SIN_P[2] + _M_SIN[1]),
          _k(_M_SIN[1]))  # fmt: skip
_HALF_BLOCK = np.dtype((np.void, 32))  # 8 float32 or uint32 slots: half a block of 16
_LANES = 16384  # Box-Muller pairs per chunk; the scratch buffers stay in the L2 cache


class _Work:
    """Scratch buffers for ``size`` lanes, and the kernel's steps, each written into them.

    Every step is one NumPy call into a preallocated buffer: a chunk allocates nothing. A fused
    multiply-add of float32 values runs in float64, where the product is exact, and is rounded
    once to float32 by assigning into a float32 buffer (``y32[...] = y64``); when the next step
    needs it in float64 it is copied back (``y64[...] = y32``).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.f = np.empty(2 * size, f32)  # [log input, then radius | theta]
        self.i = np.empty(2 * size, np.int32)
        self.a32, self.b32, self.c32, self.d32, self.e32 = np.empty((5, size), f32)
        self.x64, self.y64, self.z64, self.t64 = np.empty((4, size), f64)

    def log(self, ix: np.ndarray, bias: int) -> np.ndarray:
        """``log256_ps`` of the float32 with int32 bits ``ix``, in ``ix``'s memory (float32).

        ``ix`` holds a positive normal float32 ``v``; the result is ``log(v * 2**(127 - bias))``
        (``bias`` 127: log(v)). Uses the buffers b..e32, x/y/z64 and ``i[size:]``.
        """
        x32, z32, t32, e32, y32 = ix.view(f32), self.b32, self.c32, self.d32, self.e32
        x64, y64, z64, eb = self.x64, self.y64, self.z64, self.i[self.size :]
        ix += _k(_LOG_SHIFT - (bias << 23), np.int32)
        np.right_shift(ix, _I_23, out=eb)  # e (the shift is arithmetic)
        e32[...] = eb
        ix &= _I_MANT
        ix += _I_SQRT_HALF
        x32 -= _K_1_32  # exact (Sterbenz)
        x64[...] = x32
        np.multiply(x32, x32, out=z32)
        np.multiply(x64, _K_LOG_P[0], out=y64)
        y64 += _K_LOG_P[1]
        y32[...] = y64  # rounded once: the FMA
        for c in _K_LOG_P[2:]:
            y64[...] = y32
            y64 *= x64
            y64 += c
            y32[...] = y64
        y32 *= x32
        np.multiply(e32, _K_LOG_Q1, out=t32)  # e * q1, rounded to float32
        y64[...] = y32
        z64[...] = z32
        y64 *= z64
        x64[...] = t32
        y64 += x64
        y32[...] = y64  # fma(y * x, z, e * q1)
        np.multiply(z32, _K_HALF32, out=t32)  # exact
        y32 -= t32
        x32 += y32
        e32 *= _K_LOG_Q2  # exact
        x32 += e32
        return x32

    def sincos(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``sincos256_ps`` of the kernel's float32 ``theta`` (``2*pi * k * 2**-24``): float32
        (sin, cos) buffers. Uses the buffers a..e32, x/y/z/t64 and ``i``.

        A numeric kernel, long on purpose: it replays PyTorch's SIMD steps one by one, each
        rounding as that kernel rounds, so its draws are bit-identical to PyTorch's.
        """
        x32, z32, t32, s32, c32 = self.a32, self.b32, self.c32, self.d32, self.e32
        x64, y64, z64, t64 = self.x64, self.y64, self.z64, self.t64
        j, m = self.i[: self.size], self.i[self.size :]
        np.multiply(theta, _K_FOPI, out=t32)
        j[...] = t32  # truncation toward zero
        j += _I_1
        j &= _I_EVEN  # the octant, rounded up to even
        # theta - j * pi/4 in three FMAs with pi/4 split in three. The first two parts have 8 and
        # 11 significant bits, so j * dp is exact in float32 and the FMA is a float32 addition
        # (the first one exact); the third runs in float64.
        t32[...] = j
        np.multiply(t32, _K_DP32[0], out=x32)
        x32 += theta
        np.multiply(t32, _K_DP32[1], out=c32)
        x32 += c32
        x64[...] = j
        x64 *= _K_DP[2]
        y64[...] = x32
        x64 += y64
        x32[...] = x64
        y64[...] = x32
        # x32 and y64 hold the reduced argument x.
        np.multiply(x32, x32, out=z32)
        z64[...] = z32
        # cos polynomial: fma(((c0 z + c1) z + c2) z, z, -z/2) + 1, each step an FMA
        c0, c1m, m1, c2m, m2 = _K_COS
        np.multiply(z64, c0, out=x64)
        x64 += c1m
        x64 -= m1
        x64 *= z64
        x64 += c2m
        x64 -= m2
        c32[...] = x64
        c32 *= z32
        x64[...] = c32
        # the FMA c z - z/2 as (c - 1/2) z in float64: rounded to float32, it gives the FMA's
        # result on every kernel input (the exhaustive test checks it)
        x64 -= _K_HALF
        x64 *= z64
        c32[...] = x64
        c32 += _K_1_32
        # sin polynomial: fma(((s0 z + s1) z + s2) z, x, x)
        s0, s1m, m1, s2m, m2 = _K_SIN
        np.multiply(z64, s0, out=t64)
        t64 += s1m
        t64 -= m1
        t64 *= z64
        t64 += s2m
        t64 -= m2
        s32[...] = t64
        s32 *= z32
        t64[...] = s32
        t64 *= y64
        t64 += y64
        s32[...] = t64
        # Octants 2 and 6 swap the polynomials; 4 and 6 negate sin, 2 and 4 negate cos.
        s, c, d = s32.view(np.int32), c32.view(np.int32), t32.view(np.int32)
        j <<= _I_29  # bit 31: j & 4 (sin's sign), bit 30: j & 2 (swap)
        np.left_shift(j, _I_1, out=m)  # bit 31: j & 2
        np.bitwise_xor(s, c, out=d)
        d &= np.right_shift(m, _I_31, out=z32.view(np.int32))  # all ones where swapped
        s ^= d
        c ^= d
        m ^= j  # bit 31: (j & 4) ^ (j & 2), cos's sign
        j &= _I_SIGN
        m &= _I_SIGN
        s ^= j
        c ^= m
        return s32, c32


def log_ps(u: np.ndarray) -> np.ndarray:
    """``log256_ps`` of positive normal float32 ``u``, FMA-contracted; float32 result."""
    u = np.asarray(u, f32)
    flat = np.ascontiguousarray(u).ravel()
    out = np.empty_like(flat)
    for s in range(0, len(flat), _LANES):
        part = flat[s : s + _LANES]
        w = _Work(len(part))
        ix = w.i[: w.size]
        ix[...] = part.view(np.int32)
        out[s : s + w.size] = w.log(ix, 127)
    return out.reshape(u.shape)


def sincos_ps(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` of float32 ``theta = 2*pi * k * 2**-24`` (the kernel's inputs, where the
    shortcuts are checked exhaustively): float32 (sin, cos)."""
    theta = np.asarray(theta, f32)
    flat = np.ascontiguousarray(theta).ravel()
    sin, cos = np.empty_like(flat), np.empty_like(flat)
    for s in range(0, len(flat), _LANES):
        part = flat[s : s + _LANES]
        w = _Work(len(part))
        sin[s : s + w.size], cos[s : s + w.size] = w.sincos(part)
    return sin.reshape(theta.shape), cos.reshape(theta.shape)


def fill16_f32(words: np.ndarray, out: np.ndarray, mean: float, std: float) -> None:
    """The float32 kernel: 32-bit words -> normals in ``out``, block by block of 16.

    Word ``w`` gives the uniform ``(w & 0xFFFFFF) * 2**-24``; in each block, slots ``j`` and
    ``j + 8`` (j < 8) are one Box-Muller pair: ``u1 = 1 - u[j]``, ``theta = 2*pi * u[j + 8]``.
    A chunk's words are first sorted into [all first halves | all second halves] (one copy of
    32-byte items), so every step runs on contiguous lanes; the results go back the same way.
    """
    src = words.view(_HALF_BLOCK).reshape(-1, 2)
    dst = out.view(_HALF_BLOCK).reshape(-1, 2)
    step = _LANES // 8
    work = _Work(min(_LANES, 8 * len(src)))
    for start in range(0, len(src), step):
        w_in, o = src[start : start + step], dst[start : start + step]
        w = work if 8 * len(w_in) == work.size else _Work(8 * len(w_in))
        k, f = w.i, w.f
        k.view(_HALF_BLOCK).reshape(2, -1)[...] = w_in.T
        np.bitwise_and(k.view(np.uint32), _U_24, out=k.view(np.uint32))
        f[...] = k  # exact
        log_in, theta = f[: w.size], f[w.size :]
        np.subtract(_K_TWO24, log_in, out=log_in)  # (1 - u1) * 2**24, exact
        radius = w.log(log_in.view(np.int32), 127 + 24)
        radius *= _K_MINUS_2_32
        np.sqrt(radius, out=radius)
        theta *= _K_TWO_PI_ULP  # 2*pi * u2
        sin, cos = w.sincos(theta)
        np.multiply(radius, sin, out=theta)
        np.multiply(radius, cos, out=radius)
        _finish32(f, mean, std)
        o.T[...] = f.view(_HALF_BLOCK).reshape(2, -1)


def _finish32(o: np.ndarray, mean: float, std: float) -> None:
    """``o = fmaf(o, std, mean)`` in place, for float32 ``o``."""
    if std == 1.0:  # exact fma with 1; also turns -0.0 into +0.0 for mean 0
        np.add(o, _K_ZERO32 if mean == 0.0 and math.copysign(1.0, mean) > 0 else _k(mean, f32), o)
    elif mean == 0.0:  # o * std is exact in float64, and so is adding a zero: one rounding
        p = o.astype(f64)
        p *= f64(f32(std))
        p += mean  # +0.0 or -0.0: signs of zero as fma's
        o[...] = p
    else:
        o[...] = fma32(o, f32(std), f32(mean))


_QUARTER_BLOCK = np.dtype((np.void, 64))  # 8 float64 slots (16 words): half a block of 16
_U53_MASK, _U_32 = _k((1 << 53) - 1, np.uint64), _k(32, np.uint64)
_K_2_53, _K_MINUS_2, _K_TWO_PI64 = _k(2.0**-53), _k(-2.0), _k(2.0 * math.pi)


def fill16_f64(words: np.ndarray, out: np.ndarray, mean: float, std: float) -> None:
    """The float64 kernel: pairs of 32-bit words -> normals in ``out``, block by block of 16.

    Slot ``s`` gets the uniform ``((w[2s] << 32 | w[2s + 1]) & (2**53 - 1)) * 2**-53`` (the first
    word is the high half); then, as for float32, slots ``j`` and ``j + 8`` of a block are one
    pair, with the C library's double ``log``, ``cos`` and ``sin`` (``_libm``). Chunks are
    deinterleaved as in ``fill16_f32``.
    """
    src = words.view(_QUARTER_BLOCK).reshape(-1, 2)
    dst = out.view(_QUARTER_BLOCK).reshape(-1, 2)
    step = _LANES // 8
    lanes = min(_LANES, 8 * len(src))
    v_buf, a_buf = np.empty((2, 2 * lanes), np.uint64)
    u_buf, r_buf, t_buf = np.empty(2 * lanes, f64), np.empty(lanes, f64), np.empty(lanes, f64)
    for start in range(0, len(src), step):
        w_in, o = src[start : start + step], dst[start : start + step]
        m = 8 * len(w_in)
        v, a, u = v_buf[: 2 * m], a_buf[: 2 * m], u_buf[: 2 * m]
        v.view(_QUARTER_BLOCK).reshape(2, -1)[...] = w_in.T  # [first halves | second halves]
        # Each uint64 holds (first word) + (second word << 32): swap the halves, keep 53 bits.
        np.left_shift(v, _U_32, out=a)
        np.right_shift(v, _U_32, out=v)
        a |= v
        a &= _U53_MASK
        u[...] = a.view(np.int64)  # exact
        u *= _K_2_53
        u1, u2 = u[:m], u[m:]
        np.subtract(_k(1.0), u1, out=u1)  # exact
        radius = _libm(np.log, u1, r_buf[:m])
        radius *= _K_MINUS_2
        np.sqrt(radius, out=radius)
        u2 *= _K_TWO_PI64  # theta
        np.multiply(radius, _libm(np.cos, u2, t_buf[:m]), out=u1)
        np.multiply(radius, _libm(np.sin, u2, t_buf[:m]), out=u2)
        _finish64(u, mean, std)
        o.T[...] = u.view(_QUARTER_BLOCK).reshape(2, -1)


def _finish64(x: np.ndarray, mean: float, std: float) -> None:
    """``x = fma(x, std, mean)`` in place, for float64 ``x``."""
    if std == 1.0:
        x += _k(mean)  # exact fma with 1; also turns -0.0 into +0.0 for mean 0
    else:
        x[...] = fma64(x, std, mean)


def box_muller_pair(u1: float, u2: float) -> tuple[float, float]:
    """The scalar path's pair (double): ``r * cos(theta)`` now, ``r * sin(theta)`` cached."""
    radius = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    return radius * math.cos(theta), radius * math.sin(theta)
