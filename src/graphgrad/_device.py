"""Devices and the array module each one computes with (NumPy for ``cpu``)."""

from __future__ import annotations

import numpy as np


class device:  # noqa: N801 - PyTorch's public name
    """Where a tensor lives: ``device('cpu')``; ``cuda`` needs the optional CuPy backend.

    >>> device("cpu")
    device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, _, idx = type.partition(":")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                "Expected one of cpu, cuda device type at start of device string: " + type
            )
        self.type = type
        self.index = index

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def array_module(dev: device):
    """The NumPy-compatible module that computes on ``dev``."""
    if dev.type == "cpu":
        return np
    try:
        import cupy  # optional GPU extra
    except ImportError:
        raise RuntimeError(
            "Torch not compiled with CUDA enabled (install graphgrad[gpu] for CuPy)"
        ) from None
    return cupy
