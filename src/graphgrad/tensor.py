"""The bare Tensor type: an array plus autograd state. Operators are attached in ``_methods``.

``tensor.py`` sits below ``ops/``: it knows the array, its dtype, its version counter and its
place in the graph, but no op. ``graphgrad/_methods.py`` adds ``+``, ``sum`` and the rest once the
ops exist, so the dependency runs one way.
"""

from __future__ import annotations

import copy
import threading
import warnings
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from . import _printing
from ._device import CPU
from ._layout import strided
from ._memory_format import contiguous_format, is_in, memory_format
from .dtypes import _FROM_NUMPY, dtype, from_numpy_dtype

if TYPE_CHECKING:
    import weakref

    from ._tensor_methods import TensorMethods
    from .autograd.node import AccumulateGrad, Node
    from .dtypes import dtype as _dtype
else:
    # The ops become methods when the package is imported (_methods.install); the type checker
    # reads them from the generated stub _tensor_methods.pyi instead.
    TensorMethods = object


class VersionCounter:
    """Counts in-place writes to one storage; shared by a tensor, its views and detach()."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1


class InferenceTensorError(RuntimeError):
    """Raised when an inference tensor's version is read (it has none)."""


class InferenceCounter:
    """The counter of a tensor made under ``inference_mode``: it tracks no version, so such a
    tensor can be neither saved for backward nor checked for in-place changes, as in PyTorch."""

    __slots__ = ()

    @property
    def value(self) -> int:
        raise InferenceTensorError("Inference tensors do not track version counter.")

    def bump(self) -> None:
        pass  # in-place writes inside inference mode are not counted


class _InferenceState(threading.local):
    enabled = False


# ``inference_mode`` is per thread; ``_inference_threads`` counts the threads inside it, so that
# while it is 0 (the common case) making a tensor costs one global read, not a thread-local one.
inference_state = _InferenceState()
_inference_threads = 0
_inference_lock = threading.Lock()


def enter_inference_mode(enabled: bool) -> bool:
    """Switch this thread's inference mode; returns the previous setting (what
    ``inference_mode`` does on entering and leaving).

    Args:
        enabled: the new setting.

    >>> from graphgrad.tensor import enter_inference_mode
    >>> previous = enter_inference_mode(True)
    >>> enter_inference_mode(previous)
    True
    """
    global _inference_threads
    prev = inference_state.enabled
    if prev != enabled:
        with _inference_lock:
            _inference_threads += 1 if enabled else -1
        inference_state.enabled = enabled
    return prev


def _new_counter():
    return InferenceCounter() if inference_state.enabled else VersionCounter()


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``.

    >>> torch.zeros(2, 3).shape
    torch.Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(d) for d in self)}])"

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds.

        >>> torch.Size([2, 3]).numel()
        6
        """
        n = 1
        for d in self:
            n *= d
        return n


_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)


_TensorT = TypeVar("_TensorT", bound="Tensor")  # a Tensor subclass (Parameter...)

# A tensor's own autograd state in its instance dict (the accumulator its gradients arrive
# through, its hooks, its views and its base; its gradient, which ``__deepcopy__`` copies on its
# own): a copy starts without it, as PyTorch's does, and gets only the attributes a user set (a
# copy that shared them ran the original's hooks, and graphgrad.compile took its gradients for
# the original's).
_OWN_STATE = frozenset(
    {
        "_grad",
        "_output_nr",
        "_base",
        "_accumulator",
        "_retains_grad",
        "_backward_hooks",
        "_post_accumulate_grad_hooks",
        "_views",
        "_view_meta",
    }
)


class Tensor(TensorMethods):
    """A multi-dimensional array that records the operations applied to it.

    >>> import graphgrad as torch
    >>> x = torch.tensor(7.0, requires_grad=True)
    >>> f = x**2 + 3
    >>> f.backward()
    >>> x.grad
    tensor(14.)
    """

    __slots__ = (
        "_data",
        "dtype",
        "_requires_grad",
        "grad_fn",
        "_vc",
        "__dict__",
        "__weakref__",
    )
    _data: np.ndarray
    dtype: _dtype
    _requires_grad: bool
    grad_fn: Node | None
    _vc: VersionCounter | InferenceCounter | None

    # Rarely set state lives in the instance dict only when it differs from these defaults,
    # which keeps creating a tensor (every op does) cheap.
    _grad: Tensor | None = None
    _output_nr = 0
    _base: Tensor | None = None
    _accumulator: weakref.ref[AccumulateGrad] | None = None
    _retains_grad = False
    _backward_hooks: dict | None = None

    # Make NumPy defer to Tensor's reflected operators (ndarray + Tensor -> Tensor.__radd__).
    __array_priority__ = 1000
    # Dense tensors; the sparse COO subclass (ops/sparse/coo.py) overrides both.
    is_sparse = False
    layout = strided
    _post_accumulate_grad_hooks: list | None = None  # per leaf; see _methods.py

    def __init__(self, *args, **kwargs) -> None:
        """Nothing to do: the legacy ``Tensor(data)`` / ``Tensor(*sizes)`` forms are built by
        ``__new__`` (installed from _legacy.py by the package)."""

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def _make(
        cls: type[_TensorT],
        data: np.ndarray,
        requires_grad: bool = False,
        grad_fn=None,
        output_nr: int = 0,
        base: Tensor | None = None,
    ) -> _TensorT:
        """Wrap an array without copying (the internal constructor every op uses)."""
        t = object.__new__(cls)
        t._data = data
        t.dtype = _FROM_NUMPY[data.dtype]
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        if base is None:
            # one global read in the common case (see enter_inference_mode); the counter itself
            # is made on first use (``_version_counter``)
            t._vc = _new_counter() if _inference_threads else None
        else:
            t._base = base
            t._vc = base._version_counter
        return t

    @property
    def _version_counter(self) -> VersionCounter | InferenceCounter:
        """The counter of in-place writes, shared with views; made on first use, since most
        tensors are never saved for backward, viewed or written in place."""
        vc = self._vc
        if vc is None:
            vc = self._vc = VersionCounter()
        return vc

    @_version_counter.setter
    def _version_counter(self, counter: VersionCounter | InferenceCounter) -> None:
        self._vc = counter

    # -- basic attributes ---------------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """A new tensor sharing storage, detached and not version-tracked."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if self._requires_grad and not value.dtype.is_floating_point:
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or "
                "complex dtype"
            )
        self._data = value._data
        self.dtype = value.dtype

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def device(self):
        return CPU

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def stride(self, dim: int | None = None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, *, memory_format: memory_format = contiguous_format) -> bool:
        return is_in(self._data, memory_format)

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    # -- autograd state -----------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag.__class__ is not bool:
            raise RuntimeError("requires_grad must be a bool")
        self._set_requires_grad(
            flag, "only Tensors of floating point and complex dtype can require gradients"
        )

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad.__class__ is not bool:
            raise TypeError(
                "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                f"{type(requires_grad).__name__}"
            )
        self._set_requires_grad(
            requires_grad, "only Tensors of floating point dtype can require gradients"
        )
        return self

    def _set_requires_grad(self, flag: bool, dtype_message: str) -> None:
        if flag and not inference_state.enabled and self.is_inference():
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed."
            )
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag and self.dtype.category < 2:
            raise RuntimeError(dtype_message)
        self._requires_grad = bool(flag)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype.cpp}' to a tensor "
                    f"with grad_dtype '{self.dtype.legacy}'. The gradient must match the "
                    "tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                    "gradient may break downstream systems that assume they match."
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def _version(self) -> int:
        return self._version_counter.value

    def is_inference(self) -> bool:
        """Whether this tensor was made under ``inference_mode``."""
        return type(self._version_counter) is InferenceCounter

    def _bump_version(self) -> None:
        self._version_counter.bump()

    def _is_view(self) -> bool:
        return self._base is not None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def detach(self) -> Tensor:
        """A leaf sharing storage and version counter, out of the graph."""
        t = Tensor._make(self._data)
        t._version_counter = self._version_counter
        return t

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self.grad_fn = None
        self._requires_grad = False
        return self

    # -- conversion to Python and NumPy -------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data if dtype is None else self._data.astype(dtype)

    def _scalar_check(self) -> None:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __float__(self) -> float:
        self._scalar_check()
        return float(self._data.reshape(()))

    def __complex__(self) -> complex:
        self._scalar_check()
        return complex(self._data.reshape(()))

    def __int__(self) -> int:
        self._scalar_check()
        return int(self._data.reshape(()))

    def __index__(self) -> int:
        if self.dtype.category > 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            many = "more than one value" if self._data.size else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self._data.reshape(()))

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self, *, tensor_contents=None) -> str:
        return _printing.tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment.  If you were attempting to deepcopy a module, "
                "this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        t = type(self)._make(self._data.copy(), self._requires_grad)
        memo[id(self)] = t
        attributes = {k: v for k, v in self.__dict__.items() if k not in _OWN_STATE}
        t.__dict__.update(copy.deepcopy(attributes, memo))
        if self._grad is not None:
            t._grad = copy.deepcopy(self._grad, memo)
        return t


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._make(data, requires_grad)


def _wrap_dim(dim: int, ndim: int) -> int:
    """Normalise a possibly negative dim, with PyTorch's IndexError when out of range."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not lo <= dim <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
        )
    return dim % ndim if ndim else 0


def is_tensor(obj: object) -> bool:
    """Whether ``obj`` is a graphgrad tensor.

    Args:
        obj: any object.

    >>> torch.is_tensor(torch.zeros(1)), torch.is_tensor([0.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def as_array(value, dt: dtype | None = None) -> np.ndarray:
    """An ndarray for a Tensor, array or nested sequence, in ``dt`` when given."""
    if isinstance(value, Tensor):
        arr = value._data
    else:
        arr = np.asarray(value)
    if dt is not None and arr.dtype != dt.np:
        arr = arr.astype(dt.np)
    return arr


__all__ = ["Size", "Tensor", "VersionCounter", "as_array", "from_numpy_dtype", "is_tensor"]
