"""``torch.backends.cpu``: the vector instructions graphgrad's kernels use are NumPy's.

>>> import graphgrad as torch
>>> isinstance(torch.backends.cpu.get_cpu_capability(), str)
True
"""

import numpy as np


def get_cpu_capability() -> str:
    """The widest SIMD level NumPy dispatches to on this CPU, in PyTorch's spelling.

    PyTorch answers ``"DEFAULT"``, ``"AVX2"`` or ``"AVX512"``; graphgrad answers the same
    for the level NumPy found (its ``__cpu_features__``).

    >>> import graphgrad as torch
    >>> torch.backends.cpu.get_cpu_capability() in ("DEFAULT", "AVX2", "AVX512")
    True
    """
    # NumPy's own table of the CPU's features; its stubs do not describe the private module
    features = np._core._multiarray_umath.__cpu_features__  # type: ignore[attr-defined]
    if features.get("AVX512F") and features.get("AVX512BW"):
        return "AVX512"
    return "AVX2" if features.get("AVX2") else "DEFAULT"
