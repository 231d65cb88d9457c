"""gradcheck / gradgradcheck: compare autograd's Jacobians with central finite differences.

>>> import graphgrad as torch
>>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
>>> torch.autograd.gradcheck(torch.sin, (x,))
True
"""

from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians differ."""


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _float_outputs(func, inputs: tuple) -> tuple[Tensor, ...]:
    """The floating-point outputs (those that do not require grad have a zero Jacobian)."""
    outs = _as_tuple(func(*inputs))
    return tuple(o for o in outs if isinstance(o, Tensor) and o.dtype.category >= 2)


def _numerical_jacobian(func, inputs: tuple, index: int, eps: float) -> list[np.ndarray]:
    """d(outputs)/d(inputs[index]) by central differences, one matrix per output."""
    data = inputs[index]._data  # perturbed in place, element by element, then restored
    columns = []
    for k in np.ndindex(data.shape):
        orig = data[k].item()
        data[k] = orig + eps
        plus = [o._data.astype(np.float64).ravel() for o in _float_outputs(func, inputs)]
        data[k] = orig - eps
        minus = [o._data.astype(np.float64).ravel() for o in _float_outputs(func, inputs)]
        data[k] = orig
        columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(columns[0]) if columns else len(_float_outputs(func, inputs))
    return [
        np.stack([col[j] for col in columns], axis=1) if columns else np.zeros((0, 0))
        for j in range(n_out)
    ]


def _analytical_jacobian(outputs: tuple, inputs: tuple, index: int) -> list[np.ndarray]:
    """d(outputs)/d(inputs[index]) row by row, with one vector-Jacobian product per element."""
    from . import grad

    x = inputs[index]
    result = []
    for out in outputs:
        if not out.requires_grad:
            result.append(np.zeros((out.numel(), x._data.size)))
            continue
        rows = []
        for k in range(out.numel()):
            seed = np.zeros(out._data.size, out._data.dtype)
            seed[k] = 1
            g = Tensor._make(seed.reshape(out._data.shape))
            (gx,) = grad(out, x, g, retain_graph=True, allow_unused=True)
            rows.append(
                np.zeros(x._data.size) if gx is None else gx._data.astype(np.float64).ravel()
            )
        result.append(np.stack(rows) if rows else np.zeros((0, x._data.size)))
    return result


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """True when autograd's gradients of ``func`` at ``inputs`` match finite differences."""
    inputs = _as_tuple(inputs)
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad and t.dtype.name not in (
            "float64", "complex128"
        ):
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )
    outputs = _float_outputs(func, inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        analytical = _analytical_jacobian(outputs, inputs, i)
        numerical = _numerical_jacobian(func, inputs, i, eps)
        for j, (a, n) in enumerate(zip(analytical, numerical)):
            if a.shape != n.shape or not np.allclose(a, n, rtol, atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
    return True


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """gradcheck of the gradients themselves (second derivatives) via ``create_graph=True``."""
    from . import grad

    inputs = _as_tuple(inputs)
    outputs = _float_outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype),
                         requires_grad=True)
            for o in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        outs = [o for o in _float_outputs(func, args[:n_in]) if o.requires_grad]
        xs = [x for x in args[:n_in] if isinstance(x, Tensor) and x.requires_grad]
        grads = grad(outs, xs, args[n_in:], create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
