"""Shared by the graphgrad.random tests: bit-exact comparison of results, and nn.Linear's
initialisation written against graphgrad.random."""

from __future__ import annotations

import math

import numpy as np
import pytest

import graphgrad as gg
from graphgrad import random as gr

f32, f64 = np.float32, np.float64


def _array(x) -> np.ndarray:
    return np.ascontiguousarray(x._data if isinstance(x, gg.Tensor) else np.asarray(x))


def torch_with_simd_kernels():
    """PyTorch, for a live comparison of random streams; skips where its streams differ.

    PyTorch's AVX2 and AVX-512 builds share the float kernels graphgrad reproduces bit for bit
    (Box-Muller with SLEEF's log and sincos, uniforms with one FMA). Its scalar kernels
    (``ATEN_CPU_CAPABILITY=default``, or a CPU without AVX2) round differently in the last bit,
    so there the live tests have nothing exact to check; the recorded values still run.
    """
    torch = pytest.importorskip("torch")
    capability = torch.backends.cpu.get_cpu_capability()
    if capability not in ("AVX2", "AVX512"):
        pytest.skip(
            f"torch runs its {capability} kernels here, whose streams differ in the last bit"
        )
    return torch


def _same_bits(a, b) -> bool:
    a, b = _array(a), _array(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _linear_init(fan_in: int, fan_out: int) -> list:
    """nn.Linear's reset_parameters: kaiming_uniform_(a=sqrt(5)) on the weight, then the bias."""
    w, b = gg.empty(fan_out, fan_in), gg.empty(fan_out)
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    gr.uniform_(w, -bound, bound)
    gr.uniform_(b, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
    return [w, b]
