"""Every registered primitive, through its public call (the samples of tests/ops), on drawn
values: float32 or float64, special values injected, inputs contiguous or not. Values,
gradients, zero signs and exception types are compared with torch (oracle.py)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("hypothesis")
pytest.importorskip("torch")  # the oracle

from hypothesis import given
from hypothesis import strategies as st

from ..ops.test_primitives import CASES, SAMPLES
from . import oracle
from .strategies import injected, is_special

# results that go through BLAS/LAPACK, long reductions or iterative kernels: summation order
# differs with the kernel, so a few float32 ulps of the largest term
LOOSE = {
    "addmm", "baddbmm", "bmm", "convolution", "convolution_weight", "det", "dot", "einsum",
    "einsum_unary", "inv", "matmul_squeeze", "matmul_unsafe_view", "mm", "mv", "std", "std_mean",
    "var", "var_mean", "layer_norm", "batch_norm", "logsumexp", "softmax", "log_softmax",
    "cumprod", "cumsum", "prod", "prod_dim", "vector_norm", "mean", "mean_dim", "sum", "sum_dim",
    "nansum", "mse_loss", "nll_loss", "nll_loss2d", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "huber_loss", "smooth_l1_loss", "avg_pool2d",
    "adaptive_avg_pool2d", "gelu", "erf", "cholesky", "linalg_slogdet", "linalg_svd",
    "linalg_qr", "linalg_eigh", "linalg_pinv", "linalg_solve", "i0", "igamma", "igammac", "erfc",
    "erfinv",
}  # fmt: skip


# too slow to fuzz within the suite's budget (more than 8 minutes for its three samples on a
# shared 2-core machine; tensorops20): its values, gradients and errors are checked against
# torch in tests/ops/test_lapack_statistics.py and its registry samples in test_primitives.py
SLOW = {"linalg_svd"}


@pytest.mark.parametrize(("name", "index"), CASES)
@given(data=st.data())
def test_primitive_matches_torch(name, index, data):
    sample = SAMPLES[name][index]
    if not sample.parity:
        pytest.skip("no PyTorch counterpart for this sample")
    if name in SLOW:
        pytest.skip("too slow to fuzz here (see SLOW)")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    dtype = data.draw(st.sampled_from([np.float32, np.float64]), label="dtype")
    arrays = sample.arrays(seed)
    arrays = data.draw(injected(arrays, dtype), label="inputs")
    noncontig = data.draw(st.lists(st.booleans(), min_size=len(arrays), max_size=len(arrays)))
    tol = oracle.tolerance([dtype], loose=name in LOOSE)
    oracle.check(
        name,
        lambda T, *xs: sample.fn(T, *xs),
        arrays,
        noncontig=noncontig,
        tol=tol,
        special=is_special(arrays),
    )
