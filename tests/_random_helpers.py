"""Shared by the graphgrad.random tests: bit-exact comparison of results, and nn.Linear's
initialisation written against graphgrad.random."""

from __future__ import annotations

import math

import numpy as np

import graphgrad as gg
from graphgrad import random as gr

f32, f64 = np.float32, np.float64


def _array(x) -> np.ndarray:
    return np.ascontiguousarray(x._data if isinstance(x, gg.Tensor) else np.asarray(x))


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
