"""The order backward runs the nodes in, and the gradients that flow out of each.

``engine_order`` follows the engine's schedule (``graphgrad.autograd.engine``): count the edges
into every node reachable from the roots, then repeatedly run the ready node created last
(highest sequence number; ``AccumulateGrad`` nodes have the highest of all, so a leaf's gradient
is stored as soon as it is complete), ties going to the node made ready first. The tests check
it against the order the engine really calls the nodes in (recorded with node hooks).

``record_gradients`` replays backward once, without touching any ``.grad``, and keeps what each
node received and returned.

>>> import graphgrad as torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> y = (x * 3).exp() + x
>>> [type(fn).__name__ for fn in engine_order([y.grad_fn])]
['AddBackward0', 'ExpBackward0', 'MulBackward0', 'AccumulateGrad']
>>> flows = record_gradients([y], engine_order([y.grad_fn]))
>>> [float(g) for g in flows[id(y.grad_fn)].outputs]  # what AddBackward0 sent on
[1.0, 1.0]
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...autograd import gradients
from ...autograd.hooks import RetainGradHook
from ...creation import ones_like
from ...tensor import Tensor
from .._labels import has_attr

if TYPE_CHECKING:
    from .._protocols import NodeLike, TensorLike


def sequence_nr(fn: NodeLike) -> int:
    """The node's creation number (graphgrad's ``_sequence_nr`` slot, torch's method)."""
    value = getattr(fn, "_sequence_nr", 0)
    return value() if callable(value) else int(value)


def children(fn: NodeLike) -> list:
    """The nodes ``fn`` sends gradients to, in input order (None for an input without one)."""
    return [child for child, _ in fn.next_functions]


def engine_order(roots: list) -> list:
    """Every node reachable from ``roots`` in the order the engine runs them."""
    roots = list(dict.fromkeys(r for r in roots if r is not None))
    deps = dict.fromkeys(roots, 0)
    stack = list(roots)
    while stack:
        for child in children(stack.pop()):
            if child is None:
                continue
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                stack.append(child)
    ready: list = []
    tiebreak = 0
    for root in roots:
        if deps[root] == 0:
            tiebreak += 1
            heapq.heappush(ready, (-sequence_nr(root), tiebreak, root))
    order = []
    while ready:
        node = heapq.heappop(ready)[2]
        order.append(node)
        for child in children(node):
            if child is None:
                continue
            deps[child] -= 1
            if deps[child] == 0:
                tiebreak += 1
                heapq.heappush(ready, (-sequence_nr(child), tiebreak, child))
    return order


@dataclass
class Flow:
    """What one node received (``inputs``: one per output of its forward op) and returned
    (``outputs``: one per entry of ``next_functions``), as arrays or None."""

    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)


def _array(grad: TensorLike | None) -> np.ndarray | None:
    return None if grad is None else np.asarray(grad.detach())


def record_gradients(outputs: list, order: list) -> dict[int, Flow] | None:
    """``id(node) -> Flow`` from one extra backward with gradient 1 at every output.

    It runs ``graphgrad.autograd.grad`` with ``retain_graph=True``, so the graph stays usable,
    and puts back the ``.grad`` of any ``retain_grad()`` tensor, so no ``.grad`` changes (hooks
    you registered do run). None when that cannot be done: the
    graph was already freed by a backward, or the tensors are not graphgrad's.
    """
    outputs = [o for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    leaves = [fn.variable for fn in order if has_attr(fn, "variable")]
    if not outputs or not leaves or len(outputs) != len({id(o) for o in outputs}):
        return None
    flows: dict[int, Flow] = {}
    kept = _retained_grads(order)
    handles = []
    for fn in order:
        if not has_attr(fn, "variable") and hasattr(fn, "register_hook"):
            handles.append(fn.register_hook(_recorder(flows, fn)))
    try:
        seeds = [ones_like(o) for o in outputs]
        leaf_grads = gradients.grad(
            outputs, leaves, grad_outputs=seeds, retain_graph=True, allow_unused=True
        )
    except RuntimeError:  # freed by an earlier backward, or not differentiable here
        return None
    finally:
        for handle in handles:
            handle.remove()
        for t, grad in kept:  # retain_grad() tensors: their .grad as it was
            t._grad = grad
    accumulators = [fn for fn in order if has_attr(fn, "variable")]
    for fn, grad in zip(accumulators, leaf_grads):
        flows[id(fn)] = Flow([_array(grad)], [])
    return flows


def _retained_grads(order: list) -> list[tuple]:
    """``(tensor, its .grad)`` for each tensor of the graph that called ``retain_grad()``."""
    kept = []
    for fn in order:
        for hooks in (getattr(fn, "_tensor_hooks", None) or {}).values():
            for hook in hooks:
                t = hook.ref() if type(hook) is RetainGradHook else None
                if t is not None:
                    kept.append((t, t._grad))
    return kept


def _recorder(flows: dict[int, Flow], fn: NodeLike):
    def hook(grad_inputs, grad_outputs):
        flows[id(fn)] = Flow([_array(g) for g in grad_outputs], [_array(g) for g in grad_inputs])

    return hook
