"""Tensor creation: tensor, zeros, ones, arange, linspace, eye, full, *_like, from_numpy.

>>> import graphgrad as torch
>>> torch.arange(3), torch.zeros(2, 2).dtype
(tensor([0, 1, 2]), torch.float32)
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from . import _device, dtypes
from ._argcheck import as_int, dtype_arg, int_tuple, size_keyword, type_name
from ._data import check_native, fill_value, to_array
from ._fma import fma32, fma64
from ._memory_format import laid_out, memory_format, preserve_format
from .dtypes import dtype as dtype_t
from .ops.array_step import array_step, constant
from .tensor import Tensor


def _finish(data: np.ndarray, requires_grad: bool, device=None, made: bool = True) -> Tensor:
    """The new tensor of a creation function; ``made``: its values come from Python values (or
    a NumPy array), not from another tensor's (see ``ops.array_step.constant``)."""
    _device.cpu_only(device)
    t = Tensor._make(constant(data) if made else data)
    if requires_grad:
        if t.dtype.category < 2:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t._requires_grad = True
    return t


def tensor(
    data,
    *,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data``.

    Args:
        data: a number, a (nested) list or tuple of numbers or tensors, a NumPy array or a tensor.
            Python floats give the default dtype (float32), ints int64, bools bool.
        dtype: the dtype of the result; inferred from ``data`` when ``None``.
        device: only ``"cpu"`` (or ``None``) is supported.
        requires_grad: record operations on the result for autograd.
        pin_memory: accepted for compatibility; it has no effect on the CPU.

    >>> torch.tensor([[1., 2.], [3., 4.]])
    tensor([[1., 2.],
            [3., 4.]])
    >>> torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)
    tensor([[1., 2.],
            [3., 4.]], dtype=torch.float64)
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    dtype = dtype_arg(dtype, "tensor")
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
        check_native(arr)
    else:
        # Python data straight to the requested dtype: no detour through the default dtype.
        arr = to_array(data, dtype)
    np_dtype = dtype.np if dtype is not None else None
    if isinstance(data, np.ndarray):  # read at each replay of a compiled call: it may change
        return _finish(_copy(_NumPy(arr), np_dtype), requires_grad, device, made=False)
    arr = np.array(arr, dtype=np_dtype, copy=True)
    return _finish(arr, requires_grad, device, made=not isinstance(data, Tensor))


def as_tensor(data, dtype: dtype_t | None = None, device=None) -> Tensor:
    """Like ``tensor``, but shares memory with ``data`` when it is a tensor or NumPy array of
    the requested dtype.

    Args:
        data: a tensor, NumPy array, number or (nested) list.
        dtype: the dtype of the result; ``data``'s own when ``None``.
        device: only ``"cpu"`` (or ``None``) is supported.

    >>> torch.as_tensor([1, 2])
    tensor([1, 2])
    """
    dtype = dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with the NumPy array ``array``: writes to one show in the other.

    Args:
        array: a NumPy array of a supported dtype.

    >>> import numpy as np
    >>> a = np.array([1.0, 2.0])
    >>> t = torch.from_numpy(a)
    >>> a[0] = 5.0
    >>> t
    tensor([5., 2.], dtype=torch.float64)
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    check_native(array)
    return Tensor._make(_share(_NumPy(array)))


class _NumPy:
    """A NumPy array the caller owns, handed to a recorded step by reference: a replay of a
    compiled call reads it as it is then (a batch buffer refilled between calls), where an
    array argument would be frozen as a constant."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array


@array_step
def _copy(source: _NumPy, dtype) -> np.ndarray:
    return np.array(source.array, dtype=dtype, copy=True)


@array_step
def _share(source: _NumPy) -> np.ndarray:
    return source.array


def _dt(dtype: dtype_t | None) -> np.dtype:
    return (dtype_arg(dtype, "tensor") or dtypes.get_default_dtype()).np


def check_sizes(shape: tuple) -> None:
    """PyTorch's error for a new tensor with a negative size.

    >>> check_sizes((2, -1))
    Traceback (most recent call last):
    ...
    RuntimeError: Trying to create tensor with negative dimension -1: [2, -1]
    """
    if any(n < 0 for n in shape):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}"
        )


def _filled(
    size: tuple,
    value,
    dtype,
    requires_grad: bool,
    device,
    fn: str,
    kwargs: dict | None = None,
    memory_format: memory_format | None = None,
) -> Tensor:
    shape = int_tuple(size_keyword(size, fn, kwargs) if kwargs else size, fn)
    if any(n < 0 for n in shape) and fn == "zeros":
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    check_sizes(shape)
    dt = dtype_arg(dtype, fn) or dtypes.get_default_dtype()
    if memory_format is preserve_format:  # nothing to preserve in a new tensor
        raise RuntimeError("unsupported memory format Preserve")
    data = laid_out(np.full(shape, fill_value(value, dt), dt.np), memory_format)
    return _finish(data, requires_grad, device)


def zeros(
    *size,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    out=None,
    **kwargs,
) -> Tensor:
    """A tensor of zeros of the given size.

    Args:
        size: the shape, as integers or one tuple (``zeros(2, 3)`` or ``zeros((2, 3))``), or
            the keyword ``size=(2, 3)``.
        dtype: the dtype; the default dtype (float32) when ``None``.
        device: only ``"cpu"`` (or ``None``) is supported.
        requires_grad: record operations on the result for autograd.
        out: accepted for compatibility and ignored.

    >>> torch.zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    """
    return _filled(size, 0, dtype, requires_grad, device, "zeros", kwargs)


def ones(
    *size,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    out=None,
    **kwargs,
) -> Tensor:
    """A tensor of ones of the given size.

    Args:
        size, dtype, device, requires_grad, out: as in ``zeros``.

    >>> torch.ones((2,), dtype=torch.int64)
    tensor([1, 1])
    """
    return _filled(size, 1, dtype, requires_grad, device, "ones", kwargs)


def empty(
    *size,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    memory_format: memory_format | None = None,
    **kwargs,
) -> Tensor:
    """A tensor of the given size whose values are not meant to be read (zeros here: NumPy's
    uninitialised memory is not worth the surprise).

    Args:
        size, dtype, device, requires_grad: as in ``zeros``.
        memory_format: the layout, ``torch.contiguous_format`` (row-major, the default) or
            ``torch.channels_last`` (4-d).

    >>> torch.empty(1, 2, 3, 4, memory_format=torch.channels_last).stride()
    (24, 1, 8, 2)
    """
    return _filled(size, 0, dtype, requires_grad, device, "empty", kwargs, memory_format)


def full(
    size, fill_value, *, dtype: dtype_t | None = None, device=None, requires_grad: bool = False
) -> Tensor:
    """A tensor of the given size filled with ``fill_value``; its dtype follows the value.

    Args:
        size: the shape, a tuple of integers.
        fill_value: the number to fill with (a bool gives bool, an int int64, a float float32).
        dtype, device, requires_grad: as in ``zeros``.

    >>> torch.full((2, 2), 7)
    tensor([[7, 7],
            [7, 7]])
    """
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:
        fill_value = fill_value.item()
    if not isinstance(fill_value, numbers.Number):
        kind = type_name(fill_value)
        raise TypeError(f"full(): argument 'fill_value' (position 2) must be Number, not {kind}")
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled((size,), fill_value, dtype, requires_grad, device, "full")


def _like(
    input: Tensor, value, dtype, requires_grad: bool, device, memory_format: memory_format | None
) -> Tensor:
    data = np.full(input._data.shape, value, (dtype or input.dtype).np)
    if memory_format is not preserve_format:  # preserve: row-major here (docs/core.md)
        data = laid_out(data, memory_format)
    return _finish(data, requires_grad, device)


def zeros_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Zeros with the shape of ``input``.

    Args:
        input: the tensor whose shape (and, by default, dtype) the result takes.
        dtype, device, requires_grad: as in ``tensor``; ``dtype`` defaults to ``input``'s.
        memory_format: the layout, as in ``empty`` (by default row-major).

    >>> torch.zeros_like(torch.tensor([1.0, 2.0]))
    tensor([0., 0.])
    """
    return _like(input, 0, dtype, requires_grad, device, memory_format)


def ones_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Ones with the shape of ``input``.

    Args:
        input, dtype, device, requires_grad, memory_format: as in ``zeros_like``.

    >>> torch.ones_like(torch.tensor([1, 2]))
    tensor([1, 1])
    """
    return _like(input, 1, dtype, requires_grad, device, memory_format)


def empty_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """A tensor with the shape of ``input`` whose values are not meant to be read (see ``empty``).

    Args:
        input, dtype, device, requires_grad, memory_format: as in ``zeros_like``.

    >>> torch.empty_like(torch.tensor([1.0, 2.0])).shape
    torch.Size([2])
    """
    return _like(input, 0, dtype, requires_grad, device, memory_format)


def full_like(
    input: Tensor, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """``fill_value`` with the shape of ``input``.

    Args:
        input, dtype, device, requires_grad, memory_format: as in ``zeros_like``.
        fill_value: the number to fill with.

    >>> torch.full_like(torch.tensor([1.0, 2.0]), 0.5)
    tensor([0.5000, 0.5000])
    """
    return _like(input, fill_value, dtype, requires_grad, device, memory_format)


def arange(
    start,
    end=None,
    step=1,
    *,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) in steps of ``step``.

    ``arange(n)`` counts from 0. Each value is computed as ``start + i * step``, as PyTorch does.

    Args:
        start: the first value (or, alone, the end).
        end: the bound, not included.
        step: the gap between values; not 0.
        dtype: int64 when every bound is an integer, else the default float dtype, when ``None``.
        device, requires_grad: as in ``zeros``.

    >>> torch.arange(5)
    tensor([0, 1, 2, 3, 4])
    >>> torch.arange(1.0, 2.0, 0.25)
    tensor([1.0000, 1.2500, 1.5000, 1.7500])
    """
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    _check_range(values)
    dtype = dtype_arg(dtype, "arange")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in values)
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    if dtype is dtypes.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if dtype.category < 2:  # integers: start + i * step with both truncated to integers
        start, end, step = (int(v) for v in values)
        if dtype is dtypes.int64:  # PyTorch counts int64's elements in integers too
            if step == 0:
                raise ValueError("step must be nonzero")
            n = max(0, -((start - end) // step))  # ceil((end - start) / step), exactly
        else:  # and the other integer dtypes' in doubles, from the values as given
            n = max(0, math.ceil((values[1] - values[0]) / values[2]))
        data = (start + np.arange(n, dtype=np.int64) * step).astype(dtype.np)
        return _finish(data, requires_grad, device)
    start, end, step = values
    n = max(0, math.ceil((end - start) / step))
    # Computed as start + i * step in double, like PyTorch, not by repeated addition.
    data = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np)
    return _finish(data, requires_grad, device)


def _check_range(values: list) -> None:
    """PyTorch's checks of arange's start, end and step."""
    for name, value in zip(("start", "end", "step"), values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"arange(): argument '{name}' must be Number, not {type_name(value)}")
    start, end, step = values
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def linspace(
    start,
    end,
    steps: int,
    *,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Args:
        start: the first value.
        end: the last value.
        steps: how many values.
        dtype, device, requires_grad: as in ``zeros``.

    >>> torch.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if as_int(steps) is None:
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type_name(steps)}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _finish(linspace_array(start, end, int(steps), _dt(dtype)), requires_grad, device)


def linspace_array(start, end, steps: int, dt: np.dtype) -> np.ndarray:
    """PyTorch's bits: the first half of the values counted up from ``start`` by ``step``, the
    rest down from ``end`` (so both ends are exact), each value one fused multiply-add in the
    dtype as PyTorch's AVX2 and AVX-512 kernels compute it; float16 rounds after every
    operation, and integer dtypes count in float64 from their truncated ends, then truncate.

    >>> linspace_array(-1, 1, 5, np.dtype(np.float32))
    array([-1. , -0.5,  0. ,  0.5,  1. ], dtype=float32)
    """
    if dt.kind == "c" and not isinstance(start, complex) and not isinstance(end, complex):
        return linspace_array(start, end, steps, np.finfo(dt).dtype).astype(dt)
    if steps <= 1 or dt.kind == "c":  # (one value is ``start``; complex ends: NumPy's)
        return np.linspace(start, end, steps).astype(dt)
    i = np.arange(steps)
    up = i < steps // 2
    if dt == np.float16:  # (PyTorch's Half arithmetic rounds each operation to float16)
        h = np.float16
        s, e = h(start), h(end)
        step = h(h(e - s) / h(steps - 1))
        k = np.where(up, i, steps - 1 - i).astype(h)
        return np.where(up, s + step * k, e - step * k)
    work = dt.type if dt.kind == "f" else np.float64
    s, e = (work(x) if dt.kind == "f" else work(int(x)) for x in (start, end))
    step = (e - s) / work(steps - 1)
    fma = fma32 if work is np.float32 else fma64
    k = np.where(up, i, steps - 1 - i).astype(work)
    values = fma(np.where(up, step, -step).astype(work), k, np.where(up, s, e).astype(work))
    return values.astype(dt)


def logspace(
    start,
    end,
    steps: int,
    base: float = 10.0,
    *,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent.

    Args:
        start: the first exponent.
        end: the last exponent.
        steps: how many values.
        base: the base of the powers.
        dtype, device, requires_grad: as in ``zeros``.

    >>> torch.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    >>> torch.logspace(0, 3, 4, base=2.0)
    tensor([1., 2., 4., 8.])
    """
    data = np.logspace(float(start), float(end), int(steps), base=base)
    return _finish(data.astype(_dt(dtype)), requires_grad, device)


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """The identity matrix: ones on the diagonal, zeros elsewhere, ``n`` x ``m``.

    Args:
        n: the number of rows.
        m: the number of columns; ``n`` when ``None``.
        dtype, device, requires_grad: as in ``zeros``.

    >>> torch.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    for name, value in (("n", n), ("m", m)):
        if value is not None and as_int(value) is None:
            raise TypeError(
                f"eye(): argument '{name}' (position {1 if name == 'n' else 2}) must be int, "
                f"not {type_name(value)}"
            )
        if value is not None and value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    return _finish(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device)


def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-d tensor holding ``value``, in the default float dtype unless ``dtype`` is given.

    Args:
        value: the number.
        dtype, device, requires_grad: as in ``zeros``.

    >>> torch.scalar_tensor(3)
    tensor(3.)
    """
    return _finish(np.asarray(value, _dt(dtype)), requires_grad, device)
