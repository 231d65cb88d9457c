"""Tensor methods that are other names or in-place forms of existing ops, and small queries.

The in-place forms (``x.eq_(y)``, ``x.arccos_()``...) write the out-of-place result into
``self`` through ``inplace.inplace``, so they check leaves, version counters and dtypes as
every other in-place op does. The queries (``is_signed``, ``nbytes``, ``H``...) read metadata.

>>> import graphgrad as torch
>>> x = torch.tensor([1.0, 2.0, 3.0])
>>> x.lt_(2.5)
tensor([1., 1., 0.])
>>> x.nbytes, x.itemsize, x.is_signed()
(12, 4, True)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import compare, elementwise, special, trig, unary
from .inplace import inplace
from .inplace_examples import documented
from .linalg import products as linalg

# Out-of-place ops, by the module that defines them, whose ``name_`` PyTorch also has.
_INPLACE_OF = {
    unary: "absolute negative fix log10 log2",
    trig: "arccos arcsin arctan arctan2 arccosh arcsinh arctanh",
    compare: """bitwise_not bitwise_and bitwise_or bitwise_xor eq ne not_equal ge greater_equal
        gt greater le less_equal lt less logical_and logical_not logical_or logical_xor""",
    elementwise: "divide multiply subtract true_divide",
    special: "digamma lgamma",
    linalg: "addmm baddbmm",
}


def _polygamma_(self: Tensor, n: int) -> Tensor:
    """In-place ``torch.polygamma(n, self)``: the ``n``-th derivative of digamma.

    Args:
        n: the order, ``>= 0``.

    >>> torch.tensor([1.0, 2.0]).polygamma_(1)
    tensor([1.6449, 0.6449])
    """
    return inplace(lambda t: special.polygamma(n, t))(self)


def float_power_(self: Tensor, exponent) -> Tensor:
    """In-place ``torch.float_power(self, exponent)``; ``self`` must be float64.

    Args:
        exponent: a tensor or a number.

    >>> torch.tensor([2.0, 3.0], dtype=torch.float64).float_power_(2)
    tensor([4., 9.], dtype=torch.float64)
    """
    if self.dtype.name != "float64":
        raise RuntimeError(
            f"the base given to float_power_ has dtype {self.dtype.legacy} but the operation's "
            "result requires dtype Double"
        )
    return inplace(elementwise.float_power)(self, exponent)


def where(self: Tensor, condition, y) -> Tensor:
    """``torch.where(condition, self, y)``: ``self`` where ``condition`` holds, else ``y``.

    Args:
        condition: a bool tensor, broadcast with ``self`` and ``y``.
        y: the values taken where ``condition`` is False (a tensor or a number).

    >>> torch.tensor([1.0, -2.0]).where(torch.tensor([True, False]), 0.0)
    tensor([1., 0.])
    """
    return elementwise.where(condition, self, y)


def is_signed(self: Tensor) -> bool:
    """Whether this tensor's dtype is signed (every one but ``uint8`` and ``bool``).

    >>> torch.tensor([1]).is_signed(), torch.tensor([True]).is_signed()
    (True, False)
    """
    return self.dtype.name not in ("uint8", "bool")


def ndimension(self: Tensor) -> int:
    """The number of dimensions, as ``dim()``.

    >>> torch.ones(2, 3).ndimension()
    2
    """
    return self.dim()


def is_conj(self: Tensor) -> bool:
    """Whether the conjugate bit is set: never, for graphgrad's real tensors.

    >>> torch.ones(2).is_conj()
    False
    """
    return False


def _nbytes(self: Tensor) -> int:
    """The number of bytes of the elements: ``numel() * itemsize``.

    >>> torch.ones(2, 3).nbytes
    24
    """
    return self.numel() * self.element_size()


def _itemsize(self: Tensor) -> int:
    """The size of one element in bytes, as ``element_size()``.

    >>> torch.ones(2, dtype=torch.float64).itemsize
    8
    """
    return self.element_size()


# PyTorch's flags of where and how a tensor is stored: graphgrad's are dense CPU tensors
# (``input.is_cuda or input.is_xpu`` in pytorch/examples' dcgan). Values: what the flag asks.
_STORAGE_FLAGS = {
    "is_cpu": (True, "on the CPU"),
    "is_cuda": (False, "on an NVIDIA GPU"),
    "is_meta": (False, "a meta tensor (shape only)"),
    "is_xpu": (False, "on an Intel GPU"),
    "is_mps": (False, "on an Apple GPU"),
    "is_ipu": (False, "on a Graphcore IPU"),
    "is_maia": (False, "on a MAIA device"),
    "is_mtia": (False, "on a Meta training and inference accelerator"),
    "is_xla": (False, "on an XLA device"),
    "is_vulkan": (False, "on a Vulkan device"),
    "is_mkldnn": (False, "in oneDNN's layout"),
    "is_quantized": (False, "quantized"),
    "is_nested": (False, "a nested tensor"),
    "is_sparse_csr": (False, "a sparse CSR tensor"),
}


def _storage_flag(name: str, value: bool, what: str) -> property:
    def flag(self: Tensor) -> bool:
        return value

    flag.__doc__ = f"Whether the tensor is {what}: {value}.\n\n>>> torch.ones(1).{name}\n{value}\n"
    return property(flag)


def is_nonzero(self: Tensor) -> bool:
    """Whether the one value of the tensor is not zero (``bool(self)``, with its errors for
    more values or none).

    >>> torch.tensor([0.5]).is_nonzero(), torch.tensor(0).is_nonzero()
    (True, False)
    """
    return bool(self)


def is_same_size(self: Tensor, other: Tensor) -> bool:
    """Whether ``other`` has this tensor's shape.

    >>> torch.ones(2, 3).is_same_size(torch.zeros(2, 3))
    True
    """
    return self.shape == other.shape


def is_neg(self: Tensor) -> bool:
    """Whether the tensor's negation is pending (PyTorch's lazy ``neg`` of a conjugate view):
    never, in graphgrad.

    >>> torch.ones(1).is_neg()
    False
    """
    return False


def is_distributed(self: Tensor) -> bool:
    """Whether the tensor is distributed (a legacy flag): never.

    >>> torch.ones(1).is_distributed()
    False
    """
    return False


def _adjoint_property(self: Tensor) -> Tensor:
    """The conjugate transpose of a matrix: ``self.t()`` for real tensors. PyTorch's ``H``
    takes matrices only (and, deprecated, 0-d tensors).

    >>> torch.tensor([[1.0, 2.0]]).H
    tensor([[1.],
            [2.]])
    """
    if self.ndim == 0:
        return self
    if self.ndim != 2:
        hint = " For batches of matrices, consider using tensor.mH" if self.ndim > 2 else ""
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.{hint}"
        )
    return self.t()


def _real(self: Tensor) -> Tensor:
    """The real part: the tensor itself, for graphgrad's real dtypes.

    >>> x = torch.ones(2)
    >>> x.real is x
    True
    """
    return self


_FLOATS = "torch.tensor([[0.5, 2.0], [1.0, 0.25]])"
_INTS = "torch.tensor([[1, 2], [3, 4]])"
# the example of each in-place form: (setup, arguments); the others take _FLOATS and no args
_EXAMPLES = {
    **dict.fromkeys(("bitwise_and", "bitwise_or", "bitwise_xor"), (_INTS, "3")),
    "bitwise_not": (_INTS, ""),
    **dict.fromkeys(
        "eq ne not_equal ge greater_equal gt greater le less_equal lt less".split(),
        (_FLOATS, "1.0"),
    ),
    **dict.fromkeys(("logical_and", "logical_or", "logical_xor"), (_FLOATS, "x > 1")),
    **dict.fromkeys("divide multiply subtract true_divide arctan2".split(), (_FLOATS, "2.0")),
    "addmm": (_FLOATS, "torch.ones(2, 3), torch.ones(3, 2)"),
    "baddbmm": ("torch.zeros(2, 2, 2)", "torch.ones(2, 2, 3), torch.ones(2, 3, 2)"),
}

METHODS = {
    **{
        name + "_": documented(getattr(module, name), *_EXAMPLES.get(name, (_FLOATS, "")), name)
        for module, names in _INPLACE_OF.items()
        for name in names.split()
    },
    "polygamma_": _polygamma_,
    "float_power_": float_power_,
    "where": where,
    "is_signed": is_signed,
    "ndimension": ndimension,
    "is_conj": is_conj,
    "is_nonzero": is_nonzero,
    "is_same_size": is_same_size,
    "is_neg": is_neg,
    "is_distributed": is_distributed,
    "nbytes": property(_nbytes),
    "itemsize": property(_itemsize),
    **{name: _storage_flag(name, *flag) for name, flag in _STORAGE_FLAGS.items()},
    "H": property(_adjoint_property),
    "real": property(_real),
}
__all__: list[str] = []
