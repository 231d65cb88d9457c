"""PyTorch's float32 normal kernel for small fills, in few NumPy calls.

``_normal.fill16_f32`` replays the AVX2 kernel step by step, about 110 NumPy calls whatever the
size; for a few hundred values their fixed cost (~0.3 us each) is all the time. This module
computes the same float32 operations with every lane of the log and of both sincos polynomials in
each call, about 60 calls in all:

* Per pair, a log lane and a sincos lane find their constants first: they depend only on a
  monotone step function of the lane's 24-bit input ``k`` (the log's exponent, the octant), so
  one ``searchsorted`` (a sincos lane's key is ``k + 2**24``) and one ``take`` serve all lanes.
* Then five rows of ``L`` lanes: ``log, cos, sin, sin, cos``. The polynomials are evaluated twice
  (lanes are nearly free, calls are not), so the rows line up with the outputs:
  ``[cos slot | sin slot] = radius * (rows 1:3 * w + rows 3:5 * w')``, where the weights ``w``
  (0 or +-1, exact) carry the octant's swap and signs. The first six Horner steps, where the
  sincos polynomials have not started, run on the log row alone.
* Fused multiply-adds run in float64 (the product of two float32 values is exact) and are rounded
  once to float32 by assignment, as in ``_normal``; plain float32 steps run in float32.

The results equal ``fill16_f32`` bit for bit on every kernel input: ``tests/random/test_small.py``
compares the two on a strided sample of the 2**24 inputs of each half (all of them with
GRAPHGRAD_EXHAUSTIVE=1), and against torch for many sizes.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np

from . import _normal as _n

f32, f64 = np.float32, np.float64
_SPAN = 1 << 24  # values of a 24-bit uniform k; a sincos lane's lookup key is k + _SPAN
_KINDS = (0, 1, 2, 2, 1)  # what each of the five rows computes: 0 log, 1 cos, 2 sin
_LEAD = 6  # Horner steps before the sincos rows' leading coefficient: the log row alone
_M24 = np.array(_SPAN - 1, np.uint64)
_MINUS_HALF, _MINUS_2_32 = np.array(-0.5), np.array(-2.0, f32)
# Rows of the lane table (one column per log lane, then per sincos lane). The lookup fills S..F3;
# F0 is e*q2 for a log lane, F0..F3 are the output weights of the four sincos rows. X, Z, NZH (x,
# z, -z/2) are written by the kernel; ONE and NEG0 are constants.
_S, _A, _EQ1, _F0, _F1, _F2, _F3, _X, _Z, _NZH, _ONE, _NEG0 = range(12)
_LOOKED_UP = 7


def _steps(f, lo: int, hi: int) -> list[tuple[int, int]]:
    """``(first k, value)`` for each run of the monotone step function ``f`` on ``[lo, hi)``."""
    out, k = [], lo
    while k < hi:
        v, a, b = f(k), k, hi - 1  # find the last k with f(k) == v by bisection
        while a < b:
            mid = (a + b + 1) // 2
            a, b = (mid, b) if f(mid) == v else (a, mid - 1)
        out.append((k, v))
        k = a + 1
    return out


def _log_exponent(k: int) -> int:
    """Cephes' exponent + 24 for ``u1 = (2**24 - k) * 2**-24``: the E with ``v * 2**-E`` in
    ``[sqrt(1/2), 2 sqrt(1/2))``, ``v = 2**24 - k``."""
    v, e = _SPAN - k, 0
    while v >= float(_n._SQRT_HALF) * 2.0 ** (e + 1):
        e += 1
    return e


def _octant(k: int) -> int:
    """The kernel's ``j`` for ``theta = 2*pi * k * 2**-24`` (float32 steps, as the kernel)."""
    theta = f32(k) * _n._TWO_PI_ULP
    return (int(theta * _n._FOPI) + 1) & ~1


def _exact_sum(*terms: float) -> float:
    """The sum of float64 values, asserted to be exact in float64."""
    total = sum(Fraction(t) for t in terms)
    assert Fraction(float(total)) == total
    return float(total)


def _log_entry(e24: int) -> list[float]:
    """Table entries S..F3 for a log lane whose exponent (Cephes' e + 24) is ``e24``.

    ``k * S = -(k * 2**-E)`` is exact, and so is ``+ A``: the sum is ``x = v * 2**-E - 1`` with
    ``v = 2**24 - k`` and ``v * 2**-E`` in [sqrt(1/2), sqrt(2)), a float32 (Sterbenz).
    """
    e = f32(e24 - 24)
    eq1 = e * f32(_n._LOG_Q1)  # rounded to float32, as the kernel's e * q1
    eq2 = e * f32(_n._LOG_Q2)  # exact: q2 has 9 significant bits, |e| <= 24
    return [-(2.0**-e24), 2.0 ** (24 - e24) - 1.0, float(eq1), float(eq2), 0.0, 0.0, 0.0]


def _sincos_entry(j: int) -> list[float]:
    """Table entries S..F3 for a sincos lane in octant ``j``.

    ``k * S`` is exact; its float32 rounding is theta. ``A = j * (dp1 + dp2 + dp3)`` is exact in
    float64, and ``theta + j*dp1 + j*dp2`` is a multiple of 2**-24 below 1 (theta >= 1/2 once
    j > 0), so exact in float32: ``round32(theta + A)`` (after one float64 rounding) is the
    kernel's three-step reduction. F0..F3 weigh the rows cos, sin, sin, cos: the cos slot is
    ``cos * F0 + sin * F2``, the sin slot ``sin * F1 + cos * F3`` (octant swap and signs).
    """
    swap, sin_sign = j & 2 != 0, -1.0 if j & 4 else 1.0
    cos_sign = -1.0 if (j + 2) & 4 else 1.0
    a = _exact_sum(*(j * d for d in _n._DP))
    weights = [cos_sign * (not swap), sin_sign * (not swap), cos_sign * swap, sin_sign * swap]
    return [float(_n._TWO_PI_ULP), a, 0.0, *weights]


@functools.cache
def _table() -> tuple[np.ndarray, np.ndarray]:
    """The step table: thresholds (uint64, ascending keys) and its entries (rows S..F3)."""
    steps = [(k, _log_entry(e24)) for k, e24 in _steps(_log_exponent, 0, _SPAN)]
    steps += [(k + _SPAN, _sincos_entry(j)) for k, j in _steps(_octant, 0, _SPAN)]
    starts = np.array([k for k, _ in steps[1:]], np.uint64)
    return starts, np.array([e for _, e in steps]).T.copy()


_COEFS = tuple(zip(_n._LOG_P, (0.0,) * 6 + _n._COS_P, (0.0,) * 6 + _n._SIN_P, strict=True))


class _Plan:
    """What depends only on the lane count ``L``: gather indices, the Horner coefficients of the
    five rows, and scratch buffers (a plan is used by one call at a time; see ``_POOL``)."""

    def __init__(self, lanes: int) -> None:
        two, five = 2 * lanes, 5 * lanes
        self.key_offset = np.repeat(np.array([0, _SPAN], np.uint64), lanes)
        self.lanes = lanes
        self.kf, self.p2 = np.empty((2, two))
        self.t2, self.x2, self.z2 = np.empty((3, two), f32)
        self.table = np.empty((12, two))  # the lane table
        self.table[_ONE], self.table[_NEG0] = 1.0, -0.0
        self.rows = [self.table[i] for i in range(12)]
        self.aux_index = self._aux_index(lanes)
        self.aux = np.empty(len(self.aux_index))  # h | h3 | t3 | d | x, e*q2 (log) | weights
        self.h, self.h3, self.t3 = (self.aux[i * five : (i + 1) * five] for i in range(3))
        self.aux32 = np.empty(len(self.aux) - 3 * five, f32)
        self.d, self.x_log, self.eq2, self.weights = np.split(
            self.aux32, np.cumsum([five, lanes, lanes])
        )
        coefs = [np.repeat(np.array(c)[list(_KINDS)] * 1.0, lanes) for c in _COEFS]
        self.log_coefs = tuple(c[:lanes] for c in coefs[: _LEAD + 1])
        self.lead = coefs[_LEAD][lanes:]  # c0 and s0: the sincos rows' leading coefficients
        self.coefs = tuple(coefs[_LEAD + 1 :])
        self.p, self.y64 = np.empty((2, five))
        self.y32 = np.empty(five, f32)
        self.y_log, self.y_poly = self.y32[:lanes], self.y32[lanes:]
        self.log_views = self.y_log, self.y64[:lanes], self.p[:lanes], self.h[:lanes]
        self.sincos_views = self.h[lanes:], self.p[lanes:]
        self.y_a, self.y_b = self.y32[lanes : 3 * lanes], self.y32[3 * lanes :]
        self.radius = np.empty(lanes, f32)
        self.out = np.empty(two, f32)
        self.out_a, self.out_b = self.out[:lanes], self.out[lanes:]

    @staticmethod
    def _aux_index(lanes: int) -> np.ndarray:
        """Flat indices into the lane table for ``aux``: per row, the entry its kind needs."""
        two = 2 * lanes
        row = np.arange(5 * lanes) // lanes
        kind = np.array(_KINDS)[row]
        col = np.arange(5 * lanes) % lanes + lanes * (kind != 0)  # log or sincos lane

        def pick(*by_kind: int) -> np.ndarray:
            return np.array(by_kind)[kind] * two + col

        log = np.arange(lanes)
        # fma(y, h3, t3): log y*z + e*q1, cos c*z - z/2, sin s*x + x; then + d: log - z/2,
        # cos + 1, sin + -0.0 (which leaves every value as it is)
        return np.concatenate([
            pick(_X, _Z, _Z), pick(_Z, _Z, _X), pick(_EQ1, _NZH, _X), pick(_NZH, _ONE, _NEG0),
            _X * two + log, _F0 * two + log,
            (_F0 + row[lanes:] - 1) * two + col[lanes:],
        ])  # fmt: skip


MAX_SIZE = 1024  # above this, fill16_f32's chunked steps are faster
_POOL: dict[int, _Plan] = {}  # idle plans by lane count; a call takes one out while it runs
_POOL_MAX = 64


@functools.lru_cache(maxsize=256)
def _indices(n: int, skip: int) -> tuple[int, np.ndarray, np.ndarray]:
    """Lanes, word indices (2L: first halves, then second halves) and output indices (n).

    Whole blocks use words ``16b .. 16b + 15``; a partial tail is one more block from the 16
    words at ``skip`` (torch draws the tail after ``skip`` words), whose values overwrite the
    last 16 outputs.
    """
    full, tail = n // 16, n % 16 != 0
    blocks = full + tail
    lanes = 8 * blocks
    b, j = np.divmod(np.arange(lanes), 8)
    start = np.where(b < full, 16 * b, skip)
    words = np.concatenate([start + j, start + 8 + j])
    p = np.arange(n)
    b = np.where(tail & (p >= n - 16), full, p // 16)
    s = np.where(b == full, p - (n - 16), p % 16)
    out = (s // 8) * lanes + 8 * b + s % 8
    words.flags.writeable = out.flags.writeable = False  # shared by every call of this size
    return lanes, words, out


def fill_small(words: np.ndarray, n: int, skip: int, mean: float, std: float) -> np.ndarray:
    """``n`` float32 normals from the uint64 array of 32-bit ``words`` (``skip`` + 16 of them
    when ``n % 16``, else ``n``), exactly as ``_normal.fill16_f32`` with torch's tail rule."""
    lanes, word_index, out_index = _indices(n, skip)
    out = lane_normals(words.take(word_index), lanes, out_index)
    _n._finish32(out, mean, std)  # elementwise: before or after picking, the same bits
    return out


def lane_normals(g: np.ndarray, lanes: int, pick: np.ndarray) -> np.ndarray:
    """The kernel's normals (mean 0, std 1) for gathered words ``g``, the first halves of
    ``lanes`` pairs and then their second halves (uint64, 2L): the values at ``pick`` of
    ``[cos slots | sin slots]``, a new float32 array."""
    plan = _POOL.pop(lanes, None) or _Plan(lanes)
    try:
        return _kernel(plan, g).take(pick)
    finally:
        if len(_POOL) < _POOL_MAX:
            _POOL[lanes] = plan


def _kernel(w: _Plan, g: np.ndarray) -> np.ndarray:
    """Normals for the gathered words ``g`` (2L): ``[cos slots | sin slots]``, float32 (2L)."""
    _reduce(w, g)
    _polynomials(w)
    return _combine(w)


def _reduce(w: _Plan, g: np.ndarray) -> None:
    """Look up each lane's constants, then its reduced argument x and z = x*x, into the lane
    table; gather every row's operands into ``aux`` (float32 copies in ``aux32``)."""
    thresholds, entries = _table()
    rows, p2, x2 = w.rows, w.p2, w.x2
    np.bitwise_and(g, _M24, g)
    w.kf[...] = g
    np.add(g, w.key_offset, g)
    # mode "clip" (the steps are in range anyway): "raise" would buffer the output
    entries.take(thresholds.searchsorted(g, "right"), 1, w.table[:_LOOKED_UP], "clip")
    np.multiply(w.kf, rows[_S], p2)
    w.t2[...] = p2  # theta (exact for the log lanes)
    p2[...] = w.t2
    np.add(p2, rows[_A], p2)
    x2[...] = p2  # x
    rows[_X][...] = x2
    np.multiply(x2, x2, w.z2)
    rows[_Z][...] = w.z2
    np.multiply(rows[_Z], _MINUS_HALF, rows[_NZH])  # exact
    w.table.take(w.aux_index, None, w.aux, "clip")
    w.aux32[...] = w.aux[len(w.p) * 3 :]


def _polynomials(w: _Plan) -> None:
    """The log and sincos polynomials of the five rows, into ``w.y32``.

    Each fma is a float64 multiply (exact) and add, rounded to float32 by assignment, as
    ``_Work.log`` does for the log; for the sincos rows ``_Work`` rounds its first two steps
    with a rounding constant instead, and the exhaustive test shows the results equal.
    """
    y32, y64, p, h = w.y32, w.y64, w.p, w.h
    y32_log, y64_log, p_log, h_log = w.log_views  # the log row alone until the sincos rows start
    np.multiply(h_log, w.log_coefs[0], p_log)
    for c in w.log_coefs[1:]:
        np.add(p_log, c, p_log)
        y32_log[...] = p_log
        y64_log[...] = y32_log
        np.multiply(y64_log, h_log, p_log)
    np.multiply(w.lead, *w.sincos_views)  # the sincos rows start from their leading coefficient
    for c in w.coefs:  # Horner: all rows
        np.add(p, c, p)
        y32[...] = p
        y64[...] = y32
        np.multiply(y64, h, p)
    y32[...] = p  # the product y * h, rounded
    y64[...] = y32
    np.multiply(y64, w.h3, p)
    np.add(p, w.t3, p)
    y32[...] = p
    np.add(y32, w.d, y32)  # float32 sums, as the kernel's


def _combine(w: _Plan) -> np.ndarray:
    """The radius from the log rows, times the octant-weighted polynomial rows."""
    r = w.radius  # log: x + y + e*q2, then sqrt(-2 log)
    np.add(w.x_log, w.y_log, r)
    np.add(r, w.eq2, r)
    np.multiply(r, _MINUS_2_32, r)
    np.sqrt(r, r)
    np.multiply(w.y_poly, w.weights, w.y_poly)  # 0 or +-1: exact
    np.add(w.y_a, w.y_b, w.out)  # one of the two is +-0: exact
    np.multiply(w.out_a, r, w.out_a)
    np.multiply(w.out_b, r, w.out_b)
    return w.out
