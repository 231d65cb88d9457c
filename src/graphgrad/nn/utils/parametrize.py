"""``nn.utils.parametrize``: a module attribute computed from other tensors.

``register_parametrization(module, "weight", f)`` moves ``module.weight`` to
``module.parametrizations.weight.original`` and makes ``module.weight`` a property that returns
``f(original)`` (differentiably), as PyTorch does: the module's class is swapped for a subclass
``Parametrized<Name>`` that holds the property, so ``state_dict`` keys are
``parametrizations.weight.original`` (``original0``, ``original1``, ... when a
``right_inverse`` returns several tensors).

>>> import graphgrad as torch
>>> class Symmetric(torch.nn.Module):
...     def forward(self, X):
...         return X.triu() + X.triu(1).transpose(0, 1)
>>> m = register_parametrization(torch.nn.Linear(3, 3), "weight", Symmetric())
>>> bool((m.weight == m.weight.T).all()), type(m).__name__
(True, 'ParametrizedLinear')
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Sequence
from typing import Any

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..container import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

_cache_enabled = 0
_cache: dict = {}


@contextlib.contextmanager
def cached():
    """Inside this block each parametrized tensor is computed once, at its first use, and the
    result is reused (useful when a parametrized weight is read several times per step).

    >>> m = torch.nn.Linear(2, 2)
    >>> _ = register_parametrization(m, "weight", torch.nn.Identity())
    >>> with torch.nn.utils.parametrize.cached():
    ...     m.weight is m.weight
    True
    """
    global _cache_enabled, _cache
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _set_storage(dest: Tensor, src: Tensor) -> None:
    """``dest.set_(src)``: ``dest`` (the same object, so optimizers keep it) takes ``src``'s
    data, shape and dtype."""
    with no_grad():
        dest.data = src
        dest._bump_version()


def _register_parameter_or_buffer(module: Module, name: str, x: Tensor) -> None:
    if isinstance(x, Parameter):
        module.register_parameter(name, x)
    else:
        module.register_buffer(name, x)


def _check_output(z, before: tuple, labels: tuple[str, str], hint: str) -> None:
    """The checks that a (safe) parametrization returns a tensor of the ``(dtype, shape)``
    ``before`` of its input; ``labels`` start the two lines of the message."""
    if not isinstance(z, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
    for kind, old, new in (("dtype", before[0], z.dtype), ("shape", before[1], z.shape)):
        if old != new:
            raise ValueError(
                f"Registering a parametrization may not change the {kind} of the tensor, unless "
                f"{hint} flag is enabled.\n{labels[0]}{kind}: {old}\n{labels[1]}{kind}: {new}"
            )


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, and the unparametrized tensor(s)
    they start from (``original``, or ``original0``, ``original1``, ... when the first
    ``right_inverse`` returns a sequence). ``register_parametrization`` builds it; it lives at
    ``module.parametrizations[tensor_name]``.

    Args:
        modules: the parametrizations (at least one).
        original: the tensor being parametrized (its storage is kept and replaced by the value of
            the ``right_inverse`` chain, so it stays the same Parameter object).
        unsafe: skip the checks that the parametrization keeps the dtype and shape.

    >>> m = register_parametrization(torch.nn.Linear(2, 2), "weight", torch.nn.Identity())
    >>> m.parametrizations.weight
    ParametrizationList(
      (0): Identity()
    )
    """

    original: Tensor
    unsafe: bool

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype
        new: Any = original
        with no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(
                "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                f"Got {type(new).__name__}"
            )
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if isinstance(new, Tensor):
            self._keep_original(original, new)
        else:
            self._register_originals(original, new)
        if not self.unsafe:
            labels = ("unparametrized ", "parametrized ")
            _check_output(self(), (original_dtype, original_shape), labels, "`unsafe`")

    def _keep_original(self, original: Tensor, new: Tensor) -> None:
        if original.dtype != new.dtype:
            raise ValueError(
                "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                f"original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}"
            )
        if new is not original:
            _set_storage(original, new)
        _register_parameter_or_buffer(self, "original", original)

    def _register_originals(self, original: Tensor, new: Sequence) -> None:
        for i, originali in enumerate(new):
            if not isinstance(originali, Tensor):
                raise ValueError(
                    "'right_inverse' must return a Tensor or a Sequence of tensors "
                    f"(list, tuple...). Got element {i} of the sequence with type "
                    f"{type(originali).__name__}."
                )
            if isinstance(original, Parameter):
                originali = Parameter(originali, original.requires_grad)
            originali.requires_grad_(original.requires_grad)
            _register_parameter_or_buffer(self, f"original{i}", originali)

    def right_inverse(self, value: Tensor) -> None:
        """Set the original tensor(s) so that the parametrized tensor becomes ``value``: each
        parametrization's ``right_inverse``, last to first (what ``module.weight = value``
        calls).

        Args:
            value: the new value of the parametrized tensor.

        >>> class Double(torch.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        ...     def right_inverse(self, Y):
        ...         return Y / 2
        >>> m = register_parametrization(torch.nn.Linear(1, 1), "weight", Double())
        >>> m.parametrizations.weight.right_inverse(torch.tensor([[2.0]]))
        >>> m.parametrizations.weight.original
        Parameter containing:
        tensor([[1.]], requires_grad=True)
        """
        with no_grad():
            for module in reversed(self):
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(
                        f"parametrization {type(module).__name__} does not implement right_inverse."
                    )
                value = module.right_inverse(value)
            if self.is_tensor:
                self._set_original("original", value, "a tensor")
            else:
                if not isinstance(value, Sequence):
                    raise ValueError(
                        f"'right_inverse' must return a sequence of tensors. "
                        f"Got {type(value).__name__}."
                    )
                if len(value) != self.ntensors:
                    raise ValueError(
                        "'right_inverse' must return a sequence of tensors of length "
                        f"{self.ntensors}. Got a sequence of length {len(value)}."
                    )
                for i, tensor in enumerate(value):
                    self._set_original(f"original{i}", tensor, f"a tensor at index {i}")

    def _set_original(self, name: str, value, what: str) -> None:
        original = getattr(self, name)
        if not isinstance(value, Tensor):
            raise ValueError(f"`right_inverse` should return {what}. Got {type(value).__name__}")
        if value.dtype != original.dtype:
            raise ValueError(
                f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                f"while `{name}` has dtype {original.dtype}"
            )
        if value.shape != original.shape:
            raise ValueError(
                f"The tensor returned by `right_inverse` has shape {value.shape} "
                f"while `{name}` has shape {original.shape}"
            )
        _set_storage(original, value)

    def forward(self):
        """The parametrized tensor: the first parametrization applied to the original tensor(s),
        then each following one to the result.

        >>> m = register_parametrization(torch.nn.Linear(1, 1), "weight", torch.nn.Identity())
        >>> m.parametrizations.weight().shape
        torch.Size([1, 1])
        """
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _getstate(self):
    raise RuntimeError(
        "Serialization of parametrized modules is only supported through state_dict(). "
        "See:\nhttps://pytorch.org/tutorials/beginner/saving_loading_models.html"
        "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
    )


def _deepcopy(self, memo: dict):
    """A copy of the same (parametrized) class with its state copied: pickling, which deepcopy
    would fall back on, is refused by ``__getstate__``."""
    if id(self) in memo:
        return memo[id(self)]
    replica = self.__class__.__new__(self.__class__)
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    return replica


def _inject_new_class(module: Module) -> None:
    """Swap ``module``'s class for a fresh subclass, so that properties added to it concern this
    one module only."""
    cls = module.__class__
    namespace: dict = {"__getstate__": _getstate}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _inject_property(module: Module, tensor_name: str) -> None:
    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        key = (id(self), tensor_name)
        if key not in _cache:
            _cache[key] = parametrization()
        return _cache[key]

    def set_original(self, value) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make ``module.<tensor_name>`` the value of ``parametrization`` applied to the tensor it
    replaces. Registering on an already parametrized tensor appends to its list.

    The parametrization may define ``right_inverse(X)`` (a tensor, or a sequence of tensors that
    ``forward`` then takes as arguments): it gives the original tensor(s) at registration and
    when ``module.<tensor_name>`` is assigned.

    Args:
        module: the module.
        tensor_name: the name of a parameter or buffer of ``module`` (or one already
            parametrized).
        parametrization: a module whose ``forward`` maps the original tensor(s) to the
            parametrized one.
        unsafe: allow a parametrization that changes the dtype or shape (the checks are
            skipped).

    >>> m = register_parametrization(torch.nn.Linear(2, 2), "weight", torch.nn.Identity())
    >>> list(m.state_dict())
    ['bias', 'parametrizations.weight.original']
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_appended(module, tensor_name, parametrization)
        plist = module.parametrizations[tensor_name]
        plist.append(parametrization)
        plist.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = plist
    else:
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
            f"with name '{tensor_name}'"
        )
    return module


def _check_appended(module: Module, tensor_name: str, parametrization: Module) -> None:
    """A parametrization appended to a safe list must keep the tensor's dtype and shape, and so
    must its ``right_inverse``."""
    y = getattr(module, tensor_name)
    labels = (f"module.{tensor_name}.", f"parametrization(module.{tensor_name}).")
    _check_output(parametrization(y), (y.dtype, y.shape), labels, "the `unsafe`")
    if hasattr(parametrization, "right_inverse"):
        try:
            z = parametrization.right_inverse(y)
        except NotImplementedError:
            return
        if not isinstance(z, Tensor):
            raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(z)}")
        if z.dtype != y.dtype:
            raise ValueError(
                "The tensor returned by parametrization.right_inverse must have the same dtype "
                f"as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                f"module.{tensor_name}.dtype: {y.dtype}\nreturned dtype: {z.dtype}"
            )
        if z.shape != y.shape:
            raise ValueError(
                "The tensor returned by parametrization.right_inverse must have the same shape "
                f"as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                f"module.{tensor_name}.shape: {y.shape}\nreturned shape: {z.shape}"
            )


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization (on ``tensor_name``, or on any tensor).

    Args:
        module: the module.
        tensor_name: a tensor name, or ``None`` for any.

    >>> m = torch.nn.Linear(2, 2)
    >>> is_parametrized(m)
    False
    >>> is_parametrized(register_parametrization(m, "weight", torch.nn.Identity()), "weight")
    True
    """
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(
    module: Module, tensor_name: str, leave_parametrized: bool = True
) -> Module:
    """Undo the parametrizations of ``module.<tensor_name>``: it becomes a plain parameter or
    buffer again, holding the current parametrized value (``leave_parametrized=True``) or the
    original tensor. The module gets its own class back once nothing is parametrized.

    Args:
        module: the module.
        tensor_name: the parametrized tensor's name.
        leave_parametrized: keep the parametrized value rather than the original one.

    >>> m = register_parametrization(torch.nn.Linear(2, 2), "weight", torch.nn.Identity())
    >>> type(remove_parametrizations(m, "weight")).__name__, list(m.state_dict())
    ('Linear', ['bias', 'weight'])
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
            _set_storage(original, t)
    else:
        if not leave_parametrized:
            raise ValueError(
                "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                "parametrized in terms of a sequence of tensors."
            )
        t = getattr(module, tensor_name)
        original = Parameter(t.detach(), True) if t.requires_grad else t.detach()
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before it was parametrized (its own class when it is not).

    Args:
        module: the module.

    >>> m = register_parametrization(torch.nn.Linear(2, 2), "weight", torch.nn.Identity())
    >>> type_before_parametrizations(m).__name__
    'Linear'
    """
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(
    from_module: Module, to_module: Module, tensor_name: str | None = None
) -> Module:
    """Register on ``to_module`` the parametrizations of ``from_module`` (of ``tensor_name``,
    or all of them) and make it share their original tensors.

    Args:
        from_module: the parametrized module.
        to_module: the module to parametrize (a missing tensor is first created as a Parameter
            holding ``from_module``'s parametrized value).
        tensor_name: one tensor, or ``None`` for every parametrized tensor.

    >>> a = register_parametrization(torch.nn.Linear(2, 2), "weight", torch.nn.Identity())
    >>> b = transfer_parametrizations_and_params(a, torch.nn.Linear(2, 2))
    >>> b.parametrizations.weight.original is a.parametrizations.weight.original
    True
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        source = from_module.parametrizations[name]
        for parametrization in source:
            register_parametrization(to_module, name, parametrization)
        target = to_module.parametrizations[name]
        if hasattr(source, "original"):
            target.original = source.original
        else:
            i = 0
            while hasattr(source, f"original{i}"):
                setattr(target, f"original{i}", getattr(source, f"original{i}"))
                i += 1
    return to_module
