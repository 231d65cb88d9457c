"""Normal draws computed ahead: a fixed cycle of draws, many cycles' worth in one pass.

A compiled training step that draws ``randn`` leaves repeats the same draws at every replay,
and each small draw pays the normal kernel's fixed cost (about 60 NumPy calls for 16 to 1024
float32 values, a Python loop per pair below 16). Every value is a function of the 32-bit words
it consumes and of the generator's cached normal, so the values of the next many cycles can be
computed from a copy of the generator's engine with one kernel pass over all their lanes.

A value computed ahead is served only when the generator stands exactly where the prediction
started (its engine's state, bit for bit, and its cached normal); the draw then leaves the
generator where the real draw would have, so the stream, ``get_state()`` and every later draw
are as if it had been drawn then. Anything that moved the generator meanwhile (a draw outside
the cycle, ``manual_seed``, ``set_state``) only makes the prediction miss: that draw is made
for real and the next cycle is predicted afresh.

>>> import graphgrad as torch
>>> g = torch.Generator().manual_seed(0)
>>> ahead = DrawsAhead(g, [spec_of("normal_array", ((2,), 0.0, 1.0, np.float32), {})])
>>> twin = torch.Generator().manual_seed(0)
>>> [bool((ahead.draw(0) == twin.normal_array((2,))).all()) for _ in range(3)]
[True, True, True]
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

import numpy as np

from . import _normal, _normal_small
from ._c_math import c_library
from ._generator import Generator, finish_scalar_normals
from ._mt19937 import MT19937

_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_M53 = np.uint64((1 << 53) - 1)
# A batch of cycles costs about 160 us plus 14 us a cycle to predict (seed example 4's five
# draws), against about 50 us a cycle drawn for real: the first batch is already past the
# break-even point, and batches double while every draw is served.
_FIRST_CYCLES, _MAX_CYCLES = 8, 64
_engines = threading.local()  # a scratch engine per thread, to predict on


class Spec(NamedTuple):
    """One draw of the cycle: ``n`` values of ``np_dtype``, N(mean, std**2), made by the scalar
    path (double Box-Muller, one value cached between draws) or the float32 block kernel."""

    shape: tuple
    n: int
    mean: float
    std: float
    np_dtype: np.dtype
    blocks: bool  # the float32 kernel on blocks of 16 (``_normal_small``), else the scalar path


def spec_of(method: str, args: tuple, kwargs: dict) -> Spec | None:
    """The ``Spec`` of a call ``Generator.<method>(*args, **kwargs)``, or None for a draw this
    module does not compute ahead (other methods, dtypes and sizes: they are drawn for real)."""
    if method == "normal_array":
        names = ("shape", "mean", "std", "np_dtype")
        defaults: dict = {"mean": 0.0, "std": 1.0, "np_dtype": _F32}
    elif method == "normal_scalar_array":
        names, defaults = (
            ("n", "mean", "std", "np_dtype"),
            {"mean": 0.0, "std": 1.0, "np_dtype": _F64},
        )
    else:
        return None
    bound = {**defaults, **dict(zip(names, args, strict=False)), **kwargs}
    if set(bound) != set(names):
        return None
    dtype, mean, std = np.dtype(bound["np_dtype"]), float(bound["mean"]), float(bound["std"])
    if dtype not in (_F16, _F32, _F64) or not std >= 0.0:
        return None
    if method == "normal_scalar_array":
        return Spec((int(bound["n"]),), int(bound["n"]), mean, std, dtype, False)
    shape = tuple(int(d) for d in bound["shape"])
    n = math.prod(shape)
    if n < 16:
        return Spec(shape, n, mean, std, dtype, False)
    if dtype == _F32 and n <= _normal_small.MAX_SIZE:
        return Spec(shape, n, mean, std, dtype, True)
    return None


class _Queue(NamedTuple):
    """Draws computed ahead, one list per field: where the generator stands before each, the
    words it takes, the normal cached before and after it, and its values."""

    positions: list[tuple]
    words: list[int]
    caches: list[float | None]
    caches_after: list[float | None]
    values: list[np.ndarray]


_EMPTY = _Queue([], [], [], [], [])


class DrawsAhead:
    """The draws ``specs`` of one generator, in this order, again and again: ``draw(i)`` gives
    the ``i``-th one's values, computed ahead where the generator is where it was predicted."""

    def __init__(self, generator: Generator, specs: list[Spec]) -> None:
        self.generator = generator
        self.specs = specs
        self.layouts = (_Cycle(specs, False), _Cycle(specs, True))
        self.queue = _EMPTY
        self.next = 0  # the index in ``queue`` of the next draw
        # cycles in the next batch; 0 at first: the first cycle is drawn for real (in a
        # compiled call it is the checked replay, whose generator state is put back after)
        self.cycles = 0
        self.missed = 0  # batches in a row that missed; after 2, draw for real for good

    def draw(self, i: int) -> np.ndarray:
        """The values of the ``i``-th draw of the cycle, advancing the generator past it."""
        g, q, j = self.generator, self.queue, self.next
        if j < len(q.words):
            cache = g._normal_cache
            if q.positions[j] == g._mt.position and (
                cache is q.caches[j] or _same_cache(cache, q.caches[j])
            ):
                self.next = j + 1
                if q.words[j]:
                    g._mt.raw(q.words[j])  # the state moves on as the real draw moves it
                g._normal_cache = q.caches_after[j]
                return q.values[j]
            self.queue, self.cycles = _EMPTY, _FIRST_CYCLES
            self.missed += 1
        elif i == 0 and self.missed < 2:  # predict from the start of a cycle only
            if not self.cycles:
                self.cycles = _FIRST_CYCLES
                return _draw(g, self.specs[i])
            if q.words:  # the whole batch was served: predict further next time
                self.cycles = min(2 * self.cycles, _MAX_CYCLES)
                self.missed = 0
            self.queue = _predict(g, self.specs, self.layouts, self.cycles)
            self.next = 0
            return self.draw(i)
        return _draw(g, self.specs[i])


def _draw(g: Generator, s: Spec) -> np.ndarray:
    """The draw ``s`` made for real."""
    if s.blocks:
        return g.normal_array(s.shape, s.mean, s.std, s.np_dtype)
    return g.normal_scalar_array(s.n, s.mean, s.std, s.np_dtype).reshape(s.shape)


def _same_cache(a: float | None, b: float | None) -> bool:
    """The same cached normal, bit for bit (a zero's sign included)."""
    if a is None or b is None:
        return a is b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


_BEFORE, _NONE = -1, -2  # a scalar value: the normal cached before the cycle; no value


class _Cycle:
    """Where one cycle's draws take their words and values, given whether a normal is cached
    at its start (the only state a cycle's layout depends on). Word offsets count from the
    cycle's first word; a scalar value is ``_BEFORE`` (the normal cached before the cycle) or
    ``2p``/``2p + 1`` (the cycle's pair ``p``: ``r cos``, ``r sin``), taken as
    ``Generator._scalar_normals`` takes them."""

    def __init__(self, specs: list[Spec], cached: bool) -> None:
        self.starts: list[int] = []  # per draw: its first word
        self.words: list[int] = []  # per draw: how many words it takes
        self.refs: list[np.ndarray] = []  # per draw: its scalar values (none for blocks)
        self.caches: list[int] = []  # per draw: the normal cached after it (or _NONE)
        pair_starts: list[int] = []  # per pair: its first word (4 words each)
        cache, at = (_BEFORE if cached else _NONE), 0
        for s in specs:
            self.starts.append(at)
            taken: list[int] = []
            if s.blocks:
                at += s.n + 16 if s.n % 16 else s.n
            else:
                if s.n and cache != _NONE:
                    taken, cache = [cache], _NONE
                first, pairs = len(pair_starts), (s.n - len(taken) + 1) // 2
                pair_starts += range(at, at + 4 * pairs, 4)
                taken += range(2 * first, 2 * (first + pairs))
                at += 4 * pairs
                if len(taken) > s.n:
                    cache = taken.pop()
            self.refs.append(np.array(taken, np.intp))
            self.words.append(at - self.starts[-1])
            self.caches.append(cache)
        self.pair_starts = np.array(pair_starts, np.intp)
        self.total = at


class _Batch:
    """``cycles`` cycles in a row: each one's layout (of ``layouts``, without and with a
    cached normal at its start), and where its words and pairs start."""

    def __init__(self, layouts: tuple, cycles: int, cached: bool) -> None:
        self.seq = seq = [layouts[cached]]
        while len(seq) < cycles:
            seq.append(layouts[seq[-1].caches[-1] != _NONE])
        self.word_base = np.cumsum([0] + [c.total for c in seq])
        self.pair_base = np.cumsum([0] + [len(c.pair_starts) for c in seq])[:-1]
        # the value index of the normal cached at each cycle's start (0: the generator's)
        start = [0]
        for k, c in enumerate(seq[:-1]):
            last = c.caches[-1]
            start.append(start[k] if last < 0 else 1 + 2 * int(self.pair_base[k]) + last)
        self.start = np.array(start)

    def index(self, k, refs):
        """The value indices (see ``_scalar_values``) of cycle ``k``'s scalar values ``refs``
        (``k`` and ``refs`` broadcast together)."""
        return np.where(refs == _BEFORE, self.start[k], 1 + 2 * self.pair_base[k] + refs)

    def pair_words(self) -> np.ndarray:
        return np.concatenate([b + c.pair_starts for b, c in zip(self.word_base, self.seq)])

    def values(self, i: int, s: Spec, words: np.ndarray, scalars: np.ndarray) -> np.ndarray:
        """The ``i``-th draw ``s`` of every cycle: (cycles, *shape)."""
        cycles = np.arange(len(self.seq))[:, None]
        if s.blocks:
            first = self.word_base[:-1] + np.array([c.starts[i] for c in self.seq])
            v = _block_values(words, first, s.n)
            _normal._finish32(v, s.mean, s.std)
        else:
            refs = np.array([c.refs[i] for c in self.seq], np.intp).reshape(len(cycles), s.n)
            v = finish_scalar_normals(scalars.take(self.index(cycles, refs)), s.mean, s.std,
                                      s.np_dtype)  # fmt: skip
        return v.reshape(len(self.seq), *s.shape)


def _predict(g: Generator, specs: list[Spec], layouts: tuple, cycles: int) -> _Queue:
    """The next ``cycles`` cycles of ``specs`` (their ``_Cycle`` layouts) from ``g``'s state,
    on a scratch copy of its engine.

    The words of all the cycles are drawn at once; then all the scalar path's Box-Muller pairs
    are computed in one pass, all the float32 blocks in one kernel call, and each spec's mean
    and std on all its cycles at once.
    """
    batch = _Batch(layouts, cycles, g._normal_cache is not None)
    mt = getattr(_engines, "mt", None) or _new_engine()
    mt.restore(g._mt.snapshot())
    words = mt.raw(int(batch.word_base[-1]))
    scalars = _scalar_values(g._normal_cache, words, batch.pair_words())
    values = [batch.values(i, s, words, scalars) for i, s in enumerate(specs)]
    # per draw, cycle by cycle: where it starts, its words, the normal cached after it
    k = np.arange(cycles)[:, None]
    at = batch.word_base[:-1, None] + np.array([c.starts for c in batch.seq])
    caches = np.array([c.caches for c in batch.seq])
    after = np.where(caches == _NONE, -1, batch.index(k, caches)).ravel()
    cache_after = [
        None if j < 0 else v for j, v in zip(after.tolist(), scalars.take(after).tolist())
    ]
    epoch, drawn, fresh = g._mt.position
    return _Queue(
        [(epoch, drawn + a, fresh and a == 0) for a in at.ravel().tolist()],
        [n for c in batch.seq for n in c.words],
        [g._normal_cache, *cache_after[:-1]],
        cache_after,
        [row for rows in zip(*values, strict=True) for row in rows],
    )


def _new_engine() -> MT19937:
    _engines.mt = MT19937()
    return _engines.mt


def _scalar_values(cached: float | None, words: np.ndarray, pair_words: np.ndarray) -> np.ndarray:
    """The scalar path's values, float64: ``cached`` (or 0.0), then ``r cos`` and ``r sin`` of
    the pairs whose 4 words start at ``pair_words`` (``_normal.box_muller_pair`` on them all)."""
    out = np.empty(1 + 2 * len(pair_words))
    out[0] = 0.0 if cached is None else cached
    if len(pair_words):
        w = words.take(pair_words[:, None] + np.arange(4))
        u1 = (((w[:, 0] << 32) | w[:, 1]) & _M53).astype(_F64) * 2.0**-53
        u2 = (((w[:, 2] << 32) | w[:, 3]) & _M53).astype(_F64) * 2.0**-53
        radius = np.sqrt(-2.0 * c_library(np.log1p, -u2))
        theta = 2.0 * math.pi * u1
        out[1::2] = radius * c_library(np.cos, theta)
        out[2::2] = radius * c_library(np.sin, theta)
    return out


def _block_values(words: np.ndarray, first: np.ndarray, n: int) -> np.ndarray:
    """The float32 kernel's ``n`` normals (mean 0, std 1) from the words starting at each of
    ``first`` (``fill_small`` with torch's tail rule), all in one kernel call: (len(first), n)."""
    lanes, word_index, pick = _normal_small._indices(n, n)
    cycles = len(first)
    gather = (first[:, None, None] + word_index.reshape(2, lanes)).transpose(1, 0, 2).ravel()
    half, lane = np.divmod(pick, lanes)  # [cos slots | sin slots] of one draw
    picks = half * (cycles * lanes) + np.arange(cycles)[:, None] * lanes + lane
    return _normal_small.lane_normals(words.take(gather), cycles * lanes, picks)
