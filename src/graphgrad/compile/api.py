"""``graphgrad.compile``: PyTorch's ``torch.compile`` signature over a record-and-replay cache.

A compiled callable keeps, per call signature (grad mode, argument shapes, dtypes and
``requires_grad``, Python argument values), a list of entries. The first call of a signature
runs eagerly and is recorded; the second replays the recording and checks it against eager
(``verify.py``); later calls whose guards hold replay it. A call that cannot be recorded runs
eagerly, with one warning saying where, and so do later calls of its signature.

>>> import graphgrad as torch
>>> w = torch.tensor([1.0, 2.0], requires_grad=True)
>>> @torch.compile
... def step():
...     w.grad = None
...     (w * w).sum().backward()
...     return w.grad
>>> [step().tolist() for _ in range(3)]
[[2.0, 4.0], [2.0, 4.0], [2.0, 4.0]]
"""

from __future__ import annotations

import functools
import gc
import warnings
import weakref
from collections.abc import Callable

import numpy as np

from ..autograd.anomaly_mode import state as _anomaly
from ..autograd.engine import run_backward
from ..autograd.forward_ad import state as _fw_state
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.graph import current_hooks
from ..autograd.node import BACKWARD_TWICE, Node, _sequence, edge_of
from ..autograd.saved import modified_message
from ..nn.module import Module
from ..ops.return_types import ReturnType
from ..tensor import Tensor
from . import config, patches
from ._flag import state
from .backward import MAX_GRAPH_RESULTS, record_results_backward
from .discovery import discover, guard_source, rebind, value_at
from .errors import InvalidBackend, Unsupported
from .keys import call_key, describe_change, global_modes
from .recorder import Recorder, user_stacklevel
from .verify import Snapshot, freeze_output, same, same_output

__all__ = [
    "compile", "Unsupported", "OptimizedModule", "reset", "set_stance", "disable", "is_compiling",
]  # fmt: skip
_COMPILED: weakref.WeakSet = weakref.WeakSet()  # every CompiledFunction, for ``reset``


class CompiledFunctionBackward(Node):
    """The ``grad_fn`` of the replayed results that require grad. Where the call's backward
    runs after it (``torch.compile(model)``), ``backwards[mask - 1]`` is the recorded backward
    of the call's graph from the results in ``mask`` (a bit per output number): a closure over
    the replay's values, their gradients in, the gradients of ``inputs`` (the parameters and
    arguments the graph reaches) out, which the engine hands on to their nodes. Where it
    already ran inside the call, there is nothing to run. ``recorded`` holds the results'
    ``grad_fn``s in the recorded call, whose graph ``make_dot`` draws below it (no edge the
    engine follows)."""

    __slots__ = ("recorded", "backwards", "inputs", "_meta", "watched", "held")

    def __init__(self, recorded: tuple = (), backwards: tuple = (), inputs: tuple = ()) -> None:
        super().__init__(tuple(edge_of(t) for t in inputs))
        self.recorded, self.backwards, self.inputs = recorded, backwards, inputs
        self._meta = tuple((t._data.shape, t.dtype) for t in inputs)
        # (tensor or None, version counter or None, the version then, (shape, dtype) or None)
        # of each tensor whose array the backwards read, checked as eager's saved tensors are:
        # an input by its tensor, a result by its counter (the node would keep it alive)
        self.watched: list = []
        self.held: set[int] = set()  # the ids of the arrays the backwards read (``_held``)

    def name(self) -> str:
        return "CompiledFunctionBackward"

    def __repr__(self) -> str:  # PyTorch's: the node of a Function defined in Python
        return f"<torch.autograd.function.CompiledFunctionBackward object at {hex(id(self))}>"

    def apply(self, grads: list) -> list:
        if not self.backwards:
            raise RuntimeError(BACKWARD_TWICE if self.inputs else _CONSUMED)
        if _grad_state.enabled:  # create_graph=True: the recorded rules build no graph
            raise RuntimeError(
                "torch.compile with aot_autograd does not currently support double backward"
            )
        for t, counter, version, meta in self.watched:
            now = _version_of(t) if t is not None else counter.value
            if now != version:
                shape, dtype = (t.shape, t.dtype) if t is not None else meta
                owner, nr = (t.grad_fn, t._output_nr) if t is not None else (None, 0)
                raise RuntimeError(modified_message(shape, dtype, owner, nr, now, version))
        mask = sum(1 << i for i, g in enumerate(grads) if g is not None)
        if not mask:
            return [None] * len(self.inputs)
        out = self.backwards[mask - 1](*(g._data for g in grads if g is not None))
        return [None if g is None else Tensor._make(g) for g in out]

    def release(self) -> None:
        self.backwards = ()


_CONSUMED = (
    "Trying to backward through the graph a second time: this result of a graphgrad.compile'd "
    "call comes from a replay, whose graph was consumed by the backward inside the call"
)


def _replayed_result(data, recorded: Node) -> Tensor:
    return Tensor._make(data, True, CompiledFunctionBackward((recorded,)))


def _graph_node(backwards: tuple, inputs: tuple, recorded: tuple, read: tuple):
    """The node of a replay's results whose backward runs after the call; of the tensors
    ``read`` (the arguments and live tensors the program reads), those whose arrays the
    backwards hold (or views of them: the transposed weight of ``linear``) are watched for
    in-place writes, as eager's saved tensors are."""
    node = CompiledFunctionBackward(recorded, backwards, inputs)
    held = node.held = _held(backwards)
    node.watched = [(t, None, _version_of(t), None) for t in read if id(t._data) in held]
    return node


def _held(backwards: tuple) -> set[int]:
    """The ids of the arrays the closures hold, and of those they are views of."""
    held: set[int] = set()
    for fn in backwards:
        for cell in fn.__closure__ or ():
            held.update((id(cell.cell_contents), id(getattr(cell.cell_contents, "base", None))))
    return held


def _graph_result(data, node: CompiledFunctionBackward, nr: int) -> Tensor:
    """Output ``nr`` of ``node``: watched too where a backward reads it."""
    result = Tensor._make(data, True, node, nr)
    if id(data) in node.held:
        counter = result._version_counter
        node.watched.append((None, counter, counter.value, (result.shape, result.dtype)))
    return result


def _version_of(t: Tensor) -> int:
    return 0 if t._vc is None else t._vc.value


def _leaf_with_grad(data, grad: Tensor) -> Tensor:
    leaf = Tensor._make(data, True)
    leaf._grad = grad
    return leaf


class _Entry:
    """One recording: its guard, the replay function, and whether a replay was verified."""

    __slots__ = ("guard", "replay", "verified", "eager", "live", "arrays", "why", "rebinds")

    def __init__(
        self, guard, replay, live, eager=False, arrays=None, why=None, rebinds: tuple = ()
    ) -> None:
        self.guard, self.replay, self.live = guard, replay, live
        self.rebinds: tuple = rebinds  # (how, holder, name) of the state the call rebinds
        self.verified = False
        self.eager = eager
        self.arrays = arrays  # the replay's ``ReplayArrays``, frozen once the check passed
        self.why: Callable[[], str] | None = why  # why the guard fails now (told at the limit)


_ALWAYS = lambda: True  # noqa: E731 - the guard of an entry that runs eagerly


class CompiledFunction:
    """A function or module call under ``graphgrad.compile`` (see the module's docstring)."""

    def __init__(self, fn, fullgraph: bool) -> None:
        self.fn = fn
        self.fullgraph = fullgraph
        self.cache: dict = {}
        self.recordings = 0
        self.last_key: tuple = ()  # the key of the latest recording
        self.last_change = ""  # what the latest recording's call changed in Python, if any
        self.called = False
        self.warned: set[str] = set()
        functools.update_wrapper(self, fn, updated=())
        _COMPILED.add(self)

    def __get__(self, obj, objtype=None):  # as a decorated method
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args, **kwargs):
        if state.recorder is not None or _anomaly.enabled or _fw_state.active or current_hooks():
            return self.fn(*args, **kwargs)  # inside another recording, or a mode it skips
        stance = _stance.name
        if stance != "default" and self._eager_by_stance(stance):
            return self.fn(*args, **kwargs)
        flat: list = []
        key = call_key(args, kwargs, flat)
        entries = self.cache.get(key)
        if entries is not None:
            for entry in entries:
                if entry.guard():
                    return self._run(entry, flat, args, kwargs)
        if self.recordings and stance in _RECOMPILE_STANCES:
            if stance == "eager_on_recompile":
                return self.fn(*args, **kwargs)
            raise RuntimeError(
                "Detected recompile when torch.compile stance is 'fail_on_recompile'. "
                + _where(self.fn)
            )
        limit = config.recompile_limit
        if self.recordings >= limit:
            self._warn(
                "limit",
                f"graphgrad.compile: {_name(self.fn)} was recorded {limit} "
                f"time{'s' * (limit != 1)} (recompile limit); calls that match none of the "
                "recordings run eagerly. "
                f"Last reason: {self._last_reason(key)}",
            )
            return self.fn(*args, **kwargs)
        self.recordings += 1
        self.last_key = key
        out, entry = self._record(flat, args, kwargs)
        if entry is not None:
            self.cache.setdefault(key, []).append(entry)
        return out

    def _last_reason(self, key: tuple) -> str:
        """What the call with ``key`` differs in from the latest recording (PyTorch's "last
        reason" for a recompile): the key, or the first condition of its guard that fails."""
        if key != self.last_key:
            return describe_change(self.fn, self.last_key, key)
        if key not in self.cache:
            return self.last_change
        why = self.cache[key][-1].why
        return why() if why is not None else "a recording that ran eagerly"

    def _eager_by_stance(self, stance: str) -> bool:
        """Whether ``set_stance``'s ``stance`` runs this call eagerly, before any cache."""
        if stance == "force_eager":
            return True
        if stance in _EAGER_FIRST and not self.called:
            self.called = True  # the first invocation runs eagerly, later ones compile
            return True
        return False

    def reset(self) -> None:
        """Forget every recording (``torch.compiler.reset``)."""
        self.cache.clear()
        self.recordings = 0
        self.called = False
        self.warned.clear()

    def _run(self, entry: _Entry, flat: list, args: tuple, kwargs: dict):
        if entry.eager:
            return self.fn(*args, **kwargs)
        if entry.verified:
            return entry.replay(flat)
        return self._verify(entry, flat, args, kwargs)

    def _record(self, flat: list, args: tuple, kwargs: dict):
        patches.install()
        live = discover(self.fn, args, kwargs)
        for obj in (*live.optimizers.values(), *live.schedulers.values()):
            patches.install_for(obj)
        rec = Recorder(self.fullgraph, flat, live)
        out, changed = self._call_recorded(rec, live, args, kwargs)
        if changed is not None and rec.broken is None:
            # a replay would skip the change: no recording, and the next call records again
            # (one that changes the same at every call runs into the recompile limit)
            self.last_change = f"the call changed {changed} (a Python side effect)"
            return out, None
        if rec.broken is not None:
            self._warn(rec.broken, f"graphgrad.compile: {_name(self.fn)} runs eagerly: "
                       f"{rec.broken} cannot be recorded")  # fmt: skip
            return out, _Entry(_ALWAYS, None, live, eager=True)
        rebinds = rec.rebinds
        try:
            result = _output_code(rec, _with_state(out, rebinds))
        except _UnreplayableError as e:
            if self.fullgraph:
                raise Unsupported(f"graphgrad.compile(fullgraph=True): {e}") from None
            self._warn(str(e), f"graphgrad.compile: {_name(self.fn)} runs eagerly: {e}")
            return out, _Entry(_ALWAYS, None, live, eager=True)
        rec.draw_ahead()
        program = rec.program
        if rebinds:  # (the replay rebinds them as the call did, then returns its result)
            result = f"{program.name(_rebind)}({result}, {program.name(rebinds)})"
        guards = guard_source(program, live, rec.loaded)
        guard = _LazyGuard(guards.source(), program.names)
        returns = rec.results_backward[1] if rec.results_backward else []
        build = functools.partial(
            program.build, result, returns=tuple(returns), node=_node_code(rec)
        )  # (compiled at the second call, which checks it: the first call stays cheap)
        why = functools.partial(guards.failing, program.names)
        return out, _Entry(guard, build, live, arrays=rec.arrays, why=why, rebinds=rebinds)

    def _call_recorded(self, rec: Recorder, live, args: tuple, kwargs: dict) -> tuple:
        """The call, recorded by ``rec`` (with the backward of results that leave it with
        their graph); returns its result, and what it changed in Python that a replay would
        not (``self.calls += 1``, ``history.append(loss)``, a cache filled on the first call),
        or None."""
        state.recorder = rec
        effects = patches.stop_on_effects()
        # no cycle collection while the call is recorded: the recording's many small objects
        # would set off collections that scan the whole heap (9% of W4's first call)
        collecting = gc.isenabled()
        gc.disable()
        rngs, python, modes = live.rng_states(), live.python_state(), global_modes()
        try:
            with live.watch_reads():
                out = self.fn(*args, **kwargs)
            drawn = live.drawn_from(rngs) if rngs else None
            if drawn is not None:
                rec.stop(f"drawing from a {drawn} (random numbers)")
            changed = live.changed_by_call(python)
            rec.rebinds = live.rebound()
            for m, mode in live.modes_changed():  # (the replay leaves them as the call did)
                rec.program.emit(f"{rec.program.name(m, 'M')}.training = {mode}")
            if global_modes() != modes:  # (``torch.set_default_dtype`` in the call)
                changed = "grad mode, inference mode or the default dtype"
            graph_out = _graph_results(rec, _with_state(out, rec.rebinds))
            if graph_out and not rec.backward_ran and rec.broken is None:
                # (results whose backward runs after the call, as ``torch.compile(model)``'s)
                rec.graph_results = graph_out
                if len(graph_out) <= MAX_GRAPH_RESULTS:
                    rec.results_backward = record_results_backward(rec, graph_out)
        finally:
            state.recorder = None
            patches.restore_effects(effects)
            if collecting:
                gc.enable()
        return out, changed

    def _verify(self, entry: _Entry, flat: list, args: tuple, kwargs: dict):
        """The first replay, checked against eager from the same state (see verify.py)."""
        before = Snapshot(entry.live, flat)
        entry.replay = entry.replay()  # build the program (see _record)
        entry.guard = entry.guard.fn  # and drop the lazy guard's indirection
        failure: str | None = None
        replayed = replayed_out = after_replay = None
        try:
            replayed_out = _with_state(entry.replay(flat), entry.rebinds)
            replayed = freeze_output(replayed_out)
            after_replay = Snapshot(entry.live, flat)
        except Exception as e:  # noqa: BLE001 - a replay that fails is not trusted
            failure = f"the replay failed ({e!r})"
        before.restore()
        start = next(_sequence)  # (the eager call's nodes are numbered from here)
        out = self.fn(*args, **kwargs)
        if failure is None:
            after = Snapshot(entry.live, flat, copy=False)
            what = after.differs(after_replay) if after_replay is not None else "the state"
            eager_out = _with_state(out, entry.rebinds)
            if what is None and not same_output(freeze_output(eager_out), replayed):
                what = "the result"
            if what is None and not _same_backward(replayed_out, eager_out, start):
                what = "the gradients of the result's backward"
            if what is not None:
                failure = f"{what} differed between the replay and eager"
        if failure is not None:
            entry.eager = True
            self._warn(failure, f"graphgrad.compile: {_name(self.fn)} runs eagerly: "
                       f"{failure} (an operation graphgrad.compile does not record)")  # fmt: skip
        else:
            entry.verified = True
            entry.arrays.freeze()
        return out

    def _warn(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            warnings.warn(message, UserWarning, stacklevel=user_stacklevel())


def _with_state(out, rebinds: tuple):
    """The call's result, with the state it rebinds as it is now: the results a recording
    builds, the check compares and whose graphs leave the call."""
    if not rebinds:
        return out
    return out, tuple(value_at(*place) for place in rebinds)


def _rebind(replayed: tuple, rebinds: tuple):
    """Rebind the state to the replay's values, as the call did; its result."""
    out, values = replayed
    for (how, holder, key), value in zip(rebinds, values, strict=True):
        rebind(how, holder, key, value)
    return out


def _node_code(rec: Recorder) -> str:
    """The expression that makes the node of the results whose backward runs after the call
    (``_graph_node``), or "" where there are none."""
    if not rec.results_backward:
        return ""
    p = rec.program
    inputs, returns = rec.results_backward
    backwards = "".join(f"backward{i}, " for i in range(len(returns)))
    recorded = p.name(tuple(t.grad_fn for t in rec.graph_results))
    read = "".join(f"{rec.live.code(v, p)}, " for v in rec.loaded.values())
    inputs_code = "".join(f"{code}, " for code in inputs)
    return f"{p.name(_graph_node)}(({backwards}), ({inputs_code}), {recorded}, ({read}*A,))"


def _same_backward(replayed, eager, start: int) -> bool:
    """Whether each recorded backward of the replayed results gives, for probe gradients, the
    bits that ``autograd.grad`` gives through the eager results' graph (kept for the caller's
    own backward), down to where it leaves the graph the eager call made (its nodes numbered
    from ``start``): an argument's own graph (an RNN's hidden state from the call before,
    ``h = cell(x, h)``) may lead back to the same parameters, a path the engine takes later."""
    pairs = {}  # output number -> (replayed result, eager result)
    node = None
    for r, e in zip(_tensors(replayed), _tensors(eager), strict=False):
        if isinstance(r.grad_fn, CompiledFunctionBackward) and r.grad_fn.backwards:
            node = r.grad_fn
            pairs[r._output_nr] = (r, e)
    if node is None:
        return True
    # (the node lists a tensor once per gradient it hands it: see ``record_results_backward``)
    inputs = list({id(t): t for t in node.inputs}.values())
    for mask, backward in enumerate(node.backwards, 1):
        chosen = [pairs[i] for i in sorted(pairs) if mask >> i & 1]
        probes = [_probe(r._data) for r, _ in chosen]
        got = _summed(node.inputs, backward(*probes))
        want = run_backward(
            [e for _, e in chosen], [Tensor._make(g) for g in probes], retain_graph=True,
            create_graph=False, inputs=inputs, accumulate=False, stop_below=start,
        )  # fmt: skip
        for g, w in zip(got, want, strict=True):
            if g is None or w is None:
                if g is not w:
                    return False
            elif not same(g, w._data):
                return False
    return True


def _summed(inputs: tuple, grads: tuple) -> list:
    """The gradients of each distinct tensor in ``inputs``, added in order, as the engine adds
    those that reach the same edge."""
    total: dict[int, np.ndarray | None] = {}
    for t, g in zip(inputs, grads, strict=True):
        old = total.get(id(t))
        total[id(t)] = g if old is None else old if g is None else old + g
    return list(total.values())


def _probe(like: np.ndarray) -> np.ndarray:
    """A gradient to check a backward with: unlike the stand-in it was recorded with (ones)."""
    return np.linspace(-1.5, 2.5, like.size).reshape(like.shape).astype(like.dtype)


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _where(fn) -> str:
    """``filename: '...', function name: '...', line number: N`` of ``fn``'s code, as PyTorch
    names a function in its recompile errors."""
    code = getattr(fn, "__code__", None) or getattr(getattr(fn, "forward", None), "__code__", None)
    if code is None:
        return f"function name: {_name(fn)!r}"
    return f"filename: {code.co_filename!r}, function name: {code.co_name!r}, line number: " + str(
        code.co_firstlineno
    )


class _LazyGuard:
    """A recording's guard, compiled when first checked (at the second call): the first call
    stays cheap."""

    __slots__ = ("condition", "names", "fn")

    def __init__(self, condition: str, names: dict) -> None:
        self.condition, self.names = condition, names
        self.fn: Callable[[], bool] | None = None

    def __call__(self) -> bool:
        fn = self.fn
        if fn is None:
            namespace = dict(self.names)
            # (a guard that cannot be evaluated, a closure's cell emptied by ``del``, fails)
            source = f"def guard():\n    try:\n        return {self.condition}\n"
            source += "    except Exception:\n        return False\n"
            exec(source, namespace)  # noqa: S102
            fn = self.fn = namespace["guard"]
        return fn()


class _UnreplayableError(Exception):
    pass


def _output_code(rec: Recorder, out, memo: dict | None = None) -> str:
    """The expression the replay returns, built like the call's result."""
    memo = {} if memo is None else memo
    p = rec.program
    if isinstance(out, Tensor):
        code = memo.get(id(out))
        if code is None:
            code = memo[id(out)] = _tensor_code(rec, out)
        return code
    if isinstance(out, list) and type(out) is list:
        return "[" + ", ".join(_output_code(rec, v, memo) for v in out) + "]"
    if type(out) is tuple:
        return "(" + "".join(_output_code(rec, v, memo) + ", " for v in out) + ")"
    if isinstance(out, tuple) and (hasattr(out, "_fields") or isinstance(out, ReturnType)):
        # a named tuple, or torch.return_types.* (``cummax``, ``sort``...): made from its items
        items = ", ".join(_output_code(rec, v, memo) for v in out)
        return f"{p.name(type(out))}({items})"
    if type(out) is dict:
        return "{" + ", ".join(
            f"{p.name(k)}: {_output_code(rec, v, memo)}" for k, v in out.items()
        ) + "}"  # fmt: skip
    if out is None or isinstance(out, (bool, int, float, str)):
        return p.name(out)
    raise _UnreplayableError(f"the call returns a {type(out).__name__}")


def _tensor_code(rec: Recorder, t: Tensor) -> str:
    p = rec.program
    code = rec.tensor_code(t)
    if code is not None:  # an argument or a live tensor: itself
        return code
    made = rec.objects.get(id(t))
    if made is not None:
        return made
    s = p.known(t._data)
    if s is None and rec.constants.get(id(t._data)) is not t._data:
        raise _UnreplayableError(
            f"the call returns a tensor of shape {tuple(t.shape)} computed outside the "
            "operations graphgrad.compile records"
        )
    if s is None or s in p.const_lines:
        data = f"{p.name(t._data.copy())}.copy()"
    else:
        data = s
    if not t._requires_grad:
        return f"{p.name(Tensor._make)}({data})"
    if t.grad_fn is None:
        if t._grad is None:
            return f"{p.name(Tensor._make)}({data}, True)"
        grad = rec.objects.get(id(t._grad))
        if grad is None:
            raise _UnreplayableError("the call returns a new leaf whose .grad it did not compute")
        return f"{p.name(_leaf_with_grad)}({data}, {grad})"
    if rec.results_backward:
        nr = next(i for i, r in enumerate(rec.graph_results) if r is t)
        return f"{p.name(_graph_result)}({data}, node, {nr})"
    if not rec.backward_ran:
        raise _UnreplayableError(
            f"the call returns more than {MAX_GRAPH_RESULTS} tensors that require grad, whose "
            "backward would run after the call (compile the whole training step instead)"
        )
    return f"{p.name(_replayed_result)}({data}, {p.name(t.grad_fn)})"


def _tensors(value):
    """The tensors in a call's result (nested lists, tuples and dict values), in order."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _graph_results(rec: Recorder, out) -> list[Tensor]:
    """The results that carry a graph the call built (each once)."""
    found = {
        id(t): t
        for t in _tensors(out)
        if t.grad_fn is not None
        and t.grad_fn._sequence_nr >= rec.start_seq
        and rec.tensor_code(t) is None
    }
    return list(found.values())


class OptimizedModule(Module):
    """A module under ``graphgrad.compile``: calls go through the compiled ``__call__`` of the
    original, which stays reachable as ``_orig_mod`` (its parameters are this module's).

    >>> import graphgrad as torch
    >>> m = torch.compile(torch.nn.Linear(2, 1))
    >>> type(m).__name__, type(m._orig_mod).__name__
    ('OptimizedModule', 'Linear')
    """

    def __init__(self, mod: Module, fullgraph: bool) -> None:
        super().__init__()
        self._orig_mod = mod
        self.__dict__["_compiled_call"] = CompiledFunction(mod, fullgraph)

    def __call__(self, *args, **kwargs):
        return self.__dict__["_compiled_call"](*args, **kwargs)

    def forward(self, *args, **kwargs):
        return self.__call__(*args, **kwargs)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            orig = self.__dict__.get("_modules", {}).get("_orig_mod")
            if orig is None:  # a bare instance, being unpickled
                raise
            return getattr(orig, name)

    # Attributes are the original module's, as in PyTorch: ``model.hidden = model.init_hidden()``
    # and ``model.scale = 3.0`` are what its forward reads (kept on the wrapper, the forward
    # went on reading the old ones).
    def __setattr__(self, name: str, value) -> None:
        if name == "_orig_mod" or hasattr(type(self), name):
            super().__setattr__(name, value)
        else:
            setattr(self._modules["_orig_mod"], name, value)

    def __delattr__(self, name: str) -> None:
        if name == "_orig_mod" or hasattr(type(self), name):
            super().__delattr__(name)
        else:
            delattr(self._modules["_orig_mod"], name)

    def __len__(self) -> int:  # (a compiled ``Sequential``'s length is its own, as in PyTorch)
        orig = self._modules["_orig_mod"]
        if not hasattr(type(orig), "__len__"):
            raise TypeError(f"{type(orig).__name__} does not support len()")
        return len(orig)

    @property
    def training(self) -> bool:
        return self._modules["_orig_mod"].training

    @training.setter
    def training(self, mode: bool) -> None:
        self._modules["_orig_mod"].training = mode

    # Copied or saved (``copy.deepcopy(model)``, ``torch.save(model)``) as the original module
    # compiled anew: the recordings, which hold the functions and globals the calls read, stay
    # behind.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_fullgraph"] = state.pop("_compiled_call").fullgraph
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        fullgraph = state.pop("_fullgraph", False)
        super().__setstate__(state)
        self.__dict__["_compiled_call"] = CompiledFunction(self._modules["_orig_mod"], fullgraph)


# PyTorch 2.13's backends (``list_backends(exclude_tags=())``); the first four are those
# ``list_backends()`` shows (the others are tagged debug or experimental).
BACKENDS = ("cudagraphs", "inductor", "openxla", "tvm")
_ALL_BACKENDS = BACKENDS + (
    "aot_eager", "aot_eager_decomp_partition", "aot_eager_decomp_partition_crossref",
    "aot_eager_decomp_partition_with_mode", "aot_eager_default_partitioner", "aot_ts",
    "dynamo_accuracy_minifier_backend", "dynamo_minifier_backend", "eager", "eager_debug",
    "eager_noexcept", "invoke_subgraph", "openxla_eval", "pre_dispatch_eager", "ts",
)  # fmt: skip


def compile(  # noqa: A001 - torch.compile's name
    model=None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend="inductor",
    mode: str | None = None,
    options: dict | None = None,
    disable: bool = False,
):
    """Record a function's (or module's) work once and replay it as a flat NumPy program.

    The first call of each signature runs eagerly and records the ops, the ``backward()`` it
    runs, optimizer updates, random draws and in-place writes; the second replays the
    recording and checks it bit for bit against eager; later calls whose guards hold replay
    it, with no Tensor or graph node made along the way. Calls that read a tensor's value into
    Python (``.item()``, ``bool(t)``...) run eagerly, with a warning saying where. See
    docs/compile.md.

    Args:
        model: the function or ``nn.Module``; without it, ``compile`` returns a decorator.
        fullgraph: raise ``Unsupported`` where a call cannot be recorded whole, instead of
            running it eagerly.
        dynamic: accepted for compatibility (each shape gets a recording of its own).
        backend: accepted for compatibility (a name or a callable; graphgrad has one backend).
        mode: accepted for compatibility (``"default"``, ``"reduce-overhead"``...).
        options: accepted for compatibility (a dict of backend options).
        disable: return ``model`` unchanged.

    >>> import graphgrad as torch
    >>> f = torch.compile(lambda x: x * 2 + 1)
    >>> [f(torch.tensor([1.0, 2.0])) for _ in range(3)][-1]
    tensor([3., 5.])
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified")
    if isinstance(backend, str) and backend not in _ALL_BACKENDS:
        raise InvalidBackend(backend)
    if model is None:

        def decorator(fn):
            return compile(
                fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                options=options, disable=disable,
            )  # fmt: skip

        return decorator
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph)
    if not callable(model):
        raise RuntimeError("compile() expects a callable (a function or an nn.Module)")
    return CompiledFunction(model, fullgraph)


def disable(fn=None, recursive: bool = True, *, reason: str | None = None):
    """``fn`` always run eagerly (``torch.compiler.disable``): called inside a compiled call,
    it stops the recording, so that call runs eagerly (PyTorch runs the rest of the call
    compiled around it; graphgrad records whole calls). As a decorator with arguments too.

    Args:
        fn: the function (or module, whose ``forward`` it wraps); without it, a decorator.
        recursive: accepted for compatibility.
        reason: said in the fallback's warning.

    >>> import graphgrad as torch
    >>> log = []
    >>> @disable
    ... def note(x):
    ...     log.append(x.shape)
    ...     return x
    >>> f = torch.compile(lambda x: note(x * 2))
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     _ = [f(torch.ones(2)) for _ in range(3)]
    >>> len(log)  # the Python side effect happens at every call
    3
    """
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)
    if isinstance(fn, Module):
        fn.forward = disable(fn.forward, recursive, reason=reason)  # type: ignore[method-assign]
        return fn
    what = f"{_name(fn)} (under torch.compiler.disable{': ' + reason if reason else ''})"
    eager = patches.stopping(fn, what)
    eager.__dict__["_torchdynamo_disable"] = True
    return eager


def is_compiling() -> bool:
    """Whether a compiled call is being recorded now (``torch.compiler.is_compiling``): code
    that runs only when this is False runs in eager calls, never in a recording, so never in
    its replays either.

    >>> is_compiling()
    False
    """
    return state.recorder is not None


def reset() -> None:
    """Forget every compiled callable's recordings: their next calls record again
    (``torch.compiler.reset`` and ``torch._dynamo.reset``).

    >>> import graphgrad as torch
    >>> f = torch.compile(lambda x: x + 1)
    >>> _ = [f(torch.ones(1)) for _ in range(3)]
    >>> reset()
    >>> f.recordings
    0
    """
    for fn in list(_COMPILED):
        fn.reset()


_STANCES = (
    "default", "force_eager", "eager_on_recompile", "fail_on_recompile", "eager_then_compile",
    "aot_eager_then_compile",
)  # fmt: skip
_RECOMPILE_STANCES = ("eager_on_recompile", "fail_on_recompile")
_EAGER_FIRST = ("eager_then_compile", "aot_eager_then_compile")


class _Stance:
    name = "default"  # process-wide, as in PyTorch


_stance = _Stance()


class set_stance:  # noqa: N801 - torch.compiler.set_stance, a class so that it can be a context
    """Set how compiled callables behave (``torch.compiler.set_stance``): for good when called,
    for a block as a context manager, for a function's calls as a decorator.

    Stances: ``"default"``; ``"force_eager"`` (every compiled callable runs eagerly, nothing
    recorded); ``"eager_on_recompile"`` (a call that matches no recording runs eagerly instead
    of recording one more); ``"fail_on_recompile"`` (such a call raises); ``"eager_then_compile"``
    and ``"aot_eager_then_compile"`` (a compiled callable's first call runs eagerly, the next
    one records). ``skip_guard_eval_unsafe`` and ``force_backend`` are accepted for
    compatibility.

    >>> import graphgrad as torch
    >>> f = torch.compile(lambda x: x * 2)
    >>> with set_stance("force_eager"):
    ...     _ = f(torch.ones(2))
    >>> f.recordings
    0
    """

    def __init__(
        self, stance: str = "default", *, skip_guard_eval_unsafe: bool = False, force_backend=None
    ) -> None:
        if stance not in _STANCES:
            raise RuntimeError(f"invalid torch.compile stance {stance!r}")
        if state.recorder is not None:
            raise RuntimeError("torch.compiler.set_stance cannot be called inside a compiled call")
        self.stance, self.prior = stance, _stance.name
        _stance.name = stance

    def __enter__(self) -> set_stance:
        return self

    def __exit__(self, *exc) -> None:
        _stance.name = self.prior

    def __call__(self, fn):
        _stance.name = self.prior  # decorating changes nothing until the function is called

        @functools.wraps(fn)
        def with_stance(*args, **kwargs):
            prior, _stance.name = _stance.name, self.stance
            try:
                return fn(*args, **kwargs)
            finally:
                _stance.name = prior

        return with_stance


_ = np  # NumPy is what the replays run on
