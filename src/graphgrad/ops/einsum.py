"""einsum and tensordot.

``einsum`` parses the equation (implicit output, ``...`` broadcasting, repeated subscripts),
checks it with PyTorch's messages, and contracts the operands pairwise, left to right, with two
primitives (one and two operands). Their backward rules are einsums themselves, so every order
of derivative works; a repeated subscript (a diagonal) gets its gradient back through an identity
operand.

>>> import graphgrad as torch
>>> a = torch.ones(2, 3, requires_grad=True)
>>> torch.einsum("ij,jk->ik", a, torch.ones(3, 4)).grad_fn.name()
'ViewBackward0'
"""

from __future__ import annotations

import string

import numpy as np

from ..autograd.namespace import ARRAYS, TENSORS
from ..tensor import Tensor
from .array_step import constant
from .namespaces import via_tensors
from .primitive import LINEAR, MULTILINEAR, Primitive, apply

_LETTERS = string.ascii_letters


# -- parsing -----------------------------------------------------------------------------------
def _split(equation: str, n_ops: int) -> tuple[list[str], str | None]:
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) < n_ops:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if len(terms) > n_ops:
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    for term in [*terms, rhs]:
        for ch in term.replace("...", ""):
            if ch not in _LETTERS:
                raise RuntimeError(
                    f"einsum(): invalid subscript given at index {eq.index(ch)} "
                    "in the equation string, subscripts must be in [a-zA-Z]"
                )
    return terms, rhs if arrow else None


def _expand_ellipsis(term: str, ndim: int, ell: str, index: int) -> str:
    """Replace ``...`` by letters for the dims it covers (right-aligned with the others)."""
    if "..." not in term:
        if len(term) != ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation "
                f"({len(term)}) does not match the number of dimensions ({ndim}) "
                f"for operand {index} and no ellipsis was given"
            )
        return term
    named = len(term) - 3
    if named > ndim:
        raise RuntimeError(
            f"einsum(): the number of subscripts in the equation ({named}) is "
            f"more than the number of dimensions ({ndim}) for operand {index}"
        )
    covered = ndim - named
    return term.replace("...", ell[len(ell) - covered :] if covered else "")


def parse(equation: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """Explicit subscripts for every operand and for the output (``...`` spelled out)."""
    terms, rhs = _split(equation, len(shapes))
    used = set("".join(terms) + (rhs or ""))
    free = [c for c in _LETTERS if c not in used]
    ell_ndim = max(
        (len(s) - len(t) + 3 for t, s in zip(terms, shapes, strict=True) if "..." in t), default=0
    )
    ell = "".join(free[:ell_ndim])
    subs = [
        _expand_ellipsis(t, len(s), ell, i)
        for i, (t, s) in enumerate(zip(terms, shapes, strict=True))
    ]
    if rhs is None:
        counts = {c: "".join(terms).count(c) for c in "".join(terms).replace(".", "")}
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1))
    else:
        out = rhs.replace("...", ell)
        for c in out:
            if not any(c in s for s in subs):
                raise RuntimeError(
                    f"einsum(): output subscript {c} does not appear in the "
                    "equation for any input operand"
                )
            if out.count(c) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {c} appears more than once in the output"
                )
    return subs, out


def _label_sizes(subs: list[str], shapes: list[tuple]) -> dict[str, int]:
    """Each subscript's size, checking repeats and broadcasting as PyTorch does."""
    sizes: dict[str, int] = {}
    for i, (term, shape) in enumerate(zip(subs, shapes, strict=True)):
        own: dict[str, int] = {}
        for c, n in zip(term, shape, strict=True):
            if c in own and own[c] != n:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {i} but the "
                    f"sizes don't match, {n} != {own[c]}"
                )
            own[c] = n
        for c, n in own.items():
            seen = sizes.get(c)
            if seen is not None and n != seen and n != 1 and seen != 1:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {i} which "
                    f"does not broadcast with previously seen size {seen}"
                )
            sizes[c] = n if seen is None or seen == 1 else seen
    return sizes


# -- the primitives and their gradients ---------------------------------------------------------
def _einsum_array(*arrays, spec: str, **_):
    return np.asarray(np.einsum(spec, *arrays, optimize=len(arrays) > 1))


def _grad_for(grad, spec: str, shapes: tuple, index: int, others: dict, xp):
    """The gradient of operand ``index``: ``grad`` contracted with the other operands
    (``others``: their positions and values)."""
    ins, out = spec.split("->")
    subs = ins.split(",")
    pairs = [(value, subs[j]) for j, value in others.items()]
    return xp.einsum_grad(grad, out, pairs, subs[index], shapes[index])


def einsum_grad(g: Tensor, g_subs: str, others: list, target: str, shape: tuple) -> Tensor:
    """Contract ``g`` (subscripts ``g_subs``) with ``others`` into an operand of subscripts
    ``target`` and shape ``shape``: a diagonal gets an identity operand per repeat, a subscript
    summed only inside the operand is broadcast back."""
    used = set(g_subs + target + "".join(sub for _, sub in others))
    free = iter(c for c in _LETTERS if c not in used)
    renamed, operands, subs = [], [g] + [o for o, _ in others], [g_subs] + [x for _, x in others]
    for c, n in zip(target, shape, strict=True):
        if c in renamed:
            fresh = next(free)
            operands.append(Tensor._make(constant(np.eye(n, dtype=g._data.dtype))))
            subs.append(c + fresh)
            c = fresh
        renamed.append(c)
    have = set("".join(subs))
    result_subs = "".join(c for c in renamed if c in have)
    out = contract(operands, subs, result_subs)
    for i, c in enumerate(renamed):
        if c not in have:  # a subscript summed inside the operand alone: broadcast back
            out = out.unsqueeze(i)
    if tuple(out.shape) != tuple(shape):  # and size-1 dims of g that the operand broadcast
        out = out.expand(tuple(n if m == 1 else -1 for m, n in zip(out.shape, shape, strict=True)))
    return out


_einsum1 = Primitive(
    "einsum_unary",
    "EinsumBackward0",
    _einsum_array,
    self=lambda grad, spec, shapes, xp: _grad_for(grad, spec, shapes, 0, {}, xp),
    attrs=(),
    jvp=LINEAR,
)
_einsum2 = Primitive(
    "einsum",
    "EinsumBackward1",
    _einsum_array,
    self=lambda grad, other, spec, shapes, xp: _grad_for(grad, spec, shapes, 0, {1: other}, xp),
    other=lambda grad, self, spec, shapes, xp: _grad_for(grad, spec, shapes, 1, {0: self}, xp),
    attrs=(),
    jvp=MULTILINEAR,
)


def _apply(operands: list, subs: list[str], out: str) -> Tensor:
    prim = _einsum1 if len(operands) == 1 else _einsum2
    return apply(
        prim,
        *operands,
        spec=",".join(subs) + "->" + out,
        shapes=tuple(tuple(x.shape) for x in operands),
    )


def contract(operands: list, subs: list[str], out: str) -> Tensor:
    """Contract operands pairwise, left to right, keeping the subscripts still needed."""
    acc, acc_subs = operands[0], subs[0]
    for k in range(1, len(operands)):
        if k == len(operands) - 1:
            keep = out
        else:
            later = out + "".join(subs[k + 1 :])
            keep = "".join(dict.fromkeys(c for c in acc_subs + subs[k] if c in later))
        acc, acc_subs = _apply([acc, operands[k]], [acc_subs, subs[k]], keep), keep
    if acc_subs != out or len(operands) == 1:
        acc = _apply([acc], [acc_subs], out)
    return acc


def einsum(equation: str, *operands) -> Tensor:
    """Sum of products over the indices an Einstein-summation ``equation`` names.

    Args:
        equation: such as ``"ij,jk->ik"``; without ``->`` the output takes the indices that
            occur once, sorted.
        operands: the tensors (or one list of them), one per comma-separated term.

    >>> torch.einsum("ij,jk->ik", torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0], [4.0]]))
    tensor([[11.]])
    >>> torch.einsum("ii", torch.eye(3))
    tensor(3.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    shapes = [tuple(x.shape) for x in operands]
    subs, out = parse(equation, shapes)
    _label_sizes(subs, shapes)
    for x in operands[1:]:
        if x.dtype is not operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {operands[0].dtype.legacy} but found {x.dtype.legacy}"
            )
    if all(len(set(sub)) == len(sub) for sub in subs):
        if len(operands) == 1:
            return _permute_sum(operands[0], subs[0], out)
        if len(operands) == 2 and all(c in out for c in subs[0] + subs[1]):
            return _aligned(operands[0], subs[0], out) * _aligned(operands[1], subs[1], out)
    result = contract(list(operands), subs, out)
    # PyTorch contracts through bmm and reshapes the result: its top node is ViewBackward0
    return result.view(result.shape) if len(operands) > 1 else result


# PyTorch's own paths for the simple cases, so the graph has its nodes: a permute (and a sum)
# for one operand, a broadcast product when nothing is contracted.
def _permute_sum(x: Tensor, sub: str, out: str) -> Tensor:
    summed = [c for c in sub if c not in out]
    x = x.permute(*[sub.index(c) for c in out + "".join(summed)])
    return x.sum(tuple(range(len(out), len(sub)))) if summed else x


def _aligned(x: Tensor, sub: str, out: str) -> Tensor:
    """``x`` with one dim per output subscript, in output order (size 1 where it has none)."""
    missing = [c for c in out if c not in sub]
    for _ in missing:
        x = x.unsqueeze(x.ndim)
    order = sub + "".join(missing)
    return x.permute(*[order.index(c) for c in out])


# -- tensordot ------------------------------------------------------------------------------------
def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Contract the last ``dims`` dimensions of ``a`` with the first of ``b`` (or the
    dimensions two lists name).

    Args:
        a: the first tensor.
        b: the second tensor.
        dims: how many dimensions to contract, or a pair of lists of dimensions.

    >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [d % a.ndim for d in dims_a]
    dims_b = [d % b.ndim for d in dims_b]
    for da, db in zip(dims_a, dims_b, strict=True):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size "
                f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} in "
                f"dim {db}"
            )
    letters = iter(_LETTERS)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b, strict=True):
        sb[db] = sa[da]
    out = "".join(c for i, c in enumerate(sa) if i not in dims_a)
    out += "".join(c for i, c in enumerate(sb) if i not in dims_b)
    result = contract([a, b], ["".join(sa), "".join(sb)], out)
    return result.view(result.shape)  # PyTorch's top node: the ViewBackward0 of an mm result


__all__ = ["einsum", "tensordot"]

METHODS: dict = {}


# The rules contract with graphgrad's einsum; on arrays, the same code through tensor wrappers.
TENSORS.einsum_grad = einsum_grad
ARRAYS.einsum_grad = via_tensors(einsum_grad)
