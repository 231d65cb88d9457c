"""Tensor creation: tensor, zeros, ones, arange, linspace, eye, full, *_like, from_numpy.

>>> import graphgrad as torch
>>> torch.arange(3), torch.zeros(2, 2).dtype
(tensor([0, 1, 2]), torch.float32)
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import _device, dtypes
from .dtypes import dtype as dtype_t
from .ops.shape import parse_size
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


def _infer_array(data) -> np.ndarray:
    """Python data to an array in PyTorch's inferred dtype (floats -> the default dtype)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    if isinstance(data, (list, tuple)) and _holds_tensor(data):
        data = _tensors_to_lists(data)
    arr = np.array(data)
    if arr.dtype.kind == "f":
        return arr.astype(dtypes.get_default_dtype().np)
    if arr.dtype.kind == "c":
        return arr.astype(
            np.complex128 if dtypes.get_default_dtype() is dtypes.float64 else np.complex64
        )
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "b":
        return arr
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


_NUMBERS = frozenset((float, int, bool))


def _holds_tensor(data: list | tuple) -> bool:
    """Whether nested lists hold a Tensor anywhere (iteratively; numbers skipped quickly)."""
    stack = [data]
    while stack:
        for item in stack.pop():
            if item.__class__ in _NUMBERS:
                continue
            if isinstance(item, (list, tuple)):
                stack.append(item)
            elif isinstance(item, Tensor):
                return True
    return False


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(d) for d in data]
    return data


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
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray, np.generic)):
        # Straight to the requested dtype: no detour through the default float dtype.
        arr = np.array(_tensors_to_lists(data), dtype=dtype.np)
    else:
        arr = _infer_array(data)
        arr = np.array(arr, dtype=dtype.np if dtype is not None else None, copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype: dtype_t | None = None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a Tensor or ndarray when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.np):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (torch.from_numpy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return Tensor._make(array)


def _dt(dtype: dtype_t | None) -> np.dtype:
    return (dtype or dtypes.get_default_dtype()).np


def _filled(size: tuple, value, dtype, requires_grad: bool, device) -> Tensor:
    return _finish(np.full(parse_size(size), value, _dt(dtype)), requires_grad, device)


def zeros(
    *size, dtype: dtype_t | None = None, device=None, requires_grad: bool = False, out=None
) -> Tensor:
    """A tensor of zeros (torch.zeros)."""
    return _filled(size, 0, dtype, requires_grad, device)


def ones(
    *size, dtype: dtype_t | None = None, device=None, requires_grad: bool = False, out=None
) -> Tensor:
    """A tensor of ones (torch.ones)."""
    return _filled(size, 1, dtype, requires_grad, device)


def empty(
    *size,
    dtype: dtype_t | None = None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    """An uninitialised tensor (zeros here: NumPy's empty memory is not worth the surprise)."""
    return _filled(size, 0, dtype, requires_grad, device)


def full(
    size, fill_value, *, dtype: dtype_t | None = None, device=None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value (torch.full)."""
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled((size,), fill_value, dtype, requires_grad, device)


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
    if step == 0:
        raise RuntimeError("step must be nonzero")
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
    return _finish(np.eye(n, m, dtype=_dt(dtype)), requires_grad, device)


def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _finish(np.asarray(value, _dt(dtype)), requires_grad, device)
