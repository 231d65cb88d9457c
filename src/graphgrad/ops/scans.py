"""Differences and running reductions along a dim: diff and logcumsumexp.

Both are compositions of graphgrad's differentiable ops (narrow, cat, sub, logaddexp), so
their gradients come from those ops.

>>> import graphgrad as torch
>>> torch.diff(torch.tensor([1, 4, 9, 16]))
tensor([3, 5, 7])
"""

from __future__ import annotations

from ..tensor import Tensor, _wrap_dim
from .compare import logical_xor
from .elementwise import sub
from .index.slicing import select
from .pointwise_composite import _floating_kernel, _log_add, _quiet
from .reduce.core import cumsum
from .reduce.core import sum as sum_
from .shape.join import cat, narrow, stack
from .unary import exp


def diff(
    input: Tensor,
    n: int = 1,
    dim: int = -1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference along ``dim``: ``x[i + 1] - x[i]``, repeated.

    Args:
        input: a tensor of at least 1 dim (bools differ by ``!=``).
        n: how many times to difference; the result is ``n`` shorter along ``dim``.
        dim: the dim to difference along.
        prepend: values put before ``input`` along ``dim`` first (same number of dims).
        append: values put after ``input`` along ``dim`` first (same number of dims).

    >>> import graphgrad as torch
    >>> torch.diff(torch.tensor([[1.0, 3.0, 6.0]]), n=2)
    tensor([[1.]])
    >>> torch.diff(torch.tensor([1, 3]), prepend=torch.tensor([0]), append=torch.tensor([10]))
    tensor([1, 2, 7])
    """
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, input.ndim)
    parts = [p for p in (prepend, input, append) if p is not None]
    for p in parts:
        _check_pended(p, input, dim)
    x = cat(parts, dim) if len(parts) > 1 else input
    step = logical_xor if x.dtype.name == "bool" else sub
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        x = step(narrow(x, dim, 1, length - 1), narrow(x, dim, 0, length - 1))
    return x


def _check_pended(p: Tensor, input: Tensor, dim: int) -> None:
    """PyTorch's errors for a ``prepend`` / ``append`` that cannot join ``input``."""
    if p.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for d in range(input.ndim):
        if d != dim and p.shape[d] != input.shape[d]:
            raise RuntimeError(
                "diff expects the shape of tensor to prepend or append to match that of input "
                f"except along the differencing dimension; input.size({d}) = "
                f"{input.shape[d]}, but got tensor.size({d}) = {p.shape[d]}"
            )


@_quiet
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input), dim))``, without overflow or underflow.

    Computed as PyTorch's CPU kernel does: a running ``logaddexp`` along ``dim``, so each
    output is exact to rounding however far apart the inputs are.

    Args:
        input: a floating tensor.
        dim: the dim to accumulate along.

    >>> import graphgrad as torch
    >>> torch.logcumsumexp(torch.tensor([-1000.0, 0.0, 1000.0]), 0)
    tensor([-1000.,     0.,  1000.])
    """
    _floating_kernel("logcumsumexp_out_cpu", input)
    dim = _wrap_dim(dim, input.ndim)
    if input.ndim == 0 or input.shape[dim] <= 1:
        return input.clone()
    running = [select(input, dim, 0)]
    for i in range(1, input.shape[dim]):
        running.append(_log_add(running[-1], select(input, dim, i), exp, 1.0))
    return stack(running, dim)


def _integration_dim(y: Tensor, dim: int) -> int:
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, y.ndim)


def _sample_spacing(y: Tensor, x: Tensor | None, dx, dim: int):
    """The spacing between samples: ``dx`` (a number) or the differences of ``x``, shaped to
    broadcast against ``y``'s pairs of neighbours along ``dim``."""
    if x is None:
        return 1 if dx is None else dx
    if dx is not None:
        raise TypeError(
            "trapezoid() received an invalid combination of arguments - got both x and dx"
        )
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[dim] = -1
        return diff(x).reshape(shape)
    return diff(x, dim=dim)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule: the integral of samples ``y`` along ``dim``.

    Args:
        y: the sampled values (integers give a float result).
        x: the sample points (1-d, one per sample, or broadcastable with ``y``); or None.
        dx: the constant spacing when ``x`` is None (default 1).
        dim: the dim to integrate along.

    >>> import graphgrad as torch
    >>> torch.trapezoid(torch.tensor([1.0, 2.0, 4.0]), torch.tensor([0.0, 1.0, 3.0]))
    tensor(7.5000)
    """
    dim = _integration_dim(y, dim)
    spacing = _sample_spacing(y, x, dx, dim)
    if y.shape[dim] == 0:
        return sum_(y, dim) * 1.0
    if isinstance(spacing, Tensor):  # sum of (left + right) * spacing / 2, as PyTorch
        n = y.shape[dim]
        pairs = narrow(y, dim, 1, n - 1) + narrow(y, dim, 0, n - 1)
        return sum_(pairs * spacing, dim) / 2
    ends = select(y, dim, 0) + select(y, dim, -1)
    return (sum_(y, dim) - ends * 0.5) * spacing


def trapz(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule (``trapezoid``'s older name).

    Args:
        y: the sampled values.
        x: the sample points, or None.
        dx: the constant spacing when ``x`` is None (default 1).
        dim: the dim to integrate along.

    >>> import graphgrad as torch
    >>> torch.trapz(torch.tensor([1.0, 2.0, 4.0]), dx=2)
    tensor(9.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx=None, dim: int = -1):
    """The running trapezoidal integral along ``dim`` (one element shorter than ``y``).

    Args:
        y: the sampled values (integers give a float result).
        x: the sample points (1-d, one per sample, or broadcastable with ``y``); or None.
        dx: the constant spacing when ``x`` is None (default 1).
        dim: the dim to integrate along.

    >>> import graphgrad as torch
    >>> torch.cumulative_trapezoid(torch.tensor([1.0, 2.0, 4.0]))
    tensor([1.5000, 4.5000])
    """
    dim = _integration_dim(y, dim)
    spacing = _sample_spacing(y, x, dx, dim)
    n = y.shape[dim]
    if n == 0:
        return y * 1.0
    pairs = narrow(y, dim, 1, n - 1) + narrow(y, dim, 0, n - 1)
    if isinstance(spacing, Tensor):
        return cumsum(pairs * spacing / 2, dim)
    return cumsum(pairs * (spacing / 2.0), dim)


METHODS = {"diff": diff, "logcumsumexp": logcumsumexp}
__all__ = [*METHODS, "trapezoid", "trapz", "cumulative_trapezoid"]
