"""The recorder of one compiled call: the core's hooks land here while it records.

Each hook runs the real eager code with recording suspended (so nested ops are not recorded
twice), then appends one step to the ``Program`` that calls the same function on the same
slots. A value the program has no slot for is resolved where it is first read: the data of a
tensor argument (``A[i]``), of a tensor the call reads live (a parameter, a buffer, a captured
tensor: ``O``), or else a constant the call made (``torch.tensor(7.0)``), frozen as it was.
Anything a replay could not reproduce stops the recording: ``breaks`` says what and where.

>>> from graphgrad.compile.recorder import user_location
>>> user_location().endswith(">") or ":" in user_location()
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import FrameType

import numpy as np

from ..autograd import node as _node
from ..autograd.forward_ad import state as _fw_state
from ..dtypes import from_numpy_dtype
from ..ops import primitive as _primitive
from ..ops.sparse.coo import SparseTensor
from ..random import ahead, default_generator
from ..random._generator import Generator
from ..tensor import Tensor
from . import backward as _backward
from ._flag import state
from .errors import Unsupported
from .program import Program, holds_arrays, slot

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Ops whose output shape depends on the input's values: a replay cannot promise the shapes
# that the rest of the recording assumed.
DATA_DEPENDENT = frozenset(("masked_select", "nonzero", "unique", "unique_consecutive"))


def _sparse_operand(args: tuple, params: dict) -> bool:
    """Whether an op is given a sparse tensor (checked for every op: tensors by class)."""
    for a in args:
        if isinstance(a, SparseTensor):
            return True
    return bool(params) and any(isinstance(v, SparseTensor) for v in params.values())


def user_location() -> str:
    """``file:line`` of the innermost frame outside graphgrad: where the user's code is."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not _inside(frame):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a ``warnings.warn`` in the caller name the user's line
    (the innermost frame outside graphgrad), however deep in graphgrad the caller is."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and _inside(frame):
        frame, level = frame.f_back, level + 1
    return level


def _inside(frame: FrameType) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE)


def _astype(a, dtype):
    return a.astype(dtype)


def _tuple(*items) -> tuple:
    return items


def _list(*items) -> list:
    return list(items)


_SEQUENCES: dict[type, Callable] = {tuple: _tuple, list: _list}


def _masked(indices: tuple) -> bool:
    """Whether tensor indexing takes a boolean mask (its result's shape is the mask's count)."""
    return any(isinstance(i, Tensor) and i._data.dtype == np.bool_ for i in indices)


# Forwards that raise on no values of floating dtypes, given the shapes (which the guards fix):
# a replay may skip one whose result nothing reads. Others may raise on values, as an index out
# of range or a singular matrix does, or on strides (``view``), which a replay must do as eagerly.
_CANNOT_RAISE = frozenset(
    """abs add addmm bmm cos div exp expand log mean mm mul neg permute pow relu sigmoid sin
    sqrt sub sum sum_dim t tanh transpose unsqueeze""".split()
)


def _set_data(t: Tensor, data: np.ndarray) -> None:
    t._data = data
    t.dtype = from_numpy_dtype(data.dtype)


def _copyto(target, value) -> None:
    np.copyto(target, value, casting="unsafe")


class _ScalarOut:
    """A forward whose eager result NumPy gave as a scalar, which ``apply`` made a 0-d array."""

    __slots__ = ("fn",)

    def __init__(self, fn) -> None:
        self.fn = fn

    def __call__(self, /, *args, **kwargs):
        return np.asarray(self.fn(*args, **kwargs))


class _ManyOut:
    """A multi-output forward, each output as ``apply`` stores it (an array)."""

    __slots__ = ("fn",)

    def __init__(self, fn) -> None:
        self.fn = fn

    def __call__(self, /, *args, **kwargs):
        return tuple(
            o if o.__class__ is np.ndarray else np.asarray(o) for o in self.fn(*args, **kwargs)
        )


class _WithRule:
    """A forward preceded by its primitive's own dtype function (``dtype=callable``), which
    reads the trace's tensors for their dtypes only (the guards fix those)."""

    __slots__ = ("fn", "rule", "args")

    def __init__(self, fn, rule, args: tuple) -> None:
        self.fn, self.rule, self.args = fn, rule, args

    def __call__(self, /, *datas, **kwargs):
        return self.fn(*self.rule(list(datas), self.args), **kwargs)


class Recorder:
    """Records one call: ``apply``/``commit``/``backward`` and the patched methods call in."""

    def __init__(self, fullgraph: bool, flat_args: list, live) -> None:
        self.program = Program()
        self.fullgraph = fullgraph
        self.args = flat_args
        self.arg_data = {id(t._data): i for i, t in enumerate(flat_args)}
        self.arg_index = {id(t): i for i, t in enumerate(flat_args)}
        self.live = live  # discovery.Live: what the call reads live
        self.broken: str | None = None
        self.start_seq = next(_node._sequence)  # nodes numbered below were made before the call
        self.objects: dict[int, str] = {}  # id(a tensor the program makes) -> its local name
        self.loaded: dict[int, Tensor] = {}  # live tensors the program reads: guarded
        self.backward_ran = False
        self.rebinds: tuple = ()  # the state the call rebound (``Live.rebound``)
        # the results whose backward runs after the call, and what their recorded backwards
        # give gradients to, with what they return (``backward.record_results_backward``)
        self.graph_results: list[Tensor] = []
        self.results_backward: tuple[list[str], list[str]] | None = None
        self.generators: dict[int, object] = {}
        self.keep: list = []  # objects whose ids key ``objects``
        # normal draws a replay can take from ``random.ahead``: (line, slot, generator, spec,
        # position after); None once another draw is recorded or moved the generator between
        # arrays made from Python values during the call (``ops.array_step.constant``): the
        # only unknown arrays a recording may freeze as constants
        self.constants: dict[int, np.ndarray] = {}
        self.draws: list | None = []
        self.start = default_generator._mt.position
        self.arrays = _backward.ReplayArrays()  # the rules' ``xp`` in the replays

    # -- stopping ----------------------------------------------------------------------------
    def stop(self, what: str) -> None:
        """The call cannot be recorded whole: raise (fullgraph) or go on eagerly, unrecorded."""
        where = user_location()
        if self.fullgraph:
            state.recorder = None
            raise Unsupported(
                f"graphgrad.compile(fullgraph=True): {what} at {where} cannot be recorded "
                "(a compiled graph holds no Python values read from tensors); use "
                "fullgraph=False to run such calls eagerly"
            )
        if self.broken is None:
            self.broken = f"{what} at {where}"
        state.recorder = None

    def suspended(self, fn, /, *args, **kwargs):
        """``fn(*args)`` with recording off (resumed after, unless it stopped meanwhile)."""
        state.recorder = None
        try:
            return fn(*args, **kwargs)
        finally:
            state.recorder = self if self.broken is None else None

    # -- values ------------------------------------------------------------------------------
    def read_value(self, holder, key: str, value) -> None:
        """The call read an optimizer's or a scheduler's value into Python: guarded."""
        self.live.note_read(holder, key, value)

    def tensor_code(self, t: Tensor) -> str | None:
        """How the program reaches the tensor object ``t`` itself: an argument (``A[i]``) or
        a live tensor (an ``O`` name); None for a tensor the call made."""
        i = self.arg_index.get(id(t))
        if i is not None:
            return f"A[{i}]"
        if self.live.tensor(t) is not None:
            return self.live.code(t, self.program)
        return None

    def bump(self, t: Tensor) -> None:
        """Repeat the version bump of an in-place write into ``t``, where the program can
        reach it (PyTorch's ``_version`` of an argument or a parameter)."""
        code = self.tensor_code(t)
        if code is not None:
            self.program.emit(f"{code}._version_counter.bump()")

    def rebind(self, t: Tensor, before: np.ndarray, bumps: bool) -> None:
        """``t`` holds another array now, instead of ``before`` (``t.unsqueeze_(-1)``,
        ``p.data = ...``): where the program reaches ``t``, the replay gives it the same slot,
        which must be one a step makes anew at each replay (a constant would be shared by the
        calls' tensors). A live tensor keeps its shape and dtype: the guards read them after
        the call, as the next call will find them."""
        code = self.tensor_code(t)
        if code is None or t._data is before:  # (the call made ``t``: the program reads its
            return  # arrays only; or ``p.data -= u``, which writes into the array it gives back)
        live = id(t) not in self.arg_index
        if live and (t._data.shape, t._data.dtype) != (before.shape, before.dtype):
            self.stop("a parameter or live tensor given an array of another shape or dtype")
            return
        if t.grad_fn is not None:  # (the replay would have to give it the node too)
            self.stop("an in-place view op on an argument or a live tensor with a graph")
            return
        data = self.program.known(t._data)
        if data is None or data not in self.program.fresh:
            self.stop("an argument or a live tensor given an array not made by a recorded op")
            return
        self.program.emit(f"{self.program.name(_set_data, 'F')}({code}, {data})")
        if bumps:
            self.bump(t)

    def ref_tensor(self, t: Tensor):
        data = t._data
        found = self.program.known(data)
        if found is not None:
            return found
        i = self.arg_data.get(id(data))
        if i is not None:
            return self.program.arg_slot(data, i)
        owner = self.live.owner_of(data)
        if owner is not None:
            self.loaded[id(owner)] = owner
            return self.program.live_slot(data, self.live.code(owner, self.program))
        if t.grad_fn is not None and t.grad_fn._sequence_nr < self.start_seq:
            self.stop(
                f"a tensor of shape {tuple(data.shape)} computed before the call and read "
                "where graphgrad.compile does not look (an item of a list attribute, an "
                "attribute of an object in a container)"
            )
        return self._constant(data)

    def ref_value(self, value):
        """A slot for an array read outside a tensor (a parameter of an op, the data of an
        argument or a parameter handed to a function of arrays), or the value itself."""
        if not isinstance(value, (np.ndarray, np.generic)):
            return value
        found = self.program.known(value)
        if found is not None:
            return found
        i = self.arg_data.get(id(value))
        if i is not None:
            return self.program.arg_slot(value, i)
        owner = self.live.owner_of(value)
        if owner is not None:
            self.loaded[id(owner)] = owner
            return self.program.live_slot(value, self.live.code(owner, self.program))
        return self._constant(value)

    def _constant(self, value):
        """A slot for an array no recorded step made: a constant when it was made from Python
        values (a creation function), else the recording stops, since a replay could not
        compute it (a value read from tensors outside the recorded ops)."""
        if self.constants.get(id(value)) is not value and isinstance(value, np.ndarray):
            self.stop(
                f"a tensor of shape {tuple(value.shape)} computed outside the operations "
                "graphgrad.compile records"
            )
        return self.program.const_slot(value)

    def ref_arg(self, a):
        return self.ref_tensor(a) if isinstance(a, Tensor) else self.ref_value(a)

    # -- the hooks ---------------------------------------------------------------------------
    def apply(self, prim, args: tuple, params: dict):
        if _fw_state.active:
            self.stop("forward-mode AD")
            return _primitive.apply(prim, *args, **params)
        if prim.name in DATA_DEPENDENT or (prim.name == "index" and _masked(params["indices"])):
            what = "indexing with a boolean mask" if prim.name == "index" else prim.name
            self.stop(f"{what} (its output's shape depends on the values)")
            return _primitive.apply(prim, *args, **params)
        if _sparse_operand(args, params):
            self.stop(f"{prim.name} of a sparse tensor")  # no array to record it on
            return _primitive.apply(prim, *args, **params)
        refs = self._forward_inputs(prim, args)  # before the op: a constant is read as it is now
        state.recorder = None  # (``suspended``, spelled out: this runs for every op)
        try:
            out = _primitive.apply(prim, *args, **params)
        finally:
            state.recorder = self if self.broken is None else None
        if self.broken is None:
            self._record_forward(prim, args, params, refs, out)
        return out

    def _forward_inputs(self, prim, args: tuple) -> list:
        if prim.dtype_rule.__class__ is not str:
            return [self.ref_arg(a) for a in args]
        prepared = _primitive._prepare(prim, args)
        refs = []
        for a, p in zip(args, prepared, strict=True):
            if isinstance(a, Tensor):
                r = self.ref_tensor(a)
                if p is not a._data:  # cast by the op's dtype rule
                    r = slot(self.program.step(_astype, (r, p.dtype), p))
                refs.append(r)
            else:
                refs.append(p)
        return refs

    def _record_forward(self, prim, args: tuple, params: dict, refs: list, out) -> None:
        fn = prim.forward
        if prim.dtype_rule.__class__ is not str:
            fn = _WithRule(fn, prim.dtype_rule, args)
            self.keep.append(args)
        kwargs = {k: self.ref_param(v) for k, v in params.items()}
        if prim.n_outputs != 1:
            outs = tuple(o._data for o in out)
            self.program.step_many(_ManyOut(fn), tuple(refs), outs, kwargs)
            return
        data = out._data
        if data.ndim == 0:
            fn = _ScalarOut(fn)
        pure = prim.name in _CANNOT_RAISE and data.dtype.kind == "f"
        self.program.step(fn, tuple(refs), data, kwargs, pure=pure)

    def ref_param(self, v):
        """An op's parameter, or a value a node saved: a tensor one is wrapped anew around its
        slot, and a tuple or list holding tensors or arrays (``index``'s ``indices``) is built
        anew at each replay from their slots; any other container of arrays stops the
        recording (a replay would read it frozen)."""
        if isinstance(v, Tensor):
            return slot(self.program.step(Tensor._make, (self.ref_tensor(v),), object()))
        if type(v) in (tuple, list) and holds_arrays(v):
            items = tuple(self.ref_param(x) for x in v)
            return slot(self.program.step(_SEQUENCES[type(v)], items, object()))
        if holds_arrays(v):
            self.stop(f"a {type(v).__name__} of arrays as an operation's parameter")
        return self.ref_value(v)

    def commit(self, t: Tensor, out: Tensor, real):
        """An in-place write of ``out`` into ``t``. Where ``out`` has a graph (``relu_()`` on
        an activation), ``t`` takes over its node, whose saved result becomes ``t``'s array
        (the slot written here), and a saved ``t`` a copy of it from before the write; into
        a view (``outputs[i] = h``), the write goes through the view's slot to its base's
        array, whose new node (``CopySlices``) the recorded backward runs on tensors."""
        node = out.grad_fn
        target = self.ref_tensor(t)
        value = self.ref_tensor(out)
        saved = getattr(node, "_saved", None)
        if not isinstance(saved, dict):  # (a primitive's node keeps a dict)
            saved = {}
        kept = [k for k, v in saved.items() if getattr(v, "tensor", None) is t]
        result = real(t, out)  # (no op inside; a view's layout it reads is a constant)
        if self.broken is None:
            for k in kept:  # (``snapshot_saved_self``'s copy, taken before the write)
                self.program.step(np.copy, (target,), saved[k].tensor._data)
            self.program.effect(_copyto, (target, value), written=(target,))
            self.bump(t)
        return result

    def call(self, method, obj, args: tuple, kwargs: dict):
        """A method whose effect or result the program repeats by calling it again: a
        generator's draw (so the stream advances the same), an optimizer's step."""
        refs = tuple(self.ref_value(a) for a in args)
        for a in (*args, *kwargs.values()):
            if isinstance(a, Tensor) or holds_arrays(a):
                self.stop(f"{method.__qualname__} with a tensor argument")
                return method(obj, *args, **kwargs)
        if any(isinstance(v, (np.ndarray, np.generic)) for v in kwargs.values()):
            # (the program passes keywords as constants: an array there would be frozen)
            self.stop(f"{method.__qualname__} with an array as a keyword argument")
            return method(obj, *args, **kwargs)
        before = obj._mt.position if isinstance(obj, Generator) else None
        out = self.suspended(method, obj, *args, **kwargs)
        if self.broken is not None:
            return out
        if before is not None:
            self._note_draw(obj, before, ahead.spec_of(method.__name__, args, kwargs))
        if isinstance(out, (np.ndarray, np.generic)):
            self.program.step(method, (obj, *refs), out, kwargs)
        elif type(out) is tuple and all(isinstance(o, np.ndarray) for o in out):
            self.program.step_many(method, (obj, *refs), out, kwargs)
        elif out is None:
            self.program.effect(_Bound(method, kwargs), (obj, *refs))
        else:
            self.stop(f"{method.__qualname__} (returns {type(out).__name__})")
        return out

    def array_step(self, fn, args: tuple, kwargs: dict):
        """A function of arrays marked ``ops.array_step``: called now and again at every
        replay, on the replay's own values."""
        return self.call(_Plain(fn), None, args, kwargs)

    def _note_draw(self, g: Generator, before: tuple, spec: ahead.Spec | None) -> None:
        """Remember a draw that ``random.ahead`` can compute ahead (its line comes next), if
        nothing else moved the generator since the last one."""
        if self.draws is None:
            return
        last = self.draws[-1][4] if self.draws else self.start if g is default_generator else before
        if spec is None or before != last:
            self.draws = None
        else:
            self.draws.append((len(self.program.lines), f"s{self.program._n}", g, spec,
                               g._mt.position))  # fmt: skip

    def draw_ahead(self) -> None:
        """Have the replay take its normal draws from ``random.ahead``, many replays' worth
        computed at once, when they are all the call's draws and on one generator (another
        draw between them would make the predictions miss). ``s3 = F2(C0, (10, 5,), ...)``
        becomes ``s3 = D7(1)``: the cycle's second draw."""
        draws = self.draws
        if (
            not draws
            or len({id(d[2]) for d in draws}) != 1
            or draws[-1][2]._mt.position != draws[-1][4]
        ):
            return
        cycle = ahead.DrawsAhead(draws[0][2], [d[3] for d in draws])
        name = self.program.name(cycle.draw, "D")
        for i, (line, slot_name, *_) in enumerate(draws):
            assert str(self.program.lines[line]).startswith(f"{slot_name} = ")
            self.program.lines[line] = f"{slot_name} = {name}({i})"

    def fill(self, method, t: Tensor, args: tuple, kwargs: dict):
        """An in-place random fill of ``t``: repeated at replay on ``t``'s slot."""
        if any(isinstance(a, Tensor) for a in (*args, *kwargs.values())):
            self.stop(f"Tensor.{method.__name__} with a tensor argument")
            return method(t, *args, **kwargs)
        target = self.ref_tensor(t)
        out = self.suspended(method, t, *args, **kwargs)
        if self.broken is None:
            self.program.effect(_Fill(method, args, kwargs), (target,), written=(target,))
            self.bump(t)
        return out

    def backward(self, roots, grads, retain_graph, create_graph, inputs, accumulate):
        return _backward.record_backward(
            self, roots, grads, retain_graph, create_graph, inputs, accumulate
        )


class _Fill:
    """``method(tensor, *args, **kwargs)`` on a slot's array, wrapped as a tensor."""

    __slots__ = ("method", "args", "kwargs")

    def __init__(self, method, args: tuple, kwargs: dict) -> None:
        self.method, self.args, self.kwargs = method, args, kwargs

    def __call__(self, data) -> None:
        self.method(Tensor._make(data), *self.args, **self.kwargs)


class _Plain:
    """``fn`` called as a method of nothing: ``Recorder.call`` passes ``obj`` first."""

    __slots__ = ("fn", "__qualname__")

    def __init__(self, fn) -> None:
        self.fn, self.__qualname__ = fn, fn.__qualname__

    def __call__(self, _none, /, *args, **kwargs):
        return self.fn(*args, **kwargs)


class _Bound:
    """``method(obj, *args, **kwargs)`` with constant keyword arguments."""

    __slots__ = ("method", "kwargs")

    def __init__(self, method, kwargs: dict) -> None:
        self.method, self.kwargs = method, kwargs

    def __call__(self, *args) -> None:
        self.method(*args, **self.kwargs)
