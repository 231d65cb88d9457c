"""Spectral normalisation, the old hook-based form: ``spectral_norm`` and
``remove_spectral_norm``.

``weight = weight_orig / sigma``, where ``sigma`` (the largest singular value of ``weight_orig``
seen as a matrix) is estimated by power iteration on the buffers ``weight_u`` and ``weight_v``,
one step per training-mode forward (a forward pre-hook).
(``torch.nn.utils.parametrizations.spectral_norm`` is the newer form.)

>>> import graphgrad as torch
>>> m = spectral_norm(torch.nn.Linear(2, 3))
>>> list(m.state_dict())
['bias', 'weight_orig', 'weight_u', 'weight_v']
"""

from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ...ops.linalg.products import dot, mv
from ...tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..functional import normalize
from ..lazy import UninitializedParameter
from ..module import Module
from ..parameter import Parameter


def _matrix_view(weight: Tensor, dim: int) -> Tensor:
    """``weight`` as a matrix whose rows are its slices along ``dim``."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.ndim) if d != dim])
    return weight.reshape(weight.shape[0], -1)


def _default_dim(module: Module) -> int:
    """Transposed convolutions keep their output channels in dimension 1."""
    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0


class SpectralNorm:
    """The forward pre-hook that ``spectral_norm`` registers.

    Args:
        name: the parameter's name.
        n_power_iterations: power-iteration steps per forward.
        dim: the dimension of output slices.
        eps: added to norms when normalising.

    >>> SpectralNorm(n_power_iterations=2).n_power_iterations
    2
    """

    def __init__(
        self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but "
                f"got n_power_iterations={n_power_iterations}"
            )
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        """``weight`` as a matrix with its ``dim`` slices as rows.

        Args:
            weight: the weight.

        >>> SpectralNorm().reshape_weight_to_matrix(torch.ones(3, 2, 2)).shape
        torch.Size([3, 4])
        """
        return _matrix_view(weight, self.dim)

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """``weight_orig / sigma``, after ``n_power_iterations`` steps on ``weight_u`` and
        ``weight_v`` (in place) when ``do_power_iteration``.

        Args:
            module: the module.
            do_power_iteration: update ``u`` and ``v`` first (training mode).

        >>> m = spectral_norm(torch.nn.Linear(2, 3))
        >>> hook = next(iter(m._forward_pre_hooks.values()))
        >>> hook.compute_weight(m, False).shape
        torch.Size([3, 2])
        """
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    v = normalize(mv(weight_mat.t(), u), dim=0, eps=self.eps, out=v)
                    u = normalize(mv(weight_mat, v), dim=0, eps=self.eps, out=u)
                # clones, so that backward sees the u and v of this forward even if a later
                # forward updates the buffers in place
                u = u.clone()
                v = v.clone()
        sigma = dot(u, mv(weight_mat, v))
        return weight / sigma

    def remove(self, module: Module) -> None:
        """Make ``module.<name>`` a plain parameter again (the current normalised weight).

        Args:
            module: the module.

        >>> m = torch.nn.Linear(2, 3)
        >>> SpectralNorm.apply(m, "weight", 1, 0, 1e-12).remove(m)
        >>> list(m.state_dict())
        ['bias', 'weight']
        """
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float):
        """Reparametrize ``module.<name>`` and register the hook (``spectral_norm`` calls this).
        ``u`` and ``v`` start as normalised draws from the default generator, as in PyTorch.

        Args:
            module: the module.
            name: the parameter's name.
            n_power_iterations: power-iteration steps per forward.
            dim: the dimension of output slices.
            eps: added to norms when normalising.

        >>> m = torch.nn.Linear(2, 3)
        >>> SpectralNorm.apply(m, "weight", 1, 0, 1e-12).dim
        0
        """
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two spectral_norm hooks on the same parameter {name}"
                )
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `SpectralNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying spectral normalization"
            )
        with no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        return fn


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    """Divide ``module.<name>`` by its spectral norm, estimated by power iteration before each
    forward (one step per call in training mode).

    Args:
        module: the module.
        name: the parameter's name.
        n_power_iterations: power-iteration steps per forward.
        eps: added to norms when normalising.
        dim: the dimension of output slices (``None``: 1 for transposed convolutions, else 0).

    >>> m = torch.nn.utils.spectral_norm(torch.nn.Linear(20, 40))
    >>> m.weight_u.shape, m.weight_v.shape
    (torch.Size([40]), torch.Size([20]))
    """
    if dim is None:
        dim = _default_dim(module)
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo ``spectral_norm``: ``module.<name>`` becomes a plain parameter holding the current
    normalised weight.

    Args:
        module: the module.
        name: the parameter's name.

    >>> m = torch.nn.utils.spectral_norm(torch.nn.Linear(2, 3))
    >>> list(torch.nn.utils.remove_spectral_norm(m).state_dict())
    ['bias', 'weight']
    """
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}")
