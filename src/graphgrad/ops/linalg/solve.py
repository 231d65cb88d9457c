# ruff: noqa: N803, N806 - the matrices keep PyTorch's argument names (A, B, LU)
"""Linear systems: ``torch.linalg.solve`` (a primitive), and the solves and ``_ex`` forms
built on it and on ``ops/lapack.py``'s factorisations.

``linalg_solve`` solves ``A X = B`` with LAPACK (NumPy's ``solve``, partial pivoting, as
PyTorch). Its rules are the standard ones: ``gB = A^-T g`` (a second solve) and
``gA = -gB X^T``, written with the primitive itself, so they differentiate again.

>>> import graphgrad as torch
>>> torch.linalg.solve(torch.tensor([[2.0, 1.0], [1.0, 3.0]]), torch.tensor([3.0, 5.0]))
tensor([0.8000, 1.4000])
"""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from ..array_step import array_step, constant
from ..lapack import _cholesky, _cholesky_array, _partial_cholesky, lu, lu_unpack
from ..primitive import Primitive, apply
from ..return_types import return_type
from ..shape.reorder import tril, triu
from .inverse import LinAlgError, _first_zero_pivot, _square_check, inv
from .matmul import matmul

solve_ex_type = return_type("linalg_solve_ex", ("result", "info"))
inv_ex_type = return_type("linalg_inv_ex", ("inverse", "info"))
cholesky_ex_type = return_type("linalg_cholesky_ex", ("L", "info"))
lu_factor_type = return_type("linalg_lu_factor", ("LU", "pivots"))
lu_factor_ex_type = return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))
lu_type = return_type("linalg_lu", ("P", "L", "U"))


def _singular_error(prefix: str, a: np.ndarray) -> LinAlgError:
    """PyTorch's error for a singular ``a``, naming the first singular matrix of a batch."""
    where = ""
    if a.ndim > 2:
        batch = a.reshape(-1, *a.shape[-2:])
        first = next((b for b, m in enumerate(batch) if _first_zero_pivot(m)), 0)
        where = f"(Batch element {first}): "
    return LinAlgError(f"{prefix}: {where}The solver failed because the input matrix is singular.")


def _infos(a: np.ndarray) -> np.ndarray:
    """LAPACK's ``info`` per matrix of a batch: the first zero pivot (1-based), or 0."""
    batch = a.reshape(-1, *a.shape[-2:])
    infos = [_first_zero_pivot(m) for m in batch]
    return np.asarray(infos, np.int32).reshape(a.shape[:-2])


def _solve_forward(A: np.ndarray, B: np.ndarray, left: bool, vector: bool) -> np.ndarray:
    """``A^-1 B`` (``B A^-1`` if not ``left``); a ``vector`` ``B`` (left only) is a column."""
    if not left:  # X A = B is A^T X^T = B^T
        A, B = np.swapaxes(A, -1, -2), np.swapaxes(B, -1, -2)
    try:
        X = np.linalg.solve(A, B[..., None] if vector else B).astype(A.dtype, copy=False)
    except np.linalg.LinAlgError:
        raise _singular_error("torch.linalg.solve", A) from None
    if vector:
        return X[..., 0]
    return X if left else np.swapaxes(X, -1, -2)


def _solve_a_rule(grad, A, result, left, vector, xp):
    """``-gB X^T`` (``-X^T gB`` if not ``left``), a vector taken as a column."""
    g_b = xp.linalg_solve(xp.mT(A), grad, left=left, vector=vector)
    if vector:
        g_b, result = xp.unsqueeze(g_b, -1), xp.unsqueeze(result, -1)
    if left:
        return -xp.matmul(g_b, xp.mT(result))
    return -xp.matmul(xp.mT(result), g_b)


def _solve_a_tangent(t: Tensor, s: dict) -> Tensor:
    """``dX = -A^-1 dA X`` (``-X dA A^-1`` if not ``left``)."""
    A, X, left, vector = s["A"], s["result"], s["left"], s["vector"]
    if vector:
        return -apply(_solve, A, matmul(t, X.unsqueeze(-1)).squeeze(-1), left=True, vector=True)
    moved = matmul(t, X) if left else matmul(X, t)
    return -apply(_solve, A, moved, left=left, vector=False)


_solve: Primitive = Primitive(
    "linalg_solve",
    "LinalgSolveExBackward0",
    _solve_forward,
    A=_solve_a_rule,
    # gB = A^-T g (g A^-T if not left)
    B=lambda grad, A, left, vector, xp: xp.linalg_solve(xp.mT(A), grad, left=left, vector=vector),
    jvp=(
        _solve_a_tangent,
        lambda t, s: apply(_solve, s["A"], t, left=s["left"], vector=s["vector"]),
    ),
)


def _is_vector(A: Tensor, B: Tensor) -> bool:
    """PyTorch's rule: ``B`` is a (batch of) vector(s) if 1-d, or if its shape is ``A``'s
    without the last dim."""
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def _solve_checks(A: Tensor, B: Tensor, left: bool, vector: bool) -> None:
    _square_check("solve", A)
    if A.dtype != B.dtype:
        raise RuntimeError(
            f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{A.dtype.legacy} and B of type {B.dtype.legacy} instead"
        )
    n = A.shape[-1]
    rows = B.shape[-1] if vector else (B.shape[-2] if left else B.shape[-1])
    if B.ndim == 0 or rows != n or (vector and not left):
        shape_b = f"{B.shape[-1]}x1" if vector or B.ndim < 2 else "x".join(map(str, B.shape[-2:]))
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {shape_b})"
        )


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a square,
    invertible ``A``, batched and broadcasting.

    Args:
        A: ``(*, n, n)`` floating tensor.
        B: ``(*, n, k)`` (``(*, k, n)`` if not ``left``), or with ``left`` ``(*, n)`` (a batch
            of vectors: ``B``'s shape is ``A``'s without the last dim, or ``B`` is 1-d).
        left: solve ``A X = B`` (True) or ``X A = B``.
        out: not supported (PyTorch's output tensor).

    >>> A = torch.tensor([[2.0, 1.0], [1.0, 3.0]])
    >>> torch.linalg.solve(A, torch.tensor([[3.0, 1.0], [5.0, 0.0]]), left=False)
    tensor([[ 1.6000, -0.2000],
            [ 3.0000, -1.0000]])
    """
    vector = _is_vector(A, B)
    _solve_checks(A, B, left, vector)
    return apply(_solve, A, B, left=bool(left), vector=vector)


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    """``solve`` and LAPACK's ``info`` (int32, per matrix: 0, or the first zero pivot of a
    singular ``A``, whose result is then NaN).

    Args:
        A: ``(*, n, n)`` floating tensor.
        B: ``(*, n, k)`` or ``(*, n)``, as for ``solve``.
        left: solve ``A X = B`` (True) or ``X A = B``.
        check_errors: raise for a singular ``A`` (as ``solve``) instead of returning ``info``.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.solve_ex(torch.eye(2), torch.ones(2))
    torch.return_types.linalg_solve_ex(
    result=tensor([1., 1.]),
    info=tensor(0, dtype=torch.int32))
    """
    _square_check("solve", A)
    infos = _infos(A._data)
    if check_errors and infos.any():
        raise _singular_error("torch.linalg.solve_ex", A._data)
    if not infos.any():
        return solve_ex_type(solve(A, B, left=left), Tensor._make(infos))
    singular = (infos != 0)[..., None, None]
    safe = Tensor._make(np.where(singular, np.eye(A.shape[-1]), A._data).astype(A._data.dtype))
    result = solve(safe, B, left=left)
    nan = np.where(singular, np.nan, 1.0).astype(A._data.dtype)
    if _is_vector(A, B):
        nan = nan[..., 0]
    return solve_ex_type(result * Tensor._make(nan), Tensor._make(infos))


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    """``inv`` and LAPACK's ``info`` (int32, per matrix: 0, or the first zero pivot of a
    singular ``A``, whose inverse is then NaN).

    Args:
        A: ``(*, n, n)`` floating tensor.
        check_errors: raise for a singular ``A`` (as ``inv``) instead of returning ``info``.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.inv_ex(torch.tensor([[2.0, 0.0], [0.0, 4.0]])).inverse
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _square_check("inv_ex", A)
    infos = _infos(A._data)
    if check_errors and infos.any():
        try:
            inv(A)
        except LinAlgError as error:
            raise LinAlgError(str(error).replace("linalg.inv:", "linalg.inv_ex:", 1)) from None
    if not infos.any():
        return inv_ex_type(inv(A), Tensor._make(infos))
    singular = (infos != 0)[..., None, None]
    safe = Tensor._make(np.where(singular, np.eye(A.shape[-1]), A._data).astype(A._data.dtype))
    nan = Tensor._make(np.where(singular, np.nan, 1.0).astype(A._data.dtype))
    return inv_ex_type(inv(safe) * nan, Tensor._make(infos))


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """The Cholesky factor of a symmetric positive-definite matrix (``torch.cholesky``'s
    primitive, with ``torch.linalg``'s error names).

    Args:
        A: ``(*, n, n)`` symmetric positive-definite; only the lower triangle is read.
        upper: return the upper factor ``U = L^T``.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.cholesky(torch.tensor([[4.0, 2.0], [2.0, 3.0]]))
    tensor([[2.0000, 0.0000],
            [1.0000, 1.4142]])
    """
    _square_check("cholesky", A)
    return apply(_cholesky, A, upper=bool(upper), function="linalg.cholesky")


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """``cholesky`` and LAPACK's ``info`` (int32, per matrix: 0, or the order of the first
    leading minor that is not positive-definite; the factor is then LAPACK's partial one).

    Args:
        A: ``(*, n, n)`` symmetric; only the lower triangle is read.
        upper: return the upper factor.
        check_errors: raise for a matrix that is not positive-definite.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    torch.return_types.linalg_cholesky_ex(
    L=tensor([[ 1.,  0.],
            [ 2., -3.]]),
    info=tensor(2, dtype=torch.int32))
    """
    _square_check("cholesky", A)
    try:
        _cholesky_array(A._data)
    except LinAlgError:
        if check_errors:
            raise LinAlgError(f"linalg.cholesky_ex: {_cholesky_message(A)}") from None
        batch = A._data.reshape(-1, *A.shape[-2:])
        parts = [_partial_cholesky(m) for m in batch]
        factor = np.stack([p[0] for p in parts]).reshape(A.shape).astype(A._data.dtype)
        infos = np.asarray([p[1] for p in parts], np.int32).reshape(A.shape[:-2])
        if upper:
            factor = np.ascontiguousarray(np.swapaxes(factor, -1, -2))
        return cholesky_ex_type(Tensor._make(factor), Tensor._make(infos))
    no_errors = Tensor._make(constant(np.zeros(A.shape[:-2], np.int32)))
    return cholesky_ex_type(cholesky(A, upper=upper), no_errors)


def _cholesky_message(A: Tensor) -> str:
    try:
        _cholesky_array(A._data, "")
    except LinAlgError as error:
        return str(error).removeprefix(": ")
    return ""


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None
) -> Tensor:
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a triangular
    ``A``, of which only the triangle named by ``upper`` is read.

    Args:
        A: ``(*, n, n)``.
        B: ``(*, n, k)`` (``(*, k, n)`` with ``left=False``).
        upper: whether ``A`` is upper (else lower) triangular.
        left: solve ``A X = B`` (True) or ``X A = B``.
        unitriangular: take ``A``'s diagonal as ones.
        out: not supported (PyTorch's output tensor).

    >>> A = torch.tensor([[2.0, 1.0], [0.0, 4.0]])
    >>> torch.linalg.solve_triangular(A, torch.ones(2, 1), upper=True)
    tensor([[0.3750],
            [0.2500]])
    """
    for name, t in (("A", A), ("B", B)):
        if t.ndim < 2:
            raise RuntimeError(
                f"linalg.solve_triangular: The input tensor {name} must have at least 2 dimensions."
            )
    side = triu(A, 1 if unitriangular else 0) if upper else tril(A, -1 if unitriangular else 0)
    if unitriangular:
        side = side + Tensor._make(constant(np.eye(A.shape[-1], dtype=A._data.dtype)))
    _solve_checks(side, B, left, vector=False)
    return apply(_solve, side, B, left=bool(left), vector=False)


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """The packed LU factorisation with partial pivoting (``torch.lu``), its 1-based int32
    row swaps and LAPACK's ``info`` (the first zero pivot, 1-based, or 0).

    Args:
        A: ``(*, m, n)`` floating tensor.
        pivot: must be True (PyTorch pivots on the CPU).
        check_errors: raise for a zero pivot.
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.lu_factor_ex(torch.tensor([[1.0, 2.0], [3.0, 4.0]])).pivots
    tensor([2, 2], dtype=torch.int32)
    """
    packed, pivots, infos = lu(A, pivot=pivot, get_infos=True)
    if check_errors:
        _check_lu_factor(infos._data, "torch.linalg.lu_factor_ex")
    return lu_factor_ex_type(packed, pivots, infos)


@array_step
def _check_lu_factor(infos: np.ndarray, name: str) -> None:
    """PyTorch's error for a zero pivot (an array step: a compiled call checks each replay)."""
    if not infos.any():
        return
    flat = infos.reshape(-1)
    b = int(np.argmax(flat != 0))
    k = int(flat[b])
    where = f"(Batch element {b}): " if infos.ndim else ""
    raise RuntimeError(
        f"{name}: {where}U[{k},{k}] is zero and using it on lu_solve would result in a division "
        "by zero. If you still want to perform the factorization, consider calling "
        "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
    )


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    """The packed LU factorisation with partial pivoting and its 1-based int32 row swaps;
    raises for a zero pivot (``lu_factor_ex`` returns it in ``info``).

    Args:
        A: ``(*, m, n)`` floating tensor.
        pivot: must be True (PyTorch pivots on the CPU).
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    torch.return_types.linalg_lu_factor(
    LU=tensor([[3.0000, 4.0000],
            [0.3333, 0.6667]]),
    pivots=tensor([2, 2], dtype=torch.int32))
    """
    packed, pivots, infos = lu(A, pivot=pivot, get_infos=True)
    _check_lu_factor(infos._data, "torch.linalg.lu_factor")
    return lu_factor_type(packed, pivots)


def lu_factorization(A: Tensor, *, pivot: bool = True, out=None):
    """``A = P L U``: the permutation, the unit lower triangular and the upper triangular
    factor (``torch.linalg.lu``).

    Args:
        A: ``(*, m, n)`` floating tensor.
        pivot: must be True (PyTorch pivots on the CPU).
        out: not supported (PyTorch's output tensors).

    >>> torch.linalg.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]])).U
    tensor([[3.0000, 4.0000],
            [0.0000, 0.6667]])
    """
    return lu_type(*lu_unpack(*lu(A, pivot=pivot)))


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False,
             out=None) -> Tensor:  # fmt: skip
    """The solution of ``A X = B`` from ``lu_factor``'s factors of ``A`` (``X A = B`` with
    ``left=False``; ``A^T`` for ``A`` with ``adjoint=True``).

    Args:
        LU: the packed factors of ``A``, ``(*, n, n)``.
        pivots: the 1-based int32 row swaps.
        B: ``(*, n, k)`` (``(*, k, n)`` with ``left=False``).
        left: solve ``A X = B`` (True) or ``X A = B``.
        adjoint: solve with ``A^T`` in place of ``A``.
        out: not supported (PyTorch's output tensor).

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> torch.linalg.lu_solve(*torch.linalg.lu_factor(A), torch.tensor([[5.0], [11.0]]))
    tensor([[1.],
            [2.]])
    """
    P, L, U = lu_unpack(LU, pivots)
    # A = P L U; X A = B is A^T X^T = B^T, so left=False flips adjoint and transposes B
    transposed = adjoint != (not left)
    rhs = B if left else B.mT
    if transposed:  # A^T = U^T L^T P^T
        X = P @ solve_triangular(L.mT, solve_triangular(U.mT, rhs, upper=False), upper=True)
    else:
        X = solve_triangular(U, solve_triangular(L, P.mT @ rhs, upper=False), upper=True)
    return X if left else X.mT


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of ``A`` as a tensor product: ``tensordot(tensorinv(A), A, ind)`` is
    the identity on ``A``'s first ``ind`` dims.

    Args:
        A: a tensor whose first ``ind`` dims hold as many elements as the rest.
        ind: the number of leading dims that index ``A``'s rows.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.tensorinv(4 * torch.eye(4).reshape(4, 2, 2), ind=1).shape
    torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    if int(np.prod(rows)) != int(np.prod(cols)):
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            "prod(self.shape[:ind]), but got "
            f"{int(np.prod(cols))} != {int(np.prod(rows))}"
        )
    square = A.reshape(int(np.prod(rows)), -1)
    return inv(square).reshape(*cols, *rows)


def tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """The ``X`` with ``tensordot(A, X, X.ndim) = B``.

    Args:
        A: a tensor whose first ``B.ndim`` dims hold as many elements as the rest.
        B: the right-hand side.
        dims: dims of ``A`` to move to the end first.
        out: not supported (PyTorch's output tensor).

    >>> torch.linalg.tensorsolve(2 * torch.eye(4).reshape(2, 2, 4), torch.ones(2, 2))
    tensor([0.5000, 0.5000, 0.5000, 0.5000])
    """
    if dims is not None:
        moved = [d % A.ndim for d in dims]
        A = A.permute(*[d for d in range(A.ndim) if d not in moved], *moved)
    rest = A.shape[B.ndim :]
    if int(np.prod(rest)) != B.numel():
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {int(np.prod(rest))} != {B.numel()}"
        )
    return solve(A.reshape(B.numel(), -1), B.reshape(-1)).reshape(rest)


__all__ = """solve solve_ex inv_ex cholesky cholesky_ex solve_triangular lu_factor
    lu_factor_ex lu_factorization lu_solve tensorinv tensorsolve""".split()
