"""Matrix products: mm, and matmul in its 1-D / 2-D / batched forms.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> (a @ torch.ones(3, 4)).grad_fn.name()
'MmBackward0'
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .primitive import Primitive, apply

# Below this many multiply-adds, accumulate k by k in the input dtype as PyTorch's CPU kernel
# does for small matrices (spec 4.3): same bits, including -0.0 when K == 1.
_SMALL_MATMUL = 4096


def matmul_arrays(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for 2-D arrays, bit-compatible with PyTorch for small sizes."""
    m, k = a.shape
    n = b.shape[1]
    if k == 0 or m * n * k > _SMALL_MATMUL or a.dtype.kind not in "fc":
        return np.matmul(a, b)
    c = a[:, 0:1] * b[0:1, :]
    for i in range(1, k):
        c = c + a[:, i : i + 1] * b[i : i + 1, :]
    return c


def _mm_check(a: Tensor, b: Tensor) -> None:
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    dtype_check(a, b)


def dtype_check(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(a)} != {_c_name(b)}"
        )


def _c_name(t: Tensor) -> str:
    """The C type name PyTorch's matmul dtype messages use (float, double, long int...)."""
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "float16": "c10::Half", "bool": "bool", "uint8": "unsigned char"}.get(
        t.dtype.name, t.dtype.name)


def _strides(shape: tuple) -> tuple:
    out, acc = [], 1
    for d in reversed(shape):
        out.append(acc)
        acc *= d
    return tuple(reversed(out))


def _saved_geometry(name: str):
    """``*_sym_sizes`` are always kept; ``*_sym_strides`` only when that input needs a gradient."""
    src, kind = name.rsplit("_sym_", 1)
    index = 0 if src == "self" else 1

    def read(node):
        shape = node._meta[index][0]
        if kind == "sizes":
            return shape
        return _strides(shape) if node._next_functions[index][0] is not None else ()

    return read


_mm = Primitive(
    "mm", "MmBackward0",
    matmul_arrays,
    (lambda g, s: mm(g, s["mat2"].mT), lambda g, s: mm(s["self"].mT, g)),
    inputs=("self", "mat2"), saves={"mat2": (0,), "self": (1,)},
    attrs=("mat2", "mat2_sym_sizes", "mat2_sym_strides", "self", "self_sym_sizes",
           "self_sym_strides"),
    display={n: _saved_geometry(n) for n in ("mat2_sym_sizes", "mat2_sym_strides",
                                             "self_sym_sizes", "self_sym_strides")},
)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors (torch.mm)."""
    _mm_check(input, mat2)
    return apply(_mm, input, mat2)
