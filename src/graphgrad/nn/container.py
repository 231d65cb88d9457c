"""Containers: Sequential, ModuleList, ModuleDict.

>>> import graphgrad as torch
>>> torch.nn.Sequential(torch.nn.Linear(10, 5), torch.nn.ReLU())
Sequential(
  (0): Linear(in_features=10, out_features=5, bias=True)
  (1): ReLU()
)
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping

from .module import Module, _addindent


def _index(idx, size: int) -> int:
    idx = operator.index(idx)
    if not -size <= idx < size:
        raise IndexError(f"index {idx} is out of range")
    return idx % size


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children named ``0, 1, ...`` in order."""

    def __delitem__(self, idx) -> None:
        values = list(self._modules.values())
        del values[idx if isinstance(idx, slice) else _index(idx, len(values))]
        self._renumber(values)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module):
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index: int, module: Module) -> None:
        values = list(self._modules.values())
        values.insert(index, module)
        self._renumber(values)

    def _renumber(self, values: list) -> None:
        self._modules.clear()
        for i, m in enumerate(values):
            self.add_module(str(i), m)


class Sequential(_ModuleSequence):
    """Run modules one after another, each on the previous one's output.

    Args:
        args: the modules in order, or one ``OrderedDict`` of named modules.

    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=2, bias=True)
      (1): ReLU()
    )
    >>> net(torch.ones(3, 2)).shape
    torch.Size([3, 2])
    """

    def __init__(self, *args) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self))]

    def __setitem__(self, idx, module: Module) -> None:
        key = list(self._modules)[_index(idx, len(self))]
        self.add_module(key, module)

    def extend(self, modules: Iterable[Module]) -> Sequential:
        """Append every module of ``modules``. Returns the Sequential.

        Args:
            modules: an iterable of modules.

        >>> len(torch.nn.Sequential(torch.nn.ReLU()).extend([torch.nn.Tanh(), torch.nn.ReLU()]))
        3
        """
        for m in modules:
            self.append(m)
        return self

    # torch's Sequential.insert returns the Sequential, its ModuleList.insert None
    def insert(self, index: int, module: Module) -> Sequential:  # type: ignore[override]
        """Insert ``module`` before position ``index``. Returns the Sequential.

        Args:
            index: the position (negative counts from the end).
            module: the module.

        >>> torch.nn.Sequential(torch.nn.ReLU()).insert(0, torch.nn.Tanh())
        Sequential(
          (0): Tanh()
          (1): ReLU()
        )
        """
        super().insert(index, module)
        return self

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the parent module sees (a plain list would hide them).

    Args:
        modules: the initial modules.

    >>> layers = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self)))]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(idx, len(self))), module)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList(list(self) + list(other))

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``. Returns the ModuleList.

        Args:
            modules: an iterable of modules.

        >>> len(torch.nn.ModuleList([torch.nn.ReLU()]).extend([torch.nn.Tanh()]))
        2
        """
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError(
                "ModuleList.extend should be called with an iterable, but got "
                + type(modules).__name__
            )
        for m in list(modules):
            self.append(m)
        return self

    def __repr__(self) -> str:
        """Runs of identical children collapse, as PyTorch prints them: ``(0-1): 2 x ReLU()``."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return f"{self._get_name()}()"
        lines, start = [], 0
        for i in range(1, len(reprs) + 1):
            if i < len(reprs) and reprs[i] == reprs[start]:
                continue
            text = _addindent(reprs[start], 2)
            if i - start == 1:
                lines.append(f"({start}): {text}")
            else:
                lines.append(f"({start}-{i - 1}): {i - start} x {text}")
            start = i
        return f"{self._get_name()}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """An ordered dict of modules whose parameters the parent module sees.

    Args:
        modules: a mapping or an iterable of ``(name, module)`` pairs.

    >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
    >>> d["act"]
    ReLU()
    """

    def __init__(self, modules: Mapping | Iterable | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> d.clear()
        >>> len(d)
        0
        """
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it.

        Args:
            key: the name.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> d.pop("out"), list(d)
        (Tanh(), ['act'])
        """
        return self._modules.pop(key)

    def keys(self):
        """The names, in order.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> list(d.keys())
        ['act', 'out']
        """
        return self._modules.keys()

    def items(self):
        """The ``(name, module)`` pairs, in order.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> [(name, type(m).__name__) for name, m in d.items()]
        [('act', 'ReLU'), ('out', 'Tanh')]
        """
        return self._modules.items()

    def values(self):
        """The modules, in order.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> list(d.values())
        [ReLU(), Tanh()]
        """
        return self._modules.values()

    def update(self, modules: Mapping | Iterable) -> None:
        """Add or replace modules from ``modules``.

        Args:
            modules: a mapping or an iterable of ``(name, module)`` pairs.

        >>> d = torch.nn.ModuleDict({"act": torch.nn.ReLU(), "out": torch.nn.Tanh()})
        >>> d.update({"act": torch.nn.Sigmoid()})
        >>> d["act"]
        Sigmoid()
        """
        items = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in items:
            self[key] = module
