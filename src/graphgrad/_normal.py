"""PyTorch's CPU normal fills: Box-Muller on blocks of 16 uniforms, and the scalar path.

On x86-64, ``torch.randn`` fills a float32 tensor of 16 or more elements with an AVX2 kernel built
on the ``avx_mathfun`` (Cephes) ``log`` and ``sincos`` polynomials, and GCC contracts their
``a*b + c`` steps into fused multiply-adds. ``log_ps`` and ``sincos_ps`` replay those float32
operations. A fused step runs in float64 and is rounded once to float32: the product of two
float32 values is exact in float64, so this is the FMA whenever the float64 sum is exact or not
within a hair of a float32 tie. That holds for every input the kernel can see (``u = k * 2**-24``,
2**24 cases for ``log`` and 2**24 for ``sincos``): ``tests/test_random.py`` compares both with an
always-exact ``_fma.fma32`` version (a strided sample by default; all 2**24 inputs, 0 mismatches,
with GRAPHGRAD_EXHAUSTIVE=1). Unfused steps use plain float32 NumPy arithmetic.

Cost: about 45 NumPy passes per Box-Muller pair, so a large ``randn`` takes several times as long
as PyTorch's AVX2 loop; the mt19937 words themselves come at PyTorch's speed.
"""

from __future__ import annotations

import math

import numpy as np

from ._fma import fma32, fma64

f32, f64 = np.float32, np.float64
_CHUNK = 8192  # pairs per pass: hides NumPy's per-call cost; float64 temporaries stay at 64 KiB

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


def _r(a: np.ndarray) -> np.ndarray:
    """Round a float64 array to float32 precision, in place."""
    a[...] = a.astype(f32)
    return a


def _horner(x: np.ndarray, coeffs: tuple) -> np.ndarray:
    """Horner's scheme with one FMA (one rounding to float32) per coefficient."""
    y = x * coeffs[0]
    y += coeffs[1]
    _r(y)
    for c in coeffs[2:]:
        y *= x
        y += c
        _r(y)
    return y


def log_ps(u: np.ndarray) -> np.ndarray:
    """``log256_ps`` of positive normal float32 ``u``, FMA-contracted; float32 result."""
    m, e = np.frexp(u)  # u = m * 2**e, m in [0.5, 1)
    # Below sqrt(1/2) use 2m - 1 and one less in the exponent. (Arithmetic on the mask rather
    # than ufunc ``where=``, whose masked loops crawl on random masks.)
    small = (m < _SQRT_HALF).astype(f32)
    x32 = m * (small + f32(1))
    x32 -= f32(1)  # exact (Sterbenz)
    ef = e.astype(f32)
    ef -= small
    x = x32.astype(f64)
    z32 = x32 * x32
    y = _horner(x, _LOG_P)
    y *= x
    _r(y)
    y *= z32.astype(f64)  # GCC fuses this product (the first one) with the add of e*q1
    y += (ef * f32(_LOG_Q1)).astype(f64)
    # The remaining steps round exactly like plain float32 arithmetic (z/2 and e*q2 are exact).
    y32 = y.astype(f32)
    y32 -= z32 * f32(0.5)
    x32 += y32
    x32 += ef * f32(_LOG_Q2)
    return x32


def sincos_ps(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` of float32 ``theta`` in [0, 2*pi): float32 (sin, cos)."""
    j = (theta * _FOPI).astype(np.int32)
    j += 1
    j &= ~1  # octant, rounded up to even
    jf = j.astype(f64)
    x = theta.astype(f64)
    x += jf * _DP[0]  # exact: the first Cody-Waite step needs no rounding
    for dp in _DP[1:]:  # extended-precision theta - j * pi/4, one FMA each
        x += jf * dp
        _r(x)
    z = _r(x * x)
    yc = _horner(z, _COS_P)
    yc *= z
    _r(yc)
    yc *= z  # fused with the subtraction of z/2 (exact)
    yc -= z * 0.5
    yc32 = yc.astype(f32)
    yc32 += f32(1)
    ys = _horner(z, _SIN_P)
    ys *= z
    _r(ys)
    ys *= x
    ys += x
    ys32 = ys.astype(f32)
    # Octants 2 and 6 swap the polynomials; octants 4 and 6 negate sin, 2 and 4 negate cos.
    swap = (j & 2) != 0
    sin = np.where(swap, yc32, ys32)
    cos = np.where(swap, ys32, yc32)
    sin.view(np.int32)[...] ^= (j & 4) << 29
    j += 2
    cos.view(np.int32)[...] ^= (j & 4) << 29
    return sin, cos


_U24 = np.uint32(0xFFFFFF)
_TWO_PI_ULP = _TWO_PI * f32(2.0**-24)  # exact: 2*pi * (k * 2**-24) == (2*pi * 2**-24) * k


def fill16_f32(words: np.ndarray, out: np.ndarray, mean: float, std: float) -> None:
    """The float32 kernel: 32-bit words -> normals in ``out``, block by block of 16.

    Word ``w`` gives the uniform ``(w & 0xFFFFFF) * 2**-24``; in each block, slots ``j`` and
    ``j + 8`` (j < 8) are one Box-Muller pair.
    """
    src, dst = words.reshape(-1, 2, 8), out.reshape(-1, 2, 8)
    step = _CHUNK // 8
    for start in range(0, len(src), step):
        w, o = src[start : start + step], dst[start : start + step]
        k = (w[:, 0] & _U24).ravel()
        u1 = k.astype(f32)
        u1 *= f32(-(2.0**-24))
        u1 += f32(1)  # 1 - u, exact
        radius = log_ps(u1)
        radius *= f32(-2)
        np.sqrt(radius, out=radius)
        theta = (w[:, 1] & _U24).ravel().astype(f32)
        theta *= _TWO_PI_ULP
        sin, cos = sincos_ps(theta)
        for half, trig in ((0, cos), (1, sin)):
            trig *= radius
            _finish32(trig.reshape(-1, 8), mean, std, o[:, half])


def _finish32(x: np.ndarray, mean: float, std: float, out: np.ndarray) -> None:
    """``out = fmaf(x, std, mean)`` for float32 ``x``."""
    if std == 1.0:
        np.add(x, f32(mean), out=out)  # exact fma with 1; also turns -0.0 into +0.0 for mean 0
    else:
        out[...] = fma32(x, f32(std), f32(mean))


def fill16_f64(d: np.ndarray, mean: float, std: float) -> None:
    """The float64 kernel: the same blocks, with the C library's double ``log``, ``cos``, ``sin``.

    ``math.log`` is the C library's ``log``; NumPy's float64 ``log`` can be a SIMD version that
    differs in the last bit (AVX-512 builds), while its float64 ``cos``/``sin`` match the C library.
    """
    blocks = d.reshape(-1, 2, 8)
    logs = np.fromiter(map(math.log, (1.0 - blocks[:, 0]).ravel().tolist()), f64)
    radius = np.sqrt(-2.0 * logs).reshape(-1, 8)
    theta = (2.0 * math.pi) * blocks[:, 1]
    blocks[:, 0] = _finish64(radius * np.cos(theta), mean, std)
    blocks[:, 1] = _finish64(radius * np.sin(theta), mean, std)


def _finish64(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    if std == 1.0 and mean == 0.0:
        return x + 0.0
    return fma64(x, std, mean)


def box_muller_pair(u1: float, u2: float) -> tuple[float, float]:
    """The scalar path's pair (double): ``r * cos(theta)`` now, ``r * sin(theta)`` cached."""
    radius = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    return radius * math.cos(theta), radius * math.sin(theta)
