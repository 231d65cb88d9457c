"""Every rank must run the same collective on tensors of the same shape and dtype (torch checks
this with TORCH_DISTRIBUTED_DEBUG=DETAIL; here it is always on).

Each rank's collective is described by a fixed-size int64 vector v (operation, dtype, reduce op,
root, shape). Every call all-reduces [v, -v] with MAX, posted just before the data operation
and on the group's own check communicator, so MPI progresses it beside the data instead of
after it: the check adds no round trip. The result is [max v, -min v], which equals this rank's
[v, -v] exactly when every rank's v is the same, and all ranks get the same result, so all
detect a mismatch together; only then do they all-gather their vectors, to say who ran what.
The vectors are built once per signature (a training loop repeats a handful).

>>> import graphgrad as torch
>>> describe(fingerprint("ALLREDUCE", torch.ones(2, 3)))
'CollectiveFingerPrint(OpType=ALLREDUCE, TensorShape=[2, 3], TensorDtype=torch.float32)'
"""

from __future__ import annotations

import zlib

import numpy as np

from .. import dtypes
from ._group import ProcessGroup
from ._mpi import mpi
from ._work import wait_all

_OP_TYPES = ("ALLREDUCE", "BROADCAST", "REDUCE", "ALLGATHER", "ALLGATHER_INTO_TENSOR",
             "REDUCE_SCATTER", "REDUCE_SCATTER_TENSOR", "GATHER", "SCATTER")  # fmt: skip
_DTYPES = (
    dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128,
    dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.bool_,
)  # fmt: skip
_LEN, _DIMS = 16, 10  # room for 10 dims; longer shapes keep a hash of the rest


def fingerprint(op_type: str, tensor, op=None, root: int | None = None) -> np.ndarray:
    """The vector that describes one rank's collective call."""
    return signal(op_type, tensor, op, root)[:_LEN]


def signal(op_type: str, tensor, op=None, root: int | None = None) -> np.ndarray:
    """[v, -v] for this call's fingerprint v: what ``Check`` all-reduces (cached, read-only)."""
    key = (op_type, tensor._data.shape, tensor.dtype, op, root)
    vec = _SIGNALS.get(key)
    if vec is None:
        vec = _SIGNALS[key] = _build(op_type, key[1], tensor.dtype, op, root)
    return vec


_SIGNALS: dict = {}


def _build(op_type: str, shape: tuple, dtype, op, root: int | None) -> np.ndarray:
    head = [_OP_TYPES.index(op_type), _DTYPES.index(dtype)]
    head += [-1 if op is None else op.value, -1 if root is None else root, len(shape)]
    dims = list(shape[:_DIMS]) + [-1] * (_DIMS - min(len(shape), _DIMS))
    rest = zlib.crc32(repr(shape[_DIMS:]).encode()) if len(shape) > _DIMS else -1
    vec = np.array(head + dims + [rest], dtype=np.int64)
    out = np.concatenate([vec, -vec])
    out.flags.writeable = False
    return out


def describe(vec: np.ndarray) -> str:
    from ._reduce_op import RedOpType

    ndim = int(vec[4])
    shape = [int(d) for d in vec[5 : 5 + min(ndim, _DIMS)]] + (["..."] if ndim > _DIMS else [])
    parts = [f"OpType={_OP_TYPES[vec[0]]}", f"TensorShape={shape}"]
    parts.append(f"TensorDtype={_DTYPES[vec[1]]}")
    if vec[2] >= 0:
        parts.append(f"ReduceOp={RedOpType(int(vec[2])).name}")
    if vec[3] >= 0:
        parts.append(f"Root={int(vec[3])}")
    return "CollectiveFingerPrint(" + ", ".join(parts) + ")"


class Check:
    """The all-reduce of the ranks' signals, started before the data operation."""

    __slots__ = ("pg", "signal", "combined", "request")

    def __init__(self, pg: ProcessGroup, signal: np.ndarray) -> None:
        self.pg, self.signal = pg, signal
        self.combined = np.empty(2 * _LEN, dtype=np.int64)
        self.request = pg.check_comm.Iallreduce(signal, self.combined, mpi().MAX)

    def verify(self) -> None:
        """After ``request`` completed: raise (and retire the group) if the ranks differ."""
        if self.combined.tobytes() == self.signal.tobytes():
            return
        pg, mine = self.pg, self.signal[:_LEN]
        everyone = np.empty((len(pg.ranks), _LEN), dtype=np.int64)
        wait_all([pg.check_comm.Iallgather(mine, everyone)], pg, "the collectives' check")
        other = int(np.argmin((everyone == mine).all(axis=1)))
        error = RuntimeError(
            "Detected mismatch between collectives on ranks. "
            f"Rank {pg.ranks[pg.rank()]} is running collective: "
            f"{describe(mine)}, but Rank {pg.ranks[other]} is running collective: "
            f"{describe(everyone[other])}"
        )
        # the mismatched data operation may never complete: the group is out of step now
        pg.broken = error
        raise error


def start_check(pg: ProcessGroup, op_type: str, tensor, op=None, root=None) -> Check:
    """Post the exchange of this call's signal (before the data operation)."""
    return Check(pg, signal(op_type, tensor, op, root))
