"""Random tensors drawn from PyTorch's CPU streams: same seed, same bits.

>>> import graphgrad as torch
>>> _ = torch.manual_seed(0)
>>> torch.rand(3)
tensor([0.4963, 0.7682, 0.0885])
>>> torch.randint(0, 10, (5,))
tensor([0, 3, 9, 7, 3])

The generator itself (streams, state layout, exactness notes) lives in ``_generator``; this module
adds the process-wide default generator and PyTorch's tensor-level functions.
"""

from __future__ import annotations

import contextlib
import operator
import warnings

import numpy as np

from .. import _device
from .. import dtypes as _dtypes
from .._argcheck import dtype_arg, int_tuple, size_keyword
from ..autograd.grad_mode import no_grad
from ..ops.array_step import array_step
from ..ops.inplace import copy_, resized
from ..tensor import Tensor
from ._generator import Generator

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "fork_rng", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
    "rand_like", "randn_like", "randint_like", "uniform_", "normal_", "bernoulli_",
]  # fmt: skip

default_generator = Generator()
default_generator.seed()  # like PyTorch, a fresh process starts from an unpredictable seed

_FLOAT_DIGITS = {"float16": 11, "float32": 24, "float64": 53}
_INT64 = (-(1 << 63), (1 << 63) - 1)


# -- the default generator ------------------------------------------------------------------------
def manual_seed(seed: int) -> Generator:
    """Seed the default generator, so that the random functions repeat PyTorch's streams;
    returns the generator.

    Args:
        seed: an integer (taken modulo 2**64).

    >>> _ = torch.manual_seed(0)
    >>> torch.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed.

    >>> isinstance(torch.seed(), int)
    True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with.

    >>> _ = torch.manual_seed(7)
    >>> torch.initial_seed()
    7
    """
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state: a uint8 tensor in PyTorch's 5056-byte layout (so a
    state saved by PyTorch restores here, and the reverse).

    >>> state = torch.get_rng_state()
    >>> a = torch.rand(2)
    >>> torch.set_rng_state(state)
    >>> torch.equal(torch.rand(2), a)
    True
    """
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from ``get_rng_state``.

    Args:
        new_state: the uint8 state tensor.

    >>> state = torch.get_rng_state()
    >>> a = torch.randn(2)
    >>> torch.set_rng_state(state)
    >>> torch.equal(torch.randn(2), a)
    True
    """
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str = "cuda"):  # fmt: skip
    """Run a ``with`` block, then put the default generator back where it was.

    Args:
        devices: accepted for compatibility (CPU only).
        enabled: False makes it do nothing.
        device_type: accepted for compatibility.

    >>> _ = torch.manual_seed(0)
    >>> with torch.random.fork_rng():
    ...     _ = torch.rand(5)
    >>> torch.rand(1)
    tensor([0.4963])
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# -- argument handling ----------------------------------------------------------------------------
def _parse_size(size: tuple, fn: str, kwargs: dict) -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])``, ``f(Size)`` or ``f(size=...)`` -> a shape."""
    return _check_dims(int_tuple(size_keyword(size, fn, kwargs), fn), fn)


def _check_dims(size, fn: str, position: int = 1) -> tuple[int, ...]:
    if type(size) is tuple:  # the common case, plain non-negative ints, without a new tuple
        for d in size:
            if type(d) is not int or d < 0:
                break
        else:
            return size
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'size' (position {position}) must be tuple of ints, "
                        f"not {type(size).__name__}")  # fmt: skip
    try:
        dims = tuple(operator.index(d) for d in size)
    except TypeError:
        bad = next(d for d in size if not hasattr(d, "__index__"))
        raise TypeError(f"{fn}(): argument 'size' (position {position}) must be tuple of ints, "
                        f"but found element of type {type(bad).__name__}") from None  # fmt: skip
    for d in dims:
        if d < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {d}: {list(dims)}")
    return dims


def _gen(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


def _finish(arr: np.ndarray, requires_grad: bool, out: Tensor | None) -> Tensor:
    """Wrap a fresh array (or write it into ``out``), checking ``requires_grad``."""
    if requires_grad and arr.dtype.kind not in "fc":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if out is None:
        return Tensor._make(arr, requires_grad)
    if out._data.shape == arr.shape:
        with no_grad():  # (an in-place write a compiled call records and replays)
            copy_(out, Tensor._make(arr))
    else:  # PyTorch resizes out= tensors to the result's shape
        resized(out, arr.astype(out._data.dtype))
    return out


def _float_dtype(dtype, out: Tensor | None = None) -> _dtypes.dtype:
    dtype = dtype_arg(dtype, "randn")
    if dtype is None:
        return out.dtype if out is not None else _dtypes.get_default_dtype()
    return dtype


# -- creation ---------------------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs) -> Tensor:  # fmt: skip
    """Samples from the uniform distribution on [0, 1), as PyTorch draws them.

    Args:
        size: the shape, as integers or one tuple.
        generator: the random generator (the default one when ``None``).
        out: a tensor to write the result into.
        dtype: the dtype (the default float dtype when ``None``).
        layout: accepted for compatibility (strided only).
        device: only ``"cpu"`` (or ``None``) is supported.
        requires_grad: record operations on the result for autograd.
        pin_memory: accepted for compatibility.

    >>> _ = torch.manual_seed(0)
    >>> torch.rand(2, 3)
    tensor([[0.4963, 0.7682, 0.0885],
            [0.1320, 0.3074, 0.6341]])
    """
    _device.cpu_only(device)  # before drawing: a refused call leaves the stream as it was
    shape = _parse_size(size, "rand", kwargs)
    np_dtype = _float_dtype(dtype, out).np
    return _finish(_gen(generator).uniform_array(shape, 0.0, 1.0, np_dtype), requires_grad,
                   out)  # fmt: skip


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs) -> Tensor:  # fmt: skip
    """Samples from the standard normal distribution, as PyTorch draws them.

    Args:
        size: the shape, as integers or one tuple.
        generator, out, dtype, layout, device, requires_grad, pin_memory: as in ``rand``.

    >>> _ = torch.manual_seed(0)
    >>> torch.randn(3)
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    _device.cpu_only(device)
    shape = _parse_size(size, "randn", kwargs)
    np_dtype = _float_dtype(dtype, out).np
    return _finish(_gen(generator).normal_array(shape, 0.0, 1.0, np_dtype), requires_grad,
                   out)  # fmt: skip


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:  # fmt: skip
    """Random integers on [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    Args:
        size: the shape (a tuple).
        low: the lowest value (0 by default).
        high: one above the highest value.
        generator, out, dtype, layout, device, requires_grad, pin_memory: as in ``rand``;
            ``dtype`` defaults to int64.

    >>> _ = torch.manual_seed(0)
    >>> torch.randint(0, 10, (5,))
    tensor([4, 9, 3, 0, 3])
    """
    _device.cpu_only(device)
    low, high, size = _randint_args(list(args), low, high, size)
    shape = _check_dims(size, "randint", position=len(args) or 3)
    dt = dtype if dtype is not None else (out.dtype if out is not None else _dtypes.int64)
    _check_int_bounds(low, high, dt)
    arr = _gen(generator).randint_array(low, high, shape, dt.np)
    return _finish(arr, requires_grad, out)


def _randint_args(pos: list, low, high, size) -> tuple[int, int, tuple]:
    """Sort randint's positional forms into (low, high, size)."""
    if size is None:
        if not pos:
            raise TypeError("randint() missing required argument 'size'")
        size = pos.pop()
    if high is None:
        if not pos:
            raise TypeError("randint() missing required argument 'high'")
        high = pos.pop()
    if low is None:
        low = pos.pop() if pos else 0
    if pos:
        raise TypeError("randint() takes at most 3 positional arguments")
    return operator.index(low), operator.index(high), size


def _check_int_bounds(low: int, high: int, dt: _dtypes.dtype) -> None:
    """PyTorch's range checks for ``random_(from, to)`` on ``dt``."""
    if not (_INT64[0] <= low <= _INT64[1] and _INT64[0] <= high <= _INT64[1]):
        raise ValueError("Overflow when unpacking long long")
    if dt.is_floating_point:
        digits = _FLOAT_DIGITS.get(dt.name, 53)
        if not (-(1 << digits) <= low and high - 1 <= 1 << digits):
            warnings.warn(f"to - 1 is out of bounds [-(2^{digits}), 2^{digits}]; "
                          f"{dt.name} cannot represent every integer in this range",
                          stacklevel=3)  # fmt: skip
        return
    info = np.iinfo(dt.np) if dt.np.kind != "b" else None
    lo, hi = (0, 1) if info is None else (int(info.min), int(info.max))
    name = dt.cpp
    if low < high and not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if low < high and not lo <= high - 1 <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:  # fmt: skip
    """A random permutation of ``0 .. n-1``.

    Args:
        n: the number of values.
        generator, out, dtype, layout, device, requires_grad, pin_memory: as in ``rand``;
            ``dtype`` defaults to int64.

    >>> _ = torch.manual_seed(0)
    >>> torch.randperm(5)
    tensor([4, 0, 1, 3, 2])
    """
    _device.cpu_only(device)
    n = operator.index(n)
    dt = dtype if dtype is not None else (out.dtype if out is not None else _dtypes.int64)
    if dt.np.kind == "b":
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    if dt.np.kind in "iu" and n > 0 and n - 1 > np.iinfo(dt.np).max:
        raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without overflow")
    arr = _gen(generator).randperm_array(n, dt.np)
    return _finish(arr, requires_grad, out)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False) -> Tensor:  # fmt: skip
    """Normal samples: ``normal(mean, std, size)`` with numbers, or elementwise with
    tensor ``mean`` and/or ``std``.

    With tensor arguments that require grad, PyTorch returns a ``NormalBackward`` node whose
    gradients are zero; here the result is simply not part of the graph.

    Args:
        mean: the mean (a number or a tensor).
        std: the standard deviation (a number or a tensor).
        size: the shape, when both are numbers.
        generator, out, dtype, layout, device, requires_grad, pin_memory: as in ``rand``.

    >>> _ = torch.manual_seed(0)
    >>> torch.normal(torch.tensor([0.0, 10.0]), 1.0)
    tensor([1.5410, 9.7066])
    """
    _device.cpu_only(device)
    g = _gen(generator)
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            "(float, float), but expected (float mean, float std, tuple of "
                            "ints size)")  # fmt: skip
        shape = _check_dims(size, "normal", position=3)
        arr = g.normal_array(shape, float(mean), float(std), _float_dtype(dtype, out).np)
        return _finish(arr, requires_grad, out)
    if size is not None:
        raise TypeError("normal() received an invalid combination of arguments - got "
                        "(Tensor, Tensor, tuple)")  # fmt: skip
    m, s = _as_array(mean), _as_array(std)
    result = np.result_type(*(x._data for x in (mean, std) if isinstance(x, Tensor)))
    if result.kind not in "fc":
        name = _dtypes.from_numpy_dtype(result).legacy
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{name}'")
    if isinstance(std, Tensor):
        _check_std(std._data)
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    if isinstance(std, Tensor):
        # PyTorch draws N(0, 1) of the output's shape, then multiplies and adds in its dtype.
        arr = _scaled_and_shifted(g.normal_array(shape, 0.0, 1.0, result), s, m)
    else:  # a float std goes into the kernel itself (it matters on the double scalar path)
        arr = _scaled_and_shifted(g.normal_array(shape, 0.0, float(std), result), None, m)
    return _finish(arr, False, out)


@array_step
def _scaled_and_shifted(draws: np.ndarray, std, mean) -> np.ndarray:
    """``draws * std + mean`` in the draws' dtype (``std`` None: not scaled). An array step: a
    compiled call scales each replay's draws by its own ``std`` and ``mean``."""
    out = draws.copy()
    if std is not None:
        out *= std
    out += mean
    return out


def _as_array(x) -> np.ndarray | float:
    """A tensor's array, or a Python number as a weak scalar (kept in the tensor's dtype)."""
    return x._data if isinstance(x, Tensor) else x


def bernoulli(input: Tensor, p: float | None = None, *, generator=None, out=None) -> Tensor:
    """0/1 samples: 1 with probability ``input`` (elementwise), or ``p`` for every element.

    Args:
        input: the probabilities (and the shape and dtype of the result).
        p: one probability for every element instead.
        generator: the random generator (the default one when ``None``).
        out: a tensor to write the result into.

    >>> _ = torch.manual_seed(0)
    >>> torch.bernoulli(torch.tensor([0.0, 0.5, 1.0]))
    tensor([0., 0., 1.])
    """
    data = input._data
    if data.dtype.kind != "f":
        name = input.dtype.legacy
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{name}'")
    if p is None:
        _check_probabilities(data)
        arr = _gen(generator).bernoulli_array(data.shape, data, data.dtype)
    else:
        _check_p(p)
        arr = _gen(generator).bernoulli_array(data.shape, float(p), data.dtype)
    return _finish(arr, False, out)


def _check_probabilities(p: np.ndarray) -> None:
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")  # fmt: skip


def _check_p(p: float) -> None:
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")


# -- *_like ---------------------------------------------------------------------------------------
def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None) -> Tensor:  # fmt: skip
    """``rand`` with the shape of ``input``.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.
        generator, dtype, layout, device, requires_grad: as in ``rand``.
        memory_format: accepted for compatibility.

    >>> _ = torch.manual_seed(0)
    >>> torch.rand_like(torch.zeros(2))
    tensor([0.4963, 0.7682])
    """
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype,
                device=device, requires_grad=requires_grad)  # fmt: skip


def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None) -> Tensor:  # fmt: skip
    """``randn`` with the shape of ``input``.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.
        generator, dtype, layout, device, requires_grad: as in ``rand``.
        memory_format: accepted for compatibility.

    >>> _ = torch.manual_seed(0)
    >>> torch.randn_like(torch.zeros(2))
    tensor([ 1.5410, -0.2934])
    """
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype,
                 device=device, requires_grad=requires_grad)  # fmt: skip


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, generator=None,
                 dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None) -> Tensor:  # fmt: skip
    """``randint`` with the shape of ``input``: ``randint_like(input, high)`` or
    ``randint_like(input, low, high)``.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.
        generator, dtype, layout, device, requires_grad: as in ``rand``.
        memory_format: accepted for compatibility.
        low: the lowest value (or, alone, one above the highest).
        high: one above the highest value.

    >>> _ = torch.manual_seed(0)
    >>> torch.randint_like(torch.zeros(3), 5)
    tensor([4., 4., 3.])
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), generator=generator,
                   dtype=dtype or input.dtype, device=device,
                   requires_grad=requires_grad)  # fmt: skip


# -- in-place fills (wired as Tensor.uniform_ / normal_ / bernoulli_ by the tensor layer) ---------
def _iteration_view(arr: np.ndarray, like: np.ndarray | None = None) -> np.ndarray:
    """``arr`` with its axes in the order PyTorch's TensorIterator walks ``like``'s memory."""
    like = arr if like is None else like
    if like.flags.c_contiguous:
        return arr
    order = sorted(range(like.ndim), key=lambda ax: -abs(like.strides[ax]))
    return arr.transpose(order)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with U(a, b) samples in place; returns it.

    Args:
        tensor: the tensor to fill.
        a: the lower bound.
        b: the upper bound.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.random.uniform_(torch.zeros(3), -1, 1)
    tensor([-0.0075,  0.5364, -0.8230])
    """
    view = _iteration_view(tensor._data)
    vals = _gen(generator).uniform_array(view.shape, float(a), float(b), view.dtype)
    np.copyto(view, vals)
    return tensor


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill ``tensor`` with N(mean, std**2) samples in place; returns it (also
    ``Tensor.normal_``).

    Args:
        tensor: the tensor to fill.
        mean: the mean.
        std: the standard deviation.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.zeros(3).normal_(0.0, 2.0)
    tensor([ 3.0820, -0.5869, -4.3576])
    """
    data, g = tensor._data, _gen(generator)
    if data.flags.c_contiguous:
        vals = g.normal_array(data.shape, float(mean), float(std), data.dtype)
        np.copyto(data, vals)
        return tensor
    view = _iteration_view(data)
    if view.dtype.kind != "f":
        raise NotImplementedError(
            f"\"normal_kernel_cpu\" not implemented for '{tensor.dtype.legacy}'"
        )
    vals = g.normal_scalar_array(view.size, float(mean), float(std), view.dtype)
    np.copyto(view, vals.reshape(view.shape))
    return tensor


def bernoulli_(tensor: Tensor, p=0.5, generator=None) -> Tensor:
    """Fill ``tensor`` with 0/1 samples in place, 1 with probability ``p`` (also
    ``Tensor.bernoulli_``).

    Args:
        tensor: the tensor to fill.
        p: the probability (a number, or a tensor broadcast to ``tensor``).
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.zeros(4).bernoulli_(0.5)
    tensor([0., 0., 1., 0.])
    """
    view = _iteration_view(tensor._data)
    probs: np.ndarray | float
    if isinstance(p, Tensor):
        probs = p._data
        _check_probabilities(probs)
        probs = _iteration_view(np.broadcast_to(probs, tensor._data.shape), tensor._data)
    else:
        _check_p(p)
        probs = float(p)
    np.copyto(view, _gen(generator).bernoulli_array(view.shape, probs, view.dtype))
    return tensor


def tensor_methods() -> dict:
    """``Tensor.uniform_`` / ``normal_`` / ``bernoulli_``: the fills above, with PyTorch's
    in-place checks (a leaf that requires grad refuses) and a version bump."""
    from ..ops.inplace import check_inplace

    def in_place(fill):
        def method(self: Tensor, *args, generator=None, **kwargs) -> Tensor:
            check_inplace(self)
            fill(self, *args, generator=generator, **kwargs)
            self._version_counter.bump()
            return self

        method.__name__ = fill.__name__
        method.__doc__ = fill.__doc__
        return method

    def uniform(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator=None):
        return uniform_(self, from_, to, generator=generator)

    uniform.__name__ = "uniform_"
    uniform.__doc__ = """Fill this tensor with U(from_, to) samples in place; returns it.

    Args:
        from_: the lower bound.
        to: the upper bound.
        generator: the random generator (the default one when ``None``).

    >>> _ = torch.manual_seed(0)
    >>> torch.zeros(3).uniform_(-1, 1)
    tensor([-0.0075,  0.5364, -0.8230])
    """
    return {
        "uniform_": in_place(uniform),
        "normal_": in_place(normal_),
        "bernoulli_": in_place(bernoulli_),
    }


@array_step
def _check_std(std: np.ndarray) -> None:
    """(An array step: a compiled call checks each replay's std.)"""
    if (std < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
