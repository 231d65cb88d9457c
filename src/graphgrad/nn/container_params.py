"""Containers of parameters: ``nn.ParameterList`` and ``nn.ParameterDict``.

Each entry is an attribute of the container named by its index or key, so tensors become
registered parameters (``state_dict`` keys ``"0"``, ``"1"``... or the dict's keys) and other
objects are kept as plain attributes, as in PyTorch.

>>> import graphgrad as torch
>>> torch.nn.ParameterList([torch.ones(2), torch.zeros(3, 4)])
ParameterList(
    (0): Parameter containing: [torch.float32 of size 2]
    (1): Parameter containing: [torch.float32 of size 3x4]
)
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

from ..tensor import Tensor
from .module import Module, _typename
from .parameter import Parameter


def _as_parameter(value):
    """A plain tensor becomes a Parameter (requiring grad); anything else is kept as it is."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _entry_line(key, value, dtype_name) -> str:
    """One line of the containers' repr: a tensor's kind, dtype and size, or an object's type."""
    if not isinstance(value, Tensor):
        return f"  ({key}): Object of type: {type(value).__name__}"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    size = "x".join(str(n) for n in value.shape)
    return f"  ({key}): {kind} containing: [{dtype_name(value)} of size {size}]"


class ParameterList(Module):
    """A list of parameters, indexed like a Python list; tensors put in it become Parameters.

    Args:
        values: an iterable of the initial entries (tensors or other objects), or ``None``.

    >>> params = torch.nn.ParameterList([torch.ones(2)])
    >>> params.append(torch.zeros(3))
    ParameterList(
        (0): Parameter containing: [torch.float32 of size 2]
        (1): Parameter containing: [torch.float32 of size 3]
    )
    >>> [name for name, _ in params.named_parameters()]
    ['0', '1']
    """

    def __init__(self, values: Iterable | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _absolute_index(self, idx) -> str:
        idx = operator.index(idx)
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range")
        return str(idx % len(self))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            out = type(self)()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        return getattr(self, self._absolute_index(idx))

    def __setitem__(self, idx, value) -> None:
        setattr(self, self._absolute_index(idx), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable) -> ParameterList:
        return self.extend(values)

    def __dir__(self):
        return [key for key in super().__dir__() if not key.isdigit()]

    def append(self, value) -> ParameterList:
        """Add ``value`` at the end (a tensor becomes a Parameter). Returns the list.

        Args:
            value: the entry to add.

        >>> len(torch.nn.ParameterList().append(torch.ones(1)))
        1
        """
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable) -> ParameterList:
        """Append every entry of ``values``. Returns the list.

        Args:
            values: an iterable of entries (not a single tensor).

        >>> len(torch.nn.ParameterList().extend([torch.ones(1), torch.ones(2)]))
        2
        """
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(
                "ParameterList.extend should be called with an iterable, but got "
                + type(values).__name__
            )
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        """One line per entry: ``Parameter containing: [dtype of size AxB]`` or its type.

        >>> torch.nn.ParameterList([torch.ones(2)]).extra_repr()
        '  (0): Parameter containing: [torch.float32 of size 2]'
        """
        return "\n".join(_entry_line(i, p, lambda t: t.dtype) for i, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """A dict of parameters with string keys, in insertion order; tensors put in it become
    Parameters.

    Args:
        parameters: a mapping or an iterable of ``(key, value)`` pairs, or ``None``. A plain
            dict's entries are added in sorted key order (an ``OrderedDict``'s in its order).

    >>> params = torch.nn.ParameterDict({"scale": torch.ones(2), "shift": torch.zeros(2)})
    >>> params
    ParameterDict(
        (scale): Parameter containing: [torch.FloatTensor of size 2]
        (shift): Parameter containing: [torch.FloatTensor of size 2]
    )
    >>> params["scale"]
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __init__(self, parameters=None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _attr(key) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}'). Open an issue on github if you need "
                "non-string keys."
            )
        return key

    def __getitem__(self, key: str):
        return getattr(self, self._attr(key))

    def __setitem__(self, key: str, value) -> None:
        self._keys[key] = None
        setattr(self, self._attr(key), _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key) -> bool:
        return key in self._keys

    def keys(self):
        """The keys, in order.

        >>> list(torch.nn.ParameterDict({"w": torch.ones(1)}).keys())
        ['w']
        """
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, object]]:
        """The ``(key, value)`` pairs, in order.

        >>> [k for k, _ in torch.nn.ParameterDict({"w": torch.ones(1)}).items()]
        ['w']
        """
        return ((k, self[k]) for k in self._keys)

    def values(self) -> Iterator:
        """The values, in order.

        >>> [v.shape for v in torch.nn.ParameterDict({"w": torch.ones(1)}).values()]
        [torch.Size([1])]
        """
        return (self[k] for k in self._keys)

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same parameters (not copies of them).

        >>> d = torch.nn.ParameterDict({"w": torch.ones(1)})
        >>> d.copy()["w"] is d["w"]
        True
        """
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def get(self, key: str, default=None):
        """The value at ``key``, or ``default`` when there is none.

        Args:
            key: the key.
            default: what to return for a missing key.

        >>> torch.nn.ParameterDict().get("w", 0)
        0
        """
        return self[key] if key in self else default

    def setdefault(self, key: str, default=None):
        """The value at ``key``, after setting it to ``default`` if it was missing.

        Args:
            key: the key.
            default: the value to insert for a missing key.

        >>> torch.nn.ParameterDict().setdefault("w", torch.ones(1)).requires_grad
        True
        """
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str):
        """Remove ``key`` and return its value.

        Args:
            key: the key.

        >>> d = torch.nn.ParameterDict({"w": torch.ones(1)})
        >>> _ = d.pop("w")
        >>> len(d)
        0
        """
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, object]:
        """Remove the last inserted entry and return it as ``(key, value)``.

        >>> torch.nn.ParameterDict({"w": torch.ones(1)}).popitem()[0]
        'w'
        """
        key = next(reversed(self._keys)) if self._keys else None
        if key is None:
            raise KeyError("popitem(): dictionary is empty")
        return key, self.pop(key)

    def clear(self) -> None:
        """Remove every entry.

        >>> d = torch.nn.ParameterDict({"w": torch.ones(1)})
        >>> d.clear()
        >>> len(d)
        0
        """
        for key in list(self._keys):
            del self[key]

    def fromkeys(self, keys: Iterable[str], default=None) -> ParameterDict:
        """A new ParameterDict with each of ``keys`` set to ``default``.

        Args:
            keys: the keys.
            default: the value of every key.

        >>> list(torch.nn.ParameterDict().fromkeys(["a", "b"], torch.ones(1)))
        ['a', 'b']
        """
        return ParameterDict((k, default) for k in keys)

    def update(self, parameters) -> None:
        """Add or overwrite entries from a mapping or an iterable of ``(key, value)`` pairs
        (a plain dict's in sorted key order).

        Args:
            parameters: the entries.

        >>> d = torch.nn.ParameterDict()
        >>> d.update({"b": torch.ones(1), "a": torch.ones(1)})
        >>> list(d)
        ['a', 'b']
        """
        if not isinstance(parameters, Iterable):
            raise TypeError(
                "ParametersDict.update should be called with an iterable of key/value pairs, "
                "but got " + type(parameters).__name__
            )
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs: Iterable = parameters.items()
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = [_checked_pair(j, pair) for j, pair in enumerate(parameters)]
        for key, value in pairs:
            self[key] = value

    def extra_repr(self) -> str:
        """One line per entry: ``Parameter containing: [torch.FloatTensor of size N]`` or its
        type.

        >>> torch.nn.ParameterDict({"w": torch.ones(2)}).extra_repr()
        '  (w): Parameter containing: [torch.FloatTensor of size 2]'
        """
        return "\n".join(_entry_line(k, p, _typename) for k, p in self.items())

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other: ParameterDict) -> ParameterDict:
        out = self.copy()
        out.update(other)
        return out

    def __ror__(self, other: ParameterDict) -> ParameterDict:
        out = other.copy()
        out.update(self)
        return out

    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self


def _checked_pair(j: int, pair) -> tuple:
    if not isinstance(pair, Iterable):
        raise TypeError(
            f"ParameterDict update sequence element #{j} should be Iterable; is"
            + type(pair).__name__
        )
    pair = tuple(pair)
    if len(pair) != 2:
        raise ValueError(
            f"ParameterDict update sequence element #{j} has length {len(pair)}; 2 is required"
        )
    return pair
