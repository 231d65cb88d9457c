"""Forward-mode rules: how a primitive pushes its inputs' tangents to its outputs.

A Primitive's ``jvp`` is one of:

* a tuple with one rule per input, ``(tangent, saved) -> Tensor`` (``saved`` has every input
  by name, ``"result"`` (the first output), ``"results"`` (all of them) and the op's
  parameters), the contributions being summed;
* a callable ``(tangents, saved) -> Tensor`` (or a tuple, one per output) for the whole op;
* ``DIAGONAL``: an elementwise op, whose Jacobian is diagonal (up to broadcasting), so its
  backward rules are also its forward rules;
* ``LINEAR``: an op linear in its tensor inputs taken together (views, sums, cat, copies),
  whose tangent is the op itself applied to the tangents (zeros for inputs without one);
* ``MULTILINEAR``: linear in each input separately (products such as mm, dot, einsum), whose
  tangent is the sum over inputs of the op with that input replaced by its tangent;
* ``None``: no rule yet. The tangent is then computed by transposing the (linear) backward
  rules with one reverse pass, which is correct but slower; tests list these primitives.

>>> import graphgrad as torch
>>> import graphgrad.autograd.forward_ad as fwAD
>>> with fwAD.dual_level():
...     x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
...     fwAD.unpack_dual((x * x).sum()).tangent
tensor(6.)
"""

from __future__ import annotations

import itertools

import numpy as np

from ..autograd import forward_ad
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.grad_mode import enable_grad
from ..autograd.gradients import grad
from ..tensor import Tensor


class _Kind:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


DIAGONAL = _Kind("DIAGONAL")
LINEAR = _Kind("LINEAR")
MULTILINEAR = _Kind("MULTILINEAR")


def propagate(prim, args: tuple, params: dict, results: tuple, apply) -> None:
    """Attach to ``results`` the tangents of ``prim`` applied to ``args`` (``apply`` is
    ``primitive.apply``, handed in so that this module does not import it)."""
    tangents = [forward_ad.get_tangent(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    with forward_ad.suspended():
        out = _tangents_out(prim, args, params, tangents, results, apply)
        outs = out if prim.n_outputs != 1 else (out,)
        for r, t in zip(results, outs, strict=False):
            if t is not None and r.dtype.is_floating_point:
                forward_ad.attach_tangent(r, _fit(t, r))


def _saved(prim, args: tuple, params: dict, results: tuple, everything: bool) -> dict:
    """What rules read: for a forward rule every input by name; for a backward rule reused
    here, exactly what backward would give it (its params and its ``saves``)."""
    saved = dict(params)
    for name, value in zip(prim.inputs, args, strict=False):
        if everything or name in prim.saved_names:
            saved[name] = value
    if everything or "result" in prim.saved_names:
        saved["result"] = results[0]  # as backward sees it: the first output
    if everything:
        saved["results"] = results  # all outputs, for forward rules of multi-output ops
    return saved


def _tangents_out(prim, args, params, tangents, results, apply):
    jvp = prim.jvp
    if jvp is None or jvp is DIAGONAL:
        saved = _saved(prim, args, params, results, everything=False)
        if jvp is None:
            return _transpose_backward(prim, args, tangents, saved, results)
        return _sum_rules(prim, _rules(prim, len(args)), tangents, saved)
    if jvp is LINEAR:
        ins = [t if t is not None else _zeros_for(a) for a, t in zip(args, tangents, strict=False)]
        return apply(prim, *ins, **params)
    if jvp is MULTILINEAR:
        total = None
        for i, t in enumerate(tangents):
            if t is not None:
                term = apply(prim, *args[:i], t, *args[i + 1 :], **params)
                total = term if total is None else _add(total, term)
        return total
    saved = _saved(prim, args, params, results, everything=True)
    if callable(jvp):
        return jvp(tangents, saved)
    return _sum_rules(prim, jvp, tangents, saved)


def _rules(prim, n: int) -> list:
    """The backward rules of the first ``n`` inputs (variadic ops give them as an iterable)."""
    return list(itertools.islice(iter(prim.rules), n))


def _zeros_for(a):
    if not isinstance(a, Tensor):
        return a
    return Tensor._make(np.zeros(a._data.shape, a._data.dtype))


def _add(a, b):
    if isinstance(a, (tuple, list)):
        return type(a)(x + y for x, y in zip(a, b, strict=False))
    return a + b


def _sum_rules(prim, rules: list, tangents: list, saved: dict):
    total = None
    for i, t in enumerate(tangents):
        if t is None or rules[i] is None:
            continue
        term = rules[i](t, saved)
        total = term if total is None else total + term
    return total


def _fit(tangent: Tensor, out: Tensor) -> Tensor:
    """A rule may return its input's shape for a broadcast op; give it the output's."""
    if tangent._data.shape != out._data.shape:
        tangent = tangent.expand(out.shape)
    if tangent.dtype is not out.dtype:
        tangent = tangent.to(out.dtype)
    return tangent


def _transpose_backward(prim, args: tuple, tangents: list, saved: dict, results: tuple):
    """J v without a forward rule: the backward rules are linear in the output gradient u,
    so differentiating ``<rule_i(u), v_i>`` with respect to u gives ``J_i v_i``."""
    us = [
        Tensor._make(np.zeros(r._data.shape, r._data.dtype), r.dtype.is_floating_point)
        for r in results
    ]
    rules = _rules(prim, len(args))
    keep = _grad_state.enabled and any(
        isinstance(x, Tensor) and x.requires_grad for x in list(args) + tangents
    )
    vjps, vs = [], []
    with enable_grad():
        for i, t in enumerate(tangents):
            if t is None or rules[i] is None:
                continue
            g = rules[i](us[0] if prim.n_outputs == 1 else list(us), saved)
            if g is not None and g.requires_grad:
                vjps.append(g.sum_to_size(args[i].shape) if g.shape != args[i].shape else g)
                vs.append(t.to(g.dtype) if t.dtype is not g.dtype else t)
        diff = [u for u in us if u.requires_grad]
        out = (
            grad(vjps, diff, vs, create_graph=keep, allow_unused=True)
            if vjps
            else [None] * len(diff)
        )
    it = iter(out)
    tangents_out = []
    for u in us:  # integer outputs (indices) get no tangent; unreached ones get zeros
        g = next(it) if u.requires_grad else None
        tangents_out.append(_zeros_for(u) if g is None and u.requires_grad else g)
    return tangents_out[0] if prim.n_outputs == 1 else tangents_out
