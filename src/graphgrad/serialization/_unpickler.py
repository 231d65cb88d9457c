"""A pickle reader that never runs code from the file.

It interprets the opcodes itself (no ``pickle.Unpickler`` underneath): numbers, strings, bytes,
containers and memo references are built directly, and the only callables it will ever call
are the ones ``find_global`` hands back from an allow-list (PyTorch's ``weights_only`` idea).
The opcodes that call arbitrary classes (``INST``, ``OBJ``, the extension registry) are refused,
and so is every global off the list, whatever ``weights_only`` says. ``find_global`` may also
hand back a ``Reference`` (a value the pickle may hold but never call) or a factory of instances
(an object with ``_checkpoint_new`` and ``_checkpoint_set_state``, which ``NEWOBJ`` and the
``BUILD`` after it use): that is how ``weights_only=False`` rebuilds whole ``nn.Module`` objects
without calling anything the file names. Every read is bounds
checked, so a truncated or corrupt pickle raises ``CheckpointError``, never IndexError.

>>> import pickle
>>> raw = pickle.dumps({"a": [1, 2.5, None, (True, "x")]}, protocol=2)
>>> load_pickle(raw, _no_globals, None)
({'a': [1, 2.5, None, (True, 'x')]}, 44)
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ._errors import CheckpointError

NEVER_RUNS = (
    "graphgrad never runs code from a pickle, whatever weights_only says; it reads tensors, "
    "numbers, strings, containers and the few PyTorch/NumPy types a checkpoint needs (and, "
    "with weights_only=False, nn.Module subclasses already imported)"
)


class Reference:
    """What ``find_global`` returns for a global the pickle may hold as a value (a function a
    module keeps as an attribute) but must never call: the machine pushes ``value`` and refuses
    any ``REDUCE`` or ``NEWOBJ`` on it."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


def _no_globals(module: str, name: str):
    raise CheckpointError(f"the pickle names the global {module}.{name}: {NEVER_RUNS}")


class _Mark:
    __slots__ = ()


_MARK = _Mark()


class _Reader:
    """Bounds-checked reads from a bytes-like object."""

    def __init__(self, data, name: str) -> None:
        self.data, self.pos, self.name = memoryview(data).cast("B"), 0, name

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise CheckpointError(
                f"{self.name}: truncated pickle (needs {n} bytes at offset {self.pos}, "
                f"{len(self.data) - self.pos} left)"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def line(self) -> str:
        end = bytes(self.data[self.pos : self.pos + 512]).find(b"\n")
        if end < 0:
            raise CheckpointError(f"{self.name}: truncated pickle (unterminated text field)")
        return self.take(end + 1)[:-1].tobytes().decode("utf-8")

    def text(self, n: int) -> str:
        return self.take(n).tobytes().decode("utf-8", "surrogatepass")


class _Machine:
    """The pickle virtual machine: a stack, a mark stack and a memo."""

    def __init__(self, data, find_global, persistent_load, name: str) -> None:
        self.r = _Reader(data, name)
        self.find_global, self.persistent_load, self.name = find_global, persistent_load, name
        self.stack: list = []
        self.marks: list[list] = []
        self.memo: dict[int, object] = {}
        self.values_only: dict[int, object] = {}  # id -> a Reference's value (kept alive)
        self.unbuilt: dict[int, tuple] = {}  # id -> (instance, its state setter) until BUILD

    def pop_mark(self) -> list:
        if not self.marks:
            raise CheckpointError(f"{self.name}: corrupt pickle (no MARK on the stack)")
        items, self.stack = self.stack, self.marks.pop()
        return items

    def pop(self):
        if not self.stack:
            raise CheckpointError(f"{self.name}: corrupt pickle (stack underflow)")
        return self.stack.pop()

    def top(self):
        if not self.stack:
            raise CheckpointError(f"{self.name}: corrupt pickle (stack underflow)")
        return self.stack[-1]

    def get(self, index: int):
        if index not in self.memo:
            raise CheckpointError(f"{self.name}: corrupt pickle (memo entry {index} is missing)")
        return self.memo[index]

    def run(self):
        while True:
            code = self.r.take(1)[0]
            handler = _OPS.get(code)
            if handler is None:
                raise CheckpointError(_refusal(code, self.name))
            if handler is _stop:
                return self.pop()
            handler(self)


def _refusal(code: int, name: str) -> str:
    op = chr(code)
    if op in "io\x82\x83\x84":  # INST, OBJ, EXT1, EXT2, EXT4: they call arbitrary classes
        return f"{name}: the pickle uses opcode {op!r}, which would call code: {NEVER_RUNS}"
    return f"{name}: corrupt pickle or unsupported opcode {op!r} (0x{code:02x})"


def _call(m: _Machine, func, args):
    if id(func) in m.values_only:
        raise CheckpointError(f"{m.name}: the pickle calls {func!r:.80}: {NEVER_RUNS}")
    if not callable(func) or isinstance(func, _Mark):
        raise CheckpointError(f"{m.name}: corrupt pickle (REDUCE on a non-callable)")
    if not isinstance(args, tuple):
        raise CheckpointError(f"{m.name}: corrupt pickle (REDUCE arguments are not a tuple)")
    return func(*args)


def _build(m: _Machine) -> None:
    state = m.pop()
    obj = m.top()
    unbuilt = m.unbuilt.pop(id(obj), None)
    if unbuilt is not None and unbuilt[0] is obj:  # an instance NEWOBJ made: its state, once
        unbuilt[1](obj, state)
        return
    setter = getattr(obj, "_checkpoint_build", None)
    if setter is not None:  # NumPy's arrays and dtypes: a placeholder, then BUILD makes the value
        value = setter(state)
        m.stack[-1] = value
        for key in getattr(obj, "memo_keys", ()):  # where the placeholder was memoised
            if m.memo.get(key) is obj:
                m.memo[key] = value
    elif isinstance(state, dict) and type(obj) is OrderedDict:
        for key, value in state.items():  # plain attributes only (a state dict's _metadata)
            if not isinstance(key, str) or key.startswith("__"):
                raise CheckpointError(f"{m.name}: refused BUILD attribute {key!r}")
            obj.__dict__[key] = value
    else:
        raise CheckpointError(f"{m.name}: refused BUILD on {type(obj).__name__}: {NEVER_RUNS}")


def _setitems(m: _Machine, target, items: list) -> None:
    if not isinstance(target, dict) or len(items) % 2:
        raise CheckpointError(f"{m.name}: corrupt pickle (SETITEMS on {type(target).__name__})")
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]


def _appends(m: _Machine, target, items: list) -> None:
    if not isinstance(target, list):
        raise CheckpointError(f"{m.name}: corrupt pickle (APPEND on {type(target).__name__})")
    target.extend(items)


def _stop(m: _Machine) -> None:  # pragma: no cover - run() handles STOP itself
    pass


def _mark(m: _Machine) -> None:
    """MARK: the stack so far is put aside; what follows, up to POP_MARK or a tuple, is new."""
    m.marks.append(m.stack)
    m.stack = []


def _global(m: _Machine, module: str, name: str) -> None:
    found = m.find_global(module, name)
    if isinstance(found, Reference):
        m.values_only[id(found.value)] = found.value
        found = found.value
    m.stack.append(found)


def _stack_global(m: _Machine) -> None:
    name, module = m.pop(), m.pop()
    if not isinstance(module, str) or not isinstance(name, str):
        raise CheckpointError(f"{m.name}: corrupt pickle (STACK_GLOBAL needs two strings)")
    _global(m, module, name)


def _newobj(m: _Machine) -> None:
    args, cls = m.pop(), m.pop()
    obj = _call(m, getattr(cls, "_checkpoint_new", None) or cls, args)
    set_state = getattr(cls, "_checkpoint_set_state", None)
    if set_state is not None:
        m.unbuilt[id(obj)] = (obj, set_state)
    m.stack.append(obj)


def _persid(m: _Machine, pid) -> None:
    if m.persistent_load is None:
        raise CheckpointError(f"{m.name}: corrupt pickle (unexpected persistent id)")
    m.stack.append(m.persistent_load(pid))


def _long(data: memoryview) -> int:
    return int.from_bytes(data, "little", signed=True)


def _bytes_from(m: _Machine, n: int) -> None:
    m.stack.append(m.r.take(n).tobytes())


def _memoize(m: _Machine, index: int) -> None:
    value = m.top()
    m.memo[index] = value
    keys = getattr(value, "memo_keys", None)
    if isinstance(keys, list):  # a NumPy placeholder: BUILD replaces it here too
        keys.append(index)


def _push_marked(m: _Machine, make) -> None:
    """Pop the items above the last MARK and push ``make(items)``."""
    items = m.pop_mark()  # replaces m.stack: look it up only afterwards
    m.stack.append(make(items))


def _tuple_n(m: _Machine, n: int) -> None:
    items = [m.pop() for _ in range(n)]
    m.stack.append(tuple(reversed(items)))


def _append(m: _Machine) -> None:
    item = m.pop()
    _appends(m, m.top(), [item])


def _setitem(m: _Machine) -> None:
    value, key = m.pop(), m.pop()
    _setitems(m, m.top(), [key, value])


def _reduce(m: _Machine) -> None:
    args, func = m.pop(), m.pop()
    m.stack.append(_call(m, func, args))


def _under_mark(m: _Machine) -> tuple:
    items = m.pop_mark()
    return m.top(), items


def _dict_of(m: _Machine, items: list) -> dict:
    out: dict = {}
    _setitems(m, out, items)
    return out


def _add_items(m: _Machine, target, items: list) -> None:
    if not isinstance(target, set):
        raise CheckpointError(f"{m.name}: corrupt pickle (ADDITEMS on {type(target).__name__})")
    target.update(items)


def _field(fmt: str) -> Callable[[_Machine], Any]:
    """A reader of one binary field of the opcode's argument."""
    return lambda m: m.r.unpack(fmt)


def _push(value) -> Callable[[_Machine], None]:
    return lambda m: m.stack.append(value)


# The opcodes read, by code: a table, not logic (a handler per opcode of protocols 0-5).
_OPS: dict[int, Callable[[_Machine], Any]] = {
    code[0]: handler
    for code, handler in {
        b"\x80": lambda m: m.r.take(1),  # PROTO
        b"\x95": lambda m: m.r.take(8),  # FRAME: frames are read as one stream
        b".": _stop,
        b"(": _mark,
        b"0": lambda m: m.pop(),
        b"1": lambda m: m.pop_mark(),
        b"2": lambda m: m.stack.append(m.top()),
        b"N": _push(None),
        b"\x88": _push(True),
        b"\x89": _push(False),
        b"K": lambda m: m.stack.append(_field("<B")(m)),
        b"M": lambda m: m.stack.append(_field("<H")(m)),
        b"J": lambda m: m.stack.append(_field("<i")(m)),
        b"\x8a": lambda m: m.stack.append(_long(m.r.take(_field("<B")(m)))),
        b"\x8b": lambda m: m.stack.append(_long(m.r.take(_field("<i")(m)))),
        b"G": lambda m: m.stack.append(_field(">d")(m)),
        b"X": lambda m: m.stack.append(m.r.text(_field("<I")(m))),
        b"\x8c": lambda m: m.stack.append(m.r.text(_field("<B")(m))),
        b"\x8d": lambda m: m.stack.append(m.r.text(_field("<Q")(m))),
        b"B": lambda m: _bytes_from(m, _field("<I")(m)),
        b"C": lambda m: _bytes_from(m, _field("<B")(m)),
        b"\x8e": lambda m: _bytes_from(m, _field("<Q")(m)),
        b"\x96": lambda m: m.stack.append(bytearray(m.r.take(_field("<Q")(m)))),
        b"}": lambda m: m.stack.append({}),
        b"]": lambda m: m.stack.append([]),
        b")": _push(()),
        b"\x8f": lambda m: m.stack.append(set()),
        b"t": lambda m: _push_marked(m, tuple),
        b"\x85": lambda m: _tuple_n(m, 1),
        b"\x86": lambda m: _tuple_n(m, 2),
        b"\x87": lambda m: _tuple_n(m, 3),
        b"l": lambda m: _push_marked(m, list),
        b"d": lambda m: _push_marked(m, lambda items: _dict_of(m, items)),
        b"\x91": lambda m: _push_marked(m, frozenset),
        b"a": _append,
        b"e": lambda m: _appends(m, *_under_mark(m)),
        b"s": _setitem,
        b"u": lambda m: _setitems(m, *_under_mark(m)),
        b"\x90": lambda m: _add_items(m, *_under_mark(m)),
        b"q": lambda m: _memoize(m, _field("<B")(m)),
        b"r": lambda m: _memoize(m, _field("<I")(m)),
        b"\x94": lambda m: _memoize(m, len(m.memo)),
        b"h": lambda m: m.stack.append(m.get(_field("<B")(m))),
        b"j": lambda m: m.stack.append(m.get(_field("<I")(m))),
        b"c": lambda m: _global(m, m.r.line(), m.r.line()),
        b"\x93": _stack_global,
        b"R": _reduce,
        b"\x81": _newobj,
        b"b": _build,
        b"Q": lambda m: _persid(m, m.pop()),
        b"P": lambda m: _persid(m, m.r.line()),
    }.items()
}


def load_pickle(data, find_global, persistent_load, name: str = "<bytes>", start: int = 0):
    """Interpret the pickle in ``data`` from offset ``start``; returns ``(object, end)``.
    Errors of any kind become ``CheckpointError``.

    Args:
        data: the bytes (any bytes-like object).
        find_global: ``(module, name) -> object`` for GLOBAL opcodes; raises to refuse.
        persistent_load: ``pid -> object`` for persistent ids, or None to refuse them.
        name: the file's name, for messages.
        start: where the pickle begins (a file may hold several one after another).
    """
    m = _Machine(data, find_global, persistent_load, name)
    m.r.pos = start
    try:
        obj = m.run()
        if m.unbuilt:
            raise CheckpointError(f"{name}: corrupt pickle (an instance without its state)")
    except CheckpointError:
        raise
    except (TypeError, ValueError, LookupError, AttributeError, OverflowError, struct.error) as err:
        raise CheckpointError(f"{name}: corrupt pickle ({type(err).__name__}: {err})") from None
    return obj, m.r.pos
