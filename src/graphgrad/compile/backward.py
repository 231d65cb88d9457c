"""The recording engine: a first-order ``backward()`` run as the engine runs it, step by step.

It walks the graph in the engine's order (latest-created node first, Kahn's algorithm), sums
arriving gradients in the same order and fits them to their inputs as the engine does, so every
value is the engine's. Each rule that runs becomes a line of the program, a call of the rule on
the slots of the gradient and the saved values; a leaf's ``AccumulateGrad`` becomes a step that
sets or adds into ``.grad`` as ``accumulate_into`` does. What this engine does not
record (``create_graph``, ``inputs=``, hooks, graphs built before the call)
stops the recording, and the real engine runs the backward.

>>> import graphgrad as torch
>>> f = torch.compile(lambda x: (x * x).sum())
>>> f(torch.tensor([1.0, 2.0]))
tensor(5.)
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from functools import partial
from typing import cast as _as

import numpy as np

from ..autograd import engine as _engine
from ..autograd.anomaly_mode import state as _anomaly
from ..autograd.function import BackwardCFunction
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.node import AccumulateGrad, FunctionNode, Released, edge_of
from ..autograd.saved import SavedSlot
from ..ops.primitive import ARRAYS, needs_no_cast
from ..ops.views_inplace import CopySlices
from ..tensor import Tensor
from ._flag import state
from .program import Deferred, holds_arrays, slot


class _Fit:
    """``engine.fit_to_input`` on arrays, for input ``index`` of ``node`` (its (shape, dtype)
    and, for the error of a gradient that does not fit, its name)."""

    __slots__ = ("meta", "node", "index")

    def __init__(self, meta: tuple, node, index: int) -> None:
        self.meta, self.node, self.index = meta, node, index

    def __call__(self, grad):
        return _engine.fit_to_input(grad, self.meta, self.node, self.index, ARRAYS)


def _add(a, b):
    return a + b


def _grad_of(t: Tensor) -> Tensor:
    """``t``'s ``.grad``, which the accumulation just set."""
    assert t._grad is not None
    return t._grad


class _SetGrad:
    """A leaf's first gradient, as ``accumulate_into`` stores it: the array itself when the
    engine could steal it, else a copy. For a leaf the program reads live it sets ``.grad``
    (or adds into the one there); for one the call made, it returns the new ``.grad``."""

    __slots__ = ("steal",)

    def __init__(self, steal: bool) -> None:
        self.steal = steal

    def new(self, g) -> Tensor:
        if g.__class__ is not np.ndarray:
            return Tensor._make(np.asarray(g))
        return Tensor._make(g if self.steal else np.array(g, copy=True))

    def __call__(self, variable: Tensor, g) -> None:
        old = variable._grad
        if old is None:
            variable._grad = self.new(g)
        else:
            np.add(old._data, g, out=old._data, casting="unsafe")
            old._version_counter.bump()


def record_backward(rec, roots, grads, retain_graph, create_graph, inputs, accumulate):
    """Run and record ``run_backward``'s first-order path (see the module's docstring)."""
    reason = None
    if create_graph:
        reason = "backward(create_graph=True)"
    elif inputs is not None or not accumulate:
        reason = "autograd.grad / backward(inputs=...)"
    elif _anomaly.enabled:
        reason = "anomaly mode"
    found = [edge_of(t) for t in roots]
    edges = [e for e in found if e is not None]
    if reason is None and len(edges) < len(found):
        reason = "backward of a tensor that does not require grad"
    deps = _engine._count_dependencies([e[0] for e in edges]) if reason is None else {}
    if reason is None:
        reason = _unsupported_graph(rec, deps)
    if reason is not None:
        rec.stop(reason)
        return _engine.run_backward(roots, grads, retain_graph, create_graph, inputs, accumulate)
    state.recorder = None
    grad_enabled = _grad_state.enabled
    _grad_state.enabled = False
    try:
        for g in grads:
            rec.ref_tensor(g)
        with np.errstate(all="ignore"):
            _Run(rec, edges, [g._data for g in grads], retain_graph, deps=deps).run()
    finally:
        _grad_state.enabled = grad_enabled
        state.recorder = rec if rec.broken is None else None
    rec.backward_ran = True
    return []


MAX_GRAPH_RESULTS = 3  # each subset of them gets a backward: 7 for three


def record_results_backward(rec, results: list) -> tuple[list[str], list[str]] | None:
    """Record the backward of the call's own graph below ``results``, whose ``backward()``
    runs after the call (``torch.compile(model)``, then ``loss.backward()`` outside): one
    backward part of the program (``Program.begin_backward``) for each subset of the results
    that may receive gradients, as the engine runs it from those alone, down to where the
    gradients leave the call's graph. Returns the tensors they flow into (the call's arguments
    and the live leaves, as the program reaches them: ``A[0]``, ``O3``), each once per
    gradient that reaches it (in the subset that gives it most), and, per subset, the tuple of
    those gradients' slots (``None`` where that subset gives fewer); None where the recording
    stopped.

    The engine runs on stand-in gradients (ones), keeping the graph for the real backward of
    this first call; the rules' steps do not depend on the gradients' values."""
    graph = _engine._count_dependencies([t.grad_fn for t in results])
    reason = _unsupported_graph(rec, graph, outside_ok=True)
    if reason is not None:
        rec.stop(reason)
        return None
    p = rec.program
    runs = []
    state.recorder = None
    grad_enabled = _grad_state.enabled
    _grad_state.enabled = False
    try:
        for mask in range(1, 1 << len(results)):
            chosen = [t for i, t in enumerate(results) if mask >> i & 1]
            stand_ins = [np.ones(t._data.shape, t._data.dtype) for t in chosen]
            p.begin_backward(stand_ins)
            edges = [(t.grad_fn, t._output_nr) for t in chosen]
            run = _Run(rec, edges, stand_ins, retain_graph=True, stop_seq=rec.start_seq)
            with np.errstate(all="ignore"):
                run.run()
            runs.append(run.leaving)
    finally:
        _grad_state.enabled = grad_enabled
        state.recorder = rec if rec.broken is None else None
    # An edge gets each gradient that reaches it on its own, in order (an RNN's weight, one
    # per step), so that the engine adds them into what earlier calls' results gave as it
    # adds eager's (summed first, they differed in the last bits).
    inputs = {e: max(len(found.get(e, ())) for found in runs) for found in runs for e in found}
    codes = [_input_code(rec, *e) for e, n in inputs.items() for _ in range(n)]
    if rec.broken is not None or None in codes:
        rec.stop("a gradient into a tensor the compiled call made or reads but not as an argument")
        return None
    returns = [_tuple_code(found, inputs) for found in runs]
    return codes, returns  # type: ignore[return-value]  # (no None left in codes)


def _tuple_code(found: dict, inputs: dict) -> str:
    """The tuple of the slots that reached each edge in one run, ``None`` for those it lacks:
    ``(s4, s9, None, s2, )``."""
    terms = [[*found.get(e, []), *[None] * (n - len(found.get(e, [])))] for e, n in inputs.items()]
    return "(" + "".join(f"{g}, " for row in terms for g in row) + ")"


def _input_code(rec, node, nr: int) -> str | None:
    """How the program reaches the tensor whose gradient flows into ``(node, nr)``: a live or
    argument leaf, or an argument or attribute state with that ``grad_fn``."""
    if node.__class__ is AccumulateGrad:
        variable = node.variable
        if rec.live.tensor(variable) is not None:
            rec.loaded[id(variable)] = variable
        return rec.tensor_code(variable)
    for i, t in enumerate(rec.args):
        if t.grad_fn is node and t._output_nr == nr:
            return f"A[{i}]"
    for t in rec.live.state_with_graph():  # (``self.h = cell(x, self.h)``, kept across calls)
        if t.grad_fn is node and t._output_nr == nr:
            rec.loaded[id(t)] = t
            return rec.live.code(t, rec.program)
    return None


def _unsupported_graph(rec, graph: Iterable, outside_ok: bool = False) -> str | None:
    """Why the graph made of the nodes ``graph`` cannot be recorded, or None."""
    for node in graph:
        if node._hooks is not None:
            return f"a hook on {node.name()}"
        if node.__class__ is AccumulateGrad:
            v = node.variable
            # (after the call, the engine itself accumulates: only a hook that the check's
            # ``autograd.grad`` would run too is in the way)
            if v._backward_hooks or (v._post_accumulate_grad_hooks and not outside_ok):
                return "a hook on a leaf tensor"
            if v._grad is not None and v._grad._requires_grad and not outside_ok:
                return "a .grad that requires grad"
            continue
        if node._sequence_nr < rec.start_seq:
            if outside_ok:  # where the call's own graph ends
                continue
            return "backward into a graph built before the compiled call"
        if isinstance(node, CopySlices):  # (a write into a view: its rules on tensors)
            continue
        if isinstance(node, BackwardCFunction):  # (a custom Function: its backward's ops)
            if node._freed:
                return "backward through a freed graph"
            continue
        if not isinstance(node, FunctionNode):
            return f"{node.name()} (a backward graphgrad.compile does not record)"
        if node._saved.__class__ is Released:
            return "backward through a freed graph"
    return None


class ReplayArrays:
    """The rules' ``xp`` in a replay: ``ARRAYS``, except that once the first replay (the
    checked one) has run, a primitive whose every call there needed no dtype cast is its
    forward itself, without ``ARRAYS``' look at the dtypes at each call. The guards fix the
    dtypes a replay starts from, so every replay makes the calls the first one made.

    >>> import numpy as np
    >>> xp = ReplayArrays()
    >>> xp.tanh_backward(np.ones(2), np.zeros(2))  # the first replay: watched
    array([1., 1.])
    >>> xp.freeze()
    >>> xp.tanh_backward is ARRAYS.tanh_backward.forward
    True
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._cast: set[str] = set()
        self._frozen = False

    def __getattr__(self, name: str):
        fn = getattr(ARRAYS, name)
        forward = getattr(fn, "forward", None)
        if forward is None:
            resolved = fn
        elif self._frozen:
            resolved = forward if name in self._seen and name not in self._cast else fn
        else:
            return self._watched(name, fn)
        setattr(self, name, resolved)
        return resolved

    def _watched(self, name: str, fn):
        def watched(*args, **params):
            self._seen.add(name)
            if not needs_no_cast(args):
                self._cast.add(name)
            return fn(*args, **params)

        return watched

    def freeze(self) -> None:
        """Resolve the names anew, from what the first replay's calls needed."""
        for name in [n for n in vars(self) if not n.startswith("_")]:
            delattr(self, name)
        self._frozen = True


def _rule_code(p, rule, g: str, saved: dict, arrays: ReplayArrays) -> str:
    """The call of a bound rule on the gradient slot ``g``: the unbound rule on its saved
    values where the primitive says which it reads (``xp`` is ``arrays``), else the bound
    rule on a dict of them."""
    unbound = getattr(rule, "unbound", None)
    if unbound is None:
        items = ", ".join(f"{k!r}: {p.value_code(v)}" for k, v in saved.items())
        return f"{p.name(rule, 'R')}({g}, {{{items}}})"
    fn, reads, xp = unbound
    x = p.name(arrays if xp is ARRAYS else xp, "X")
    args = [x if k == "xp" and i == len(reads) - 1 else p.value_code(saved[k])
            for i, k in enumerate(reads)]  # fmt: skip
    return f"{p.name(fn, 'R')}({', '.join((g, *args))})"


class _Run:
    """One recorded backward: the engine's ``_GraphTask._run_arrays``, each step recorded."""

    def __init__(
        self, rec, edges: list, grads: list, retain_graph: bool, stop_seq=None, deps=None
    ) -> None:
        self.rec, self.program = rec, rec.program
        self.retain_graph = retain_graph
        # the nodes made before ``stop_seq`` and the leaves are where the run stops, their
        # gradients left in ``buffers`` (a compiled call's graph run on its own)
        self.stop_seq = stop_seq
        # (``deps``: the roots' dependency counts, where the caller counted them already)
        self.deps = deps or _engine._count_dependencies([node for node, _ in edges])
        self.buffers: dict = {}
        # (with ``stop_seq``) the gradients that reach each edge ``(node, nr)`` out of the
        # graph, in the order they arrive: the engine adds them into its buffer one by one
        self.leaving: dict[tuple, list] = {}
        self.owned: dict = {}
        self.ready: list = []
        self.tiebreak = 0
        for (node, nr), g in zip(edges, grads):
            self.add_grad(node, nr, g)
        for node in self.buffers:
            if self.deps.get(node, 0) == 0:
                self.push(node)

    def push(self, node) -> None:
        self.tiebreak += 1
        heapq.heappush(self.ready, (-node._sequence_nr, self.tiebreak, node))

    def add_grad(self, node, nr: int, g) -> None:
        buf = self.buffers.get(node)
        if buf is None:
            buf = self.buffers[node] = [None] * (nr + 1)
        elif len(buf) <= nr:
            buf.extend([None] * (nr + 1 - len(buf)))
        old = buf[nr]
        if old is None:
            buf[nr] = g
            return
        new = old + g
        p = self.program
        p.step(_add, (p.ref(old), p.ref(g)), new)
        buf[nr] = new

    def run(self) -> None:
        while self.ready:
            node = heapq.heappop(self.ready)[2]
            if self.stop_seq is not None and self._outside(node):
                continue
            grads = self.buffers.pop(node, None) or [None]
            if node.__class__ is AccumulateGrad:
                self.accumulate(node, grads)
                continue
            outs = None
            if any(g is not None for g in grads):
                if node._rules_on_arrays:
                    outs = self.call(node, grads)
                else:
                    outs = self.call_on_tensors(node, grads)
            self.propagate(node, grads, outs)

    def _outside(self, node) -> bool:
        return node.__class__ is AccumulateGrad or node._sequence_nr < self.stop_seq

    def call(self, node: FunctionNode, grads: list) -> list:
        """Run the node's rules on arrays, as the engine does, and record a line per rule."""
        grad = grads[0]
        p = self.program
        prim = node.prim
        values: dict = {}  # what the rules read, as ``unpack_saved`` gives it to them
        refs: dict = {}  # and how the program reads it: slots, and the plain parameters
        for k, v in node._saved.items():
            r = v
            if v.__class__ is SavedSlot:
                v = _as(np.ndarray, v.unpack(node, True))
                r = self.rec.ref_value(v)
                if v.dtype is not grad.dtype and k in prim.operands and v.dtype != grad.dtype:
                    cast = v.astype(grad.dtype)
                    r = slot(p.step(np.ndarray.astype, (r, grad.dtype), cast))
                    v = cast
            elif isinstance(v, (np.ndarray, np.generic, Tensor)) or holds_arrays(v):
                # an array parameter (nll_loss's picked weights, index's indices) comes from
                # this call's steps or arguments, as the forward's did
                r = self.rec.ref_param(v)
            values[k] = v
            refs[k] = r
        rules = [
            rule if nxt is not None else None
            for rule, nxt in zip(node._rules_on_arrays, node._next_nodes)
        ]
        outs = [None if rule is None else rule(grad, values) for rule in rules]
        # one line per rule that ran, calling the rule itself: ``s9 = R(s8, s6, X)``
        g = p.ref(grad)
        for rule, o in zip(rules, outs):
            # a rule that hands the gradient on as it is (``add``'s, ``alpha == 1``) does so by
            # its constants and shapes, which the guards fix: no line, the slot is shared
            if o is not None and o is not grad:
                p.line_step(partial(_rule_code, p, rule, g, refs, self.rec.arrays), o)
        if not self.retain_graph:
            node.release()
        return outs

    def call_on_tensors(self, node: FunctionNode, grads: list) -> list:
        """A node without rules on arrays (a multi-output op): its rules on tensors, whose
        ops the recorder records one by one, as the engine's ``_call_wrapped`` runs them."""
        rec = self.rec
        wrapped = _engine._wrap_all(grads)
        for g, w in zip(grads, wrapped, strict=True):
            if g is not None:
                r = rec.ref_value(g)
                if w._data is not g:  # a NumPy scalar (a ufunc's 0-d result) made an array
                    self.program.step(np.asarray, (r,), w._data)
        # (a rule that reads a value stops the recording; the backward goes on, unrecorded)
        state.recorder = rec if rec.broken is None else None
        try:
            outs = node.apply(wrapped)
        finally:
            state.recorder = None
        if not self.retain_graph:
            node.release()
        arrays = _engine._unwrap_all(outs)
        for a in arrays:
            if a is not None and self.program.known(a) is None:
                rec.ref_value(a)  # made outside the ops (a constant)
        return arrays

    def propagate(self, node, grads: list, outs) -> None:
        n_outs = len(outs) if outs is not None else 0
        nrs = node._next_nrs
        p = self.program
        for i, nxt in enumerate(node._next_nodes):
            if nxt is None:
                continue
            if i < n_outs and outs[i] is not None:
                g = outs[i]
                meta = node._meta[i]
                if g.shape != meta[0] or g.dtype != meta[1].np:
                    fitted = _engine.fit_to_input(g, meta, node, i, ARRAYS)
                    if fitted is not g:
                        p.step(_Fit(meta, node, i), (p.ref(g),), fitted)
                    g = fitted
                nr = nrs[i]
                if self.stop_seq is not None and self._outside(nxt):
                    self.leaving.setdefault((nxt, nr), []).append(p.ref(g))
                elif nr == 0 and nxt not in self.buffers:
                    self.buffers[nxt] = [g]
                    if nxt.__class__ is AccumulateGrad and _engine._leaf_may_keep(
                        g, outs[i], True, grads, outs, None
                    ):
                        self.owned[nxt] = g
                else:
                    self.add_grad(nxt, nr, g)
                    self.owned.pop(nxt, None)
            left = self.deps[nxt] - 1
            self.deps[nxt] = left
            if left == 0:
                self.push(nxt)

    def accumulate(self, node: AccumulateGrad, grads: list) -> None:
        owned = self.owned.pop(node, None)
        g = grads[0]
        if g is None:
            return
        p = self.program
        variable = node.variable
        r = p.ref(g)
        steal = owned is g and self._private(g, r)
        setter = _SetGrad(steal)
        code = self.rec.tensor_code(variable)
        if code is not None:  # a live tensor or an argument: set or add into its .grad
            if self.rec.live.tensor(variable) is not None:
                self.rec.loaded[id(variable)] = variable
            setter(variable, g)
            p.emit(f"{p.name(setter, 'F')}({code}, {r})")
            self.rec.objects[id(variable._grad)] = f"{code}._grad"
            self.rec.keep.append(variable._grad)
            p.data_slot(_grad_of(variable)._data, f"{code}._grad")
            return
        if variable._grad is not None:
            self.rec.stop("a gradient accumulated into a tensor made before the call")
            return
        setter(variable, g)
        name = f"g{len(self.rec.objects)}"
        self.rec.objects[id(variable._grad)] = name
        self.rec.keep.append(variable._grad)
        p.emit(Deferred(f"{name} = ", partial(p.call_code, setter.new, (r,))))
        p.data_slot(_grad_of(variable)._data, name)

    def _private(self, g, r: str) -> bool:
        """Whether a replay may store ``g``'s slot as ``.grad`` without a copy, where the
        engine did (``_leaf_may_keep``): the program made it (a new array at each replay)."""
        return r in self.program.fresh and isinstance(g, np.ndarray) and g.base is None
