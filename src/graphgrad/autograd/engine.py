"""The one backward engine: both ``Tensor.backward`` and ``autograd.grad`` run through it.

It walks the graph iteratively (no recursion, so a chain of a million nodes is fine): first it
counts, for every reachable node, how many edges lead into it; then it runs nodes in dependency
order (Kahn's algorithm), later-created nodes first as PyTorch does, summing the gradients that
arrive at each node before calling it. Each gradient is dropped as soon as it has been consumed.

A first-order backward (no ``create_graph``, no ``inputs=``, no anomaly mode) hands plain
arrays between nodes and runs the primitives' ``rules_on_arrays``; otherwise gradients are tensors
and the rules record a graph of their own.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = (x * x).sum()
>>> torch.autograd.grad(y, x, create_graph=True)[0]  # tensor rules: a graph to differentiate
tensor([2., 4.], grad_fn=<AddBackward0>)
>>> y.backward(); x.grad  # array rules
tensor([2., 4.])
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from ..compile._flag import state as _compile_state
from ..tensor import Tensor
from . import anomaly_mode
from .anomaly_mode import state as _anomaly
from .grad_mode import _state as _grad_state
from .hooks import check_hook_count, check_hook_result
from .namespace import ARRAYS, TENSORS, Namespace
from .node import AccumulateGrad, FunctionNode, Node, accumulate_into, edge_of


def _count_dependencies(roots: list[Node]) -> dict[Node, int]:
    """For each node reachable from ``roots``, the number of edges that lead into it (roots
    start at 0; ``deps`` doubles as the set of nodes seen)."""
    deps: dict[Node, int] = dict.fromkeys(roots, 0)
    get = deps.get
    stack = list(deps)
    while stack:
        for nxt in stack.pop()._next_nodes:
            if nxt is not None:
                count = get(nxt)
                if count is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = count + 1
    return deps


def _needed_nodes(roots: list[Node], targets: dict, stop_below: int = -1) -> dict[Node, bool]:
    """Which nodes lie on a path to a target node (iterative post-order walk). Nodes numbered
    below ``stop_below`` end the walk: none of them runs (a target among them still receives
    what reaches it)."""
    target_nodes = {node for node, _ in targets}
    needed: dict[Node, bool] = {}
    for root in roots:
        if root in needed:
            continue
        needed[root] = root in target_nodes
        stack = [(root, iter(root._next_nodes))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child is not None and child not in needed:
                    if child._sequence_nr < stop_below:
                        needed[child] = False
                        continue
                    needed[child] = child in target_nodes
                    stack.append((child, iter(child._next_nodes)))
                    break
            else:
                stack.pop()
                # (a target below ``stop_below`` does not run, but what reaches it counts)
                if any(needed.get(c, False) or c in target_nodes for c in node._next_nodes):
                    needed[node] = True
    return needed


def _is_own(g, grads: list, outs: Sequence) -> bool:
    """Whether output ``g`` of a node is its own: not an incoming gradient passed on, and not
    given to two inputs (identity, since ``==`` would compare elementwise). A few outputs are
    checked one by one; a node with many (``stack`` of many leaves) uses ``_shared_ids``."""
    for x in grads:
        if x is g:
            return False
    seen = 0
    for o in outs:
        if o is g:
            seen += 1
    return seen == 1


def _leaf_may_keep(g, out, fresh: bool, grads: list, outs: Sequence, shared: set | None) -> bool:
    """Whether a leaf may keep gradient ``g`` (the node's output ``out``, fitted) as its
    ``.grad`` without a copy, as PyTorch's AccumulateGrad steals a gradient that nothing else
    holds; the one place this is decided. ``g`` must own its contiguous, writeable memory, and
    be made by ``fit_to_input`` (a sum, a cast) or be the node's own new output (``shared``:
    the precomputed ``_shared_ids`` of a node with many outputs, else None)."""
    if g.base is not None or not _contiguous_writeable(g.flags):
        return False
    if g is not out:
        return True
    if not fresh:
        return False
    return _is_own(g, grads, outs) if shared is None else id(g) not in shared


def _contiguous_writeable(flags) -> bool:
    return flags.c_contiguous and flags.writeable  # (one flags object, not two)


def _shared_ids(grads: list, outs: Sequence) -> set:
    """The ids of a node's outputs that are not its own (see ``_is_own``), in one pass."""
    shared = {id(g) for g in grads if g is not None}
    seen = set()
    for o in outs:
        if o is not None:
            k = id(o)
            if k in seen:
                shared.add(k)
            seen.add(k)
    return shared


def fit_to_input(grad, meta: tuple, node: Node, index: int, xp: Namespace = TENSORS):
    """Undo broadcasting once, here: reduce ``grad`` (a tensor or an array, as ``xp`` says) to
    its input's shape and dtype."""
    shape, dt = meta
    if grad.shape != shape:
        try:
            grad = xp.sum_to_size(grad, shape)
        except RuntimeError:
            raise _invalid_gradient(node, index, grad.shape, shape) from None
    if xp.dtype_of(grad) is not dt:
        grad = xp.to_copy(grad, dtype=dt)
    return grad


def _invalid_gradient(node: Node, index: int, got: tuple, expected: tuple) -> RuntimeError:
    return RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {index} - got "
        f"{list(got)} but expected shape compatible with {list(expected)}"
    )


def _wrap(grad) -> Tensor:
    """An array gradient as a Tensor, for code that takes Tensors (hooks, other nodes' rules);
    a NumPy scalar (what ufuncs give on 0-d arrays) becomes a 0-d array."""
    return Tensor._make(grad if grad.__class__ is np.ndarray else np.asarray(grad))


def _wrap_all(grads: list) -> list:
    return [None if g is None else _wrap(g) for g in grads]


def _unwrap_all(grads: list) -> list:
    return [None if g is None else g._data for g in grads]


def _own_outputs(node: Node, outs: list) -> bool:
    """Whether ``outs``, what ``node`` returned as tensors, are its own new values (a
    primitive's rules, no hooks, no output of a forward among them), which a leaf may then keep
    as its ``.grad`` without a copy. (A view is fine: a leaf keeps a view only if nothing else
    holds its base; see ``node._stealable``.)"""
    return (
        isinstance(node, FunctionNode)
        and not (node._pre_hooks or node._post_hooks)
        and all(o is None or o._vc is None or o._base is not None for o in outs)
    )


def _run_tensor_hooks(node: Node, grads: list) -> list:
    for nr, hooks in node._tensor_hooks.items():
        if nr < len(grads) and grads[nr] is not None:
            for hook in list(hooks):
                new = hook(grads[nr])
                if new is not None:
                    grads[nr] = check_hook_result(hook, grads[nr], new)
    return grads


def _call_node(node: Node, grads: list, retain_graph: bool) -> list:
    if node._pre_hooks:
        for hook in list(node._pre_hooks):
            new = hook(tuple(grads))
            if new is not None:
                grads = check_hook_count(hook, new, len(grads))
    outs = node.apply(grads)
    if node._post_hooks:
        for hook in list(node._post_hooks):
            new = hook(tuple(outs), tuple(grads))
            if new is not None:
                outs = check_hook_count(hook, new, len(outs))
    if not retain_graph:
        node.release()
    return outs


def _call_node_checked(node: Node, grads: list, retain_graph: bool) -> list:
    """``_call_node`` under anomaly detection: NaN checks, and the forward stack on error."""
    try:
        outs = _call_node(node, grads, retain_graph)
        if _anomaly.check_nan:
            anomaly_mode.check_outputs(node, outs)
    except Exception:
        anomaly_mode.warn_error(node)
        raise
    return outs


class _GraphTask:
    """One backward call's state: dependency counts, gradient buffers and the ready queue.

    ``arrays``: the first-order path (no graph to record, no ``inputs=``, no anomaly mode),
    where gradients are arrays and the rules run on arrays; otherwise they are tensors.
    """

    def __init__(
        self,
        roots: list[Node],
        targets: dict | None,
        accumulate: bool,
        arrays: bool,
        stop_below: int = -1,
    ) -> None:
        self.deps = _count_dependencies(roots)
        self.buffers: dict[Node, list] = {}
        self.ready: list = []
        self.targets = targets
        self.needed = _needed_nodes(roots, targets, stop_below) if targets is not None else {}
        self.accumulate = accumulate
        self.arrays = arrays
        self.xp = ARRAYS if arrays else TENSORS
        self.captured: dict = {}
        self.owned: dict[Node, object] = {}  # AccumulateGrad -> a gradient only it holds
        self._tiebreak = 0
        self.call = _call_node_checked if _anomaly.enabled else _call_node

    def add_grad(self, node: Node, nr: int, grad) -> None:
        buf = self.buffers.get(node)
        if buf is None:
            buf = self.buffers[node] = [None] * (nr + 1)
        elif len(buf) <= nr:
            buf.extend([None] * (nr + 1 - len(buf)))
        old = buf[nr]
        buf[nr] = grad if old is None else old + grad

    def push(self, node: Node) -> None:
        self._tiebreak += 1
        heapq.heappush(self.ready, (-node._sequence_nr, self._tiebreak, node))

    def run(self, retain_graph: bool) -> None:
        """Pop the latest-created ready node, run it, hand its outputs on; repeat.

        Every backward spends its Python time in this loop, so the usual node (a primitive's,
        without hooks, on the first-order path) runs inline; ``_step`` runs the others. (Long
        on purpose: the direct hand-off alone is worth 4-18% on the W2 and W4 rows;
        docs/performance.md, "Kept and removed".)
        """
        ready, buffers, deps, owned = self.ready, self.buffers, self.deps, self.owned
        arrays, release, xp, targets = self.arrays, not retain_graph, self.xp, self.targets
        heappop, heappush = heapq.heappop, heapq.heappush
        tiebreak = self._tiebreak
        node = None  # the next node, when the last one made exactly it ready (see below)
        while node is not None or ready:
            if node is None:
                node = heappop(ready)[2]
            grads = buffers.pop(node, None) or [None]
            if arrays and node._hooks is None and node._rules_on_arrays:
                fresh = True  # outs are new arrays of the node's rules, which nothing else holds
                outs = (
                    node.apply(grads, True, release) if grads[0] is not None or _any(grads) else ()
                )
            elif node.__class__ is AccumulateGrad and targets is None and not node._tensor_hooks:
                self._accumulate(node, grads, retain_graph)  # a leaf: nothing to hand on
                node = None
                continue
            else:
                outs, fresh = self._step(node, grads, retain_graph)
            n_outs = len(outs)
            shared = None  # _shared_ids(grads, outs), made when a big node first needs it
            nrs = node._next_nrs
            # A chain's node makes one node ready while the queue is empty: that one runs
            # next without a trip through the heap (it is what the heap would give).
            handoff = None
            direct = not ready
            for i, nxt in enumerate(node._next_nodes):
                if nxt is None:
                    continue
                if i < n_outs:
                    g = outs[i]
                    if g is not None:
                        meta = node._meta[i]
                        # (NumPy's builtin dtypes are singletons: ``is`` settles the usual case)
                        if not arrays or (
                            g.shape != meta[0]
                            or (g.dtype is not meta[1].np and g.dtype != meta[1].np)
                        ):
                            g = fit_to_input(g, meta, node, i, xp)
                        nr = nrs[i]
                        if nr == 0 and nxt not in buffers:
                            buffers[nxt] = [g]
                            if arrays and nxt.__class__ is AccumulateGrad:
                                if shared is None and n_outs > 8:
                                    shared = _shared_ids(grads, outs)
                                if _leaf_may_keep(g, outs[i], fresh, grads, outs, shared):
                                    owned[nxt] = g
                        else:
                            self.add_grad(nxt, nr, g)
                            owned.pop(nxt, None)
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    if direct:
                        if handoff is None:
                            handoff = nxt
                            continue
                        direct = False  # a second one: both go through the heap, in order
                        tiebreak += 1
                        heappush(ready, (-handoff._sequence_nr, tiebreak, handoff))
                        handoff = None
                    tiebreak += 1
                    heappush(ready, (-nxt._sequence_nr, tiebreak, nxt))
            node = handoff
        self._tiebreak = tiebreak

    def _step(self, node: Node, grads: list, retain_graph: bool) -> tuple[Sequence, bool]:
        """Run a node off the loop's inline path: tensor hooks, the gradients ``autograd.grad``
        captures, a leaf's accumulation, a node with hooks or without rules on arrays. Returns
        its outputs (none: nothing to hand on) and whether they are its own new values."""
        arrays = self.arrays
        if node._tensor_hooks:
            grads = _run_tensor_hooks(node, _wrap_all(grads) if arrays else grads)
            if arrays:
                grads = _unwrap_all(grads)
        if self.targets is not None and not self._capture(node, grads):
            return (), False
        if node.__class__ is AccumulateGrad:
            self._accumulate(node, grads, retain_graph)
            return (), False
        if not _any(grads):
            return (), False
        if not arrays:
            return self.call(node, grads, retain_graph), False
        if (
            isinstance(node, FunctionNode)
            and node._rules_on_arrays
            and not (node._pre_hooks or node._post_hooks)
        ):
            return node.apply(grads, True, not retain_graph), True
        outs = self.call(node, _wrap_all(grads), retain_graph)
        return _unwrap_all(outs), _own_outputs(node, outs)

    def _capture(self, node: Node, grads: list) -> bool:
        """Keep the gradients of ``autograd.grad``'s inputs that reach ``node``; whether a path
        from ``node`` leads to one of them (else it need not run)."""
        targets = self.targets
        assert targets is not None  # (called only when there are some)
        for nr, g in enumerate(grads):
            slot = targets.get((node, nr))
            if slot is not None and g is not None:
                self.captured[slot] = g
        return self.needed.get(node, False)

    def _accumulate(self, node: AccumulateGrad, grads: list, retain_graph: bool) -> None:
        """Run a leaf's AccumulateGrad. A gradient that a rule made for this leaf alone (no hook
        saw it) becomes ``.grad`` without a copy, as PyTorch's AccumulateGrad steals a gradient
        that nothing else holds."""
        owned = self.owned.pop(node, None)
        targets = self.targets
        if not self.accumulate or (targets is not None and (node, 0) not in targets):
            return
        grad = grads[0]
        if (
            owned is not None
            and owned is grad
            and node._hooks is None  # no node hooks; a leaf's tensor hooks live on the leaf:
            and not node.variable._backward_hooks
        ):
            node.apply([_wrap(grad)], owned=True)
        else:
            self.call(node, _wrap_all(grads) if self.arrays else grads, retain_graph)


def _any(grads: list) -> bool:
    """Whether any gradient arrived (a node whose inputs all got None need not run)."""
    if grads[0] is not None:
        return True
    return any(g is not None for g in grads)


def _captured(task: _GraphTask, inputs: list[Tensor] | None, targets: dict | None) -> list:
    """The gradients that reached ``inputs``, in their order (None where none did)."""
    if inputs is None or targets is None:
        return []
    return [task.captured.get(targets[edge_of(t)]) for t in inputs]


def run_backward(
    roots: list[Tensor],
    grads: list[Tensor],
    retain_graph: bool,
    create_graph: bool,
    inputs: list[Tensor] | None = None,
    accumulate: bool = True,
    stop_below: int = -1,
) -> list[Tensor | None]:
    """Backpropagate ``grads`` from ``roots``.

    With ``accumulate`` the leaves' ``.grad`` fields receive the sums (restricted to ``inputs``
    when given); without it nothing is written and the gradients of ``inputs`` are returned.
    With ``inputs``, ``stop_below`` keeps the walk to the nodes numbered from it on (what
    ``graphgrad.compile``'s check compares a recorded backward with: the call's own graph).
    """
    if _compile_state.recorder is not None:  # graphgrad.compile is recording this call
        return _compile_state.recorder.backward(
            roots, grads, retain_graph, create_graph, inputs, accumulate
        )
    root_edges = []
    for i, t in enumerate(roots):
        edge = edge_of(t)
        if edge is None:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        root_edges.append(edge)
    targets: dict | None = None
    if inputs is not None:
        targets = {}
        for j, t in enumerate(inputs):
            edge = edge_of(t)
            if edge is None:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(edge, j)
    arrays = not create_graph and targets is None and not _anomaly.enabled
    task = _GraphTask([node for node, _ in root_edges], targets, accumulate, arrays, stop_below)
    for (node, nr), g in zip(root_edges, grads):
        task.add_grad(node, nr, g._data if arrays else g)
    for node in task.buffers:
        if task.deps.get(node, 0) == 0:
            task.push(node)
    # Rules meet inf * 0 and the like at poles; PyTorch computes through them silently.
    # (grad mode set by hand: set_grad_enabled's object costs a backward of x**2 5%)
    grad_enabled = _grad_state.enabled
    _grad_state.enabled = create_graph
    try:
        with np.errstate(all="ignore"):
            task.run(retain_graph)
            results = _captured(task, inputs, targets)
            if accumulate and inputs:
                for t, result in zip(inputs, results):
                    if t.grad_fn is not None:
                        accumulate_into(t, result)
    finally:
        _grad_state.enabled = grad_enabled
    return results
