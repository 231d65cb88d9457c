"""BLAS-style products composed from ``addmm``, ``tensordot``, ``dot`` and ``matmul``:
inner, vdot, addmv, addr, addbmm, matrix_power.

>>> import graphgrad as torch
>>> torch.addmv(torch.ones(2), torch.ones(2, 3), torch.tensor([1.0, 2.0, 3.0]), beta=0.5)
tensor([6.5000, 6.5000])
"""

from __future__ import annotations

import numpy as np

from ...dtypes import result_type
from ...tensor import Tensor
from ..convert import to
from ..einsum import tensordot
from ..elementwise import add, mul
from ..inplace import inplace
from .inverse import inv as inverse
from .matmul import matmul
from .products import _broadcast_check, addmm, bmm, dot, outer


def inner(input: Tensor, other: Tensor) -> Tensor:
    """The sum of products over the last dim of both (a product if either is 0-d).

    Args:
        input: a tensor.
        other: a tensor of ``input``'s dtype whose last dim matches ``input``'s.

    >>> import graphgrad as torch
    >>> torch.inner(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 10.0]))
    tensor([21., 43.])
    """
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    if input.dtype != other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    return tensordot(input, other, dims=([-1], [-1]))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two 1-d tensors (``input`` conjugated: the same for real ones).

    Args:
        input: a 1-d tensor.
        other: a 1-d tensor of the same length and dtype.

    >>> import graphgrad as torch
    >>> torch.vdot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor(11.)
    """
    return dot(input, other)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)`` (``input`` ignored, NaN included, if beta is 0).

    Args:
        input: a vector of ``mat``'s row count (or one element), added.
        mat: an ``(n, m)`` matrix.
        vec: an ``(m,)`` vector.
        beta: the multiplier of ``input``.
        alpha: the multiplier of the product.

    >>> import graphgrad as torch
    >>> torch.addmv(torch.tensor([1.0, 0.0]), torch.eye(2), torch.tensor([2.0, 3.0]), alpha=2)
    tensor([5., 6.])
    """
    if mat.ndim != 2 or vec.ndim != 1 or input.ndim > 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}"
        )
    n, m = mat.shape
    if vec.shape[0] != m or input.numel() not in (1, n):
        raise RuntimeError(
            f"size mismatch, got input ({input.numel()}), mat ({n}x{m}), vec ({vec.shape[0]})"
        )
    if not input.dtype == mat.dtype == vec.dtype:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{input.dtype.legacy}, {mat.dtype.legacy}, and {vec.dtype.legacy}"
        )
    column = input.reshape(-1, 1) if input.ndim == 1 else input
    return addmm(column, mat, vec.reshape(m, 1), beta=beta, alpha=alpha).reshape(n)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)`` (``input`` ignored if beta is 0).

    Args:
        input: added, broadcast to ``(len(vec1), len(vec2))``.
        vec1: the column vector.
        vec2: the row vector.
        beta: the multiplier of ``input`` (an integer for integer tensors).
        alpha: the multiplier of the outer product (an integer for integer tensors).

    >>> import graphgrad as torch
    >>> torch.addr(torch.zeros(2, 2), torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    _broadcast_check(input, (vec1.shape[0], vec2.shape[0]))
    kinds = (input.dtype, vec1.dtype, vec2.dtype)
    if not any(k.is_floating_point for k in kinds):
        for name, value in (("beta", beta), ("alpha", alpha)):
            if isinstance(value, float):
                raise RuntimeError(
                    f"For integral input tensors, argument {name} must not be a floating "
                    "point number."
                )
    product = outer(vec1, vec2)
    product = product if alpha == 1 else mul(product, alpha)
    if beta == 0:
        return to(product, result_type(input, vec1, vec2))
    return add(input if beta == 1 else mul(input, beta), product)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * sum_i(batch1[i] @ batch2[i])``.

    Args:
        input: added, broadcast to ``(n, p)``.
        batch1: ``(b, n, m)``.
        batch2: ``(b, m, p)``.
        beta: the multiplier of ``input``.
        alpha: the multiplier of the summed products.

    >>> import graphgrad as torch
    >>> torch.addbmm(torch.zeros(1, 1), torch.ones(3, 1, 2), torch.ones(3, 2, 1))
    tensor([[6.]])
    """
    if batch1.ndim != 3 or batch2.ndim != 3:
        bmm(batch1.detach(), batch2.detach())  # PyTorch's errors for the dims
    b, n, m = batch1.shape
    p = batch2.shape[2]
    if batch2.shape[0] != b:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {b} and {batch2.shape[0]}"
        )
    if batch2.shape[1] != m:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{m} and {batch2.shape[1]}x{p})")
    _broadcast_check(input, (n, p))
    # The sum of the batch's products is one product of the batches laid side by side.
    wide = batch1.transpose(0, 1).reshape(n, b * m)
    return addmm(input, wide, batch2.reshape(b * m, p), beta=beta, alpha=alpha)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """The ``n``-th power of a square matrix (or a batch of them); ``n < 0`` inverts first.

    Multiplied in PyTorch's order (``n``'s binary digits), so results agree to rounding.

    Args:
        input: ``(*, k, k)`` matrices.
        n: the power; 0 gives identities.

    >>> import graphgrad as torch
    >>> torch.matrix_power(torch.tensor([[1.0, 1.0], [1.0, 0.0]]), 5)
    tensor([[8., 5.],
            [5., 3.]])
    """
    if input.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_power: The input tensor A must have at least 2 dimensions."
        )
    rows, cols = input.shape[-2:]
    if rows != cols:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{rows} by {cols} matrices"
        )
    if n == 0:
        eye = np.broadcast_to(np.eye(rows, dtype=input.dtype.np), input.shape)
        return Tensor._make(eye.copy())
    a = inverse(input) if n < 0 else input
    n = abs(n)
    if n == 1:
        return a.clone()
    if n <= 3:
        square = matmul(a, a)
        return square if n == 2 else matmul(square, a)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    assert result is not None  # n > 3 has a set bit
    return result


def _addmv_inplace():
    method = inplace(addmv)
    method.__doc__ = """In-place version of ``Tensor.addmv``: writes ``self.addmv(...)`` into
    ``self`` and returns ``self``. See ``graphgrad.addmv`` for the arguments ``mat``, ``vec``,
    ``beta`` and ``alpha``.

    >>> import graphgrad as torch
    >>> x = torch.ones(2)
    >>> x.addmv_(torch.eye(2), torch.tensor([2.0, 3.0])) is x, x
    (True, tensor([3., 4.]))
    """
    return method


METHODS = {name: globals()[name] for name in "inner vdot addmv addr addbmm matrix_power".split()}
# addmv_ has its own example: the generated one starts from a matrix, and addmv adds a vector.
METHODS["addmv_"] = _addmv_inplace()
INPLACE = ("addr", "addbmm")
__all__ = "inner vdot addmv addr addbmm matrix_power".split()
