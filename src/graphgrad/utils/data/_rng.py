"""The random draws of the samplers and the DataLoader, from graphgrad's generators, which
give PyTorch's CPU streams bit for bit: same seed, same batches.

>>> import graphgrad as torch
>>> _ = torch.manual_seed(0)
>>> randperm(5, None)
[4, 0, 1, 3, 2]
"""

from __future__ import annotations

from ...random.draws import Generator, default_generator
from ...random.draws import randint as _randint
from ...random.draws import randperm as _randperm


def base_seed(generator: Generator | None) -> int:
    """The seed PyTorch's DataLoader iterator draws when it starts: one int64 ``random_()``
    (a 64-bit word modulo 2**63) from ``generator``, or from the default generator."""
    gen = default_generator if generator is None else generator
    return int(gen.randint_array(0, 2**63, ()))


def fresh_generator() -> Generator:
    """What RandomSampler uses without a generator: one seeded from the default generator."""
    gen = Generator()
    gen.manual_seed(base_seed(None))
    return gen


def randperm(n: int, generator: Generator | None) -> list[int]:
    """``randperm(n, generator=generator).tolist()``."""
    return _randperm(n, generator=generator).tolist()


def randint(high: int, size: int, generator: Generator | None) -> list[int]:
    """``randint(0, high, (size,), generator=generator).tolist()``."""
    return _randint(0, high, (size,), generator=generator).tolist()
