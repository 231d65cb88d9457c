"""The mt19937 engine behind PyTorch's CPU generator, with its 5056-byte state layout.

PyTorch seeds a textbook mt19937 with ``init_genrand`` (the low 32 bits of the seed) and draws
32-bit words from it. NumPy ships the same engine as ``numpy.random.MT19937``; reseeding it
through ``RandomState.seed(int)`` runs the same ``init_genrand``. We drive that C engine directly
because a NumPy-level twist (blocks of 227 words at most, since word ``k + 624`` needs word
``k + 397``) costs ~40 µs per 624 words and cannot keep pace with PyTorch;
``tests/random/test_random.py`` checks the engine against a pure-NumPy reference twist, so the
dependency is a checked fact.
"""

from __future__ import annotations

import ctypes
import itertools

import numpy as np

N = 624
STATE_BYTES = 5056
# Offsets in PyTorch's CPUGeneratorImplState (measured with torch.get_rng_state()).
_SEED, _LEFT, _SEEDED, _NEXT, _WORDS = 0, 8, 12, 16, 24
_NORMAL_Y, _NORMAL_VALID = 5024, 5040
_SMALL_DRAW = 2048  # below this, random_raw's lower per-call cost wins
# NumPy's C mt19937_state: uint32 key[624], then the position, a C int (no padding between)
_C_STATE_BYTES = 4 * N + 4
_EPOCHS = itertools.count()  # a state set from outside (seed, restore) starts a new epoch


class MT19937:
    """One mt19937 stream: 32-bit words, PyTorch's 64-bit pairs, and state export.

    ``position`` says where the stream stands without reading its state: ``(epoch, words
    drawn since, fresh)``, where every seeding or restore starts a new epoch. Two equal
    positions are the same state (``random.ahead`` relies on it to check a prediction in O(1)).
    """

    __slots__ = ("_bits", "_seeder", "_ints", "_fresh", "_address", "_epoch", "_drawn")

    def __init__(self, seed: int = 5489) -> None:
        self._bits = np.random.MT19937()
        self._seeder = np.random.RandomState(self._bits)
        self._ints = np.random.Generator(self._bits)
        self._address = self._bits.ctypes.state_address
        self.seed(seed)

    def seed(self, seed: int) -> None:
        """init_genrand with the low 32 bits of ``seed`` (as PyTorch does)."""
        self._seeder.seed(seed & 0xFFFFFFFF)
        self._fresh = True  # PyTorch reports next=0 until the first draw twists the state
        self._moved()

    def _moved(self) -> None:
        self._epoch, self._drawn = next(_EPOCHS), 0

    @property
    def position(self) -> tuple[int, int, bool]:
        """``(epoch, words drawn in it, fresh)``: equal positions are equal states."""
        return self._epoch, self._drawn, self._fresh

    def uint32(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs as a uint32 array."""
        self._fresh = False
        self._drawn += n
        if n < _SMALL_DRAW:
            return self._bits.random_raw(n).astype(np.uint32)
        # integers() over the full uint32 range returns the raw words, without rejection.
        return self._ints.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def raw(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs as a uint64 array (no conversion: cheapest for small n)."""
        self._fresh = False
        self._drawn += n
        return self._bits.random_raw(n)

    def uint64(self, n: int) -> np.ndarray:
        """``n`` of PyTorch's random64(): two words, the first one the high half."""
        w = self.uint32(2 * n).astype(np.uint64)
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def snapshot(self) -> tuple[bytes, bool]:
        """The engine's state as it is in memory, to ``restore`` later: a copy of NumPy's C
        state (2.5 KB), far cheaper than ``to_bytes`` or the ``state`` dict."""
        return ctypes.string_at(self._address, _C_STATE_BYTES), self._fresh

    def restore(self, snapshot: tuple[bytes, bool]) -> None:
        """Put back a ``snapshot`` of this engine."""
        raw, self._fresh = snapshot
        ctypes.memmove(self._address, raw, _C_STATE_BYTES)
        self._moved()

    def to_bytes(self, initial_seed: int, normal_cache: float | None) -> np.ndarray:
        """The generator state in PyTorch's byte layout (uint8 array of 5056 bytes)."""
        st = self._bits.state["state"]
        pos = int(st["pos"])
        out = np.zeros(STATE_BYTES, np.uint8)
        out[_SEED : _SEED + 8] = np.array([initial_seed], np.uint64).view(np.uint8)
        out[_LEFT : _LEFT + 8] = np.array([N + 1 - pos, 1], np.int32).view(np.uint8)
        nxt = 0 if self._fresh else pos
        out[_NEXT : _NEXT + 8] = np.array([nxt], np.uint64).view(np.uint8)
        words = np.asarray(st["key"], np.uint64)
        out[_WORDS : _WORDS + 8 * N] = words.view(np.uint8)
        if normal_cache is not None:
            out[_NORMAL_Y : _NORMAL_Y + 8] = np.array([normal_cache], np.float64).view(np.uint8)
            out[_NORMAL_VALID] = 1
        return out

    def from_bytes(self, raw: np.ndarray) -> tuple[int, float | None]:
        """Load a state from PyTorch's layout; returns (initial_seed, normal cache)."""
        raw = np.ascontiguousarray(raw, np.uint8)
        if raw.shape != (STATE_BYTES,):
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {STATE_BYTES} but found the input RNG "
                f"state size to be {raw.size}"
            )
        left = int(raw[_LEFT : _LEFT + 4].view(np.int32)[0])
        seeded = int(raw[_SEEDED : _SEEDED + 4].view(np.int32)[0])
        nxt = int(raw[_NEXT : _NEXT + 8].view(np.uint64)[0])
        if not (1 <= left <= N and seeded == 1 and nxt <= N):
            raise RuntimeError("Invalid mt19937 state")
        words = raw[_WORDS : _WORDS + 8 * N].view(np.uint64).astype(np.uint32)
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": words, "pos": N + 1 - left},
        }
        self._fresh = left == 1 and nxt == 0
        self._moved()
        seed = int(raw[_SEED : _SEED + 8].view(np.uint64)[0])
        valid = raw[_NORMAL_VALID] != 0
        cache = float(raw[_NORMAL_Y : _NORMAL_Y + 8].view(np.float64)[0]) if valid else None
        return seed, cache
