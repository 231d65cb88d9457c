"""Matrix products: mm, bmm, mv, dot, addmm, baddbmm, outer, and matmul in all its forms.

``matmul``, which composes these as PyTorch does, is in ``matmul.py``.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> (a @ torch.ones(3, 4)).grad_fn.name()
'MmBackward0'
>>> (torch.ones(3, requires_grad=True) @ torch.ones(3, 4)).grad_fn.name()
'SqueezeBackward4'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...tensor import Tensor
from ..primitive import MULTILINEAR, Primitive, apply, sparse_call

# Below this many multiply-adds, accumulate k by k in the input dtype as PyTorch's CPU kernel
# does for small matrices (spec 4.3): same bits, including -0.0 when K == 1.
_SMALL_MATMUL = 4096
_SMALL_K = 64  # and a short sum: a long dot product goes to BLAS


def matmul_arrays(a: np.ndarray, b: np.ndarray, init: np.ndarray | None = None) -> np.ndarray:
    """``init + a @ b`` for (batches of) matrices, bit-compatible with PyTorch for small sizes.

    The small path starts from the first product (or from ``init``) and adds ``a[:, k] *
    b[k, :]`` for k ascending, each rounded in the input dtype.
    """
    m, k = a.shape[-2:]
    n = b.shape[-1]
    size = m * n * k * (a.size // (m * k) if m * k else 1)
    if k == 0 or k > _SMALL_K or size > _SMALL_MATMUL or a.dtype.kind not in "fc":
        out = np.matmul(a, b)
        return out if init is None else init + out
    # All k products at once, then a running sum over k: np.add.accumulate adds in order with
    # each step rounded in the dtype, so the bits are those of the k-step loop, in 3 NumPy calls.
    prods = a[..., :, :, None] * b[..., None, :, :]  # (..., m, k, n)
    if init is not None:
        prods[..., :, 0, :] = init + prods[..., :, 0, :]
    return np.ascontiguousarray(np.add.accumulate(prods, axis=-2)[..., -1, :])


# -- checks and the saved geometry PyTorch shows ------------------------------------------------
def dtype_check(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype.cpp} != {b.dtype.cpp}"
        )


def _mm_check(a: Tensor, b: Tensor) -> None:
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _shapes_check(a, b)
    dtype_check(a, b)


def _shapes_check(a: Tensor, b: Tensor) -> None:
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )


def _geometry(names: tuple[str, ...], first: int) -> dict:
    """``<name>_sym_sizes`` (always shown) and ``<name>_sym_strides`` (shown only when that
    input needs a gradient, as in PyTorch) for the inputs ``names``, from slot ``first`` on."""
    display: dict[str, Callable] = {}
    for i, name in enumerate(names):
        slot = first + i
        display[f"{name}_sym_sizes"] = lambda node, slot=slot: node._meta[slot][0]
        display[f"{name}_sym_strides"] = lambda node, slot=slot, name=name: (
            node._saved[f"{name}_strides"] if node._next_nodes[slot] is not None else ()
        )
    return display


def _broadcast_check(input: Tensor, shape: tuple) -> None:
    """The added term must broadcast to the product's shape (PyTorch's expand error)."""
    have = input._data.shape
    if len(have) <= len(shape) and all(
        h == 1 or h == s for h, s in zip(reversed(have), reversed(shape))
    ):
        return  # (the usual bias of nn.Linear: no tensors made to check it)
    input.detach().expand(shape)  # raises the error


def _strides(a: Tensor) -> tuple:
    return tuple(s // a._data.itemsize for s in a._data.strides)


def _column_major(strides: tuple, rows: int) -> bool:
    return strides[0] == 1 and strides[1] == rows


# PyTorch's mm_mat1_backward / mm_mat2_backward: a column-major factor (``W.t()`` in nn.Linear)
# gets its gradient column-major too, so the leaf's gradient comes out contiguous (PyTorch's
# layout) and the optimiser's elementwise updates run on matching layouts.
def _mat1_backward(grad, mat2, strides: tuple, alpha, xp):
    if _column_major(strides, grad.shape[0]):
        return _scaled(xp.mT(xp.mm(mat2, xp.mT(grad))), alpha)
    return _scaled(xp.mm(grad, xp.mT(mat2)), alpha)


def _mat2_backward(grad, mat1, strides: tuple, alpha, xp):
    if _column_major(strides, mat1.shape[1]):
        return _scaled(xp.mT(xp.mm(xp.mT(grad), mat1)), alpha)
    return _scaled(xp.mm(xp.mT(mat1), grad), alpha)


# -- mm, bmm, mv, dot --------------------------------------------------------------------------
_mm = Primitive(
    "mm",
    "MmBackward0",
    lambda a, b, **_: matmul_arrays(a, b),
    self=lambda grad, mat2, self_strides, xp: _mat1_backward(grad, mat2, self_strides, 1, xp),
    mat2=lambda grad, self, mat2_strides, xp: _mat2_backward(grad, self, mat2_strides, 1, xp),
    attrs=(
        "mat2",
        "mat2_sym_sizes",
        "mat2_sym_strides",
        "self",
        "self_sym_sizes",
        "self_sym_strides",
    ),
    display=_geometry(("self", "mat2"), 0),
    jvp=MULTILINEAR,
)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The matrix product of two 2-D tensors (no broadcasting; see ``matmul``). One of them
    may be a sparse COO matrix (docs/sparse.md): the product is then dense.

    Args:
        input: ``(n, m)``.
        mat2: ``(m, p)``.

    >>> torch.mm(torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0], [4.0]]))
    tensor([[11.]])
    """
    if input.is_sparse or mat2.is_sparse:  # before the dense checks: PyTorch's sparse ones
        return sparse_call(_mm, (input, mat2), {})
    _mm_check(input, mat2)
    if input.dtype.name == "bool":  # PyTorch has no bool product kernel
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    return apply(_mm, input, mat2, self_strides=_strides(input), mat2_strides=_strides(mat2))


_bmm = Primitive(
    "bmm",
    "BmmBackward0",
    lambda a, b: matmul_arrays(a, b),
    self=lambda grad, mat2, xp: xp.bmm(grad, xp.mT(mat2)),
    mat2=lambda grad, self, xp: xp.bmm(xp.mT(self), grad),
    jvp=MULTILINEAR,
)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors.

    Args:
        input: ``(b, n, m)``.
        mat2: ``(b, m, p)``.

    >>> torch.bmm(torch.ones(2, 1, 3), torch.ones(2, 3, 4)).shape
    torch.Size([2, 1, 4])
    """
    for name, x in (("batch1", input), ("batch2", mat2)):
        if x.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    b, _, k = input.shape
    if tuple(mat2.shape[:2]) != (b, k):
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but "
            f"got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy} but found {mat2.dtype.legacy}"
        )
    return apply(_bmm, input, mat2)


_mv = Primitive(
    "mv",
    "MvBackward0",
    lambda a, v: matmul_arrays(a, v[:, None])[:, 0],
    self=lambda grad, vec, xp: xp.unsqueeze(grad, 1) * vec,
    vec=lambda grad, self, xp: xp.mv(xp.mT(self), grad),
    jvp=MULTILINEAR,
)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The product of a matrix and a vector.

    Args:
        input: ``(n, m)``.
        vec: ``(m,)``.

    >>> torch.mv(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([1.0, 1.0]))
    tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat "
            f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})"
        )
    if input.dtype is not vec.dtype:
        v, m = vec.dtype.legacy, input.dtype.legacy
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}"
        )
    return apply(_mv, input, vec)


_dot = Primitive(
    "dot",
    "DotBackward0",
    lambda a, b: matmul_arrays(a[None, :], b[:, None])[0, 0],
    self=lambda grad, tensor: grad * tensor,
    tensor=lambda grad, self: grad * self,
    jvp=MULTILINEAR,
)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two 1-D tensors.

    Args:
        input: ``(n,)``.
        tensor: ``(n,)``.

    >>> torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.shape[0] != tensor.shape[0]:
        n, m = input.shape[0], tensor.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    if input.dtype is not tensor.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{input.dtype.legacy} and {tensor.dtype.legacy}"
        )
    if input.dtype.name == "bool":
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    return apply(_dot, input, tensor)


# -- addmm, baddbmm ----------------------------------------------------------------------------
def _addmm_forward(bias, a, b, beta, alpha, **_):
    if beta == 1 and alpha == 1 and b.flags.c_contiguous:
        # PyTorch's kernel starts the accumulation from the bias when mat2 is row-major
        init = np.broadcast_to(bias, a.shape[:-1] + b.shape[-1:])
        return matmul_arrays(a, b, init=init)
    out = matmul_arrays(a, b)
    if alpha != 1:
        out = alpha * out
    return out if beta == 0 else out + (bias if beta == 1 else beta * bias)


def _scaled(g: Tensor, factor) -> Tensor:
    return g if factor == 1 else g * factor


_addmm = Primitive(
    "addmm",
    "AddmmBackward0",
    _addmm_forward,
    self=lambda grad, beta: _scaled(grad, beta),
    mat1=lambda grad, mat2, mat1_strides, alpha, xp: _mat1_backward(
        grad, mat2, mat1_strides, alpha, xp
    ),
    mat2=lambda grad, mat1, mat2_strides, alpha, xp: _mat2_backward(
        grad, mat1, mat2_strides, alpha, xp
    ),
    attrs=(
        "alpha",
        "beta",
        "mat1",
        "mat1_sym_sizes",
        "mat1_sym_strides",
        "mat2",
        "mat2_sym_sizes",
        "mat2_sym_strides",
    ),
    display=_geometry(("mat1", "mat2"), 1),
    jvp=(
        lambda t, s: _scaled(t, s["beta"]),
        lambda t, s: _scaled(mm(t, s["mat2"]), s["alpha"]),
        lambda t, s: _scaled(mm(s["mat1"], t), s["alpha"]),
    ),
)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``: what ``nn.Linear`` computes with a bias.

    Args:
        input: added, broadcast to ``(n, p)``.
        mat1: ``(n, m)``.
        mat2: ``(m, p)``.
        beta: the multiplier of ``input``.
        alpha: the multiplier of the product.

    >>> torch.addmm(torch.tensor([1.0, 1.0]), torch.tensor([[1.0, 2.0]]), torch.eye(2), beta=0.5)
    tensor([[1.5000, 2.5000]])
    """
    for name, x in (("mat1", mat1), ("mat2", mat2)):
        if x.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {x.ndim}-D tensor")
    _shapes_check(mat1, mat2)
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(
            "mat1 and mat2 must have the same dtype, but got "
            f"{mat1.dtype.legacy} and {mat2.dtype.legacy}"
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            "self and mat2 must have the same dtype, but got "
            f"{input.dtype.legacy} and {mat2.dtype.legacy}"
        )
    _broadcast_check(input, (mat1.shape[0], mat2.shape[1]))
    return apply(
        _addmm,
        input,
        mat1,
        mat2,
        beta=beta,
        alpha=alpha,
        mat1_strides=_strides(mat1),
        mat2_strides=_strides(mat2),
    )


_baddbmm = Primitive(
    "baddbmm",
    "BaddbmmBackward0",
    lambda bias, a, b, beta, alpha: _addmm_forward(bias, a, b, beta, alpha),
    self=lambda grad, beta: _scaled(grad, beta),
    batch1=lambda grad, batch2, alpha, xp: _scaled(xp.bmm(grad, xp.mT(batch2)), alpha),
    batch2=lambda grad, batch1, alpha, xp: _scaled(xp.bmm(xp.mT(batch1), grad), alpha),
    attrs=("alpha", "batch1", "batch2", "beta"),
    jvp=(
        lambda t, s: _scaled(t, s["beta"]),
        lambda t, s: _scaled(bmm(t, s["batch2"]), s["alpha"]),
        lambda t, s: _scaled(bmm(s["batch1"], t), s["alpha"]),
    ),
)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)``, batched.

    Args:
        input: added, broadcast to ``(b, n, p)``.
        batch1: ``(b, n, m)``.
        batch2: ``(b, m, p)``.
        beta: the multiplier of ``input``.
        alpha: the multiplier of the product.

    >>> torch.baddbmm(torch.zeros(2, 1, 1), torch.ones(2, 1, 3), torch.ones(2, 3, 1)).flatten()
    tensor([3., 3.])
    """
    bmm(batch1.detach(), batch2.detach())  # PyTorch's shape and dtype errors
    _broadcast_check(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]))
    return apply(_baddbmm, input, batch1, batch2, beta=beta, alpha=alpha)


# -- outer ---------------------------------------------------------------------------------------
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors (``ger`` is the same).

    Args:
        input: ``(n,)``.
        vec2: ``(m,)``.

    >>> torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
    tensor([[3., 4.],
            [6., 8.]])
    """
    for name, x in (("self", input), ("vec2", vec2)):
        if x.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {x.ndim}-D")
    return input.reshape(input.shape[0], 1) * vec2


ger = outer


__all__ = ["addmm", "baddbmm", "bmm", "dot", "ger", "mm", "mv", "outer"]

METHODS = {name: globals()[name] for name in __all__}
