"""``Generator``: PyTorch's CPU random streams, bit for bit, as NumPy arrays.

Every draw follows what PyTorch 2.x does on x86-64 (measured; spec/torch-behaviour.md §4.2):

* ``random()`` is one mt19937 word; ``random64()`` is two, the first one the high half.
* Uniform float32 (and float16): ``(random() & (2**24 - 1)) * 2**-24``; float64:
  ``(random64() & (2**53 - 1)) * 2**-53``; ``uniform_(a, b)`` is ``fma(u, b - a, a)``.
* Normal, fewer than 16 values (or a non-contiguous fill): double Box-Muller with one cached
  value that survives between calls; 16 or more: the blocked kernels in ``_normal``.
* ``randint``: ``low + w % range`` with ``w = random()``, or ``random64()`` once range >= 2**28.
* ``randperm(n)``: forward Fisher-Yates, ``i + random() % (n - i)`` (n < 214748364).
"""

from __future__ import annotations

import os

import numpy as np

from .. import _device
from .._fma import fma32, fma64
from ..dtypes import from_numpy_dtype
from ..tensor import Tensor
from . import _normal, _normal_small
from ._mt19937 import MT19937

DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator() reports
_U24, _U53 = np.uint32(0xFFFFFF), np.uint64((1 << 53) - 1)
_M53 = (1 << 53) - 1
_K_U24_64, _K_2_24 = np.array(0xFFFFFF, np.uint64), np.array(2.0**-24, np.float32)  # 0-d: cheapest
_SMALL_WORDS = 2048  # below this, raw uint64 words are the cheapest draw
_WIDE_RANGE = 1 << 28  # from this range on, randint draws random64()
_RANDPERM_EXACT = 214748364  # from this n on, PyTorch shuffles differently (not reproduced)
_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)


def _check_seed(seed) -> int:
    """A seed as PyTorch stores it: an unsigned 64-bit integer."""
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


class Generator:
    """A source of PyTorch-identical random numbers (``torch.Generator``): pass one as
    ``generator=`` to the random functions for a stream of its own.

    Args:
        device: only ``"cpu"`` is supported.

    >>> g = torch.Generator().manual_seed(0)
    >>> torch.rand(3, generator=g)
    tensor([0.4963, 0.7682, 0.0885])
    """

    def __init__(self, device="cpu") -> None:
        self.device = _device.device(device)
        if self.device.type != "cpu":
            raise RuntimeError(
                f"Cannot get {self.device.type.upper()} generator without ATen_{self.device.type}"
                " library. graphgrad runs on the CPU only."
            )
        self._mt = MT19937(DEFAULT_SEED)
        self._initial_seed = DEFAULT_SEED
        self._normal_cache: float | None = None  # second value of the last scalar pair

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"  # PyTorch's C++ class

    # -- seeding and state --------------------------------------------------------------------
    def manual_seed(self, seed: int) -> Generator:
        """Seed the stream (``init_genrand`` on the low 32 bits) and forget the cached normal;
        returns the generator.

        Args:
            seed: an integer (taken modulo 2**64).

        >>> g = torch.Generator().manual_seed(0)
        >>> g.initial_seed()
        0
        """
        seed = _check_seed(seed)
        self._mt.seed(seed)
        self._initial_seed = seed
        self._normal_cache = None
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed used.

        >>> isinstance(torch.Generator().seed(), int)
        True
        """
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with.

        >>> torch.Generator().manual_seed(42).initial_seed()
        42
        """
        return self._initial_seed

    def get_state(self):
        """The state as a uint8 tensor in PyTorch's 5056-byte layout.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.get_state().shape, g.get_state().dtype
        (torch.Size([5056]), torch.uint8)
        """
        return Tensor._make(self._mt.to_bytes(self._initial_seed, self._normal_cache))

    def set_state(self, new_state) -> Generator:
        """Restore a state from ``get_state`` (graphgrad's or PyTorch's); returns the generator.

        Args:
            new_state: the uint8 state tensor.

        >>> g = torch.Generator().manual_seed(0)
        >>> state = g.get_state()
        >>> a = torch.rand(2, generator=g)
        >>> torch.equal(torch.rand(2, generator=g.set_state(state)), a)
        True
        """
        data = getattr(new_state, "_data", None)
        if data is None or data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._initial_seed, self._normal_cache = self._mt.from_bytes(data.reshape(-1))
        return self

    def _snapshot(self) -> tuple:
        """The whole state, cheaply, for ``_restore`` and for comparing two moments
        (graphgrad.compile's check); the cached normal as its bits."""
        cache = self._normal_cache
        bits = None if cache is None else np.float64(cache).tobytes()
        return self._mt.snapshot(), self._initial_seed, bits, cache

    def _restore(self, snapshot: tuple) -> None:
        """Put back a ``_snapshot`` of this generator."""
        mt, self._initial_seed, _, self._normal_cache = snapshot
        self._mt.restore(mt)

    def clone_state(self) -> Generator:
        """An independent generator at the same point of the stream.

        >>> g = torch.Generator().manual_seed(0)
        >>> twin = g.clone_state()
        >>> torch.equal(torch.rand(2, generator=g), torch.rand(2, generator=twin))
        True
        """
        g = Generator(self.device)
        return g.set_state(self.get_state())

    # -- raw words ----------------------------------------------------------------------------
    def random_uint32(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit words (PyTorch's ``random()``), as a NumPy array.

        Args:
            n: how many.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.random_uint32(2)
        array([2357136044, 2546248239], dtype=uint32)
        """
        return self._mt.uint32(n)

    def random_uint64(self, n: int) -> np.ndarray:
        """The next ``n`` 64-bit values (PyTorch's ``random64()``: high word first).

        Args:
            n: how many.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.random_uint64(1)
        array([10123822223749065263], dtype=uint64)
        """
        return self._mt.uint64(n)

    def _unit(self, n: int, np_dtype: np.dtype) -> np.ndarray:
        """``n`` uniforms in [0, 1) at the precision PyTorch's kernel uses for ``np_dtype``."""
        if np_dtype == _F64:
            return (self._mt.uint64(n) & _U53).astype(_F64) * 2.0**-53
        if n < _SMALL_WORDS:
            w = self._mt.raw(n)  # uint64: one conversion fewer
            np.bitwise_and(w, _K_U24_64, w)
        else:
            w = self._mt.uint32(n)
            w &= _U24
        u = w.astype(_F32)
        np.multiply(u, _K_2_24, u)  # exact
        return u

    # -- distributions ------------------------------------------------------------------------
    def uniform_array(self, shape, low=0.0, high=1.0, np_dtype=np.float32) -> np.ndarray:
        """U(low, high) values of ``shape``, in C order, as PyTorch's ``uniform_`` draws them
        (a NumPy array; what ``rand`` wraps).

        Args:
            shape: the shape.
            low: the lower bound.
            high: the upper bound.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.uniform_array((3,), 0.0, 1.0, np.float32)
        array([0.4962566 , 0.7682218 , 0.08847743], dtype=float32)
        """
        np_dtype = np.dtype(np_dtype)
        if low == 0.0 and high == 1.0 and (np_dtype == _F32 or np_dtype == _F64):
            return self._unit(_size(shape), np_dtype).reshape(shape)  # below 1: nothing to fix
        if np_dtype.kind == "c":
            real = self.uniform_array((*shape, 2), low, high, np_dtype.type(0).real.dtype)
            return real.view(np_dtype).reshape(shape)
        _check_float(np_dtype, "check_uniform_bounds")
        if low > high:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found from={low:g} > "
                f"to={high:g}"
            )
        u = self._unit(_size(shape), np_dtype)
        if np_dtype == _F64:
            out = u if (low, high) == (0.0, 1.0) else fma64(u, high - low, low)
        else:
            lo = np.float32(low)
            out = u if (low, high) == (0.0, 1.0) else fma32(u, np.float32(high) - lo, lo)
        out = out.astype(np_dtype, copy=False)
        # A value that rounds up to ``high`` becomes ``low``, so the range stays [low, high).
        hi = np_dtype.type(high)
        if (low, high) != (0.0, 1.0) or np_dtype == _F16:
            out[out == hi] = np_dtype.type(low)
        return out.reshape(shape)

    def normal_array(self, shape, mean=0.0, std=1.0, np_dtype=np.float32) -> np.ndarray:
        """N(mean, std**2) values of ``shape`` (a contiguous fill, as ``torch.randn``).

        Args:
            shape: the shape.
            mean: the mean.
            std: the standard deviation.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.normal_array((2,))
        array([ 1.5409961, -0.2934289], dtype=float32)
        """
        np_dtype = np.dtype(np_dtype)
        if np_dtype.kind == "c":  # PyTorch fills the real view with std / sqrt(2)
            real_dtype = np_dtype.type(0).real.dtype
            real = self.normal_array((*shape, 2), mean, std / np.sqrt(2.0), real_dtype)
            return real.view(np_dtype).reshape(shape)
        _check_float(np_dtype, "normal_kernel_cpu")
        _check_std(std)
        n = _size(shape)
        if n < 16:
            return self._scalar_normals(n, mean, std, np_dtype).reshape(shape)
        if np_dtype == _F64:
            return self._normal_f64(n, mean, std).reshape(shape)
        # float32 and float16: the float32 kernel. Slots get n uniforms first (float16: only the
        # whole blocks), then a short tail is redone with 16 fresh ones over the last 16 slots.
        full = n - n % 16
        if n <= _normal_small.MAX_SIZE:
            skip = full if np_dtype == _F16 else n
            words = self._mt.raw(skip + 16 if full != n else n)
            out = _normal_small.fill_small(words, n, skip, mean, std)
        else:
            out = np.empty(n, _F32)
            words = self._mt.uint32(full if np_dtype == _F16 else n)
            _normal.fill16_f32(words[:full], out[:full], mean, std)
            if full != n:  # one block: the small kernel's fewer calls
                out[n - 16 :] = _normal_small.fill_small(self._mt.raw(16), 16, 0, mean, std)
        return out.reshape(shape) if np_dtype == _F32 else out.astype(_F16).reshape(shape)

    def _normal_f64(self, n: int, mean: float, std: float) -> np.ndarray:
        # n uniforms (two words each) first, then a short tail is redone with 16 fresh ones.
        out = np.empty(n, _F64)
        full = n - n % 16
        words = self._mt.uint32(2 * n)
        if full == n or n > _normal_small.MAX_SIZE:
            _normal.fill16_f64(words[: 2 * full], out[:full], mean, std)
            if full != n:
                _normal.fill16_f64(self._mt.uint32(32), out[n - 16 :], mean, std)
            return out
        # small: the whole blocks and the tail block in one kernel call (its cost is per call)
        both = np.concatenate([words[: 2 * full], self._mt.uint32(32)])
        vals = np.empty(full + 16, _F64)
        _normal.fill16_f64(both, vals, mean, std)
        out[:full] = vals[:full]
        out[n - 16 :] = vals[full:]
        return out

    def normal_scalar_array(self, n: int, mean=0.0, std=1.0, np_dtype=np.float64) -> np.ndarray:
        """``n`` values from the scalar path: double Box-Muller, one value cached between calls.

        Each element takes the cached value if there is one, else draws a pair (two float64
        uniforms), returns ``r*cos`` and caches ``r*sin``. Plain Python floats: for a handful of
        values they beat NumPy calls, and every step (53-bit integer to float, scaling by 2**-53,
        ``math``) is the same double arithmetic.

        Args:
            n: how many.
            mean: the mean.
            std: the standard deviation.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.normal_scalar_array(2)
        array([ 1.54099611, -0.29342891])
        """
        _check_std(std)
        return self._scalar_normals(n, mean, std, np.dtype(np_dtype))

    def _scalar_normals(self, n: int, mean: float, std: float, np_dtype: np.dtype) -> np.ndarray:
        """``normal_scalar_array`` without the argument checks."""
        vals: list[float] = []
        if n and self._normal_cache is not None:
            vals.append(self._normal_cache)
            self._normal_cache = None
        pairs = (n - len(vals) + 1) // 2
        if pairs:
            w = self._mt.raw(4 * pairs).tolist()
            pair = _normal.box_muller_pair
            for i in range(0, 4 * pairs, 4):
                vals.extend(pair(((w[i] << 32 | w[i + 1]) & _M53) * 2.0**-53,
                                 ((w[i + 2] << 32 | w[i + 3]) & _M53) * 2.0**-53))  # fmt: skip
            if len(vals) > n:
                self._normal_cache = vals.pop()
        return finish_scalar_normals(np.array(vals, _F64), mean, std, np_dtype)

    def randint_array(self, low: int, high: int, shape, np_dtype=np.int64) -> np.ndarray:
        """Integers in [low, high): ``low + w % (high - low)``, cast to ``np_dtype``.

        Args:
            low: the lowest value.
            high: one above the highest value.
            shape: the shape.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.randint_array(0, 10, (3,))
        array([4, 9, 3])
        """
        low, high = int(low), int(high)
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        span, n = high - low, _size(shape)
        if span >= _WIDE_RANGE:
            w = self._mt.uint64(n)
        else:
            w = self._mt.uint32(n).astype(np.uint64)
        w %= np.uint64(span)
        w += np.uint64(low & 0xFFFFFFFFFFFFFFFF)  # wraps like int64 arithmetic
        return w.view(np.int64).astype(np_dtype).reshape(shape)

    def randperm_array(self, n: int, np_dtype=np.int64) -> np.ndarray:
        """A random permutation of ``range(n)`` (forward Fisher-Yates, PyTorch's swaps).

        Args:
            n: the number of values.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.randperm_array(4)
        array([0, 1, 3, 2])
        """
        n = int(n)
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
        if n < 2:
            return np.arange(n, dtype=np_dtype)
        # NOTE: for n >= 214748364 PyTorch switches to another shuffle that is not reproduced.
        w = self._mt.uint32(n - 1) if n < _RANDPERM_EXACT else self._mt.uint64(n - 1)
        targets = np.arange(n - 1, dtype=np.uint64) + w % np.arange(n, 1, -1, dtype=np.uint64)
        return _fisher_yates(targets.astype(np.int64)).astype(np_dtype)

    def bernoulli_array(self, shape, p, np_dtype=np.float32) -> np.ndarray:
        """0/1 values, 1 with probability ``p`` (a float, or an array broadcast to ``shape``).

        A float ``p`` is compared with float64 uniforms (``bernoulli_(p)``); an array ``p`` with
        uniforms of its own precision (``torch.bernoulli(p)``).

        Args:
            shape: the shape.
            p: the probability.
            np_dtype: the NumPy dtype of the result.

        >>> g = torch.Generator().manual_seed(0)
        >>> g.bernoulli_array((3,), 0.5)
        array([0., 0., 1.], dtype=float32)
        """
        n = _size(shape)
        if isinstance(p, np.ndarray):
            u = self._unit(n, _F64 if p.dtype == _F64 else _F32).reshape(shape)
        else:
            u = self._unit(n, _F64).reshape(shape)
        return (u < p).astype(np_dtype)


def _fisher_yates(t: np.ndarray) -> np.ndarray:
    """The permutation left by ``swap(p[i], p[t[i]])`` for i = 0, 1, ..., with ``t[i] >= i``.

    Without a Python loop: after step i, slot i never changes, so ``out[i]`` is what sat in slot
    ``t[i]`` just before step i: the value carried in by the last earlier step that targeted
    ``t[i]``, or ``t[i]`` itself. The value step s carried is what sat in slot s before step s,
    which by the same rule chains back to a slot nothing wrote into; pointer jumping follows
    those chains in O(log depth) passes.
    """
    n = len(t) + 1
    steps = np.arange(n - 1, dtype=np.int64)
    keys = np.sort(t * n + steps)  # the steps grouped by target, in step order
    s, tgt = keys % n, keys // n
    first = np.ones(n - 1, bool)
    first[1:] = tgt[1:] != tgt[:-1]
    prev = np.where(first, -1, np.roll(s, 1))  # previous step with the same target
    before = np.empty(n - 1, np.int64)
    before[s] = prev
    last = np.roll(first, -1)  # the last step into each target slot...
    last[-1] = True
    writer = np.full(n, -1, np.int64)  # ...is the last write before the slot's own step
    writer[tgt[last]] = np.where(s[last] == tgt[last], prev[last], s[last])
    root = np.where(writer >= 0, writer, np.arange(n))
    while True:
        hop = root[root]
        if np.array_equal(hop, root):
            break
        root = hop
    out = np.empty(n, np.int64)
    out[:-1] = np.where(before >= 0, root[np.maximum(before, 0)], t)
    out[-1] = root[-1]
    return out


def finish_scalar_normals(vals: np.ndarray, mean: float, std: float, np_dtype) -> np.ndarray:
    """The scalar path's float64 normals ``vals`` as ``fma(v, std, mean)`` in ``np_dtype``."""
    if mean == 0.0 and std == 1.0:  # fma(v, 1, mean) == v + mean, exact
        out = vals + mean
    else:
        out = fma64(vals, std, mean)
    if np_dtype == _F16:  # PyTorch's Half rounds through float
        out = out.astype(_F32)
    return out.astype(np_dtype, copy=False)


def _size(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _check_std(std: float) -> None:
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def _check_float(np_dtype: np.dtype, kernel: str) -> None:
    """PyTorch's error for a floating-point kernel asked for an integer dtype."""
    if np_dtype.kind == "f":
        return
    name = from_numpy_dtype(np_dtype).legacy
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{name}'")
