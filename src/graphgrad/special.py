"""``torch.special``: PyTorch's special-functions namespace. It only re-exports: most names
are other names of graphgrad's ops (``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``...);
the rest are defined in ``ops/`` (``normal_cdf.py``, ``entropy.py``, ``bessel_gamma.py``,
``orthogonal_polynomials.py``).

>>> import graphgrad as torch
>>> torch.special.expit(torch.tensor([0.0]))
tensor([0.5000])
>>> torch.special.gammaln(torch.tensor([4.0]))
tensor([1.7918])
"""

from __future__ import annotations

from .ops.activation import erf, log_softmax, softmax
from .ops.bessel_gamma import i0, i0e, i1, i1e
from .ops.bessel_gamma import igamma as gammainc
from .ops.bessel_gamma import igammac as gammaincc
from .ops.entropy import entr
from .ops.error_function import erfc, erfinv
from .ops.normal_cdf import erfcx, log_ndtr, ndtr, ndtri
from .ops.orthogonal_polynomials import (
    chebyshev_polynomial_t,
    chebyshev_polynomial_u,
    chebyshev_polynomial_v,
    chebyshev_polynomial_w,
    hermite_polynomial_h,
    hermite_polynomial_he,
    laguerre_polynomial_l,
    legendre_polynomial_p,
    modified_bessel_i0,
    modified_bessel_i1,
    modified_bessel_k0,
    modified_bessel_k1,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
    shifted_chebyshev_polynomial_t,
    shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
    spherical_bessel_j0,
)
from .ops.pointwise_composite import exp2, logit, sinc, xlog1py, xlogy
from .ops.pointwise_more import mvlgamma as multigammaln
from .ops.reduce.core import logsumexp
from .ops.special import digamma, polygamma
from .ops.special import digamma as psi
from .ops.special import lgamma as gammaln
from .ops.unary import expm1, log1p, round  # noqa: A004 - torch.special.round
from .ops.unary import sigmoid as expit

__all__ = [
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
]
