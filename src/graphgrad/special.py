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
from .ops.pointwise_composite import exp2, logit, sinc, xlog1py, xlogy
from .ops.pointwise_more import mvlgamma as multigammaln
from .ops.reduce.core import logsumexp
from .ops.special import digamma, polygamma
from .ops.special import digamma as psi
from .ops.special import lgamma as gammaln
from .ops.unary import expm1, log1p, round  # noqa: A004 - torch.special.round
from .ops.unary import sigmoid as expit

__all__ = [
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
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]
