"""``torch._dynamo``: the names programs reach for under ``torch.compile``: ``reset``,
``config`` (``cache_size_limit``), ``exc`` (``Unsupported``), ``disable``,
``OptimizedModule`` and the shape hints, over ``graphgrad.compile``.

>>> import graphgrad as torch
>>> torch._dynamo.config.cache_size_limit
8
>>> isinstance(torch.compile(torch.nn.Linear(2, 2)), torch._dynamo.eval_frame.OptimizedModule)
True
"""

from __future__ import annotations

import sys

from ..compile import config
from ..compile.api import OptimizedModule, disable, is_compiling, reset
from ..compiler import allow_in_graph, assume_constant_result, list_backends
from . import eval_frame, exc

sys.modules[__name__ + ".config"] = config  # ``import torch._dynamo.config`` is this module

__all__ = [
    "reset", "config", "exc", "eval_frame", "disable", "is_compiling", "OptimizedModule",
    "allow_in_graph", "assume_constant_result", "disallow_in_graph", "list_backends",
    "mark_dynamic", "maybe_mark_dynamic", "mark_static", "mark_static_address",
]  # fmt: skip


def disallow_in_graph(fn):
    """``fn`` itself: graphgrad records whatever runs (see ``disable`` to keep it eager).

    >>> disallow_in_graph(len) is len
    True
    """
    return fn


def mark_dynamic(t, index, *, min=None, max=None, specialize_on=None) -> None:  # noqa: A002
    """Nothing to do: each shape gets a recording of its own (PyTorch's hint that a dimension
    varies).

    >>> mark_dynamic(None, 0)
    """


def maybe_mark_dynamic(t, index) -> None:
    """Nothing to do, as ``mark_dynamic``.

    >>> maybe_mark_dynamic(None, 0)
    """


def mark_static(t, index=None) -> None:
    """Nothing to do: every recording is for one shape.

    >>> mark_static(None)
    """


def mark_static_address(t, guard: bool = True) -> None:
    """Nothing to do: a replay reads live tensors where they are.

    >>> mark_static_address(None)
    """
