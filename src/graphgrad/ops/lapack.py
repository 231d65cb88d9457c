# ruff: noqa: N803, N806 - the matrices keep their mathematical names (A, L, U, P)
"""Factorisations and solves of PyTorch's BLAS/LAPACK section: slogdet and logdet, cholesky
and the solves built on it, triangular_solve, lu with lu_unpack and lu_solve, matrix_exp and
chain_matmul (all batched over leading dimensions).

``slogdet``'s ``logabsdet`` and ``cholesky`` are primitives with PyTorch's gradient formulas;
the rest are written with differentiable ops (``inv``, ``matmul``, ``tril``...), so their
gradients of every order come from those. ``lu`` is Gaussian elimination with partial
pivoting, one step per column, choosing the pivots LAPACK chooses (the largest magnitude,
the first of equal ones). ``matrix_exp`` scales ``A`` until its norm is below 1/2, sums the
Taylor series and squares back.

>>> import graphgrad as torch
>>> A = torch.tensor([[4.0, 2.0], [2.0, 3.0]])
>>> torch.cholesky(A)
tensor([[2.0000, 0.0000],
        [1.0000, 1.4142]])
>>> torch.logdet(A)
tensor(2.0794)
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from ..tensor import Tensor
from .array_step import value_read
from .elementwise import where
from .linalg.inverse import LinAlgError, _square_check, inv
from .linalg.matmul import matmul
from .linalg.products import mm
from .primitive import Primitive, apply
from .return_types import return_type
from .shape.join import cat
from .shape.reorder import tril, triu

slogdet_type = return_type("slogdet", ("sign", "logabsdet"))
linalg_slogdet_type = return_type("linalg_slogdet", ("sign", "logabsdet"))
triangular_solve_type = return_type("triangular_solve", ("solution", "cloned_coefficient"))
LuUnpack = return_type("lu_unpack", ("P", "L", "U"))


def _batch_matrix(x, xp):
    """A per-matrix value (shape ``(*,)``) broadcast against matrices (``(*, 1, 1)``)."""
    return xp.unsqueeze(xp.unsqueeze(x, -1), -1)


_logabsdet = Primitive(
    "linalg_slogdet",
    "LinalgSlogdetBackward0",
    lambda a: np.asarray(np.linalg.slogdet(a)[1]).astype(a.dtype),
    # d log|det A| / dA = inv(A)^T
    self=lambda grad, self, xp: _batch_matrix(grad, xp) * xp.mT(xp.inv(self)),
    jvp=(lambda t, s: (inv(s["self"]).mT * t).sum((-2, -1)),),
)


def slogdet(A: Tensor):  # noqa: N803 - PyTorch's argument name
    """The sign and the log of the absolute value of the determinant, without overflow.

    Args:
        A: ``(*, n, n)`` floating tensor.

    >>> torch.slogdet(torch.tensor([[4.0, 2.0], [2.0, 3.0]]))
    torch.return_types.slogdet(
    sign=tensor(1.),
    logabsdet=tensor(2.0794))
    """
    _square_check("slogdet", A)
    sign = Tensor._make(np.asarray(np.linalg.slogdet(A._data)[0]).astype(A._data.dtype))
    return slogdet_type(sign, apply(_logabsdet, A))


def linalg_slogdet(A: Tensor, *, out=None):  # noqa: N803 - PyTorch's argument name
    """``slogdet`` as ``torch.linalg.slogdet`` returns it (a ``linalg_slogdet`` tuple).

    Args:
        A: ``(*, n, n)`` floating tensor.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.slogdet(torch.tensor([[0.0, 2.0], [1.0, 0.0]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    return linalg_slogdet_type(*slogdet(A))


def logdet(input: Tensor) -> Tensor:
    """The log of the determinant: NaN where it is negative, ``-inf`` where it is 0.

    Args:
        input: ``(*, n, n)`` floating tensor.

    >>> torch.logdet(torch.tensor([[0.0, 1.0], [1.0, 0.0]]))
    tensor(nan)
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "logdet: Expected a floating point or complex tensor as input. Got "
            + input.dtype.legacy
        )
    sign, logabsdet = slogdet(input)
    return where(sign < 0, float("nan"), logabsdet)


def _cholesky_array(a: np.ndarray, name: str = "linalg.cholesky") -> np.ndarray:
    try:
        factor = np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        batch = a.reshape(-1, *a.shape[-2:])
        for b, matrix in enumerate(batch):
            for k in range(1, matrix.shape[-1] + 1):
                try:
                    np.linalg.cholesky(matrix[:k, :k])
                except np.linalg.LinAlgError:
                    raise _not_positive_definite(name, a, b, k) from None
        raise
    if np.isnan(np.diagonal(factor, 0, -2, -1)).any():
        # LAPACK stops at a NaN pivot (it is not > 0), as PyTorch does; NumPy's ran through it
        for b, matrix in enumerate(a.reshape(-1, *a.shape[-2:])):
            k = _partial_cholesky(matrix)[1]
            if k:
                raise _not_positive_definite(name, a, b, k)
    return factor


def _not_positive_definite(name: str, a: np.ndarray, b: int, k: int) -> LinAlgError:
    where = f"(Batch element {b}): " if a.ndim > 2 else ""
    return LinAlgError(
        f"{name}: {where}The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {k} is not positive-definite)."
    )


def _partial_cholesky(matrix: np.ndarray) -> tuple[np.ndarray, int]:
    """LAPACK's unblocked lower Cholesky up to its first failure: the columns before it
    factored, the failing diagonal holding its Schur complement, the rest of the lower
    triangle as given; and ``info``, the 1-based order of the failing minor (0 if none)."""
    a = np.tril(np.array(matrix, np.float64))
    for j in range(a.shape[0]):
        pivot = a[j, j] - a[j, :j] @ a[j, :j]
        if not pivot > 0:
            a[j, j] = pivot
            return a, j + 1
        a[j, j] = np.sqrt(pivot)
        a[j + 1 :, j] = (a[j + 1 :, j] - a[j + 1 :, :j] @ a[j, :j]) / a[j, j]
    return a, 0


def _cholesky_rule(grad, result, upper, xp):
    """PyTorch's formula: with ``L`` the lower factor, ``phi(X)`` the lower triangle of ``X``
    with its diagonal halved, ``S = L^-T phi(L^T grad) L^-1``; the gradient is
    ``(S + S^T) / 2`` (for the upper factor ``U = L^T``, ``grad`` is transposed first)."""
    factor, grad = (xp.mT(result), xp.mT(grad)) if upper else (result, grad)
    n = factor.shape[-1]
    lower = xp.tril(xp.matmul(xp.mT(factor), grad), diagonal=0)
    phi = lower - 0.5 * lower * xp.eye(n, factor)
    l_inv = xp.inv(factor)
    s = xp.matmul(xp.matmul(xp.mT(l_inv), phi), l_inv)
    return 0.5 * (s + xp.mT(s))


def _cholesky_forward(a: np.ndarray, upper: bool, function: str = "cholesky") -> np.ndarray:
    # (``function`` names the caller in the error: ``torch.cholesky``, ``torch.linalg.cholesky``)
    lower = _cholesky_array(a, function)
    return np.ascontiguousarray(np.swapaxes(lower, -1, -2)) if upper else lower


def _cholesky_jvp(t: Tensor, s: dict) -> Tensor:
    """``dL = L phi(L^-1 dA L^-T)`` for the symmetric part of the tangent ``dA`` (the part the
    backward rule's symmetrised gradient sees)."""
    factor = s["result"].mT if s["upper"] else s["result"]
    l_inv = inv(factor)
    x = matmul(matmul(l_inv, (t + t.mT) / 2), l_inv.mT)
    lower = tril(x)
    eye = Tensor._make(np.eye(x.shape[-1], dtype=x._data.dtype))
    d_factor = matmul(factor, lower - 0.5 * lower * eye)
    return d_factor.mT if s["upper"] else d_factor


_cholesky = Primitive(
    "cholesky",
    "CholeskyBackward0",
    _cholesky_forward,
    self=_cholesky_rule,
    attrs=("result", "upper"),
    jvp=(_cholesky_jvp,),
)


def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """The Cholesky factor of a symmetric positive-definite matrix: lower ``L`` with
    ``A = L L^T`` (or upper ``U = L^T`` with ``upper=True``). Only the lower triangle of
    ``input`` is read.

    Args:
        input: ``(*, n, n)`` symmetric positive-definite.
        upper: return the upper factor.

    >>> torch.cholesky(torch.tensor([[4.0, 2.0], [2.0, 3.0]]), upper=True)
    tensor([[2.0000, 1.0000],
            [0.0000, 1.4142]])
    """
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"cholesky_cpu\" not implemented for '{input.dtype.legacy}'")
    try:
        _square_check("cholesky", input)
    except RuntimeError as error:
        raise RuntimeError(str(error).removeprefix("linalg.")) from None
    return apply(_cholesky, input, upper=bool(upper))


def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """The inverse of ``A`` from its Cholesky factor: ``(L L^T)^-1`` (``(U^T U)^-1``).

    Args:
        input: the factor, ``(*, n, n)`` lower triangular (upper with ``upper=True``).
        upper: whether ``input`` is the upper factor.

    >>> torch.cholesky_inverse(torch.tensor([[2.0, 0.0], [1.0, 1.0]]))
    tensor([[ 0.5000, -0.5000],
            [-0.5000,  1.0000]])
    """
    factor_inv = inv(triu(input) if upper else tril(input))
    return matmul(factor_inv, factor_inv.mT) if upper else matmul(factor_inv.mT, factor_inv)


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = B`` given ``B`` and the Cholesky factor of ``A``.

    Args:
        input: ``B``, ``(*, n, k)``.
        input2: the factor of ``A``, ``(*, n, n)`` lower triangular (upper with ``upper``).
        upper: whether ``input2`` is the upper factor.

    >>> torch.cholesky_solve(torch.ones(2, 1), torch.tensor([[2.0, 0.0], [1.0, 1.0]]))
    tensor([[0.0000],
            [0.5000]])
    """
    return matmul(cholesky_inverse(input2, upper), input)


def triangular_solve(input: Tensor, A: Tensor, upper=True, transpose=False, unitriangular=False):  # noqa: N803
    """The solution ``X`` of ``A X = b`` for a triangular ``A`` (only its triangle is read),
    and a copy of ``A``.

    Args:
        input: ``b``, ``(*, n, k)``.
        A: ``(*, n, n)``.
        upper: whether ``A`` is upper (else lower) triangular.
        transpose: solve ``A^T X = b`` instead.
        unitriangular: take ``A``'s diagonal as ones.

    >>> torch.triangular_solve(torch.ones(2, 1), torch.tensor([[2.0, 1.0], [0.0, 4.0]]))
    torch.return_types.triangular_solve(
    solution=tensor([[0.3750],
            [0.2500]]),
    cloned_coefficient=tensor([[2., 1.],
            [0., 4.]]))
    """
    side = triu(A, 1 if unitriangular else 0) if upper else tril(A, -1 if unitriangular else 0)
    if unitriangular:
        side = side + Tensor._make(np.eye(A.shape[-1], dtype=A._data.dtype))
    if transpose:
        side = side.mT
    return triangular_solve_type(matmul(inv(side), input), A.clone())


def _pivoted_lu(A: Tensor) -> tuple[Tensor, np.ndarray]:  # noqa: N803
    """Gaussian elimination with partial pivoting: the packed ``LU`` (differentiable) and the
    1-based row swaps, as LAPACK's getrf gives them."""
    m, n = A.shape[-2:]
    k_max = min(m, n)
    batch = A.shape[:-2]
    pivots = np.zeros((*batch, k_max), np.int32)
    M = A
    for k in range(k_max):
        column = np.abs(M._data[..., k:, k])
        p = k + np.argmax(column, axis=-1)  # the first of equal magnitudes
        pivots[..., k] = p + 1
        order = np.broadcast_to(np.arange(m), (*batch, m)).copy()
        rows = np.indices(batch) if batch else ()
        order[tuple(rows) + (k,)] = p
        order[tuple(rows) + (p,)] = k
        index = Tensor._make(np.ascontiguousarray(np.broadcast_to(order[..., None], M.shape)))
        M = M.gather(-2, index)
        pivot = M[..., k : k + 1, k : k + 1]
        pivot = pivot.masked_fill(pivot == 0, 1.0)  # a zero column: nothing to eliminate
        below = M[..., k + 1 :, :]
        factors = below[..., :, k : k + 1] / pivot
        rest = below[..., :, k + 1 :] - matmul(factors, M[..., k : k + 1, k + 1 :])
        below = cat([below[..., :, :k], factors, rest], -1)
        M = cat([M[..., : k + 1, :], below], -2)
    return M, pivots


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False):  # noqa: N803
    """The LU factorisation with partial pivoting: ``P A = L U``, packed as one matrix (``L``
    below the diagonal, its unit diagonal implied; ``U`` on and above it), and the 1-based
    int32 row swaps.

    Args:
        A: ``(*, m, n)`` floating tensor.
        pivot: must be True (PyTorch pivots on the CPU).
        get_infos: also return the int32 info per matrix (the first zero pivot, 1-based, or 0).

    >>> LU, pivots = torch.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    >>> LU, pivots
    (tensor([[3.0000, 4.0000],
            [0.3333, 0.6667]]), tensor([2, 2], dtype=torch.int32))
    """
    if not pivot:
        raise RuntimeError("lu without pivoting is not implemented on the CPU")
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.lu_factor: The input tensor A must have at least 2 dimensions."
        )  # fmt: skip
    packed, pivots = _pivoted_lu(A)
    if not get_infos:
        return packed, Tensor._make(pivots)
    diagonal = np.diagonal(packed._data, axis1=-2, axis2=-1)
    zero = diagonal == 0
    infos = np.where(zero.any(-1), np.argmax(zero, -1) + 1, 0).astype(np.int32)
    return packed, Tensor._make(pivots), Tensor._make(np.asarray(infos))


def _permutation(pivots: np.ndarray, m: int) -> np.ndarray:
    """The row order ``perm`` with ``(P^T A)[i] = A[perm[i]]``, from LAPACK's swaps."""
    perm = np.broadcast_to(np.arange(m), (*pivots.shape[:-1], m)).copy()
    for pos in np.ndindex(*pivots.shape[:-1]):
        row = perm[pos]
        for i, p in enumerate(pivots[pos] - 1):
            row[[i, p]] = row[[p, i]]
    return perm


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data=True, unpack_pivots=True):  # noqa: N803
    """``(P, L, U)`` with ``A = P L U`` from ``lu``'s packed factors and swaps.

    Args:
        LU_data: the packed factors, ``(*, m, n)``.
        LU_pivots: the 1-based int32 row swaps, ``(*, min(m, n))``.
        unpack_data: return ``L`` and ``U`` (else empty tensors).
        unpack_pivots: return ``P`` (else an empty tensor).

    >>> P, L, U = torch.lu_unpack(*torch.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
    >>> P
    tensor([[0., 1.],
            [1., 0.]])
    """
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    empty = Tensor._make(np.zeros(0, LU_data._data.dtype))
    L = U = P = empty
    if unpack_data:
        eye = Tensor._make(np.eye(m, k, dtype=LU_data._data.dtype))
        L = tril(LU_data[..., :, :k], -1) + eye
        U = triu(LU_data[..., :k, :])
    if unpack_pivots:
        perm = _permutation(LU_pivots._data.astype(np.int64), m)
        ones = np.zeros((*perm.shape, m), LU_data._data.dtype)
        np.put_along_axis(ones, perm[..., None], 1.0, -1)
        P = Tensor._make(np.ascontiguousarray(np.swapaxes(ones, -1, -2)))
    return LuUnpack(P, L, U)


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """The solution ``X`` of ``A X = b`` from ``lu``'s factors of ``A``.

    Args:
        b: ``(*, n, k)``.
        LU_data: the packed factors of ``A``, ``(*, n, n)``.
        LU_pivots: the 1-based int32 row swaps.

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> torch.lu_solve(torch.tensor([[5.0], [11.0]]), *torch.lu(A))
    tensor([[1.],
            [2.]])
    """
    P, L, U = lu_unpack(LU_data, LU_pivots)
    return matmul(inv(U), matmul(inv(L), matmul(P.mT, b)))


def matrix_exp(A: Tensor) -> Tensor:  # noqa: N803
    """The matrix exponential ``sum_k A^k / k!`` of a square matrix (or each in a batch).

    Args:
        A: ``(*, n, n)`` floating tensor.

    >>> torch.matrix_exp(torch.tensor([[0.0, 1.0], [-1.0, 0.0]]))
    tensor([[ 0.5403,  0.8415],
            [-0.8415,  0.5403]])
    """
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError("matrix_exp: The input tensor A must be a batch of square matrices")
    value_read("torch.matrix_exp() (its number of squarings depends on the values)")
    norm = float(np.abs(A._data).sum(-2).max()) if A.numel() else 0.0
    squarings = max(0, math.ceil(math.log2(norm)) + 1) if norm > 0.5 else 0
    X = A / 2.0**squarings
    eye = Tensor._make(np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape).copy())
    term, total = eye, eye
    for k in range(1, 19):  # ||X|| <= 1/2: the tail after 1/18! is below float64's epsilon
        term = matmul(term, X) / k
        total = total + term
    for _ in range(squarings):
        total = matmul(total, total)
    return total


def chain_matmul(*matrices) -> Tensor:
    """The product of 2-d matrices, left to right (deprecated in PyTorch, which warns, for
    ``torch.linalg.multi_dot``).

    Args:
        matrices: two-dimensional tensors with matching inner sizes.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.chain_matmul(torch.eye(2), torch.ones(2, 3))
    tensor([[1., 1., 1.],
            [1., 1., 1.]])
    """
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
        "than multiple parameters.",
        UserWarning,
        stacklevel=2,
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    return functools.reduce(mm, matrices) if len(matrices) > 1 else matrices[0].clone()


__all__ = """slogdet logdet cholesky cholesky_inverse cholesky_solve triangular_solve lu
    lu_unpack lu_solve matrix_exp chain_matmul""".split()
METHODS = {
    name: globals()[name]
    for name in """slogdet logdet cholesky cholesky_inverse cholesky_solve triangular_solve lu
        lu_solve matrix_exp""".split()
}
