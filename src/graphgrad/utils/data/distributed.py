"""``DistributedSampler``: each rank's share of a dataset, the same indices torch gives for the
same arguments (one permutation of graphgrad's generator seeded ``seed + epoch``, padded by
wrapping around, then every ``num_replicas``-th index from ``rank``).

>>> s = DistributedSampler(range(10), num_replicas=3, rank=2, shuffle=False)
>>> list(s), len(s)
([2, 5, 8, 1], 4)
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from . import _rng
from .sampler import Sampler


def _world_default(value: int | None, getter_name: str) -> int:
    if value is not None:
        return value
    from ... import distributed as dist

    if not dist.is_available():
        raise RuntimeError("Requires distributed package to be available")
    return getattr(dist, getter_name)()


class DistributedSampler(Sampler[int]):
    """The indices of ``dataset`` that rank ``rank`` of ``num_replicas`` visits this epoch.

    Parameters: ``dataset`` (sized), ``num_replicas`` and ``rank`` (from the default process
    group if None), ``shuffle`` permute each epoch (seeded ``seed + epoch``), ``seed``,
    ``drop_last`` drop the tail instead of padding so that every rank gets as many indices.
    Call ``set_epoch(epoch)`` before each epoch for a new permutation.

    >>> s = DistributedSampler(range(10), num_replicas=3, rank=1)
    >>> s.set_epoch(1); list(s)
    [6, 0, 3, 5]
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:  # fmt: skip
        num_replicas = _world_default(num_replicas, "get_world_size")
        rank = _world_default(rank, "get_rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.epoch, self.drop_last, self.shuffle, self.seed = 0, drop_last, shuffle, seed
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            from ...random._generator import Generator

            g = Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = _rng.randperm(n, g)
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[: self.total_size]
        else:
            padding = self.total_size - len(indices)
            repeats = math.ceil(padding / len(indices)) if indices else 0
            indices += (indices * repeats)[:padding]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` for the next permutation (all ranks must pass the same value).

        Args:
            epoch: the epoch number, mixed into the shuffle's seed.

        >>> sampler = torch.utils.data.DistributedSampler(range(4), num_replicas=2, rank=0)
        >>> sampler.set_epoch(1); list(sampler)
        [1, 2]
        """
        self.epoch = epoch
