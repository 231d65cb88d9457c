"""Backward nodes: the vertices of the graph that ``grad_fn`` points into.

A ``Node`` has ``next_functions`` (one ``(node or None, output_nr)`` edge per input slot) and an
``apply`` that maps the gradients of its outputs to gradients of its inputs. ``FunctionNode`` is
the node of a primitive op (its class is named as PyTorch names it, e.g. ``MulBackward0``);
``AccumulateGrad`` is the one sink per leaf that adds into ``.grad``.

>>> import graphgrad as torch
>>> x = torch.tensor(7.0, requires_grad=True)
>>> y = x**2
>>> y.grad_fn.name(), y.grad_fn.next_functions[0][0].variable is x
('PowBackward0', True)
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, cast

import numpy as np

from ..compile._flag import constant
from ..tensor import Tensor
from .anomaly_mode import state as _anomaly
from .anomaly_mode import user_stack
from .grad_mode import _state as _grad_state
from .hooks import NodeHooks, RemovableHandle, RetainGradHook
from .saved import SavedSlot

if TYPE_CHECKING:
    from ..ops.primitive import Primitive, _Each

_sequence = itertools.count()

# AccumulateGrad runs as soon as it is ready, like PyTorch's (highest priority).
_MAX_SEQUENCE = 2**63 - 1

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)


class Node:
    """Base of every backward node: a tensor's ``grad_fn``, with edges to the nodes of
    its inputs.

    Args:
        next_functions: the edges, as ``(node, output_nr)`` pairs.

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * 2).sum()
    >>> isinstance(y.grad_fn, torch.autograd.Node)
    True
    """

    # The edges, as two tuples: the next nodes (None where an input needs no gradient) and the
    # output numbers (mostly the constants (0,) and (0, 0)), so an edge costs no tuple of its own:
    # a long chain of ops holds 50 bytes and one tracked object less per op.
    __slots__ = ("_next_nodes", "_next_nrs", "_sequence_nr", "_hooks", "__weakref__")
    _hooks: NodeHooks | None
    _meta: tuple  # (shape, dtype) per input, on the nodes that have inputs (subclasses' slot)

    # a primitive's rules bound to ARRAYS, on its node class (see apply); () where there are none
    _rules_on_arrays: tuple | _Each = ()
    _one_rule = False  # whether the primitive has one input, with a rule
    _saves = True  # whether release() may have something to free

    def __init__(self, next_functions: tuple = ()) -> None:
        nodes = tuple(fn for fn, _ in next_functions)
        self._link(nodes, tuple(nr for _, nr in next_functions), next(_sequence))

    def _link(self, nodes: tuple, nrs: tuple, sequence_nr: int) -> None:
        """Set the edges (the next nodes and their output numbers) and the sequence number."""
        self._next_nodes = nodes
        self._next_nrs = nrs
        self._sequence_nr = sequence_nr
        self._hooks = None
        if _anomaly.enabled:
            self.metadata["traceback_"] = user_stack()

    def _node_hooks(self) -> NodeHooks:
        hooks = self._hooks
        if hooks is None:
            hooks = self._hooks = NodeHooks()
        return hooks

    # the hook lists: None until a hook is registered
    _pre_hooks = property(
        lambda self: self._hooks and self._hooks.pre,
        lambda self, v: setattr(self._node_hooks(), "pre", v),
    )
    _post_hooks = property(
        lambda self: self._hooks and self._hooks.post,
        lambda self, v: setattr(self._node_hooks(), "post", v),
    )
    _tensor_hooks = property(
        lambda self: self._hooks and self._hooks.tensor,
        lambda self, v: setattr(self._node_hooks(), "tensor", v),
    )

    def name(self) -> str:
        """The node's class name, as PyTorch names it (``MulBackward0``...).

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.name()
        'SumBackward0'
        """
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """The edges to the inputs' nodes: ``(node, output_nr)`` pairs, ``(None, 0)``
        for an input that needs no gradient.

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.next_functions
        ((<MulBackward0 object at ...>, 0),)
        """
        return tuple(zip(self._next_nodes, self._next_nrs))

    @property
    def metadata(self) -> dict:
        """A dict for your own annotations (anomaly mode keeps the forward stack here).

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.metadata
        {}
        """
        hooks = self._node_hooks()
        if hooks.metadata is None:
            hooks.metadata = {}
        return hooks.metadata

    @property
    def _metadata(self) -> dict | None:
        hooks = self._hooks
        return None if hooks is None else hooks.metadata

    @property
    def requires_grad(self) -> bool:
        """Always True: a node exists only where a gradient is needed.

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.requires_grad
        True
        """
        return True

    def _sequence_number(self) -> int:
        return self._sequence_nr

    def apply(self, grads: list) -> list:  # pragma: no cover - every node kind overrides it
        """Compute the input gradients from the output gradients (``node(*grads)`` calls
        it); each kind of node defines it.

        Args:
            grads: one gradient per output of the node.

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn(torch.tensor(1.0))
        tensor([1., 1.])
        """
        raise NotImplementedError

    def release(self) -> None:
        """Free what was saved for backward (the engine calls it unless ``retain_graph``).

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.release()
        """

    def register_hook(self, fn) -> RemovableHandle:
        """Run ``fn(grad_inputs, grad_outputs)`` after this node; it may return new
        grad_inputs. Returns a handle whose ``remove()`` unregisters it.

        Args:
            fn: the hook.

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> seen = []
        >>> handle = y.grad_fn.register_hook(lambda grad_in, grad_out: seen.append(grad_in))
        >>> y.backward(); seen
        [(tensor([1., 1.]),)]
        """
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn) -> RemovableHandle:
        """Run ``fn(grad_outputs)`` before this node; it may return new grad_outputs.
        Returns a handle whose ``remove()`` unregisters it.

        Args:
            fn: the hook.

        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * 2).sum()
        >>> handle = y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
        >>> y.backward(); x.grad
        tensor([20., 20.])
        """
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return RemovableHandle(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr: int, fn) -> RemovableHandle:
        """A hook registered through ``Tensor.register_hook`` on this node's output."""
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        hooks = self._tensor_hooks.setdefault(output_nr, [])
        if hooks and type(hooks[-1]) is RetainGradHook:
            hooks.insert(len(hooks) - 1, fn)  # retain_grad's hook stays last
        else:
            hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def __call__(self, *grads):
        return _unwrap_single(self.apply(list(grads)))

    def __repr__(self) -> str:  # the class name, without name()'s C++ namespace
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def _unwrap_single(out: list):
    return out[0] if len(out) == 1 else tuple(out)


class AccumulateGrad(Node):
    """Adds the incoming gradient into ``variable.grad`` (one such node per leaf)."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self._link((), (), _MAX_SEQUENCE)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # PyTorch's C++ nodes keep their namespace

    # A leaf's hooks live on the tensor, not on this node (which the tensor holds weakly), so a
    # hook registered before any graph uses the leaf is not lost with a short-lived node.
    @property
    def _tensor_hooks(self) -> dict | None:
        return self.variable._backward_hooks

    @_tensor_hooks.setter
    def _tensor_hooks(self, hooks: dict | None) -> None:
        if hooks is not None or self.variable._backward_hooks is None:
            self.variable._backward_hooks = hooks

    def apply(self, grads: list, owned: bool = False) -> list:
        variable = self.variable
        accumulate_into(variable, grads[0], owned)
        hooks = variable._post_accumulate_grad_hooks
        if hooks:
            for hook in list(hooks):
                if hook(variable) is not None:
                    raise RuntimeError("Tensor post accumulate grad hooks should return None.")
        return []


def grad_accumulator(leaf: Tensor) -> AccumulateGrad:
    """The leaf's one AccumulateGrad node, made on first use and shared while it lives (the
    leaf holds it weakly, as PyTorch does, so a graph's end frees it)."""
    ref = leaf._accumulator
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(leaf)
        leaf._accumulator = weakref.ref(acc)
    return acc


def edge_of(t: Tensor) -> tuple | None:
    """The (node, output_nr) a gradient for ``t`` flows into, or None (no gradient needed)."""
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    if t._requires_grad:
        return (grad_accumulator(t), 0)
    return None


def accumulate_into(variable: Tensor, grad: Tensor | None, owned: bool = False) -> None:
    """``variable.grad += grad``, in place when no graph is being built (as PyTorch does).

    ``owned``: the engine vouches that nothing else holds ``grad`` (``engine._leaf_may_keep``),
    so it is stored as it is.
    """
    if grad is None:
        return
    old = variable._grad
    if old is None:
        if _grad_state.enabled:
            # create_graph: a recorded copy (CopyBackwards, as PyTorch's clone_obey_contract),
            # never ``grad`` itself, which may be the caller's ``gradient`` or another slot's.
            variable._grad = Tensor._make(np.empty_like(grad._data)).copy_(grad)
        elif owned:
            variable._grad = grad
        else:
            # The engine may hand the same tensor to several slots: store a private copy.
            variable._grad = Tensor._make(np.array(grad._data, copy=True))
    elif _grad_state.enabled or old._requires_grad:
        variable._grad = old + grad
    else:
        np.add(old._data, grad._data, out=old._data, casting="unsafe")
        old._version_counter.bump()  # an in-place write, as PyTorch counts it


class Released(dict):
    """A node's saved values after ``release()``: the plain parameters that stay."""

    __slots__ = ()


_NOTHING_KEPT = Released()  # shared: nothing writes to a released node's dict


class FunctionNode(Node):
    """The node of one primitive application. Subclasses are made per op by ``node_class``.

    ``_saved`` maps names to what the rules read: non-tensor parameters as they are, input
    tensors and the result as ``SavedSlot``s (checked against in-place changes on unpack).
    ``_meta`` has one ``(shape, dtype)`` per input, so the engine can reduce a broadcast gradient
    to its input's shape and dtype.
    """

    __slots__ = ("_saved", "_meta")  # multi-output ops' classes add "_out_meta"
    _out_meta: tuple  # (shape, dtype) per output, on multi-output ops' nodes
    prim: Primitive = None  # type: ignore[assignment]  # each generated subclass sets its own
    _attr_names: tuple = ()

    def __init__(self, nodes: tuple, nrs: tuple, saved: dict, meta: tuple) -> None:
        self._link(nodes, nrs, next(_sequence))
        self._saved = saved
        self._meta = meta
        if _anomaly.enabled:
            self.metadata["traceback_"] = user_stack()

    def unpack_saved(self, arrays: bool = False, dtype=None, release: bool = False) -> dict:
        """What the rules read, with saved tensors unpacked; raises if they were freed or
        modified in place.

        On the engine's first-order path (``arrays``) they are arrays, and an operand of
        another dtype than the gradient (``dtype``) is cast to it, as tensors promote when
        they meet (NumPy would compute float32 * int64 in float64); ``release`` then frees
        them in the same pass.
        """
        saved = self._saved
        if saved.__class__ is Released:
            raise RuntimeError(BACKWARD_TWICE)
        if not self._saves:
            return saved
        prim = self.prim
        names, operands = prim.saved_names, prim.operands if arrays else ()
        unpacked = {}
        kept = None  # the parameters, which a release keeps
        freed = False
        for k, v in saved.items():
            if v.__class__ is SavedSlot:
                v = v.unpack(self, arrays)
                if k in operands and v.dtype is not dtype and v.dtype != dtype:
                    v = cast(np.ndarray, v).astype(dtype)  # (operands: on arrays only)
                freed = True
            elif k in names:
                freed = True
            elif release:
                if kept is None:
                    kept = Released()
                kept[k] = v
            unpacked[k] = v
        if release and freed:
            self._saved = kept if kept is not None else _NOTHING_KEPT
        return unpacked

    def apply(self, grads: list, arrays: bool = False, release: bool = False) -> list:
        """The gradients of the inputs (None where one needs none) from those of the outputs,
        by the primitive's rules: on tensors, recording graph in grad mode, or on arrays, the
        engine's first-order path, which may ``release`` the saved values as it reads them."""
        prim = self.prim
        if prim.n_outputs == 1:
            grad = grads[0]
        else:
            grads = list(grads) + [None] * (len(self._out_meta) - len(grads))  # unused outputs
            grad = [g if g is not None else _zeros(m) for g, m in zip(grads, self._out_meta)]
        if arrays:
            rules, saved = self._rules_on_arrays, self.unpack_saved(True, grad.dtype, release)
        else:
            rules, saved = prim.rules, self.unpack_saved()
        nodes = self._next_nodes
        if self._one_rule:
            return [rules[0](grad, saved) if nodes[0] is not None else None]
        return [
            rule(grad, saved) if nxt is not None and rule is not None else None
            for rule, nxt in zip(rules, nodes)
        ]

    def release(self) -> None:
        self._release(self._saved)

    def _release(self, saved: dict) -> None:
        # Saved inputs and results are freed (wrapped Python scalars count, as in PyTorch);
        # plain parameters such as ``alpha`` stay, so a node that saved nothing can run again.
        # A new dict, not pops: nodes may share a dict of plain values (primitive._shared).
        names = self.prim.saved_names
        if not names.isdisjoint(saved):
            if saved.keys() <= names:
                self._saved = _NOTHING_KEPT
            else:
                self._saved = Released({k: v for k, v in saved.items() if k not in names})

    @property
    def _freed(self) -> bool:
        return self._saved.__class__ is Released

    def __getattr__(self, attr: str):
        if attr.startswith("_saved_") and attr[7:] in self._attr_names:
            return self.prim.saved_attr(self, attr[7:])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attr}'")

    def __dir__(self):
        names = {n for n in super().__dir__() if n != "_saved"}  # the slot is not a saved value
        return sorted(names | {"_saved_" + n for n in self._attr_names})


def _zeros(meta: tuple) -> Tensor:
    shape, dt = meta
    return Tensor._make(constant(np.zeros(shape, dt.np)))  # (a compiled call's constant)


# Nodes that PyTorch implements by hand in C++: name() includes their namespace.
_QUALIFIED = ("CopyBackwards", "CopySlices")


_RENAMED: dict[tuple[type, str], type] = {}


def renamed(cls: type, name: str) -> type:
    """``cls`` under another of PyTorch's node names: PyTorch gives an in-place view a node of
    its own (``t_`` makes ``TBackward1``) that does what the out-of-place one does.

    >>> x = torch.ones(2, 3, requires_grad=True)
    >>> node = (x * 1).t().grad_fn
    >>> node.__class__ = renamed(type(node), "TBackward1")
    >>> node.name(), node.next_functions[0][0].name()
    ('TBackward1', 'MulBackward0')
    """
    key = (cls, name)
    if key not in _RENAMED:
        _RENAMED[key] = type(name, (cls,), {"__slots__": (), "__module__": "builtins"})
    return _RENAMED[key]


def node_class(name: str, prim, attr_names: tuple) -> type:
    """A FunctionNode subclass named like PyTorch's node for ``prim`` (e.g. ``MulBackward0``)."""
    body = {
        "__slots__": ("_out_meta",) if prim.n_outputs > 1 else (),
        "prim": prim,
        "_attr_names": attr_names,
        "_rules_on_arrays": prim.rules_on_arrays,
        "_one_rule": prim.unary,
        "_saves": bool(prim.saves),  # whether release() has anything to free
    }
    if name in _QUALIFIED:
        body["name"] = lambda self: "torch::autograd::" + type(self).__name__
    cls = type(name, (FunctionNode,), body)
    cls.__module__ = "builtins"  # PyTorch's C++ node classes print as <class 'MulBackward0'>
    return cls
