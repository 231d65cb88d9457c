"""Collating samples into batches: ``collate`` dispatches on the type of the first sample
through ``collate_fn_map`` (type -> function) and recurses into mappings, namedtuples and
sequences; ``default_collate`` is ``collate`` with ``default_collate_fn_map``.

>>> import graphgrad as torch
>>> from graphgrad.utils.data._utils.collate import collate, default_collate_fn_map
>>> collate([{"x": 1.0}, {"x": 2.0}], collate_fn_map=default_collate_fn_map)
{'x': tensor([1., 2.], dtype=torch.float64)}
"""

from __future__ import annotations

import collections.abc as abc
import copy
from collections.abc import Callable

import numpy as np

from ....creation import as_tensor, tensor
from ....dtypes import float64
from ....ops.shape.join import stack
from ....tensor import Tensor

__all__ = [
    "collate",
    "collate_float_fn",
    "collate_int_fn",
    "collate_numpy_array_fn",
    "collate_numpy_scalar_fn",
    "collate_str_fn",
    "collate_tensor_fn",
    "default_collate",
    "default_collate_fn_map",
    "default_convert",
]

_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def collate(batch, *, collate_fn_map: dict | None = None):
    """Merge a list of samples into a batch: the function that ``collate_fn_map`` gives for the
    type of ``batch[0]`` (exact type first, then ``isinstance``), else field by field for
    mappings, namedtuples and sequences.

    Args:
        batch: the samples.
        collate_fn_map: maps a type (or tuple of types) to ``fn(batch, *, collate_fn_map)``.

    >>> from graphgrad.utils.data._utils.collate import collate
    >>> def as_list(batch, *, collate_fn_map=None):
    ...     return list(batch)
    >>> collate([(1, "a"), (2, "b")], collate_fn_map={int: as_list, str: as_list})
    [[1, 2], ['a', 'b']]
    """
    elem = batch[0]
    fn = _lookup(collate_fn_map, elem)
    if fn is not None:
        return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, abc.Mapping):
        return _collate_mapping(batch, collate_fn_map)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        return _collate_sequence(batch, collate_fn_map)
    raise TypeError(_ERROR.format(type(elem)))


def _lookup(collate_fn_map: dict | None, elem) -> Callable | None:
    if collate_fn_map is None:
        return None
    if type(elem) in collate_fn_map:
        return collate_fn_map[type(elem)]
    for kind, fn in collate_fn_map.items():
        if isinstance(elem, kind):
            return fn
    return None


def _collate_mapping(batch, collate_fn_map):
    """A mapping of the first sample's type (a copy of it when mutable) with each key batched."""
    elem = batch[0]
    fields = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
    try:
        if isinstance(elem, abc.MutableMapping):
            out = copy.copy(elem)
            out.update(fields)
            return out
        return type(elem)(fields)
    except TypeError:  # the type cannot be copied or built from a dict
        return fields


def _collate_sequence(batch, collate_fn_map):
    """Position by position; a list-like sample keeps its type, a tuple becomes a list."""
    elem = batch[0]
    size = len(elem)
    if any(len(sample) != size for sample in batch):
        raise RuntimeError("each element in list of batch should be of equal size")
    columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
    if isinstance(elem, tuple):
        return columns
    try:
        if isinstance(elem, abc.MutableSequence):
            out = copy.copy(elem)
            for i, column in enumerate(columns):
                out[i] = column
            return out
        return type(elem)(columns)
    except TypeError:
        return columns


def collate_tensor_fn(batch, *, collate_fn_map: dict | None = None) -> Tensor:
    """Stack tensors along a new first dimension (keeping the graph, as ``torch.stack``).

    Args:
        batch: tensors of one shape.
        collate_fn_map: unused (the signature of every collate function).

    >>> from graphgrad.utils.data._utils.collate import collate_tensor_fn
    >>> collate_tensor_fn([torch.ones(2), torch.zeros(2)])
    tensor([[1., 1.],
            [0., 0.]])
    """
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map: dict | None = None) -> Tensor:
    """NumPy arrays become tensors, then are collated (strings and objects are refused).

    Args:
        batch: NumPy arrays of one shape.
        collate_fn_map: used to collate the tensors.

    >>> import numpy as np
    >>> from graphgrad.utils.data._utils.collate import collate_numpy_array_fn
    >>> collate_numpy_array_fn([np.array([1, 2]), np.array([3, 4])],
    ...                        collate_fn_map=default_collate_fn_map)
    tensor([[1, 2],
            [3, 4]])
    """
    elem = batch[0]
    if elem.dtype.kind in "SaUO":
        raise TypeError(_ERROR.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map: dict | None = None) -> Tensor:
    """NumPy scalars become one tensor of their dtype.

    Args:
        batch: NumPy scalars.
        collate_fn_map: unused.

    >>> import numpy as np
    >>> from graphgrad.utils.data._utils.collate import collate_numpy_scalar_fn
    >>> collate_numpy_scalar_fn([np.float32(1), np.float32(2)])
    tensor([1., 2.])
    """
    return as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map: dict | None = None) -> Tensor:
    """Python floats become a float64 tensor.

    Args:
        batch: floats.
        collate_fn_map: unused.

    >>> from graphgrad.utils.data._utils.collate import collate_float_fn
    >>> collate_float_fn([1.0, 2.5])
    tensor([1.0000, 2.5000], dtype=torch.float64)
    """
    return tensor(list(batch), dtype=float64)


def collate_int_fn(batch, *, collate_fn_map: dict | None = None) -> Tensor:
    """Python ints become an int64 tensor (bools a bool tensor).

    Args:
        batch: ints or bools.
        collate_fn_map: unused.

    >>> from graphgrad.utils.data._utils.collate import collate_int_fn
    >>> collate_int_fn([1, 2])
    tensor([1, 2])
    """
    return tensor(list(batch))


def collate_str_fn(batch, *, collate_fn_map: dict | None = None):
    """Strings (and bytes) are kept as they are: the batch itself.

    Args:
        batch: strings.
        collate_fn_map: unused.

    >>> from graphgrad.utils.data._utils.collate import collate_str_fn
    >>> collate_str_fn(("a", "b"))
    ('a', 'b')
    """
    return batch


default_collate_fn_map: dict = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack samples into a batch, recursing into tuples, lists, dicts and namedtuples
    (numbers become tensors): ``collate`` with ``default_collate_fn_map``.

    Args:
        batch: a list of samples.

    >>> from graphgrad.utils.data import default_collate
    >>> default_collate([(torch.tensor([1.0]), 0), (torch.tensor([2.0]), 1)])
    [tensor([[1.],
            [2.]]), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """NumPy arrays to tensors, recursively (what ``batch_size=None`` applies to each sample).

    Args:
        data: a sample.

    >>> import numpy as np
    >>> from graphgrad.utils.data import default_convert
    >>> default_convert(np.array([1, 2]))
    tensor([1, 2])
    """
    if isinstance(data, np.ndarray):
        return Tensor._make(data)
    if isinstance(data, abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data
