"""The singular value and QR decompositions (``svd``, ``qr``) and ``pinverse``, batched over
leading dimensions.

``svd``, ``qr`` and ``pinv`` are primitives with the standard gradient formulas of the reduced
decompositions (as PyTorch's ``svd_backward`` and ``linalg_qr_backward``); their rules
recompute the factors from the input, so on the tensor path they record graph and
differentiate again. ``pinv`` is ``V diag(1/s) U^T`` over the singular values above
``max(atol, rtol * max(s))``; its rule is the pseudo-inverse's derivative at constant rank
(the formula PyTorch uses), written with its result. Values come from NumPy's LAPACK
(the routines PyTorch calls), so the factors' signs agree with PyTorch's in practice; like
PyTorch's, they are defined only up to sign.

>>> import graphgrad as torch
>>> torch.svd(torch.tensor([[3.0, 0.0], [0.0, -2.0]])).S
tensor([3., 2.])
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..tensor import Tensor
from .array_step import constant
from .linalg.inverse import LinAlgError
from .primitive import Primitive, apply
from .return_types import return_type
from .shape.join import cat

svd_type = return_type("svd", ("U", "S", "V"))
qr_type = return_type("qr", ("Q", "R"))


def _float_matrix(name: str, A: Tensor) -> None:  # noqa: N803
    if A.ndim < 2 and name == "svd":
        raise RuntimeError(
            f"linalg.svd: input should have at least 2 dimensions, but has {A.ndim} dimensions "
            "instead"
        )
    if A.ndim < 2 or (name == "pinv" and not A.dtype.is_floating_point):
        if name == "pinv":
            raise RuntimeError(
                f"linalg.pinv({A.dtype.legacy}{{[{', '.join(map(str, A.shape))}]}}): expected a "
                "tensor with 2 or more dimensions of float, double, cfloat or cdouble types"
            )
        raise RuntimeError(f"linalg.{name}: The input tensor A must have at least 2 dimensions.")
    if not A.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
            + A.dtype.legacy
        )


def _lapack_svd(a: np.ndarray, full_matrices: bool = False) -> tuple:
    """``np.linalg.svd`` with PyTorch's answers for non-finite matrices, where LAPACK's own
    differ: its ``gesdd`` never returns on a matrix holding ``inf`` (so NumPy hangs), and
    raises NumPy's error on ``NaN``. PyTorch raises its ``LinAlgError`` on ``NaN``; on ``inf``
    it returns NaN singular values (its vectors are whatever its kernel left; here NaN).

    >>> s = _lapack_svd(np.array([[np.inf, 0.0], [0.0, 1.0]]))[1]
    >>> s
    array([nan, nan])
    """
    finite = np.isfinite(a).all((-2, -1))
    if finite.all():
        return np.linalg.svd(a, full_matrices=full_matrices)
    has_nan = np.isnan(a).any((-2, -1)).reshape(-1)
    if has_nan.any():
        where = f"(Batch element {int(np.argmax(has_nan))}): " if a.ndim > 2 else ""
        raise LinAlgError(
            f"linalg.svd: {where}The algorithm failed to converge because the input matrix "
            "contained non-finite values."
        )
    u, s, vh = np.linalg.svd(np.where(finite[..., None, None], a, 0), full_matrices=full_matrices)
    return (
        np.where(finite[..., None, None], u, np.nan),
        np.where(finite[..., None], s, np.nan),
        np.where(finite[..., None, None], vh, np.nan),
    )


def _svd_forward(a: np.ndarray) -> tuple:
    u, s, vh = _lapack_svd(a)
    return u.astype(a.dtype), s.astype(a.dtype), vh.astype(a.dtype)


def _svd_rule(grads, self, xp):
    """The gradient of the reduced SVD ``A = U diag(S) Vh`` from those of ``U``, ``S``,
    ``Vh`` (a missing one is zero); with ``F_ij = 1 / (s_j^2 - s_i^2)`` off the diagonal:
    ``U [diag(gS) + (F o (U^T gU - gU^T U)) S + S (F o (V^T gV - gV^T V))] Vh`` plus, for
    non-square ``A``, the parts of ``gU`` and ``gV`` outside the factors' column spaces."""
    g_u, g_s, g_vh = (list(grads) + [None] * 3)[:3]
    u, s, vh = xp.linalg_svd(self)
    v = xp.mT(vh)
    k, m, n = s.shape[-1], u.shape[-2], v.shape[-2]
    s_row, s_col = xp.unsqueeze(s, -2), xp.unsqueeze(s, -1)
    eye = xp.eye(k, s)
    f = (1 - eye) / (s_row * s_row - s_col * s_col + eye)
    inner = xp.zeros(tuple(self.shape[:-2]) + (k, k), s)
    if g_s is not None:
        inner = inner + xp.unsqueeze(g_s, -1) * eye
    if g_u is not None:
        ut_gu = xp.matmul(xp.mT(u), g_u)
        inner = inner + f * (ut_gu - xp.mT(ut_gu)) * s_row
    g_v = None if g_vh is None else xp.mT(g_vh)
    if g_v is not None:
        vt_gv = xp.matmul(xp.mT(v), g_v)
        inner = inner + s_col * (f * (vt_gv - xp.mT(vt_gv)))
    grad = xp.matmul(xp.matmul(u, inner), vh)
    if g_u is not None and m > k:
        outside = g_u - xp.matmul(u, xp.matmul(xp.mT(u), g_u))
        grad = grad + xp.matmul(outside / s_row, vh)
    if g_v is not None and n > k:
        outside = g_v - xp.matmul(v, xp.matmul(xp.mT(v), g_v))
        grad = grad + xp.matmul(u, xp.mT(outside) / s_col)
    return grad


_svd = Primitive(
    "linalg_svd", "LinalgSvdBackward0", _svd_forward, self=_svd_rule, n_outputs=3
)  # fmt: skip


def svd(input: Tensor, some: bool = True, compute_uv: bool = True):
    """The singular value decomposition ``input = U diag(S) V^T``, with ``S`` descending.

    Args:
        input: ``(*, m, n)`` floating tensor.
        some: the reduced factors (``k = min(m, n)`` columns); False gives square ``U`` and
            ``V`` (whose extra columns get no gradient).
        compute_uv: False returns ``U`` and ``V`` as zeros, as PyTorch does.

    >>> U, S, V = torch.svd(torch.tensor([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    >>> S, U.shape, V.shape
    (tensor([2., 1.]), torch.Size([3, 2]), torch.Size([2, 2]))
    """
    _float_matrix("svd", input)
    u, s, vh = apply(_svd, input)
    m, n = input.shape[-2:]
    if not compute_uv:
        zeros = Tensor._make(constant(np.zeros((*input.shape[:-2], m, m), input._data.dtype)))
        return svd_type(
            zeros, s, Tensor._make(constant(np.zeros((*input.shape[:-2], n, n), zeros._data.dtype)))
        )
    if not some and m != n:
        full_u, _, full_vh = _lapack_svd(input._data, full_matrices=True)
        k = min(m, n)
        u = cat([u, Tensor._make(full_u[..., :, k:].astype(input._data.dtype))], -1)
        vh = cat([vh, Tensor._make(full_vh[..., k:, :].astype(input._data.dtype))], -2)
    return svd_type(u, s, vh.mT)


def _pinv_forward(a: np.ndarray, atol, rtol, hermitian: bool) -> np.ndarray:
    """``V diag(1/s) U^T`` over the singular values above ``max(atol, rtol * s_max)`` (from
    ``eigh`` for a symmetric ``a``: the eigenvalues' magnitudes, with their signs)."""
    m, n = a.shape[-2:]
    if a.size == 0:
        return np.zeros((*a.shape[:-2], n, m), a.dtype)
    if hermitian:
        values, u = np.linalg.eigh(a)
        s, vt = np.abs(values), np.swapaxes(u * np.sign(values)[..., None, :], -1, -2)
    else:
        u, s, vt = _lapack_svd(a)
    largest = s.max(-1, keepdims=True) if hermitian else s[..., :1]
    cutoff = np.maximum(np.asarray(atol)[..., None], np.asarray(rtol)[..., None] * largest)
    keep = s > cutoff
    s_inv = np.where(keep, 1 / np.where(keep, s, 1), 0)
    out = np.swapaxes(vt, -1, -2) * s_inv[..., None, :] @ np.swapaxes(u, -1, -2)
    return out.astype(a.dtype, copy=False)


def _pinv_rule(grad, self, result, xp):
    """The derivative of the pseudo-inverse ``P`` at constant rank (Golub and Pereyra):
    ``-P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)``."""
    p_t, g_t = xp.mT(result), xp.mT(grad)
    g_pp = xp.matmul(g_t, xp.matmul(result, p_t))
    pp_g = xp.matmul(xp.matmul(p_t, result), g_t)
    return (
        -xp.matmul(xp.matmul(p_t, grad), p_t)
        + (g_pp - xp.matmul(xp.matmul(self, result), g_pp))
        + (pp_g - xp.matmul(pp_g, xp.matmul(result, self)))
    )


def _pinv_tangent(t: Tensor, s: dict) -> Tensor:
    """``dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P``."""
    a, p = s["self"], s["result"]
    p_pt, pt_p, t_t = p @ p.mT, p.mT @ p, t.mT
    return -(p @ t @ p) + (p_pt @ t_t - p_pt @ t_t @ a @ p) + (t_t @ pt_p - p @ a @ t_t @ pt_p)


_pinv = Primitive(
    "linalg_pinv",
    "LinalgPinvBackward0",
    _pinv_forward,
    self=_pinv_rule,
    jvp=(_pinv_tangent,),
)


def pinv(input: Tensor, atol=None, rtol=None, hermitian: bool = False) -> Tensor:
    """The Moore-Penrose pseudo-inverse (``torch.linalg.pinv``'s primitive): singular values
    at most ``max(atol, rtol * S_max)`` count as zero.

    Args:
        input: ``(*, m, n)`` floating tensor.
        atol: the absolute cutoff (default 0), a number or a tensor of one per matrix.
        rtol: the relative cutoff (default ``eps * max(m, n)`` if ``atol`` is not given,
            else 0), a number or a tensor of one per matrix.
        hermitian: ``input`` is symmetric: only its lower triangle is read, and the
            eigendecomposition stands in for the SVD.

    >>> torch.linalg.pinv(torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
    tensor([[1.0000, 0.0000, 0.0000],
            [0.0000, 0.5000, 0.0000]])
    """
    _float_matrix("pinv", input)
    if rtol is None:
        rtol = np.finfo(input._data.dtype).eps * max(input.shape[-2:]) if atol is None else 0.0
    atol = 0.0 if atol is None else atol
    atol, rtol = (v._data if isinstance(v, Tensor) else v for v in (atol, rtol))
    return apply(_pinv, input, atol=atol, rtol=rtol, hermitian=bool(hermitian))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """The Moore-Penrose pseudo-inverse: singular values at most ``rcond`` times the
    largest are taken as zero (``pinv`` with ``rtol=rcond``).

    Args:
        input: ``(*, m, n)`` floating tensor.
        rcond: the relative cutoff of small singular values.

    >>> torch.pinverse(torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
    tensor([[1.0000, 0.0000, 0.0000],
            [0.0000, 0.5000, 0.0000]])
    """
    return pinv(input, rtol=rcond)


def _qr_forward(a: np.ndarray, mode: Literal["reduced", "complete"]) -> tuple:
    q, r = np.linalg.qr(a, mode=mode)
    return q.astype(a.dtype), r.astype(a.dtype)


def _copyltu(m, xp):
    """The symmetric matrix with ``m``'s lower triangle (and diagonal)."""
    lower = xp.tril(m, diagonal=-1)
    return lower + xp.mT(lower) + m * xp.eye(m.shape[-1], m)


def _qr_square_rule(g_q, g_r, q, r, xp):
    """``A = QR`` with ``m >= n``: ``(gQ + Q copyltu(M)) R^-T`` with ``M = R gR^T - gQ^T Q``."""
    m = xp.matmul(r, xp.mT(g_r)) - xp.matmul(xp.mT(g_q), q)
    return xp.matmul(g_q + xp.matmul(q, _copyltu(m, xp)), xp.mT(xp.inv(r)))


def _qr_rule(grads, self, mode, xp):
    g_q, g_r = (list(grads) + [None] * 2)[:2]
    q, r = xp.linalg_qr(self, mode=mode)
    g_q = xp.zeros(tuple(q.shape), q) if g_q is None else g_q
    g_r = xp.zeros(tuple(r.shape), r) if g_r is None else g_r
    rows, cols = self.shape[-2:]
    if rows >= cols:
        if mode == "complete" and rows > cols:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        return _qr_square_rule(g_q, g_r, q, r, xp)
    # wide: A = [X | Y] with X square, R = [Q^T X | Q^T Y]
    y = self[..., :, rows:]
    g_qx = g_q + xp.matmul(y, xp.mT(g_r[..., :, rows:]))
    g_x = _qr_square_rule(g_qx, g_r[..., :, :rows], q, r[..., :, :rows], xp)
    return xp.cat([g_x, xp.matmul(q, g_r[..., :, rows:])], -1)


_qr = Primitive("linalg_qr", "LinalgQrBackward0", _qr_forward, self=_qr_rule, n_outputs=2)


def qr(input: Tensor, some: bool = True):
    """The QR decomposition ``input = Q R``: ``Q`` with orthonormal columns, ``R`` upper
    triangular.

    Args:
        input: ``(*, m, n)`` floating tensor.
        some: the reduced factors (``k = min(m, n)``); False gives a square ``Q``.

    >>> A = torch.tensor([[3.0, 1.0], [4.0, 2.0]])
    >>> Q, R = torch.qr(A)
    >>> torch.allclose(Q @ R, A), R.abs()  # (the signs are LAPACK's choice)
    (True, tensor([[5.0000, 2.2000],
            [0.0000, 0.4000]]))
    """
    _float_matrix("qr", input)
    return qr_type(*apply(_qr, input, mode="reduced" if some else "complete"))


__all__ = ["svd", "pinverse", "qr"]
METHODS = {name: globals()[name] for name in __all__}
