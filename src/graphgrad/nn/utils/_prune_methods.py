"""The pruning methods of ``nn.utils.prune``: zero out parts of a parameter through a mask.

Pruning ``module.weight`` moves the parameter to ``weight_orig``, adds the buffer
``weight_mask`` and a forward pre-hook that sets ``module.weight = weight_orig * weight_mask``
before each call, as PyTorch does. Pruning the same tensor again combines the masks (a
``PruningContainer``); ``remove`` makes the pruned tensor a plain parameter again.

>>> import graphgrad as torch
>>> m = torch.nn.Linear(2, 2)
>>> _ = L1Unstructured.apply(m, "weight", amount=0.5)
>>> list(m.state_dict()), int(m.weight_mask.sum())
(['bias', 'weight_orig', 'weight_mask'], 2)
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod

from ...autograd.grad_mode import no_grad
from ...creation import ones_like, zeros_like
from ...ops.reduce.stats import norm
from ...ops.sort import kthvalue, topk
from ...random.draws import rand, rand_like
from ...tensor import Tensor
from ..module import Module


class BasePruningMethod(ABC):
    """The base of pruning methods: subclasses define ``compute_mask`` and ``PRUNING_TYPE``
    (``"unstructured"``, ``"structured"`` with a ``dim``, or ``"global"``). An instance is the
    forward pre-hook that applies the mask.

    >>> class Half(BasePruningMethod):
    ...     PRUNING_TYPE = "unstructured"
    ...     def compute_mask(self, t, default_mask):
    ...         return default_mask * 0.5
    >>> Half().prune(torch.ones(2))
    tensor([0.5000, 0.5000])
    """

    _tensor_name: str
    PRUNING_TYPE: str

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask of ``t``, given the mask ``default_mask`` it already has.

        Args:
            t: the tensor (or its importance scores).
            default_mask: the mask of earlier pruning (ones when none).
        """

    def apply_mask(self, module: Module) -> Tensor:
        """``<name>_orig * <name>_mask`` of ``module`` (differentiable in the original).

        Args:
            module: the pruned module.

        >>> m = torch.nn.Linear(2, 1)
        >>> Identity.apply(m, "weight").apply_mask(m).shape
        torch.Size([1, 2])
        """
        if getattr(self, "_tensor_name", None) is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module: Module, name: str, *args, importance_scores=None, **kwargs):
        """Prune ``module.<name>`` with ``cls(*args, **kwargs)``, combined with the pruning
        already on it. Returns the method (a ``PruningContainer`` when combined).

        Args:
            module: the module.
            name: the parameter's name.
            args, kwargs: the method's arguments.
            importance_scores: scores that rank the entries instead of the parameter itself.

        >>> m = torch.nn.Linear(3, 1)
        >>> type(RandomUnstructured.apply(m, "weight", amount=1)).__name__
        'RandomUnstructured'
        """
        method = _composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(
                    f"importance_scores should have the same shape as parameter {name} of {module}"
                )
        else:
            importance_scores = orig
        fresh = not isinstance(method, PruningContainer)
        if fresh:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if fresh:
                module.register_parameter(name, getattr(module, name + "_orig"))
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None, importance_scores=None):
        """``t`` times the mask this method computes for it (no module involved).

        Args:
            t: the tensor.
            default_mask: an existing mask (ones when ``None``).
            importance_scores: scores that rank the entries instead of ``t``.

        >>> L1Unstructured(amount=1).prune(torch.tensor([3.0, -1.0, 2.0]))
        tensor([3., -0., 2.])
        """
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError("importance_scores should have the same shape as tensor t")
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module: Module) -> None:
        """Make the pruned tensor a plain parameter holding its pruned value (the
        ``<name>_orig`` Parameter object, so optimizers keep it).

        Args:
            module: the pruned module.

        >>> m = torch.nn.Linear(2, 1)
        >>> Identity.apply(m, "weight").remove(m)
        >>> list(m.state_dict())
        ['bias', 'weight']
        """
        if getattr(self, "_tensor_name", None) is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if self._tensor_name in module.__dict__:
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        orig.data = weight.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        setattr(module, self._tensor_name, orig)


def _composite_method(cls, module: Module, name: str, *args, **kwargs) -> BasePruningMethod:
    """``cls(*args, **kwargs)`` for ``module.<name>``, in a container with the pruning method
    already there (whose hook is taken off; ``apply`` registers the result)."""
    old_keys = [
        k
        for k, hook in module._forward_pre_hooks.items()
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name
    ]
    if len(old_keys) > 1:
        raise AssertionError(
            f"Avoid adding multiple pruning hooks to the same tensor {name} of module {module}. "
            "Use a PruningContainer."
        )
    old = module._forward_pre_hooks.pop(old_keys[0]) if old_keys else None
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if isinstance(old, PruningContainer):
        old.add_pruning_method(method)
        return old
    if old is not None:
        container = PruningContainer(old)
        container.add_pruning_method(method)
        return container
    return method


class PruningContainer(BasePruningMethod):
    """A sequence of pruning methods applied to one tensor, each to what the previous ones
    left (the last one's mask is computed on the entries or channels still kept).

    Args:
        args: the pruning methods.

    >>> m = torch.nn.Linear(4, 1)
    >>> _ = Identity.apply(m, "weight")
    >>> type(L1Unstructured.apply(m, "weight", 1)).__name__
    'PruningContainer'
    """

    def __init__(self, *args) -> None:
        self._pruning_methods: tuple = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod | None) -> None:
        """Append ``method`` (it must act on the same tensor).

        Args:
            method: a pruning method.

        >>> c = PruningContainer()
        >>> c._tensor_name = "weight"
        >>> m = Identity()
        >>> m._tensor_name = "weight"
        >>> c.add_pruning_method(m)
        >>> len(c)
        1
        """
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(
                "Can only add pruning methods acting on the parameter named "
                f"'{self._tensor_name}' to PruningContainer {self}. "
                f"Found '{method._tensor_name}'"
            )
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The last method's mask, computed on the part of ``t`` that ``default_mask`` keeps
        (kept entries for unstructured methods, kept channels for structured ones, all of ``t``
        for global ones), merged into ``default_mask``.

        Args:
            t: the tensor (or its importance scores).
            default_mask: the mask of the earlier methods.

        >>> c = PruningContainer()
        >>> c._tensor_name = "w"
        >>> m = L1Unstructured(amount=1)
        >>> m._tensor_name = "w"
        >>> c.add_pruning_method(m)
        >>> c.compute_mask(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.0, 1.0, 1.0]))
        tensor([0., 0., 1.])
        """
        method = self._pruning_methods[-1]
        with no_grad():
            new_mask = default_mask.to(dtype=t.dtype).clone()
            slc = _kept_part(method, t, default_mask)
            partial = method.compute_mask(t[slc], default_mask=default_mask[slc])
            new_mask[slc] = partial.to(dtype=new_mask.dtype)
        return new_mask


def _kept_part(method: BasePruningMethod, t: Tensor, mask: Tensor):
    """The index of the part of ``t`` that ``method`` prunes further, given ``mask``."""
    if method.PRUNING_TYPE == "unstructured":
        return mask == 1
    if method.PRUNING_TYPE == "structured":
        if not hasattr(method, "dim"):
            raise AttributeError(
                "Pruning methods of PRUNING_TYPE 'structured' need to have the attribute `dim` "
                "defined."
            )
        n_dims = t.ndim
        dim = method.dim + n_dims if method.dim < 0 else method.dim
        if dim < 0:
            raise IndexError(f"Index is out of bounds for tensor of size {n_dims}")
        keep_channel = mask.sum(dim=[d for d in range(n_dims) if d != dim]) != 0
        slc: list = [slice(None)] * n_dims
        slc[dim] = keep_channel
        return tuple(slc)
    if method.PRUNING_TYPE == "global":
        return (slice(None),) * t.ndim
    raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")


# -- the methods ----------------------------------------------------------------------------------
class Identity(BasePruningMethod):
    """Prunes nothing (a mask of ones), but sets up ``<name>_orig`` and ``<name>_mask``.

    >>> Identity().prune(torch.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask

    @classmethod
    def apply(cls, module: Module, name: str):  # type: ignore[override]
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prune ``amount`` entries (a count, or a fraction of the tensor) chosen at random.

    Args:
        amount: an int (how many) or a float in [0, 1] (what fraction).

    >>> _ = torch.manual_seed(0)
    >>> RandomUnstructured(amount=2).prune(torch.ones(4))
    tensor([0., 0., 1., 1.])
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return _unstructured_mask(t, default_mask, self.amount, lambda t, k: rand_like(t))

    @classmethod
    def apply(cls, module: Module, name: str, amount):  # type: ignore[override]
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prune the ``amount`` entries of smallest absolute value.

    Args:
        amount: an int (how many) or a float in [0, 1] (what fraction).

    >>> L1Unstructured(amount=0.5).prune(torch.tensor([4.0, -1.0, 3.0, 2.0]))
    tensor([4., -0., 3., 0.])
    """

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return _unstructured_mask(t, default_mask, self.amount, lambda t, k: -t.abs())

    @classmethod
    def apply(cls, module: Module, name: str, amount, importance_scores=None):  # type: ignore[override]
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


def _unstructured_mask(t: Tensor, default_mask: Tensor, amount, score) -> Tensor:
    """``default_mask`` with the ``amount`` entries of largest ``score(t)`` set to 0."""
    size = t.numel()
    n_prune = _compute_nparams_toprune(amount, size)
    _validate_pruning_amount(n_prune, size)
    with no_grad():
        mask = default_mask.clone()
        if n_prune != 0:
            picked = topk(score(t.detach(), n_prune).reshape(-1), k=n_prune).indices
            flat = mask.view(-1)
            flat[picked] = 0
    return mask


class RandomStructured(BasePruningMethod):
    """Prune ``amount`` whole channels along ``dim``, chosen at random.

    Args:
        amount: an int (how many channels) or a float in [0, 1] (what fraction).
        dim: the dimension of the channels.

    >>> _ = torch.manual_seed(0)
    >>> RandomStructured(amount=1, dim=0).prune(torch.ones(2, 2))
    tensor([[0., 0.],
            [1., 1.]])
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        n_channels, n_prune = _structured_counts(t, self.dim, self.amount)
        if n_prune == 0:
            return default_mask
        with no_grad():
            prob = rand(n_channels)
            threshold = kthvalue(prob, k=n_prune).values
            mask = _channel_mask(t, self.dim, prob > threshold)
            mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module: Module, name: str, amount, dim: int = -1):  # type: ignore[override]
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prune the ``amount`` channels along ``dim`` of smallest ``n``-norm.

    Args:
        amount: an int (how many channels) or a float in [0, 1] (what fraction).
        n: the order of the norm (as ``torch.norm``'s ``p``).
        dim: the dimension of the channels.

    >>> LnStructured(amount=1, n=2, dim=0).prune(torch.tensor([[1.0, 1.0], [3.0, 0.0]]))
    tensor([[0., 0.],
            [3., 0.]])
    """

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        n_channels, n_prune = _structured_counts(t, self.dim, self.amount)
        if n_prune == 0:
            return default_mask
        with no_grad():
            dims = list(range(t.ndim))
            del dims[self.dim]
            norms = norm(t.detach(), p=self.n, dim=dims)
            kept = topk(norms, k=n_channels - n_prune, largest=True).indices
            mask = _channel_mask(t, self.dim, kept)
            mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module: Module, name: str, amount, n, dim, importance_scores=None):  # type: ignore[override]
        return super().apply(
            module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores
        )


def _structured_counts(t: Tensor, dim: int, amount) -> tuple[int, int]:
    """(channels along ``dim``, channels to prune), after PyTorch's checks."""
    if t.ndim <= 1:
        raise ValueError(
            "Structured pruning can only be applied to multidimensional tensors. Found tensor "
            f"of shape {t.shape} with {t.ndim} dims"
        )
    if dim >= t.ndim:
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")
    size = t.shape[dim]
    n_prune = _compute_nparams_toprune(amount, size)
    _validate_pruning_amount(n_prune, size)
    return size, n_prune


def _channel_mask(t: Tensor, dim: int, channels) -> Tensor:
    """Zeros like ``t`` but ones in the ``channels`` (indices or a bool mask) along ``dim``."""
    mask = zeros_like(t)
    slc: list = [slice(None)] * t.ndim
    slc[dim] = channels
    mask[tuple(slc)] = 1
    return mask


class CustomFromMask(BasePruningMethod):
    """Prune with a given mask (0 where pruned).

    Args:
        mask: the mask, shaped as the tensor.

    >>> CustomFromMask(torch.tensor([0.0, 1.0])).prune(torch.tensor([5.0, 6.0]))
    tensor([0., 6.])
    """

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if default_mask.shape != self.mask.shape:
            raise AssertionError
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Module, name: str, mask: Tensor):  # type: ignore[override]
        return super().apply(module, name, mask=mask)


# -- amount checks --------------------------------------------------------------------------------
def _validate_pruning_amount_init(amount) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
        not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)
    ):
        raise ValueError(
            f"amount={amount} should either be a float in the range [0, 1] or a non-negative "
            "integer"
        )


def _validate_pruning_amount(amount, tensor_size: int) -> None:
    if isinstance(amount, numbers.Integral) and int(amount) > tensor_size:
        raise ValueError(
            f"amount={amount} should be smaller than the number of parameters to prune="
            f"{tensor_size}"
        )


def _compute_nparams_toprune(amount, tensor_size: int) -> int:
    _validate_pruning_amount_init(amount)
    if isinstance(amount, numbers.Integral):
        return int(amount)
    return round(amount * tensor_size)
