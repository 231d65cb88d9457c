"""What the drawing code reads of the objects it draws, as Protocols for the type checker.

The drawings take graphgrad's tensors and backward nodes or PyTorch's (torchviz's contract), and
write into graphgrad's ``Graph`` or graphviz's ``Digraph``: they are duck-typed, so each kind is
named here by the attributes it is read through, not by a class.
"""

from __future__ import annotations

from typing import Any, Protocol


class Shaped(Protocol):
    """Anything with a tensor's ``shape``."""

    @property
    def shape(self) -> Any: ...


class TensorLike(Shaped, Protocol):
    """A tensor, graphgrad's or PyTorch's."""

    @property
    def grad_fn(self) -> Any: ...

    @property
    def dtype(self) -> Any: ...

    @property
    def requires_grad(self) -> bool: ...

    @property
    def grad(self) -> Any: ...

    @property
    def _base(self) -> Any: ...

    def _is_view(self) -> bool: ...

    def detach(self) -> Any: ...


class NodeLike(Protocol):
    """A backward node, graphgrad's or PyTorch's."""

    @property
    def next_functions(self) -> Any: ...  # ((node or None, output number), ...)

    def name(self) -> str: ...


class AccumulatorLike(NodeLike, Protocol):
    """A leaf's AccumulateGrad node."""

    @property
    def variable(self) -> TensorLike: ...


class CustomNodeLike(NodeLike, Protocol):
    """The node of a custom autograd Function."""

    @property
    def saved_tensors(self) -> tuple: ...


class GraphLike(Protocol):
    """graphgrad's ``Graph`` or graphviz's ``Digraph``: DOT statements and graph attributes."""

    graph_attr: dict
    body: list[str]


class RendererLike(Protocol):
    """An in-process Graphviz that a render can interrupt (``_wasm.WasmGraphviz``)."""

    def render(self, source: str, fmt: str, engine: str) -> bytes: ...

    def interrupt(self) -> bool: ...
