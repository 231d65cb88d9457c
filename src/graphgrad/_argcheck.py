"""Argument checks shared by the public functions: PyTorch's TypeError for an argument of the
wrong type (a float size, a string dtype, a number where a tensor belongs), in one place.

>>> import graphgrad as torch
>>> torch.zeros(2.5)
Traceback (most recent call last):
  ...
TypeError: zeros(): argument 'size' (position 1) must be tuple of ints, not float
"""

from __future__ import annotations

import builtins
import functools
import inspect
import operator

import numpy as np

from . import dtypes
from .tensor import Size, Tensor

_SEQUENCES = (tuple, list, Size)


def type_name(value) -> str:
    """A value's type as PyTorch's messages name it: ``float``, ``numpy.ndarray``."""
    cls = type(value)
    return f"numpy.{cls.__name__}" if cls.__module__.startswith("numpy") else cls.__name__


def as_int(value):
    """``value`` as an int, or None: ints, NumPy integers and integer tensors, not bools."""
    if value.__class__ is int:
        return value
    if isinstance(value, (bool, np.bool_, float, np.floating)):
        return None
    try:
        return operator.index(value)
    except (TypeError, RuntimeError):
        return None


def int_tuple(size: tuple, fn: str, arg: str = "size") -> tuple[int, ...]:
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(Size)`` as a tuple of ints, with
    PyTorch's TypeError for an element that is not an int (``2.5``, ``'3'``, ``True``).

    >>> int_tuple(((2, 3),), "zeros")
    (2, 3)
    """
    if len(size) == 1 and isinstance(size[0], _SEQUENCES):
        values = tuple(size[0])
        ints = tuple(as_int(v) for v in values)
        for pos, (v, i) in enumerate(zip(values, ints)):
            if i is None:
                raise TypeError(
                    f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, but found "
                    f"element of type {type_name(v)} at pos {pos}"
                )
        return ints
    ints = tuple(as_int(v) for v in size)
    for pos, (v, i) in enumerate(zip(size, ints)):
        if i is None:
            if pos == 0:
                raise TypeError(
                    f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, "
                    f"not {type_name(v)}"
                )
            raise TypeError(
                f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos + 1} with "
                f'error "type must be tuple of ints,but got {type_name(v)}"'
            )
    return ints


def size_keyword(size: tuple, fn: str, kwargs: dict) -> tuple:
    """The positional ``size`` of ``f(*size, **kwargs)``, or ``f(size=...)``'s as a 1-tuple
    (``int_tuple`` reads both), with PyTorch's TypeErrors for a duplicate, missing or unknown
    argument.

    >>> size_keyword((), "zeros", {"size": (2, 3)})
    ((2, 3),)
    """
    if kwargs:
        if "size" in kwargs:
            if size:
                raise TypeError(f"{fn}() got multiple values for argument 'size'")
            size = (kwargs.pop("size"),)
        if kwargs:
            raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not size:
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    return size


# Python types PyTorch takes for a dtype argument
_PYTHON_DTYPES = {
    builtins.float: dtypes.float64,
    builtins.int: dtypes.int64,
    builtins.bool: dtypes.bool_,
    builtins.complex: dtypes.complex128,
}


def dtype_arg(dtype, fn: str):
    """A ``dtype=`` argument: a torch dtype, None, or Python's float/int/bool/complex.

    >>> dtype_arg(float, "zeros")
    torch.float64
    """
    if dtype is None or isinstance(dtype, dtypes.dtype):
        return dtype if dtype is None else dtypes.check_storable(dtype)
    found = _PYTHON_DTYPES.get(dtype) if isinstance(dtype, type) else None
    if found is None:
        raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {type_name(dtype)}")
    return found


def no_integer_kernel(kernel: str, dtype: dtypes.dtype) -> None:
    """PyTorch's error for a kernel it has only for floating-point dtypes.

    >>> no_integer_kernel("lerp_kernel_scalar", dtypes.int64)
    Traceback (most recent call last):
    ...
    NotImplementedError: "lerp_kernel_scalar" not implemented for 'Long'
    """
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype.legacy}'")


def check_castable(result: dtypes.dtype, output: dtypes.dtype) -> None:
    """PyTorch's error for a result written to an output of a lower dtype category (a float
    result into an integer tensor).

    >>> check_castable(dtypes.float32, dtypes.int64)
    Traceback (most recent call last):
    ...
    RuntimeError: result type Float can't be cast to the desired output type Long
    """
    if result.category > output.category:
        raise RuntimeError(
            f"result type {result.legacy} can't be cast to the desired output type {output.legacy}"
        )


def tensor_input(fn, name: str):
    """``fn`` with PyTorch's TypeError when its first argument (``input``) is not a Tensor.

    >>> import graphgrad as torch
    >>> torch.exp(1.0)
    Traceback (most recent call last):
      ...
    TypeError: exp(): argument 'input' (position 1) must be Tensor, not float
    """

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        first = args[0] if args else kwargs.get("input")
        if not isinstance(first, Tensor):
            position = "(position 1) " if args else ""
            raise TypeError(
                f"{name}(): argument 'input' {position}must be Tensor, not {type_name(first)}"
            )
        return fn(*args, **kwargs)

    return checked


# The functions whose ``input`` PyTorch also takes as a Python number (torch.add(1, t))
_SCALAR_INPUT = frozenset(
    """add sub subtract mul multiply div divide true_divide pow float_power floor_divide
    remainder bitwise_and bitwise_or bitwise_xor xlogy bitwise_left_shift
    bitwise_right_shift bucketize""".split()
)


def checked_exports(module) -> dict:
    """``module.__all__`` by name, the functions that take a tensor ``input`` first wrapped in
    ``tensor_input``."""
    exports = {}
    for name in getattr(module, "__all__", ()):
        fn = getattr(module, name)
        if inspect.isfunction(fn) and name not in _SCALAR_INPUT:
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["input"]:
                fn = tensor_input(fn, name)
        exports[name] = fn
    return exports
