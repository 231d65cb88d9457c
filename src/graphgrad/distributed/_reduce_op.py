"""``ReduceOp``: how a collective combines the ranks' values, and the MPI operation that does it
for each dtype (as torch's gloo backend combines them; checked against torch 2.13).

- ``bool``: SUM and MAX are "or", PRODUCT and MIN are "and" (MPI's logical ops).
- ``AVG`` on an integer or bool tensor raises torch's "can't be cast" error: the mean is a float.
- ``MIN``/``MAX`` on complex tensors raise torch's ValueError; BAND/BOR/BXOR need integers.

>>> ReduceOp.SUM
<RedOpType.SUM: 0>
>>> str(ReduceOp.MAX)
'RedOpType.MAX'
"""

from __future__ import annotations

import enum
import warnings

from ._mpi import mpi


class RedOpType(enum.Enum):
    """The reduction operations, with torch's names and numbers."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8

    # Members are singletons compared by identity: hash them so too, in C. (Enum's own hash is
    # Python code, and every collective looks its op up in a cache or two.)
    __hash__ = object.__hash__


class ReduceOp:
    """The namespace torch scripts spell ``dist.ReduceOp.SUM``; each is a :class:`RedOpType`.

    >>> ReduceOp.AVG.value
    1
    """

    RedOpType = RedOpType
    SUM = RedOpType.SUM
    AVG = RedOpType.AVG
    PRODUCT = RedOpType.PRODUCT
    MIN = RedOpType.MIN
    MAX = RedOpType.MAX
    BAND = RedOpType.BAND
    BOR = RedOpType.BOR
    BXOR = RedOpType.BXOR
    PREMUL_SUM = RedOpType.PREMUL_SUM


class _DeprecatedReduceOp:
    """``dist.reduce_op``, PyTorch's deprecated spelling of ``ReduceOp`` (PyTorch's own
    distributed tutorial uses it): each name it gives warns as PyTorch's does.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     reduce_op.SUM
    <RedOpType.SUM: 0>
    """

    def __getattr__(self, name: str) -> RedOpType:
        warnings.warn(
            "`torch.distributed.reduce_op` is deprecated, please use "
            "`torch.distributed.ReduceOp` instead",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(ReduceOp, name)


reduce_op = _DeprecatedReduceOp()

_BITWISE = (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR)


# (op, dtype) pairs already checked: a training loop repeats a few, and each call counts
_ALLOWED: set = set()


def check_op(op, dtype, collective: str = "all_reduce") -> None:
    """torch's errors for an operation the dtype does not support, before any rank sends."""
    if isinstance(op, RedOpType) and (op, dtype) in _ALLOWED:
        return
    if not isinstance(op, RedOpType):
        raise TypeError(f"{collective}(): op must be a ReduceOp, got {type(op).__name__}")
    if op is RedOpType.PREMUL_SUM:
        raise RuntimeError("PREMUL_SUM is not supported by the MPI backend")
    if op is RedOpType.AVG and not dtype.is_floating_point and not dtype.is_complex:
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type {dtype.legacy}"
        )
    if op in (RedOpType.MIN, RedOpType.MAX) and dtype.is_complex:
        raise ValueError(f"{collective} does not support {op} on complex tensors")
    if op in _BITWISE and (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"Cannot use ReduceOp.{op.name} with non-integral dtype")
    _ALLOWED.add((op, dtype))


_MPI_OPS: dict = {}  # (op, is_bool) -> MPI.Op, filled on first use (MPI loads lazily)


def _build_mpi_ops() -> None:
    MPI = mpi()
    numeric = {
        RedOpType.SUM: MPI.SUM, RedOpType.AVG: MPI.SUM, RedOpType.PRODUCT: MPI.PROD,
        RedOpType.MIN: MPI.MIN, RedOpType.MAX: MPI.MAX, RedOpType.BAND: MPI.BAND,
        RedOpType.BOR: MPI.BOR, RedOpType.BXOR: MPI.BXOR,
    }  # fmt: skip
    logical = {
        RedOpType.SUM: MPI.LOR, RedOpType.AVG: MPI.LOR, RedOpType.MAX: MPI.LOR,
        RedOpType.BOR: MPI.LOR, RedOpType.PRODUCT: MPI.LAND, RedOpType.MIN: MPI.LAND,
        RedOpType.BAND: MPI.LAND, RedOpType.BXOR: MPI.LXOR,
    }  # fmt: skip
    _MPI_OPS.update({(op, False): v for op, v in numeric.items()})
    _MPI_OPS.update({(op, True): v for op, v in logical.items()})


def mpi_op(op: RedOpType, is_bool: bool):
    """The MPI operation for ``op`` (AVG sums; the caller divides)."""
    if not _MPI_OPS:
        _build_mpi_ops()
    return _MPI_OPS[op, is_bool]
