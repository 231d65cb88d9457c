"""``TorchConstant``: the base of PyTorch's named singletons (``torch.strided``,
``torch.channels_last``), which print as ``torch.<name>`` and unpickle as the same object.

>>> class kind(TorchConstant):
...     pass
>>> kind("example")
torch.example
"""

from __future__ import annotations


class TorchConstant:
    """One named object per value, compared with ``is`` or ``==``.

    Args:
        name: its name, as printed after ``torch.``.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickled by name: unpickling gives its module's constant, the same object
