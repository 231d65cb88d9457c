"""More of PyTorch's random functions, same draws: multinomial and the in-place fills
``random_``, ``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_``.

What PyTorch's CPU kernels do, measured against torch 2.13 (one element at a time, in the order
the tensor's memory is walked): each value takes one float64 uniform ``u`` (a ``random64()``,
53 bits) and transforms it in double, then rounds to the tensor's dtype:

* ``exponential_(lambd)``: ``-1/lambd * log1p(-u)``;
* ``geometric_(p)``: ``ceil(log(u) / log1p(-p))``;
* ``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``;
* ``log_normal_(mean, std)``: ``exp`` of the scalar Box-Muller normal (``normal_``'s scalar path);
* ``random_()``: a word modulo the dtype's range (``2**24 + 1`` for float32, ``2**53 + 1``
  for float64, the largest value + 1 for integers); ``random_(from, to)`` as ``randint``.

``multinomial`` with replacement normalises each row's running sum (in the row's dtype) and
finds each float64 uniform's slot by binary search; without replacement (or for one sample) it
takes the top ``num_samples`` of ``p / q`` with ``q`` from ``exponential_``, as PyTorch does.
The transcendental steps are the C library's, as PyTorch's (``_c_math``: NumPy's own float64
loops differ in the last bit on AVX-512 machines).

>>> import graphgrad as torch
>>> _ = torch.manual_seed(0)
>>> torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 4, replacement=True)
tensor([2, 2, 2, 2])
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes as _dtypes
from ..ops.array_step import array_step
from ..tensor import Tensor
from ._c_math import c_library
from .draws import _check_int_bounds, _finish, _gen, _iteration_view

__all__ = ["multinomial"]

_FULL_RANGE = {"float16": (1 << 11) + 1, "float32": (1 << 24) + 1, "float64": (1 << 53) + 1}


def _uniform64(generator, n: int) -> np.ndarray:
    """``n`` float64 uniforms in [0, 1) from ``random64()`` words, as the scalar kernels draw."""
    return _gen(generator).uniform_array((n,), 0.0, 1.0, np.float64)


def _fill(tensor: Tensor, values_of, generator) -> Tensor:
    """Write ``values_of(u)`` (float64) into ``tensor`` in its memory order."""
    view = _iteration_view(tensor._data)
    values = values_of(_uniform64(generator, view.size))
    np.copyto(view, values.reshape(view.shape).astype(view.dtype))
    return tensor


def _check_float(tensor: Tensor, name: str) -> None:
    if tensor._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{name}\" not implemented for '{tensor.dtype.legacy}'")


def exponential_(tensor: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``tensor`` with Exp(``lambd``) samples (rate ``lambd``) in place.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.empty(3).exponential_()
    tensor([3.5083, 1.2304, 0.6150])
    """
    if not (np.isfinite(lambd) and lambd > 0):
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    _check_float(tensor, "exponential_cpu")
    with np.errstate(all="ignore"):
        return _fill(tensor, lambda u: -1.0 / lambd * c_library(np.log1p, -u), generator)


def geometric_(tensor: Tensor, p: float, *, generator=None) -> Tensor:
    """Fill ``tensor`` with Geometric(``p``) samples (trials to the first success) in place.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.empty(4).geometric_(0.5)
    tensor([1., 1., 2., 1.])
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    with np.errstate(all="ignore"):
        return _fill(tensor, lambda u: np.ceil(c_library(np.log, u) / math.log1p(-p)), generator)


def cauchy_(tensor: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator=None) -> Tensor:
    """Fill ``tensor`` with Cauchy(``median``, ``sigma``) samples in place.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.empty(3).cauchy_()
    tensor([10.5977,  0.7648, -0.1283])
    """
    _check_float(tensor, "cauchy_cpu")
    return _fill(tensor, lambda u: median + sigma * c_library(np.tan, np.pi * (u - 0.5)), generator)


def log_normal_(tensor: Tensor, mean: float = 1.0, std: float = 2.0, *, generator=None) -> Tensor:
    """Fill ``tensor`` with values whose log is N(``mean``, ``std**2``), in place.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.empty(3).log_normal_()
    tensor([5.9263e+01, 1.5116e+00, 3.4819e-02])
    """
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    _check_float(tensor, "log_normal_cpu")
    view = _iteration_view(tensor._data)
    normals = _gen(generator).normal_scalar_array(view.size, float(mean), float(std), np.float64)
    with np.errstate(over="ignore"):
        np.copyto(view, c_library(np.exp, normals).reshape(view.shape).astype(view.dtype))
    return tensor


def random_(tensor: Tensor, from_=None, to=None, *, generator=None) -> Tensor:
    """Fill ``tensor`` with integers: ``[0, to)``, ``[from, to)``, or the dtype's whole range.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.empty(3, dtype=torch.int64).random_(10)
    tensor([4, 9, 3])
    """
    if from_ is not None and to is None:
        from_, to = 0, from_
    view = _iteration_view(tensor._data)
    g = _gen(generator)
    if to is not None:
        _check_int_bounds(int(from_), int(to), tensor.dtype)
        values = g.randint_array(int(from_), int(to), (view.size,), np.int64)
    else:
        values = _full_range(g, view.size, tensor.dtype)
    np.copyto(view, values.reshape(view.shape).astype(view.dtype))
    return tensor


def _full_range(g, n: int, dt: _dtypes.dtype) -> np.ndarray:
    """``random_()``: a word modulo the dtype's span (64-bit words for int64 and float64)."""
    name = dt.name
    wide = name in ("int64", "float64")
    words = g.random_uint64(n) if wide else g.random_uint32(n).astype(np.uint64)
    if name == "bool":
        return (words & np.uint64(1)).astype(bool)
    span = _FULL_RANGE.get(name)
    if span is None:
        span = int(np.iinfo(dt.np).max) + 1
    return (words % np.uint64(span)).astype(np.int64)


# -- multinomial ----------------------------------------------------------------------------------
@array_step
def _check_multinomial(p: np.ndarray, n: int, replacement: bool) -> None:
    if p.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: "
            f"{_dtypes.from_numpy_dtype(p.dtype).legacy}"
        )
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > p.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if replacement and n > 1:  # the sampling kernel's own messages
        if (p < 0).any():
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
        if not np.isfinite(p).all():
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry = infinity "
                "or NaN)"
            )
    elif not (np.isfinite(p).all() and (p >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (p.sum(-1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def _with_replacement(p2: np.ndarray, n: int, generator) -> np.ndarray:
    """Per row: the running sum over its total (last slot 1), then a binary search per draw."""
    g, out = _gen(generator), np.empty((p2.shape[0], n), np.int64)
    for i, row in enumerate(p2):
        cum = np.cumsum(row)  # sequential, in the row's dtype, as the kernel adds
        cum /= cum[-1]
        cum[-1] = 1
        out[i] = np.searchsorted(cum, g.uniform_array((n,), 0.0, 1.0, np.float64), side="left")
    return out


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out: Tensor | None = None) -> Tensor:  # fmt: skip
    """Indices drawn from the categorical distributions in the rows of ``input``.

    ``input`` holds non-negative weights (1-D, or 2-D with one distribution a row); each row
    gets ``num_samples`` indices, drawn ``replacement=True`` independently, else distinct.

    Args:
        input: the weights.
        num_samples: how many indices per row.
        replacement: draw with replacement.
        generator: the random generator (the default one when ``None``).
        out: a tensor to write the indices into.

    >>> import graphgrad as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.multinomial(torch.tensor([[0.0, 1.0, 3.0], [2.0, 0.0, 2.0]]), 2)
    tensor([[2, 1],
            [2, 0]])
    """
    p, n = input._data, int(num_samples)
    _check_multinomial(p, n, replacement)
    return _finish(_multinomial_indices(p, n, replacement, generator), False, out)


@array_step
def _multinomial_indices(p: np.ndarray, n: int, replacement: bool, generator) -> np.ndarray:
    """The draws and the indices they pick, one step of a compiled call (which draws again
    at each replay): with replacement, a binary search per draw; without, the ``n`` largest
    ``p / q`` with ``q`` exponential draws."""
    from ..ops.sort import topk

    if replacement and n > 1:
        idx = _with_replacement(p.reshape(-1, p.shape[-1]), n, generator)
        return idx.reshape(p.shape[:-1] + (n,))
    q = exponential_(Tensor._make(np.empty_like(p)), generator=generator)._data
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = p / q
    if n == 1:
        return np.expand_dims(np.argmax(ratio, -1), -1).astype(np.int64)
    return topk(Tensor._make(ratio), n).indices._data


def tensor_methods() -> dict:
    """The in-place fills as ``Tensor`` methods, with the checks of PyTorch's in-place ops."""
    from ..ops.inplace import check_inplace

    def in_place(fill):
        def method(self: Tensor, *args, **kwargs) -> Tensor:
            check_inplace(self)
            fill(self, *args, **kwargs)
            self._version_counter.bump()
            return self

        method.__name__ = fill.__name__
        method.__doc__ = fill.__doc__
        return method

    fills = (exponential_, geometric_, cauchy_, log_normal_, random_)
    methods = {fill.__name__: in_place(fill) for fill in fills}
    methods["multinomial"] = multinomial
    return methods
