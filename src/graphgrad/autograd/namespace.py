"""The namespaces that backward rules compute in: ``TENSORS`` and ``ARRAYS``.

A rule is written once and runs with either namespace: ``TENSORS`` (graphgrad's ops, so a rule
records graph and higher orders come for free) or ``ARRAYS`` (the same functions on NumPy
arrays, the engine's first-order path, where no graph is recorded). A primitive's name resolves
to the primitive itself, applied (``TENSORS``) or its forward run on the arrays (``ARRAYS``), so
both give the same bits; ``ops/namespaces.py`` adds the few functions that are not one primitive
(``where``, ``sum``, ``expand``...).

They live here, below the ops, because the engine computes in them too (it reduces a broadcast
gradient with ``xp.sum_to_size``); ``ops/primitive.py`` fills them.

>>> import graphgrad as torch
>>> import numpy as np
>>> ARRAYS.mul(np.array([2.0]), np.array([3.0]))
array([6.])
>>> TENSORS.mul(torch.tensor([2.0]), 3.0)
tensor([6.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

PRIMITIVES: dict = {}  # every primitive by name, unregistered ones too (ops/primitive.py adds them)


class Namespace:
    """The functions a rule calls as ``xp.<name>``, on one kind of value."""

    def __init__(self) -> None:
        self._function_of: Callable | None = None  # a primitive's function in this namespace

    def primitives_as(self, function_of: Callable) -> None:
        """Resolve a primitive's name to ``function_of(primitive)``."""
        self._function_of = function_of

    if TYPE_CHECKING:  # ops/namespaces.py adds the functions that are not one primitive

        def __setattr__(self, name: str, value: Callable) -> None: ...

    def __getattr__(self, name: str):
        prim = PRIMITIVES.get(name)
        if prim is None or self._function_of is None:
            raise AttributeError(f"no function {name!r} in the rules' namespace")
        fn = self._function_of(prim)
        setattr(self, name, fn)  # resolved once
        return fn


TENSORS = Namespace()
ARRAYS = Namespace()
