"""``torch.backends.mkldnn``: graphgrad has no oneDNN; ``enabled`` only chooses node names.

PyTorch's CPU build runs a float32 LSTM layer in oneDNN while ``enabled`` is True (its
default), and the layer's output then comes from a ``MkldnnRnnLayerBackward0`` node.
graphgrad computes every layer the same way whatever the flag, and names that node as
PyTorch would: turning the flag off gives ``StackBackward0`` in both (see ``nn.LSTM``).

>>> import graphgrad as torch
>>> torch.backends.mkldnn.enabled, torch.backends.mkldnn.is_available()
(True, False)
>>> with torch.backends.mkldnn.flags(enabled=False):
...     torch.backends.mkldnn.enabled
False
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

enabled = True
deterministic = False


def is_available() -> bool:
    """Whether graphgrad was built with oneDNN (MKL-DNN): never (NumPy does the work).

    >>> import graphgrad as torch
    >>> torch.backends.mkldnn.is_available()
    False
    """
    return False


@contextmanager
def flags(enabled: bool = False, deterministic: bool = False) -> Iterator[None]:
    """Set ``enabled`` and ``deterministic`` inside the ``with`` block, then restore them.

    Args:
        enabled: the value of ``enabled`` inside the block (False by default, as in PyTorch).
        deterministic: the value of ``deterministic`` inside the block.

    >>> import graphgrad as torch
    >>> with torch.backends.mkldnn.flags(enabled=False):
    ...     out, _ = torch.nn.LSTM(2, 3)(torch.ones(4, 1, 2))
    >>> out.grad_fn.name()
    'StackBackward0'
    """
    flag = globals()  # the parameters hide the flags' global names
    saved = {"enabled": flag["enabled"], "deterministic": flag["deterministic"]}
    flag.update(enabled=enabled, deterministic=deterministic)
    try:
        yield
    finally:
        flag.update(saved)
