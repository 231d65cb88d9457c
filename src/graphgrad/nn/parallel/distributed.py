"""``DistributedDataParallel``: one model replica a rank, gradients averaged across ranks during
``backward()`` so that every replica takes the same optimizer step.

At construction it checks that every rank has the same parameters (count, shapes, dtypes) and
broadcasts rank 0's parameters and buffers. Each synced forward re-broadcasts the buffers
(``broadcast_buffers``) and readies the bucketed reducer, whose hooks all-reduce each bucket of
gradients as soon as backward has produced them all.

>>> import graphgrad as torch
>>> torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: Default process group has not been initialized, ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np

from ... import distributed as dist
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...compile._flag import state as _compile_state
from ...distributed._group import resolve
from ...tensor import Tensor
from ..module import Module
from ._reducer import Reducer

_COMPILED_DDP = (
    "DistributedDataParallel's forward (its reducer is prepared for backward in Python at each "
    "call; compile the module inside it instead: DDP(torch.compile(model)))"
)


def _tensors_in(value) -> list[Tensor]:
    """The tensors in a forward's output (nested tuples, lists and dicts), for the graph search."""
    found, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Tensor):
            found.append(v)
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return found


def _broadcast_coalesced(tensors: list[Tensor], pg, src: int = 0) -> None:
    """Broadcast ``tensors`` from ``src`` with one message per dtype."""
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for group in by_dtype.values():
        flat = Tensor._make(np.concatenate([t._data.ravel() for t in group]))
        dist.broadcast(flat, src, group=pg)
        offset = 0
        for t in group:
            t._data[...] = flat._data[offset : offset + t._data.size].reshape(t._data.shape)
            offset += t._data.size


def _verify_same_model(params: Sequence[Tensor], pg) -> None:
    """torch's check that every rank built the same model, before anything is broadcast."""
    mine = [(tuple(p.shape), str(p.dtype)) for p in params]
    everyone: list = [None] * pg.size()  # each rank's ``mine``, once gathered
    dist.all_gather_object(everyone, mine, group=pg)
    for rank, theirs in enumerate(everyone):
        if len(theirs) != len(mine):
            raise RuntimeError(
                f"DDP expects same model across all ranks, but Rank {pg.rank()} has "
                f"{len(mine)} params, while rank {rank} has inconsistent {len(theirs)} params."
            )
        for i, (a, b) in enumerate(zip(mine, theirs)):
            if a != b:
                raise RuntimeError(
                    f"params[{i}] in this process with sizes {list(a[0])} ({a[1]}) appears not "
                    f"to match sizes of the same param in process {rank} ({list(b[0])}, {b[1]})."
                )


class DistributedDataParallel(Module):
    """Data parallelism across the ranks of a process group (torch's DDP, on MPI, for CPUs).

    Parameters: ``module`` the model; ``broadcast_buffers`` re-send rank 0's buffers at each
    forward (default True); ``process_group`` (default group if None); ``bucket_cap_mb``
    bucket size in MiB (default 25); ``find_unused_parameters`` search each forward's graph
    for parameters it does not use, so that their absence does not stall the reduction;
    ``init_sync`` broadcast rank 0's state at construction (default True). ``device_ids``,
    ``output_device`` and ``dim`` must stay at their CPU defaults; ``gradient_as_bucket_view``
    and ``static_graph`` are accepted and change nothing.

    >>> import graphgrad as torch, graphgrad.distributed as dist
    >>> dist.init_process_group("gloo")  # doctest: +SKIP
    >>> ddp = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 1))  # doctest: +SKIP
    >>> list(ddp.state_dict())  # doctest: +SKIP
    ['module.weight', 'module.bias']
    """

    def __init__(
        self,
        module: Module,
        device_ids=None,
        output_device=None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        init_sync: bool = True,
        process_group=None,
        bucket_cap_mb: float | None = None,
        find_unused_parameters: bool = False,
        check_reduction: bool = False,
        gradient_as_bucket_view: bool = False,
        static_graph: bool = False,
    ) -> None:
        super().__init__()
        pg = resolve(process_group)
        if device_ids not in (None, []) or output_device is not None:
            raise ValueError("graphgrad's DistributedDataParallel runs on CPUs: device_ids=None")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any "
                "parameter that requires a gradient."
            )
        self.module = module
        self.process_group = pg
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024**2)
        _verify_same_model(params, pg)
        if init_sync:
            with no_grad():
                _broadcast_coalesced(list(module.parameters()) + list(module.buffers()), pg)
        self.reducer = Reducer(params, pg, self.bucket_bytes_cap, find_unused_parameters)

    def forward(self, *inputs, **kwargs):
        rec = _compile_state.recorder
        if rec is not None:  # torch.compile(DDP(model)): a replay would skip the reducer's
            rec.stop(_COMPILED_DDP)  # preparation and freeze no_sync's flag: run eagerly
        if self.broadcast_buffers and self.require_forward_param_sync:
            buffers = list(self.module.buffers())
            if buffers:
                with no_grad():
                    _broadcast_coalesced(buffers, self.process_group)
        output = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            self.reducer.prepare(_tensors_in(output))
        return output

    @contextlib.contextmanager
    def no_sync(self):
        """Within it, backward accumulates gradients locally; the first synced backward after
        it averages the accumulated gradients.

        >>> import graphgrad as torch
        >>> # with ddp.no_sync(): ddp(x).sum().backward()
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old
