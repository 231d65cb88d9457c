"""In-place ops (``add_``, ``mul_``, ``+=``...): run the out-of-place op, write the result into
the tensor's storage, bump its version, and rebase its ``grad_fn`` onto the op's node.

>>> import graphgrad as torch
>>> a = torch.ones(2, requires_grad=True)
>>> y = a * 2
>>> y.add_(1).grad_fn.name(), y._version
('AddBackward0', 1)
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from .._argcheck import check_castable
from .._data import fill_value
from ..autograd import forward_ad
from ..autograd.forward_ad import propagating as _fw_propagating
from ..autograd.forward_ad import state as _fw_state
from ..autograd.grad_mode import _state as _grad_state
from ..compile._flag import state as _compile_state
from ..tensor import InferenceCounter, Tensor, inference_state
from .elementwise import zeros_like_grad
from .primitive import DIAGONAL, LINEAR, Primitive, apply
from .views_inplace import (
    move_retain_grad,
    rebase_view,
    refresh_views,
    repoint_saved_result,
    snapshot_saved_self,
)

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
INFERENCE_INPLACE = (  # sic: PyTorch's text has no spaces after the first two periods
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)
VIEW_OF_LEAF_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def check_inplace(t: Tensor) -> None:
    """PyTorch's refusal to write in place into a leaf (or a view of one) that requires grad,
    or into an inference tensor outside inference mode."""
    if type(t._version_counter) is InferenceCounter and not inference_state.enabled:
        raise RuntimeError(INFERENCE_INPLACE)
    if not _grad_state.enabled:
        return
    base = t._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    if t._requires_grad and t.grad_fn is None and base is None:
        raise RuntimeError(LEAF_INPLACE)


def check_overlap(t: Tensor) -> None:
    """PyTorch's refusal to write an op's result into a tensor whose elements share memory
    (an expanded one); fill_ and zero_ may, since every element gets the same value."""
    data = t._data
    if any(st == 0 and n > 1 for st, n in zip(data.strides, data.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )


def _check_result(t: Tensor, out: Tensor) -> None:
    check_castable(out.dtype, t.dtype)
    if out._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, t.shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, out.shape))}]"
        )


def commit(t: Tensor, out: Tensor) -> Tensor:
    """Write ``out`` (computed from ``t`` out of place) into ``t`` and make ``t`` its result."""
    if _compile_state.recorder is not None:  # graphgrad.compile is recording this call
        return _compile_state.recorder.commit(t, out, _commit)
    return _commit(t, out)


def _commit(t: Tensor, out: Tensor) -> Tensor:
    _check_result(t, out)
    node = out.grad_fn
    if node is not None and t._base is not None:
        return rebase_view(t, out)
    if node is not None:
        snapshot_saved_self(node, t)
    np.copyto(t._data, out._data, casting="unsafe")
    t._version_counter.bump()
    if _fw_state.active and _fw_propagating():
        forward_ad.transfer_tangent(out, t)
    if node is not None:
        if t._retains_grad:
            move_retain_grad(t, node, out._output_nr)
        t.grad_fn = node
        t._requires_grad = True
        t._output_nr = out._output_nr
        repoint_saved_result(node, out, t)
        if "_views" in t.__dict__:  # views of t now hang off its new node
            refresh_views(t)
    return t


def inplace_variant(
    prim: Primitive, node: str, rule, attrs: tuple[str, ...] | None = None, register: bool = True
) -> Primitive:
    """``prim``'s in-place form as PyTorch records it: the same forward, dtype rule and
    forward-mode rule, under its own node name, with ``rule`` for the input. PyTorch names the
    forms whose rule reads the saved result ``...Backward1`` (``elu_``: EluBackward1), as the
    input is overwritten; ``commit`` then makes the node watch the input's storage.

    Args:
        prim: the out-of-place primitive (one input with a rule, ``self``).
        node: the in-place node's name.
        rule: the rule for ``self``, reading ``result`` (or ``self``, which ``commit`` keeps a
            copy of) and the op's parameters.
        attrs: the ``_saved_*`` names its nodes show (default: what ``rule`` reads).
        register: list it in the registry as ``<name>_`` (so the generated tests find it).

    >>> import graphgrad as torch
    >>> from graphgrad.ops.unary import _exp
    >>> exp_ = inplace_variant(_exp, "ExpBackward0", lambda g, result: g * result, register=False)
    >>> x = torch.ones(2, requires_grad=True) * 1
    >>> commit(x, apply(exp_, x)).grad_fn.name(), x._version
    ('ExpBackward0', 1)
    """
    others: dict[str, Any] = {k: None for k in prim.inputs if k != "self"}
    return Primitive(
        prim.name + "_",
        node,
        prim.forward,
        inputs=prim.inputs,
        dtype=prim.dtype_rule,
        attrs=attrs,
        jvp=prim.jvp,
        register=register,
        self=rule,
        **others,
    )


_EXAMPLE_ARGS = {
    **dict.fromkeys(
        ("add", "sub", "mul", "div", "pow", "remainder", "floor_divide", "atan2"), "2.0"
    ),
    **dict.fromkeys(("clamp", "clip"), "0.0, 1.0"),
    **dict.fromkeys(("fmod", "clamp_min", "clamp_max"), "1.0"),
    **dict.fromkeys(("cumsum", "cumprod"), "0"),
    "index_add": "0, torch.tensor([1]), torch.ones(1, 2)",
    "masked_fill": "x > 1, 0.0",
    "scatter": "0, torch.tensor([[1, 0]]), torch.ones(1, 2)",
    "scatter_add": "0, torch.tensor([[1, 0]]), torch.ones(1, 2)",
    **dict.fromkeys(("hypot", "xlogy", "copysign"), "-x"),
    **dict.fromkeys(("addcmul", "addcdiv"), "x, x"),
    "addr": "torch.ones(2), torch.ones(2)",
    "addbmm": "torch.ones(3, 2, 4), torch.ones(3, 4, 2)",
}


def inplace(fn):
    """Make ``fn(self, *args)`` (out of place) into its in-place form, ``Tensor.<name>_``.

    >>> import graphgrad as torch
    >>> add_ = inplace(torch.add)
    >>> x = torch.tensor([1.0, 2.0])
    >>> add_(x, 1.0) is x, x
    (True, tensor([2., 3.]))
    """

    def method(self: Tensor, *args, **kwargs) -> Tensor:
        check_inplace(self)
        check_overlap(self)
        return commit(self, fn(self, *args, **kwargs))

    base = fn.__name__
    method.__name__ = method.__qualname__ = base + "_"
    method.__doc__ = _inplace_doc(fn)
    try:
        signature = inspect.signature(fn)
        first, *rest = signature.parameters.values()
        # inspect.signature reads a function's __signature__; mypy does not know functions have one
        method.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[first.replace(name="self"), *rest]
        )
    except (TypeError, ValueError):  # pragma: no cover - every op has a signature
        pass
    return method


def _inplace_doc(fn) -> str:
    """``Tensor.<name>_``'s docstring: where the operation is documented, and an example."""
    base = fn.__name__
    try:
        params = [p for p in inspect.signature(fn).parameters.values()][1:]
    except (TypeError, ValueError):  # pragma: no cover
        params = []
    named = ", ".join(f"``{p.name}``" for p in params)
    args = _EXAMPLE_ARGS.get(base, "")
    return (
        f"In-place version of ``Tensor.{base}``: writes ``self.{base}(...)`` into ``self`` and "
        f"returns ``self``. See ``graphgrad.{base}`` for the operation"
        + (f" and its arguments {named}." if named else ".")
        + "\n\n>>> import graphgrad as torch\n"
        ">>> x = torch.tensor([[0.5, 2.0], [1.0, 0.25]])\n"
        f">>> y = x.{base}({args})\n"
        f">>> x.{base}_({args}) is x, torch.allclose(x, y, equal_nan=True)\n"
        "(True, True)\n"
    )


_zero = Primitive(
    "zero", "ZeroBackward0", lambda a: np.zeros_like(a), self=zeros_like_grad, jvp=LINEAR
)
_fill = Primitive(
    "fill",
    "FillBackward2",
    lambda a, value: np.full_like(a, value),
    self=zeros_like_grad,
    jvp=DIAGONAL,
)
_copy = Primitive(
    "copy",
    "CopyBackwards",
    lambda a, src: np.broadcast_to(src, a.shape).astype(a.dtype),
    # The engine reduces src's gradient to its shape and dtype.
    self=zeros_like_grad,
    src=lambda grad: grad,
    jvp=LINEAR,
)


def zero_(self: Tensor) -> Tensor:
    """Fill this tensor with zeros in place; returns it.

    >>> torch.ones(2).zero_()
    tensor([0., 0.])
    """
    check_inplace(self)
    return commit(self, apply(_zero, self))


def fill_(self: Tensor, value) -> Tensor:
    """Fill this tensor with ``value`` in place; returns it.

    Args:
        value: a number or a 0-d tensor.

    >>> torch.zeros(3).fill_(2.5)
    tensor([2.5000, 2.5000, 2.5000])
    """
    check_inplace(self)
    if isinstance(value, Tensor):
        value = value.item()
    return commit(self, apply(_fill, self, value=fill_value(value, self.dtype)))


def resized(t: Tensor, data: np.ndarray) -> None:
    """Give ``t`` new storage of another shape (an ``out=`` tensor PyTorch resizes): a write a
    compiled call cannot replay, since its guards fixed ``t``'s shape, so its recording stops.

    >>> t = torch.zeros(1)
    >>> resized(t, np.ones(2, np.float32)); t
    tensor([1., 1.])
    """
    rec = _compile_state.recorder
    if rec is not None:
        rec.stop("an out= tensor resized to the result's shape")
    t._data = data


def copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` into this tensor in place (broadcast and cast to its dtype); returns it.

    Args:
        src: the values.
        non_blocking: accepted for compatibility.

    >>> torch.zeros(2).copy_(torch.tensor([1, 2]))
    tensor([1., 2.])
    """
    check_inplace(self)
    check_overlap(self)
    if not isinstance(src, Tensor):
        src = Tensor._make(np.asarray(src))
    try:
        shape = np.broadcast_shapes(src._data.shape, self._data.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self.shape[-1]}) must match the size of tensor b "
            f"({src.shape[-1]}) at non-singleton dimension {self.ndim - 1}"
        ) from None
    if shape != self._data.shape:  # src may broadcast to self, never self grow to src
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}"
        )
    out = apply(_copy, self, src)
    if out.dtype is not self.dtype:
        out = Tensor._make(out._data.astype(self.dtype.np), out._requires_grad, out.grad_fn)
    return commit(self, out)


METHODS = {"zero_": zero_, "fill_": fill_, "copy_": copy_}
