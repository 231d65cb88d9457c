"""THE TABLE's machinery: a ``Primitive`` is one op's forward plus one backward rule per input.

``apply(prim, *args, **params)`` is the single dispatch path: it promotes dtypes, runs the
forward on arrays, wraps the result and, when grad mode is on and an input requires grad, records
one node of the op's class (``MulBackward0``...) with what the rules need.

A rule is written once, per input, and reads what it needs by name: ``self=lambda grad, other:
grad * other``. It runs with the ``TENSORS`` namespace (recording graph, for higher orders) or
the ``ARRAYS`` one (the first-order path); each node calls it as ``rule(grad, saved)``, bound by
``_bind``. Rules never undo broadcasting or cast to their input's dtype: the engine does that.

>>> import graphgrad as torch
>>> from graphgrad.ops.primitive import REGISTRY
>>> REGISTRY["mul"].node_name
'MulBackward0'
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from .._argcheck import no_integer_kernel
from ..autograd.forward_ad import propagating as _fw_propagating
from ..autograd.forward_ad import state as _fw_state
from ..autograd.forward_ad import suspended as _fw_suspended
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.namespace import ARRAYS, PRIMITIVES, TENSORS, Namespace
from ..autograd.node import (
    FunctionNode,
    grad_accumulator,
    node_class,
)
from ..autograd.saved import SavedSlot
from ..compile._flag import state as _compile_state
from ..dtypes import _FLOAT, get_default_dtype, result_type
from ..tensor import Tensor
from . import forward_mode
from .broadcast import broadcast_shapes
from .forward_mode import DIAGONAL, LINEAR, MULTILINEAR  # noqa: F401 - the jvp kinds, for entries

if TYPE_CHECKING:
    from .forward_mode import _Kind

Rule = Callable[[Tensor, dict], Tensor]

REGISTRY: dict[str, Primitive] = {}


class Primitive:
    """One differentiable op: forward on arrays and one rule per input, written once.

    Each rule is a keyword argument named for its input. It takes the gradient, then the values
    it reads by name (inputs, ``result``, the op's parameters) and, last, ``xp`` if it calls
    functions: ``self=lambda grad, other: grad * other``. What ``apply`` saves follows from
    those names: a value is saved only when an input whose rule reads it needs a gradient, as
    PyTorch does (``x * 7`` saves ``other`` but not ``self``). ``inputs`` lists the tensor
    inputs in order when some have no rule (an index, a condition).

    ``attrs`` lists the ``_saved_*`` names a node shows (PyTorch's names); ``display``
    computes the ones that are not stored, such as ``self_sym_sizes``. ``scalar_arrays`` lets
    ``apply`` hand the forward a Python scalar operand as a cached 0-d array of the op's float
    dtype (for forwards that are plain ufuncs). ``jvp`` is the forward-mode rule, next to the
    backward ones: per-input rules, a whole-op rule, or one of the kinds ``DIAGONAL`` /
    ``LINEAR`` / ``MULTILINEAR`` (see forward_mode.py).

    An op taking any number of tensors (``cat``) gives ``each``: ``each(i)`` is the rule of
    its i-th input. ``saves`` adds inputs that no rule reads but a node shows, as PyTorch
    keeps them.
    """

    rules: tuple | _Each  # bound to TENSORS
    rules_on_arrays: tuple | _Each  # bound to ARRAYS; () for ops of several outputs

    def __init__(
        self,
        name: str,
        node: str,
        forward: Callable,
        /,
        *,
        inputs: tuple[str, ...] | None = None,
        saves: dict[str, tuple[int, ...]] | None = None,
        dtype: str | Callable = "same",
        attrs: tuple[str, ...] | None = None,
        display: dict[str, Callable] | None = None,
        n_outputs: int = 1,
        view: bool = False,
        register: bool = True,
        jvp: tuple[Rule | None, ...] | Callable | _Kind | None = None,
        scalar_arrays: bool = False,
        each: Callable[[int], Callable] | None = None,
        **rules: Callable | None,
    ) -> None:
        if not rules and each is None:
            raise TypeError(f"Primitive {name!r}: one rule per input (self=..., ...) or each=")
        self.name = name
        self.node_name = node
        self.forward = forward
        self.inputs = inputs or tuple(rules) or ("self",)
        reads = self._bind_rules(rules, each, n_outputs)
        # the inputs with a rule: on arrays, saved ones meet the gradient in its dtype
        self.operands = frozenset(k for k in self.inputs if rules.get(k))
        named = () if each is not None else self.inputs
        self.saves = tuple({**_saves(named, reads), **(saves or {})}.items())
        self.saved_names = frozenset(k for k, _ in self.saves)
        # (name, users, input index or -1 for the result): what ``apply`` saves, precomputed
        self.save_plan = tuple(
            (k, v, -1 if k == "result" else self.inputs.index(k)) for k, v in self.saves
        )
        self.scalar_arrays = scalar_arrays
        # precomputed for the per-op paths: plain single output
        self.plain = n_outputs == 1 and not view
        self.dtype_rule = dtype
        self.display = display or {}
        self.n_outputs = n_outputs
        self.view = view
        self.jvp = jvp
        names = attrs if attrs is not None else tuple(sorted(k for k, _ in self.saves))
        self.node_cls = node_class(node, self, names)
        PRIMITIVES[name] = self
        if register:
            REGISTRY[name] = self

    def _bind_rules(self, rules: dict, each, n_outputs: int) -> tuple:
        """Set ``rules`` (bound to ``TENSORS``) and, for one output, ``rules_on_arrays`` (bound to
        ``ARRAYS``: the first-order path); return the names each rule reads."""
        reads: tuple[tuple[str, ...], ...]
        arrays: tuple | _Each
        if each is not None:
            reads = (_reads(each(0)),)
            self.rules = _Each(each, reads[0], TENSORS)
            arrays = _Each(each, reads[0], ARRAYS)
            self.unary = False
        else:
            written = tuple(rules.get(k) for k in self.inputs)
            reads = tuple(_reads(r) for r in written)
            self.rules = _bind_all(written, reads, TENSORS)
            arrays = _bind_all(written, reads, ARRAYS)
            # one input, with a rule: FunctionNode.apply's short path
            self.unary = len(written) == 1 and written[0] is not None
        self.rules_on_arrays = arrays if n_outputs == 1 else ()
        return reads

    def __repr__(self) -> str:
        return f"<Primitive {self.name} ({self.node_name})>"

    def was_saved(self, node: FunctionNode, name: str) -> bool:
        """Whether ``apply`` saved ``name`` (one of its readers' inputs needed a gradient): a
        slot it never filled reads ``None`` after backward too, as in PyTorch."""
        nodes = node._next_nodes
        return any(
            k == name and any(nodes[i] is not None for i in users) for k, users in self.saves
        )

    def saved_attr(self, node: FunctionNode, name: str):
        """The value behind ``node._saved_<name>``, as PyTorch shows it."""
        if name in self.display:
            return self.display[name](node)
        if name not in node._saved:
            if node._freed and self.was_saved(node, name):
                node.unpack_saved()  # raises the "backward a second time" error
            return None
        value = node._saved[name]
        if type(value) is SavedSlot:
            return value.unpack(node)
        if name in self.inputs and isinstance(value, (int, float, complex, bool)):
            return Tensor._make(np.asarray(value))  # a wrapped Python scalar shows as a 0-d tensor
        return value


def _reads(rule: Callable | None) -> tuple[str, ...]:
    """The names a rule reads: its parameters after the gradient (``xp`` included)."""
    if rule is None:
        return ()
    return tuple(inspect.signature(rule).parameters)[1:]


def _saves(inputs: tuple[str, ...], reads: tuple[tuple[str, ...], ...]) -> dict:
    """The save plan: each input or ``result`` that a rule reads, with the readers' indices."""
    saves: dict[str, tuple[int, ...]] = {}
    for i, names in enumerate(reads):
        for k in names:
            if k == "result" or k in inputs:
                saves[k] = (*saves.get(k, ()), i)
    return saves


class _Each:
    """The bound rules of an op taking any number of tensors, made for each position."""

    __slots__ = ("make", "reads", "xp")

    def __init__(self, make: Callable[[int], Callable], reads: tuple, xp: Namespace) -> None:
        self.make, self.reads, self.xp = make, reads, xp

    def __iter__(self):
        return (self[i] for i in itertools.count())

    def __getitem__(self, i: int) -> Callable:
        return bind_rule(self.make(i), self.xp, self.reads)


def bind_rule(rule: Callable, xp: Namespace, reads: tuple[str, ...] | None = None) -> Callable:
    """``rule`` as the engine calls it, ``(grad, saved)``, with ``xp``: for rules reused as
    forward-mode rules, which receive what backward would, and each position of ``each``."""
    bound = _bind(rule, _reads(rule) if reads is None else reads, xp)
    assert bound is not None  # (a rule was given)
    return bound


def _bind_all(rules: tuple, reads: tuple, xp: Namespace) -> tuple:
    return tuple(_bind(rule, names, xp) for rule, names in zip(rules, reads, strict=True))


def _bind(rule: Callable | None, names: tuple[str, ...], xp: Namespace) -> Callable | None:
    """``rule`` as the engine calls rules, ``(grad, saved)``, with ``xp`` bound; the bound
    rule's ``unbound`` is ``(rule, names, xp)``, which graphgrad.compile's replay calls
    directly (no dict of saved values to build)."""
    if rule is None:
        return None
    bound = _bind_saved(rule, names, xp)
    bound.unbound = (rule, names, xp)  # type: ignore[attr-defined]
    return bound


def _bind_saved(rule: Callable, names: tuple[str, ...], xp: Namespace) -> Callable:
    """``_bind``'s ``(grad, saved)`` call: the common shapes of rule spelled out, since every
    node of every backward makes this call."""
    if names and names[-1] == "xp":
        names = names[:-1]
        if not names:
            return lambda g, s: rule(g, xp)
        if len(names) == 1:
            (a,) = names
            return lambda g, s: rule(g, s[a], xp)
        get = itemgetter(*names)
        return lambda g, s: rule(g, *get(s), xp)
    if not names:
        return lambda g, s: rule(g)
    if len(names) == 1:
        (a,) = names
        return lambda g, s: rule(g, s[a])
    get = itemgetter(*names)
    return lambda g, s: rule(g, *get(s))


def floating_only(kernel: str) -> Callable:
    """The dtype rule of an op PyTorch implements for floating and complex inputs only: any
    other input raises PyTorch's error, which names its CPU kernel.

    >>> import graphgrad as torch
    >>> torch.nn.functional.gelu(torch.tensor([1]))
    Traceback (most recent call last):
    ...
    NotImplementedError: "GeluKernelImpl" not implemented for 'Long'
    """

    def rule(arrays: list, args: tuple) -> list:
        if isinstance(args[0], Tensor):
            no_integer_kernel(kernel, args[0].dtype)
        return arrays

    return rule


def _prepare(prim: Primitive, args: tuple) -> list:
    """The forward's array arguments, cast as the op's dtype rule says."""
    rule = prim.dtype_rule
    if rule == "same":
        return [a._data if isinstance(a, Tensor) else a for a in args]
    if not isinstance(rule, str):
        return rule([a._data if isinstance(a, Tensor) else a for a in args], args)
    first = args[0]
    if isinstance(first, Tensor) and first.dtype.category == _FLOAT and len(args) <= 2:
        # the common case, without casts: a float tensor and at most one more operand, a
        # tensor of the same dtype or a Python number (which takes the tensor's dtype)
        if len(args) == 1:
            return [first._data]
        second = args[1]
        if isinstance(second, Tensor):
            if second.dtype is first.dtype:
                return [first._data, second._data]
        elif second.__class__ is float or second.__class__ is int:
            if prim.scalar_arrays:
                target = first._data.dtype
                cache = _SCALAR_CACHE.get(target)
                cached = cache.get(second) if cache is not None else None
                second = cached if cached is not None else _scalar_operand(second, target)
            return [first._data, second]
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
        elif a.__class__ is int and target.kind in "iu":
            a = wrap_int(a, target)
        elif prim.scalar_arrays:
            a = _scalar_operand(a, target)
        arrays.append(a)
    return arrays


def wrap_int(value: int, target: np.dtype) -> int:
    """A Python int operand of an integer op in ``target``'s range, wrapped as PyTorch wraps it
    (``uint8 + -1`` adds 255); beyond 64 bits, PyTorch's OverflowError."""
    info = np.iinfo(target)
    if info.min <= value <= info.max:
        return value
    if not -(2**63) <= value < 2**64:
        raise OverflowError("int too big to convert")
    bits = 8 * target.itemsize
    value &= (1 << bits) - 1
    return value - (1 << bits) if target.kind == "i" and value >> (bits - 1) else value


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
    if _compile_state.recorder is not None:  # graphgrad.compile is recording this call
        return _compile_state.recorder.apply(prim, args, params)
    if _fw_state.active and _fw_propagating():
        return _apply_forward_ad(prim, args, params)
    try:
        out = prim.forward(*_prepare(prim, args), **params)
    except ValueError:
        check_broadcast(args)  # NumPy's "could not be broadcast" as PyTorch's RuntimeError
        raise
    except NotImplementedError:
        # a sparse operand's array refuses every use (see ``sparse_call``); on this path
        # only, so dense ops pay nothing for sparse support
        if not any(getattr(a, "is_sparse", False) for a in args):
            raise
        return sparse_call(prim, args, params)
    if prim.plain:
        # the common case: one output, not a view
        if out.__class__ is not np.ndarray:
            out = np.asarray(out)
        if _grad_state.enabled and out.dtype.kind in "fc":
            node = _record(prim, args, params)
            if node is not None:
                result = Tensor._make(out, True, node)
                if prim.saves:
                    _save(prim, node, args, (result,), node._next_nodes)
                return result
        return Tensor._make(out)
    if prim.n_outputs != 1:
        return _apply_multi(prim, args, params, out)
    if out.__class__ is not np.ndarray:
        out = np.asarray(out)
    base = _view_base(prim, out, args) if prim.view else None
    if _grad_state.enabled and out.dtype.kind in "fc":
        node = _record(prim, args, params)
        if node is not None:
            result = Tensor._make(out, True, node, 0, base)
            if prim.saves:
                _save(prim, node, args, (result,), node._next_nodes)
            return result
    return Tensor._make(out) if base is None else Tensor._make(out, False, None, 0, base)


# -- sparse operands -----------------------------------------------------------------------------
# The kernel of each primitive that takes sparse COO operands, by primitive (ops/sparse fills it).
# A kernel takes what ``apply`` took and returns a tensor, or NotImplemented for operands it does
# not handle.
SPARSE_KERNELS: dict[Primitive, Callable] = {}


def not_on_sparse(name: str | None = None) -> NotImplementedError:
    """PyTorch's error for an op that has no sparse COO kernel, naming the op when known."""
    op = "this operation" if name is None else f"'aten::{name}'"
    return NotImplementedError(
        f"Could not run {op} with arguments from the 'SparseCPU' backend. This could be because "
        "the operator doesn't exist for this backend: graphgrad's sparse COO tensors support "
        "creation, conversion, coalesce, t(), mm/spmm with a dense matrix, dense + sparse and "
        "products with a scalar (docs/sparse.md)."
    )


def sparse_call(prim: Primitive, args: tuple, params: dict):
    """``prim`` on operands of which one or more is sparse: its sparse kernel's result, or
    PyTorch's NotImplementedError.

    A sparse tensor's ``_data`` is an array stand-in that raises NotImplementedError at any use
    (ops/sparse/coo.py), so a dense forward given one fails before computing anything and
    ``apply`` hands the call here: one place decides what sparse operands can do, and dense
    ops carry no check.
    """
    kernel = SPARSE_KERNELS.get(prim)
    out = NotImplemented if kernel is None else kernel(*args, **params)
    if out is NotImplemented:
        raise not_on_sparse(prim.name) from None
    return out


def _on_arrays(prim: Primitive) -> Callable:
    """``prim`` applied to arrays, for the ``ARRAYS`` namespace: its forward, after the casts its
    dtype rule makes where the operands' dtypes differ, with no node."""
    forward = prim.forward
    if prim.dtype_rule == "same":
        return forward

    def on_arrays(*args, **params):
        if len(args) == 2:  # the usual case (tanh_backward(grad, result)), checked inline
            a, b = args
            dt = getattr(a, "dtype", None)
            if dt is not None and getattr(b, "dtype", dt) is dt and dt.kind in "fc":
                return forward(a, b, **params)
        if not needs_no_cast(args):
            tensors = [Tensor._make(np.asarray(a)) if isinstance(a, _ARRAYS) else a for a in args]
            return forward(*_prepare(prim, tuple(tensors)), **params)
        return forward(*args, **params)

    on_arrays.forward = forward  # type: ignore[attr-defined]  # what it calls where no cast is needed
    return on_arrays


_ARRAYS = (np.ndarray, np.generic)


def needs_no_cast(args: tuple) -> bool:
    """Whether the operands are arrays of one floating dtype (or Python numbers after the
    first, which take it): the usual case, where a primitive on arrays is its forward."""
    dt = getattr(args[0], "dtype", None)
    if dt is None or dt.kind not in "fc":
        return False
    return all(getattr(a, "dtype", dt) is dt for a in args)


TENSORS.primitives_as(lambda prim: partial(apply, prim))
ARRAYS.primitives_as(_on_arrays)


def check_broadcast(args: tuple) -> None:
    """Raise PyTorch's error if the tensor operands' shapes do not broadcast together (their
    shapes folded in order, as PyTorch's TensorIterator does)."""
    shape = None
    for a in args:
        if isinstance(a, Tensor):
            here = a._data.shape
            shape = here if shape is None else broadcast_shapes(shape, here)


def _apply_multi(prim: Primitive, args: tuple, params: dict, outs) -> tuple:
    datas = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in outs)
    node = _record(prim, args, params) if _grad_state.enabled else None
    if node is None:
        return tuple(Tensor._make(d, False, None, 0, _view_base(prim, d, args)) for d in datas)
    nodes = node._next_nodes
    results = tuple(
        Tensor._make(
            d,
            d.dtype.kind in "fc",
            node if d.dtype.kind in "fc" else None,
            i,
            _view_base(prim, d, args),
        )
        for i, d in enumerate(datas)
    )
    _save(prim, node, args, results, nodes)
    return results


def _view_base(prim: Primitive, data: np.ndarray, args: tuple):
    """The base tensor a view output shares storage (and version counter) with, or None."""
    if prim.view and data.base is not None:
        src = args[0]
        return src._base if src._base is not None else src
    return None


def _apply_forward_ad(prim: Primitive, args: tuple, params: dict):
    """``apply`` inside a forward-AD level: the primal as usual, then the tangents."""
    with _fw_suspended():  # in this thread only: other threads' ops keep their tangents
        out = apply(prim, *args, **params)
    forward_mode.propagate(prim, args, params, (out,) if prim.n_outputs == 1 else out, apply)
    return out


# Every node keeps one (shape, dtype) per input; a graph has few distinct such tuples, so
# nodes share them: a long chain of small ops needs 150 bytes per op less.
_META: dict = {}
_META_SIZE = 4096


def _intern_meta(meta: tuple) -> tuple:
    if len(_META) >= _META_SIZE:
        _META.clear()
    _META[meta] = meta
    return meta


# Nodes share what they only read. A node's parameters (``alpha=1``) are shared per distinct
# set of values when these are ints, strings or None (equal values of these are the same; not
# bools, 1 == True; not floats, 0.0 == -0.0); a Python scalar operand it saves (the 0.9 of
# ``x * 0.9``) per (name, class, value), floats included but for 0 (NaN never matches). Nothing
# writes to these dicts (``release`` replaces a node's dict): a chain of ``x * 0.9 + 0.1``
# needs 250 bytes per op less.
_SHARED: dict = {}
_SHARED_SIZE = 4096
_PARAM_ATOMS = frozenset((int, str, type(None)))
_SCALARS = frozenset((int, float))


def _shared(key, values: dict) -> dict:
    shared = _SHARED.get(key)
    if shared is None:
        if len(_SHARED) >= _SHARED_SIZE:
            _SHARED.clear()
        shared = _SHARED[key] = values
    return shared


def _shared_params(params: dict) -> dict:
    key = tuple(params.items())
    for _, v in key:  # before hashing: 1.0 or True would find the dict of 1
        if v.__class__ not in _PARAM_ATOMS:
            return params
    return _shared(key, params)


def _saved_scalar(name: str, value) -> dict:
    """The dict of a node that saves one Python scalar and has no parameters."""
    cls = value.__class__
    if cls not in _SCALARS or not value:
        return {name: value}
    return _SHARED.get((name, cls, value)) or _shared((name, cls, value), {name: value})


def _record(prim: Primitive, args: tuple, params: dict) -> FunctionNode | None:
    """The node of this application (edges, input shapes and dtypes), or None when no input
    requires grad. One pass over the inputs: this runs for every op of every forward.

    Long on purpose: the one- and two-input cases are spelled out without lists, which is
    worth 8-16% on the benchmark rows W1-W4 (docs/performance.md, "Kept and removed").
    """
    if len(args) == 1:  # the unary case, without the lists
        a = args[0]
        if not (isinstance(a, Tensor) and a._requires_grad):
            return None
        fn = a.grad_fn
        if fn is None:
            fn = grad_accumulator(a)
            nrs = (0,)
        else:
            nr = a._output_nr
            nrs = (0,) if nr == 0 else (nr,)
        meta = ((a._data.shape, a.dtype),)
        return prim.node_cls(
            (fn,),
            nrs,
            params if prim.saves else _shared_params(params),
            _META.get(meta) or _intern_meta(meta),
        )
    if len(args) == 2:  # the binary case, without the lists
        a, b = args
        meta_a = meta_b = fn_a = fn_b = None
        nr_a = nr_b = 0
        if isinstance(a, Tensor):
            meta_a = (a._data.shape, a.dtype)
            if a._requires_grad:
                fn_a = a.grad_fn
                if fn_a is None:
                    fn_a = grad_accumulator(a)
                else:
                    nr_a = a._output_nr
        if isinstance(b, Tensor):
            meta_b = (b._data.shape, b.dtype)
            if b._requires_grad:
                fn_b = b.grad_fn
                if fn_b is None:
                    fn_b = grad_accumulator(b)
                else:
                    nr_b = b._output_nr
        if fn_a is None and fn_b is None:
            return None
        pair = (meta_a, meta_b)
        return prim.node_cls(
            (fn_a, fn_b),
            (0, 0) if nr_a == 0 and nr_b == 0 else (nr_a, nr_b),
            params if prim.saves else _shared_params(params),
            _META.get(pair) or _intern_meta(pair),
        )
    nodes: list = []
    numbers: list[int] = []
    metas: list = []
    for a in args:
        fn = None
        nr = 0
        if isinstance(a, Tensor):
            metas.append((a._data.shape, a.dtype))
            if a._requires_grad:
                fn = a.grad_fn
                if fn is None:
                    fn = grad_accumulator(a)
                else:
                    nr = a._output_nr
        else:
            metas.append(None)
        nodes.append(fn)
        numbers.append(nr)
    if not any(fn is not None for fn in nodes):
        return None
    all_meta = tuple(metas)
    return prim.node_cls(
        tuple(nodes),
        tuple(numbers),
        params if prim.saves else _shared_params(params),
        _META.get(all_meta) or _intern_meta(all_meta),
    )


def _save(prim: Primitive, node: FunctionNode, args: tuple, results: tuple, nodes: tuple) -> None:
    saved = node._saved
    shared = False  # saved is a shared dict: copy it before writing
    for name, users, index in prim.save_plan:
        for i in users:
            if nodes[i] is not None:
                break
        else:
            continue  # no input whose rule reads this value needs a gradient
        value = results[0] if index < 0 else args[index]
        if not isinstance(value, Tensor) and not saved:
            # a scalar operand and no parameters (x * 0.9): maybe a shared dict
            saved = node._saved = _saved_scalar(name, value)
            shared = True
            continue
        if shared:
            saved = node._saved = dict(saved)
            shared = False
        if index < 0:
            saved[name] = SavedSlot(value, True)
        else:
            saved[name] = SavedSlot(value, False) if isinstance(value, Tensor) else value
    if prim.n_outputs > 1:
        # (a slot that node_class adds to the classes of multi-output ops)
        node._out_meta = tuple((r._data.shape, r.dtype) for r in results)  # type: ignore[misc]
