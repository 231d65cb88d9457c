"""What a compiled call reads live, found before it runs, and the guards of a recording.

The tensors a replay reads where they are (not copied into the program) are those the
function can reach without running: its arguments, the objects its closure cells and the
globals its code names hold (one level into lists, tuples and dicts), and, through modules,
optimizers and schedulers among them, their parameters, buffers and state. The same set is
what the first replay is checked against eager on (``verify.py``).

>>> import graphgrad as torch
>>> w = torch.ones(2, requires_grad=True)
>>> live = discover(lambda: w * 2, (), {})
>>> live.tensor(w) is w
True
"""

from __future__ import annotations

import contextlib
import dis
import functools
import random
import sys
import sysconfig
import threading
import types
from collections.abc import Callable

import numpy as np

from ..autograd.function import Function
from ..nn.module import Module
from ..optim.lr_scheduler.schedules import LRScheduler
from ..optim.optimizer import Optimizer, ParamGroup
from ..random import default_generator
from ..random._generator import Generator
from ..tensor import Tensor
from ._flag import counters
from ._flag import state as _flag


class Live:
    """The objects a call may read or write in place, by kind."""

    def __init__(self) -> None:
        self.tensors: dict[int, Tensor] = {}
        self.by_data: dict[int, Tensor] = {}
        self.modules: dict[int, Module] = {}
        self.optimizers: dict[int, Optimizer] = {}
        self.schedulers: dict[int, LRScheduler] = {}
        self.generators: dict[int, object] = {id(default_generator): default_generator}
        # what the call may read through names, as it is before it runs (guarded: a plain
        # value by type and value, anything else by identity): ("attr", module, name, value),
        # ("cell", cell, name, value), ("global", dict, name, value)
        self.values: list[tuple[str, object, str, object]] = []
        self.hooks = counters.hooks  # hooks registered so far (one registered later: guarded)
        self.sizes: dict[int, tuple[int, ...]] = {}  # per module, as ``_sizes`` (guarded)
        self.modes: dict[int, bool] = {}  # per module, ``training`` before the call (guarded)
        # (how, holder, name, value) of the places that hold a tensor or a tuple of tensors
        # between calls, as ``values`` names them: a module's or data object's plain attribute
        # (``self.mask``, an LSTM's ``self.hidden = (h, c)``), a global (``hidden``), a closure
        # variable. State: read where it is at each replay and guarded by shape, where the
        # call may rebind it (``settle``)
        self.state: list[tuple[str, object, str, object]] = []
        # id(tensor) -> (how, holder, name, where in the value: ``""`` or ``"[0]"``)
        self.paths: dict[int, tuple[str, object, str, str]] = {}
        self._reached: dict[int, int] = {}  # id(tensor) -> how many times discovery found it
        self._sharing: dict[int, int] = {}  # id(array) -> how many tensors found hold it
        self._searched: set[int] = set()  # the objects and classes whose attributes were added
        self._noted: set[tuple[int, str]] = set()  # the (holder, key) of ``note_read``
        # the user's own objects (not modules) whose attributes are guarded only where the
        # recorded call read them (``watch_reads``): a trainer's ``iter_num`` that its loop
        # counts, read by no step, does not record again at every call
        self.watched_objects: dict[int, object] = {}
        # the data objects' attribute names: one the call adds (``trainer.loss = ...``, which a
        # replay would not set) is a change; one added between calls records again
        self.data_keys: dict[int, tuple[object, tuple[str, ...]]] = {}
        self.attribute_reads: set[tuple[int, str]] | None = None  # (id(object), name) read
        self._container_owner: dict[int, tuple[object, str]] = {}  # id(list) -> its holder
        self.rngs: list = []  # Python's and NumPy's generator objects the call could reach
        # (what, list or dict) the call could reach through names: one it changes is a
        # Python side effect that a replay would skip
        self.containers: list[tuple[str, list | dict]] = []

    def tensor(self, t: Tensor) -> Tensor | None:
        return self.tensors.get(id(t))

    def owner_of(self, data) -> Tensor | None:
        """The live tensor whose storage ``data`` is (read through ``.data``, ``detach``...)."""
        owner = self.by_data.get(id(data))
        return owner if owner is not None and owner._data is data else None

    def add(self, obj, depth: int = 0) -> None:
        if isinstance(obj, Tensor):
            self._add_tensor(obj)
        elif isinstance(obj, Module):
            self._add_module(obj)
        elif isinstance(obj, Optimizer):
            self._add_optimizer(obj)
        elif isinstance(obj, LRScheduler):
            self.schedulers[id(obj)] = obj
            self._add_optimizer(obj.optimizer)
        elif isinstance(obj, Generator):
            self.generators[id(obj)] = obj
        elif depth == 0 and isinstance(obj, (list, tuple)):
            for item in obj:
                self.add(item, 1)
        elif depth == 0 and isinstance(obj, dict):
            for item in obj.values():
                self.add(item, 1)
        elif isinstance(obj, _RNGS):
            self.rngs.append(obj)
        elif _data_object(obj):
            self._add_attributes(obj)
        elif isinstance(obj, types.ModuleType) and _user_module(obj):
            # (``import config`` and ``config.SCALE`` read in the call: its plain values)
            self.values += [
                ("attr", obj, k, v) for k, v in vars(obj).items() if _public_plain(k, v)
            ]

    def _add_tensor(self, t: Tensor) -> None:
        self._reached[id(t)] = self._reached.get(id(t), 0) + 1
        if id(t) in self.tensors:
            return
        self.tensors[id(t)] = t
        self._sharing[id(t._data)] = self._sharing.get(id(t._data), 0) + 1
        self.by_data.setdefault(id(t._data), t)
        if t._grad is not None:  # (found as well: ``self.g = p.grad`` is an alias)
            self._reached[id(t._grad)] = self._reached.get(id(t._grad), 0) + 1
            self.by_data.setdefault(id(t._grad._data), t._grad)
            self.tensors.setdefault(id(t._grad), t._grad)

    def _add_module(self, m: Module) -> None:
        if id(m) in self.modules:
            return
        for sub in m.modules():
            self.modules[id(sub)] = sub
            self.sizes[id(sub)] = _sizes(sub)
            self.modes[id(sub)] = sub.training
            self._add_attributes(sub)
            for t in (*sub._parameters.values(), *sub._buffers.values()):
                if t is not None:
                    self._add_tensor(t)

    def _add_attributes(self, obj, depth: int = 0) -> None:
        """``obj``'s attributes: the tensors and tuples of tensors (state: ``settle``), the
        modules, optimizers, schedulers and generators (live too), the plain values (guarded
        by value: ``self._scale`` too), the lists and dicts (watched), the attributes of the
        data objects (``self.config.model.n_head``: ``_DATA_DEPTH`` levels), and every other
        public one guarded by identity (a NumPy array, a function, a data object replaced);
        and the plain values its classes hold (``class Net: scale = 2.0``, as ``self.scale``)."""
        if id(obj) in self._searched or depth > _DATA_DEPTH:
            return
        self._searched.add(id(obj))
        self._add_class(type(obj))
        if not isinstance(obj, Module):  # (a module's are counted by ``_sizes``)
            self.data_keys[id(obj)] = obj, tuple(vars(obj))
            if _users_own(type(obj)):
                self.watched_objects[id(obj)] = obj
        for k, v in vars(obj).items():
            if _state(v):
                for t in state_tensors(v):
                    self._add_tensor(t)
                self.state.append(("attr", obj, k, v))
                continue
            if k == "training" or k.startswith("__"):
                continue
            if _plain(v):
                self.values.append(("attr", obj, k, v))
                continue
            if isinstance(v, _RNGS):  # (an augmentation's ``self.rng``)
                self.rngs.append(v)
            elif isinstance(v, tuple):
                for x in v:  # (a tuple of tensors and other values)
                    if isinstance(x, Tensor):
                        self._add_tensor(x)
            elif isinstance(v, (Module, Optimizer, LRScheduler, Generator)):
                # (``layer.opt.step()``, a trainer's ``self.model``: their state is live too)
                self.add(v)
            if k[0] == "_":  # (a module's own dicts of parameters, hooks...: guarded apart)
                continue
            if type(v) in (list, dict):
                self._container_owner[id(v)] = obj, k
                self.watch([(_name_of("attr", obj, k), v)])
                for x in v.values() if type(v) is dict else v:
                    if _data_object(x):  # (``self.layers = [Linear(...), ...]``: their state)
                        self._add_attributes(x, depth + 1)
                continue
            if _data_object(v):
                self._add_attributes(v, depth + 1)
            self.values.append(("attr", obj, k, v))

    def _add_class(self, cls: type) -> None:
        """The plain values in the dicts of ``cls`` and of its bases, where they are the
        user's classes (not graphgrad's: an ``nn.Module``'s class constants stay put)."""
        for c in cls.__mro__:
            if id(c) in self._searched or not _users_own(c):
                continue
            self._searched.add(id(c))
            self.values += [("attr", c, k, v) for k, v in vars(c).items() if _public_plain(k, v)]

    def remember(self, places: list) -> None:
        """Closure variables' and globals' (how, holder, name, value): state where they hold
        a tensor or a tuple of tensors (``global hidden``), else values to guard."""
        for place in places:
            (self.state if _state(place[3]) else self.values).append(place)

    def note_read(self, holder, key: str, value) -> None:
        """A value of an optimizer's parameter group or of a scheduler that the recorded call
        read into Python (``lr = opt.param_groups[0]["lr"]``, ``sched.get_last_lr()``): the
        recording used it as a constant, so it is guarded by value (a number, or a list of
        numbers). The optimizer's own step reads them live and needs none of this."""
        if (id(holder), key) in self._noted or not (
            _plain(value) or (type(value) is list and all(_plain(v) for v in value))
        ):
            return
        self._noted.add((id(holder), key))
        self.values.append(("read", holder, key, list(value) if type(value) is list else value))

    @contextlib.contextmanager
    def watch_reads(self):
        """Note, while the call runs, which attributes of ``watched_objects`` it reads (their
        classes' ``__getattribute__`` wrapped for that time only), into ``attribute_reads``,
        and which values of parameter groups it reads into Python (``note_read``)."""
        reads: set[tuple[int, str]] = set()
        self.attribute_reads = reads
        if not self.optimizers and not self.watched_objects:  # (nothing to watch: W1's step)
            yield
            return
        classes = {type(o) for o in self.watched_objects.values()}
        with _installs.lock:
            for name, method in _NOTING.items():
                _installs.add(ParamGroup, name, method)
            for cls in list(classes):
                try:
                    _installs.add(cls, "__getattribute__", _spy(cls.__getattribute__))
                except (TypeError, AttributeError):  # (a class that takes no attribute)
                    classes.discard(cls)  # (so every attribute of its objects is guarded)
                    self.watched_objects = {
                        i: o for i, o in self.watched_objects.items() if type(o) is not cls
                    }
        _reading.reads = reads
        try:
            yield
        finally:
            _reading.reads = None
            with _installs.lock:
                for name in _NOTING:
                    _installs.remove(ParamGroup, name)
                for cls in classes:
                    _installs.remove(cls, "__getattribute__")

    def unread(self, holder, key: str) -> bool:
        """Whether ``holder.key`` is an attribute of a watched object that the recorded call
        did not read (reading ``__dict__`` reads them all): no guard needs it."""
        reads = self.attribute_reads
        if reads is None or id(holder) not in self.watched_objects:
            return False
        return (id(holder), key) not in reads and (id(holder), "__dict__") not in reads

    def container_unread(self, container) -> bool:
        owner = self._container_owner.get(id(container))
        return owner is not None and self.unread(*owner)

    def settle(self) -> None:
        """Once everything is found: attribute state whose tensors discovery found nowhere
        else is read through its attribute (``paths``); the rest, a tensor also held
        elsewhere, or holding the very array of another (``self.alias = w.detach()``), stays
        guarded by identity: the replay could not tell the aliases apart."""
        kept = []
        for how, holder, k, v in self.state:
            tensors = state_tensors(v)
            if all(self._reached[id(t)] == 1 == self._sharing.get(id(t._data)) for t in tensors):
                kept.append((how, holder, k, v))
                for i, t in enumerate(tensors):
                    self.paths[id(t)] = how, holder, k, "" if type(v) is not tuple else f"[{i}]"
            else:
                self.values.append((how, holder, k, v))
        self.state = kept

    def code(self, t: Tensor, program) -> str:
        """How the program reaches the live tensor ``t``: through its attribute, where it is
        state (``M3.__dict__['hidden'][0]``), else as the object itself (an ``O`` name)."""
        found = self.paths.get(id(t))
        if found is None:
            return program.name(t, "O")
        how, holder, k, item = found
        return state_code(program, how, holder, k) + item

    def state_with_graph(self) -> list[Tensor]:
        """The tensors of attribute state (read through their attributes) that have a graph:
        a replay's backward hands them gradients, as it hands an argument's."""
        return [
            t
            for *_, v in self.state
            for t in state_tensors(v)
            if t.grad_fn is not None and id(t) in self.paths
        ]

    def state_now(self) -> list[tuple[str, object, str, object]]:
        """The state as it is now: (how, holder, name, value), where it is set."""
        found = [(how, holder, k, value_at(how, holder, k)) for how, holder, k, _ in self.state]
        return [entry for entry in found if entry[3] is not _MISSING]

    def rebound(self) -> tuple[tuple[str, object, str], ...]:
        """(how, holder, name) of the state the call rebound, each to state of the same form
        (a tensor for a tensor, a tuple of as many tensors for a tuple): ``self.hidden =
        h.detach()``, an LSTM's ``self.hidden = (h, c)`` from its output, ``global hidden``.
        A replay rebinds them as well."""
        return tuple(
            (how, holder, k)
            for how, holder, k, then in self.state
            if (now := value_at(how, holder, k)) is not then and _same_form(now, then)
        )

    def rng_states(self) -> list:
        return [_rng_state(r) for r in self.rngs]

    def drawn_from(self, before: list) -> str | None:
        """Which of the Python or NumPy random number generators the call could reach moved
        since ``before`` (``rng_states()``): the first one's class, or None. A replay would
        repeat the recorded call's numbers."""
        for rng, state in zip(self.rngs, before, strict=True):
            if not _same_state(_rng_state(rng), state):
                return next(name for kind, name in _RNG_NAMES.items() if isinstance(rng, kind))
        return None

    def watch(self, named: list, depth: int = 0) -> None:
        """Keep the lists and dicts among ``named`` (what, object) to compare after the call,
        and those in them, ``_DATA_DEPTH`` levels deep (``lists[0][0]``,
        ``cfg["model"]["scale"]``), ``_MAX_WATCHED`` in all (guards run at every call)."""
        for what, v in named:
            if type(v) not in (list, dict) or depth > _DATA_DEPTH:
                continue
            self.containers.append((what, v))
            if len(v) <= _ITEMS_COMPARED and len(self.containers) < _MAX_WATCHED:
                items = v.values() if type(v) is dict else v
                self.watch([(f"an item of {what}", x) for x in items], depth + 1)

    def python_state(self) -> list:
        """The watched lists' and dicts' items now, for ``changed_by_call``."""
        return [_items(c) for _, c in self.containers]

    def changed_by_call(self, before: list) -> str | None:
        """What the call just recorded changed among the Python values it could reach (a
        value in ``values``, a watched list or dict given ``python_state()`` from before it),
        or None: a replay would not repeat such a change."""
        for how, holder, key, value in self.values:
            now = value_at(how, holder, key)
            if now is not value and not (_by_value(how, value) and _same_plain(now, value)):
                return _name_of(how, holder, key)
        for how, holder, k, then in self.state:  # (rebinding it to state of its form: recorded)
            if not _same_form(value_at(how, holder, k), then):
                return _name_of(how, holder, k)
        for obj, keys in self.data_keys.values():
            if tuple(vars(obj)) != keys:
                return f"the attributes of {_name_of('attr', obj, '')}"
        for (what, now), then in zip(self.containers, before, strict=True):
            if not _same_items(now, then):
                return what
        return None

    def modes_changed(self) -> list[tuple[Module, bool]]:
        """The modules whose ``training`` the call changed (``model.train()`` in a step that
        an evaluation between steps leaves in ``eval()``), with their new mode."""
        return [(m, m.training) for m in self.modules.values() if m.training != self.modes[id(m)]]

    def _add_optimizer(self, opt: Optimizer) -> None:
        if id(opt) in self.optimizers:
            return
        self.optimizers[id(opt)] = opt
        for group in opt.param_groups:
            for p in group["params"]:
                self._add_tensor(p)
        for st in opt.state.values():
            for v in st.values():
                if isinstance(v, Tensor):
                    self._add_tensor(v)


def discover(fn, args: tuple, kwargs: dict) -> Live:
    """The ``Live`` objects of a call of ``fn`` (see the module's docstring); the user's
    functions it reaches (in its closure, its globals, a module's ``forward``) are searched
    the same way, a few dozen at most."""
    live = Live()
    for a in (*args, *kwargs.values()):  # (tensor arguments are read per call, not live)
        for item in a if isinstance(a, (list, tuple)) else (a,):
            if not isinstance(item, Tensor):
                live.add(item, 1)
    seen: set[int] = set()
    todo = [fn]
    while todo and len(seen) < _MAX_FUNCTIONS:
        target = todo.pop()
        if id(target) in seen:
            continue
        seen.add(id(target))
        if isinstance(target, Module):
            live.add(target)
            todo += [f for m in target.modules() for f in _methods(type(m))]
            continue
        if _data_object(target) and _users_own(type(target)):  # (a callable object of theirs)
            live.add(target)
            todo += _methods(type(target), _users_own)
            continue
        self_obj = getattr(target, "__self__", None)
        if self_obj is not None and not isinstance(self_obj, types.ModuleType):
            live.add(self_obj)
        func = getattr(target, "__func__", target)
        code = getattr(func, "__code__", None)
        closure = zip(getattr(code, "co_freevars", ()), getattr(func, "__closure__", None) or ())
        cells = [(name, c) for name, c in closure if _full(c)]
        found = [c.cell_contents for _, c in cells]
        live.remember([("cell", c, name, c.cell_contents) for name, c in cells])
        live.watch([(f"closure variable {name}", c.cell_contents) for name, c in cells])
        # (a default argument a call may read: ``def f(x, cfg={"scale": 2.0})``)
        defaults = [*(getattr(func, "__defaults__", None) or ()),
                    *(getattr(func, "__kwdefaults__", None) or {}).values()]  # fmt: skip
        found += defaults
        live.watch([(f"a default argument of {_qualname(func)}", d) for d in defaults])
        scope = getattr(func, "__globals__", {})
        if code is not None:
            names = [name for name in _names(code) if name in scope]
            found += [scope[name] for name in names]
            live.remember([("global", scope, n, scope[n]) for n in names])
            live.watch([(f"global {n}", scope[n]) for n in names])
        for obj in found:
            live.add(obj)
            if _user_function(obj) or isinstance(obj, Module):
                todo.append(obj)
            elif _data_object(obj):  # (``cfg.scale_for(x)``: its methods read values too)
                todo += _methods(type(obj), _users_own)
            elif isinstance(obj, types.ModuleType) and _user_module(obj) and code is not None:
                # (``utils.scale(x)``: the functions of the user's modules that the code names)
                todo += [f for n in code.co_names if _user_function(f := getattr(obj, n, None))]
            elif isinstance(obj, type) and issubclass(obj, Function):  # its forward, backward...
                todo += [f for f in map(obj.__dict__.get, _FUNCTION_METHODS) if f is not None]
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is not None:
            todo.append(wrapped)
    live.settle()
    return live


_MAX_FUNCTIONS = 256
# how deep data objects and containers inside others are searched: ``self.cfg.model.dropout``,
# ``tables[0]["a"]["b"]``
_DATA_DEPTH = 2
_MAX_WATCHED = 256


def _methods(cls: type, searched: Callable[[type], bool] | None = None) -> list:
    """The functions of ``cls`` and of its bases that are ``searched`` classes (by default,
    all but graphgrad's: a model from an installed package too): methods, static and class
    methods, and properties' getters (``self.helper(x)``, ``self.scale``, which read globals
    and attributes as ``forward`` does)."""
    found = []
    for c in cls.__mro__:
        if not (searched or _user_class)(c):
            continue
        for v in vars(c).values():
            if isinstance(v, (staticmethod, classmethod)):
                v = v.__func__
            elif isinstance(v, property):
                v = v.fget
            if isinstance(v, types.FunctionType):
                found.append(v)
    return found


_FUNCTION_METHODS = ("forward", "setup_context", "backward", "vjp", "jvp")


def _noting_getitem(group: ParamGroup, key):
    """``group[key]``, noted where a recording reads it (not the optimizer's own reads,
    which run unrecorded: ``Recorder.suspended``)."""
    value = dict.__getitem__(group, key)
    if _flag.recorder is not None:
        _flag.recorder.read_value(group, key, value)
    return value


def _noting_get(group: ParamGroup, key, default=None):
    """``group.get(key, default)``, noted as ``_noting_getitem`` notes."""
    return _noting_getitem(group, key) if key in group else default


# (installed on ``ParamGroup`` while a call is recorded only: a plain dict's speed otherwise)
_NOTING = {"__getitem__": _noting_getitem, "get": _noting_get}


class _Reading(threading.local):
    reads: set | None = None  # (object id, attribute name) read by the call recorded here


_reading = _Reading()


def _spy(getattribute):
    """``getattribute``, noting each (object, name) it is asked for in the reads of the call
    recorded on this thread (other threads' reads are not the recording's)."""

    def spy(obj, name):
        reads = _reading.reads
        if reads is not None:
            reads.add((id(obj), name))
        return getattribute(obj, name)

    return spy


class _Installs:
    """Class attributes installed while calls are recorded, counted, so that recordings
    overlapping in threads install each once and the last to finish puts back the class's
    own (the first to finish would otherwise restore a class still watched, or leave one
    recording's spy installed for good)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users: dict[tuple[type, str], list] = {}  # -> [recordings, the class's own]

    def add(self, cls: type, name: str, value: object) -> None:
        """Install ``value`` as ``cls.name``, or count one more user of the one installed."""
        entry = self.users.get((cls, name))
        if entry is not None:
            entry[0] += 1
            return
        own = cls.__dict__.get(name, _ABSENT)
        setattr(cls, name, value)  # (may raise TypeError: nothing is counted then)
        self.users[(cls, name)] = [1, own]

    def remove(self, cls: type, name: str) -> None:
        """One user fewer: the last puts back the class's own (or none)."""
        entry = self.users[(cls, name)]
        entry[0] -= 1
        if entry[0]:
            return
        del self.users[(cls, name)]
        if entry[1] is _ABSENT:
            delattr(cls, name)
        else:
            setattr(cls, name, entry[1])


_ABSENT = object()
_installs = _Installs()


def _state(v) -> bool:
    """Attribute state: a tensor, or a non-empty tuple of tensors."""
    return isinstance(v, Tensor) or (
        type(v) is tuple and bool(v) and all(isinstance(x, Tensor) for x in v)
    )


def state_tensors(v) -> tuple:
    """The tensors of attribute state ``v``; none where ``v`` is something else now."""
    if isinstance(v, Tensor):
        return (v,)
    return v if _state(v) else ()


def _same_form(now, then) -> bool:
    """Whether ``now`` is attribute state of ``then``'s form: a tensor (no Parameter: that
    would be registered), or a tuple of as many tensors."""
    if isinstance(then, Tensor):
        return type(now) is type(then)
    return _state(now) and type(now) is tuple and len(now) == len(then)


def _qualname(func) -> str:
    return getattr(func, "__qualname__", None) or type(func).__name__


def _sizes(m: Module) -> tuple[int, ...]:
    """How many attributes, submodules, parameters and buffers ``m`` has: one added since
    (``model.extra = nn.Linear(...)`` that ``forward`` uses if present, a layer appended to a
    ``Sequential``) changes them, and records again."""
    return len(m.__dict__), len(m._modules), len(m._parameters), len(m._buffers)


_PLAIN = (int, float, bool, str, type(None))
_RNG_NAMES = {
    random.Random: "random.Random",
    np.random.RandomState: "numpy.random.RandomState",
    np.random.Generator: "numpy.random.Generator",
}
_RNGS = tuple(_RNG_NAMES)
_MISSING = object()


def _name_of(how: str, holder, key: str) -> str:
    """How messages name a value the call reads: ``Net.tau``, ``global SCALE``..."""
    if how == "cell":
        return f"closure variable {key}"
    if how == "global":
        return f"global {key}"
    if how == "read" and isinstance(holder, dict):
        return f"an optimizer's parameter group's {key!r}"
    if isinstance(holder, (type, types.ModuleType)):  # (a class's or a module's own value)
        owner = holder.__name__
    else:
        owner = type(holder).__name__
    return f"{owner}.{key}" if key else owner


def value_at(how: str, holder, key: str):
    """The value now at a ``Live.values`` or ``Live.state`` entry's place (``_MISSING`` where
    there is none)."""
    if how == "cell":
        return holder.cell_contents if _full(holder) else _MISSING
    if how == "read":
        return _read(holder, key)
    space = holder if how == "global" else holder.__dict__
    return space.get(key, _MISSING)


def state_code(program, how: str, holder, key: str) -> str:
    """How the program reaches a ``Live.state`` place: ``M3.__dict__['hidden']``,
    ``V4['hidden']`` (a global), ``V5.cell_contents`` (a closure variable)."""
    if how == "attr":
        return f"{program.name(holder, 'M')}.__dict__[{key!r}]"
    if how == "global":
        return f"{program.name(holder, 'V')}[{key!r}]"
    return f"{program.name(holder, 'V')}.cell_contents"


def rebind(how: str, holder, key: str, value, restore: bool = False) -> None:
    """Put ``value`` at a ``Live.state`` place, as the call did (``setattr``) or, to
    ``restore`` a snapshot, into the attribute's dict itself."""
    if how == "attr":
        if restore:
            holder.__dict__[key] = value
        else:
            setattr(holder, key, value)
    elif how == "global":
        holder[key] = value
    else:
        holder.cell_contents = value


def _read(holder, key: str):
    """An item of a dict (a parameter group, past its noting ``get``) or an attribute."""
    if isinstance(holder, dict):
        return dict.get(holder, key, _MISSING)
    return holder.__dict__.get(key, _MISSING)


def _by_value(how: str, value) -> bool:
    """Whether a ``Live.values`` entry is guarded by value (else by identity)."""
    return _plain(value) or how == "read"


def _same_plain(a, b) -> bool:
    return type(a) is type(b) and a == b


def _items(container) -> list:
    """A list's items, or a dict's keys and values, as a new list."""
    return list(container) if type(container) is list else [*container, *container.values()]


_ITEMS_COMPARED = 64  # (a longer list or dict is guarded by its length alone, at each call)


def _same_items(container, items: list, limit: int | None = None) -> bool:
    """Whether ``container`` holds ``items`` (``_items`` of it before): the same length, and
    the same objects (up to ``limit`` items, where given).

    >>> a = [1.0, "x"]
    >>> _same_items(a, _items(a)), _same_items(a + [2], _items(a))
    (True, False)
    """
    now = _items(container)
    if len(now) != len(items):
        return False
    if limit is not None and len(now) > limit:
        return True
    return all(x is y for x, y in zip(now, items, strict=True))


def _unchanged(container, items: list) -> bool:
    """A guard's test of a list or dict the call reads (``len(history)``, ``cfg["lr"]``)."""
    return _same_items(container, items, _ITEMS_COMPARED)


def _rng_state(rng):
    if isinstance(rng, random.Random):
        return rng.getstate()
    if isinstance(rng, np.random.RandomState):
        return rng.get_state(legacy=False)
    return rng.bit_generator.state


def _same_state(a, b) -> bool:
    """Whether two generator states are equal (dicts, tuples, numbers and arrays in them).

    >>> _same_state({"key": np.arange(3), "pos": 1}, {"key": np.arange(3), "pos": 1})
    True
    """
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same_state(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


_NOT_DATA = (type, types.FunctionType, types.MethodType, types.ModuleType, Optimizer, LRScheduler)


def _data_object(obj) -> bool:
    """An object of the user's that holds values in its attributes (a dataclass, a
    ``SimpleNamespace``, argparse's ``Namespace``), whose plain attributes a call may read
    (``cfg.temperature``): not a function, class or module, nor one of graphgrad's.

    >>> import types
    >>> _data_object(types.SimpleNamespace(lr=0.1)), _data_object(len), _data_object(Live())
    (True, False, False)
    """
    return (
        hasattr(obj, "__dict__")
        and not isinstance(obj, _NOT_DATA)
        and not type(obj).__module__.startswith(("graphgrad", "numpy"))
    )


def _plain(v) -> bool:
    """A value a recording may have read as a constant: a number, string, bool or None, or a
    tuple of them (not NaN, which equals nothing).

    >>> _plain(0.5), _plain((3, 3)), _plain([1]), _plain(float("nan"))
    (True, True, False, False)
    """
    if type(v) is tuple:
        return all(_plain(x) for x in v)
    return type(v) in _PLAIN and v == v


def _full(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def _user_class(cls: type) -> bool:
    return not cls.__module__.startswith(("graphgrad", "builtins"))


def _public_plain(k: str, v) -> bool:
    return not k.startswith("__") and _plain(v)


_LIBRARY_PATHS = tuple(
    {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
)


def _users_own(cls: type) -> bool:
    """A class defined in the user's own code (a script, a module beside it), not in the
    standard library's or an installed package's (``argparse.Namespace``)."""
    mod = sys.modules.get(cls.__module__)
    return cls.__module__ == "__main__" or (mod is not None and _user_module(mod))


def _user_module(mod: types.ModuleType) -> bool:
    """A Python module of the user's own (a ``config.py`` beside the script), not the
    standard library's or an installed package's."""
    path = getattr(mod, "__file__", None)
    if path is None or mod.__name__.partition(".")[0] in ("graphgrad", "numpy"):
        return False  # (graphgrad itself, wherever it is installed from)
    return not path.startswith(_LIBRARY_PATHS)


def _user_function(obj) -> bool:
    """A function (or bound method) of the user's code, not of graphgrad's own."""
    func = getattr(obj, "__func__", obj)
    if not isinstance(func, types.FunctionType):
        return False
    return not (func.__module__ or "").startswith("graphgrad")


_GLOBAL_OPS = frozenset(("LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL"))


@functools.lru_cache(maxsize=4096)
def _names(code) -> frozenset[str]:
    """The globals ``code`` (and the functions, lambdas and comprehensions in it) reads or
    writes: not every name in ``co_names``, which has the attributes too (``optimizer.step()``
    guarded a global loop counter ``step``, and the call never replayed).

    >>> step = 0
    >>> sorted(_names((lambda opt: opt.step() + len([step])).__code__))
    ['len', 'step']
    """
    names = {i.argval for i in dis.get_instructions(code) if i.opname in _GLOBAL_OPS}
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _names(c)
    return frozenset(names)


class Guards:
    """A recording's guard: conditions (Python source over the program's names), each with
    why a call fails it (a text, or ``(template, how, holder, key, value)`` as in
    ``Live.values``, formatted only when asked: the first call stays cheap)."""

    def __init__(self) -> None:
        self.conds: list[str] = []
        self.reasons: list = []

    def add(self, cond: str, reason) -> None:
        self.conds.append(cond)
        self.reasons.append(reason)

    def source(self) -> str:
        return " and ".join(self.conds) or "True"

    def failing(self, names: dict) -> str:
        """Why the guard fails now (its first failing condition), evaluated in ``names``."""
        for cond, reason in zip(self.conds, self.reasons, strict=True):
            try:
                ok = eval(cond, dict(names))  # noqa: S307 - our own conditions
            except Exception:  # noqa: BLE001 - a condition that cannot be evaluated fails
                ok = False
            if not ok:
                if isinstance(reason, str):
                    return reason
                template, how, holder, key, value = reason
                return template.format(name=_name_of(how, holder, key), value=value)
        return "no condition fails now"


_LOADED = "a tensor the call reads changed its shape, dtype or requires_grad, or has a graph"
_VALUE = "{name} is not {value!r} any more"
_REBOUND = "{name} was rebound"
_STATE = "{name} holds a tensor of another shape, dtype or requires_grad, or with a graph"


def guard_source(program, live: Live, loaded: dict) -> Guards:
    """The conditions a later call must meet to replay: no hook registered since, the loaded
    tensors' shapes, dtypes and flags, the modules' parameters and modes, and what the call
    could read through names (``Live.values``)."""
    g = Guards()
    g.add(f"{program.name(counters, 'V')}.hooks == {live.hooks}", "a hook was registered")
    for t in loaded.values():
        o = live.code(t, program)
        path = live.paths.get(id(t))
        why = _LOADED if path is None else (_STATE, *path[:3], None)
        g.add(f"{o}._data.shape == {program.name(t._data.shape)}", why)
        g.add(f"{o}._data.dtype is {program.name(t._data.dtype)}", why)
        g.add(f"{o}._requires_grad is {t._requires_grad}", why)
        if t.grad_fn is None:
            g.add(f"{o}.grad_fn is None", why)
        else:  # (attribute state with a graph, whose backward the node hands gradients to)
            g.add(f"{o}.grad_fn is not None" if path is not None else "False", why)
    for obj, keys in live.data_keys.values():
        cond = f"len({program.name(obj, 'M')}.__dict__) == {len(keys)}"
        g.add(cond, ("{name} has another attribute", "attr", obj, "", None))
    for m in live.modules.values():
        mo = program.name(m, "M")
        g.add(
            f"{mo}.training is {bool(live.modes[id(m)])}",
            ("{name}.training changed", "attr", m, "", None),
        )
        g.add(
            f"{program.name(_sizes, 'F')}({mo}) == {live.sizes[id(m)]}",
            ("{name} has another attribute, submodule, parameter or buffer", "attr", m, "", None),
        )
        for k, t in (*m._parameters.items(), *m._buffers.items()):
            if t is not None and id(t) in loaded:
                where = "_parameters" if k in m._parameters else "_buffers"
                cond = f"{mo}.{where}.get({k!r}) is {program.name(t, 'O')}"
                g.add(cond, ("{name} was replaced", "attr", m, k, None))
        for k, sub in m._modules.items():  # (``model.fc = nn.Linear(...)`` records again)
            cond = f"{mo}._modules.get({k!r}) is {program.name(sub, 'M')}"
            g.add(cond, ("{name} was replaced", "attr", m, k, None))
    for how, holder, k, v in live.state:  # (its tensors, where read: as the loaded ones above)
        now = state_code(program, how, holder, k)
        if type(v) is tuple:
            cond, form = f"{now}.__class__ is tuple and len({now}) == {len(v)}", f"{len(v)} tensors"
        else:  # (a forward may test it in Python: ``if self.mask is not None``)
            cond, form = f"{now}.__class__ is {program.name(type(v))}", type(v).__name__
        g.add(cond, (f"{{name}} is not a {form} any more", how, holder, k, None))
    for what, container in live.containers:  # (their contents: a replay reads none of them)
        if live.container_unread(container):
            continue
        items = program.name(_items(container))
        cond = f"{program.name(_unchanged, 'F')}({program.name(container, 'V')}, {items})"
        g.add(cond, f"{what} changed")
    for how, holder, key, value in live.values:
        if how == "attr" and live.unread(holder, key):
            continue
        h = program.name(holder, "M" if how == "attr" else "V")
        now = {"attr": f"{h}.__dict__.get({key!r})", "cell": f"{h}.cell_contents",
               "global": f"{h}.get({key!r})",
               "read": f"{program.name(_read, 'F')}({h}, {key!r})"}[how]  # fmt: skip
        if not _by_value(how, value) or value is None or type(value) is bool:
            # (a tensor rebound...)
            g.add(f"{now} is {program.name(value, 'V')}", (_REBOUND, how, holder, key, value))
        else:  # (the type too: ``x * 2`` and ``x * 2.0`` differ in dtype)
            reason = (_VALUE, how, holder, key, value)
            g.add(f"{now}.__class__ is {program.name(type(value))}", reason)
            g.add(f"{now} == {program.name(value)}", reason)
    return g
