"""Custom autograd Functions: your own forward and backward, as one node in the graph.

Subclass ``Function`` with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` (or a
``forward(*args)`` plus ``setup_context(ctx, inputs, output)``) and call ``MyFn.apply(...)``. The
node it records is the ``ctx`` itself, an instance of ``<ClassName>Backward``, as in PyTorch.

>>> import graphgrad as torch
>>> class MyExp(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         result = x.exp()
...         ctx.save_for_backward(result)
...         return result
...     @staticmethod
...     def backward(ctx, grad):
...         (result,) = ctx.saved_tensors
...         return grad * result
>>> x = torch.tensor([0.0, 1.0], requires_grad=True)
>>> y = MyExp.apply(x)
>>> y
tensor([1.0000, 2.7183], grad_fn=<MyExpBackward>)
>>> y.sum().backward(); x.grad
tensor([1.0000, 2.7183])
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np

from ..compile._flag import constant
from ..compile._flag import state as _compile_state
from ..tensor import Tensor
from . import forward_ad
from .grad_mode import _state as _grad_state
from .grad_mode import no_grad
from .node import BACKWARD_TWICE, Node, edge_of
from .saved import SavedSlot

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable"]

LEAF_DIRTY = "a leaf Variable that requires grad has been used in an in-place operation."


class FunctionCtx:
    """What ``forward`` / ``setup_context`` receive as ``ctx``: a place to stash what
    ``backward`` needs, and flags that tell autograd how to treat the outputs."""

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (inputs or outputs) for ``backward``; read them via ``saved_tensors``."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{i} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        """Keep tensors for ``jvp`` (forward mode)."""
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors) -> None:
        """Declare inputs that ``forward`` modified in place (and returns)."""
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that get no gradient (e.g. indices)."""
        self.non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` receives None (not zeros) for outputs that got no gradient."""
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """The node of one ``Function.apply``; also the ``ctx`` its forward and backward receive."""

    _forward_cls: type[Function] | None = None  # the Function subclass; set on each generated class

    def __init__(self, edges: tuple, meta: tuple, needs_input_grad: tuple, tensor_positions):
        Node.__init__(self, edges)
        self._meta = meta
        self.needs_input_grad = needs_input_grad
        self._tensor_positions = tensor_positions
        self.to_save: tuple = ()
        self.dirty_tensors: tuple = ()
        self.non_differentiable: tuple = ()
        self.materialize_grads = True
        self._saved: tuple[SavedSlot | None, ...] = ()
        self._freed = False
        self._out_meta: tuple[tuple | None, ...] = ()  # (shape, dtype) per output

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward`` (checked against in-place changes)."""
        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        return tuple(s.unpack(self) if s is not None else None for s in self._saved)

    saved_variables = saved_tensors

    def _pack_saved(self, outputs: tuple) -> None:
        out_ids = {id(o) for o in outputs if isinstance(o, Tensor) and o.grad_fn is self}
        self._saved = tuple(
            None if t is None else SavedSlot(t, id(t) in out_ids) for t in self.to_save
        )
        self.to_save = ()

    def apply(self, grads: list) -> list:
        grads = self._materialize(grads)
        cls = self._forward_cls
        assert cls is not None  # each generated node class has its Function
        result = cls.backward(self, *grads)
        return self._check_result(result if isinstance(result, tuple) else (result,))

    def _materialize(self, grads: list) -> list:
        """One gradient per output; zeros for missing ones unless materialization is off."""
        grads = list(grads) + [None] * (len(self._out_meta) - len(grads))
        if self.materialize_grads:
            for i, (g, meta) in enumerate(zip(grads, self._out_meta, strict=False)):
                if g is None and meta is not None:
                    grads[i] = Tensor._make(constant(np.zeros(meta[0], meta[1].np)))
        return grads

    def _check_result(self, result: tuple) -> list:
        """PyTorch's checks on what ``backward`` returned; the gradients of the tensor inputs."""
        expected = len(self.needs_input_grad)
        if len(result) > expected and all(g is None for g in result[expected:]):
            result = result[:expected]
        if len(result) != expected:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients (expected "
                f"{expected}, got {len(result)})"
            )
        positions = self._tensor_positions
        for i, g in enumerate(result):
            if g is None:
                continue
            if not isinstance(g, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if i not in positions:
                raise RuntimeError(
                    f"function {self.name()} returned a gradient different than None at position "
                    f"{i + 1}, but the corresponding forward input was not a Variable"
                )
        return [result[i] for i in positions]

    def release(self) -> None:
        if self._saved:
            self._saved = ()
            self._freed = True

    def __repr__(self) -> str:  # a Python-defined node shows its module, as in PyTorch
        cls = type(self)
        return f"<{cls.__module__}.{cls.__qualname__} object at {hex(id(self))}>"


class FunctionMeta(type):
    """Gives each Function subclass its node class, ``<ClassName>Backward``."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        cls._backward_cls.__module__ = "torch.autograd.function"  # where PyTorch makes it
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class for custom differentiable operations; call them with ``MyFn.apply(...)``.

    Subclasses define static ``forward`` and ``backward`` (and optionally ``setup_context``,
    ``jvp``); ``apply`` runs ``forward`` without recording and records one ``<Name>Backward``
    node, which is the ``ctx`` both methods receive.

    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y
    tensor(8., grad_fn=<CubeBackward>)
    >>> y.backward(); x.grad
    tensor(12.)
    """

    def __init__(self, *args, **kwargs) -> None:
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(*args, **kwargs):
        """The computation (a static method to override): ``forward(ctx, *args)``, or
        ``forward(*args)`` together with ``setup_context``. It runs without recording; save what
        ``backward`` needs with ``ctx.save_for_backward``.

        >>> class Cube(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> Cube.apply(torch.tensor(2.0))
        tensor(8.)
        """
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs: tuple, output) -> None:
        """Fill ``ctx`` after a ``forward(*args)`` that takes no ``ctx`` (a static method to
        override).

        Args:
            ctx: the node being recorded.
            inputs: the tuple of arguments ``apply`` received.
            output: what ``forward`` returned.

        >>> class Square(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(x):
        ...         return x * x
        ...     @staticmethod
        ...     def setup_context(ctx, inputs, output):
        ...         ctx.save_for_backward(inputs[0])
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = torch.tensor(3.0, requires_grad=True)
        >>> Square.apply(x).backward(); x.grad
        tensor(6.)
        """
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """The gradient rule (a static method to override): ``backward(ctx, *grad_outputs)``
        returns one gradient per ``forward`` input (``None`` for inputs without one). Written with
        tensor operations, it can itself be differentiated.

        >>> class Cube(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> (g,) = torch.autograd.grad(Cube.apply(x), x, create_graph=True)
        >>> torch.autograd.grad(g, x)
        (tensor(12.),)
        """
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """The forward-mode rule (optional, a static method to override):
        ``jvp(ctx, *tangents)`` returns the tangent of each output.

        >>> import graphgrad.autograd.forward_ad as fwAD
        >>> class Double(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return 2 * x
        ...     @staticmethod
        ...     def jvp(ctx, t):
        ...         return 2 * t
        >>> with fwAD.dual_level():
        ...     x = fwAD.make_dual(torch.tensor(1.0), torch.tensor(1.0))
        ...     fwAD.unpack_dual(Double.apply(x)).tangent
        tensor(2.)
        """
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @classmethod
    def vjp(cls, ctx, *grad_outputs):
        """The same as ``backward`` (PyTorch's other name for it).

        Args:
            ctx: the node.
            grad_outputs: one gradient per output.

        >>> class Cube(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> Cube.apply(x).backward(); x.grad
        tensor(12.)
        """
        return cls.backward(ctx, *grad_outputs)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` on ``args`` without recording, then record one ``<Name>Backward``
        node for its outputs.

        >>> class Cube(torch.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> Cube.apply(torch.tensor(2.0, requires_grad=True)).grad_fn
        <...CubeBackward object at ...>
        """
        if kwargs:
            args = _bind(cls, args, kwargs)
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        record = _grad_state.enabled and any(needs)
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        edges = tuple(edge_of(args[i]) if needs[i] else (None, 0) for i in positions)
        meta = tuple((args[i]._data.shape, args[i].dtype) for i in positions)
        ctx = cls._backward_cls(edges, meta, needs, positions)
        dual = forward_ad.propagating()
        with no_grad(), forward_ad.suspended():  # jvp, not forward's own ops, gives tangents
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args)
        output = _wrap_outputs(ctx, args, output, record)
        if dual:
            forward_ad.custom_function_jvp(cls, ctx, args, output)
        return output


def _bind(cls, args: tuple, kwargs: dict) -> tuple:
    """Keyword arguments of ``apply`` as positions of ``forward`` (defaults filled in)."""
    sig = inspect.signature(cls.forward)
    takes_ctx = cls.setup_context is Function.setup_context
    bound = sig.bind(None, *args, **kwargs) if takes_ctx else sig.bind(*args, **kwargs)
    bound.apply_defaults()
    values = tuple(bound.arguments.values())
    return values[1:] if takes_ctx else values


def _wrap_outputs(ctx: BackwardCFunction, args: tuple, output, record: bool):
    """Attach the outputs to the node (or, when nothing is recorded, leave them plain)."""
    single = not isinstance(output, tuple)
    outs = (output,) if single else output
    dirty = {id(t) for t in ctx.dirty_tensors}
    non_diff = {id(t) for t in ctx.non_differentiable}
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    result = []
    for i, o in enumerate(outs):
        if isinstance(o, Tensor):
            o = _wrap_one(ctx, o, i, record, id(o) in dirty, id(o) in non_diff, id(o) in inputs)
        result.append(o)
    ctx._out_meta = tuple(
        (o._data.shape, o.dtype) if isinstance(o, Tensor) else None for o in result
    )
    ctx._pack_saved(tuple(result))
    return result[0] if single else tuple(result)


def _wrap_one(ctx, o: Tensor, nr: int, record: bool, dirty: bool, non_diff: bool, is_input: bool):
    if dirty:
        if o._requires_grad and o.grad_fn is None and record:
            raise RuntimeError(LEAF_DIRTY)
        if _compile_state.recorder is not None:  # (a replay would not repeat this bump)
            _compile_state.recorder.stop("a custom Function that marks an input dirty")
        o._version_counter.bump()
    elif is_input and record:
        o = Tensor._make(o._data, base=o._base if o._base is not None else o)  # an alias
    if record and not non_diff and o.dtype.is_floating_point:
        o.grad_fn = ctx
        o._requires_grad = True
        o._output_nr = nr
    return o


# -- once_differentiable ------------------------------------------------------------------------
class DelayedError(Node):
    """Stands where a gradient may not be differentiated again; raises if backward reaches it."""

    def __init__(self, message: str, edges: tuple) -> None:
        super().__init__(edges)
        self.message = message

    def apply(self, grads: list) -> list:
        raise RuntimeError(self.message)


def once_differentiable(fn):
    """Decorate ``backward`` so that it runs without recording: its result cannot be
    differentiated again (doing so raises), as PyTorch's decorator of the same name.

    Args:
        fn: the ``backward`` static method.

    >>> class Exp(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = x.exp()
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     @torch.autograd.once_differentiable
    ...     def backward(ctx, grad):
    ...         (y,) = ctx.saved_tensors
    ...         return grad * y
    >>> x = torch.tensor(0.0, requires_grad=True)
    >>> Exp.apply(x).backward(); x.grad
    tensor(1.)
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not _grad_state.enabled:
            return outputs
        if not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        edges = tuple(edge_of(a) or (None, 0) for a in args if isinstance(a, Tensor))
        err = DelayedError(
            "trying to differentiate twice a function that was marked with @once_differentiable",
            edges,
        )
        err._meta = tuple((a._data.shape, a.dtype) for a in args if isinstance(a, Tensor))
        wrapped = tuple(
            Tensor._make(o._data, True, err, i) if isinstance(o, Tensor) else o
            for i, o in enumerate(outs)
        )
        return wrapped[0] if single else wrapped

    return wrapper
