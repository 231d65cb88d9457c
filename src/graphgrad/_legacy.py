"""Legacy constructors PyTorch still accepts: ``torch.Tensor(...)``, ``FloatTensor`` and
kin, ``autograd.Variable``, ``Tensor.new`` and the ``new_*`` family.

``torch.Tensor(data)`` copies ``data`` into a tensor of the default dtype; ``torch.Tensor(2, 3)``
(or a ``Size``) makes an uninitialised one of that shape; ``torch.Tensor(t)`` aliases ``t``.
``FloatTensor`` / ``LongTensor`` ... do the same in their own dtype, and ``isinstance(x,
torch.FloatTensor)`` checks the dtype, as in PyTorch.

>>> import graphgrad as torch
>>> torch.Tensor([1, 2])
tensor([1., 2.])
>>> torch.LongTensor(2, 3).shape
torch.Size([2, 3])
>>> isinstance(torch.ones(1), torch.FloatTensor)
True
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _device
from . import dtypes as _dt
from .creation import check_sizes
from .creation import tensor as _tensor
from .ops.array_step import constant
from .tensor import Size, Tensor


def _is_sizes(args: tuple) -> bool:
    if len(args) == 1 and isinstance(args[0], Size):
        return True
    return bool(args) and all(isinstance(a, (int, np.integer)) and not isinstance(a, bool)
                              for a in args)  # fmt: skip


def legacy_new(dtype, args: tuple, kwargs: dict) -> Tensor:
    """What ``torch.Tensor(*args)`` / ``torch.<Type>Tensor(*args)`` builds (``dtype`` None:
    the default dtype)."""
    unknown = set(kwargs) - {"device"}
    if unknown:
        raise TypeError(f"new() received an invalid combination of arguments - got an "
                        f"unexpected keyword argument '{sorted(unknown)[0]}'")  # fmt: skip
    dt = _dt.get_default_dtype() if dtype is None else dtype
    if not args:
        return Tensor._make(constant(np.empty(0, dt.np)))
    if _is_sizes(args):
        shape = tuple(int(a) for a in (args[0] if isinstance(args[0], Size) else args))
        check_sizes(shape)
        return Tensor._make(constant(np.zeros(shape, dt.np)))  # "uninitialised": zeros
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if dtype is not None and other.dtype is not dtype:
            raise TypeError(f"expected {_options(dtype)} (got {_options(other.dtype)})")
        return Tensor._make(other._data)  # an alias, as PyTorch's (same storage)
    if len(args) > 1:
        raise TypeError("new() received an invalid combination of arguments")
    data = args[0]
    if not isinstance(data, (list, tuple, np.ndarray, range)):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    return _tensor(list(data) if isinstance(data, range) else data, dtype=dt)


def _options(dtype: _dt.dtype) -> str:
    """A dtype as PyTorch's TensorOptions print it in the legacy constructors' errors."""
    return (f"TensorOptions(dtype={dtype.cpp}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")  # fmt: skip


def tensor_new(cls, *args, **kwargs):
    """``Tensor.__new__``: subclasses that define their own ``__new__`` never get here."""
    return legacy_new(None, args, kwargs)


class _LegacyType(type):
    """The metaclass of ``FloatTensor`` and kin: calling builds, isinstance checks the dtype."""

    dtype: _dt.dtype  # each class's, set where the class is made

    def __call__(cls, *args, **kwargs):
        return legacy_new(cls.dtype, args, kwargs)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_class(name: str, dtype: _dt.dtype) -> type:
    doc = f"Legacy constructor: ``{name}(data)`` or ``{name}(*sizes)``, dtype {dtype.name}."
    cls = _LegacyType(name, (), {"dtype": dtype, "__doc__": doc})
    cls.__module__ = "torch"
    return cls


LEGACY_TYPES = {
    f"{d.legacy}Tensor": _legacy_class(f"{d.legacy}Tensor", d)
    for d in (
        _dt.float32,
        _dt.float64,
        _dt.float16,
        _dt.int64,
        _dt.int32,
        _dt.int16,
        _dt.int8,
        _dt.uint8,
        _dt.bool_,
    )  # fmt: skip
}


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor)

    def __repr__(cls) -> str:
        return "<class 'torch.autograd.variable.Variable'>"


class Variable(metaclass=_VariableMeta):
    """The pre-0.4 wrapper, now a plain tensor: ``Variable(t, requires_grad=False)``.

    Returns a new tensor sharing ``t``'s data; ``volatile`` is ignored, as in PyTorch.

    >>> import graphgrad as torch
    >>> from graphgrad.autograd import Variable
    >>> v = Variable(torch.ones(2), requires_grad=True)
    >>> v.requires_grad, isinstance(v, Variable)
    (True, True)
    """

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        if data is None:
            data = Tensor._make(np.empty(0, _dt.get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return Tensor._make(data._data, bool(requires_grad))


# -- Tensor.new and new_* -----------------------------------------------------------------------
def _size_args(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        return tuple(size[0])
    return tuple(size)


def _new_filled(self: Tensor, size, value, dtype, device, requires_grad) -> Tensor:
    _device.cpu_only(device)
    dt = self.dtype if dtype is None else dtype
    shape = _size_args(size)
    check_sizes(shape)
    arr = np.full(shape, value, dt.np)
    return Tensor._make(constant(arr), requires_grad)  # (a compiled call's constant)


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False) -> Tensor:  # fmt: skip
    """Ones of ``size``, with this tensor's dtype unless ``dtype`` is given.

    {args}

    >>> import graphgrad as torch
    >>> torch.tensor([1, 2]).new_ones(2, 2)
    tensor([[1, 1],
            [1, 1]])
    """
    return _new_filled(self, size, 1, dtype, device, requires_grad)


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False) -> Tensor:  # fmt: skip
    """Zeros of ``size``, with this tensor's dtype unless ``dtype`` is given.

    {args}

    >>> import graphgrad as torch
    >>> torch.ones(1, dtype=torch.float64).new_zeros((2,))
    tensor([0., 0.], dtype=torch.float64)
    """
    return _new_filled(self, size, 0, dtype, device, requires_grad)


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False) -> Tensor:  # fmt: skip
    """An uninitialised tensor of ``size`` (zeros here), this tensor's dtype by default.

    {args}

    >>> import graphgrad as torch
    >>> torch.ones(1).new_empty(3).shape
    torch.Size([3])
    """
    return _new_filled(self, size, 0, dtype, device, requires_grad)


def new_full(self: Tensor, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False) -> Tensor:  # fmt: skip
    """``fill_value`` in a tensor of ``size``, this tensor's dtype by default (``fill_value``:
    the value).

    {args}

    >>> import graphgrad as torch
    >>> torch.ones(1).new_full((2,), 7)
    tensor([7., 7.])
    """
    return _new_filled(self, (size,), fill_value, dtype, device, requires_grad)


def new_tensor(self: Tensor, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False) -> Tensor:  # fmt: skip
    """A copy of ``data`` as a tensor of this tensor's dtype (or ``dtype``).

    {args}

    >>> import graphgrad as torch
    >>> torch.ones(1, dtype=torch.int32).new_tensor([1.7, 2.2])
    tensor([1, 2], dtype=torch.int32)
    """
    _device.cpu_only(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "tensor.new_tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        data = data._data.copy()
    out = _tensor(data, dtype=self.dtype if dtype is None else dtype)
    return out.requires_grad_(True) if requires_grad else out


# The arguments the new_* methods share, written once into their docstrings.
_NEW_ARGS = """Args:
        size (or data): the shape, as integers or one tuple (the data, for ``new_tensor``).
        dtype: the dtype; this tensor's when ``None``.
        device: only ``"cpu"`` (or ``None``): a CUDA device raises, as in PyTorch's CPU build.
        requires_grad: whether the result records operations for autograd.
        layout, pin_memory: accepted for PyTorch's signature."""
for _fn in (new_ones, new_zeros, new_empty, new_full, new_tensor):
    _fn.__doc__ = (_fn.__doc__ or "").replace("{args}", _NEW_ARGS)


def new(self: Tensor, *args, **kwargs) -> Tensor:
    """Legacy ``t.new(data)`` / ``t.new(*sizes)``: ``torch.Tensor``'s forms in ``t``'s dtype.

    >>> import graphgrad as torch
    >>> torch.tensor([1, 2]).new([3, 4])
    tensor([3, 4])
    """
    return legacy_new(self.dtype, args, kwargs)


TENSOR_METHODS = {
    "new": new,
    "new_ones": new_ones,
    "new_zeros": new_zeros,
    "new_empty": new_empty,
    "new_full": new_full,
    "new_tensor": new_tensor,
}
