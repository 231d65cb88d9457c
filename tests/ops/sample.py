"""What a primitive's generated tests need: how to reach it from the public API, and where.

Each ``samples_<module>.py`` here defines ``SAMPLES: dict[str, list[Sample]]`` keyed by the
primitive's registry name. ``fn(T, *inputs)`` calls the op through module ``T`` (graphgrad, or
torch in the parity tests), so one sample serves every generated test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Sample:
    fn: Callable
    shapes: tuple = ((3, 4),)
    ref: Callable | None = None  # the forward in NumPy, on float64 arrays
    low: float = -2.0
    high: float = 2.0
    make: Callable | None = None  # rng -> list of float64 arrays, for special domains
    gradgrad: bool = True
    parity: bool = True  # compare with torch (values, gradients, node name)
    node: str | None = None  # the top node's name when it is not the primitive's own
    extra: dict = field(default_factory=dict)

    def arrays(self, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        if self.make is not None:
            return [np.asarray(a, np.float64) for a in self.make(rng)]
        return [rng.uniform(self.low, self.high, s) for s in self.shapes]


def away_from(values, points=(0.0,), gap: float = 0.1):
    """Move values that sit within ``gap`` of a kink (0 for abs/relu) away from it."""
    out = np.array(values)
    for p in points:
        near = np.abs(out - p) < gap
        out[near] = p + np.where(out[near] >= p, gap, -gap)
    return out
