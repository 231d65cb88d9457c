"""Shared by the printing tests (test_printing.py, test_printing_parity.py): graphgrad._printing
imported from the source tree when graphgrad is not installed, a minimal stand-in tensor holding
just the attributes tensor_repr reads, and an autouse fixture that resets the print options.

The fixture is autouse only where a test module imports it by name.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

if importlib.util.find_spec("graphgrad") is None:  # not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

_printing = importlib.import_module("graphgrad._printing")
dtypes = importlib.import_module("graphgrad.dtypes")


# -- a stand-in tensor ---------------------------------------------------------------------------


def _Fn(name: str):  # noqa: N802 - stands in for a node class
    """A grad_fn stand-in: the printer shows its class name, as PyTorch does."""
    return type(name, (), {"name": lambda self: name})()


class Tensor:
    """The attributes tensor_repr reads, and nothing else."""

    def __init__(self, data, dtype=None, grad_fn=None, requires_grad=False, device="cpu"):
        self._data = np.asarray(data)
        self.dtype = dtype or dtypes.from_numpy_dtype(self._data.dtype)
        self.grad_fn = _Fn(grad_fn) if isinstance(grad_fn, str) else grad_fn
        self.requires_grad = requires_grad or grad_fn is not None
        self.is_leaf = grad_fn is None
        self.device = device


class Parameter(Tensor):
    """Printed with a ``Parameter containing:`` line first."""


def show(data, dtype=np.float32, **kwargs) -> str:
    """repr of a stand-in tensor holding ``np.array(data, dtype)``."""
    return _printing.tensor_repr(Tensor(np.array(data, dtype=dtype), **kwargs))


@pytest.fixture(autouse=True)
def _reset_printoptions():
    """Every test starts and ends with default options (and float32 as the default dtype)."""
    _printing.set_printoptions(profile="default")
    yield
    _printing.set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)


F32, F64, I64 = np.float32, np.float64, np.int64
NAN, INF = math.nan, math.inf
