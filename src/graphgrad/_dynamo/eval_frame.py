"""``torch._dynamo.eval_frame``: where programs find ``OptimizedModule`` to unwrap a compiled
module (``model._orig_mod``) before saving it.

>>> import graphgrad as torch
>>> m = torch.nn.Linear(2, 2)
>>> torch.compile(m)._orig_mod is m
True
"""

from __future__ import annotations

from ..compile.api import OptimizedModule

__all__ = ["OptimizedModule"]
