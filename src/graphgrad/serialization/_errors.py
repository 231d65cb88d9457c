"""The one error class of checkpoint loading and saving, and the nesting limit.

>>> check_depth({"a": [1, (2, 3)]}, "<bytes>")
>>> issubclass(CheckpointError, RuntimeError)
True
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from typing import Any

# Deeper than this a structure cannot be copied or printed (Python recurses on both), and no
# checkpoint comes near it (a state dict nests 3 levels, an optimizer's 4): refuse it clearly.
MAX_DEPTH = 256


class CheckpointError(pickle.UnpicklingError, RuntimeError):
    """A checkpoint that is truncated, corrupt, hostile, or holds what graphgrad cannot read.

    An ``UnpicklingError`` (what ``torch.load`` raises for a refused pickle) and a
    ``RuntimeError`` (what it raises for a broken archive), so either ``except`` catches it.
    """


def _children(obj) -> list:
    if isinstance(obj, Mapping):
        kids = [*obj.keys(), *obj.values()]
        extra = getattr(obj, "__dict__", None)
        return kids + list(extra.values()) if extra else kids
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    return []


def check_depth(root, name: str) -> None:
    """Raise ``CheckpointError`` if containers in ``root`` nest deeper than ``MAX_DEPTH``.

    Iterative, and each container is measured once (its height is memoised), so shared or
    cyclic structures cost linear time and no Python recursion.
    """
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, Iterator | None]] = [(root, None)]
    while stack:
        obj, kids = stack[-1]
        if kids is None:
            containers = [k for k in _children(obj) if _children(k)]
            on_path.add(id(obj))
            stack[-1] = (obj, iter(containers))
            continue
        child = next(kids, None)
        if child is None:
            stack.pop()
            on_path.discard(id(obj))
            h = 1 + max((height.get(id(k), 0) for k in _children(obj)), default=0)
            if h > MAX_DEPTH:
                raise CheckpointError(
                    f"{name}: the checkpoint nests containers more than {MAX_DEPTH} levels deep"
                )
            height[id(obj)] = h
        elif id(child) not in height and id(child) not in on_path:  # a cycle ends here
            stack.append((child, None))
