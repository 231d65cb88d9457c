"""Statistics and norms: var, std, var_mean, std_mean, norm, vector_norm, matrix_norm.

``var`` / ``std`` are unbiased by default (``correction=1``). Norms are PyTorch's
``linalg.vector_norm`` (LinalgVectorNormBackward0) underneath; their gradient is 0 at the zero
vector, as in PyTorch.

>>> import graphgrad as torch
>>> torch.tensor([1.0, 2.0, 3.0, 4.0]).std()
tensor(1.2910)
>>> torch.tensor([3.0, 4.0], requires_grad=True).norm()
tensor(5., grad_fn=<LinalgVectorNormBackward0>)
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Callable

import numpy as np

from ...dtypes import _FLOAT
from ...tensor import Tensor
from ..decompositions import _svd
from ..elementwise import where
from ..primitive import Primitive, apply
from ..unary import sign
from .core import normalize_dims, reduced_count, restore_dims, shown_dim
from .select import amax, amin

_UNSET = object()  # tells ``var()`` apart from ``var(None)``: only the former shows correction=None


# -- var, std, var_mean, std_mean --------------------------------------------------------------
def _var_array(a, axes, correction_value, keepdim, std: bool = False, **_):
    # (np.errstate, not warnings.catch_warnings: changing the warning filters makes Python
    # forget which warnings it has shown, so the user's "once per line" warnings came again)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = reduced_count(a.shape, axes)
        mean = np.mean(a, axis=axes, keepdims=True) if n else np.zeros((1,) * a.ndim, a.dtype)
        sq = np.sum(np.abs(a - mean) ** 2, axis=axes, keepdims=keepdim)
        out = sq / builtins.max(0, n - correction_value)
    out = np.asarray(out, a.dtype)
    return np.sqrt(out) if std else out


def _var_grad(grad, self, axes, correction_value, keepdim, xp):
    """d var / dx = 2 (x - mean) / (N - correction), with grad restored to x's rank."""
    n = reduced_count(self.shape, axes) - correction_value
    factor = 2.0 / n if n != 0 else math.inf
    grad = restore_dims(grad, self.ndim, axes, keepdim, xp)
    return factor * grad * (self - xp.mean(self, axes, keepdim=True))


def _std_grad(grad, result, self, axes, correction_value, keepdim, xp):
    r = restore_dims(result, self.ndim, axes, keepdim, xp)
    grad = restore_dims(grad, self.ndim, axes, keepdim, xp)
    grad = xp.where(r == 0, 0.0, grad / (2 * r))
    return _var_grad(grad, self, axes, correction_value, True, xp)


def _mean_grad(grad, self, axes, keepdim, xp):
    grad = restore_dims(grad, self.ndim, axes, keepdim, xp)
    return xp.expand(grad, self.shape) / reduced_count(self.shape, axes)


def _var_mean_rule(grads, self, axes, correction_value, keepdim, xp):
    var = _var_grad(grads[0], self, axes, correction_value, keepdim, xp)
    return var + _mean_grad(grads[1], self, axes, keepdim, xp)


def _std_mean_rule(grads, result, self, axes, correction_value, keepdim, xp):
    std = _std_grad(grads[0], result, self, axes, correction_value, keepdim, xp)
    return std + _mean_grad(grads[1], self, axes, keepdim, xp)


def _var_jvp(t: Tensor, x: Tensor, s: dict) -> Tensor:
    """d var = 2 sum((x - mean) * t) / (N - correction) over the reduced dims."""
    axes = s["axes"]
    n = reduced_count(x.shape, axes) - s["correction_value"]
    factor = 2.0 / n if n != 0 else math.inf
    return factor * ((x - x.mean(axes, keepdim=True)) * t).sum(axes, keepdim=s["keepdim"])


def _std_jvp(t: Tensor, result: Tensor, x: Tensor, s: dict) -> Tensor:
    """d std = d var / (2 std); 0 where std is 0, as the backward rule gives."""
    zero = result == 0
    return where(zero, 0.0, _var_jvp(t, x, s) / (2 * where(zero, 1.0, result)))


def _mean_jvp(t: Tensor, s: dict) -> Tensor:
    return t.mean(s["axes"], keepdim=s["keepdim"])


_STAT_ATTRS = ("correction", "dim", "keepdim")
_var = Primitive(
    "var",
    "VarBackward0",
    _var_array,
    self=_var_grad,
    attrs=(*_STAT_ATTRS, "self"),
    jvp=(lambda t, s: _var_jvp(t, s["self"], s),),
)
_std = Primitive(
    "std",
    "StdBackward0",
    lambda a, **kw: _var_array(a, std=True, **kw),
    self=_std_grad,
    attrs=(*_STAT_ATTRS, "result", "self"),
    jvp=(lambda t, s: _std_jvp(t, s["result"], s["self"], s),),
)
_var_mean = Primitive(
    "var_mean",
    "VarMeanBackward0",
    lambda a, **kw: (_var_array(a, **kw), np.mean(a, axis=kw["axes"], keepdims=kw["keepdim"])),
    self=_var_mean_rule,
    attrs=(*_STAT_ATTRS, "self"),
    n_outputs=2,
    jvp=lambda ts, s: (_var_jvp(ts[0], s["self"], s), _mean_jvp(ts[0], s)),
)
_std_mean = Primitive(
    "std_mean",
    "StdMeanBackward0",
    lambda a, **kw: (
        _var_array(a, std=True, **kw),
        np.mean(a, axis=kw["axes"], keepdims=kw["keepdim"]),
    ),
    self=_std_mean_rule,
    attrs=(*_STAT_ATTRS, "result0", "self"),
    n_outputs=2,
    display={"result0": lambda node: node.prim.saved_attr(node, "result")},
    jvp=lambda ts, s: (_std_jvp(ts[0], s["result"], s["self"], s), _mean_jvp(ts[0], s)),
)


def _stat(prim: Primitive, name: str, input: Tensor, dim, unbiased, keepdim: bool, correction):
    if input.dtype.category < _FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # the legacy var(unbiased) overload
        dim, unbiased = None, dim
    shown = None
    if not (dim is _UNSET and unbiased is None and correction is None):
        shown = correction if correction is not None else int(unbiased is not False)
    dim = None if dim is _UNSET else dim
    value = shown if shown is not None else 1
    axes = normalize_dims(dim, input.ndim)
    if reduced_count(input._data.shape, axes) - value <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return apply(
        prim,
        input,
        axes=axes,
        keepdim=keepdim,
        correction=shown,
        correction_value=value,
        dim=shown_dim(dim, as_tuple=True),
    )


def var(input: Tensor, dim=_UNSET, unbiased=None, keepdim: bool = False, *, correction=None):
    """The variance of ``input`` over ``dim``.

    Args:
        input: the tensor.
        dim: a dimension or tuple of dimensions; all of them when omitted.
        unbiased: PyTorch's older spelling of ``correction`` (True is 1, False is 0).
        keepdim: keep the reduced dimensions, with size 1.
        correction: subtract this from the count in the denominator (1, Bessel's, by default).

    >>> torch.var(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    tensor(1.6667)
    """
    return _stat(_var, "var", input, dim, unbiased, keepdim, correction)


def std(input: Tensor, dim=_UNSET, unbiased=None, keepdim: bool = False, *, correction=None):
    """The standard deviation of ``input`` over ``dim``.

    Args:
        input, dim, unbiased, keepdim, correction: as in ``var``.

    >>> torch.std(torch.tensor([1.0, 2.0, 3.0, 4.0]), correction=0)
    tensor(1.1180)
    """
    return _stat(_std, "std", input, dim, unbiased, keepdim, correction)


def var_mean(
    input: Tensor, dim=_UNSET, unbiased=None, keepdim: bool = False, *, correction=None
) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` computed together (one node).

    Args:
        input, dim, unbiased, keepdim, correction: as in ``var``.

    >>> torch.var_mean(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    (tensor(1.6667), tensor(2.5000))
    """
    return _stat(_var_mean, "var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(
    input: Tensor, dim=_UNSET, unbiased=None, keepdim: bool = False, *, correction=None
) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` computed together (one node).

    Args:
        input, dim, unbiased, keepdim, correction: as in ``var``.

    >>> torch.std_mean(torch.tensor([[1.0, 3.0]]), dim=1)
    (tensor([1.4142]), tensor([2.]))
    """
    return _stat(_std_mean, "std_mean", input, dim, unbiased, keepdim, correction)


# -- vector norms -------------------------------------------------------------------------------
def _vector_norm_array(a, p, axes, keepdim, **_):
    ab = np.abs(a)
    kw = {"axis": axes, "keepdims": keepdim}
    if p == 2:
        return np.sqrt(np.sum(ab * ab, **kw))
    if p == 1:
        return np.sum(ab, **kw)
    if p == math.inf:
        return np.max(ab, **kw) if ab.size else np.zeros(np.sum(ab, **kw).shape, a.dtype)
    if p == -math.inf:
        return np.min(ab, **kw)
    if p == 0:
        return np.sum(ab != 0, **kw).astype(a.dtype)
    with np.errstate(divide="ignore"):
        return np.asarray(np.sum(ab**p, **kw) ** (1.0 / p), a.dtype)


def _norm_rule(grad, self, result, p, axes, keepdim, xp):
    """PyTorch's norm_backward for each order; 0 where the norm is 0."""
    x = self
    g = restore_dims(grad, x.ndim, axes, keepdim, xp)
    r = restore_dims(result, x.ndim, axes, keepdim, xp)
    if p == 0:
        return g * 0.0 * x
    if p == 1:
        return xp.sign(x) * g
    safe_r = xp.where(r == 0, 1.0, r)
    if p == 2:
        return g * xp.where(r == 0, 0.0, x / safe_r)
    if math.isinf(p):
        mask = xp.abs(x) == r
        return xp.sign(x) * xp.where(mask, g / xp.sum(mask, axes, keepdim=True), 0.0)
    if p < 1:
        safe_abs = xp.where(x == 0, 1.0, xp.abs(x))
        scale = xp.where(x == 0, 0.0, xp.pow(safe_abs, exponent=p - 1))
        return xp.sign(x) * scale * g * xp.pow(r, exponent=1 - p)
    if p < 2:
        inner = xp.sign(x) * xp.pow(xp.abs(x), exponent=p - 1)
    else:
        inner = x * xp.pow(xp.abs(x), exponent=p - 2)
    return xp.where(r == 0, 0.0, inner * g / xp.pow(safe_r, exponent=p - 1))


def _norm_jvp(t: Tensor, s: dict) -> Tensor:
    """PyTorch's norm_jvp for each order; 0 where the norm is 0 (for p >= 1)."""
    x, p, axes, keepdim, r = s["self"], s["p"], s["axes"], s["keepdim"], s["result"]

    def total(v: Tensor) -> Tensor:
        return v.sum(axes, keepdim=keepdim)

    if p == 0:
        return total(t) * 0.0
    if p == 1:
        return total(sign(x) * t)
    safe_r = where(r == 0, 1.0, r)
    if p == 2:
        return where(r == 0, 0.0, total(x * t) / safe_r)
    if math.isinf(p):  # the mean of sign(x) * t over the entries where |x| is the norm
        mask = x.abs() == restore_dims(r, x.ndim, axes, keepdim)
        return total(where(mask, sign(x) * t, 0.0)) / total(mask)
    if p < 1:
        safe_abs = where(x == 0, 1.0, x.abs())
        return total(sign(x) * where(x == 0, 0.0, safe_abs ** (p - 1)) * t) * r ** (1 - p)
    if p < 2:
        summed = total(sign(x) * x.abs() ** (p - 1) * t)
    else:
        summed = total(x * x.abs() ** (p - 2) * t)
    return where(r == 0, 0.0, summed / safe_r ** (p - 1))


_vector_norm = Primitive(
    "vector_norm",
    "LinalgVectorNormBackward0",
    _vector_norm_array,
    self=_norm_rule,
    attrs=("dim", "keepdim", "ord", "result", "self"),
    jvp=(_norm_jvp,),
)


def _dist_rule(grad, self, other, result, p, xp):
    """The norm's rule at ``self - other`` (the engine sums it back to each input's shape)."""
    difference = self - other
    return _norm_rule(grad, difference, result, p, tuple(range(difference.ndim)), False, xp)


def _dist_tangent(sign: float):
    """The norm's JVP at ``self - other`` for one input's tangent (``-t`` for ``other``)."""

    def rule(t: Tensor, s: dict) -> Tensor:
        x = s["self"] - s["other"]
        at = {"self": x, "p": s["p"], "axes": tuple(range(x.ndim)), "keepdim": False,
              "result": s["result"]}  # fmt: skip
        return _norm_jvp(sign * t.expand(x.shape), at)

    return rule


# torch.dist: one node (DistBackward0) for the norm of the difference, as PyTorch records it
_dist = Primitive(
    "dist",
    "DistBackward0",
    lambda a, b, p, **_: _vector_norm_array(a - b, p, None, False),
    self=_dist_rule,
    other=lambda grad, self, other, result, p, xp: -_dist_rule(grad, self, other, result, p, xp),
    attrs=("other", "p", "result", "self"),
    jvp=(_dist_tangent(1.0), _dist_tangent(-1.0)),
)


def dist_norm(input: Tensor, other: Tensor, p) -> Tensor:
    """The ``p``-norm of ``input - other`` as one op (``torch.dist``, which checks the inputs)."""
    return apply(_dist, input, other, p=p)


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The ``ord``-norm of ``x`` as a vector (all elements, or over ``dim``).

    Args:
        x: the tensor.
        ord: the p of the norm; ``inf`` and ``-inf`` for the largest and smallest absolute value.
        dim: a dimension or tuple of dimensions; all of them when ``None``.
        keepdim: keep the reduced dimensions, with size 1.
        dtype: compute in this dtype.

    >>> x = torch.tensor([3.0, -4.0])
    >>> torch.linalg.vector_norm(x), torch.linalg.vector_norm(x, ord=1)
    (tensor(5.), tensor(7.))
    """
    if not x.dtype.is_floating_point and not x.dtype.is_complex:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as "
            f"input. Got {x.dtype.legacy}"
        )
    if dtype is not None:
        x = x.to(dtype)
    axes = normalize_dims(dim, x.ndim)
    if (ord < 0 or ord == math.inf) and any(x.shape[a] == 0 for a in axes):
        # the max or min of nothing (or a power of it)
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    return apply(
        _vector_norm,
        x,
        p=float(ord),
        axes=axes,
        keepdim=keepdim,
        ord=ord,
        dim=shown_dim(dim, as_tuple=True),
    )


def matrix_norm(
    A: Tensor,  # noqa: N803 - PyTorch's argument name
    ord="fro",
    dim=(-2, -1),
    keepdim: bool = False,
    *,
    dtype=None,
) -> Tensor:
    """The Frobenius (``"fro"``), nuclear (``"nuc"``), 1, -1, 2, -2, inf or -inf norm of the
    matrices over the two dimensions ``dim`` (2, -2 and ``"nuc"`` from the singular values).

    Args:
        A: a tensor with at least two dimensions.
        ord: which norm.
        dim: the two matrix dimensions.
        keepdim: keep the reduced dimensions, with size 1.
        dtype: compute in this dtype.

    >>> torch.linalg.matrix_norm(torch.tensor([[3.0, 0.0], [0.0, 4.0]]))
    tensor(5.)
    """
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    d0, d1 = (d % A.ndim for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if ord in (1, -1, math.inf, -math.inf):
        # the 1-norms of the columns (ord +-1) or rows (+-inf), then their max or min
        vec_dim, red_dim = (d0, d1) if abs(ord) == 1 else (d1, d0)
        if not keepdim and vec_dim < red_dim:
            red_dim -= 1
        norms = vector_norm(A, 1.0, (vec_dim,), keepdim, dtype=dtype)
        return (amax if ord > 0 else amin)(norms, (red_dim,), keepdim)
    if ord in ("nuc", 2, -2):
        return _singular_value_norm(A, ord, d0, d1, keepdim, dtype)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def _singular_value_norm(A: Tensor, ord, d0: int, d1: int, keepdim: bool, dtype) -> Tensor:  # noqa: N803
    """The nuclear norm (the sum of the singular values), or the largest (2) or smallest
    (-2) singular value, of the matrices in dims ``d0``, ``d1``."""
    matrices = A if dtype is None else A.to(dtype)
    values = apply(_svd, matrices.movedim((d0, d1), (-2, -1)))[1]
    out = values.sum(-1) if ord == "nuc" else (amax if ord == 2 else amin)(values, (-1,))
    for d in sorted((d0, d1)) if keepdim else ():
        out = out.unsqueeze(d)
    return out


def linalg_norm(
    A: Tensor,  # noqa: N803 - PyTorch's argument name
    ord=None,
    dim=None,
    keepdim: bool = False,
    *,
    dtype=None,
) -> Tensor:
    """A vector or a matrix norm, depending on ``ord`` and ``dim`` (``torch.linalg.norm``).

    Args:
        A: the tensor.
        ord: the norm's order (as in ``vector_norm`` or ``matrix_norm``); the 2-norm of the
            flattened tensor (or Frobenius of a matrix) when ``None``.
        dim: one dimension (a vector norm) or two (a matrix norm).
        keepdim: keep the reduced dimensions, with size 1.
        dtype: compute in this dtype.

    >>> torch.linalg.norm(torch.tensor([3.0, 4.0]))
    tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is None or len(dim) == 1:
            return vector_norm(A, 2.0, dim, keepdim, dtype=dtype)
        return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is not specified but ord is, the input must "
                f"be 1D or 2D. Got {A.ndim}D."
            )
        dim = (0,) if A.ndim == 1 else (-2, -1)
    if len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """The ``p``-norm of ``input`` over ``dim`` (all elements by default); ``"fro"`` is the
    2-norm. Prefer ``graphgrad.linalg.vector_norm`` / ``matrix_norm``.

    Args:
        input: the tensor.
        p: the order: a number, or ``"fro"``.
        dim: a dimension or tuple of dimensions.
        keepdim: keep the reduced dimensions, with size 1.
        dtype: compute in this dtype.

    >>> torch.norm(torch.tensor([[3.0, 4.0]]), p=1, dim=1)
    tensor([7.])
    """
    if p == "nuc":
        return matrix_norm(input, "nuc", dim if dim is not None else (-2, -1), keepdim)
    if p == "fro" or p is None:
        p = 2
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


__all__ = ["norm", "std", "std_mean", "var", "var_mean"]

METHODS: dict[str, Callable] = {"norm": norm, "std": std, "var": var}
