"""Known, explained differences from torch: the one list the fuzz tests consult.

Each entry: the op (a registry name or a public function's name, as the fuzz tests name
cases), the kind of difference (``value``, ``nan``, ``zero_sign``, ``dtype``, ``error``,
``grad_value``, ``grad_nan``, ``grad_zero_sign``, ``grad_none``, ``shape``), whether it only
happens with special inputs (±inf, NaN, denormals, the dtype's max), and why. An entry for
one narrow case (most of all a PyTorch bug, or a result that depends on which of PyTorch's CPU
kernels runs) also names that case: a predicate on the inputs and the scalar operand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

NO_SCALAR = object()


@dataclass
class Case:
    """What an entry's ``case`` predicate may look at: the input arrays, and the scalar
    operand of ``test_binary_scalar`` (``NO_SCALAR`` elsewhere) with whether it came first."""

    arrays: list = field(default_factory=list)
    scalar: object = NO_SCALAR
    scalar_first: bool = False


class Known(NamedTuple):
    op: str
    kind: str
    when: str  # "any", "special" (only with special inputs), "noncontig" (non-contiguous input)
    reason: str
    case: Callable[[Case], bool] | None = None  # when given, the only cases it explains


def _bool_exponent(c: Case) -> bool:
    """A float base to a bool exponent tensor, or a Python bool base (``False ** t``)."""
    if c.scalar is not NO_SCALAR:
        return c.scalar_first and type(c.scalar) is bool
    return len(c.arrays) == 2 and c.arrays[0].dtype.kind == "f" and c.arrays[1].dtype == bool


def _false_exponent(c: Case) -> bool:
    return not c.scalar_first and type(c.scalar) is bool and not c.scalar


def _int_min_exponent(c: Case) -> bool:
    """An exponent tensor of a signed integer dtype holding the dtype's minimum."""
    if c.scalar is not NO_SCALAR or len(c.arrays) != 2 or c.arrays[1].dtype.kind != "i":
        return False
    return bool(np.any(c.arrays[1] == np.iinfo(c.arrays[1].dtype).min))


def _float64_only_exponent(c: Case) -> bool:
    """A nonzero float scalar exponent that float32 rounds to 0 (1e-310), on a tensor that is
    not float64."""
    s = c.scalar
    if c.scalar is NO_SCALAR or c.scalar_first or isinstance(s, (bool, np.bool_)):
        return False
    if not isinstance(s, (float, np.floating)) or c.arrays[0].dtype == np.float64:
        return False
    return s != 0 and np.float32(s) == 0


def _tiny_float32_exponent(c: Case) -> bool:
    """A float64 base to a float32 exponent tensor holding a nonzero below 2**-24 in size
    (``exponent - 1`` rounds to -1 in float32)."""
    if c.scalar is not NO_SCALAR or len(c.arrays) != 2:
        return False
    base, exponent = c.arrays
    if base.dtype != np.float64 or exponent.dtype != np.float32:
        return False
    return bool(np.any((exponent != 0) & (np.abs(exponent) < 2.0**-24)))


def _exact_zero(c: Case) -> bool:
    """An input holding an exact zero (of either sign)."""
    return any(a.dtype.kind == "f" and bool(np.any(a == 0)) for a in c.arrays)


def _has_nan(c: Case) -> bool:
    """An input holding a NaN."""
    return any(a.dtype.kind == "f" and bool(np.any(np.isnan(a))) for a in c.arrays)


def _ill_conditioned_float32(c: Case) -> bool:
    """A float32 matrix input (or, square, its symmetric part ``a + a^T``, which the hermitian
    samples invert) whose condition number passes 20: its float32 inverse differs by about
    cond * eps between LAPACKs, and the gradient by about cond**2 * eps of its largest entry,
    past the fuzz tests' absolute tolerance once entries reach tens."""
    for a in c.arrays:
        if a.dtype != np.float32 or a.ndim < 2 or not np.isfinite(a).all():
            continue
        m = a.astype(np.float64)
        forms = [m, m + np.swapaxes(m, -1, -2)] if a.shape[-1] == a.shape[-2] else [m]
        with np.errstate(all="ignore"):
            if any(np.any(np.linalg.cond(f) > 20) for f in forms):
                return True
    return False


def _zero_affine(c: Case) -> bool:
    """batch_norm's weight and bias (its 2nd and 3rd inputs) share an exact zero position."""
    if len(c.arrays) < 3 or c.arrays[1].shape != c.arrays[2].shape:
        return False
    return bool(np.any((c.arrays[1] == 0) & (c.arrays[2] == 0)))


def _zeros_of_both_signs(c: Case) -> bool:
    """An input holding both -0.0 and +0.0."""
    return any(
        a.dtype.kind == "f"
        and bool(np.any((a == 0) & np.signbit(a)))
        and bool(np.any((a == 0) & ~np.signbit(a)))
        for a in c.arrays
    )


def _huge_of_both_signs(c: Case) -> bool:
    """An input holding values beyond half the float max (inf included) of both signs."""
    for a in c.arrays:
        if a.dtype.kind == "f" and a.size:
            half = np.finfo(a.dtype).max / 2
            if np.any(a >= half) and np.any(a <= -half):
                return True
    return False


def _beyond_half_max(c: Case) -> bool:
    """An input holding a finite value beyond half its dtype's max (doubling it overflows)."""
    for a in c.arrays:
        if a.dtype.kind == "f" and a.size:
            big = np.abs(a[np.isfinite(a)])
            if np.any(big >= np.finfo(a.dtype).max / 2):
                return True
    return False


def _float64_subnormal(c: Case) -> bool:
    """A float64 input holding a subnormal (below 2**-1022 in magnitude, not zero)."""
    tiny = np.finfo(np.float64).tiny
    return any(
        a.dtype == np.float64 and bool(np.any((a != 0) & (np.abs(a) < tiny))) for a in c.arrays
    )


ROUTE = (
    "a zero of the other sign in a gradient: the rule computes the same value by another "
    "route (PyTorch writes into zeros where graphgrad multiplies by a mask or a zero)"
)
KERNEL = (
    "with special inputs the result depends on the kernel's order of operations (BLAS, "
    "LAPACK or PyTorch's fused CPU kernel): inf - inf or 0 * inf appears in one and not the other"
)
VECTOR_FMOD = (
    "fmod and remainder of a float64 near its max: PyTorch's vectorised kernel (AVX2, 8 or more "
    "elements) gives NaN where its scalar one (short tensors, or ATEN_CPU_CAPABILITY=default) "
    "gives the exact result, as graphgrad does"
)
CANCEL = (
    "a sum holding both +max and -max: the result is whatever the terms added between them "
    "survive, so it depends on the order PyTorch's vectorised cascade sum adds them in (lanes "
    "per SIMD register: 8 floats with AVX2, 16 with AVX-512); graphgrad sums in NumPy's order"
)
MIXED = (
    "the sample builds a float64 weight, target or running statistic; PyTorch's kernel requires "
    "the input's dtype (or hits its own internal assert), graphgrad promotes"
)

KNOWN: list[Known] = [
    # zero signs by route (also listed in tests/ops/test_primitives.py::ZERO_SIGN_DIFFERENCES)
    *(
        Known(op, "grad_zero_sign", "any", ROUTE)
        for op in ("vector_norm", "einsum", "cumprod", "amax", "amin", "prod", "prod_dim",
                   "inv", "det", "layer_norm", "batch_norm", "max", "min", "max_dim", "min_dim",
                   "median", "median_dim", "std", "var", "logsumexp", "matmul_unsafe_view",
                   "matmul_squeeze", "mm", "bmm", "mv", "dot", "addmm", "baddbmm")
    ),
    *(
        Known(op, "zero_sign", "any", "the sign of a zero sum depends on BLAS's order")
        for op in ("einsum", "matmul_unsafe_view", "matmul_squeeze", "mm", "bmm", "mv", "dot",
                   "addmm", "baddbmm", "convolution", "layer_norm")
    ),
    # special inputs through kernels whose order of operations differs
    *(
        Known(op, kind, "special", KERNEL)
        for op in ("einsum", "det", "inv", "layer_norm", "batch_norm", "prod", "prod_dim",
                   "cumprod", "vector_norm", "std", "var", "std_mean", "var_mean", "nll_loss",
                   "nll_loss2d", "logsumexp", "softmax", "log_softmax", "mm", "bmm", "mv",
                   "dot", "addmm", "baddbmm", "matmul_unsafe_view", "matmul_squeeze",
                   "convolution", "convolution_weight", "sub", "add", "elu", "div", "mean",
                   "elu_", "celu", "celu_", "hardshrink", "softshrink", "hardtanh", "prelu_kernel",
                   "atan2", "avg_pool2d", "avg_pool3d", "gelu", "binary_cross_entropy_with_logits")
        for kind in ("value", "nan", "zero_sign", "grad_value", "grad_nan", "grad_zero_sign")
    ),
    *(
        Known(op, kind, "special", VECTOR_FMOD)
        for op in ("fmod", "fmod_tensor", "remainder", "remainder_tensor")
        for kind in ("value", "nan")
    ),
    *(
        Known(op, "value", "special", CANCEL)
        for op in ("sum", "sum_dim", "nansum", "mean", "mean_dim")
    ),
    *(
        Known(op, "nan", "special", CANCEL + " (+max + +max = inf meets -inf: NaN, or -inf)",
              _huge_of_both_signs)
        for op in ("sum", "sum_dim", "nansum", "mean", "mean_dim", "index_add")
    ),
    Known(
        "clamp_tensor", "zero_sign", "any",
        "a signed zero tied with a zero bound: PyTorch's vectorised loop gives the bound and its "
        "scalar loop (the tail, and non-contiguous operands) the input, so its sign depends on "
        "an element's position and the CPU's vector width; graphgrad gives the bound",
    ),
    Known(
        "pow", "error", "any",
        "PyTorch's backward fails for a bool exponent: a bool exponent tensor raises "
        "'Subtraction, the `-` operator, with a bool tensor is not supported' (its rule "
        "computes exponent - 1 in bool), and a Python bool base (False ** t, True ** t) hits its "
        "internal assert 'unknown ivalue tag 4'; graphgrad gives the gradient (a PyTorch bug)",
        _bool_exponent,
    ),
    *(
        Known("pow", kind, "any",
              "a float base to an integer exponent tensor holding its dtype's minimum "
              "(int8 -128): PyTorch's gradient computes exponent - 1 in the integer dtype, which "
              "wraps to the maximum (127), so base ** 127 where graphgrad takes base ** -129 "
              "(a PyTorch bug)",
              _int_min_exponent)
        for kind in ("grad_value", "grad_nan", "grad_zero_sign")
    ),
    *(
        Known("pow", kind, "any",
              "a tensor (not float64) to a nonzero float scalar that float32 rounds to 0 "
              "(1e-310): PyTorch's vectorised loop takes the exponent as float32, 0, and gives "
              "x ** 0 = 1, as graphgrad does for every element; its scalar loop, which runs the "
              "last elements that do not fill a SIMD register (all of a short tensor), keeps "
              "the double and gives 0 ** 1e-310 = 0 and (-1) ** 1e-310 = NaN (kernel choice)",
              _float64_only_exponent)
        for kind in ("value", "nan", "zero_sign", "grad_value", "grad_nan", "grad_zero_sign")
    ),
    Known("pow", "grad_zero_sign", "any",
          "x ** False: PyTorch's backward does not take the Python bool False as 0 and "
          "computes grad * (0 * x ** -1), a zero with the sign of grad * x; graphgrad gives "
          "+0.0 as for x ** 0 (see the grad_nan entry below)",
          _false_exponent),
    *(
        Known("as_strided", kind, "noncontig", "as for as_strided's values (above)")
        for kind in ("zero_sign", "grad_zero_sign")
    ),
    Known(
        "det", "zero_sign", "any",
        "the sign of a singular matrix's zero determinant comes from the internals of MKL's LU "
        "(torch gives -0.0 for [[0.6, 3.16], [0, 0]], where LU by the book, no pivoting "
        "needed, gives +0.0); graphgrad's NumPy det gives +0.0",
    ),
    *(
        Known(op, "zero_sign", "any",
              "a median tied between -0.0 and +0.0 (equal as numbers): which of the two is "
              "returned depends on the order of the selection algorithm (PyTorch: "
              "std::nth_element; graphgrad: NumPy's partition)")
        for op in ("median", "median_dim")
    ),
    Known(
        "as_strided", "value", "noncontig",
        "graphgrad's as_strided addresses the input's own elements as if contiguous; PyTorch "
        "addresses the underlying storage, which differs for a non-contiguous input; not fixed",
    ),
    Known("as_strided", "nan", "noncontig", "as for as_strided's values (above)"),
    Known("as_strided", "grad_value", "noncontig", "as for as_strided's values (above)"),
    *(Known(op, "error", "any", MIXED) for op in ("nll_loss", "nll_loss2d", "batch_norm")),
    # found by these fuzz tests, not fixed (listed in the report and docs/testing.md)
    *(
        Known(op, "dtype", "any",
              "NumPy scalars (np.bool_, np.float64...) and integer fmod promote as NumPy does; "
              "PyTorch takes a NumPy scalar as a Python scalar of its kind, and fmod of "
              "integers stays integer; not fixed")
        for op in ("add", "sub", "mul", "div", "pow", "fmod", "remainder", "floor_divide",
                   "maximum", "minimum", "eq", "lt", "ge", "ne")
    ),
    *(
        Known(op, "value", "any",
              "a NumPy integer scalar is not wrapped to the tensor's integer dtype, and a "
              "denormal float64 scalar is rounded to float32 before pow; not fixed")
        for op in ("eq", "lt", "ge", "ne", "pow", "add", "sub", "mul")
    ),
    Known("gelu", "zero_sign", "any",
          "gelu(-0.0) and gelu of a large negative float32: PyTorch's vectorised kernel gives "
          "+0.0 where its scalar one (short tensors, float64) gives -0.0, as graphgrad does"),
    Known("pow", "grad_nan", "any",
          "x ** False: PyTorch's backward does not take the bool exponent False as 0 and gives "
          "0 * 0 ** -1 = NaN at x = 0; graphgrad gives the derivative's value, 0; kept",
          _false_exponent),
    Known("abs", "grad_nan", "special",
          "abs's gradient at a NaN input: NaN in graphgrad, torch's sgn gives another value; "
          "not fixed"),
    *(
        Known(op, kind, "any",
              "graphgrad differentiates floor_divide (zero gradient) where PyTorch raises "
              "'derivative for aten::floor_divide is not implemented'; and remainder of huge "
              "integers is computed as a - floor(a / b) * b, which loses them; not fixed")
        for op in ("floor_divide", "remainder")
        for kind in ("error", "value")
    ),
    *(
        Known(op, kind, "any",
              "at ties of +0.0 and -0.0 (or an integer 0) the other zero is returned, and "
              "fmod's gradient in the divisor at a zero divisor is NaN; not fixed")
        for op in ("maximum", "minimum", "fmod", "remainder")
        for kind in ("zero_sign", "grad_nan", "grad_zero_sign", "grad_value")
    ),
    # the decompositions (tensorops20): LAPACK through NumPy, and formulas in the rules
    *(
        Known(op, kind, "special", KERNEL)
        for op in ("cholesky", "linalg_slogdet", "linalg_svd", "linalg_qr", "i0", "linalg_eigh",
                   "linalg_solve", "linalg_pinv")
        for kind in ("value", "nan", "zero_sign", "error", "grad_value", "grad_nan",
                     "grad_zero_sign")
    ),
    *(
        Known(op, "grad_zero_sign", "any", ROUTE)
        for op in ("cholesky", "linalg_slogdet", "linalg_svd", "linalg_qr", "linalg_solve")
    ),
    *(
        Known(op, "zero_sign", "any", "the sign of a zero entry of a factor depends on LAPACK's "
              "order of operations (MKL in PyTorch, NumPy's LAPACK here)")
        for op in ("cholesky", "linalg_svd", "linalg_qr")
    ),
    # the long fuzz run of 2026-12-06: a matrix with exact zeros where Householder picks a sign
    *(
        Known("linalg_qr", kind, "any", "Q and R are unique only up to the signs of R's rows: "
              "where the column LAPACK reflects starts with a zero (+0.0 or -0.0), MKL "
              "(PyTorch) and NumPy's LAPACK pick opposite signs, and so the gradient flips too",
              _exact_zero)
        for kind in ("value", "grad_value")
    ),
    *(
        Known(op, "grad_nan", "special",
              "PyTorch's backward gives 0.5 (the derivative's value at 0) at a NaN input, "
              "on every CPU kernel; graphgrad's gradient there is NaN; kept", _has_nan)
        for op in ("special_i1", "special_i1e")
    ),
    # the long fuzz run of 2026-12-06 (evening), on an AVX-512 machine
    Known("softshrink", "zero_sign", "any",
          "softshrink of a negative input inside the band: PyTorch's vectorised loop gives +0.0 "
          "where its scalar loop (the tail, short tensors) gives -0.0, as graphgrad does"),
    *(
        Known(op, kind, "any", "a float32 matrix with a condition number over 20: its "
              "inverse's error grows with it, and its gradient's with its square, so MKL "
              "(PyTorch) and NumPy's LAPACK differ past float32's loose tolerance",
              _ill_conditioned_float32)
        for op in ("linalg_pinv", "linalg_solve")
        for kind in ("value", "grad_value")
    ),
    *(
        Known("index_add", kind, "special",
              "index_add with alpha of a value beyond half the float max: PyTorch's kernel "
              "computes self + alpha * src as one fused multiply-add, where alpha * src does not "
              "overflow (-max + 2 * max gives max); graphgrad's alpha * src overflows to inf "
              "first", _beyond_half_max)
        for kind in ("value", "nan")
    ),
    *(
        Known(op, "zero_sign", "special",
              "sparse products of float64 subnormals: PyTorch's kernel adds each entry with the "
              "CPU's fused multiply-add, graphgrad's emulation of it (_fma.fma64, Dekker's "
              "splitting) is exact only above float64's smallest normal, so a sum of opposite "
              "subnormals may end at +0.0 where PyTorch's ends at -0.0",
              _float64_subnormal)
        for op in ("sparse_mm", "sparse_addmm")
    ),
    *(
        Known(op, "zero_sign", "any",
              "a minimum or maximum tied between -0.0 and +0.0 (equal as numbers): which one "
              "comes back depends on the order of PyTorch's vectorised reduction",
              _zeros_of_both_signs)
        for op in ("amin", "amax", "min", "max", "min_dim", "max_dim")
    ),
    *(
        Known("pow", kind, "any",
              "a float64 base to a float32 exponent tensor: PyTorch's gradient computes "
              "exponent - 1 in float32, where -1 - 2**-52 rounds to -1, an integer, so a "
              "negative base gives a finite gradient; graphgrad's, in float64, gives NaN",
              _tiny_float32_exponent)
        for kind in ("grad_nan", "grad_value")
    ),
    Known("batch_norm", "zero_sign", "any",
          "a channel whose weight and bias are both zero: PyTorch's kernel computes x * alpha + "
          "beta with beta = bias - mean * alpha, whose zeros come out +0.0, where graphgrad's "
          "x_hat * weight + bias keeps the product's sign", _zero_affine),
    Known("linalg_qr", "error", "any", "a wide input whose leading square block is singular (R "
          "has a zero on its diagonal): PyTorch's backward divides by it and returns NaN, "
          "graphgrad's inverts R and raises LinAlgError; not fixed", _exact_zero),
    # the long fuzz run of 2026-12-06 (night): a 3x3 matrix with a row of zeros
    Known("linalg_slogdet", "error", "any", "a singular matrix (log|det| = -inf): PyTorch's "
          "backward forms inv(A)^T from an LU with a zero pivot and returns inf and NaN entries, "
          "graphgrad's inverts A and raises LinAlgError; not fixed", _exact_zero),
]  # fmt: skip


def explained(
    op: str, kind: str, special: bool, noncontig: bool = False, case: Case | None = None
) -> str | None:
    """The reason for this difference, or None when it is not a known one."""
    kind = kind.split(":")[0]
    for k in KNOWN:
        if k.op != op or k.kind != kind:
            continue
        if k.case is not None and (case is None or not k.case(case)):
            continue
        if k.when == "any" or (k.when == "special" and special):
            return k.reason
        if k.when == "noncontig" and noncontig:
            return k.reason
    return None
