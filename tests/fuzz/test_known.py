"""The entries of known.py that name a case: each explains the differences it names, and only
those (a similar case outside it is still a difference)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")  # the oracle

from . import oracle
from .known import NO_SCALAR, Case, explained

F32_MAX = np.finfo(np.float32).max
CASES = [
    # (op, fn, arrays, noncontig, scalar, scalar_first): PyTorch's backward raises
    ("pow", lambda T, x, e: T.pow(x, e), [np.float32([0.5, 2]), np.array([True, False])],
     None, NO_SCALAR, False),
    ("pow", lambda T, x: False ** x, [np.float32([0.5, 2])], None, False, True),
    # PyTorch's exponent - 1 wraps in int8
    ("pow", lambda T, x, e: T.pow(x, e), [np.float32([-0.0, 2]), np.int8([-128, -128])],
     None, NO_SCALAR, False),
    # PyTorch's scalar loop keeps the double exponent (a short tensor)
    ("pow", lambda T, x: x**1e-310, [np.int64([0, -1, 2])], None, 1e-310, False),
    ("pow", lambda T, x: x**False, [np.float32([0.0, 1.5, -2.0])], None, False, False),
    # the order of PyTorch's cascade sum: a difference on this AVX2 machine, maybe not elsewhere
    ("nansum", lambda T, x: T.nansum(x), [np.float32([F32_MAX, F32_MAX, 0, 0, -np.inf])], None,
     NO_SCALAR, False),
    # PyTorch's i1 and i1e backward give 0.5 at NaN
    ("special_i1", lambda T, x: T.special.i1(x), [np.float32([np.nan, 0.26])], None, NO_SCALAR,
     False),
    ("special_i1e", lambda T, x: T.special.i1e(x), [np.float64([1.5, np.nan])], None, NO_SCALAR,
     False),
    # PyTorch's vectorised and scalar loops differ (the first 8 or 16 elements are vectorised)
    ("hardtanh", lambda T, x: T.nn.functional.hardtanh(x), [np.full(17, np.nan)], None,
     NO_SCALAR, False),
    ("softshrink", lambda T, x: T.nn.functional.softshrink(x), [np.full(17, -0.1)], None,
     NO_SCALAR, False),
    # a float32 matrix of condition number 542: its pinv's gradient differs by 1%
    ("linalg_pinv", lambda T, x: T.linalg.pinv(x), [np.float32([[-0.0, -0.5623159, 1.1392217],
     [-0.0, -0.8226858, 1.6909027], [1.4773262, -0.5434463, 1.8927072]])], None, NO_SCALAR,
     False),
    # a zero weight and bias: PyTorch's x * alpha + beta gives +0.0 where x_hat * w + b keeps
    # the product's sign
    ("batch_norm", lambda T, x, w, b: T.nn.functional.batch_norm(x, None, None, w, b, True),
     [np.float32([[0.5, -1.0], [-0.5, 1.0], [1.5, 2.0]]), np.float32([1.3, -0.0]),
      np.float32([-1.0, -0.0])], None, NO_SCALAR, False),
    # PyTorch fuses self + alpha * src: -max + 2 * max is max there, inf here
    ("index_add", lambda T, a, b: a.index_add(0, T.tensor([0]), b, alpha=2),
     [np.full((1, 3), -F32_MAX), np.full((1, 3), F32_MAX)], None, NO_SCALAR, False),
    # hermitian: a + a^T (condition number 27) of a matrix of condition number 7.5
    ("linalg_pinv", lambda T, a: T.linalg.pinv(a + a.mT, hermitian=True), [np.float32(
     [[-1.0, -0.550144, 0.8039634], [-0.0786756, 1.7189393, -1.0],
      [0.61830175, 0.12822196, -0.2987999]])], (True,), NO_SCALAR, False),
    # a row of -0.0 and +0.0: torch's vectorised min returns the other zero
    ("amin", lambda T, x: T.amin(x, 1), [np.float32([[-0.9, 0.6, -0.91, 1.7],
     [0.87, -0.0, 0.0, 0.36], [0.36, -0.22, 0.82, -1.04]])], None, NO_SCALAR, False),
    # PyTorch's pow gradient computes exponent - 1 in the exponent's float32
    ("pow", lambda T, x, e: T.pow(x, e), [np.float64(-2.0**-52), np.float32(-2.0**-52)], None,
     NO_SCALAR, False),
    # as_strided of a non-contiguous input addresses PyTorch's storage
    ("as_strided", lambda T, x: x.as_strided((2,), (1,)), [np.float32([-0.0, -0.0])],
     (True,), NO_SCALAR, False),
]  # fmt: skip


# differences that depend on PyTorch's kernels (none with ATEN_CPU_CAPABILITY=default's scalar
# loops) or on the last bits of a LAPACK
_KERNEL_DEPENDENT = {"nansum", "hardtanh", "softshrink", "linalg_pinv", "amin"}


@pytest.mark.parametrize(("op", "fn", "arrays", "noncontig", "scalar", "first"), CASES)
def test_a_named_difference_is_explained(op, fn, arrays, noncontig, scalar, first):
    noncontig = noncontig or (False,) * len(arrays)
    ours = oracle.run(oracle.graphgrad, fn, arrays, noncontig, grad=True)
    theirs = oracle.run(oracle.torch, fn, arrays, noncontig, grad=True)
    if op not in _KERNEL_DEPENDENT:  # there is one to explain, whatever the CPU
        assert oracle.differences(ours, theirs, 1e-6, 0.0)
    oracle.check(op, fn, arrays, noncontig=noncontig, scalar=scalar, scalar_first=first,
                 special=True)  # fmt: skip


@pytest.mark.parametrize(
    ("op", "kind", "case"),
    [
        ("pow", "error", Case([np.float32([1])], np.False_, True)),  # PyTorch handles np.bool_
        ("pow", "error", Case([np.float32([1]), np.int8([1])])),  # not a bool exponent
        ("pow", "grad_value", Case([np.float32([1]), np.int8([-127])])),  # not the minimum
        ("pow", "nan", Case([np.float64([0.0])], 1e-310, False)),  # float64 keeps it
        ("pow", "grad_zero_sign", Case([np.float32([1])], True, False)),
        ("nansum", "nan", Case([np.float32([F32_MAX, F32_MAX, np.nan])])),
        ("special_i1", "grad_nan", Case([np.float32([np.inf, 0.5])])),  # inf, not NaN
        ("index_add", "value", Case([np.float32([1e38, -1e38]), np.float32([np.inf])])),
        ("amin", "zero_sign", Case([np.float32([0.0, 0.0, 1.0])])),  # one sign only
        ("pow", "grad_nan", Case([np.float64([-1.0]), np.float32([-1e-3])])),  # not tiny
        ("pow", "grad_nan", Case([np.float32([-1.0]), np.float32([-1e-17])])),  # not float64
    ],
)
def test_a_similar_difference_outside_the_case_is_not_explained(op, kind, case):
    assert explained(op, kind, special=True, case=case) is None


def test_qr_sign_choice_is_explained_only_with_an_exact_zero():
    zero = Case([np.array([[-0.0, 0.49], [1.78, -1.1], [-0.0, -0.71]])])
    no_zero = Case([np.array([[-0.1, 0.49], [1.78, -1.1], [-0.2, -0.71]])])
    assert explained("linalg_qr", "value", special=False, case=zero) is not None
    assert explained("linalg_qr", "value", special=False, case=no_zero) is None
    assert explained("linalg_qr", "error", special=False, case=no_zero) is None


@pytest.mark.parametrize(
    ("op", "kind", "case"),
    [
        ("linalg_pinv", "grad_value", Case([np.float32([[2, 1], [1, 2]])])),  # cond 3
        ("linalg_pinv", "grad_value", Case([np.float64([[1, 1], [1, 1 + 1e-9]])])),  # float64
        ("batch_norm", "zero_sign", Case([np.ones((3, 2)), np.float32([0, 1]), np.ones(2)])),
    ],
)
def test_a_similar_difference_without_special_values_is_not_explained(op, kind, case):
    # (with special values these ops' kernels explain any difference: known.KERNEL)
    assert explained(op, kind, special=False, case=case) is None
