"""dtype objects and PyTorch's type-promotion rules.

>>> import graphgrad as torch
>>> torch.float32, torch.result_type(torch.ones(2, dtype=torch.int32), 1.5)
(torch.float32, torch.float32)
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import numpy.typing as npt

# Categories order promotion across kinds: bool < integer < floating < complex.
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:  # noqa: N801 - PyTorch's public name
    """A tensor element type, printed as ``torch.<name>`` like PyTorch's. The instances are
    ``graphgrad.float32``, ``int64``, ``bool``...; there is no need to make new ones.

    Args:
        name: the name (``"float32"``).
        np_dtype: the NumPy dtype that stores it.
        category: its rank in promotion: bool < integer < floating < complex.
        legacy: the name in PyTorch's legacy type strings (``"Float"`` for FloatTensor).
        cpp: the C++ type's name, as PyTorch's kernel messages spell it (``"float"``,
            ``"long int"``).

    >>> torch.float64, torch.tensor([1.0]).dtype
    (torch.float64, torch.float32)
    """

    __slots__ = ("name", "np", "category", "itemsize", "legacy", "cpp", "__weakref__")

    def __init__(
        self, name: str, np_dtype: npt.DTypeLike, category: builtins.int, legacy: str, cpp: str
    ) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.legacy = legacy  # name in "torch.FloatTensor"-style messages
        self.cpp = cpp

    @property
    def is_floating_point(self) -> bool:
        """Whether this is a floating-point dtype.

        >>> torch.float32.is_floating_point, torch.int64.is_floating_point
        (True, False)
        """
        return self.category == _FLOAT

    @property
    def is_complex(self) -> bool:
        """Whether this is a complex dtype.

        >>> torch.complex64.is_complex
        True
        """
        return self.category == _COMPLEX

    @property
    def is_signed(self) -> bool:
        """Whether the dtype holds negative values (all but uint8 and bool).

        >>> torch.int8.is_signed, torch.uint8.is_signed
        (True, False)
        """
        return self.name not in ("uint8", "bool")

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float16 = dtype("float16", np.float16, _FLOAT, "Half", "c10::Half")
float32 = dtype("float32", np.float32, _FLOAT, "Float", "float")
float64 = dtype("float64", np.float64, _FLOAT, "Double", "double")
complex64 = dtype("complex64", np.complex64, _COMPLEX, "ComplexFloat", "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, _COMPLEX, "ComplexDouble", "c10::complex<double>")
uint8 = dtype("uint8", np.uint8, _INT, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, _INT, "Char", "signed char")
int16 = dtype("int16", np.int16, _INT, "Short", "short int")
int32 = dtype("int32", np.int32, _INT, "Int", "int")
int64 = dtype("int64", np.int64, _INT, "Long", "long int")
bool_ = dtype("bool", np.bool_, _BOOL, "Bool", "bool")

NO_BFLOAT16 = (
    "graphgrad has no bfloat16 tensors: NumPy has no bfloat16 type (use float32 or float16)"
)


class _NameOnlyDtype(dtype):
    """A dtype PyTorch has and NumPy cannot store: it can be named, compared, promoted and
    asked for its limits, but reading its NumPy type (what any tensor of it needs) raises one
    clear TypeError, so every path that would make such a tensor fails the same way.

    >>> torch.bfloat16.itemsize, torch.bfloat16.is_floating_point
    (2, True)
    >>> torch.zeros(2, dtype=torch.bfloat16)
    Traceback (most recent call last):
    TypeError: graphgrad has no bfloat16 tensors: NumPy has no bfloat16 type ...
    """

    __slots__ = ()

    def __init__(  # the NumPy type is the one thing it lacks
        self, name: str, itemsize: builtins.int, category: builtins.int, legacy: str, cpp: str
    ) -> None:
        self.name, self.category, self.itemsize = name, category, itemsize
        self.legacy, self.cpp = legacy, cpp

    @property
    def np(self) -> np.dtype:  # type: ignore[override]
        """Raises: there is no NumPy type to store it."""
        raise TypeError(NO_BFLOAT16)


# Kept out of ALL_DTYPES: those are the dtypes a tensor can have.
bfloat16 = _NameOnlyDtype("bfloat16", 2, _FLOAT, "BFloat16", "c10::BFloat16")

ALL_DTYPES = (
    float16,
    float32,
    float64,
    complex64,
    complex128,
    uint8,
    int8,
    int16,
    int32,
    int64,
    bool_,
)
_FROM_NUMPY = {d.np: d for d in ALL_DTYPES}

# PyTorch's aliases.
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

_default_dtype = float32


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The graphgrad dtype for a NumPy dtype; TypeError for ones PyTorch lacks."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint8, and bool."
        ) from None


def check_storable(d: dtype) -> dtype:
    """``d`` itself if tensors can have it; bfloat16 raises graphgrad's one error for it.

    >>> check_storable(torch.float16)
    torch.float16
    """
    if d is bfloat16:
        raise TypeError(NO_BFLOAT16)
    return d


def get_default_dtype() -> dtype:
    """The dtype of floating tensors made from Python floats (float32 unless changed).

    >>> torch.get_default_dtype()
    torch.float32
    """
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (float32 or float64, as PyTorch allows).

    Args:
        d: the new default.

    >>> torch.set_default_dtype(torch.float64)
    >>> torch.tensor([1.5]).dtype
    torch.float64
    >>> torch.set_default_dtype(torch.float32)
    """
    global _default_dtype
    if not isinstance(d, dtype) or d.category != _FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = check_storable(d)


def _promote_pair(a: dtype, b: dtype) -> dtype:
    """promote_types for two dtypes: the smallest type holding both."""
    if a is b:
        return a
    if a.category == b.category == _FLOAT and bfloat16 in (a, b):
        other = b if a is bfloat16 else a
        return float32 if other is float16 else other  # neither 16-bit type holds the other
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == _COMPLEX and lo is float64:
            return complex128
        return hi
    return _FROM_NUMPY[np.promote_types(a.np, b.np)]


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype to which both ``a`` and ``b`` can be cast.

    Args:
        a: a dtype.
        b: a dtype.

    >>> torch.promote_types(torch.int64, torch.float32)
    torch.float32
    """
    return _promote_pair(a, b)


def scalar_dtype(value: object) -> dtype:
    """The dtype a Python scalar takes part in promotion with (a 'wrapped number')."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, (builtins.int, np.integer)):
        return int64
    if isinstance(value, complex):
        return complex128 if _default_dtype is float64 else complex64
    return _default_dtype


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Let a lower-priority group (0-d tensors, scalars) raise the category only."""
    if higher is None:
        return lower
    if lower is None or lower.category <= higher.category:
        if higher is bool_ and lower is not None:
            return _promote_pair(higher, lower)
        return higher
    if lower.category == _COMPLEX and higher.category == _FLOAT:
        return complex128 if higher is float64 else complex64
    return _promote_pair(higher, lower)


def result_type(*operands: Any) -> dtype:
    """PyTorch's result type: tensors with dims outrank 0-d tensors, which outrank scalars.

    A lower group changes the result only when it is of a higher category
    (bool < int < float < complex): float32 tensor + float64 0-d tensor stays float32.

    Args:
        operands: tensors and Python numbers.

    >>> torch.result_type(torch.tensor([1, 2]), 1.0)
    torch.float32
    """
    dim_t = zero_t = wrapped = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.ndim:
                dim_t = d if dim_t is None else _promote_pair(dim_t, d)
            else:
                zero_t = d if zero_t is None else _promote_pair(zero_t, d)
        else:
            s = scalar_dtype(op)
            wrapped = s if wrapped is None else _promote_pair(wrapped, s)
    result = _combine(_combine(dim_t, zero_t), wrapped)
    assert result is not None, "result_type takes at least one operand"
    return result
