"""The replayed program: straight-line Python over NumPy values, written as source and compiled.

Every value the recorded call computed or read gets a slot, a local variable ``sN`` of the
generated function. A step is one line: ``s7 = F3(s2, C1)`` calls the very function the eager
call ran (an op's forward, a node's rules, a generator's draw) on the slots it read; ``C``
names are constants, ``O`` names objects the call reads live (parameters, optimizers), ``A``
the flat list of the call's tensor arguments. Values are matched to slots by identity while
recording, so the recorder keeps every value alive until the program is built.

>>> import numpy as np
>>> p = Program()
>>> a = np.ones(2)
>>> x = p.arg_slot(a, 0)
>>> b = a + a
>>> p.step(np.add, (x, x), b)
's1'
>>> fn = p.build(p.ref(b))
>>> import graphgrad
>>> fn([graphgrad.tensor([1.0, 2.0])])
array([2., 4.], dtype=float32)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import numpy as np

from ..tensor import Tensor

_SLOT = re.compile(r"\bs\d+\b")
_VALUES = (np.ndarray, np.generic)


def holds_arrays(value) -> bool:
    """Whether ``value`` is a list, tuple or dict with an array or tensor in it (at any depth):
    the program would pass it as a constant, frozen at its recorded values.

    >>> holds_arrays((np.ones(1), "x")), holds_arrays(("x", (1, 2)))
    (True, False)
    """
    if isinstance(value, dict):
        value = tuple(value.values())
    if not isinstance(value, (list, tuple)):
        return False
    return any(isinstance(v, (*_VALUES, Tensor)) or holds_arrays(v) for v in value)


class Program:
    """The program being recorded: its lines, its names, and the slot of every value seen."""

    def __init__(self) -> None:
        self.lines: list[str | Deferred] = []
        self.names: dict[str, object] = {}
        self._ids: dict[int, str] = {}  # id(object) -> its constant/object name
        self.slot_of: dict[int, _Slot] = {}  # id(value) -> slot
        self.keep: list = []  # every value with a slot, alive so that ids stay unique
        self.fresh: set[str] = set()  # slots a step made (new values at every replay)
        self.const_lines: dict[str, int] = {}  # const slot -> the line that loads it
        self.written: set[str] = set()  # slots written in place
        # lines without effects, that only load a value or compute one with a function that
        # cannot raise: dropped where nothing reads what they define
        self._pure: set[int] = set()
        self._n = 0
        # the backwards of results that leave the call with their graph: each from its first
        # line to the next one's, a function of the gradients in its slots
        self.backwards: list[tuple[int, tuple[_Slot, ...]]] = []

    # -- names ---------------------------------------------------------------------------------
    def name(self, obj, prefix: str = "C") -> str:
        """A global name for ``obj`` in the generated code (one per object)."""
        key = id(obj)
        found = self._ids.get(key)
        if found is not None and self.names[found] is obj:
            return found
        name = f"{prefix}{len(self.names)}"
        self.names[name] = obj
        self._ids[key] = name
        return name

    def _new_slot(self, value, fresh: bool) -> _Slot:
        n = self._n
        slot = _SLOTS[n] if n < len(_SLOTS) else _more_slots(n)
        self._n = n + 1
        self.slot_of[id(value)] = slot
        self.keep.append(value)
        if fresh:
            self.fresh.add(slot)
        return slot

    def known(self, value) -> _Slot | None:
        """The slot holding ``value`` (this very object), or None."""
        return self.slot_of.get(id(value))

    def ref(self, value) -> str:
        slot = self.slot_of.get(id(value))
        if slot is None:
            raise KeyError("value without a slot")
        return slot

    # -- loads -----------------------------------------------------------------------------
    def arg_slot(self, value, index: int) -> _Slot:
        """The data of the call's ``index``-th tensor argument."""
        slot = self._new_slot(value, False)
        self._pure.add(len(self.lines))
        self.emit(f"{slot} = A[{index}]._data")
        return slot

    def live_slot(self, value, owner_code: str) -> _Slot:
        """The data of a tensor the call reads live (a parameter...), reached by
        ``owner_code``."""
        slot = self._new_slot(value, False)
        self._pure.add(len(self.lines))
        self.emit(f"{slot} = {owner_code}._data")
        return slot

    def data_slot(self, value, tensor_code: str) -> _Slot:
        """The data of a tensor the program reaches by ``tensor_code`` (a ``.grad`` it set)."""
        slot = self._new_slot(value, False)
        self._pure.add(len(self.lines))
        self.emit(f"{slot} = {tensor_code}._data")
        return slot

    def begin_backward(self, grads: list) -> None:
        """Start a backward part: the lines from here on, up to the next part, are a function
        of ``grads`` (given at each call: no line loads them)."""
        self.backwards.append((len(self.lines), tuple(self._new_slot(g, False) for g in grads)))

    def const_slot(self, value) -> str:
        """A value the call made from constants: frozen now, copied at replay if written."""
        frozen = value.copy() if isinstance(value, np.ndarray) else value
        slot = self._new_slot(value, False)
        self.const_lines[slot] = len(self.lines)
        self.emit(f"{slot} = {self.name(frozen)}")
        return slot

    # -- steps -----------------------------------------------------------------------------
    def emit(self, line: str | Deferred) -> None:
        self.lines.append(line)

    def call_code(self, fn, args: tuple, kwargs: dict | None = None, prefix: str = "F") -> str:
        """``F(args..., k=v...)`` where slot names in ``args`` are passed as they are and other
        values as literals or constants (keywords one by one: no dict unpacked at replay)."""
        parts = [self.value_code(a) for a in args]
        if kwargs:
            if all(k.isidentifier() for k in kwargs):
                parts += [f"{k}={self.value_code(v)}" for k, v in kwargs.items()]
            else:
                const = {k: v for k, v in kwargs.items() if not isinstance(v, _Slot)}
                parts += [f"{k}={v}" for k, v in kwargs.items() if isinstance(v, _Slot)]
                if const:
                    parts.append(f"**{self.name(const)}")
        return f"{self.name(fn, prefix)}({', '.join(parts)})"

    def value_code(self, a) -> str:
        """A slot's name, a plain value's literal, or a constant's name."""
        if isinstance(a, _Slot):
            return a
        return _literal(a) or self.name(a)

    def step(self, fn, args: tuple, out, kwargs: dict | None = None, pure: bool = False) -> str:
        """``out = fn(*args, **kwargs)``: one slot for the result (``args`` holds slots, made
        with ``slot()``, and constants). ``pure``: ``fn`` has no effect and cannot raise on
        these arguments' shapes and dtypes (dropped where nothing reads the result)."""
        fresh = id(out) not in self.slot_of
        slot = self._new_slot(out, fresh)
        if pure:
            self._pure.add(len(self.lines))
        self.emit(Deferred(f"{slot} = ", partial(self.call_code, fn, args, kwargs)))
        return slot

    def line_step(self, code: Callable[[], str], out) -> _Slot:
        """``out = <code()>``, a call written by the caller."""
        fresh = id(out) not in self.slot_of
        slot = self._new_slot(out, fresh)
        self.emit(Deferred(f"{slot} = ", code))
        return slot

    def step_many(self, fn, args: tuple, outs: tuple, kwargs: dict | None = None) -> tuple:
        """A step with several results (a multi-output forward)."""
        fresh = [id(o) not in self.slot_of for o in outs]
        slots = tuple(
            "_" if o is None else self._new_slot(o, f) for o, f in zip(outs, fresh, strict=True)
        )
        self.emit(Deferred(f"{', '.join(slots)}, = ", partial(self.call_code, fn, args, kwargs)))
        return slots

    def effect(self, fn, args: tuple, written: tuple = ()) -> None:
        """A call for its effect only (an in-place write, an optimizer's step)."""
        self.written.update(written)
        self.emit(Deferred("", partial(self.call_code, fn, args)))

    # -- the function ----------------------------------------------------------------------
    def _live_lines(self, result_code: str) -> list[str | None]:
        """The lines, less the pure ones (``_pure``) whose values nothing reads, not even
        through another dropped line: a load of a ``.grad`` no later step read, a loss the
        call neither returns nor needs for its backward (W2's polynomial: five of its eight
        forward ops).

        >>> p = Program()
        >>> p.lines, p._pure = ["s0 = A[0]._data", "s1 = F(s0)", "G(s0)", "s2 = H(s0)"], {0, 1}
        >>> p._live_lines("s2")
        ['s0 = A[0]._data', None, 'G(s0)', 's2 = H(s0)']
        """
        lines: list[str | None] = [str(line) for line in self.lines]  # (Deferred ones written)
        read = set(_SLOT.findall(result_code))
        for i in reversed(range(len(lines))):
            line = lines[i]
            assert line is not None
            if i in self._pure and _DEFINITION.fullmatch(line)[1] not in read:  # type: ignore[index]
                lines[i] = None
            else:
                read.update(_SLOT.findall(_right(line)))
        return lines

    def build(self, result_code: str, name: str = "replay", returns: tuple = (), node: str = ""):
        """Compile the program, returning ``result_code``'s value: ``fn(A)``. Each backward
        part ``i`` becomes a closure over the forward's values, ``backward{i}(*grads)``
        returning ``returns[i]``'s value, and ``node = <node>`` (which names them) is set
        before the result is built."""
        lines = self._live_lines(" ".join((result_code, node, *returns)))
        for slot in self.written:  # a constant written in place starts fresh at each replay
            at = self.const_lines.get(slot)
            line = lines[at] if at is not None else None
            if line is not None and isinstance(self.names[line.split(" = ")[1]], np.ndarray):
                lines[at] = line + ".copy()"  # type: ignore[index]  # (at is set with line)
        starts = [start for start, _ in self.backwards] + [len(lines)]
        keep, inner = f"{result_code} {node}", ""
        for i, ((_, grads), code) in enumerate(zip(self.backwards, returns, strict=True)):
            # the forward keeps what a backward reads; a backward frees only its own values
            part = _inlined([ln for ln in lines[starts[i] : starts[i + 1]] if ln is not None], code)
            steps = "\n        ".join(_freeing(part, code) or ["pass"])
            inner += f"\n    def backward{i}({', '.join(grads)}):\n        {steps}\n"
            inner += f"        return {code}"
            keep += " " + " ".join(part) + " " + code
        if node:
            inner += f"\n    node = {node}"
        forward = _inlined([line for line in lines[: starts[0]] if line is not None], keep)
        body = "\n    ".join(_freeing(forward, keep))
        source = f"def {name}(A):\n    {body or 'pass'}{inner}\n    return {result_code}\n"
        # (a module name of graphgrad's own: NumPy's floating-point warnings from the replay are
        # hidden as eager graphgrad's are; see graphgrad/__init__.py)
        namespace = {**self.names, "__name__": "graphgrad.compile.replay"}
        exec(compile(source, f"<graphgrad.compile {name}>", "exec"), namespace)  # noqa: S102
        fn = namespace[name]
        fn.__dict__["source"] = source  # for reading what a recording became
        return fn


_DEFINITION = re.compile(r"(s\d+) = (.+)")


def _inlined(lines: list[str], keep: str) -> list[str]:
    """``lines`` with each slot that only the next line reads computed there: ``s1 = f(s0)``
    and ``s2 = g(s1, C3)`` become ``s2 = g(f(s0), C3)``. Python compiles fewer statements
    (W4's 3,000 lines took 17 ms, most of its second call), and the replay stores and deletes
    fewer names. A line takes in one expression at most, so the calls run in the recorded
    order (its other arguments are names and constants, read without effects); a line with a
    string literal takes in none (a slot's name could be in the string); expressions nest
    ``_NESTED`` calls deep at most. ``keep`` holds the slots read elsewhere.

    >>> _inlined(["s0 = A[0]._data", "s1 = f(s0)", "s2 = g(s1, s0)", "s3 = h(s2)"], "s3")
    ['s0 = A[0]._data', 's3 = h(g(f(s0), s0))']
    """
    reads: dict[str, int] = {}
    for s in _SLOT.findall(" ".join([keep, *map(_right, lines)])):
        reads[s] = reads.get(s, 0) + 1
    out: list[str] = []
    pending = None  # (slot, expression, depth) of out[-1] where only the next line reads it
    for line in lines:
        if pending is not None and "'" not in line and '"' not in line:
            name, expression, depth = pending
            tail = _right(line)
            at = [m for m in _SLOT.finditer(tail) if m[0] == name]
            if len(at) == 1:
                head = line[: len(line) - len(tail)]
                out[-1] = head + tail[: at[0].start()] + expression + tail[at[0].end() :]
                pending = _pending(out[-1], reads, depth + 1)
                continue
        out.append(line)
        pending = _pending(line, reads, 1)
    return out


_HEAD = re.compile(r"[s\d_, ]+|g\d+")  # what a line assigns: ``s7``, ``s3, _, s4,``, ``g0``


def _right(line: str) -> str:
    """What ``line`` computes: the part after its assignment's ``=``, if it has one.

    >>> _right("s3, s4, = F0(s1)"), _right("F2(s0, 'a = b')")
    ('F0(s1)', "F2(s0, 'a = b')")
    """
    head, sep, tail = line.partition(" = ")
    return tail if sep and _HEAD.fullmatch(head) else line


_NESTED = 8  # (Python's parser refuses 200 nested parentheses; a chain of ops could be longer)


def _pending(line: str, reads: dict[str, int], depth: int) -> tuple[str, str, int] | None:
    """``(slot, expression, depth)`` where ``line`` defines a slot read once, nesting
    ``depth`` calls, below the limit; else None."""
    m = _DEFINITION.fullmatch(line)
    if m is None or reads.get(m[1]) != 1 or depth >= _NESTED:
        return None
    return m[1], m[2], depth


def _freeing(lines: list[str], result_code: str) -> list[str]:
    """``lines`` with ``del`` after each slot's last use (the result's slots kept): a slot's
    array is freed where its last reader is done, as in eager code, where each temporary dies
    with its last reference. Kept to the end, W4's thousand 4 KB temporaries made the replay
    16% slower than freeing them (2.74 against 3.27 ms): freed memory is reused while cached.

    >>> _freeing(["s0 = f()", "s1 = g(s0)", "s2 = h(s1, s0)"], "s2")
    ['s0 = f()', 's1 = g(s0)', 's2 = h(s1, s0)', 'del s1, s0']
    """
    slots = [list(dict.fromkeys(_SLOT.findall(line))) for line in lines]
    assigned = {s for line in lines for s in _SLOT.findall(line[: len(line) - len(_right(line))])}
    last = {s: i for i, found in enumerate(slots) for s in found}
    keep = set(_SLOT.findall(result_code))
    out = []
    for i, (line, found) in enumerate(zip(lines, slots, strict=True)):
        out.append(line)
        dead = [s for s in found if last[s] == i and s in assigned and s not in keep]
        if dead:
            out.append(f"del {', '.join(dead)}")
    return out


_LITERALS = (int, bool, str, type(None))


def _literal(value) -> str | None:
    """Source text that evaluates to an equal value of the same type (ints, finite floats,
    bools, strings, None and tuples of them), or None.

    >>> _literal((1, -0.0, None)), _literal(float("nan"))
    ('(1, -0.0, None,)', None)
    """
    kind = type(value)
    if kind in _LITERALS or (kind is float and np.isfinite(value)):
        return repr(value)
    if kind is tuple:
        items = [_literal(v) for v in value]
        if all(i is not None for i in items):
            return "(" + "".join(f"{i}, " for i in items).rstrip() + ")"
    return None


class Deferred:
    """A line written when the program is built (at the second call), not while the first
    call records: ``head`` (``"s7 = "``) and the call's code, ``code()``. The first call
    stays closer to an eager call's cost."""

    __slots__ = ("head", "code")

    def __init__(self, head: str, code: Callable[[], str]) -> None:
        self.head, self.code = head, code

    def __str__(self) -> str:
        return self.head + self.code()


class _Slot(str):
    """A slot's name, as an argument of ``step`` (a plain ``str`` argument is a constant)."""

    __slots__ = ()


_SLOTS: list[_Slot] = []  # "s0", "s1"...: made once, shared by every program (W4's first
# call makes 5,000 slots: 4% of it went to making their names)


def _more_slots(n: int) -> _Slot:
    """The name of slot ``n``, with those up to it made."""
    _SLOTS.extend(_Slot(f"s{i}") for i in range(len(_SLOTS), max(n + 1, 2 * len(_SLOTS))))
    return _SLOTS[n]


def slot(name: str) -> _Slot:
    """Mark ``name`` as a slot reference for ``Program.step``."""
    return _Slot(name)
