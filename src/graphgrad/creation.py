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
from ._argcheck import as_int, dtype_arg, int_tuple, type_name
from ._data import check_native, fill_value, to_array
from .dtypes import dtype as dtype_t
from .tensor import Tensor


def _finish(data: np.ndarray, requires_grad: bool, device=None) -> Tensor:
    _device.cpu_only(device)
    t = Tensor._make(data)
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
    """A new tensor holding a copy of ``data`` (torch.tensor).

    >>> tensor([[1., 2.], [3., 4.]])
    tensor([[1., 2.],
            [3., 4.]])
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
    arr = np.array(arr, dtype=dtype.np if dtype is not None else None, copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype: dtype_t | None = None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or ndarray when it can."""
    dtype = dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (torch.from_numpy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    check_native(array)
    return Tensor._make(array)


def _dt(dtype: dtype_t | None) -> np.dtype:
    return (dtype_arg(dtype, "tensor") or dtypes.get_default_dtype()).np


def _filled(size: tuple, value, dtype, requires_grad: bool, device, fn: str) -> Tensor:
    shape = int_tuple(size, fn)
    if any(n < 0 for n in shape):
        if fn == "zeros":
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}"
        )
    dt = dtype_arg(dtype, fn) or dtypes.get_default_dtype()
    return _finish(np.full(shape, fill_value(value, dt), dt.np), requires_grad, device)


def zeros(
    *size, dtype: dtype_t | None = None, device=None, requires_grad: bool = False, out=None
) -> Tensor:
    """A tensor of zeros (torch.zeros)."""
    return _filled(size, 0, dtype, requires_grad, device, "zeros")


def ones(
    *size, dtype: dtype_t | None = None, device=None, requires_grad: bool = False, out=None
) -> Tensor:
    """A tensor of ones (torch.ones)."""
    return _filled(size, 1, dtype, requires_grad, device, "ones")


def empty(
    *size,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    """An uninitialised tensor (zeros here: NumPy's empty memory is not worth the surprise)."""
    return _filled(size, 0, dtype, requires_grad, device, "empty")


def full(
    size, fill_value, *, dtype: dtype_t | None = None, device=None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (torch.full)."""
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled((size,), fill_value, dtype, requires_grad, device, "full")


def _like(input: Tensor, value, dtype, requires_grad: bool, device) -> Tensor:
    data = np.full(input._data.shape, value, (dtype or input.dtype).np)
    return _finish(data, requires_grad, device)


def zeros_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _like(input, 0, dtype, requires_grad, device)


def ones_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _like(input, 1, dtype, requires_grad, device)


def empty_like(
    input: Tensor, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _like(input, 0, dtype, requires_grad, device)


def full_like(
    input: Tensor, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    return _like(input, fill_value, dtype, requires_grad, device)


def arange(
    start,
    end=None,
    step=1,
    *,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step`` (torch.arange)."""
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    _check_range(values)
    dtype = dtype_arg(dtype, "arange")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in values)
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    start, end, step = values
    n = max(0, math.ceil((end - start) / step))
    # Computed as start + i * step in double, like PyTorch, not by repeated addition.
    data = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np)
    if dtype.category < 2:
        data = start + np.arange(n, dtype=np.int64) * step
        data = data.astype(dtype.np)
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
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (torch.linspace)."""
    if as_int(steps) is None:
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type_name(steps)}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    data = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    return _finish(data.astype(_dt(dtype)), requires_grad, device)


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
    """The identity matrix, ``n`` x ``m`` (torch.eye)."""
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
    return _finish(np.asarray(value, _dt(dtype)), requires_grad, device)
