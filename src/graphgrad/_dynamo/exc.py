"""``torch._dynamo.exc``: the compiler's errors.

>>> issubclass(Unsupported, TorchDynamoException)
True
"""

from __future__ import annotations

from ..compile.errors import InvalidBackend, TorchDynamoException, Unsupported

__all__ = ["TorchDynamoException", "Unsupported", "InvalidBackend"]
