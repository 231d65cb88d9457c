"""gradcheck / gradgradcheck: compare autograd's Jacobians with central finite differences.

Same signatures, checks and messages as PyTorch's slow mode: the Jacobian of every output that
requires grad with respect to every input that requires grad, ``(input.numel(),
output.numel())`` each, numerical ``(f(x+eps) - f(x-eps)) / 2eps`` against autograd's (computed
twice, to catch a backward that is not reentrant), compared with ``allclose(rtol, atol)``.
``check_forward_ad=True`` checks the forward-mode (JVP) Jacobian too.

Options PyTorch accepts that change nothing here: ``fast_mode`` (graphgrad always runs the
exact, slow mode, so the verdicts agree but the messages are those of slow mode),
``check_batched_grad`` / ``check_batched_forward_grad`` (``func.vmap`` runs per sample, so a
batched gradient is the looped one by construction), ``check_undefined_grad`` and ``masked``.

>>> import graphgrad as torch
>>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
>>> torch.autograd.gradcheck(torch.sin, (x,))
True
"""

from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor
from . import forward_ad
from .gradients import grad

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians differ.

    >>> class Wrong(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return x * 2
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         return grad * 3
    >>> x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    >>> try:
    ...     torch.autograd.gradcheck(Wrong.apply, x)
    ... except torch.autograd.GradcheckError as error:
    ...     print(str(error).splitlines()[0])
    Jacobian mismatch for output 0 with respect to input 0,
    """


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _diff_inputs(inputs: tuple) -> list[Tensor]:
    return [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]


def _check_inputs(inputs: tuple) -> None:
    any_grad = False
    for i, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        if t.dtype.name not in ("float64", "complex128"):
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=3,
            )
        if any(st == 0 and sz > 1 for st, sz in zip(t.stride(), t.shape, strict=False)):
            raise RuntimeError(
                f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs "
                "that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck."
            )
        any_grad = True
    if not any_grad:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )


def _tensor_outputs(out) -> tuple:
    """The outputs that count: floating-point tensors (integral ones have no Jacobian)."""
    return tuple(
        o
        for o in _as_tuple(out)
        if isinstance(o, Tensor) and (o.dtype.is_floating_point or o.dtype.is_complex)
    )


def _flat(t: Tensor) -> np.ndarray:
    return t._data.astype(np.float64).ravel()  # a copy: outputs may share memory with inputs


def _numerical(func, inputs: tuple, x: Tensor, eps: float) -> list[np.ndarray]:
    """d(outputs)/dx by central differences: one ``(x.numel(), out.numel())`` matrix per
    tensor output. ``x`` is perturbed in place, element by element, and restored."""
    data = x._data
    rows = []
    for k in np.ndindex(data.shape):
        orig = data[k].item()
        data[k] = orig + eps
        plus = [_flat(o) for o in _tensor_outputs(func(*inputs))]
        data[k] = orig - eps
        minus = [_flat(o) for o in _tensor_outputs(func(*inputs))]
        data[k] = orig
        rows.append([(p - m) / (2 * eps) for p, m in zip(plus, minus, strict=False)])
    outs = _tensor_outputs(func(*inputs))
    return [
        np.stack([r[j] for r in rows]) if rows else np.zeros((0, outs[j].numel()))
        for j in range(len(outs))
    ]


def _analytical(output: Tensor, xs: list[Tensor], check_grad_dtypes: bool) -> list[np.ndarray]:
    """d(output)/dx for each x, one vector-Jacobian product per element of ``output``."""
    jac = [np.zeros((x.numel(), output.numel())) for x in xs]
    types_ok = True
    for k in range(output.numel()):
        seed = np.zeros(output._data.size, output._data.dtype)
        seed[k] = 1
        gs = grad(
            output,
            xs,
            Tensor._make(seed.reshape(output._data.shape)),
            retain_graph=True,
            allow_unused=True,
        )
        for j, (x, g) in enumerate(zip(xs, gs, strict=False)):
            if g is None:
                continue
            if g.shape != x.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            types_ok &= g.dtype is x.dtype
            jac[j][:, k] = _flat(g)
    if check_grad_dtypes and not types_ok:
        raise GradcheckError("Gradient has dtype mismatch")
    return jac


def _forward_jacobian(func, inputs: tuple, xs: list[Tensor]) -> list[list[np.ndarray]]:
    """jac[j][i]: d(output i)/d(xs[j]) from forward mode, one JVP per input element."""
    result = []
    for x in xs:
        cols = []
        for k in range(x.numel()):
            v = np.zeros(x._data.size, x._data.dtype)
            v[k] = 1
            with forward_ad.dual_level():
                dual = forward_ad.make_dual(x.detach(), Tensor._make(v.reshape(x._data.shape)))
                args = tuple(dual if a is x else a for a in inputs)
                cols.append([_tangent_of(o) for o in _tensor_outputs(func(*args))])
        result.append([np.stack([c[i] for c in cols]) for i in range(len(cols[0]))] if cols else [])
    return result


def _tangent_of(o: Tensor) -> np.ndarray:
    t = forward_ad.unpack_dual(o).tangent
    return np.zeros(o.numel()) if t is None else _flat(t)


def _fail(a: np.ndarray, n: np.ndarray, out_idx: int, in_idx: int, forward: bool = False):
    mode = "computed with forward mode " if forward else ""
    an, nu = Tensor._make(a), Tensor._make(n)
    return GradcheckError(
        f"Jacobian {mode}mismatch for output {out_idx} with respect to input {in_idx},\n"
        f"numerical:{nu}\nanalytical:{an}\n"
    )


def _check_reverse(outputs, numerical, xs, rtol, atol, nondet_tol, check_grad_dtypes) -> None:
    for i, o in enumerate(outputs):
        first = _analytical(o, xs, check_grad_dtypes)
        second = _analytical(o, xs, False)
        for j, (a, n) in enumerate(zip(first, numerical[i], strict=False)):
            if not np.allclose(a, n, rtol, atol):
                raise _fail(a, n, i, j)
        if any(
            np.abs(a - b).max(initial=0) > nondet_tol for a, b in zip(first, second, strict=False)
        ):
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and "
                "grad_output multiple times gives different values, although analytical "
                f"gradient matches numerical gradient.The tolerance for nondeterminism was "
                f"{nondet_tol}."
            )


def _check_mul_by_grad_output(outputs: tuple, xs: list[Tensor]) -> None:
    """A backward must scale with its incoming gradient: zero in, zero out."""
    zeros = [Tensor._make(np.zeros(o._data.shape, o._data.dtype)) for o in outputs]
    for g, x in zip(grad(list(outputs), xs, zeros, allow_unused=True), xs, strict=False):
        if g is None:
            continue
        if np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


def _gradcheck(
    func,
    inputs,
    eps,
    atol,
    rtol,
    nondet_tol,
    check_grad_dtypes,
    check_forward_ad,
    check_backward_ad,
) -> bool:
    _check_inputs(inputs)
    func_out = _tensor_outputs(func(*inputs))
    xs = _diff_inputs(inputs)
    numerical_all = [_numerical(func, inputs, x, eps) for x in xs]  # [input][output]
    keep = [i for i, o in enumerate(func_out) if o.requires_grad]
    if not keep:
        if any(np.any(n != 0) for per_in in numerical_all for n in per_in):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    numerical = [[numerical_all[j][i] for j in range(len(xs))] for i in keep]  # [output][input]
    outputs = tuple(func_out[i] for i in keep)
    if check_backward_ad:
        _check_reverse(outputs, numerical, xs, rtol, atol, nondet_tol, check_grad_dtypes)
    if check_forward_ad:
        fw = _forward_jacobian(func, inputs, xs)
        for i, oi in enumerate(keep):
            for j in range(len(xs)):
                if not np.allclose(fw[j][oi], numerical[i][j], rtol, atol):
                    raise _fail(fw[j][oi], numerical[i][j], i, j, forward=True)
    if check_backward_ad:
        _check_mul_by_grad_output(outputs, xs)
    return True


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
    """True when autograd's gradients of ``func`` at ``inputs`` match finite differences;
    otherwise raises ``GradcheckError`` (or returns False with ``raise_exception=False``).
    Use float64 inputs: float32 is too coarse for the finite differences.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors (those that require grad are checked).
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        raise_exception: raise ``GradcheckError`` on a mismatch (else return False).
        nondet_tol: the tolerance between two runs of backward (for nondeterministic ops).
        check_grad_dtypes: also check that each gradient has its input's dtype.
        fast_mode: accepted; graphgrad always runs the exact check (same verdicts).
        check_undefined_grad, check_batched_grad, masked: accepted for compatibility.
        check_batched_forward_grad: accepted for compatibility.
        check_forward_ad: also check forward-mode (JVP) gradients.
        check_backward_ad: check reverse-mode gradients.

    >>> x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, x)
    True
    """
    try:
        return _gradcheck(
            func,
            _as_tuple(inputs),
            eps,
            atol,
            rtol,
            nondet_tol,
            check_grad_dtypes,
            check_forward_ad,
            check_backward_ad,
        )
    except GradcheckError:
        if raise_exception:
            raise
        return False


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
    """gradcheck of the gradients themselves: second derivatives via
    ``create_graph=True``.

    Args:
        func, inputs: as in ``gradcheck``.
        grad_outputs: the gradients to differentiate through; random ones in [-1, 1) that
            require grad when ``None``.
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        raise_exception: raise ``GradcheckError`` on a mismatch (else return False).
        nondet_tol: the tolerance between two runs of backward (for nondeterministic ops).
        check_grad_dtypes: also check that each gradient has its input's dtype.
        fast_mode: accepted; graphgrad always runs the exact check (same verdicts).
        check_undefined_grad, check_batched_grad, masked: accepted for compatibility.
        gen_non_contig_grad_outputs: accepted for compatibility.
        check_fwd_over_rev: also check forward-over-reverse.
        check_rev_over_rev: check reverse-over-reverse.

    >>> x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(torch.sin, x)
    True
    """
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        outs = [o for o in _tensor_outputs(func(*inputs)) if o.requires_grad]
        grad_outputs = tuple(
            Tensor._make(rng.uniform(-1, 1, o._data.shape).astype(o._data.dtype), True)
            for o in outs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivatives(*args):
        outs = [o for o in _tensor_outputs(func(*args[:n_in])) if o.requires_grad]
        xs = _diff_inputs(args[:n_in])
        grads = grad(outs, xs, list(args[n_in:]), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivatives,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_grad_dtypes=check_grad_dtypes,
        check_forward_ad=check_fwd_over_rev,
        check_backward_ad=check_rev_over_rev,
    )
