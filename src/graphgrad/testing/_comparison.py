"""``assert_close``: compare tensors, arrays, numbers and containers of them, with PyTorch's
default tolerances and its failure messages.

Messages are PyTorch's, so a test written for PyTorch fails with the same text here:

>>> import graphgrad as torch
>>> torch.testing.assert_close(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))
Traceback (most recent call last):
...
AssertionError: Tensor-likes are not close!
<BLANKLINE>
Mismatched elements: 1 / 3 (33.3%)
Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import dtypes
from ..creation import as_tensor
from ..tensor import Tensor

# (rtol, atol) by dtype, PyTorch's defaults; integers and booleans compare exactly.
_TOLERANCES = {
    dtypes.float16: (1e-3, 1e-5),
    dtypes.float32: (1.3e-6, 1e-5),
    dtypes.float64: (1e-7, 1e-7),
    dtypes.complex64: (1.3e-6, 1e-5),
    dtypes.complex128: (1e-7, 1e-7),
}


class _FailureError(Exception):
    """A comparison that failed: the exception type to raise and its message."""

    def __init__(self, kind: type[Exception], message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass(frozen=True)
class _Options:
    allow_subclasses: bool
    rtol: float | None
    atol: float | None
    equal_nan: bool
    check_device: bool
    check_dtype: bool
    check_layout: bool
    check_stride: bool


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | Callable[[str], str] | None = None,
) -> None:
    """Raise an ``AssertionError`` unless ``actual`` and ``expected`` are close.

    Tensors (and NumPy arrays) must have the same shape, layout and (with ``check_dtype``)
    dtype; their values are close where ``|actual - expected| <= atol + rtol * |expected|``.
    Without ``rtol`` and ``atol`` the tolerances are the dtype's defaults (float32: 1.3e-6 and
    1e-5; float64: 1e-7; integers and booleans exactly). Python numbers, ``None``, and
    sequences and mappings of all of these compare item by item.

    Args:
        actual, expected: what to compare.
        allow_subclasses: a ``Parameter`` compares with a ``Tensor`` (``False``: same types).
        rtol, atol: the tolerances, both or neither.
        equal_nan: NaNs in the same places compare equal.
        check_device, check_dtype, check_layout, check_stride: which attributes must agree.
        msg: the message to raise instead, or a function of the default message.

    >>> import graphgrad as torch
    >>> torch.testing.assert_close(torch.tensor([1.0]), torch.tensor([1.0 + 1e-7]))
    >>> torch.testing.assert_close([1, 2], (1, 2))
    """
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."
        )
    options = _Options(allow_subclasses, rtol, atol, equal_nan, check_device, check_dtype,
                       check_layout, check_stride)  # fmt: skip
    path: list = []
    try:
        _compare(actual, expected, path, options)
    except _FailureError as failure:
        message = failure.message
        if path:
            message += f"\n\nThe failure occurred for item {''.join(f'[{k!r}]' for k in path)}"
        if failure.kind is AssertionError and msg is not None:
            message = msg(message) if callable(msg) else msg
        raise failure.kind(message) from None


def assert_allclose(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = True,
    msg: str = "",
) -> None:
    """The deprecated form of :func:`assert_close`, kept for old tests: it warns, turns both
    sides into tensors of ``actual``'s dtype and uses the older float32 tolerance (1e-4).

    >>> import warnings; warnings.simplefilter("ignore", FutureWarning)
    >>> import graphgrad as torch
    >>> torch.testing.assert_allclose(torch.tensor([1.0]), [1.00001])
    """
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a "
        "future release. Please use `torch.testing.assert_close()` instead. You can find "
        "detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.",
        FutureWarning,
        stacklevel=2,
    )
    actual = actual if isinstance(actual, Tensor) else as_tensor(actual)
    expected = as_tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = {dtypes.float16: (1e-3, 1e-3), dtypes.float32: (1e-4, 1e-5)}.get(
            actual.dtype, _tolerances(actual.dtype)
        )
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_dtype=False, msg=msg or None)  # fmt: skip


def _compare(actual: Any, expected: Any, path: list, options: _Options) -> None:
    """Compare two inputs, recursing into sequences and mappings; ``path`` tracks the item."""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for index, (a, e) in enumerate(zip(actual, expected)):
            path.append(index)
            _compare(a, e, path, options)
            path.pop()
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if actual.keys() != expected.keys():
            _fail(
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {_sorted(expected.keys() - actual.keys())}\n"
                f"Additional keys in the actual mapping: {_sorted(actual.keys() - expected.keys())}"
            )
        for key in _sorted(actual.keys()):
            path.append(key)
            _compare(actual[key], expected[key], path, options)
            path.pop()
    elif actual is None or expected is None:
        if actual is not expected:
            _fail(f"None mismatch: {actual} is not {expected}")
    elif isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        if bool(actual) is not bool(expected):
            _fail(f"Booleans mismatch: {bool(actual)} is not {bool(expected)}")
    elif _is_number(actual) and _is_number(expected):
        _compare_numbers(_python_number(actual), _python_number(expected), options)
    elif (
        _is_tensor_like(actual)
        and _is_tensor_like(expected)
        and _types_match(actual, expected, options.allow_subclasses)
    ):
        _compare_tensors(_to_tensor(actual), _to_tensor(expected), options)
    else:
        raise _FailureError(
            TypeError,
            f"No comparison pair was able to handle inputs of type {type(actual)} and "
            f"{type(expected)}.",
        )


def _fail(message: str) -> None:
    raise _FailureError(AssertionError, message)


def _is_sequence(x: object) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _sorted(keys: Any) -> list:
    try:
        return sorted(keys)
    except TypeError:  # keys of several types: their own order
        return list(keys)


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float, complex, np.number)) and not isinstance(x, bool)


def _python_number(x: Any) -> int | float | complex:
    return x.item() if isinstance(x, np.generic) else x


def _is_tensor_like(x: object) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


def _types_match(actual: object, expected: object, allow_subclasses: bool) -> bool:
    if allow_subclasses:
        return isinstance(actual, type(expected)) or isinstance(expected, type(actual))
    return type(actual) is type(expected)


def _to_tensor(x: Tensor | np.ndarray) -> Tensor:
    return x.detach() if isinstance(x, Tensor) else as_tensor(x)


def _tolerances(*types: dtypes.dtype) -> tuple[float, float]:
    """The default (rtol, atol) for comparing values of these dtypes: the loosest of them."""
    pairs = [_TOLERANCES.get(t, (0.0, 0.0)) for t in types]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _compare_numbers(actual: Any, expected: Any, options: _Options) -> None:
    if options.check_dtype and type(actual) is not type(expected):
        _fail(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    rtol, atol = _given_or(options, _number_dtype(actual), _number_dtype(expected))
    if not _numbers_close(actual, expected, rtol, atol, options.equal_nan):
        _fail(_scalar_message("Scalars", actual, expected, rtol, atol))


def _number_dtype(x: int | float | complex) -> dtypes.dtype:
    """The dtype PyTorch gives a Python number, whose tolerances it compares with."""
    if isinstance(x, complex):
        return dtypes.complex128
    return dtypes.float64 if isinstance(x, float) else dtypes.int64


def _given_or(options: _Options, *types: dtypes.dtype) -> tuple[float, float]:
    if options.rtol is None or options.atol is None:
        return _tolerances(*types)
    return options.rtol, options.atol


def _numbers_close(actual: Any, expected: Any, rtol: float, atol: float, equal_nan: bool) -> bool:
    if actual == expected:
        return True
    if equal_nan and _isnan(actual) and _isnan(expected):
        return True
    difference = abs(actual - expected)
    return math.isfinite(difference) and difference <= atol + rtol * abs(expected)


def _isnan(x: Any) -> bool:
    return isinstance(x, (float, complex)) and x != x


def _scalar_message(identifier: str, actual: Any, expected: Any, rtol: float, atol: float) -> str:
    difference = abs(actual - expected)
    relative = _divide(difference, abs(expected))
    return (
        f"{_not_close(identifier, rtol, atol)}\n\nExpected {expected} but got {actual}.\n"
        f"Absolute difference: {difference}{_allowed(atol, rtol, atol)}\n"
        f"Relative difference: {relative}{_allowed(rtol, rtol, atol)}"
    )


def _divide(a: float, b: float) -> float:
    """``a / b`` as a float division of tensors gives it: ``inf`` or ``nan`` for ``b == 0``."""
    if b == 0:
        return math.nan if a == 0 or a != a else math.inf
    return a / b


def _not_close(identifier: str, rtol: float, atol: float) -> str:
    return f"{identifier} are not {'equal' if rtol == 0 and atol == 0 else 'close'}!"


def _allowed(tolerance: float, rtol: float, atol: float) -> str:
    return "" if rtol == 0 and atol == 0 else f" (up to {tolerance} allowed)"


def _compare_tensors(actual: Tensor, expected: Tensor, options: _Options) -> None:
    _compare_attributes(actual, expected, options)
    rtol, atol = _given_or(options, actual.dtype, expected.dtype)
    if actual.layout is not expected.layout:  # with check_layout=False: compare as dense
        actual, expected = actual.to_dense(), expected.to_dense()
    if actual.is_sparse:
        _compare_sparse(actual, expected, rtol, atol, options.equal_nan)
        return
    common = dtypes.promote_types(actual.dtype, expected.dtype)
    a, e = actual.to(common).numpy(), expected.to(common).numpy()
    _compare_values("Tensor-likes", a, e, rtol, atol, options.equal_nan)


def _compare_attributes(actual: Tensor, expected: Tensor, options: _Options) -> None:
    """The attribute checks, in PyTorch's order: shape, device, layout, dtype, stride."""
    checks = [
        ("shape", True, lambda t: t.shape),
        ("device", options.check_device, lambda t: t.device),
        ("layout", options.check_layout, lambda t: t.layout),
        ("dtype", options.check_dtype, lambda t: t.dtype),
        ("stride()", options.check_stride and not actual.is_sparse, lambda t: t.stride()),
    ]
    for name, enabled, attribute in checks:
        if enabled and (a := attribute(actual)) != (e := attribute(expected)):
            _fail(f"The values for attribute '{name}' do not match: {a} != {e}.")


def _compare_sparse(actual: Tensor, expected: Tensor, rtol: float, atol: float,
                    equal_nan: bool) -> None:  # fmt: skip
    actual, expected = actual.coalesce(), expected.coalesce()
    if actual._nnz() != expected._nnz():
        _fail(
            "The number of specified values in sparse COO tensors does not match: "
            f"{actual._nnz()} != {expected._nnz()}"
        )
    indices = actual.indices().numpy(), expected.indices().numpy()
    _compare_values("Sparse COO indices", *indices, 0.0, 0.0, False)
    common = dtypes.promote_types(actual.dtype, expected.dtype)
    values = actual.values().to(common).numpy(), expected.values().to(common).numpy()
    _compare_values("Sparse COO values", *values, rtol, atol, equal_nan)


def _compare_values(identifier: str, actual: np.ndarray, expected: np.ndarray, rtol: float,
                    atol: float, equal_nan: bool) -> None:  # fmt: skip
    if actual.ndim == 0:  # reported as the numbers they hold: "Expected False but got True"
        a, e = actual.item(), expected.item()
    if actual.dtype.kind in "biu":  # exact, and no wrap-around in the differences
        actual, expected = actual.astype(np.int64), expected.astype(np.int64)
    with np.errstate(all="ignore"):
        close = actual == expected
        if equal_nan:
            close |= np.isnan(actual) & np.isnan(expected)
        if rtol or atol:
            difference = np.abs(actual - expected)
            close |= np.isfinite(difference) & (difference <= atol + np.abs(rtol * expected))
    if close.all():
        return
    if actual.ndim == 0:
        _fail(_scalar_message("Scalars", a, e, rtol, atol))
    _fail(_tensor_message(identifier, actual, expected, close, rtol, atol))


def _tensor_message(identifier: str, actual: np.ndarray, expected: np.ndarray,
                    close: np.ndarray, rtol: float, atol: float) -> str:  # fmt: skip
    with np.errstate(all="ignore"):
        difference = np.abs(actual - expected)
        # a division of integer tensors gives the default float dtype, float32
        float_type = np.float32 if difference.dtype.kind == "i" else difference.dtype
        relative = difference.astype(float_type) / np.abs(expected).astype(float_type)
    difference[close] = relative[close] = 0  # the greatest are among the mismatched values
    count, total = int(close.size - close.sum()), close.size
    return (
        f"{_not_close(identifier, rtol, atol)}\n\n"
        f"Mismatched elements: {count} / {total} ({count / total:.1%})\n"
        f"Greatest absolute difference: {_greatest(difference)}{_allowed(atol, rtol, atol)}\n"
        f"Greatest relative difference: {_greatest(relative)}{_allowed(rtol, rtol, atol)}"
    )


def _greatest(difference: np.ndarray) -> str:
    """The largest value (a NaN first) and where it is."""
    flat = int(np.argmax(difference))  # as torch's argmax: the first NaN counts as the largest
    index = tuple(int(i) for i in np.unravel_index(flat, difference.shape))
    return f"{difference.reshape(-1)[flat].item()} at index {index}"
