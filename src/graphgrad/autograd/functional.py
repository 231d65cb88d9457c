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

from ..ops.shape.join import stack
from ..tensor import Tensor
from .grad_mode import enable_grad
from .gradients import grad

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def filled_like(t: Tensor, value: float, requires_grad: bool = False) -> Tensor:
    """A new tensor of ``t``'s shape and dtype, every element ``value``."""
    return Tensor._make(np.full(t._data.shape, value, t._data.dtype), requires_grad)


def one_hot_like(t: Tensor, k: int) -> Tensor:
    """Zeros of ``t``'s shape and dtype with a 1 at flat index ``k``: a basis direction."""
    basis = np.zeros(t._data.size, t._data.dtype)
    basis[k] = 1
    return Tensor._make(basis.reshape(t._data.shape))


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


def _inputs(inputs, fn_name: str, create_graph: bool) -> tuple[bool, tuple]:
    """The user's inputs as a tuple of fresh tensors to differentiate with respect to (kept in
    the graph with create_graph), and whether they came as a tuple."""
    is_tuple, ins = _as_tuple(inputs, "inputs", fn_name)
    out = []
    for t in ins:
        if create_graph and t.requires_grad:
            out.append(t.view(t.shape))
        else:
            out.append(t.detach().requires_grad_(True))
    return is_tuple, tuple(out)


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


def _outputs(func, ins: tuple, fn_name: str, strict: bool) -> tuple[bool, tuple]:
    """``func(*ins)`` as a tuple (and whether it was one); in strict mode each must need grad."""
    is_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", fn_name)
    _check_outputs_require_grad(outs, strict)
    return is_tuple, outs


def _postprocess(values, create_graph: bool):
    if isinstance(values, tuple):
        return tuple(_postprocess(v, create_graph) for v in values)
    if values is None or create_graph:
        return values
    return values.detach()


def _vector(v, refs: tuple, refs_is_tuple: bool, fn_name: str, refs_are: str) -> tuple:
    """The user's ``v`` as a tuple matching ``refs``; ones when it is None and ``refs`` is one
    single-element tensor (``refs_are`` words that condition in the error)."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if {refs_are} a single Tensor with a single "
                "element."
            )
        return tuple(filled_like(r, 1) for r in refs)
    _, vs = _as_tuple(v, "v", fn_name)
    if len(refs) != len(vs):
        if refs_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(refs)} but got {len(vs)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(vs, refs, strict=False)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if refs_is_tuple else ""
            raise RuntimeError(
                f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}."
            )
    return vs


def grad_or_none(
    outputs, inputs, grad_outputs, create_graph: bool, retain_graph: bool | None = True
) -> tuple:
    """autograd.grad over the outputs that require grad (None for every input if none does)."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=False) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gos = zip(*pairs, strict=False)
    return grad(
        list(outs),
        list(inputs),
        list(gos),
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=True,
    )


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, message: str) -> tuple:
    out = []
    for i, (g, r) in enumerate(zip(grads, refs, strict=False)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i))
            g = filled_like(r, 0)
        out.append(g)
    return tuple(out)


_STRICT = " This is not allowed in strict mode."
_INDEPENDENT = "The output of the user-provided function is independent of input {}." + _STRICT


def _scalar_grads(out: Tensor, ins: tuple, strict: bool) -> tuple:
    """d(out)/d(ins) of a scalar ``out``, kept in the graph for a second derivative."""
    grads = grad_or_none((out,), ins, (filled_like(out, 1),), create_graph=True)
    return _fill_in_zeros(grads, ins, strict, _INDEPENDENT)


def vjp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T J)``: the outputs and the vector-Jacobian product at ``inputs``.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: the vector, of the outputs' shapes (may be omitted for a one-element output).
        create_graph: record the computation, so the results can be differentiated again.
        strict: raise when an output does not depend on an input (instead of returning zeros).

    >>> from graphgrad.autograd.functional import vjp
    >>> vjp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        is_in_tuple, ins = _inputs(inputs, "vjp", create_graph)
        is_out_tuple, outs = _outputs(func, ins, "vjp", strict)
        vs = _vector(v, outs, is_out_tuple, "vjp", "the user-provided function returns")
        grads = grad_or_none(outs, ins, vs, create_graph)
        result = _fill_in_zeros(grads, ins, strict, _INDEPENDENT)
    return (
        _unpack(_postprocess(outs, create_graph), is_out_tuple),
        _unpack(_postprocess(result, create_graph), is_in_tuple),
    )


_INPUT_IS = "the input to the user-provided function is"


def jvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), J v)``: the outputs and the Jacobian-vector product, by the
    double-backward trick (as PyTorch).

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: the vector, of the inputs' shapes (may be omitted for a one-element input).
        create_graph, strict: as in ``vjp``.

    >>> from graphgrad.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0]))
    (tensor([1., 4.]), tensor([2., 0.]))
    """
    with enable_grad():
        is_in_tuple, ins = _inputs(inputs, "jvp", create_graph)
        vs = _vector(v, ins, is_in_tuple, "jvp", _INPUT_IS)
        is_out_tuple, outs = _outputs(func, ins, "jvp", strict)
        # u -> J^T u is linear in u; differentiating J^T u with respect to u along v gives J v.
        us = tuple(filled_like(o, 0, requires_grad=True) for o in outs)
        grads = grad_or_none(outs, ins, us, create_graph=True)
        grads = _fill_in_zeros(grads, ins, strict, _INDEPENDENT)
        result = grad_or_none(grads, us, vs, create_graph)
        result = _fill_in_zeros(
            result,
            outs,
            strict,
            "The gradient with respect to the input is independent of entry {} in the "
            "grad_outputs when using the double backward trick to compute forward mode "
            "gradients." + _STRICT,
        )
    return (
        _unpack(_postprocess(outs, create_graph), is_out_tuple),
        _unpack(_postprocess(result, create_graph), is_out_tuple),
    )


def _jacobian_rows(out: Tensor, ins: tuple, create_graph: bool, strict: bool) -> list:
    """d(out)/d(each input), shaped ``out.shape + input.shape``, by one vjp per element."""
    message = "The jacobian of the user-provided function is independent of input {}." + _STRICT
    per_input: list[list[Tensor]] = [[] for _ in ins]
    for k in range(out.numel()):
        grads = grad_or_none((out,), ins, (one_hot_like(out, k),), create_graph)
        for rows, g in zip(per_input, _fill_in_zeros(grads, ins, strict, message), strict=False):
            rows.append(g)
    return [stack_rows(rows, out, t) for rows, t in zip(per_input, ins, strict=False)]


def stack_rows(rows: list, out: Tensor, inp: Tensor) -> Tensor:
    """Jacobian rows d(out_k)/d(inp), one per element of ``out``, as ``out.shape + inp.shape``."""
    if not rows:
        return Tensor._make(np.zeros(tuple(out.shape) + tuple(inp.shape), inp._data.dtype))
    return stack(rows).reshape(tuple(out.shape) + tuple(inp.shape))


def jacobian(
    func,
    inputs,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
):
    """The Jacobian of ``func`` at ``inputs``: shape ``out.shape + in.shape`` for each
    (output, input) pair, nested in tuples when there are several.

    Args:
        func: a function of tensors returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph, strict: as in ``vjp``.
        vectorize: accepted; the rows are computed one by one either way.
        strategy: ``"reverse-mode"`` or ``"forward-mode"`` (which needs ``vectorize=True``).

    >>> from graphgrad.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
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
        is_in_tuple, ins = _inputs(inputs, "jacobian", create_graph)
        is_out_tuple, outs = _outputs(func, ins, "jacobian", strict)
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
    """The Hessian of a scalar ``func`` at ``inputs``: shape ``in.shape + in.shape``
    (nested tuples for several inputs).

    Args:
        func: a function of tensors returning a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        create_graph, strict: as in ``vjp``.
        vectorize: as in ``jacobian``.
        outer_jacobian_strategy: the ``strategy`` of the outer Jacobian.

    >>> from graphgrad.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def jac_func(*xs):
        return _scalar_grads(_scalar_output(func, xs, "hessian"), xs, strict)

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
        is_in_tuple, ins = _inputs(inputs, fn_name, create_graph)
        vs = _vector(v, ins, is_in_tuple, fn_name, _INPUT_IS)
        out = _scalar_output(func, ins, fn_name)
        _check_outputs_require_grad((out,), strict)
        res = grad_or_none(_scalar_grads(out, ins, strict), ins, vs, create_graph)
        res = _fill_in_zeros(
            res,
            ins,
            strict,
            "The hessian of the user-provided function is independent of input {}." + _STRICT,
        )
    return (_postprocess(out, create_graph), _unpack(_postprocess(res, create_graph), is_in_tuple))


def vhp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), v^T H)``: a scalar function's value and its vector-Hessian product.

    Args:
        func: a function of tensors returning a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        v: the vector, of the inputs' shapes.
        create_graph, strict: as in ``vjp``.

    >>> from graphgrad.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """``(func(inputs), H v)``: a scalar function's value and its Hessian-vector product
    (by the double-backward trick).

    Args:
        func, inputs, v: as in ``vhp``.
        create_graph, strict: as in ``vjp``.

    >>> from graphgrad.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
    (tensor(9.), tensor([ 6., 12.]))
    """
    return _second_order(func, inputs, v, create_graph, strict, "hvp")
