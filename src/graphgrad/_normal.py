"""PyTorch's CPU normal fills: Box-Muller on blocks of 16 uniforms, and the scalar path.

On x86-64, ``torch.randn`` fills a float32 tensor of 16 or more elements with an AVX2 kernel built
on the ``avx_mathfun`` (Cephes) ``log`` and ``sincos`` polynomials, and GCC contracts their
``a*b + c`` steps into fused multiply-adds. ``log_ps`` and ``sincos_ps`` replay those float32
operations in float64 arrays, rounding to float32 after each step the kernel rounds: a product of
two float32 values is exact in float64, so "multiply-add, then round once" is the FMA whenever the
float64 sum is exact or far from a float32 tie. That holds for every input these kernels see
(``u = k * 2**-24``: 2**24 cases each); ``tests/test_random.py`` checks it exhaustively against the
always-exact ``_fma.fma32``. Plain float32 ``+ - * sqrt`` done in float64 and rounded once are
correctly rounded too (53 >= 2 * 24 + 2).
"""

from __future__ import annotations

import math

import numpy as np

from ._fma import fma32, fma64

f32, f64 = np.float32, np.float64
_CHUNK = 8192  # values per pass: float64 temporaries stay small (cache-resident, no mmap churn)

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
    """``log256_ps`` of positive normal float32 ``u``, as float64 values at float32 precision."""
    bits = u.view(np.uint32)
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(f32)  # u = m * 2**e
    small = m < _SQRT_HALF
    e = (bits >> 23).astype(np.int32)
    e -= small  # for m < sqrt(1/2) use 2m - 1 and one less in the exponent
    ef = e.astype(f64)
    ef -= 0x7F - 1
    x = m.astype(f64)
    np.add(x, x, out=x, where=small)
    x -= 1.0  # exact (Sterbenz)
    z = _r(x * x)
    y = _horner(x, _LOG_P)
    y *= x
    _r(y)
    y *= z  # GCC fuses this product (the first one) with the add of e*q1
    y += _r(ef * _LOG_Q1)
    _r(y)
    y -= z * 0.5
    _r(y)
    x += y
    _r(x)
    x += ef * _LOG_Q2
    return _r(x)


def sincos_ps(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` of float32 ``theta`` in [0, 2*pi): (sin, cos) as float64 arrays."""
    j = (theta * _FOPI).astype(np.int32)
    j += 1
    j &= ~1  # octant, rounded up to even
    flip_sin = (j & 4) != 0
    flip_cos = ((j - 2) & 4) == 0
    use_cos_poly = (j & 2) != 0
    x = theta.astype(f64)
    jf = j.astype(f64)
    for dp in _DP:  # extended-precision theta - j * pi/4, one FMA each
        x += jf * dp
        _r(x)
    z = _r(x * x)
    yc = _horner(z, _COS_P)
    yc *= z
    _r(yc)
    yc *= z  # fused with the subtraction of z/2 (exact)
    yc -= z * 0.5
    _r(yc)
    yc += 1.0
    _r(yc)
    ys = _horner(z, _SIN_P)
    ys *= z
    _r(ys)
    ys *= x
    ys += x
    _r(ys)
    sin = np.where(use_cos_poly, yc, ys)
    cos = np.where(use_cos_poly, ys, yc)
    np.negative(sin, out=sin, where=flip_sin)
    np.negative(cos, out=cos, where=flip_cos)
    return sin, cos


def fill16_f32(d: np.ndarray, mean: float, std: float) -> None:
    """The float32 kernel: turn uniforms into normals in place, block by block of 16.

    In each block, ``d[j]`` and ``d[j + 8]`` (j < 8) are one Box-Muller pair.
    """
    blocks = d.reshape(-1, 2, 8)
    step = _CHUNK // 8
    for start in range(0, len(blocks), step):
        blk = blocks[start : start + step]
        radius = log_ps((f32(1) - blk[:, 0]).ravel())
        radius *= -2.0
        _r(np.sqrt(radius, out=radius))
        sin, cos = sincos_ps((_TWO_PI * blk[:, 1]).ravel())
        for half, trig in ((0, cos), (1, sin)):
            trig *= radius
            blk[:, half] = _finish32(trig, mean, std).reshape(-1, 8)


def _finish32(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``fmaf(x, std, mean)`` for float32 values ``x`` (held in float64, not yet rounded)."""
    if std == 1.0 and mean == 0.0:
        return x.astype(f32) + f32(0)  # the FMA with 1 and 0 only turns -0.0 into +0.0
    return fma32(x.astype(f32), f32(std), f32(mean))


def fill16_f64(d: np.ndarray, mean: float, std: float) -> None:
    """The float64 kernel: the same blocks, with libm's double ``log``, ``cos`` and ``sin``."""
    blocks = d.reshape(-1, 2, 8)
    # Python's math module calls the same C library as PyTorch; NumPy's SIMD log can differ.
    logs = np.fromiter(map(math.log, (1.0 - blocks[:, 0]).ravel().tolist()), f64)
    radius = np.sqrt(-2.0 * logs).reshape(-1, 8)
    theta = (2.0 * math.pi) * blocks[:, 1]
    cos = np.fromiter(map(math.cos, theta.ravel().tolist()), f64).reshape(-1, 8)
    sin = np.fromiter(map(math.sin, theta.ravel().tolist()), f64).reshape(-1, 8)
    blocks[:, 0] = _finish64(radius * cos, mean, std)
    blocks[:, 1] = _finish64(radius * sin, mean, std)


def fill16_f16(d: np.ndarray, mean: float, std: float) -> np.ndarray:
    """The scalar kernel used for float16: float32 libm math on float32 uniforms.

    Returns the float16 result (rounded from float32, as PyTorch's Half does).
    """
    blocks = d.reshape(-1, 2, 8)
    radius = np.sqrt(f32(-2) * np.log(f32(1) - blocks[:, 0]))
    theta = _TWO_PI * blocks[:, 1]
    blocks[:, 0] = fma32(radius * np.cos(theta), f32(std), f32(mean))
    blocks[:, 1] = fma32(radius * np.sin(theta), f32(std), f32(mean))
    return d.astype(np.float16)


def _finish64(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    if std == 1.0 and mean == 0.0:
        return x + 0.0
    return fma64(x, std, mean)


def box_muller_pair(u1: float, u2: float) -> tuple[float, float]:
    """The scalar path's pair (double): ``r * cos(theta)`` now, ``r * sin(theta)`` cached."""
    radius = math.sqrt(-2.0 * math.log1p(-u2))
    theta = 2.0 * math.pi * u1
    return radius * math.cos(theta), radius * math.sin(theta)
