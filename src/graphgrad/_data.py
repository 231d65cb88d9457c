"""Python data (nested lists of numbers, NumPy arrays, one-element tensors) to the array that
``torch.tensor`` holds, with PyTorch's inferred dtype and its errors for data it refuses.

>>> to_array([[1, 2], [3, 4]]).dtype
dtype('int64')
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from ._utilities import warn_once
from .tensor import Tensor

_INT64 = (-(2**63), 2**63 - 1)
_NUMBERS = frozenset((float, int, bool))


def check_native(array: np.ndarray) -> None:
    """PyTorch's error for an array of the other byte order, then for a dtype it lacks."""
    if not array.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. "
            "Conversion between byte orders is currently not supported."
        )
    dtypes.from_numpy_dtype(array.dtype)


def to_array(data, dtype: dtypes.dtype | None = None) -> np.ndarray:
    """``data`` as a new array in ``dtype``, or in the dtype PyTorch infers (Python floats take
    the default dtype; a one-element Tensor counts as a number of its dtype)."""
    inferred = None
    if isinstance(data, (list, tuple)):
        tensors, arrays = _holds(data)
        if arrays:
            warn_once(
                "list of ndarrays",
                "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please "
                "consider converting the list to a single numpy.ndarray with numpy.array() "
                "before converting to a tensor.",
                stacklevel=3,
            )
        if tensors:
            data, inferred = _tensors_to_numbers(data)
    try:
        arr = np.array(data)
    except ValueError:
        _check_first_str(data)
        _check_ragged(data)
        _check_leaves(data)  # a string where a list was expected
        raise
    if arr.dtype.kind in "OUS":
        _check_first_str(data)
        _check_leaves(data)
    if arr.dtype.kind == "u":  # NumPy's uint64, for Python ints beyond int64's range
        raise ValueError("Overflow when unpacking long long")
    if dtype is not None:
        return _cast_checked(arr, dtype)
    if inferred is not None:
        return arr.astype(inferred.np)
    if arr.dtype.kind == "f":
        return arr.astype(dtypes.get_default_dtype().np)
    if arr.dtype.kind == "c":
        default = dtypes.get_default_dtype()
        return arr.astype(np.complex128 if default is dtypes.float64 else np.complex64)
    return arr.astype(np.int64) if arr.dtype.kind == "i" else arr


def fill_value(value, dtype: dtypes.dtype):
    """A Python number to fill a tensor of ``dtype`` with (full, fill_), range-checked as
    PyTorch checks it (-1 wraps to 255 in uint8; 300 is an error)."""
    if dtype.np.kind not in "iu" or not isinstance(value, (int, float)):
        return value
    return _cast_checked(np.asarray(value), dtype, f"{dtype.name}_t")[()]


def _cast_checked(arr: np.ndarray, dtype: dtypes.dtype, name: str = "") -> np.ndarray:
    """``arr`` (int64, float64 or bool from Python numbers) cast to ``dtype``, with PyTorch's
    range check for integer dtypes: an unsigned one also takes negatives down to ``-max``,
    which wrap."""
    target = dtype.np
    if target.kind in "iu" and arr.dtype.kind in "if" and arr.size:
        info = np.iinfo(target)
        low = -info.max if target.kind == "u" and arr.dtype.kind == "i" else info.min
        if arr.dtype.kind == "f":
            ok = np.isfinite(arr).all() and arr.min() >= info.min and arr.max() <= info.max
        else:
            ok = arr.min() >= low and arr.max() <= info.max
        if not ok:
            raise RuntimeError(
                f"value cannot be converted to type {name or dtype.name} without overflow"
            )
    with np.errstate(all="ignore"):  # float64 -> float16/float32 overflows to inf, as PyTorch
        return arr.astype(target)


def _holds(data: list | tuple) -> tuple[bool, bool]:
    """Whether nested lists hold a Tensor, and a NumPy array of 1 or more dims, anywhere
    (iteratively; numbers skipped quickly)."""
    tensors = arrays = False
    stack = [data]
    while stack and not (tensors and arrays):
        for item in stack.pop():
            if item.__class__ in _NUMBERS:
                continue
            if isinstance(item, (list, tuple)):
                stack.append(item)
            elif isinstance(item, Tensor):
                tensors = True
            elif isinstance(item, np.ndarray) and item.ndim:
                arrays = True
    return tensors, arrays


def _scalar_dtype(value) -> dtypes.dtype:
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, bool):
        return dtypes.bool_
    if isinstance(value, int):
        return dtypes.int64
    return dtypes.scalar_dtype(value)


def _tensors_to_numbers(data):
    """Nested lists with each Tensor replaced by its one number, and the dtype all the numbers
    promote to (a Tensor counts with its own dtype, as in PyTorch)."""
    dtype = None

    def convert(item):
        nonlocal dtype
        if isinstance(item, (list, tuple)):
            return [convert(x) for x in item]
        if isinstance(item, (Tensor, bool, int, float, complex)):
            here = _scalar_dtype(item)
            dtype = here if dtype is None else dtypes.promote_types(dtype, here)
        if isinstance(item, Tensor):
            if item.numel() != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            return item.item()
        return item

    return convert(data), dtype


def _check_first_str(data) -> None:
    """PyTorch infers the shape from the first element at each depth, and a string there is a
    sequence whose first element is a string again: no end to the dimensions."""
    first = data
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
        if isinstance(first, str):
            raise ValueError("too many dimensions 'str'")


def _check_leaves(data) -> None:
    """PyTorch's error for the first element that is not a number."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, np.ndarray):
            check_native(item)
        elif isinstance(item, str):
            raise TypeError("new(): invalid data type 'str'")
        elif isinstance(item, int) and not _INT64[0] <= item <= _INT64[1]:
            raise ValueError("Overflow when unpacking long long")
        elif not isinstance(item, (bool, int, float, complex, np.generic)):
            raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")


def _check_ragged(data) -> None:
    """PyTorch's error for nested lists whose lengths differ at some depth."""
    lengths = []
    first = data
    while isinstance(first, (list, tuple)):
        lengths.append(len(first))
        if not first:
            break
        first = first[0]
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (list, tuple)):
            if depth < len(lengths) and isinstance(item, (int, float, complex, np.generic)):
                raise TypeError("not a sequence")  # a number where the first item has a list
            continue
        if depth >= len(lengths) or len(item) != lengths[depth]:
            want = lengths[depth] if depth < len(lengths) else 0
            raise ValueError(f"expected sequence of length {want} at dim {depth} (got {len(item)})")
        stack.extend((x, depth + 1) for x in reversed(item))
