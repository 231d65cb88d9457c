"""Weight normalisation, the old hook-based form: ``weight_norm`` and ``remove_weight_norm``.

``weight = g * v / ||v||`` (the norm over every dimension but ``dim``): the module keeps the
parameters ``weight_g`` and ``weight_v`` and a forward pre-hook recomputes ``weight`` before each
call. (``torch.nn.utils.parametrizations.weight_norm`` is the newer form.)

>>> import graphgrad as torch
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     m = weight_norm(torch.nn.Linear(2, 3))
>>> list(m.state_dict()), m.weight_g.shape
(['bias', 'weight_g', 'weight_v'], torch.Size([3, 1]))
"""

from __future__ import annotations

import warnings

from ...autograd.grad_mode import no_grad
from ...linalg import vector_norm
from ...tensor import Tensor
from ..lazy import UninitializedParameter
from ..module import Module
from ..parameter import Parameter


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002
    """The ``pow``-norm of ``v`` over every dimension but ``dim``, kept as size-1 dimensions
    (``dim=-1``: the norm of the whole tensor, a 0-d tensor), as ``torch.norm_except_dim``.

    Args:
        v: the tensor.
        pow: the order of the norm.
        dim: the dimension kept (``-1`` for none).

    >>> norm_except_dim(torch.tensor([[3.0, 4.0], [0.0, 1.0]]), 2, 0)
    tensor([[5.],
            [1.]])
    """
    if dim == -1:
        return vector_norm(v, pow)
    dim = dim % v.ndim
    others = tuple(d for d in range(v.ndim) if d != dim)
    return vector_norm(v, pow, dim=others, keepdim=True)


def _weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """``v * (g / norm_except_dim(v, 2, dim))``, as ``torch._weight_norm``."""
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook that ``weight_norm`` registers: it sets ``module.<name>`` from
    ``<name>_g`` and ``<name>_v`` before each call.

    Args:
        name: the parameter's name.
        dim: the dimension whose slices are normalised separately (``-1``: the whole tensor).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = weight_norm(torch.nn.Linear(2, 3))
    >>> [type(h).__name__ for h in m._forward_pre_hooks.values()]
    ['WeightNorm']
    """

    name: str
    dim: int

    def __init__(self, name: str, dim: int) -> None:
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module: Module) -> Tensor:
        """``g * v / ||v||`` from the module's ``<name>_g`` and ``<name>_v``.

        Args:
            module: the module.

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = weight_norm(torch.nn.Linear(2, 3))
        >>> hook = next(iter(m._forward_pre_hooks.values()))
        >>> hook.compute_weight(m).shape
        torch.Size([3, 2])
        """
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int) -> WeightNorm:
        """Reparametrize ``module.<name>`` and register the hook (``weight_norm`` calls this).

        Args:
            module: the module.
            name: the parameter's name.
            dim: the dimension kept by the norm.

        >>> m = torch.nn.Linear(2, 3)
        >>> WeightNorm.apply(m, "weight", 0).name
        'weight'
        """
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two weight_norm hooks on the same parameter {name}"
                )
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `WeightNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying weight normalization"
            )
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        """Make ``module.<name>`` a plain parameter again (holding the current weight).

        Args:
            module: the module.

        >>> m = torch.nn.Linear(2, 3)
        >>> WeightNorm.apply(m, "weight", 0).remove(m)
        >>> list(m.state_dict())
        ['bias', 'weight']
        """
        with no_grad():
            weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Split ``module.<name>`` into a magnitude ``<name>_g`` and a direction ``<name>_v``
    (``weight = g * v / ||v||``), recomputed before every forward. Deprecated in PyTorch in
    favour of ``torch.nn.utils.parametrizations.weight_norm`` (it warns, as PyTorch does).

    Args:
        module: the module.
        name: the parameter's name.
        dim: the dimension whose slices get their own magnitude (``None``: one for the whole
            tensor).

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = torch.nn.utils.weight_norm(torch.nn.Linear(2, 3), dim=None)
    >>> m.weight_g.shape, m.weight_v.shape
    (torch.Size([]), torch.Size([3, 2]))
    """
    warnings.warn(
        "`torch.nn.utils.weight_norm` is deprecated in favor of "
        "`torch.nn.utils.parametrizations.weight_norm`.",
        FutureWarning,
        stacklevel=2,
    )
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo ``weight_norm``: ``module.<name>`` becomes a plain parameter holding its current
    value.

    Args:
        module: the module.
        name: the parameter's name.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = torch.nn.utils.weight_norm(torch.nn.Linear(2, 3))
    >>> list(torch.nn.utils.remove_weight_norm(m).state_dict())
    ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
