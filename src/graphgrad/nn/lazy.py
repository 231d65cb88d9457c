"""Lazy modules: layers whose input size is read from their first input. Until then their
parameters and buffers are ``UninitializedParameter`` / ``UninitializedBuffer``; the first
forward materialises them (in place), initialises them as the eager layer would, and turns
the module into that layer (``LazyLinear`` becomes ``Linear``).

>>> import graphgrad as torch
>>> layer = torch.nn.LazyLinear(4)
>>> layer
LazyLinear(in_features=0, out_features=4, bias=True)
>>> layer(torch.ones(2, 3)).shape, layer
(torch.Size([2, 4]), Linear(in_features=3, out_features=4, bias=True))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .linear import Linear
from .norm import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
)
from .parameter import Parameter, _Lazy, is_lazy

if TYPE_CHECKING:  # the layers the mixins are mixed into, so mypy sees what they extend
    from .conv import _ConvNd
    from .module import Module
    from .norm import _BatchNorm

    _UninitializedBase = Tensor
    _LazyModuleBase = Module
    _LazyConvBase = _ConvNd
    _LazyNormLayer = _BatchNorm
else:
    _UninitializedBase = _LazyModuleBase = _LazyConvBase = _LazyNormLayer = object

_UNSET = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually "
    "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
    "initialized one. Call `forward` to initialize the parameters before accessing their "
    "attributes."
)


class _Uninitialized(_Lazy, _UninitializedBase):
    """What the uninitialized tensors share: no shape yet, and ``materialize``."""

    __slots__ = ()
    cls_to_become: type = Tensor

    @property
    def shape(self):
        raise RuntimeError(_UNSET)

    def size(self, dim=None):
        raise RuntimeError(_UNSET)

    def numel(self) -> int:
        raise RuntimeError(_UNSET)

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Give the tensor its ``shape`` (uninitialised values) and make it a plain one.

        Args:
            shape: the shape.
            device: only the CPU.
            dtype: the dtype (the default dtype when ``None``).

        >>> p = torch.nn.UninitializedParameter()
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', torch.Size([2, 3]))
        """
        dt = (dtype or get_default_dtype()).np
        self._data = np.empty(tuple(shape) if not isinstance(shape, int) else (shape,), dt)
        self.__class__ = self.cls_to_become

    # Tensor's repr takes a keyword-only tensor_contents; these have no contents to print
    def __repr__(self) -> str:  # type: ignore[override]
        return f"<{type(self).__name__}>"


class UninitializedParameter(_Uninitialized, Parameter):
    """A parameter with no shape yet (a lazy module's, until its first forward).

    Args:
        requires_grad: whether the parameter will require grad.
        device, dtype: where and of what type it will be.

    >>> torch.nn.UninitializedParameter()
    <UninitializedParameter>
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        p = cls._make(np.empty(0, (dtype or get_default_dtype()).np), bool(requires_grad))
        return p

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer with no shape yet (a lazy module's running statistics).

    Args:
        requires_grad: whether the buffer will require grad.
        device, dtype: where and of what type it will be.

    >>> torch.nn.UninitializedBuffer()
    <UninitializedBuffer>
    """

    __slots__ = ()

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None):
        return cls._make(np.empty(0, (dtype or get_default_dtype()).np), bool(requires_grad))

    def __init__(self, requires_grad: bool = False, device=None, dtype=None) -> None:
        pass


def _infer_parameters(module, args) -> None:
    """The forward pre-hook of a lazy module: materialise, then become the eager layer."""
    module.initialize_parameters(*args)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


class LazyModuleMixin(_LazyModuleBase):
    """Makes a module lazy: ``initialize_parameters(*inputs)`` runs before the first forward,
    then the module becomes ``cls_to_become``.

    >>> torch.nn.LazyLinear(2).has_uninitialized_params()
    True
    """

    cls_to_become: type[Module] | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer still awaits its shape.

        >>> torch.nn.LazyBatchNorm1d().has_uninitialized_params()
        True
        """
        tensors = list(self._parameters.values()) + list(self._buffers.values())
        return any(is_lazy(t) for t in tensors)

    def initialize_parameters(self, *args, **kwargs) -> None:
        """Materialise the parameters from the first input (each lazy layer defines it).

        >>> torch.nn.LazyLinear(2).initialize_parameters(torch.ones(1, 3))
        """
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {type(self).__name__}"
        )


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is the first input's last dimension.

    Args:
        out_features: the size of each output's last dimension.
        bias: whether to add a learnable bias.
        device, dtype: as in ``Linear``.

    >>> torch.nn.LazyLinear(2)(torch.ones(1, 5)).shape
    torch.Size([1, 2])
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(0, 0, False)
        self._dtype = dtype
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        """Initialise as ``Linear`` does, once the input size is known.

        >>> torch.nn.LazyLinear(2).reset_parameters()
        """
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if not self.has_uninitialized_params():
            return
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features), dtype=self._dtype)
        if self.bias is not None:
            self.bias.materialize((self.out_features,), dtype=self._dtype)
        self.reset_parameters()


class _LazyConvXdMixin(LazyModuleMixin, _LazyConvBase):
    """The lazy convolutions: ``in_channels`` from the first input's channel dim."""

    def _lazy_init(self, out_channels: int, bias: bool, dtype) -> None:
        self._dtype = dtype
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        """Initialise as the eager convolution does, once the input size is known.

        >>> torch.nn.LazyConv1d(2, 3).reset_parameters()
        """
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args) -> None:
        if not self.has_uninitialized_params():
            return
        batched = input.ndim == self._nd + 2
        self.in_channels = input.shape[1 if batched else 0]
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups)
        else:
            shape = (self.out_channels, self.in_channels // self.groups)
        self.weight.materialize(shape + tuple(self.kernel_size), dtype=self._dtype)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,), dtype=self._dtype)
        self.reset_parameters()


def _lazy_conv(eager: type[Any], transposed: bool) -> type:
    """The lazy form of a convolution layer (PyTorch's arguments, minus ``in_channels``).

    ``eager`` is typed ``type[Any]``: its ``__init__`` is called unbound on the lazy layer,
    with the transposed or the plain convolution's arguments."""

    def transposed_init(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                        groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                        dtype=None) -> None:  # fmt: skip
        eager.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, groups,
                       False, dilation, padding_mode)  # fmt: skip
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)
        self._lazy_init(out_channels, bias, dtype)

    def plain_init(self, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                   groups=1, bias=True, padding_mode="zeros", device=None,
                   dtype=None) -> None:  # fmt: skip
        eager.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False,
                       padding_mode)  # fmt: skip
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters)
        self._lazy_init(out_channels, bias, dtype)

    init = transposed_init if transposed else plain_init

    name = "Lazy" + eager.__name__
    doc = (
        f"``{eager.__name__}`` whose ``in_channels`` is the first input's channel count.\n\n"
        "    Args:\n        out_channels, kernel_size, stride, padding, dilation, groups, bias,\n"
        + ("        output_padding,\n" if transposed else "")
        + f"        padding_mode, device, dtype: as in ``{eager.__name__}``.\n\n"
        f"    >>> torch.nn.{name}(2, 1).cls_to_become.__name__\n    '{eager.__name__}'\n"
    )
    attrs = {"__init__": init, "cls_to_become": eager, "__doc__": doc, "__module__": __name__}
    return type(name, (_LazyConvXdMixin, eager), attrs)


LazyConv1d = _lazy_conv(Conv1d, False)
LazyConv2d = _lazy_conv(Conv2d, False)
LazyConv3d = _lazy_conv(Conv3d, False)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d, True)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d, True)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d, True)


class _LazyNormBase(LazyModuleMixin, _LazyNormLayer):
    """The lazy batch and instance norms: ``num_features`` from the first input."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None) -> None:  # fmt: skip
        super().__init__(0, eps, momentum, False, False)
        self.affine, self.track_running_stats, self._dtype = affine, track_running_stats, dtype
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.register_buffer("running_mean", UninitializedBuffer(dtype=dtype))
            self.register_buffer("running_var", UninitializedBuffer(dtype=dtype))
            self.register_buffer("num_batches_tracked", Tensor._make(np.array(0, np.int64)))

    def initialize_parameters(self, input: Tensor) -> None:
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]  # PyTorch's choice, for unbatched input too
        for name, value in (("weight", 1.0), ("bias", 0.0)):
            if self.affine:
                getattr(self, name).materialize((self.num_features,), dtype=self._dtype)
                getattr(self, name)._data[...] = value
        if self.track_running_stats:
            for name, value in (("running_mean", 0.0), ("running_var", 1.0)):
                getattr(self, name).materialize((self.num_features,), dtype=self._dtype)
                getattr(self, name)._data[...] = value


def _lazy_norm(eager: type) -> type:
    name = "Lazy" + eager.__name__
    doc = (
        f"``{eager.__name__}`` whose ``num_features`` is the first input's channel count "
        "(affine, with running statistics, by default).\n\n"
        "    Args:\n        eps, momentum, affine, track_running_stats, device, dtype: as in "
        f"``{eager.__name__}``.\n\n"
        f"    >>> torch.nn.{name}().cls_to_become.__name__\n    '{eager.__name__}'\n"
    )
    attrs = {"cls_to_become": eager, "__doc__": doc, "__module__": __name__}
    return type(name, (_LazyNormBase, eager), attrs)


LazyBatchNorm1d = _lazy_norm(BatchNorm1d)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d)

__all__ = [
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
    "LazyLinear",
    "LazyModuleMixin",
    "UninitializedBuffer",
    "UninitializedParameter",
]
