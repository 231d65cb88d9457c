"""THE TABLE's machinery: a ``Primitive`` is one op's forward plus one backward rule per input.

``apply(prim, *args, **params)`` is the single dispatch path: it promotes dtypes, runs the
forward on arrays, wraps the result and, when grad mode is on and an input requires grad, records
one node of the op's class (``MulBackward0``...) with what the rules need.

Rules are written with graphgrad's own tensor ops and receive ``(grad, saved)``: ``saved`` maps
input names (``"self"``, ``"other"``...), ``"result"`` and the op's parameters to values. Rules
never undo broadcasting or cast dtypes: the engine does that once.

>>> import graphgrad as torch
>>> from graphgrad.ops.primitive import REGISTRY
>>> REGISTRY["mul"].node_name
'MulBackward0'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..autograd.forward_ad import state as _fw_state
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.node import FunctionNode, SavedSlot, node_class
from ..dtypes import _FLOAT, get_default_dtype, result_type
from ..tensor import Tensor
from . import forward_mode
from .forward_mode import DIAGONAL, LINEAR, MULTILINEAR  # noqa: F401 - the jvp kinds, for entries

Rule = Callable[[Tensor, dict], Tensor]

REGISTRY: dict[str, Primitive] = {}


class Primitive:
    """One differentiable op: forward on arrays, one rule per tensor input, what to save.

    ``saves`` maps a saved name (an input's name or ``"result"``) to the indices of the inputs
    whose rules read it; it is saved only when one of those inputs needs a gradient, as PyTorch
    does (``x * 7`` saves ``other`` but not ``self``). ``attrs`` lists the ``_saved_*`` names a
    node shows (PyTorch's names); ``display`` computes the ones that are not stored, such as
    ``self_sym_sizes``. ``scalar_arrays`` lets ``apply`` hand the forward a Python scalar operand
    as a cached 0-d array of the op's float dtype (for forwards that are plain ufuncs).
    ``jvp`` is the forward-mode rule, next to the backward ones: per-input rules, a whole-op
    rule, or one of the kinds ``DIAGONAL`` / ``LINEAR`` / ``MULTILINEAR`` (see forward_mode.py).
    """

    def __init__(
        self,
        name: str,
        node: str,
        forward: Callable,
        rules: tuple[Rule | None, ...],
        *,
        inputs: tuple[str, ...] = ("self",),
        saves: dict[str, tuple[int, ...]] | None = None,
        dtype: str | Callable = "same",
        attrs: tuple[str, ...] | None = None,
        display: dict[str, Callable] | None = None,
        n_outputs: int = 1,
        view: bool = False,
        register: bool = True,
        jvp: tuple[Rule | None, ...] | Callable | None = None,
        scalar_arrays: bool = False,
    ) -> None:
        self.name = name
        self.node_name = node
        self.forward = forward
        self.rules = rules
        self.inputs = inputs
        self.saves = tuple((k, v) for k, v in (saves or {}).items())
        self.saved_names = frozenset(k for k, _ in self.saves)
        # (name, users, input index or -1 for the result): what ``apply`` saves, precomputed
        self.save_plan = tuple(
            (k, v, -1 if k == "result" else inputs.index(k)) for k, v in self.saves
        )
        self.scalar_arrays = scalar_arrays
        self.dtype_rule = dtype
        self.display = display or {}
        self.n_outputs = n_outputs
        self.view = view
        self.jvp = jvp
        names = attrs if attrs is not None else tuple(sorted(k for k, _ in self.saves))
        self.node_cls = node_class(node, self, names)
        if register:
            REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<Primitive {self.name} ({self.node_name})>"

    def saved_attr(self, node: FunctionNode, name: str):
        """The value behind ``node._saved_<name>``, as PyTorch shows it."""
        if name in self.display:
            return self.display[name](node)
        if name not in node._saved:
            if node._freed and any(k == name for k, _ in self.saves):
                node.unpack_saved()  # raises the "backward a second time" error
            return None
        value = node._saved[name]
        if type(value) is SavedSlot:
            return value.unpack(node)
        if name in self.inputs and isinstance(value, (int, float, complex, bool)):
            return Tensor._make(np.asarray(value))  # a wrapped Python scalar shows as a 0-d tensor
        return value


def _prepare(prim: Primitive, args: tuple) -> list:
    """The forward's array arguments, cast as the op's dtype rule says."""
    rule = prim.dtype_rule
    if rule == "same":
        return [a._data if isinstance(a, Tensor) else a for a in args]
    if rule.__class__ is not str:
        return rule([a._data if isinstance(a, Tensor) else a for a in args], args)
    dt = _common_dtype(args)
    if rule == "float" and dt.category < _FLOAT:
        dt = get_default_dtype()
    target = dt.np
    arrays = []
    for a in args:
        if isinstance(a, Tensor):
            a = a._data
            if a.dtype is not target and a.dtype != target:
                a = a.astype(target)
        elif prim.scalar_arrays:
            a = _scalar_operand(a, target)
        arrays.append(a)
    return arrays


# Python scalars as read-only 0-d arrays, per float dtype. NumPy converts a (weak) Python scalar
# operand to the array's dtype anyway, so the result is the same, and a ufunc on two arrays is
# about twice as quick as one given a Python float (which NumPy 2 must inspect every call).
_SCALAR_CACHE: dict = {np.dtype(np.float32): {}, np.dtype(np.float64): {}}
_SCALAR_CACHE_SIZE = 256
_SCALAR_TYPES = (float, int)


def _scalar_operand(value, target: np.dtype):
    """``value`` as a cached 0-d array of ``target`` where that is exact, else unchanged."""
    cache = _SCALAR_CACHE.get(target)
    if cache is None or value.__class__ not in _SCALAR_TYPES:
        return value
    arr = cache.get(value)
    if arr is None:
        # zeros keep their sign (0.0 == -0.0 as keys); NaN, inf and huge values (which warn on
        # conversion) and big integers (rounded) are left to NumPy.
        if not (0 < abs(value) < 3.0e38) or (value.__class__ is int and abs(value) > 2**24):
            return value
        if len(cache) >= _SCALAR_CACHE_SIZE:
            cache.clear()
        arr = cache[value] = np.array(value, target)
        arr.flags.writeable = False
    return arr


def _common_dtype(args: tuple):
    """result_type, with a fast answer for the common cases (one dtype; a same-kind scalar)."""
    first = args[0]
    if len(args) == 1:
        return first.dtype
    if len(args) == 2 and isinstance(first, Tensor):
        second = args[1]
        dt = first.dtype
        if isinstance(second, Tensor):
            if second.dtype is dt:
                return dt
        elif second.__class__ is float and dt.category == _FLOAT:
            return dt
        elif second.__class__ is int and dt.category >= 1 and dt.name != "bool":
            return dt
    return result_type(*args)


def apply(prim: Primitive, *args, **params):
    """Run ``prim`` on tensors (and Python scalars where the op takes them); record the node."""
    if _fw_state.active:
        return _apply_forward_ad(prim, args, params)
    out = prim.forward(*_prepare(prim, args), **params)
    if prim.n_outputs != 1:
        return _apply_multi(prim, args, params, out)
    if out.__class__ is not np.ndarray:
        out = np.asarray(out)
    base = _view_base(prim, out, args) if prim.view else None
    if _grad_state.enabled and out.dtype.kind in "fc":
        edges = _edges(args)
        if edges is not None:
            node = _record(prim, args, params, edges)
            result = Tensor._make(out, True, node, 0, base)
            if prim.saves:
                _save(prim, node, args, (result,), edges)
            return result
    return Tensor._make(out, False, None, 0, base)


def _apply_multi(prim: Primitive, args: tuple, params: dict, outs) -> tuple:
    datas = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in outs)
    edges = _edges(args) if _grad_state.enabled else None
    if edges is None:
        return tuple(Tensor._make(d, False, None, 0, _view_base(prim, d, args)) for d in datas)
    node = _record(prim, args, params, edges)
    results = tuple(
        Tensor._make(d, d.dtype.kind in "fc", node if d.dtype.kind in "fc" else None, i,
                     _view_base(prim, d, args))
        for i, d in enumerate(datas)
    )
    _save(prim, node, args, results, edges)
    return results


def _view_base(prim: Primitive, data: np.ndarray, args: tuple):
    """The base tensor a view output shares storage (and version counter) with, or None."""
    if prim.view and data.base is not None:
        src = args[0]
        return src._base if src._base is not None else src
    return None


def _apply_forward_ad(prim: Primitive, args: tuple, params: dict):
    """``apply`` inside a forward-AD level: the primal as usual, then the tangents."""
    _fw_state.active = False
    try:
        out = apply(prim, *args, **params)
    finally:
        _fw_state.active = True
    forward_mode.propagate(prim, args, params, (out,) if prim.n_outputs == 1 else out, apply)
    return out


_NO_EDGE = (None, 0)


def _edges(args: tuple) -> tuple | None:
    """One (node, output_nr) edge per input, or None when no input requires grad."""
    edges = []
    any_grad = False
    for a in args:
        if isinstance(a, Tensor) and a._requires_grad:
            any_grad = True
            fn = a.grad_fn
            edges.append((fn, a._output_nr) if fn is not None else (a._grad_accumulator(), 0))
        else:
            edges.append(_NO_EDGE)
    return tuple(edges) if any_grad else None


def _record(prim: Primitive, args: tuple, params: dict, edges: tuple) -> FunctionNode:
    meta = []
    for a in args:
        meta.append((a._data.shape, a.dtype) if isinstance(a, Tensor) else None)
    return prim.node_cls(edges, params, tuple(meta))


def _save(prim: Primitive, node: FunctionNode, args: tuple, results: tuple, edges: tuple) -> None:
    saved = node._saved
    for name, users, index in prim.save_plan:
        for i in users:
            if edges[i][0] is not None:
                break
        else:
            continue  # no input whose rule reads this value needs a gradient
        if index < 0:
            saved[name] = SavedSlot(results[0], True)
        else:
            value = args[index]
            saved[name] = SavedSlot(value, False) if isinstance(value, Tensor) else value
    if prim.n_outputs > 1:
        node._out_meta = tuple((r._data.shape, r.dtype) for r in results)
