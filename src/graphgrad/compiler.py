"""``torch.compiler``: the compiler's public controls, over ``graphgrad.compile``.

``compile`` records a call once and replays it (docs/compile.md); ``reset`` forgets every
recording; ``disable`` keeps a function eager; ``set_stance`` switches compiled callables to
eager, or forbids recording again; ``is_compiling`` says whether a call is being recorded. The
hints that steer PyTorch's tracer (``allow_in_graph``, ``assume_constant_result``,
``cudagraph_mark_step_begin``) change nothing in a recording and are accepted as they are.

>>> import graphgrad as torch
>>> torch.compiler.list_backends()
['cudagraphs', 'inductor', 'openxla', 'tvm']
>>> torch.compiler.is_compiling()
False
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .compile.api import (
    _ALL_BACKENDS,
    BACKENDS,
    compile,  # noqa: A004 - torch.compiler.compile
    disable,
    is_compiling,
    reset,
    set_stance,
)

__all__ = [
    "compile", "reset", "disable", "set_stance", "is_compiling", "is_dynamo_compiling",
    "is_exporting", "allow_in_graph", "assume_constant_result", "list_backends",
    "get_default_backend", "cudagraph_mark_step_begin",
]  # fmt: skip


def is_dynamo_compiling() -> bool:
    """Like ``is_compiling``: graphgrad records with one tracer.

    >>> is_dynamo_compiling()
    False
    """
    return is_compiling()


def is_exporting() -> bool:
    """False: graphgrad has no ``torch.export``.

    >>> is_exporting()
    False
    """
    return False


def allow_in_graph(fn: Callable) -> Callable:
    """``fn`` itself: a recording already records whatever ``fn`` runs.

    >>> allow_in_graph(len) is len
    True
    """
    return fn


def assume_constant_result(fn: Callable) -> Callable:
    """``fn`` itself: a recording reads Python values as PyTorch's tracer does with this hint
    (a value read from a closure is a constant of the recording; docs/compile.md).

    >>> assume_constant_result(len) is len
    True
    """
    return fn


def list_backends(exclude_tags: Sequence[str] | None = ("debug", "experimental")) -> list[str]:
    """The ``backend=`` names ``compile`` accepts (PyTorch 2.13's); by default without those
    PyTorch tags debug or experimental. graphgrad has one backend: every name records and
    replays alike.

    >>> "eager" in list_backends(exclude_tags=())
    True
    """
    return sorted(BACKENDS if exclude_tags else _ALL_BACKENDS)


def get_default_backend() -> str:
    """``"inductor"``, as in PyTorch.

    >>> get_default_backend()
    'inductor'
    """
    return "inductor"


def cudagraph_mark_step_begin() -> None:
    """Nothing to do: graphgrad has no CUDA graphs.

    >>> cudagraph_mark_step_begin()
    """
