"""The errors of ``graphgrad.compile``, as ``torch._dynamo.exc`` names them.

>>> issubclass(Unsupported, TorchDynamoException), issubclass(InvalidBackend, RuntimeError)
(True, True)
"""

from __future__ import annotations


class TorchDynamoException(RuntimeError):  # noqa: N818 - PyTorch's name
    """The base of the compiler's errors (``torch._dynamo.exc.TorchDynamoException``)."""


class Unsupported(TorchDynamoException):  # noqa: N818 - torch._dynamo.exc.Unsupported
    """What ``graphgrad.compile(fullgraph=True)`` raises where a call cannot be recorded whole
    (PyTorch raises ``torch._dynamo.exc.Unsupported`` there)."""


class InvalidBackend(TorchDynamoException):
    """A ``backend=`` name that is not one of ``list_backends(exclude_tags=())``."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for available "
            "backends."
        )
