"""grad, grad_and_value, vjp, jvp, jacrev, jacfwd and hessian as function transforms.

Built on the one autograd engine (and forward_ad for ``jvp``): each transform gives the
function fresh tensors to differentiate with respect to, and keeps the graph (``create_graph``)
only when an enclosing transform, or an input that already requires grad, needs it. So they
nest (``grad(grad(f))``, ``jacfwd(jacrev(f))``, ``vmap(grad(f))``) and, at the outermost level,
return plain tensors, as torch.func does.

>>> import graphgrad as torch
>>> from graphgrad.func import grad, jacrev
>>> grad(grad(lambda t: t**3))(torch.tensor(2.0))
tensor(12.)
>>> jacrev(torch.sin)(torch.tensor([0.0, 1.0]))
tensor([[1.0000, 0.0000],
        [0.0000, 0.5403]])
"""

from __future__ import annotations

import functools

import numpy as np

from ..autograd import forward_ad
from ..autograd.functional import (
    filled_like,
    grad_or_none,
    one_hot_like,
    stack_rows,
)
from ..autograd.grad_mode import enable_grad
from ..ops.shape.join import stack
from ..tensor import Tensor
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "vjp"]


class _Depth:
    """How many transforms are running (an inner one must keep its graph for the outer)."""

    value = 0

    def __enter__(self) -> None:
        _Depth.value += 1

    def __exit__(self, *exc) -> None:
        _Depth.value -= 1


def _keep_graph(tensors: list) -> bool:
    return _Depth.value > 0 or any(isinstance(t, Tensor) and t.requires_grad for t in tensors)


def _track(t):
    """A fresh tensor that requires grad, still in any outer graph and carrying its tangent."""
    if not isinstance(t, Tensor):
        return t
    if t.requires_grad:
        return t.view(t.shape)
    fresh = t.detach().requires_grad_()
    if forward_ad.current_level() is not None:
        forward_ad.set_tangent(fresh, forward_ad.get_tangent(t))
    return fresh


def _detach_tree(tree, keep: bool):
    if keep:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten(spec, [x.detach() if isinstance(x, Tensor) else x for x in leaves])


def _check_argnums(argnums, n_args: int) -> tuple[int, ...]:
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if not all(isinstance(n, int) for n in nums) or not nums:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for n in nums:
        if not -n_args <= n < n_args:
            raise RuntimeError(f"Got argnum={n}, but only {n_args} positional inputs")
    return tuple(n % n_args for n in nums)


def _split_aux(out, has_aux: bool, api: str):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(
            f"{api}(f)(*args): output of function f should be a tuple: (output, aux) if "
            "has_aux is True"
        )
    return out


def _chosen(args: tuple, argnums) -> tuple[tuple, tuple]:
    """The checked ``argnums`` (as a tuple of positions) and the arguments they select."""
    nums = _check_argnums(argnums, len(args))
    return nums, tuple(args[n] for n in nums)


def _merge(args: tuple, nums: tuple, chosen: tuple) -> tuple:
    """``args`` with the arguments at ``nums`` replaced by ``chosen``."""
    full = list(args)
    for n, c in zip(nums, chosen, strict=False):
        full[n] = c
    return tuple(full)


def _prepare(args: tuple, argnums) -> tuple[tuple, list, object]:
    """args with the differentiated ones replaced by tracked copies; their flat leaves."""
    nums, chosen = _chosen(args, argnums)
    leaves, spec = tree_flatten(chosen)
    tracked = [_track(x) for x in leaves]
    return _merge(args, nums, tree_unflatten(spec, tracked)), tracked, spec


def _grads_tree(grads, tracked: list, spec):
    """One gradient per tracked leaf (zeros for an unused tensor, None for a non-tensor)."""
    it = iter(grads)
    flat = [_fill(next(it), t) if isinstance(t, Tensor) else None for t in tracked]
    return tree_unflatten(spec, flat)


def _fill(g, ref: Tensor) -> Tensor:
    return filled_like(ref, 0) if g is None else g


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """``func -> (gradient, value)``: a function returning the gradient of ``func``
    with respect to its ``argnums`` arguments together with ``func``'s value.

    Args:
        func: the function; it takes tensors (or pytrees of them) and returns a one-element
            tensor (with ``has_aux``, a pair ``(tensor, aux)``).
        argnums: which positional argument(s) to differentiate, an int or a tuple of ints.
        has_aux: ``func`` returns ``(output, aux)``; aux is passed through undifferentiated.

    >>> from graphgrad.func import grad_and_value
    >>> x = torch.tensor([1.0, 2.0])
    >>> grad_and_value(lambda x: (x ** 3).sum())(x)
    (tensor([ 3., 12.]), tensor(9.))
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        new_args, tracked, spec = _prepare(args, argnums)
        keep = _keep_graph(list(tree_flatten(args)[0]))
        with enable_grad(), _Depth():
            out, aux = _split_aux(func(*new_args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, Tensor):
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                    f"{type(out)}"
                )
            if out.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                    f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                    "APIs instead?"
                )
            inputs = [t for t in tracked if isinstance(t, Tensor)]
            grads = grad_or_none((out,), inputs, (None,), keep, retain_graph=None)
        g = _grads_tree(grads, tracked, spec)
        g = g[0] if not isinstance(argnums, tuple) else g
        value = _detach_tree(out, keep)
        if has_aux:
            return g, (value, _detach_tree(aux, keep))
        return g, value

    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """``func -> gradient``: a function returning the gradient of ``func`` with respect to
    its ``argnums`` arguments (``torch.func.grad``); composes with ``vmap`` and itself.

    Args:
        func, argnums, has_aux: as in ``grad_and_value``.

    >>> from graphgrad.func import grad
    >>> x = torch.tensor([1.0, 2.0])
    >>> grad(lambda x: (x ** 3).sum())(x)
    tensor([ 3., 12.])
    >>> grad(lambda x, y: (x * y).sum(), argnums=1)(x, torch.tensor([3.0, 4.0]))
    tensor([1., 2.])
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``: ``vjp_fn(cotangents)`` returns one gradient per primal.

    Args:
        func: a function of tensors (or pytrees).
        primals: the arguments.
        has_aux: ``func`` returns ``(output, aux)``; aux is returned as a third element.

    >>> from graphgrad.func import vjp
    >>> out, vjp_fn = vjp(lambda x: x ** 2, torch.tensor([1.0, 2.0]))
    >>> vjp_fn(torch.ones(2))
    (tensor([2., 4.]),)
    """
    leaves, spec = tree_flatten(primals)
    tracked = [_track(x) for x in leaves]
    keep = _keep_graph(leaves)
    with enable_grad(), _Depth():
        out, aux = _split_aux(func(*tree_unflatten(spec, tracked)), has_aux, "vjp")
    out_leaves, out_spec = tree_flatten(out)

    def vjp_fn(cotangents):
        cot_leaves, cot_spec = tree_flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                "outputs to the function."
            )
        inputs = [t for t in tracked if isinstance(t, Tensor)]
        with enable_grad(), _Depth():
            grads = grad_or_none(out_leaves, inputs, cot_leaves, keep)
        return _grads_tree(grads, tracked, spec)

    value = _detach_tree(out, keep)
    return (value, vjp_fn, _detach_tree(aux, keep)) if has_aux else (value, vjp_fn)


def _check_jvp_args(primals, tangents) -> None:
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(
                f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it should be "
                "valid to call f(*primals)."
            )
    if tree_flatten(primals)[1] != tree_flatten(tangents)[1]:
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, tangents also must be."
        )


def jvp(func, primals: tuple, tangents: tuple, *, strict: bool = False, has_aux: bool = False):
    """``(func(*primals), J @ tangents)`` by forward mode (dual tensors).

    Args:
        func: a function of tensors.
        primals: a tuple of the arguments.
        tangents: a tuple of directions, one per primal.
        strict: accepted for compatibility.
        has_aux: ``func`` returns ``(output, aux)``; aux is returned as a third element.

    >>> from graphgrad.func import jvp
    >>> jvp(lambda x: x ** 2, (torch.tensor([1.0, 2.0]),), (torch.ones(2),))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    _check_jvp_args(primals, tangents)
    if forward_ad.current_level() is not None:  # forward mode inside forward mode
        return _jvp_by_double_vjp(func, primals, tangents, has_aux)
    p_leaves, spec = tree_flatten(primals)
    t_leaves, _ = tree_flatten(tangents)
    keep = _keep_graph(p_leaves + t_leaves)
    with forward_ad.private_level(), _Depth():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(p_leaves, t_leaves, strict=False)]
        out, aux = _split_aux(func(*tree_unflatten(spec, duals)), has_aux, "jvp")
        out_leaves, out_spec = tree_flatten(out)
        unpacked = [forward_ad.unpack_dual(o) for o in out_leaves]
    values = _detach_tree(tree_unflatten(out_spec, [u.primal for u in unpacked]), keep)
    jvps = _detach_tree(
        tree_unflatten(
            out_spec,
            [_fill(u.tangent, u.primal) for u in unpacked],
        ),
        keep,
    )
    return (values, jvps, _detach_tree(aux, keep)) if has_aux else (values, jvps)


def _jvp_by_double_vjp(func, primals, tangents, has_aux: bool):
    """J v as d/du (u^T J) . v: works inside another forward-mode level."""
    out, vjp_fn, *aux = vjp(func, *primals, has_aux=has_aux)
    out_leaves, out_spec = tree_flatten(out)
    with enable_grad(), _Depth():
        us = [filled_like(o, 0, requires_grad=True) for o in out_leaves]
        grads = tree_flatten(vjp_fn(tree_unflatten(out_spec, us)))[0]
        res = grad_or_none(grads, us, tree_flatten(tangents)[0], True, retain_graph=None)
    jv = tree_unflatten(out_spec, [_fill(r, o) for r, o in zip(res, out_leaves, strict=False)])
    return (out, jv, aux[0]) if has_aux else (out, jv)


def _jac_structure(per_out_per_arg: list, out_spec, argnums):
    """Nest as torch.func does: outputs outside, argnums (if a tuple) inside."""
    rows = [tuple(r) if isinstance(argnums, tuple) else r[0] for r in per_out_per_arg]
    return tree_unflatten(out_spec, rows)


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None):
    """``func -> Jacobian`` by reverse mode (one vjp per output element); the result
    has shape ``out.shape + in.shape``.

    Args:
        func: a function of tensors.
        argnums: which argument(s) to differentiate.
        has_aux: ``func`` returns ``(output, aux)``.
        chunk_size: accepted for compatibility.

    >>> from graphgrad.func import jacrev
    >>> jacrev(lambda x: x ** 2)(torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """

    @functools.wraps(func)
    def wrapper(*args):
        nums, chosen = _chosen(args, argnums)
        out, vjp_fn, *aux = vjp(lambda *xs: func(*_merge(args, nums, xs)), *chosen, has_aux=has_aux)
        out_leaves, out_spec = tree_flatten(out)
        per_out = []
        for j, o in enumerate(out_leaves):
            rows = []
            for k in range(o.numel()):
                cots = [filled_like(x, 0) for x in out_leaves]
                cots[j] = one_hot_like(o, k)
                rows.append(vjp_fn(tree_unflatten(out_spec, cots)))
            per_out.append([_stack_tree([r[i] for r in rows], o, c) for i, c in enumerate(chosen)])
        jac = _jac_structure(per_out, out_spec, argnums)
        return (jac, aux[0]) if has_aux else jac

    return wrapper


def _stack_tree(rows: list, out: Tensor, arg):
    """``stack_rows`` for each tensor of the argument ``arg``: a tensor, or a dict, list or
    tuple of them (the parameters of ``functional_call``), whose structure the result keeps."""
    leaves, spec = tree_flatten(arg)
    flat_rows = [tree_flatten(r)[0] for r in rows]
    stacked = [stack_rows([r[m] for r in flat_rows], out, x) for m, x in enumerate(leaves)]
    return tree_unflatten(spec, stacked)


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """``func -> Jacobian`` by forward mode (one jvp per input element).

    Args:
        func, argnums, has_aux: as in ``jacrev``.
        randomness: as in ``vmap``.

    >>> from graphgrad.func import jacfwd
    >>> jacfwd(lambda x: x ** 2)(torch.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """

    @functools.wraps(func)
    def wrapper(*args):
        nums, chosen = _chosen(args, argnums)
        cols: list[list] = [[] for _ in chosen]  # cols[i]: the jvps for each element of chosen[i]
        out = aux = None
        for i, c in enumerate(chosen):
            for k in range(c.numel()):
                tangents = tuple(
                    one_hot_like(c, k) if m == i else filled_like(x, 0)
                    for m, x in enumerate(chosen)
                )
                res = jvp(
                    lambda *xs: func(*_merge(args, nums, xs)), chosen, tangents, has_aux=has_aux
                )
                out, jv = res[0], res[1]
                aux = res[2] if has_aux else None
                cols[i].append(tree_flatten(jv)[0])
        out_leaves, out_spec = tree_flatten(out)
        per_out = [
            [_stack_cols([col[j] for col in cols[i]], o, c) for i, c in enumerate(chosen)]
            for j, o in enumerate(out_leaves)
        ]
        jac = _jac_structure(per_out, out_spec, argnums)
        return (jac, aux) if has_aux else jac

    return wrapper


def _stack_cols(cols: list, out: Tensor, inp: Tensor) -> Tensor:
    """Columns d(out)/d(inp_k) stacked on a new last axis, shaped ``out.shape + inp.shape``."""
    if not cols:
        return Tensor._make(np.zeros(tuple(out.shape) + tuple(inp.shape), out._data.dtype))
    stacked = stack(cols)  # (inp.numel(), *out.shape)
    flat = stacked.reshape(inp.numel(), out.numel())
    return flat.movedim(0, 1).reshape(tuple(out.shape) + tuple(inp.shape))


def hessian(func, argnums=0):
    """``func -> Hessian``: ``jacfwd(jacrev(func))``.

    Args:
        func: a function returning a one-element tensor.
        argnums: which argument(s) to differentiate.

    >>> from graphgrad.func import hessian
    >>> hessian(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
