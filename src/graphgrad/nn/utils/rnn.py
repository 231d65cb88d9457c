"""``nn.utils.rnn``: padded and packed batches of variable-length sequences.

A :class:`PackedSequence` holds the time steps of a batch of sequences sorted longest first,
step after step: ``data`` has ``batch_sizes[t]`` rows for step ``t``. Every function here moves
rows with one differentiable gather (``index_select``), so gradients flow back to the sequences.

>>> import graphgrad as torch
>>> from graphgrad.nn.utils.rnn import pack_sequence, pad_packed_sequence
>>> packed = pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4])])
>>> packed.data, packed.batch_sizes
(tensor([1, 4, 2, 3]), tensor([2, 1, 1]))
>>> pad_packed_sequence(packed, batch_first=True)
(tensor([[1, 2, 3],
        [4, 0, 0]]), tensor([3, 1]))
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ... import dtypes
from ...creation import full, tensor
from ...ops.shape.join import cat
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]

_SORTED_MESSAGE = (
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
    "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
    "requirement if you do not need ONNX exportability."
)


def _index(array) -> Tensor:
    return tensor(np.asarray(array, dtype=np.int64), dtype=dtypes.int64)


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None).

    Args:
        permutation: a 1-D int64 tensor holding a permutation of ``0..n-1``, or None.

    >>> invert_permutation(torch.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    return _index(np.argsort(permutation.numpy(), kind="stable"))


class PackedSequence(
    namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
):
    """A batch of variable-length sequences packed step by step (see the module docstring).

    Build one with :func:`pack_padded_sequence` or :func:`pack_sequence`, not by hand.

    Args:
        data: the packed rows, ``(sum(batch_sizes), *)``.
        batch_sizes: int64 tensor, how many sequences are still running at each step.
        sorted_indices: the batch order that sorted the sequences longest first, or None.
        unsorted_indices: its inverse (computed from ``sorted_indices`` when None).

    >>> p = torch.nn.utils.rnn.PackedSequence(torch.ones(3), torch.tensor([2, 1]))
    >>> p.batch_sizes, p.sorted_indices
    (tensor([2, 1]), None)
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes)), the legacy form
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        """``data.to(*args, **kwargs)``; returns ``self`` when nothing changes.

        Args:
            args: what ``Tensor.to`` takes (a dtype, a device, or a tensor).
            kwargs: what ``Tensor.to`` takes.

        >>> p = torch.nn.utils.rnn.pack_sequence([torch.ones(2)])
        >>> p.to(torch.float64).data.dtype, p.to(torch.float32) is p
        (torch.float64, True)
        """
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        """This packed sequence on the CPU (itself: graphgrad computes on the CPU).

        >>> p = torch.nn.utils.rnn.pack_sequence([torch.ones(2)])
        >>> p.cpu() is p
        True
        """
        return self.to("cpu")

    def double(self) -> PackedSequence:
        """``data`` as float64.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).double().data.dtype
        torch.float64
        """
        return self.to(dtype=dtypes.float64)

    def float(self) -> PackedSequence:
        """``data`` as float32.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2).double()]).float().data.dtype
        torch.float32
        """
        return self.to(dtype=dtypes.float32)

    def half(self) -> PackedSequence:
        """``data`` as float16.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).half().data.dtype
        torch.float16
        """
        return self.to(dtype=dtypes.float16)

    def long(self) -> PackedSequence:
        """``data`` as int64.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).long().data
        tensor([1, 1])
        """
        return self.to(dtype=dtypes.int64)

    def int(self) -> PackedSequence:
        """``data`` as int32.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).int().data.dtype
        torch.int32
        """
        return self.to(dtype=dtypes.int32)

    def short(self) -> PackedSequence:
        """``data`` as int16.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).short().data.dtype
        torch.int16
        """
        return self.to(dtype=dtypes.int16)

    def char(self) -> PackedSequence:
        """``data`` as int8.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).char().data.dtype
        torch.int8
        """
        return self.to(dtype=dtypes.int8)

    def byte(self) -> PackedSequence:
        """``data`` as uint8.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).byte().data.dtype
        torch.uint8
        """
        return self.to(dtype=dtypes.uint8)

    def cuda(self, *args, **kwargs) -> PackedSequence:
        """Move to a CUDA device: raises the CPU build's error, as ``Tensor.cuda`` does.

        Args:
            args: what ``Tensor.cuda`` takes.
            kwargs: what ``Tensor.cuda`` takes.

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).cuda()
        Traceback (most recent call last):
        AssertionError: Torch not compiled with CUDA enabled
        """
        data = self.data.cuda(*args, **kwargs)
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    @property
    def is_cuda(self) -> bool:
        """Whether ``data`` lives on a CUDA device (never, in graphgrad).

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).is_cuda
        False
        """
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        """Whether ``data`` is in pinned memory (never, in graphgrad).

        >>> torch.nn.utils.rnn.pack_sequence([torch.ones(2)]).is_pinned()
        False
        """
        return False


def _lengths_array(lengths) -> np.ndarray:
    """``lengths`` (a list or a 1-D tensor) as an int64 array, checked as PyTorch checks it."""
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(
                "'lengths' argument should be a 1D CPU int64 tensor, but got "
                f"{lengths.dim()}D cpu {_type_name(lengths)} tensor"
            )
        return lengths.numpy().astype(np.int64)
    return np.asarray([int(n) for n in lengths], dtype=np.int64)


def _type_name(t: Tensor) -> str:
    return {"int64": "Long", "int32": "Int", "float32": "Float", "float64": "Double"}.get(
        str(t.dtype).replace("torch.", ""), str(t.dtype)
    )


def _check_sorted_lengths(lengths: np.ndarray, batch_size: int, steps: int) -> None:
    if len(lengths) != batch_size:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
            f"(batch_size={batch_size})"
        )
    if lengths[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if np.any(lengths[:-1] < lengths[1:]):
        raise RuntimeError(_SORTED_MESSAGE)
    # NOTE: PyTorch reads past the end here and returns a corrupt PackedSequence; we refuse.
    if lengths[0] > steps:
        raise RuntimeError(
            f"Expected all lengths to be at most the padded sequence length {steps}, "
            f"but got {int(lengths[0])}"
        )


def pack_padded_sequence(
    input: Tensor, lengths, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` if ``batch_first``) of sequences.

    Args:
        input: the padded batch.
        lengths: each sequence's length (a list or a 1-D tensor).
        batch_first: whether ``input`` is ``(B, T, *)``.
        enforce_sorted: if True, ``lengths`` must be non-increasing; if False, the batch is
            sorted here and the order kept in ``sorted_indices``.

    >>> x = torch.tensor([[1, 2, 3], [4, 5, 0]])
    >>> pack_padded_sequence(x, [3, 2], batch_first=True).data
    tensor([1, 4, 2, 5, 3])
    """
    if input.dim() < 2:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    lengths = _lengths_array(lengths)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    sorted_indices = None
    order = np.arange(len(lengths))
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths, sorted_indices = lengths[order], _index(order)
    _check_sorted_lengths(lengths, batch, steps)
    t, b = np.nonzero(np.arange(lengths[0])[:, None] < lengths[None, :])
    rows = order[b] * steps + t if batch_first else t * batch + order[b]
    data = input.reshape(steps * batch, *input.shape[2:]).index_select(0, _index(rows))
    batch_sizes = _index((lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1))
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo :func:`pack_padded_sequence`: the padded batch and each sequence's length.

    Args:
        sequence: the packed batch.
        batch_first: return ``(B, T, *)`` instead of ``(T, B, *)``.
        padding_value: the value of the padding.
        total_length: pad to this many steps (at least the longest length).

    >>> p = pack_padded_sequence(torch.tensor([[1, 2], [3, 0]]), [2, 1], batch_first=True)
    >>> pad_packed_sequence(p, padding_value=-1, total_length=3)
    (tensor([[ 1,  3],
            [ 2, -1],
            [-1, -1]]), tensor([2, 1]))
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy().astype(np.int64)
    steps, batch = len(batch_sizes), int(batch_sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{steps}"
            )
        steps = total_length
    sizes = np.zeros(steps, dtype=np.int64)
    sizes[: len(batch_sizes)] = batch_sizes
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    order = np.arange(batch)
    if sequence.unsorted_indices is not None:
        order = sequence.unsorted_indices.numpy().astype(np.int64)
    # rows[t, j]: the data row of step t of output sequence j, or the padding row past its end
    sorted_b = order[None, :]
    rows = np.where(sorted_b < sizes[:, None], offsets[:, None] + sorted_b, data.shape[0])
    if batch_first:
        rows = rows.T
    pad = full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    padded = cat([data, pad]).index_select(0, _index(rows.reshape(-1)))
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1)[order]
    return padded.reshape(*rows.shape, *data.shape[1:]), _index(lengths)


def _check_trailing(sequences, trailing: tuple) -> None:
    """Trailing shapes must match (PyTorch's copy would broadcast size-1 dims; we do not)."""
    for seq in sequences:
        if seq.dim() == 0:
            raise RuntimeError("pad_sequence: expected every sequence to have at least 1 dim")
        got = tuple(seq.shape[1:])
        if got != trailing:
            dim = max(i for i in range(len(trailing)) if i >= len(got) or got[i] != trailing[i])
            other = got[dim] if dim < len(got) else 1
            raise RuntimeError(
                f"The size of tensor a ({trailing[dim]}) must match the size of tensor b "
                f"({other}) at non-singleton dimension {dim + 1}"
            )


def pad_sequence(
    sequences,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences of different lengths ``(L_i, *)`` into one padded ``(L, B, *)`` tensor.

    Args:
        sequences: a list (or tuple) of tensors; the dtype is the first one's.
        batch_first: return ``(B, L, *)`` instead of ``(L, B, *)``.
        padding_value: the value of the padding.
        padding_side: ``'right'`` (pad after each sequence) or ``'left'`` (before).

    >>> pad_sequence([torch.tensor([1, 2]), torch.tensor([3])], batch_first=True)
    tensor([[1, 2],
            [3, 0]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences.unbind(0) if isinstance(sequences, Tensor) else sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    dtype, trailing = sequences[0].dtype, tuple(sequences[0].shape[1:])
    _check_trailing(sequences, trailing)
    lengths = np.array([s.shape[0] for s in sequences], dtype=np.int64)
    longest, starts = int(lengths.max()), np.concatenate([[0], np.cumsum(lengths)[:-1]])
    t = np.arange(longest)[None, :]
    if padding_side == "left":
        t = t - (longest - lengths[:, None])
    # rows[b, t]: the row of the concatenated sequences, or the padding row
    rows = np.where((t >= 0) & (t < lengths[:, None]), starts[:, None] + t, lengths.sum())
    if not batch_first:
        rows = rows.T
    pad = full((1, *trailing), padding_value, dtype=dtype)
    pieces = [s if s.dtype == dtype else s.to(dtype) for s in sequences] + [pad]
    out = cat(pieces).index_select(0, _index(rows.reshape(-1)))
    return out.reshape(*rows.shape, *trailing)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """Split a padded batch back into a list of sequences of the given lengths.

    Args:
        padded_sequences: the padded batch, ``(L, B, *)`` or ``(B, L, *)``.
        lengths: each sequence's length (a list or a 1-D tensor).
        batch_first: whether the batch is ``(B, L, *)``.

    >>> unpad_sequence(torch.tensor([[1, 3], [2, 0]]), torch.tensor([2, 1]))
    [tensor([1, 2]), tensor([3])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[b, :n] for b, n in enumerate(_lengths_array(lengths).tolist())]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (longest first unless ``enforce_sorted=False``).

    Args:
        sequences: a list of tensors.
        enforce_sorted: if True, the lengths must be non-increasing.

    >>> pack_sequence([torch.tensor([1]), torch.tensor([2, 3])], enforce_sorted=False)
    PackedSequence(data=tensor([2, 1, 3]), batch_sizes=tensor([2, 1]), \
sorted_indices=tensor([1, 0]), unsorted_indices=tensor([1, 0]))
    """
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """Undo :func:`pack_sequence`: the list of sequences, in their original order.

    Args:
        packed_sequences: the packed batch.

    >>> unpack_sequence(pack_sequence([torch.tensor([1]), torch.tensor([2, 3])], False))
    [tensor([1]), tensor([2, 3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
