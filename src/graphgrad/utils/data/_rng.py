"""Random permutations for shuffling, from graphgrad's generator (PyTorch's stream when
``graphgrad.random`` provides ``randperm``; a NumPy stream only as a stopgap without it).

>>> perm = randperm(5, None)
>>> sorted(perm)
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

import numpy as np

_fallback = np.random.default_rng()


def _graphgrad():
    import graphgrad

    return graphgrad


def fresh_generator():
    """What RandomSampler uses without a generator: one seeded from the default generator."""
    g = _graphgrad()
    if not hasattr(g, "Generator"):
        return None
    from ...dtypes import int64

    seed_tensor = g.empty((), dtype=int64)
    if hasattr(seed_tensor, "random_"):
        seed = int(seed_tensor.random_().item())
    else:
        seed = int(g.randint(0, 2**62, (1,)).item())
    gen = g.Generator()
    gen.manual_seed(seed)
    return gen


def randperm(n: int, generator) -> list[int]:
    g = _graphgrad()
    if hasattr(g, "randperm"):
        if generator is None:
            return g.randperm(n).tolist()
        return g.randperm(n, generator=generator).tolist()
    return _fallback.permutation(n).tolist()


def randint(high: int, size: int, generator) -> list[int]:
    g = _graphgrad()
    if hasattr(g, "randint"):
        return g.randint(0, high, (size,), generator=generator).tolist()
    return _fallback.integers(0, high, size).tolist()
