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

from .. import autograd
from ..autograd import forward_ad
from ..autograd.functional import stack_tensors
from ..autograd.grad_mode import enable_grad
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
    if forward_ad.state.level is not None:
        forward_ad.set_tangent(fresh, forward_ad.get_tangent(t))
    return fresh


def _zeros_like(t: Tensor) -> Tensor:
    return Tensor._make(np.zeros(t._data.shape, t._data.dtype))


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


def _prepare(args: tuple, argnums) -> tuple[tuple, list, object, tuple]:
    """args with the differentiated ones replaced by tracked copies; their flat leaves."""
    nums = _check_argnums(argnums, len(args))
    chosen = tuple(args[n] for n in nums)
    leaves, spec = tree_flatten(chosen)
    tracked = [_track(x) for x in leaves]
    new_chosen = tree_unflatten(spec, tracked)
    new_args = list(args)
    for n, value in zip(nums, new_chosen, strict=False):
        new_args[n] = value
    return tuple(new_args), tracked, spec, nums


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """``f -> (df/dargs, f(args))`` for a function returning a scalar tensor."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        new_args, tracked, spec, _ = _prepare(args, argnums)
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
            grads = iter(
                autograd.grad(out, inputs, create_graph=keep, allow_unused=True)
                if out.requires_grad
                else [None] * len(inputs)
            )
        flat = [_fill(next(grads), t) if isinstance(t, Tensor) else None for t in tracked]
        g = tree_unflatten(spec, flat)
        g = g[0] if not isinstance(argnums, tuple) else g
        value = _detach_tree(out, keep)
        if has_aux:
            return g, (value, _detach_tree(aux, keep))
        return g, value

    return wrapper


def _fill(g, ref: Tensor) -> Tensor:
    return _zeros_like(ref) if g is None else g


def grad(func, argnums=0, has_aux: bool = False):
    """``f -> df/dargs`` (torch.func.grad); with ``has_aux`` also returns f's auxiliary output."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func, *primals, has_aux: bool = False):
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` gives one gradient per primal."""
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
        pairs = [(o, c) for o, c in zip(out_leaves, cot_leaves, strict=False) if o.requires_grad]
        inputs = [t for t in tracked if isinstance(t, Tensor)]
        with enable_grad(), _Depth():
            grads = (
                autograd.grad(
                    [o for o, _ in pairs],
                    inputs,
                    [c for _, c in pairs],
                    retain_graph=True,
                    create_graph=keep,
                    allow_unused=True,
                )
                if pairs
                else [None] * len(inputs)
            )
        it = iter(grads)
        flat = [_fill(next(it), t) if isinstance(t, Tensor) else None for t in tracked]
        return tree_unflatten(spec, flat)

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
    """``(func(*primals), J @ tangents)`` by forward mode (dual tensors)."""
    _check_jvp_args(primals, tangents)
    if forward_ad.state.level is not None:  # forward mode inside forward mode
        return _jvp_by_double_vjp(func, primals, tangents, has_aux)
    p_leaves, spec = tree_flatten(primals)
    t_leaves, _ = tree_flatten(tangents)
    keep = _keep_graph(p_leaves + t_leaves)
    with forward_ad.dual_level(), _Depth():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(p_leaves, t_leaves, strict=False)]
        out, aux = _split_aux(func(*tree_unflatten(spec, duals)), has_aux, "jvp")
        out_leaves, out_spec = tree_flatten(out)
        unpacked = [forward_ad.unpack_dual(o) for o in out_leaves]
    values = _detach_tree(tree_unflatten(out_spec, [u.primal for u in unpacked]), keep)
    jvps = _detach_tree(
        tree_unflatten(
            out_spec,
            [u.tangent if u.tangent is not None else _zeros_like(u.primal) for u in unpacked],
        ),
        keep,
    )
    return (values, jvps, _detach_tree(aux, keep)) if has_aux else (values, jvps)


def _jvp_by_double_vjp(func, primals, tangents, has_aux: bool):
    """J v as d/du (u^T J) . v: works inside another forward-mode level."""
    out, vjp_fn, *aux = vjp(func, *primals, has_aux=has_aux)
    out_leaves, out_spec = tree_flatten(out)
    with enable_grad(), _Depth():
        us = [Tensor._make(np.zeros(o._data.shape, o._data.dtype), True) for o in out_leaves]
        grads = tree_flatten(vjp_fn(tree_unflatten(out_spec, us)))[0]
        pairs = [
            (g, t)
            for g, t in zip(grads, tree_flatten(tangents)[0], strict=False)
            if g.requires_grad
        ]
        res = (
            autograd.grad(
                [g for g, _ in pairs],
                us,
                [t for _, t in pairs],
                create_graph=True,
                allow_unused=True,
            )
            if pairs
            else [None] * len(us)
        )
    jv = tree_unflatten(out_spec, [_fill(r, o) for r, o in zip(res, out_leaves, strict=False)])
    return (out, jv, aux[0]) if has_aux else (out, jv)


def _select_args(args: tuple, argnums) -> tuple:
    nums = _check_argnums(argnums, len(args))
    return tuple(args[n] for n in nums)


def _jac_structure(per_out_per_arg: list, out_spec, argnums):
    """Nest as torch.func does: outputs outside, argnums (if a tuple) inside."""
    rows = [tuple(r) if isinstance(argnums, tuple) else r[0] for r in per_out_per_arg]
    return tree_unflatten(out_spec, rows)


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size=None):
    """The Jacobian by reverse mode: one vjp per output element; ``out.shape + in.shape``."""

    @functools.wraps(func)
    def wrapper(*args):
        nums = _check_argnums(argnums, len(args))

        def f_of_chosen(*chosen):
            full = list(args)
            for n, c in zip(nums, chosen, strict=False):
                full[n] = c
            return func(*full)

        chosen = _select_args(args, argnums)
        out, vjp_fn, *aux = vjp(f_of_chosen, *chosen, has_aux=has_aux)
        out_leaves, out_spec = tree_flatten(out)
        per_out = []
        for j, o in enumerate(out_leaves):
            rows = []
            for k in range(o.numel()):
                cots = [_zeros_like(x) for x in out_leaves]
                basis = np.zeros(o._data.size, o._data.dtype)
                basis[k] = 1
                cots[j] = Tensor._make(basis.reshape(o._data.shape))
                rows.append(vjp_fn(tree_unflatten(out_spec, cots)))
            per_out.append([_stack_jac([r[i] for r in rows], o, c) for i, c in enumerate(chosen)])
        jac = _jac_structure(per_out, out_spec, argnums)
        return (jac, aux[0]) if has_aux else jac

    return wrapper


def _stack_jac(rows: list, out: Tensor, inp: Tensor) -> Tensor:
    if not rows:
        return Tensor._make(np.zeros(tuple(out.shape) + tuple(inp.shape), inp._data.dtype))
    return stack_tensors(rows).reshape(tuple(out.shape) + tuple(inp.shape))


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """The Jacobian by forward mode: one jvp per input element; ``out.shape + in.shape``."""

    @functools.wraps(func)
    def wrapper(*args):
        nums = _check_argnums(argnums, len(args))
        chosen = _select_args(args, argnums)
        cols = [[] for _ in chosen]  # cols[i]: the jvps for each element of chosen[i]
        out = aux = None
        for i, c in enumerate(chosen):
            for k in range(c.numel()):
                basis = np.zeros(c._data.size, c._data.dtype)
                basis[k] = 1
                tangents = tuple(
                    Tensor._make(basis.reshape(c._data.shape)) if m == i else _zeros_like(x)
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


def _merge(args: tuple, nums: tuple, chosen: tuple) -> tuple:
    full = list(args)
    for n, c in zip(nums, chosen, strict=False):
        full[n] = c
    return tuple(full)


def _stack_cols(cols: list, out: Tensor, inp: Tensor) -> Tensor:
    """Columns d(out)/d(inp_k) stacked on a new last axis, shaped ``out.shape + inp.shape``."""
    if not cols:
        return Tensor._make(np.zeros(tuple(out.shape) + tuple(inp.shape), out._data.dtype))
    stacked = stack_tensors(cols)  # (inp.numel(), *out.shape)
    flat = stacked.reshape(inp.numel(), out.numel())
    return flat.movedim(0, 1).reshape(tuple(out.shape) + tuple(inp.shape))


def hessian(func, argnums=0):
    """The Hessian, as torch.func computes it: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)
