"""More of PyTorch's creation ops: range, asarray, empty_strided and frombuffer.

>>> import graphgrad as torch
>>> torch.asarray([1, 2])
tensor([1, 2])
>>> torch.empty_strided((2, 3), (1, 2)).stride()
(1, 2)
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._argcheck import dtype_arg
from ..creation import from_numpy, tensor
from ..dtypes import get_default_dtype
from ..tensor import Tensor


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None):  # noqa: A001
    """The values ``start, start + step, ...`` up to and including ``end`` (deprecated in
    PyTorch, which warns, in favour of ``arange``, which excludes ``end``).

    Args:
        start: the first value (the end, when ``end`` is not given).
        end: the last value, included.
        step: the distance between values, nonzero.
        dtype: the dtype (default: the default float dtype).
        device: accepted; always the CPU.
        requires_grad: whether the result requires grad.
        out: accepted for compatibility; must be None.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.range(1, 2, 0.5)
    tensor([1.0000, 1.5000, 2.0000])
    """
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its "
        "behavior is inconsistent with Python's range builtin. Instead, use torch.arange, "
        "which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    dt = dtype_arg(dtype, "range") or get_default_dtype()
    count = math.floor((end - start) / step) + 1
    values = start + np.arange(count, dtype=np.float64) * step
    return tensor(values.astype(dt.np), requires_grad=requires_grad)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """``obj`` as a tensor, sharing memory where it can: a tensor is returned as it is (or
    converted), a NumPy array of a supported dtype is wrapped without a copy.

    Args:
        obj: a tensor, a NumPy array, a number or a (nested) sequence.
        dtype: the dtype wanted (default: ``obj``'s).
        device: accepted; always the CPU.
        copy: True always copies; False never does (an error where a copy is needed); None
            copies only when needed.
        requires_grad: whether the result requires grad.

    >>> import numpy as np
    >>> a = np.array([1.0, 2.0])
    >>> t = torch.asarray(a)
    >>> a[0] = 9.0
    >>> t
    tensor([9., 2.], dtype=torch.float64)
    """
    dt = dtype_arg(dtype, "asarray")
    if isinstance(obj, Tensor):
        out = obj if dt is None or dt is obj.dtype else obj.to(dt)
        if copy and out is obj:
            out = obj.clone()
    elif isinstance(obj, np.ndarray) and not copy and (dt is None or dt.np == obj.dtype):
        out = from_numpy(obj)
    else:
        if copy is False:
            raise ValueError("can't alias a non-array object without copying")
        out = tensor(obj, dtype=dt)
    if requires_grad:
        out = out.detach().requires_grad_() if out is obj else out.requires_grad_()
    return out


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False) -> Tensor:  # fmt: skip
    """An uninitialised tensor of ``size`` whose elements lie ``stride`` elements apart.

    Args:
        size: the shape.
        stride: the distance in elements between neighbours along each dimension.
        dtype: the dtype (default: the default float dtype).
        layout: accepted; always strided.
        device: accepted; always the CPU.
        requires_grad: whether the result requires grad.
        pin_memory: accepted; no effect on the CPU.

    >>> torch.empty_strided((2, 3), (3, 1)).is_contiguous()
    True
    """
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(
            f"mismatch in length of strides and shape: {len(stride)} != {len(size)}"
        )  # fmt: skip
    dt = (dtype_arg(dtype, "empty_strided") or get_default_dtype()).np
    extent = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    storage = np.zeros(extent, dt)
    data = np.lib.stride_tricks.as_strided(
        storage, size, tuple(s * dt.itemsize for s in stride), writeable=True
    )
    return Tensor._make(data, requires_grad=requires_grad)


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad=False):
    """A 1-d tensor over the memory of an object with the buffer protocol (no copy).

    Args:
        buffer: a ``bytes``, ``bytearray``, ``memoryview``, ``array.array``...
        dtype: the elements' dtype.
        count: how many elements (-1: all that fit after ``offset``).
        offset: the bytes to skip at the start.
        requires_grad: whether the result requires grad.

    >>> torch.frombuffer(bytearray(b"\\x01\\x02\\x03"), dtype=torch.uint8)
    tensor([1, 2, 3], dtype=torch.uint8)
    """
    dt = dtype_arg(dtype, "frombuffer").np
    length = memoryview(buffer).nbytes - offset
    if count < 0 and length % dt.itemsize:
        raise ValueError(
            f"buffer length ({length} bytes) after offset ({offset} bytes) must be a multiple "
            f"of element size ({dt.itemsize})"
        )
    array = np.frombuffer(buffer, dtype=dt, count=count, offset=offset)
    return Tensor._make(array, requires_grad=requires_grad)


__all__ = ["range", "asarray", "empty_strided", "frombuffer"]
