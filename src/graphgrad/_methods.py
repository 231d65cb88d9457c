"""Attach the ops to ``Tensor`` as methods and operators: the one place tensor.py meets ops/.

Each module under ``ops/`` may declare ``METHODS`` (method name -> function taking the tensor
first) and ``INPLACE`` (names whose ``name_`` in-place form is generated); this module installs
them, plus the operators below.
"""

from __future__ import annotations

import importlib

from . import autograd
from ._arg_forms import numpy_names, scale_first
from .autograd.hooks import RemovableHandle, RetainGradHook
from .autograd.node import grad_accumulator
from .compile._flag import counters
from .ops import compare, convert, elementwise, inplace, unary
from .ops.elementwise import as_operand
from .tensor import Tensor

OP_MODULES = (
    "elementwise",
    "unary",
    "compare",
    "convert",
    "reduce.core",
    "shape.core",
    "shape.transpose",
    "linalg.products",
    "linalg.matmul",
    "index.subscript",
    "activation",
    "inplace",
    "reduce.select",
    "reduce.stats",
    "einsum",
    "linalg.inverse",
    "shape.join",
    "shape.reorder",
    "index.slicing",
    "index.gather",
    "sort",
    "trig",
    "pointwise_composite",
    "grids",
    "structured",
    "scans",
    "sign",
    "reduce.composite",
    "linalg.composite",
    "special",
    "method_aliases",
    "pointwise_more",
    "error_function",
    "splitting",
    "scatter_more",
    "order_stats",
    "counting",
    "statistics",
    "creation_more",
    "lapack",
    "decompositions",
    "tensor_methods_more",
    "finite_differences",
    "bessel_gamma",
    "sparse",
)


def _reflected(fn):
    def method(self: Tensor, other) -> Tensor:
        return fn(as_operand(other), self)

    return method


def _operators() -> dict:
    e, c = elementwise, compare
    return {
        "__add__": e.add,
        "__radd__": e.add,
        "__sub__": e.sub,
        "__rsub__": e.rsub,
        "__mul__": e.mul,
        "__rmul__": e.mul,
        "__truediv__": e.div,
        "__rtruediv__": _reflected(e.div),
        "__floordiv__": e.floor_divide,
        "__rfloordiv__": _reflected(e.floor_divide),
        "__mod__": e.remainder,
        "__rmod__": _reflected(e.remainder),
        "__pow__": e.pow,
        "__rpow__": _reflected(e.pow),
        "__neg__": unary.neg,
        "__pos__": lambda self: self,
        "__abs__": unary.abs,
        "__eq__": c.eq,
        "__ne__": c.ne,
        "__lt__": c.lt,
        "__le__": c.le,
        "__gt__": c.gt,
        "__ge__": c.ge,
        "__and__": c.bitwise_and,
        "__rand__": c.bitwise_and,
        "__or__": c.bitwise_or,
        "__ror__": c.bitwise_or,
        "__xor__": c.bitwise_xor,
        "__rxor__": c.bitwise_xor,
        "__invert__": c.invert_operator,
    }


def _inplace_operators() -> dict:
    e = elementwise
    pairs = {
        "__iadd__": e.add,
        "__isub__": e.sub,
        "__imul__": e.mul,
        "__itruediv__": e.div,
        "__ipow__": e.pow,
        "__ifloordiv__": e.floor_divide,
        "__imod__": e.remainder,
    }
    return {name: inplace.inplace(fn) for name, fn in pairs.items()}


def _core_methods() -> dict:
    """Methods that are not ops of one module: autograd entry points and conversions."""
    methods = {
        "to": convert.to,
        "backward": backward,
        "register_hook": register_hook,
        "retain_grad": retain_grad,
        "register_post_accumulate_grad_hook": register_post_accumulate_grad_hook,
    }
    methods.update(_conversions())
    return methods


def _conversions() -> dict:
    from . import dtypes as d

    def conv(dt):
        return lambda self, memory_format=None: convert.to(self, dt)

    return {
        "float": conv(d.float32),
        "double": conv(d.float64),
        "half": conv(d.float16),
        "bfloat16": conv(d.bfloat16),  # raises graphgrad's error: no bfloat16 tensors
        "long": conv(d.int64),
        "int": conv(d.int32),
        "short": conv(d.int16),
        "bool": conv(d.bool_),
        "byte": conv(d.uint8),
        "char": conv(d.int8),
        "cpu": lambda self, memory_format=None: self,
        "type_as": lambda self, other: convert.to(self, other.dtype),
        "type": _type,
    }


def _type(self: Tensor, dtype=None, non_blocking: bool = False):
    from . import dtypes as d

    if dtype is None:
        return f"torch.{self.dtype.legacy}Tensor"
    if isinstance(getattr(dtype, "dtype", None), d.dtype):  # a legacy type: torch.LongTensor
        dtype = dtype.dtype
    if isinstance(dtype, str):
        names = {f"torch.{x.legacy}Tensor": x for x in (*d.ALL_DTYPES, d.bfloat16)}
        dtype = names[dtype]
    return convert.to(self, dtype)


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of this tensor with respect to the graph's leaves.

    Runs reverse-mode differentiation from ``self`` back through the graph that recorded it
    and adds d(self)/d(leaf) to the ``.grad`` of every leaf that requires grad (creating it on
    first use; call ``zero_grad`` or set ``.grad = None`` between steps). Intermediate tensors
    get a ``.grad`` only after ``retain_grad()``. The graph's saved tensors are freed unless
    ``retain_graph`` is set, so a second backward through the same graph raises an error.

    Args:
        gradient: the gradient of the final result with respect to ``self``, with ``self``'s
            shape (the vector of the vector-Jacobian product). May be omitted for a
            one-element tensor, where it is 1.
        retain_graph: keep the saved tensors so backward can run through this graph again.
            Defaults to ``create_graph``.
        create_graph: record the backward computation, so the gradients have a ``grad_fn``
            and can be differentiated again.
        inputs: accumulate only into these tensors instead of every leaf.

    Example:
        >>> import graphgrad as torch
        >>> x = torch.tensor(7.0, requires_grad=True)
        >>> f = x**2 + 3
        >>> f.backward()
        >>> x.grad
        tensor(14.)
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * 3).backward(torch.tensor([1.0, 10.0]), inputs=[w])
        >>> w.grad
        tensor([ 3., 30.])
    """
    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def register_hook(self: Tensor, hook):
    """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

    Args:
        hook: a function of the gradient; a tensor it returns replaces the gradient.

    Returns a handle whose ``remove()`` unregisters the hook.

    Example:
        >>> import graphgrad as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda grad: grad * 10)
        >>> x.sum().backward()
        >>> x.grad
        tensor([10., 10.])
        >>> handle.remove()
    """
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is not None:
        return self.grad_fn._add_tensor_hook(self._output_nr, hook)
    counters.hooks += 1  # (a compiled call's replay would not run it: it records again)
    return grad_accumulator(self)._add_tensor_hook(0, hook)


def retain_grad(self: Tensor) -> None:
    """Keep this non-leaf's gradient in ``.grad`` during backward.

    Example:
        >>> import graphgrad as torch
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> y = x * 3
        >>> y.retain_grad()
        >>> (y * y).backward()
        >>> y.grad
        tensor(12.)
    """
    if not self._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None or self._retains_grad:
        return
    self._retains_grad = True
    self.grad_fn._add_tensor_hook(self._output_nr, RetainGradHook(self))


def register_post_accumulate_grad_hook(self: Tensor, hook):
    """Call ``hook(self)`` each time backward has accumulated into this leaf's ``.grad``.

    Args:
        hook: a function of the leaf tensor; what it returns is ignored.

    Returns a handle whose ``remove()`` unregisters the hook.

    Example:
        >>> import graphgrad as torch
        >>> p = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> seen = []
        >>> handle = p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
        >>> (p * 2).sum().backward()
        >>> seen
        [tensor([2., 2.])]
    """
    if not self._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if self.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    counters.hooks += 1  # (as in register_hook)
    if self._post_accumulate_grad_hooks is None:
        self._post_accumulate_grad_hooks = []
    self._post_accumulate_grad_hooks.append(hook)
    return RemovableHandle(self._post_accumulate_grad_hooks, hook)


_BINARY_OPERATORS = tuple(
    f"__{p}{op}__"
    for op in "add sub mul truediv floordiv mod pow matmul and or xor".split()
    for p in ("", "r", "i")
    if not (p == "i" and op in ("matmul", "and", "or", "xor"))
) + tuple(f"__{op}__" for op in "eq ne lt le gt ge".split())


def _binary_operator(fn):
    """An operator that returns NotImplemented for an operand of a type it does not take, as
    PyTorch's do: ``t == None`` is then False and ``t + None`` Python's "unsupported operand"."""

    def operator(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented

    operator.__name__ = getattr(fn, "__name__", "operator")
    operator.__doc__ = fn.__doc__
    return operator


def install() -> None:
    """Attach every method and operator to Tensor."""
    methods = _core_methods()
    for name in OP_MODULES:
        mod = importlib.import_module(f".ops.{name}", __package__)
        methods.update(getattr(mod, "METHODS", {}))
        for base in getattr(mod, "INPLACE", ()):
            methods[base + "_"] = inplace.inplace(getattr(mod, base))
    methods.update(_operators())
    methods.update(_inplace_operators())
    for name in _BINARY_OPERATORS:
        methods[name] = _binary_operator(methods[name])
    for name, fn in methods.items():
        setattr(Tensor, name, scale_first(name, numpy_names(fn), method=True))
    # the identity hash, attached like the operators (mypy sees the method in tensor.py)
    Tensor.__hash__ = lambda self: id(self)  # type: ignore[method-assign]
