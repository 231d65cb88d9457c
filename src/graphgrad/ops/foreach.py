"""The ``torch._foreach_*`` operations: one op applied to each tensor of a list (PyTorch fuses
them into few kernels; here each is the ordinary op on each tensor, so the values and the
gradients are those of the ops themselves).

The out-of-place forms return a tuple of new tensors; the in-place forms (``_``-suffixed)
change each tensor and return the list they were given. Every function is built here from one
table of op names, in four kinds:

- unary: ``_foreach_sqrt(tensors)``;
- binary: ``_foreach_add(tensors, other, *, alpha=1)`` where ``other`` is a number, a list of
  numbers (one per tensor), a tensor (for all) or a list of tensors;
- pointwise: ``_foreach_addcmul(tensors, tensors1, tensors2, value=1)`` (``value``: a number,
  a list of numbers or a 1-D tensor of them) and ``_foreach_lerp(tensors, ends, weight)``;
- the rest: ``_foreach_norm``, ``_foreach_max``, ``_foreach_clone``, ``_foreach_copy_``,
  ``_foreach_zero_``, ``_foreach_mm``.

>>> import graphgrad as torch
>>> params = [torch.tensor([1.0, 4.0]), torch.tensor([9.0])]
>>> torch._foreach_sqrt(params)
(tensor([1., 2.]), tensor([3.]))
>>> torch._foreach_add_(params, [1.0, 2.0], alpha=1) is params, params
(True, [tensor([2., 5.]), tensor([11.])])
>>> torch._foreach_mul(params, torch.tensor(0.5))
(tensor([1.0000, 2.5000]), tensor([5.5000]))
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

from ..tensor import Tensor

UNARY = (
    "abs acos asin atan ceil cos cosh erf erfc exp expm1 floor frac lgamma log log10 log1p "
    "log2 neg reciprocal round rsqrt sigmoid sign sin sinh sqrt tan tanh trunc"
).split()
# Binary ops: name -> (method for a tensor operand, method for a number operand).
BINARY = {
    "add": ("add", "add"),
    "sub": ("sub", "sub"),
    "mul": ("mul", "mul"),
    "div": ("div", "div"),
    "pow": ("pow", "pow"),
    "maximum": ("maximum", "clamp_min"),
    "minimum": ("minimum", "clamp_max"),
    "clamp_min": ("clamp_min", "clamp_min"),
    "clamp_max": ("clamp_max", "clamp_max"),
}
WITH_ALPHA = {"add", "sub"}


def _tensor_list(name: str, tensors, argument: int = 0) -> list[Tensor]:
    """``tensors`` checked as PyTorch checks a ``Tensor[]`` argument."""
    if not isinstance(tensors, (list, tuple)):
        if argument == 0:
            raise TypeError(
                f"{name}(): argument 'self' (position 1) must be tuple of Tensors, not "
                f"{type(tensors).__name__}"
            )
        raise TypeError(f"{name}(): expected a list of Tensors as argument {argument}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument {argument}, but got {type(t).__name__}"
            )
    if argument == 0 and not tensors:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return list(tensors)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, Tensor)


def _operands(name: str, tensors: list, other, argument: int = 1) -> list:
    """One operand per tensor: ``other`` repeated (a number or a tensor), or its elements."""
    if _is_number(other) or isinstance(other, Tensor):
        return [other] * len(tensors)
    if not isinstance(other, (list, tuple)):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (list, "
            f"{type(other).__name__}), but expected one of: a number, a list of numbers, "
            "a Tensor or a list of Tensors"
        )
    if other and all(_is_number(o) for o in other):
        if len(other) != len(tensors):
            raise RuntimeError("Tensor list must have same number of elements as scalar list.")
        return list(other)
    others = _tensor_list(name, other, argument)
    if len(others) != len(tensors):
        raise RuntimeError(
            f"Tensor lists must have the same number of tensors, got {len(tensors)} and "
            f"{len(others)}"
        )
    return others


def _in_place(t: Tensor, method: str, *args, **kwargs) -> None:
    """``t.<method>_(...)``, or ``t.copy_(t.<method>(...))`` where there is no in-place form."""
    inplace = getattr(t, method + "_", None)
    if inplace is not None:
        inplace(*args, **kwargs)
    else:
        t.copy_(getattr(t, method)(*args, **kwargs))


def _unary(op: str) -> tuple[Callable, Callable]:
    def out_of_place(self):
        return tuple(getattr(t, op)() for t in _tensor_list(f"_foreach_{op}", self))

    def in_place(self):
        for t in _tensor_list(f"_foreach_{op}_", self):
            _in_place(t, op)
        return self

    return out_of_place, in_place


def _binary(op: str) -> tuple[Callable, Callable]:
    with_tensor, with_number = BINARY[op]

    def pairs(name, self, other):
        tensors = _tensor_list(name, self)
        return zip(tensors, _operands(name, tensors, other), strict=True)

    def method(operand) -> str:
        return with_number if _is_number(operand) else with_tensor

    def out_of_place(self, other, **alpha):
        if op == "pow" and _is_number(self):  # a number raised to each tensor
            return tuple(t.__rpow__(self) for t in _tensor_list("_foreach_pow", other))
        return tuple(
            getattr(t, method(o))(o, **alpha) for t, o in pairs(f"_foreach_{op}", self, other)
        )

    def in_place(self, other, **alpha):
        for t, o in pairs(f"_foreach_{op}_", self, other):
            _in_place(t, method(o), o, **alpha)
        return self

    if op in WITH_ALPHA:
        return _with_alpha(out_of_place), _with_alpha(in_place)
    return (lambda self, other: out_of_place(self, other)), (
        lambda self, other: in_place(self, other)
    )


def _with_alpha(fn: Callable) -> Callable:
    def with_alpha(self, other, *, alpha=1):
        return fn(self, other, alpha=alpha) if alpha != 1 else fn(self, other)

    return with_alpha


def _scalars(name: str, tensors: list, value) -> list:
    """The per-tensor multipliers of addcmul/addcdiv: a number, numbers, or a 1-D tensor."""
    if isinstance(value, Tensor):
        value = value.tolist()
    return _operands(name, tensors, value, argument=3)


def _pointwise(op: str) -> tuple[Callable, Callable]:
    def triples(name, self, tensor1, tensor2, value):
        tensors = _tensor_list(name, self)
        firsts = _operands(name, tensors, _tensor_list(name, tensor1, 1), 1)
        seconds = _operands(name, tensors, _tensor_list(name, tensor2, 2), 2)
        return zip(tensors, firsts, seconds, _scalars(name, tensors, value), strict=True)

    def out_of_place(self, tensor1, tensor2, value=1):
        return tuple(
            getattr(t, op)(a, b, value=v)
            for t, a, b, v in triples(f"_foreach_{op}", self, tensor1, tensor2, value)
        )

    def in_place(self, tensor1, tensor2, value=1):
        for t, a, b, v in triples(f"_foreach_{op}_", self, tensor1, tensor2, value):
            _in_place(t, op, a, b, value=v)
        return self

    return out_of_place, in_place


def _lerp() -> tuple[Callable, Callable]:
    def pairs(name, self, tensors1, weight):
        tensors = _tensor_list(name, self)
        ends = _operands(name, tensors, _tensor_list(name, tensors1, 1), 1)
        weights = _operands(name, tensors, weight, 2)
        return zip(tensors, ends, weights, strict=True)

    def out_of_place(self, tensors1, weight):
        return tuple(t.lerp(e, w) for t, e, w in pairs("_foreach_lerp", self, tensors1, weight))

    def in_place(self, tensors1, weight):
        for t, e, w in pairs("_foreach_lerp_", self, tensors1, weight):
            t.lerp_(e, w)
        return self

    return out_of_place, in_place


def _foreach_norm(self, ord=2, dtype=None):
    """The vector norm of each tensor (``linalg.vector_norm``).

    Args:
        self: the tensors.
        ord: the order of the norm.
        dtype: the dtype to compute and return the norms in.

    >>> import graphgrad as torch
    >>> torch._foreach_norm([torch.tensor([3.0, 4.0]), torch.tensor([1.0])])
    (tensor(5.), tensor(1.))
    """
    from ..linalg import vector_norm

    return tuple(vector_norm(t, ord, dtype=dtype) for t in _tensor_list("_foreach_norm", self))


def _foreach_max(self):
    """The largest element of each tensor.

    Args:
        self: the tensors.

    >>> import graphgrad as torch
    >>> torch._foreach_max([torch.tensor([3.0, 4.0]), torch.tensor([-1.0])])
    (tensor(4.), tensor(-1.))
    """
    return tuple(t.max() for t in _tensor_list("_foreach_max", self))


def _foreach_clone(self):
    """A copy of each tensor.

    Args:
        self: the tensors.

    >>> import graphgrad as torch
    >>> torch._foreach_clone([torch.tensor([3.0, 4.0])])
    (tensor([3., 4.]),)
    """
    return tuple(t.clone() for t in _tensor_list("_foreach_clone", self))


def _foreach_copy_(self, src, non_blocking=False):
    """Copy each tensor of ``src`` into the tensor of ``self`` at its place. Returns ``self``.

    Args:
        self: the tensors written.
        src: the tensors read (broadcast to ``self``'s shapes).
        non_blocking: accepted (copies on the CPU finish at once).

    >>> import graphgrad as torch
    >>> dst = [torch.zeros(2)]
    >>> torch._foreach_copy_(dst, [torch.tensor([1.0, 2.0])])
    [tensor([1., 2.])]
    """
    tensors = _tensor_list("_foreach_copy_", self)
    for t, s in zip(tensors, _operands("_foreach_copy_", tensors, src), strict=True):
        t.copy_(s)
    return self


def _foreach_zero_(self):
    """Fill each tensor with zeros. Returns ``self``.

    Args:
        self: the tensors.

    >>> import graphgrad as torch
    >>> torch._foreach_zero_([torch.ones(2), torch.ones(1)])
    [tensor([0., 0.]), tensor([0.])]
    """
    for t in _tensor_list("_foreach_zero_", self):
        t.zero_()
    return self


def _foreach_mm(self, mat2):
    """The matrix product of each matrix with the matrix of ``mat2`` at its place.

    Args:
        self: the left matrices.
        mat2: the right matrices.

    >>> import graphgrad as torch
    >>> torch._foreach_mm([torch.eye(2)], [torch.tensor([[1.0, 2.0], [3.0, 4.0]])])
    (tensor([[1., 2.],
            [3., 4.]]),)
    """
    tensors = _tensor_list("_foreach_mm", self)
    others = _operands("_foreach_mm", tensors, mat2)
    return tuple(t.mm(m) for t, m in zip(tensors, others, strict=True))


_UNARY_DOC = """``{op}`` of each tensor{inplace}.

    Args:
        self: the tensors.

    >>> import graphgrad as torch
    >>> xs = [torch.tensor([0.25, 0.5]), torch.tensor([0.75])]
    >>> want = [torch.{op}(x) for x in xs]
    >>> got = torch._foreach_{op}{suffix}(xs)
    >>> all(torch.equal(g, w) for g, w in zip({result}, want))
    True
    """

_BINARY_DOC = """``{op}`` of each tensor with its operand{inplace}.

    Args:
        self: the tensors.
        other: a number, a list of numbers, a tensor, or a list of tensors (one per tensor).
        alpha: the multiplier of ``other`` (``add`` and ``sub`` only).

    >>> import graphgrad as torch
    >>> xs = [torch.tensor([0.25, 0.5]), torch.tensor([0.75])]
    >>> two = torch.tensor(2.0)
    >>> want = [torch.{op}(x, two) for x in xs]
    >>> got = torch._foreach_{op}{suffix}(xs, two)
    >>> all(torch.equal(g, w) for g, w in zip({result}, want))
    True
    """

_POINTWISE_DOC = """``{op}`` of each tensor with its pair of operands{inplace}.

    Args:
        self: the tensors.
        tensor1: the first operands, one per tensor.
        tensor2: the second operands, one per tensor.
        value: the multiplier: a number, a list of numbers, or a 1-D tensor of them.

    >>> import graphgrad as torch
    >>> xs, ys = [torch.tensor([1.0, 2.0])], [torch.tensor([4.0, 8.0])]
    >>> want = [torch.{op}(x, y, y, value=0.5) for x, y in zip(xs, ys)]
    >>> got = torch._foreach_{op}{suffix}(xs, ys, ys, 0.5)
    >>> all(torch.equal(g, w) for g, w in zip({result}, want))
    True
    """

_LERP_DOC = """``lerp`` of each tensor towards its end{inplace}.

    Args:
        self: the starts.
        tensors1: the ends, one per tensor.
        weight: a number, a list of numbers, or a list of tensors.

    >>> import graphgrad as torch
    >>> torch._foreach_lerp{suffix}([torch.tensor([0.0, 1.0])], [torch.tensor([1.0, 3.0])], 0.5)
    {output}
    """


def _document(fn: Callable, name: str, template: str, op: str, in_place: bool) -> Callable:
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = template.format(
        op=op,
        suffix="_" if in_place else "",
        inplace=", in place (returns ``self``)" if in_place else "",
        result="xs" if in_place else "got",
        output="[tensor([0.5000, 2.0000])]" if in_place else "(tensor([0.5000, 2.0000]),)",
    )
    return fn


def _build() -> dict[str, Callable]:
    """Every ``_foreach_*`` function by name, from the tables above."""
    kinds = [(op, _unary(op), _UNARY_DOC) for op in UNARY]
    kinds += [(op, _binary(op), _BINARY_DOC) for op in BINARY]
    kinds += [(op, _pointwise(op), _POINTWISE_DOC) for op in ("addcmul", "addcdiv")]
    kinds += [("lerp", _lerp(), _LERP_DOC)]
    out: dict[str, Callable] = {}
    for op, (plain, in_place), doc in kinds:
        out[f"_foreach_{op}"] = _document(plain, f"_foreach_{op}", doc, op, False)
        out[f"_foreach_{op}_"] = _document(in_place, f"_foreach_{op}_", doc, op, True)
    for fn in (_foreach_norm, _foreach_max, _foreach_clone, _foreach_copy_, _foreach_zero_,
               _foreach_mm):  # fmt: skip
        out[fn.__name__] = fn
    return out


FUNCTIONS = _build()
globals().update(FUNCTIONS)  # module attributes, so that doctest finds their examples
