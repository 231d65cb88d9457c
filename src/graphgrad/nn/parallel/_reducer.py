"""DDP's gradient reducer: parameters grouped in buckets, each bucket all-reduced (non-blocking)
as soon as every gradient in it has been accumulated during backward, as torch's Reducer does.

Buckets are filled from the last parameter back (backward produces those gradients first),
one dtype a bucket, the first capped at 1 MiB and the others at ``bucket_cap_mb``. Buckets are
launched strictly in order, so every rank starts the same MPI collectives in the same order
whatever order its hooks fire in. The last bucket's launch waits for all of them and writes
the averaged gradients back into ``param.grad`` (in place when it exists).

>>> bucket_indices([4, 4, 4], [8, 8, 8], 8)
[[2, 1], [0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...autograd.node import AccumulateGrad, grad_accumulator
from ...distributed._mpi import mpi
from ...distributed._work import wait_all
from ...tensor import Tensor

FIRST_BUCKET_BYTES = 1024 * 1024  # torch's dist._DEFAULT_FIRST_BUCKET_BYTES


def bucket_indices(nbytes: list[int], dtype_keys: list, cap_bytes: int) -> list[list[int]]:
    """Parameter indices per bucket: from the last parameter back, one dtype a bucket, the
    first bucket closed at ``min(1 MiB, cap_bytes)`` bytes and the others at ``cap_bytes``."""
    buckets: list[list[int]] = []
    open_: dict = {}  # dtype key -> [indices, bytes] of the bucket being filled
    for i in reversed(range(len(nbytes))):
        key = dtype_keys[i]
        bucket = open_.setdefault(key, [[], 0])
        bucket[0].append(i)
        bucket[1] += nbytes[i]
        limit = min(FIRST_BUCKET_BYTES, cap_bytes) if not buckets else cap_bytes
        if bucket[1] >= limit:
            buckets.append(bucket[0])
            del open_[key]
    buckets.extend(b[0] for b in open_.values())
    return buckets


def reachable_leaves(outputs: list[Tensor]) -> set[int]:
    """ids of the leaf tensors whose gradients backward from ``outputs`` would compute."""
    seen, leaves = set(), set()
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    stack += [grad_accumulator(t) for t in outputs if t.grad_fn is None and t.requires_grad]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            leaves.add(id(node.variable))
            continue
        stack.extend(fn for fn, _ in node.next_functions)
    return leaves


class Reducer:
    """Averages the gradients of ``params`` over ``pg`` during backward (see module doc).

    Parameters: ``params`` the parameters that require grad, ``pg`` the process group,
    ``cap_bytes`` the bucket size, ``find_unused`` search the graph for unused parameters.
    """

    ready: list[bool]  # per parameter, set by prepare()

    def __init__(self, params: Sequence[Tensor], pg, cap_bytes: int, find_unused: bool) -> None:
        self.params, self.pg, self.find_unused = params, pg, find_unused
        nbytes = [p._data.nbytes for p in params]
        self.buckets = bucket_indices(nbytes, [p.dtype for p in params], cap_bytes)
        self.bucket_of = {i: b for b, idx in enumerate(self.buckets) for i in idx}
        self.expect_hooks = False  # a synced forward ran: this backward's grads get reduced
        self.started = False  # a hook fired since; the reduction must then finish
        self.handles = [
            p.register_post_accumulate_grad_hook(self._hook(i)) for i, p in enumerate(params)
        ]

    def _hook(self, index: int):
        def ddp_hook(param: Tensor) -> None:
            if self.expect_hooks:
                self.mark_ready(index)

        return ddp_hook

    def prepare(self, outputs: list[Tensor]) -> None:
        """Called by a synced forward: get ready for its backward."""
        if self.started:
            raise RuntimeError(_unfinished_message(self.ready, self.pg.rank()))
        n = len(self.params)
        self.ready = [False] * n
        self.pending = [len(b) for b in self.buckets]
        self.flats: list = [None] * len(self.buckets)
        self.requests: list = []
        self.next_bucket = 0
        self.used = [True] * n
        if self.find_unused:
            leaves = reachable_leaves(outputs)
            self.used = [id(p) in leaves for p in self.params]
        self.expect_hooks = True

    def mark_ready(self, index: int) -> None:
        if not self.started:
            self.started = True
            for i, used in enumerate(self.used):  # unused parameters are ready from the start
                if not used:
                    self._ready(i)
        self._ready(index)

    def _ready(self, index: int) -> None:
        if self.ready[index]:
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter at index {index} has "
                "been marked as ready twice (a parameter used in several backward passes of "
                "one iteration, or in a reentrant backward)."
            )
        self.ready[index] = True
        self.pending[self.bucket_of[index]] -= 1
        while self.next_bucket < len(self.buckets) and self.pending[self.next_bucket] == 0:
            self._launch(self.next_bucket)
            self.next_bucket += 1
        if self.next_bucket == len(self.buckets):
            self._finalize()
        elif self.requests:
            mpi().Request.Testall(list(self.requests))  # lets MPI progress the running ones

    def _launch(self, b: int) -> None:
        """Start the all-reduce of bucket ``b``: its gradients, pre-divided by the world size."""
        parts = []
        for i in self.buckets[b]:
            p = self.params[i]
            g = p._grad
            parts.append(np.zeros(p._data.size, p._data.dtype) if g is None else g._data.ravel())
        flat = np.concatenate(parts)
        if flat.dtype.kind in "fc":
            flat /= self.pg.size()
        self.flats[b] = flat
        self.requests.append(self.pg.comm.Iallreduce(mpi().IN_PLACE, flat, mpi().SUM))

    def _globally_used(self) -> list[bool]:
        if not self.find_unused:
            return self.used
        used = np.array(self.used, dtype=np.int32)
        wait_all([self.pg.comm.Iallreduce(mpi().IN_PLACE, used, mpi().MAX)], self.pg, "DDP")
        return [bool(u) for u in used]

    def _finalize(self) -> None:
        self.expect_hooks = self.started = False
        used = self._globally_used()
        wait_all(self.requests, self.pg, "DDP gradient all_reduce")
        for b, indices in enumerate(self.buckets):
            offset = 0
            for i in indices:
                p = self.params[i]
                part = self.flats[b][offset : offset + p._data.size].reshape(p._data.shape)
                offset += p._data.size
                if used[i]:
                    _write_grad(p, part)
        self.flats = []


def _write_grad(p: Tensor, value: np.ndarray) -> None:
    g = p._grad
    if g is None or not g._data.flags.writeable:
        p._grad = Tensor._make(value.copy())
        return
    g._data[...] = value
    g._version_counter.bump()


def _unfinished_message(ready: list[bool], rank: int) -> str:
    missing = " ".join(str(i) for i, r in enumerate(ready) if not r)
    return (
        "Expected to have finished reduction in the prior iteration before starting a new one. "
        "This error indicates that your module has parameters that were not used in producing "
        "loss. You can enable unused parameter detection by passing the keyword argument "
        "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n"
        "making sure all `forward` function outputs participate in calculating loss. \n"
        "If you already have done the above, then the distributed data parallel module wasn't "
        "able to locate the output tensors in the return value of your module's `forward` "
        "function. Please include the loss function and the structure of the return value of "
        "`forward` of your module when reporting this issue (e.g. list, dict, iterable).\n"
        f"Parameter indices which did not receive grad for rank {rank}: {missing}"
    )
