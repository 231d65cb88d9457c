"""Functional higher-order API: vjp, jvp, jacobian, hessian, vhp, hvp on plain functions.

Same signatures, return structures and messages as ``torch.autograd.functional``: a function
of one Tensor gives Tensors back, a function of a tuple of Tensors gives tuples; ``jacobian``
of ``f: R^in -> R^out`` has shape ``out.shape + in.shape``. Results do not require grad unless
``create_graph=True``. ``jvp`` and ``hvp`` use the double-backward trick, as PyTorch does.
``vectorize=True`` is accepted and computes the same values row by row.

>>> import graphgrad as torch
>>> from graphgrad.autograd.functional import jacobian, hessian
>>> jacobian(lambda x: x**2, torch.tensor([1.0, 2.0]))
tensor([[2., 0.],
        [0., 4.]])
>>> hessian(lambda x: (x**3).sum(), torch.tensor([1.0, 2.0]))
tensor([[ 6.,  0.],
        [ 0., 12.]])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .grad_mode import enable_grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(inp, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    is_tuple = isinstance(inp, tuple)
    items = inp if is_tuple else (inp,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                f"but the {where} has type {type(el)}."
            )
    return is_tuple, items


def _unpack(res, to_unpack):
    """Undo ``_as_tuple``: drop the tuple levels that the user did not pass."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _preprocess(inputs: tuple, create_graph: bool, need_graph: bool = True) -> tuple:
    """Fresh tensors to differentiate with respect to (kept in the graph with create_graph)."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view(t.shape))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _postprocess(values, create_graph: bool):
    if isinstance(values, tuple):
        return tuple(_postprocess(v, create_graph) for v in values)
    if values is None or create_graph:
        return values
    return values.detach()


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other, strict=False)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(
                f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}."
            )


def _check_outputs_require_grad(outputs: tuple, strict: bool) -> None:
    if not strict:
        return
    for i, o in enumerate(outputs):
        if not o.requires_grad:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when running "
                "in strict mode."
            )


def _grad(outputs: tuple, inputs: tuple, grad_outputs, create_graph: bool) -> tuple:
    """autograd.grad over the outputs that require grad (None for the others' inputs)."""
    from . import grad

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gos = zip(*pairs, strict=False)
    return grad(
        list(outs),
        list(inputs),
        list(gos),
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, message: str) -> tuple:
    out = []
    for i, (g, r) in enumerate(zip(grads, refs, strict=False)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i))
            g = Tensor._make(np.zeros(r._data.shape, r._data.dtype))
        out.append(g)
    return tuple(out)


_INDEPENDENT = (
    "The output of the user-provided function is independent of input {}. This is "
    "not allowed in strict mode."
)


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product at ``inputs``."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _preprocess(ins, create_graph)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "vjp")
        _check_outputs_require_grad(outs, strict)
        if v is None:
            if len(outs) != 1 or outs[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function returns a "
                    "single Tensor with a single element."
                )
            vs = tuple(Tensor._make(np.ones(o._data.shape, o._data.dtype)) for o in outs)
        else:
            _, vs = _as_tuple(v, "v", "vjp")
            _validate_v(vs, outs, is_out_tuple)
        grads = _grad(outs, ins, vs, create_graph)
        result = _fill_in_zeros(grads, ins, strict, _INDEPENDENT)
    return (
        _unpack(_postprocess(outs, create_graph), is_out_tuple),
        _unpack(_postprocess(result, create_graph), is_in_tuple),
    )


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by the double-backward trick."""
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _preprocess(ins, create_graph)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the user-provided function "
                    "is a single Tensor with a single element."
                )
            vs = tuple(Tensor._make(np.ones(t._data.shape, t._data.dtype)) for t in ins)
        else:
            _, vs = _as_tuple(v, "v", "jvp")
            _validate_v(vs, ins, is_in_tuple)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "jvp")
        _check_outputs_require_grad(outs, strict)
        # u -> J^T u is linear in u; differentiating J^T u with respect to u along v gives J v.
        us = tuple(Tensor._make(np.zeros(o._data.shape, o._data.dtype), True) for o in outs)
        grads = _grad(outs, ins, us, create_graph=True)
        grads = _fill_in_zeros(grads, ins, strict, _INDEPENDENT)
        result = _grad(grads, us, vs, create_graph)
        result = _fill_in_zeros(
            result,
            outs,
            strict,
            "The gradient with respect to the input "
            "is independent of entry {} in the grad_outputs when using the "
            "double backward trick to compute forward mode gradients. This "
            "is not allowed in strict mode.",
        )
    return (
        _unpack(_postprocess(outs, create_graph), is_out_tuple),
        _unpack(_postprocess(result, create_graph), is_out_tuple),
    )


def _jacobian_rows(out: Tensor, ins: tuple, create_graph: bool, strict: bool) -> list:
    """d(out)/d(each input), shaped ``out.shape + input.shape``, by one vjp per element."""
    per_input = [[] for _ in ins]
    for k in range(out.numel()):
        seed = np.zeros(out._data.size, out._data.dtype)
        seed[k] = 1
        grads = _grad((out,), ins, (Tensor._make(seed.reshape(out._data.shape)),), create_graph)
        for i, (g, t) in enumerate(zip(grads, ins, strict=False)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is independent of input "
                        f"{i}. This is not allowed in strict mode."
                    )
                g = Tensor._make(np.zeros(t._data.shape, t._data.dtype))
            per_input[i].append(g)
    return [_stack_rows(rows, out, t) for rows, t in zip(per_input, ins, strict=False)]


def _stack_rows(rows: list, out: Tensor, inp: Tensor) -> Tensor:
    if not rows:
        return Tensor._make(np.zeros(out.shape + inp.shape, inp._data.dtype))
    return stack_tensors(rows).reshape(tuple(out.shape) + tuple(inp.shape))


def stack_tensors(tensors: list) -> Tensor:
    """``torch.stack(tensors)``, differentiable; plain arrays when nothing requires grad."""
    if not any(t.requires_grad for t in tensors):
        return Tensor._make(np.stack([t._data for t in tensors]))
    import graphgrad

    stack = getattr(graphgrad, "stack", None)
    if stack is not None:
        return stack(tensors)
    # Without a stack op: the sum of one-hot slabs, each row broadcast into its place.
    n, dt = len(tensors), tensors[0]._data.dtype
    total = None
    for k, t in enumerate(tensors):
        onehot = np.zeros((n,) + (1,) * t.ndim, dt)
        onehot[k] = 1
        term = Tensor._make(onehot) * t.unsqueeze(0)
        total = term if total is None else total + term
    return total


def jacobian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """The Jacobian of ``func`` at ``inputs``: ``out.shape + in.shape`` per (output, input)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly "  # sic
            "implemented for `vectorize=True`."
        )
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _preprocess(ins, create_graph)
        is_out_tuple, outs = _as_tuple(
            func(*ins), "outputs of the user-provided function", "jacobian"
        )
        _check_outputs_require_grad(outs, strict)
        jac = tuple(tuple(_jacobian_rows(o, ins, create_graph, strict)) for o in outs)
    return _unpack(_postprocess(jac, create_graph), (is_out_tuple, is_in_tuple))


def _scalar_output(func, ins: tuple, fn_name: str) -> Tensor:
    is_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", fn_name)
    if is_tuple or not isinstance(outs[0], Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn_name} should contain a single "
            "element"
        )
    return outs[0].squeeze()


def hessian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
):
    """The Hessian of a scalar ``func``: ``in.shape + in.shape`` (nested tuples for several)."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def jac_func(*xs):
        out = _scalar_output(func, xs, "hessian")
        grads = _grad((out,), xs, (Tensor._make(np.ones((), out._data.dtype)),), True)
        return _fill_in_zeros(grads, xs, strict, _INDEPENDENT)

    res = jacobian(
        jac_func,
        ins,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _unpack(res, (is_in_tuple, is_in_tuple))


def _second_order(func, inputs, v, create_graph: bool, strict: bool, fn_name: str):
    with enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", fn_name)
        ins = _preprocess(ins, create_graph)
        if v is None:
            if len(ins) != 1 or ins[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the user-provided function "
                    "is a single Tensor with a single element."
                )
            vs = tuple(Tensor._make(np.ones(t._data.shape, t._data.dtype)) for t in ins)
        else:
            _, vs = _as_tuple(v, "v", fn_name)
            _validate_v(vs, ins, is_in_tuple)
        out = _scalar_output(func, ins, fn_name)
        _check_outputs_require_grad((out,), strict)
        ones = Tensor._make(np.ones((), out._data.dtype))
        jac = _fill_in_zeros(_grad((out,), ins, (ones,), True), ins, strict, _INDEPENDENT)
        res = _grad(jac, ins, vs, create_graph)
        res = _fill_in_zeros(
            res,
            ins,
            strict,
            "The hessian of the user-provided function is "
            "independent of input {}. This is not allowed in strict mode.",
        )
    return (_postprocess(out, create_graph), _unpack(_postprocess(res, create_graph), is_in_tuple))


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T H)`` for a scalar function."""
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)`` for a scalar function (H is symmetric, so this is vhp's value)."""
    return _second_order(func, inputs, v, create_graph, strict, "hvp")
