"""Just enough of a pytree for graphgrad.func: nested tuples, lists and dicts of leaves.

>>> from graphgrad.func._pytree import tree_flatten, tree_unflatten
>>> leaves, spec = tree_flatten((1, {"a": 2, "b": [3, 4]}))
>>> leaves, tree_unflatten(spec, [x * 10 for x in leaves])
([1, 2, 3, 4], (10, {'a': 20, 'b': [30, 40]}))
"""

from __future__ import annotations

from typing import Any

LEAF = None  # the spec of a leaf


def tree_flatten(tree: Any) -> tuple[list, Any]:
    """The leaves (depth first) and a spec to rebuild the structure."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree: Any, leaves: list):
    if isinstance(tree, (tuple, list)):
        return (type(tree), [_flatten(t, leaves) for t in tree])
    if isinstance(tree, dict):
        return (dict, list(tree), [_flatten(v, leaves) for v in tree.values()])
    leaves.append(tree)
    return LEAF


def tree_unflatten(spec: Any, leaves: list) -> Any:
    """Rebuild the structure of ``spec`` from ``leaves``."""
    it = iter(leaves)
    return _unflatten(spec, it)


def _unflatten(spec: Any, it):
    if spec is LEAF:
        return next(it)
    if spec[0] is dict:
        return {k: _unflatten(s, it) for k, s in zip(spec[1], spec[2], strict=False)}
    items = [_unflatten(s, it) for s in spec[1]]
    return spec[0](items) if spec[0] is list else tuple(items)


def spec_str(spec: Any) -> str:
    """A readable rendering of a spec (``*`` for a leaf), for error messages."""
    if spec is LEAF:
        return "*"
    if spec[0] is dict:
        return (
            "{"
            + ", ".join(f"{k!r}: {spec_str(s)}" for k, s in zip(spec[1], spec[2], strict=False))
            + "}"
        )
    inner = ", ".join(spec_str(s) for s in spec[1])
    return f"[{inner}]" if spec[0] is list else f"({inner}{',' if len(spec[1]) == 1 else ''})"


def broadcast_prefix(prefix: Any, tree: Any, where: str) -> list:
    """One entry of ``prefix`` per leaf of ``tree``: a leaf of ``prefix`` (an int or None)
    applies to the whole subtree under it, as torch.func does for in_dims and out_dims."""
    out: list = []
    _broadcast(prefix, tree, out, where)
    return out


def _broadcast(prefix: Any, tree: Any, out: list, where: str) -> None:
    if not isinstance(prefix, (tuple, list, dict)):
        leaves, _ = tree_flatten(tree)
        out.extend([prefix] * len(leaves))
        return
    if (
        isinstance(prefix, dict) != isinstance(tree, dict)
        or len(prefix) != len(tree)
        or (isinstance(tree, dict) and list(prefix) != list(tree))
        or not isinstance(tree, (tuple, list, dict))
    ):
        raise ValueError(where)
    sub = prefix.values() if isinstance(prefix, dict) else prefix
    items = tree.values() if isinstance(tree, dict) else tree
    for p, t in zip(sub, items, strict=False):
        _broadcast(p, t, out, where)
