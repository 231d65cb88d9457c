"""Gamma and Dirichlet draws as PyTorch's CPU kernels make them, so they equal torch's bit for
bit after ``manual_seed``.

Each element runs Marsaglia and Tsang's rejection method on the generator's float64 uniforms
(``random64``) and its scalar normals (Box-Muller with one cached value), in C order. What was
observed of torch's arithmetic: ``1/3`` is the float32 constant; for float32 input the shape
stays float32 through ``1 / alpha``, ``alpha + 1`` and ``d = alpha - 1/3`` (the rest is float64);
results are clamped up to the dtype's smallest normal number.
"""

from __future__ import annotations

import math

import numpy as np

from graphgrad.random.draws import _gen

_THIRD32 = np.float32(1.0) / np.float32(3.0)
_F64 = np.dtype(np.float64)


class _Draws:
    """The generator's float64 uniforms and normals, one at a time."""

    def __init__(self, generator) -> None:
        self._g = _gen(generator)

    def uniform(self) -> float:
        return float(self._g._unit(1, _F64)[0])

    def normal(self) -> float:
        return float(self._g._scalar_normals(1, 0.0, 1.0, _F64)[0])


def _one_gamma(draws: _Draws, alpha, single: bool) -> float:
    """One Gamma(alpha, 1) draw; ``single``: ``alpha`` is a float32 value."""
    scale = 1.0
    if single:
        alpha = np.float32(alpha)
        if alpha < 1:
            if alpha == 0:
                return 0.0
            scale = (1.0 - draws.uniform()) ** float(np.float32(1.0) / alpha)
            alpha = alpha + np.float32(1.0)
        d = float(alpha - _THIRD32)
    else:
        alpha = float(alpha)
        if alpha < 1:
            if alpha == 0:
                return 0.0
            scale = (1.0 - draws.uniform()) ** (1.0 / alpha)
            alpha += 1.0
        d = alpha - float(_THIRD32)
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = draws.normal()
        y = 1.0 + c * x
        while y <= 0:
            x = draws.normal()
            y = 1.0 + c * x
        v = y * y * y
        u = 1.0 - draws.uniform()
        xx = x * x
        if u < 1.0 - 0.0331 * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def standard_gamma_array(alpha: np.ndarray, generator=None) -> np.ndarray:
    """Gamma(alpha, 1) draws of ``alpha``'s shape and dtype (torch's ``_standard_gamma``)."""
    draws = _Draws(generator)
    single = alpha.dtype == np.float32
    values = [_one_gamma(draws, a, single) for a in alpha.ravel().tolist()]
    out = np.array(values, np.float64).astype(alpha.dtype).reshape(alpha.shape)
    return np.maximum(out, np.finfo(alpha.dtype).tiny)


def dirichlet_array(concentration: np.ndarray, generator=None) -> np.ndarray:
    """Dirichlet draws (torch's ``_sample_dirichlet``): float64 gammas, normalised over the
    last dimension, rounded to the dtype and kept inside ``[tiny, 1)``."""
    draws = _Draws(generator)
    flat = concentration.astype(np.float64).ravel().tolist()
    gammas = np.array([_one_gamma(draws, a, False) for a in flat], np.float64)
    gammas = np.maximum(gammas, np.finfo(np.float64).tiny).reshape(concentration.shape)
    dtype = concentration.dtype
    out = (gammas / gammas.sum(-1, keepdims=True)).astype(dtype)
    return np.clip(out, np.finfo(dtype).tiny, np.nextafter(dtype.type(1), dtype.type(0)))
