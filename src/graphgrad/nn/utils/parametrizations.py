"""``nn.utils.parametrizations``: ``orthogonal``, ``weight_norm`` and ``spectral_norm`` built on
``nn.utils.parametrize``, with PyTorch's state_dict keys.

>>> import graphgrad as torch
>>> m = weight_norm(torch.nn.Linear(2, 3))
>>> list(m.state_dict())
['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
"""

from __future__ import annotations

from ...autograd.grad_mode import no_grad
from ...ops.linalg.composite import vdot
from ...ops.linalg.products import mv
from ...tensor import Tensor
from ..functional import normalize
from ..module import Module
from . import parametrize
from ._orthogonal import _OrthMaps, _Orthogonal
from .spectral_norm import _default_dim, _matrix_view
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _tensor_or_raise(module: Module, name: str) -> Tensor:
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    return weight


def orthogonal(
    module: Module,
    name: str = "weight",
    orthogonal_map: str | None = None,
    *,
    use_trivialization: bool = True,
) -> Module:
    """Constrain ``module.<name>`` (a matrix or batch of matrices) to be orthogonal (its
    columns or rows orthonormal, whichever are fewer).

    Args:
        module: the module.
        name: the tensor's name.
        orthogonal_map: ``"matrix_exp"``, ``"cayley"`` or ``"householder"`` (``None``: the
            matrix exponential for square matrices, Householder reflectors otherwise).
        use_trivialization: keep a ``base`` orthogonal matrix that the map multiplies (so that
            assigning ``module.<name>`` works for every map).

    >>> m = torch.nn.utils.parametrizations.orthogonal(torch.nn.Linear(3, 3))
    >>> bool(torch.allclose(m.weight @ m.weight.T, torch.eye(3), atol=1e-5))
    True
    """
    weight = _tensor_or_raise(module, name)
    if weight.ndim < 2:
        raise ValueError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        square_or_complex = weight.shape[-2] == weight.shape[-1] or weight.is_complex()
        orthogonal_map = "matrix_exp" if square_or_complex else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(
            'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
            f"Got: {orthogonal_map}"
        )
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


class _WeightNorm(Module):
    """``weight = g * v / ||v||``: ``original0`` is ``g``, ``original1`` is ``v``."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def _rename_old_weight_norm_keys(module: Module, name: str) -> None:
    """Let ``module`` load a checkpoint of the hook-based ``weight_norm``: its ``<name>_g`` and
    ``<name>_v`` keys become ``parametrizations.<name>.original0`` and ``original1``."""
    cls = type(module)
    previous = cls._fill_missing

    def fill_missing(self, state_dict: dict, prefix: str) -> None:
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)
        previous(self, state_dict, prefix)

    cls._fill_missing = fill_missing  # type: ignore[method-assign]


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Split ``module.<name>`` into a magnitude (``parametrizations.<name>.original0``) and a
    direction (``original1``): ``weight = g * v / ||v||``, the norm over every dimension but
    ``dim``. A state_dict of the old ``torch.nn.utils.weight_norm`` (``<name>_g``,
    ``<name>_v``) still loads.

    Args:
        module: the module.
        name: the tensor's name.
        dim: the dimension whose slices get their own magnitude (``None``: one for the whole
            tensor).

    >>> m = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(2, 3))
    >>> m.parametrizations.weight.original0.shape
    torch.Size([3, 1])
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    _rename_old_weight_norm_keys(module, name)
    return module


class _SpectralNorm(Module):
    """``weight / sigma``, ``sigma`` estimated by power iteration on the buffers ``_u`` and
    ``_v`` (15 steps at registration, then ``n_power_iterations`` per training forward)."""

    _u: Tensor
    _v: Tensor

    def __init__(
        self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12
    ) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                "Dimension out of range (expected to be in range of "
                f"[-{ndim}, {ndim - 1}] but got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but "
                f"got n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = _matrix_view(weight, self.dim)
            h, w = weight_mat.shape
            with no_grad():
                u = weight_mat.new_empty(h).normal_(0, 1)
                v = weight_mat.new_empty(w).normal_(0, 1)
                self.register_buffer("_u", normalize(u, dim=0, eps=self.eps))
                self.register_buffer("_v", normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        with no_grad():
            weight_mat = weight_mat.detach()
            for _ in range(n_power_iterations):
                self._u = normalize(mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
                self._v = normalize(mv(weight_mat.mH, self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = _matrix_view(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = vdot(u, mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    """Divide ``module.<name>`` by its spectral norm, estimated by power iteration (the
    vectors are ``parametrizations.<name>.0._u`` and ``_v``, drawn from the default generator
    as in PyTorch).

    Args:
        module: the module.
        name: the tensor's name.
        n_power_iterations: power-iteration steps per training forward.
        eps: added to norms when normalising.
        dim: the dimension of output slices (``None``: 1 for transposed convolutions, else 0).

    >>> m = torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(20, 40))
    >>> m.parametrizations.weight[0]._u.shape
    torch.Size([40])
    """
    weight = _tensor_or_raise(module, name)
    if dim is None:
        dim = _default_dim(module)
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps)
    )
    return module
