"""``torch.random``: the default generator, seeds and states, and the random tensor functions.

* ``draws``: the default generator, seeding and state, and rand, randn, randint, randperm,
  normal, bernoulli and their ``_like`` / in-place forms;
* ``fills``: multinomial and the other in-place fills (random_, exponential_, cauchy_...);
* ``_generator``: ``Generator``, PyTorch's CPU streams bit for bit; ``_mt19937`` its engine;
  ``_normal`` / ``_normal_small``: PyTorch's normal kernels, replayed.

>>> import graphgrad as torch
>>> torch.random.manual_seed(0) is torch.random.default_generator
True
>>> torch.random.initial_seed()
0
"""

from __future__ import annotations

from .draws import (
    Generator,
    bernoulli,
    bernoulli_,
    default_generator,
    fork_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    normal,
    normal_,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
    uniform_,
)

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "fork_rng", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
    "rand_like", "randn_like", "randint_like", "uniform_", "normal_", "bernoulli_",
]  # fmt: skip
