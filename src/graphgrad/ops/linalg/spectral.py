# ruff: noqa: N803, N806 - the matrices keep PyTorch's argument names (A, B)
"""``torch.linalg``'s functions of the singular values and of the QR factors: svd, svdvals,
qr, pinv, matrix_rank, cond and lstsq, on the ``linalg_svd``, ``linalg_qr`` and
``linalg_eigh`` primitives (so their gradients of every order come from those).

>>> import graphgrad as torch
>>> torch.linalg.svdvals(torch.tensor([[3.0, 0.0], [0.0, -2.0]]))
tensor([3., 2.])
>>> torch.linalg.matrix_rank(torch.ones(3, 3))
tensor(1)
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..array_step import constant, value_read
from ..decompositions import _float_matrix, _qr, _svd
from ..decompositions import pinv as _pinv
from ..decompositions import svd as svd_v
from ..primitive import apply
from ..reduce.stats import matrix_norm
from ..return_types import return_type
from .eigen import eigh
from .inverse import _square_check, inv
from .matmul import matmul
from .solve import _infos

svd_type = return_type("linalg_svd", ("U", "S", "Vh"))
qr_type = return_type("linalg_qr", ("Q", "R"))
lstsq_type = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """The singular value decomposition ``A = U diag(S) Vh``, ``S`` descending.

    Args:
        A: ``(*, m, n)`` floating tensor.
        full_matrices: square ``U`` and ``Vh`` (whose extra columns get no gradient); False
            gives the reduced ones (``k = min(m, n)``).
        driver: a cuSOLVER choice; only None on the CPU.
        out: not supported (PyTorch's output tensors).

    >>> U, S, Vh = torch.linalg.svd(torch.tensor([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    >>> S, U.shape, Vh.shape
    (tensor([2., 1.]), torch.Size([3, 3]), torch.Size([2, 2]))
    """
    _float_matrix("svd", A)
    if not full_matrices or A.shape[-1] == A.shape[-2]:
        return svd_type(*apply(_svd, A))
    U, S, V = svd_v(A, some=False)
    return svd_type(U, S, V.mT)


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """The singular values, descending.

    Args:
        A: ``(*, m, n)`` floating tensor.
        driver: a cuSOLVER choice; only None on the CPU.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.svdvals(torch.tensor([[0.0, 2.0], [1.0, 0.0]]))
    tensor([2., 1.])
    """
    _float_matrix("svd", A)
    return apply(_svd, A)[1]


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """The QR decomposition ``A = Q R``.

    Args:
        A: ``(*, m, n)`` floating tensor.
        mode: ``'reduced'`` (``k = min(m, n)`` columns of ``Q``), ``'complete'`` (square
            ``Q``) or ``'r'`` (``R`` alone, ``Q`` empty, no gradient).
        out: not supported (PyTorch's output tensors).

    >>> Q, R = torch.linalg.qr(torch.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> R.abs()
    tensor([[5.0000, 2.2000],
            [0.0000, 0.4000]])
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    _float_matrix("qr", A)
    if mode == "r":
        _, R = apply(_qr, A.detach(), mode="reduced")
        return qr_type(Tensor._make(constant(np.zeros(0, A._data.dtype))), R)
    return qr_type(*apply(_qr, A, mode=mode))


def _cutoff(A: Tensor, S: Tensor, atol, rtol) -> Tensor:
    """PyTorch's threshold ``max(atol, rtol * S_max)``; rtol defaults to ``eps * max(m, n)``
    when neither is given, else to 0."""
    if rtol is None:
        rtol = np.finfo(A._data.dtype).eps * max(A.shape[-2:]) if atol is None else 0.0
    largest = S.detach().amax(-1, keepdim=True) if S.shape[-1] else S.detach().sum(-1, True)
    cutoff = largest * _as_tensor(rtol, A)
    return cutoff if atol is None else cutoff.maximum(_as_tensor(atol, A))


def _as_tensor(value, A: Tensor) -> Tensor:
    if isinstance(value, Tensor):
        return value.detach().unsqueeze(-1)
    return Tensor._make(np.asarray(value, A._data.dtype))


def _tolerances(atol, rtol, rcond=None, tol=None) -> tuple:
    """``rcond`` (an older name of ``rtol``) and ``tol`` (of ``atol``), as PyTorch takes them."""
    if rcond is not None:
        rtol = rcond
    if tol is not None:
        atol, rtol = tol, 0.0
    return atol, rtol


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, rcond=None, out=None):
    """The Moore-Penrose pseudo-inverse, from the SVD (from ``eigh`` with ``hermitian``):
    singular values at most ``max(atol, rtol * S_max)`` count as zero.

    Args:
        A: ``(*, m, n)`` floating tensor.
        atol: the absolute cutoff (default 0).
        rtol: the relative cutoff (default ``eps * max(m, n)`` if ``atol`` is not given,
            else 0).
        hermitian: ``A`` is symmetric (only its lower triangle is read).
        rcond: the older name of ``rtol``.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.pinv(torch.tensor([[2.0, 0.0], [0.0, 0.0]]), hermitian=True)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    atol, rtol = _tolerances(atol, rtol, rcond)
    return _pinv(A, atol, rtol, hermitian)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None, out=None):
    """The number of singular values above ``max(atol, rtol * S_max)`` (int64, per matrix).

    Args:
        A: ``(*, m, n)`` floating tensor.
        atol: the absolute cutoff (default 0).
        rtol: the relative cutoff (default ``eps * max(m, n)`` if ``atol`` is not given,
            else 0).
        hermitian: ``A`` is symmetric (its eigenvalues' magnitudes are the singular values).
        tol: the older name of ``atol`` (with ``rtol`` 0).
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.matrix_rank(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    tensor(1)
    """
    _float_matrix("matrix_rank", A)
    atol, rtol = _tolerances(atol, rtol, tol=tol)
    S = eigh(A.detach()).eigenvalues.abs() if hermitian else svdvals(A.detach())
    return (S > _cutoff(A, S, atol, rtol)).sum(-1)


_NORMS = (None, 2, -2, 1, -1, float("inf"), float("-inf"), "fro", "nuc")


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """The condition number of ``A`` in the norm ``p``: ``S_max / S_min`` for ``p`` None or
    2 (``-2``: the reverse), else ``norm(A, p) * norm(inv(A), p)`` (square ``A`` only).

    Args:
        A: ``(*, m, n)`` floating tensor (``(*, n, n)`` unless ``p`` is None, 2 or -2).
        p: None, 2, -2, 1, -1, ``inf``, ``-inf``, ``'fro'`` or ``'nuc'``.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.cond(torch.tensor([[1.0, 0.0], [0.0, 4.0]]))
    tensor(4.)
    """
    if p not in _NORMS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p in (None, 2, -2):
        _float_matrix("cond", A)
        S = svdvals(A)
        large, small = S[..., 0], S[..., -1]
        return large / small if p != -2 else small / large
    try:
        _square_check(f"cond(ord={p})", A)
    except RuntimeError as error:
        raise RuntimeError(str(error)) from None
    singular = _infos(A._data) != 0  # as PyTorch: a zero pivot of the LU, not a small rank
    if np.any(singular):
        safe = Tensor._make(np.where(np.asarray(singular)[..., None, None], np.eye(A.shape[-1]),
                                     A._data).astype(A._data.dtype))  # fmt: skip
        value = matrix_norm(A, p) * matrix_norm(inv(safe), p)
        return value.masked_fill(Tensor._make(np.asarray(singular)), float("inf"))
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """The least-squares (minimum-norm) solution of ``A X = B``, as PyTorch's CPU drivers
    report it.

    The solution is ``pinv(A) @ B`` (differentiable through the SVD). ``residuals`` (the
    squared residual of each column) is given for ``m > n`` and full-rank ``A`` by every
    driver but ``'gelsy'``; ``rank`` by all but ``'gels'``; ``singular_values`` by
    ``'gelsd'`` and ``'gelss'``; the others are empty, as PyTorch returns them.

    Args:
        A: ``(*, m, n)`` floating tensor.
        B: ``(*, m, k)``, or ``(*, m)`` for one column.
        rcond: singular values below ``rcond * S_max`` count as zero (default
            ``eps * max(m, n)``).
        driver: ``'gelsy'`` (the default), ``'gels'``, ``'gelsd'`` or ``'gelss'``.

    >>> A = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> torch.linalg.lstsq(A, torch.tensor([[1.0], [1.0], [3.0]])).solution
    tensor([[1.3333],
            [1.3333]])
    """
    driver = "gelsy" if driver is None else driver
    if driver not in _DRIVERS:
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    _float_matrix("lstsq", A)
    vector = B.ndim == A.ndim - 1
    rhs = B.unsqueeze(-1) if vector else B
    if rhs.shape[-2] != A.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    U, S, Vh = apply(_svd, A)
    keep = S > _cutoff(A, S, None, rcond)
    S_inv = (1 / S.masked_fill(~keep, 1.0)).masked_fill(~keep, 0.0)
    solution = matmul(Vh.mT * S_inv.unsqueeze(-2), matmul(U.mT, rhs))
    rank = keep.sum(-1)
    m, n = A.shape[-2:]
    empty = Tensor._make(constant(np.zeros(0, A._data.dtype)))
    residuals = empty
    if driver != "gelsy" and m > n:
        value_read("torch.linalg.lstsq() (its residuals depend on the rank found)")
    if driver != "gelsy" and m > n and bool((rank._data == n).all()):
        residuals = ((matmul(A, solution) - rhs) ** 2).sum(-2)
    rank_out = Tensor._make(constant(np.zeros(0, np.int64))) if driver == "gels" else rank
    values = S.detach() if driver in ("gelsd", "gelss") else empty
    return lstsq_type(solution.squeeze(-1) if vector else solution, residuals, rank_out, values)


__all__ = ["svd", "svdvals", "qr", "pinv", "matrix_rank", "cond", "lstsq"]
