"""Argument forms PyTorch accepts on top of each function's own: NumPy's names and ``out=``.

Applied once, where the ops are exported (``torch.<name>`` and ``Tensor.<name>``), so no op
repeats them:

* NumPy's names: ``keepdims=`` for ``keepdim=`` and ``axis=`` for ``dim=``, on every function
  with those parameters (PyTorch's argument parser maps them for all of its functions);
* ``out=``: the result written into a given tensor (or tuple of tensors), resized if needed,
  for the functions in ``OUT_NAMES`` (those that take ``out=`` in PyTorch);
* the deprecated scale-first forms of ``add``, ``sub``, ``addcmul`` and ``addcdiv`` (and their
  in-place methods): ``p.add_(-lr, grad)`` is ``p.add_(grad, alpha=-lr)``, with PyTorch's
  warning, once per process (old tutorials and optimizers still write them).

>>> import graphgrad as torch
>>> torch.ones(2, 3).sum(axis=1, keepdims=True)
tensor([[3.],
        [3.]])
>>> out = torch.empty(2)
>>> torch.add(torch.ones(2), 1, out=out) is out
True
"""

from __future__ import annotations

import functools
import inspect
import numbers
import warnings

import numpy as np

from ._argcheck import checked_exports
from ._utilities import warn_once
from .autograd.grad_mode import is_grad_enabled, no_grad
from .dtypes import from_numpy_dtype
from .ops.inplace import copy_, resized
from .ops.return_types import ReturnType
from .tensor import Tensor

_NUMPY_NAMES = {"keepdims": "keepdim", "axis": "dim"}

# The functions graphgrad has that take ``out=`` in PyTorch 2.13 (probed against torch).
OUT_NAMES = frozenset(
    """
    abs absolute add addmm all amax amin any argmax argmin baddbmm bitwise_and bitwise_not
    bitwise_or bitwise_xor bmm cat ceil clamp clamp_max clamp_min clip concat concatenate cos
    cumprod cumsum diag div divide dot eq erf exp expm1 fix float_power floor floor_divide fmod
    gather ge ger greater greater_equal gt hstack index_add index_select inverse kthvalue le
    less less_equal log log10 log1p log2 log_softmax logical_and logical_not logical_or
    logical_xor logsumexp lt masked_select matmul max maximum mean median min minimum mm msort
    mul multiply mv nansum ne neg negative nonzero norm not_equal outer pow prod reciprocal
    remainder round row_stack rsqrt scatter scatter_add sigmoid sign sin softmax sort sqrt
    square stack std sub subtract sum take take_along_dim tan tanh tensordot topk tril triu
    true_divide trunc var vstack asin acos atan sinh cosh asinh acosh atanh arcsin arccos
    arctan arcsinh arccosh arctanh atan2 arctan2 histc
""".split()
)


def numpy_names(fn):
    """``fn`` accepting ``keepdims=`` / ``axis=`` where it has ``keepdim`` / ``dim``."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    aliases = {k: v for k, v in _NUMPY_NAMES.items() if v in params and k not in params}
    if not aliases:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs and not aliases.keys().isdisjoint(kwargs):
            kwargs = {aliases.get(k, k): v for k, v in kwargs.items()}
        return fn(*args, **kwargs)

    return wrapper


# The deprecated overloads that take the scale before the tensors: name -> (scale's name,
# the tensors' names).
_SCALE_FIRST = {
    "add": ("alpha", ("other",)),
    "sub": ("alpha", ("other",)),
    "addcmul": ("value", ("tensor1", "tensor2")),
    "addcdiv": ("value", ("tensor1", "tensor2")),
}


def scale_first(name: str, fn, method: bool = False):
    """``fn`` also taking PyTorch's deprecated ``name(input, scale, *tensors)`` form (``name``
    in ``_SCALE_FIRST``, or its in-place ``name_`` when ``method``), which PyTorch still
    accepts with a warning: ``p.data.add_(-lr, p.grad)`` is ``p.data.add_(p.grad, alpha=-lr)``.

    >>> import graphgrad as torch
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.addcmul(torch.zeros(2), 2, torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor([ 6., 16.])
    """
    if name.rstrip("_") not in _SCALE_FIRST or (name.endswith("_") and not method):
        return fn
    scale, tensors = _SCALE_FIRST[name.rstrip("_")]
    deprecated_count = 2 + len(tensors)  # input, scale, tensors

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if len(args) != deprecated_count or not isinstance(args[1], numbers.Number):
            return fn(*args, **kwargs)  # the usual form: one test on the way
        _warn_scale_first(name, scale, tensors, method)
        return fn(args[0], *args[2:], **{scale: args[1]}, **kwargs)

    return wrapper


def _warn_scale_first(name: str, scale: str, tensors: tuple[str, ...], method: bool) -> None:
    # PyTorch's argument parser warns once per process, for the first of these overloads used
    named = ", ".join(f"Tensor {t}" for t in tensors)
    first, out = ("", "") if method else ("Tensor input, ", ", Tensor out = None")
    warn_once(
        "scale-first overload",
        f"This overload of {name} is deprecated:\n\t{name}({first}Number {scale}, {named}"
        f"{', *' + out if out else ''})\nConsider using one of the following signatures "
        f"instead:\n\t{name}({first}{named}, *, Number {scale} = 1{out})",
        stacklevel=3,
    )


def with_out(name: str, fn):
    """``fn`` taking ``out=`` as PyTorch's ``name`` does (when ``name`` is in ``OUT_NAMES``)."""
    if name not in OUT_NAMES:
        return fn
    try:
        if "out" in inspect.signature(fn).parameters:
            return fn
    except (TypeError, ValueError):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if is_grad_enabled() and _any_requires_grad(args, kwargs):
            raise RuntimeError(
                f"{name}(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad."
            )
        with no_grad():
            result = fn(*args, **kwargs)
        if isinstance(result, tuple):
            for r, o in zip(result, out, strict=True):
                write_out(r, o)
            return type(result)(*out) if isinstance(result, ReturnType) else tuple(out)
        return write_out(result, out)

    return wrapper


def _any_requires_grad(args, kwargs) -> bool:
    values = [*args, *kwargs.values()]
    for v in list(values):
        if isinstance(v, (list, tuple)):
            values.extend(v)
    return any(isinstance(v, Tensor) and v.requires_grad for v in values)


def _can_cast(src: np.dtype, dst: np.dtype) -> bool:
    """PyTorch's canCast: no float to integer, no complex to real, nothing else to bool."""
    order = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    return order[src.kind] <= order[dst.kind] and not (dst.kind == "b" and src.kind != "b")


def write_out(result: Tensor, out: Tensor) -> Tensor:
    """Copy ``result`` into ``out`` (resizing it as PyTorch does) and return ``out``.

    >>> import graphgrad as torch
    >>> out = torch.empty(0)
    >>> write_out(torch.ones(2), out)
    tensor([1., 1.])
    """
    src, dst = result._data, out._data
    if not _can_cast(src.dtype, dst.dtype):
        raise RuntimeError(
            f"result type {from_numpy_dtype(src.dtype).legacy} can't be cast to the desired "
            f"output type {out.dtype.legacy}"
        )
    if dst.shape == src.shape:
        with no_grad():  # (an in-place write a compiled call records and replays)
            copy_(out, result)
        return out
    else:
        if dst.size:
            warnings.warn(
                "An output with one or more elements was resized since it had shape "
                f"{list(dst.shape)}, which does not match the required output shape "
                f"{list(src.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).",
                UserWarning,
                stacklevel=3,
            )
        resized(out, src.astype(dst.dtype, copy=True))
    out._version_counter.bump()
    return out


def public(name: str, fn):
    """The form of op ``fn`` exported as ``torch.<name>``: NumPy's names and ``out=``."""
    if not callable(fn) or isinstance(fn, type):
        return fn
    return scale_first(name, with_out(name, numpy_names(fn)))


def exports(module) -> dict:
    """``module.__all__`` by name, each in its public form; those taking a tensor ``input``
    first raise PyTorch's TypeError for anything else (``torch.exp(1.0)``)."""
    return {name: public(name, fn) for name, fn in checked_exports(module).items()}
