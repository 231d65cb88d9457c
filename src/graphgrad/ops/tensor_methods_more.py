"""Tensor methods with no function of their own in this package: the in-place view ops
(``t_``, ``transpose_``, ``swapaxes_``, ``swapdims_``, ``squeeze_``, ``unsqueeze_``,
``as_strided_``), ``fill_diagonal_``, ``hardshrink``,
storage queries, ``nonzero_static``, ``apply_``/``map_`` and the methods of functions defined
outside ``ops/`` (``histc``, ``histogram``, ``bernoulli``).

>>> import graphgrad as torch
>>> torch.zeros(2, 3).fill_diagonal_(5.0)
tensor([[5., 0., 0.],
        [0., 5., 0.]])
>>> x = torch.ones(2, 3)
>>> x.t_().shape
torch.Size([3, 2])
"""

from __future__ import annotations

import numpy as np

from .._shared_memory import segment_of, shared_copy
from ..autograd.node import renamed
from ..histogram import histc as histc_fn
from ..histogram import histogram as histogram_fn
from ..random.draws import bernoulli as bernoulli_fn
from ..tensor import Tensor
from .activation_more import hardshrink as _hardshrink
from .inplace import check_inplace

# PyTorch's nodes for the in-place views, by the node of the out-of-place view
_INPLACE_NODES = {
    "TBackward0": "TBackward1",
    "TransposeBackward0": "TransposeBackward1",
    "SqueezeBackward0": "SqueezeBackward3",  # squeeze_()
    "SqueezeBackward1": "SqueezeBackward4",  # squeeze_(dim)
    "SqueezeBackward2": "SqueezeBackward5",  # squeeze_(dims)
    "UnsqueezeBackward0": "UnsqueezeBackward1",
    "AsStridedBackward0": "AsStridedBackward1",
}


def _inplace_view(name: str, doc_args: str, shown: str, setup: str = "torch.zeros(2, 1, 3)"):
    """The in-place form of the view op ``name``: ``self`` takes the view's shape, strides
    and node (under PyTorch's name for the in-place form: ``TBackward1``...), and the write
    counts in its version, as in PyTorch."""

    def method(self: Tensor, *args, **kwargs) -> Tensor:
        check_inplace(self)
        try:
            out = getattr(self, name)(*args, **kwargs)
        except RuntimeError as error:  # PyTorch's messages name the in-place form
            raise RuntimeError(str(error).replace(f"{name}()", f"{name}_()", 1)) from None
        self._data = out._data
        node = out.grad_fn
        if node is not None:
            node.__class__ = renamed(type(node), _INPLACE_NODES[type(node).__name__])
            self.grad_fn = node
            self._output_nr = out._output_nr
        self._version_counter.bump()
        return self

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = (
        f"In-place ``Tensor.{name}``: ``self`` becomes the view ``self.{name}(...)`` (see "
        f"``graphgrad.{name}`` for the arguments) and is returned.\n\n"
        f">>> {setup}.{name}_({doc_args}).shape\n{shown}\n"
    )
    return method


def fill_diagonal_(self: Tensor, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal (elements ``[i, i, ...]``) with ``fill_value`` in place.

    Args:
        fill_value: the number written.
        wrap: for a tall matrix, start again below every ``ncols + 1`` rows (NumPy's
            ``fill_diagonal`` wrap).

    >>> torch.zeros(3, 2).fill_diagonal_(1.0)
    tensor([[1., 0.],
            [0., 1.],
            [0., 0.]])
    """
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(self.shape, bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    self[Tensor._make(mask)] = fill_value
    return self


def hardshrink(self: Tensor, lambd: float = 0.5) -> Tensor:
    """``self`` where ``|self| > lambd``, else 0.

    Args:
        lambd: the threshold.

    >>> torch.tensor([-1.0, 0.3, 0.7]).hardshrink()
    tensor([-1.0000,  0.0000,  0.7000])
    """
    return _hardshrink(self, lambd)


def _root(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def storage_offset(self: Tensor) -> int:
    """The offset, in elements, of this tensor's first element in its storage.

    >>> torch.arange(6.0).reshape(2, 3)[1].storage_offset()
    3
    """
    a = self._data
    start = a.__array_interface__["data"][0]
    return (start - _root(a).__array_interface__["data"][0]) // a.itemsize


def is_set_to(self: Tensor, tensor: Tensor) -> bool:
    """Whether both tensors are the same view of the same storage (offset, size, strides).

    Args:
        tensor: the other tensor.

    >>> x = torch.ones(2)
    >>> x.is_set_to(x), x.is_set_to(x.clone())
    (True, False)
    """
    a, b = self._data, tensor._data
    return (
        _root(a) is _root(b)
        and a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
        and a.shape == b.shape
        and a.strides == b.strides
    )


def is_shared(self: Tensor) -> bool:
    """Whether the values are in memory shared with other processes (``share_memory_``).

    >>> torch.ones(1).is_shared(), torch.ones(1).share_memory_().is_shared()
    (False, True)
    """
    return segment_of(self._data) is not None


def share_memory_(self: Tensor) -> Tensor:
    """Move the values into memory that other processes can share, as PyTorch's
    ``share_memory_`` (Hogwild training: several processes update one model in place); the
    processes this one forks share it, and so does any process it is sent to
    (``graphgrad.multiprocessing``). Returns the tensor. A view moves alone, apart from its
    base (PyTorch moves the base's whole storage).

    >>> x = torch.ones(2)
    >>> x.share_memory_() is x, x.is_shared(), x
    (True, True, tensor([1., 1.]))
    """
    if not is_shared(self):
        self._data = shared_copy(self._data)
    return self


def dim_order(self: Tensor, *, ambiguity_check=False) -> tuple:
    """The dimensions from outermost to innermost in memory (by decreasing stride).

    Args:
        ambiguity_check: accepted for compatibility.

    >>> torch.ones(2, 3).t().dim_order()
    (1, 0)
    """
    strides = self.stride()
    return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))


def const_data_ptr(self: Tensor) -> int:
    """The address of the first element, as ``data_ptr()``.

    >>> x = torch.ones(2)
    >>> x.const_data_ptr() == x.data_ptr()
    True
    """
    return self.data_ptr()


def nonzero_static(self: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """The indices of the nonzero elements, as ``nonzero()``, cut or padded (with
    ``fill_value``) to ``size`` rows.

    Args:
        size: the number of rows of the result.
        fill_value: the index written in padding rows.

    >>> torch.tensor([0, 1, 0, 2]).nonzero_static(size=3)
    tensor([[ 1],
            [ 3],
            [-1]])
    """
    found = np.argwhere(self._data)[:size]
    padding = np.full((size - len(found), self.ndim), fill_value, np.int64)
    return Tensor._make(np.concatenate([found.astype(np.int64), padding]))


def apply_(self: Tensor, callable) -> Tensor:  # noqa: A002
    """Replace each element ``v`` by ``callable(v)`` in place (a Python function, slow).

    Args:
        callable: a function of one number.

    >>> torch.tensor([1.0, 2.0]).apply_(lambda v: v * 10)
    tensor([10., 20.])
    """
    check_inplace(self)
    flat = self._data.reshape(-1)
    values = [callable(v) for v in flat.tolist()]
    self._data[...] = np.asarray(values, self._data.dtype).reshape(self._data.shape)
    self._version_counter.bump()
    return self


def map_(self: Tensor, tensor: Tensor, callable) -> Tensor:  # noqa: A002
    """Replace each element by ``callable(self_element, tensor_element)`` in place.

    Args:
        tensor: the second operand, broadcast to ``self``'s shape.
        callable: a function of two numbers.

    >>> torch.tensor([1.0, 2.0]).map_(torch.tensor([10.0, 20.0]), lambda a, b: a + b)
    tensor([11., 22.])
    """
    check_inplace(self)
    other = np.broadcast_to(tensor._data, self._data.shape)
    values = [
        callable(a, b) for a, b in zip(self._data.reshape(-1).tolist(), other.reshape(-1).tolist())
    ]
    self._data[...] = np.asarray(values, self._data.dtype).reshape(self._data.shape)
    self._version_counter.bump()
    return self


def histc(self: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """``torch.histc(self, bins, min, max)``: a histogram of equal-width bins.

    Args:
        bins: the number of bins.
        min: the lower end (with ``max``; both 0: the data's range).
        max: the upper end.

    >>> torch.tensor([1.0, 5.0]).histc(bins=4, min=0, max=8)
    tensor([1., 0., 1., 0.])
    """
    return histc_fn(self, bins, min, max)


def histogram(self: Tensor, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
    """``torch.histogram(self, bins, ...)``: the histogram and its bin edges.

    Args:
        bins: the number of bins, or a 1-d tensor of edges.
        range: ``(min, max)`` of the bins (default: the data's range).
        weight: a weight per element.
        density: normalise to a probability density.

    >>> torch.tensor([1.0, 2.0, 2.5]).histogram(2).hist
    tensor([1., 2.])
    """
    return histogram_fn(self, bins, range=range, weight=weight, density=density)


def bernoulli(self: Tensor, *, generator=None) -> Tensor:
    """``torch.bernoulli(self)``: 0/1 samples, 1 with the probability each element gives.

    Args:
        generator: the random generator (the default one when None).

    >>> _ = torch.manual_seed(0)
    >>> torch.tensor([0.0, 1.0]).bernoulli()
    tensor([0., 1.])
    """
    return bernoulli_fn(self, generator=generator)


# (``graphgrad.compile`` repeats what they do to an argument: they give it another array)
INPLACE_VIEWS = {
    "t_": _inplace_view("t", "", "torch.Size([3, 2])", "torch.zeros(2, 3)"),
    "transpose_": _inplace_view("transpose", "0, 2", "torch.Size([3, 1, 2])"),
    "squeeze_": _inplace_view("squeeze", "", "torch.Size([2, 3])"),
    "unsqueeze_": _inplace_view("unsqueeze", "0", "torch.Size([1, 2, 1, 3])"),
    "swapaxes_": _inplace_view("swapaxes", "0, 2", "torch.Size([3, 1, 2])"),
    "swapdims_": _inplace_view("swapdims", "0, 2", "torch.Size([3, 1, 2])"),
    "as_strided_": _inplace_view("as_strided", "(3,), (1,)", "torch.Size([3])"),
}
METHODS = {
    **INPLACE_VIEWS,
    **{
        name: globals()[name]
        for name in """fill_diagonal_ hardshrink storage_offset is_set_to is_shared
            share_memory_ dim_order const_data_ptr nonzero_static apply_ map_ histc histogram
            bernoulli""".split()
    },
}
__all__: list[str] = []
