"""``make_tensor``: a tensor of random values for tests, drawn as PyTorch draws them, so that
the same seed gives the same tensor.

>>> import graphgrad as torch
>>> _ = torch.manual_seed(0)
>>> torch.testing.make_tensor(3, dtype=torch.float32, device="cpu")
tensor([-0.0674,  4.8280, -7.4074])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .. import dtypes
from ..creation import empty, full, tensor
from ..random.draws import randint
from ..tensor import Tensor

_INTEGRAL = (dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
_FLOATING = (dtypes.float16, dtypes.float32, dtypes.float64)
_COMPLEX = (dtypes.complex64, dtypes.complex128)


def make_tensor(
    *shape: int | Sequence[int],
    dtype: dtypes.dtype,
    device: object,
    low: float | None = None,
    high: float | None = None,
    requires_grad: bool = False,
    noncontiguous: bool = False,
    exclude_zero: bool = False,
    memory_format: object = None,
) -> Tensor:
    """A tensor of ``shape`` filled with random values from ``[low, high)``.

    Floating and complex values are uniform in ``[-9, 9)`` by default, integers in
    ``[-9, 10)`` (``uint8``: ``[0, 10)``), booleans either; bounds outside the dtype's range
    are clamped to it.

    Args:
        shape: the sizes, as several ints or one sequence.
        dtype: the dtype (``bfloat16`` has no NumPy type here).
        device: where the tensor lives (``"cpu"``).
        low, high: the range of the values (ignored for ``torch.bool``).
        requires_grad: make a leaf that requires grad (floating and complex dtypes).
        noncontiguous: the result is a strided view (every second value of a larger draw).
        exclude_zero: zeros become 1 (integers) or the dtype's smallest normal number.
        memory_format: the result's memory format (with ``noncontiguous=False``).

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.testing.make_tensor((2, 2), dtype=torch.int64, device="cpu", low=0, high=5)
    tensor([[4, 4],
            [3, 0]])
    """
    size: tuple = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], Sequence) else shape
    supported = (dtypes.bool_, *_INTEGRAL, *_FLOATING, *_COMPLEX)
    if not isinstance(dtype, dtypes.dtype) or dtype not in supported:
        raise TypeError(
            f"The requested dtype '{dtype}' is not supported by torch.testing.make_tensor(). "
            "To request support, file an issue at: https://github.com/pytorch/pytorch/issues"
        )
    if requires_grad and (dtype is dtypes.bool_ or dtype in _INTEGRAL):
        raise ValueError(
            "`requires_grad=True` is not supported for boolean and integral dtypes, but got "
            f"dtype={dtype}"
        )
    if noncontiguous and memory_format is not None:
        raise ValueError(
            "The parameters `noncontiguous` and `memory_format` are mutually exclusive, but "
            f"got noncontiguous={noncontiguous} and memory_format={memory_format}"
        )
    numel = math.prod(size)
    drawn = (*size[:-1], 2 * size[-1]) if noncontiguous and numel > 1 else size
    result = _draw(drawn, dtype, device, low, high)
    if drawn != size:
        result = result[..., 1::2]
    if exclude_zero:
        result[result == 0] = _smallest_nonzero(dtype)
    if memory_format is not None:
        result = result.clone(memory_format=memory_format)
    return result.requires_grad_(requires_grad)


def _draw(size: tuple, dtype: dtypes.dtype, device: object, low: float | None,
          high: float | None) -> Tensor:  # fmt: skip
    if dtype is dtypes.bool_:
        return randint(0, 2, size, device=device, dtype=dtype)
    if dtype in _INTEGRAL:
        info = np.iinfo(dtype.np)
        # randint's high is exclusive; int64's cannot go past its maximum
        highest = int(info.max) + 1 if info.bits < 64 else int(info.max)
        default = (0, 10) if dtype is dtypes.uint8 else (-9, 10)
        lo, hi = _bounds(low, high, default, int(info.min), highest, dtype)
        return randint(math.ceil(lo), math.ceil(hi), size, device=device, dtype=dtype)
    finfo = np.finfo(dtype.np)
    lo, hi = _bounds(low, high, (-9, 9), float(finfo.min), float(finfo.max), dtype)
    if lo == hi:
        return full(size, lo, dtype=dtype, device=device)
    if dtype in _COMPLEX:  # real and imaginary parts drawn in turn, as from a real view
        parts = _uniform((*size, 2), dtypes.float64 if dtype is dtypes.complex128
                         else dtypes.float32, device, lo, hi, float(finfo.max)).numpy()  # fmt: skip
        return tensor(parts[..., 0] + 1j * parts[..., 1], dtype=dtype, device=device)
    return _uniform(size, dtype, device, lo, hi, float(finfo.max))


def _uniform(size: tuple, dtype: dtypes.dtype, device: object, low: float, high: float,
             largest: float) -> Tensor:  # fmt: skip
    """Uniform in ``[low, high)``; a range too wide for the dtype is drawn at half and doubled."""
    if high - low >= largest:
        return empty(size, dtype=dtype, device=device).uniform_(low / 2, high / 2).mul_(2)
    return empty(size, dtype=dtype, device=device).uniform_(low, high)


def _bounds(low: float | None, high: float | None, default: tuple, lowest: float,
            highest: float, dtype: dtypes.dtype) -> tuple[float, float]:  # fmt: skip
    """``low`` and ``high`` with their defaults, checked and clamped to ``[lowest, highest]``."""
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and (dtype in _FLOATING or dtype in _COMPLEX):
        warnings.warn(
            "Passing `low==high` to `torch.testing.make_tensor` for floating or complex types is "
            "deprecated since 2.1 and will be removed in 2.3. Use `torch.full(...)` instead.",
            FutureWarning,
            stacklevel=4,
        )
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(
            f"The value interval specified by `low` and `high` is [{low}, {high}), but {dtype} "
            f"only supports [{lowest}, {highest})"
        )
    return min(max(low, lowest), highest), min(max(high, lowest), highest)


def _smallest_nonzero(dtype: dtypes.dtype) -> float | complex:
    if dtype in _INTEGRAL:
        return 1
    tiny = float(np.finfo(dtype.np).tiny)
    return complex(tiny, tiny) if dtype in _COMPLEX else tiny
