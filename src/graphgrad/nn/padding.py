"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad in
1d, 2d and 3d, each ``F.pad`` with a fixed ``padding``.

>>> import graphgrad as torch
>>> torch.nn.ZeroPad2d(1), torch.nn.ConstantPad1d((1, 2), 3.5)
(ZeroPad2d((1, 1, 1, 1)), ConstantPad1d(padding=(1, 2), value=3.5))
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .module import Module


class _Pad(Module):
    """``padding``: an int for every side, or a tuple of (left, right) pairs."""

    mode = "constant"
    dims = 1

    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, int):
            padding = (padding,) * (2 * self.dims)
        self.padding = tuple(padding)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_ConstantPad):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _layer(name: str, base: type, mode: str, dims: int) -> type:
    value = base is _ConstantPad
    shape = ", ".join(["1", "1"] + ["2"] * dims)
    doc = (
        f"``F.pad(input, padding, {mode!r})`` over the last {dims} dim(s), as a layer.\n\n"
        "Args:\n"
        f"    padding: an int for every side, or {2 * dims} ints: (left, right) pairs, the last "
        "dimension first.\n"
        + ("    value: the value written into the padding.\n" if value else "")
        + f"\n>>> torch.nn.{name}(1{', 0.5' if value else ''})(torch.ones({shape})).shape\n"
        f"torch.Size([{', '.join(['1', '1'] + ['4'] * dims)}])\n"
    )
    cls = type(name, (base,), {"mode": mode, "dims": dims, "__doc__": doc})
    cls.__module__ = __name__
    return cls


ZeroPad1d, ZeroPad2d, ZeroPad3d = (
    _layer(f"ZeroPad{d}d", _ZeroPad, "constant", d) for d in (1, 2, 3)
)
ConstantPad1d, ConstantPad2d, ConstantPad3d = (
    _layer(f"ConstantPad{d}d", _ConstantPad, "constant", d) for d in (1, 2, 3)
)
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (
    _layer(f"ReflectionPad{d}d", _Pad, "reflect", d) for d in (1, 2, 3)
)
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (
    _layer(f"ReplicationPad{d}d", _Pad, "replicate", d) for d in (1, 2, 3)
)
CircularPad1d, CircularPad2d, CircularPad3d = (
    _layer(f"CircularPad{d}d", _Pad, "circular", d) for d in (1, 2, 3)
)

__all__ = [
    f"{kind}Pad{d}d"
    for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")
    for d in (1, 2, 3)
]
