"""Sparse times dense, and dense plus sparse: the ops whose result is dense and whose
gradient flows to the dense operand.

``torch.mm``, ``@``, ``torch.spmm`` and ``torch.sparse.mm`` multiply a 2-D sparse tensor and a
2-D dense one (either side) through the primitive ``sparse_mm``, shown as ``MmBackward0``
(``sparse_addmm``, ``SparseAddmmBackward0``, for ``torch.sparse.mm``, as in PyTorch);
``dense + sparse`` and ``dense - sparse`` go through ``add_sparse`` / ``sub_sparse``
(``AddBackward0``, ``SubBackward0``). The sparse operand is a parameter of these primitives,
not an input: it never requires grad.

PyTorch's sparse kernels add one entry at a time, in entry order, each step a fused
multiply-add; ``scatter_fma`` does the same steps (vectorized over the rows that no two entries
of a step share), so the results have PyTorch's bits.

>>> import graphgrad as torch
>>> s = torch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
>>> w = torch.ones(2, 2, requires_grad=True)
>>> out = torch.mm(s, w)
>>> out
tensor([[2., 2.],
        [3., 3.]], grad_fn=<MmBackward0>)
>>> out.sum().backward()
>>> w.grad
tensor([[3., 3.],
        [2., 2.]])
"""

from __future__ import annotations

import numpy as np

from ..._fma import fma32, fma64
from ...dtypes import result_type
from ...tensor import Tensor
from ..elementwise import _add, _sub
from ..linalg.products import _mm, mm
from ..primitive import DIAGONAL, LINEAR, SPARSE_KERNELS, Primitive, apply
from .coo import SparseTensor, by_position, linear_index, make_sparse

_FMA = {np.dtype(np.float32): fma32, np.dtype(np.float64): fma64}


def scatter_fma(out: np.ndarray, at: np.ndarray, scale, rows: np.ndarray) -> np.ndarray:
    """``out[at[j]] = scale[j] * rows[j] + out[at[j]]`` for each entry ``j`` in order, with one
    rounding per step for float32/float64 (a fused multiply-add, as PyTorch's kernels do).

    ``out`` is 2-D, ``at`` holds row numbers, ``rows`` one row per entry and ``scale`` a number
    or one per entry, ``(nnz, 1)``. Returns ``out``, written in place.
    """
    scale = np.asarray(scale, out.dtype)
    fma = _FMA.get(out.dtype)
    if fma is None:  # integers: exact in any order
        np.add.at(out, at, scale * rows)
        return out
    scales = np.broadcast_to(scale, rows.shape)
    for step in _steps(at):
        where = at[step]
        a, b, c = scales[step], rows[step], out[where]
        fused = fma(a, b, c)
        bad = ~np.isfinite(fused)
        if bad.any():  # an infinite operand or sum is outside the emulation's domain (it gives
            # NaN there): unfused in float64, it is the same infinity (or NaN) as the fused one
            plain = (a.astype(np.float64) * b + c).astype(out.dtype)
            fused = np.where(bad, plain, fused)
        out[where] = fused
    return out


def _steps(at: np.ndarray) -> list[np.ndarray]:
    """The entries grouped by their rank among the entries of the same row: step ``t`` holds
    each row's ``t``-th entry, so no row appears twice in a step and each row's entries come
    in order."""
    order = np.argsort(at, kind="stable")
    ordered = at[order]
    rank = np.arange(len(at)) - np.searchsorted(ordered, ordered)
    by_rank = order[np.argsort(rank, kind="stable")]
    return np.split(by_rank, np.cumsum(np.bincount(rank))[:-1])


# -- sparse @ dense ------------------------------------------------------------------------------
def transposed(sparse: SparseTensor) -> SparseTensor:
    """A 2-D sparse tensor's transpose, its entries in the same order (as PyTorch's ``t()``)."""
    return make_sparse(sparse._idx[::-1], sparse._vals, sparse._size[::-1], False)


def _mm_forward(dense: np.ndarray, sparse: SparseTensor, left: bool) -> np.ndarray:
    """``sparse @ dense`` when ``left``, else ``dense @ sparse`` (as ``(sparse.T @ dense.T).T``)."""
    rows, cols = sparse._idx
    values = sparse._vals[:, None]
    if left:
        out = np.zeros((sparse._size[0], dense.shape[1]), dense.dtype)
        return scatter_fma(out, rows, values, dense[cols])
    out = np.zeros((sparse._size[1], dense.shape[0]), dense.dtype)
    return np.ascontiguousarray(scatter_fma(out, cols, values, dense.T[rows]).T)


def _product(name: str, node: str) -> Primitive:
    return Primitive(
        name,
        node,
        _mm_forward,
        # d(S @ D) = S.T @ grad and d(D @ S) = grad @ S.T: a product with the transpose
        self=lambda grad, sparse, left, xp: xp.sparse_mm(
            grad, sparse=transposed(sparse), left=left
        ),
        attrs=(),
        jvp=LINEAR,
    )


_sparse_mm = _product("sparse_mm", "MmBackward0")  # torch.mm, @, torch.spmm
sparse_addmm = _product("sparse_addmm", "SparseAddmmBackward0")  # torch.sparse.mm's name


def _mm_kernel(input: Tensor, mat2: Tensor, **_) -> Tensor:
    if input.is_sparse and mat2.is_sparse:
        return NotImplemented
    return sparse_product(_sparse_mm, input, mat2)


def sparse_product(prim: Primitive, input: Tensor, mat2: Tensor) -> Tensor:
    """``input @ mat2``, one of them sparse, through ``prim``, after PyTorch's checks."""
    _check_mm(input, mat2)
    left = input.is_sparse
    sparse, dense = (input, mat2) if left else (mat2, input)
    return apply(prim, dense, sparse=sparse, left=left)


def _check_mm(input: Tensor, mat2: Tensor) -> None:
    """PyTorch's checks of a product with a sparse operand, in its order."""
    sparse = input if input.is_sparse else mat2
    for t in (input, mat2):
        if t.ndim > 2:
            raise RuntimeError(f"addmm: matrices expected, got {t.ndim}D tensor")
        if t.ndim == 0:
            raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    if input.ndim == 1 or mat2.ndim == 1:
        raise IndexError(
            "Dimension out of range (expected to be in range of [-1, 0], but got "
            f"{1 if mat2.ndim == 1 and mat2 is not sparse else -2})"
        )
    if sparse.sparse_dim() != 2:  # a hybrid matrix: one sparse dimension, one dense
        raise RuntimeError(f"addmm: matrices expected, got {sparse.sparse_dim()}D tensor")
    inner, got = (
        (input.shape[1], mat2.shape[0]) if input.is_sparse else (mat2.shape[0], input.shape[1])
    )
    if inner != got:
        raise RuntimeError(f"addmm: Argument #3 (dense): Expected dim 0 size {inner}, got {got}")
    dense = mat2 if input.is_sparse else input
    if sparse.dtype is not dense.dtype:
        raise RuntimeError(
            f"expected scalar type {sparse.dtype.legacy} but found {dense.dtype.legacy}"
        )
    if sparse.dtype.name == "bool":
        raise NotImplementedError("\"addmm_sparse_dense\" not implemented for 'Bool'")


def spmm(input: Tensor, mat2: Tensor) -> Tensor:
    """The matrix product of a sparse and a dense matrix (either may be sparse; two dense ones
    work too): the same as ``torch.mm``.

    Args:
        input: ``(n, m)``, sparse or dense.
        mat2: ``(m, p)``, sparse or dense.

    >>> s = torch.eye(2).to_sparse()
    >>> torch.spmm(s, torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[1., 2.],
            [3., 4.]])
    """
    return mm(input, mat2)


# -- dense + sparse ------------------------------------------------------------------------------
def _add_forward(dense: np.ndarray, sparse: SparseTensor, alpha, dtype) -> np.ndarray:
    """``dense + alpha * sparse`` in ``dtype``: each entry added in order (PyTorch's bits)."""
    out = dense.astype(dtype.np, copy=True)
    flat = by_position(out, sparse._idx.shape[0])
    rows = by_position(sparse._vals.astype(dtype.np, copy=False), 1)
    at = linear_index(sparse._idx, sparse._size)
    if alpha == 1:
        np.add.at(flat, at, rows)
    else:
        scatter_fma(flat, at, alpha, rows)
    return out


def _negated(forward):
    return lambda dense, sparse, alpha, dtype: forward(dense, sparse, -alpha, dtype)


_add_sparse = Primitive(
    "add_sparse",
    "AddBackward0",
    _add_forward,
    self=lambda grad: grad,
    attrs=("alpha",),
    jvp=DIAGONAL,
)
_sub_sparse = Primitive(
    "sub_sparse",
    "SubBackward0",
    _negated(_add_forward),
    self=lambda grad: grad,
    attrs=("alpha",),
    jvp=DIAGONAL,
)


def _add_kernel(prim: Primitive):
    """The kernel of ``add`` or ``sub`` (``prim``): dense first, sparse second, same size."""

    def kernel(input, other, alpha=1) -> Tensor:
        if getattr(input, "is_sparse", False):
            if getattr(other, "is_sparse", False):
                return NotImplemented
            raise RuntimeError(
                "add(sparse, dense) is not supported. Use add(dense, sparse) instead."
            )
        if not isinstance(input, Tensor):
            return NotImplemented  # a number plus a sparse tensor
        if input.shape != other.shape:
            raise RuntimeError(
                f"add: expected 'self' and 'other' to have same size, but self has size "
                f"{list(input.shape)} while other has size {list(other.shape)} (FYI: "
                "dense-sparse addition does not currently support broadcasting)"
            )
        dtype = result_type(input, other)
        return apply(prim, input, sparse=other, alpha=alpha, dtype=dtype)

    return kernel


SPARSE_KERNELS[_mm] = _mm_kernel
SPARSE_KERNELS[_add] = _add_kernel(_add_sparse)
SPARSE_KERNELS[_sub] = _add_kernel(_sub_sparse)

__all__ = ["spmm"]
