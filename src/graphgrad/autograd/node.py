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

import numpy as np

from ..tensor import Tensor

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


class RemovableHandle:
    """Returned by ``register_hook``: ``remove()`` takes the hook out again."""

    def __init__(self, hooks: list, hook) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Node:
    """Base of every backward node."""

    __slots__ = ("_next_functions", "_sequence_nr", "_pre_hooks", "_post_hooks", "_tensor_hooks",
                 "_metadata", "__weakref__")

    def __init__(self, next_functions: tuple = ()) -> None:
        self._next_functions = next_functions
        self._sequence_nr = next(_sequence)
        self._pre_hooks = self._post_hooks = self._tensor_hooks = self._metadata = None

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        return self._next_functions

    @property
    def metadata(self) -> dict:
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @property
    def requires_grad(self) -> bool:
        return True

    def _sequence_number(self) -> int:
        return self._sequence_nr

    def apply(self, grads: list) -> list:  # pragma: no cover - every node kind overrides it
        raise NotImplementedError

    def release(self) -> None:
        """Free what was saved for backward (called by the engine unless retain_graph)."""

    def register_hook(self, fn) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after this node; it may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return RemovableHandle(self._pre_hooks, fn)

    def _add_tensor_hook(self, output_nr: int, fn) -> RemovableHandle:
        """A hook registered through ``Tensor.register_hook`` on this node's output."""
        if self._tensor_hooks is None:
            self._tensor_hooks = {}
        hooks = self._tensor_hooks.setdefault(output_nr, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def __call__(self, *grads):
        return _unwrap_single(self.apply(list(grads)))

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"


def _unwrap_single(out: list):
    return out[0] if len(out) == 1 else tuple(out)


class AccumulateGrad(Node):
    """Adds the incoming gradient into ``variable.grad`` (one such node per leaf)."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        super().__init__(())
        self._sequence_nr = _MAX_SEQUENCE
        self.variable = variable

    def apply(self, grads: list) -> list:
        accumulate_into(self.variable, grads[0])
        return []


def accumulate_into(variable: Tensor, grad: Tensor | None) -> None:
    """``variable.grad += grad``, in place when no graph is being built (as PyTorch does)."""
    if grad is None:
        return
    from .grad_mode import is_grad_enabled

    old = variable._grad
    if old is None:
        if is_grad_enabled():
            variable._grad = grad
        else:
            # The engine may hand the same tensor to several slots: store a private copy.
            variable._grad = Tensor._make(np.array(grad._data, copy=True))
    elif is_grad_enabled() or old._requires_grad:
        variable._grad = old + grad
    else:
        np.add(old._data, grad._data, out=old._data, casting="unsafe")


class SavedSlot:
    """A tensor saved for backward, with the version it had when saved.

    Inputs are kept as the Tensor itself (so ``_saved_self is x`` for a leaf); an output is kept
    as its array only, and re-wrapped on unpack with ``grad_fn`` = the saving node, so that a
    node never holds its own output and graphs are freed by reference counting.
    """

    __slots__ = ("tensor", "data", "counter", "version", "output_nr")

    def __init__(self, tensor: Tensor, is_output: bool) -> None:
        self.tensor = None if is_output else tensor
        self.data = tensor._data if is_output else None
        self.counter = tensor._version_counter
        self.version = tensor._version_counter.value
        self.output_nr = tensor._output_nr

    def unpack(self, node: Node) -> Tensor:
        if self.counter.value != self.version:
            raise RuntimeError(self._modified_message(node))
        if self.tensor is not None:
            return self.tensor
        t = Tensor._make(self.data, True, node, self.output_nr)
        t._version_counter = self.counter
        return t

    def _modified_message(self, node: Node) -> str:
        t = self.tensor
        shape = t.shape if t is not None else self.data.shape
        legacy = (t.dtype if t is not None else _dtype_of(self.data)).legacy
        owner = node if t is None else t.grad_fn
        where = ""
        if owner is not None:
            op = _forward_name(owner.name())
            where = f", which is output {self.output_nr} of {op},"
        dims = ", ".join(str(d) for d in shape)
        return (
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{legacy}Tensor [{dims}]]{where} is at version "
            f"{self.counter.value}; expected version {self.version} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False)."
        )


def _dtype_of(data: np.ndarray):
    from ..dtypes import from_numpy_dtype

    return from_numpy_dtype(data.dtype)


def _forward_name(node_name: str) -> str:
    """``AddBackward0`` -> ``Add``: the forward op's name as PyTorch's messages give it."""
    head, sep, _ = node_name.rpartition("Backward")
    return head if sep else node_name


class FunctionNode(Node):
    """The node of one primitive application. Subclasses are made per op by ``node_class``.

    ``_saved`` maps names to what the rules read: non-tensor parameters as they are, input
    tensors and the result as ``SavedSlot``s (checked against in-place changes on unpack).
    ``_meta`` has one ``(shape, dtype)`` per input, so the engine can reduce a broadcast gradient
    to its input's shape and dtype.
    """

    __slots__ = ("_saved", "_meta", "_freed", "_out_meta")
    prim = None  # the Primitive, set on each generated subclass
    _attr_names: tuple = ()

    def __init__(self, next_functions: tuple, saved: dict, meta: tuple) -> None:
        Node.__init__(self, next_functions)
        self._saved = saved
        self._meta = meta
        self._freed = False
        self._out_meta = None

    def unpack_saved(self) -> dict:
        """What the rules read, with saved tensors unpacked (raises if freed or modified)."""
        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        saved = self._saved
        if not any(type(v) is SavedSlot for v in saved.values()):
            return saved
        return {k: (v.unpack(self) if type(v) is SavedSlot else v) for k, v in saved.items()}

    def apply(self, grads: list) -> list:
        prim = self.prim
        if prim.n_outputs == 1:
            grad = grads[0]
        else:
            grad = [g if g is not None else _zeros(m) for g, m in zip(grads, self._out_meta)]
        saved = self.unpack_saved()
        out = []
        for rule, edge in zip(prim.rules, self._next_functions):
            out.append(rule(grad, saved) if edge[0] is not None and rule is not None else None)
        return out

    def release(self) -> None:
        saved = self._saved
        if any(type(v) is SavedSlot for v in saved.values()):
            self._freed = True
            self._saved = {k: v for k, v in saved.items() if type(v) is not SavedSlot}

    def __getattr__(self, attr: str):
        if attr.startswith("_saved_") and attr[7:] in self._attr_names:
            return self.prim.saved_attr(self, attr[7:])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attr}'")

    def __dir__(self):
        return sorted(set(super().__dir__()) | {"_saved_" + n for n in self._attr_names})


def _zeros(meta: tuple) -> Tensor:
    shape, dt = meta
    return Tensor._make(np.zeros(shape, dt.np))


def node_class(name: str, prim, attr_names: tuple) -> type:
    """A FunctionNode subclass named like PyTorch's node for ``prim`` (e.g. ``MulBackward0``)."""
    return type(name, (FunctionNode,), {"__slots__": (), "prim": prim, "_attr_names": attr_names})
