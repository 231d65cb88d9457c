"""The gradients of outputs with respect to inputs: ``backward`` and ``grad``, on the engine.

>>> import graphgrad as torch
>>> x = torch.tensor(3.0, requires_grad=True)
>>> grad(x**2, x)
(tensor(6.),)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ..ops.array_step import constant
from ..tensor import Tensor
from .engine import run_backward


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Tensor):
        return [value]
    return list(value)


def _make_grads(outputs: list[Tensor], grads: list) -> list[Tensor]:
    """The seed gradients: ones for scalar outputs, the given tensors checked against shapes."""
    for g in grads:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
    if len(grads) != len(outputs):
        if grads:
            raise RuntimeError(
                f"grad requires a grad_outputs of size {len(outputs)}, got {len(grads)}"
            )
        grads = [None] * len(outputs)
    result = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            shape, dt = out._data.shape, out._data.dtype
            # np.array is several times quicker than np.ones for the usual 0-d output
            g = Tensor._make(constant(np.array(1, dt) if shape == () else np.ones(shape, dt)))
        elif g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}."
            )
        elif g.dtype is not out.dtype:
            g = g.to(out.dtype)
        result.append(g)
    return result


def backward(
    tensors,
    grad_tensors=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables=None,
    inputs=None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or ``inputs``).

    Runs reverse-mode differentiation from each output back through the graph that recorded it,
    and adds each leaf's gradient to its ``.grad`` (creating it on first use). ``t.backward()``
    is ``backward(t)``.

    Args:
        tensors: the output tensor, or a sequence of them, to differentiate.
        grad_tensors: the gradient of the final result with respect to each of ``tensors``
            (the vector of the vector-Jacobian product). May be ``None`` for a one-element
            output, which means a gradient of 1; required for any other output.
        retain_graph: keep the graph's saved tensors so backward can run through it again.
            Defaults to ``create_graph``.
        create_graph: record the backward computation itself, so the gradients have a
            ``grad_fn`` and can be differentiated again (higher-order derivatives).
        grad_variables: an old name of ``grad_tensors``, accepted for compatibility.
        inputs: accumulate only into these tensors (leaves or not) instead of every leaf.

    Example:
        >>> import graphgrad as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * x
        >>> torch.autograd.backward(y, grad_tensors=torch.tensor([1.0, 0.5]))
        >>> x.grad
        tensor([2., 2.])
    """
    outputs = _as_list(tensors)
    grads = _make_grads(
        outputs, _as_list(grad_tensors if grad_tensors is not None else grad_variables)
    )
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.",
            UserWarning,
            stacklevel=3,
        )
    input_list = _as_list(inputs) if inputs is not None else None
    if input_list is not None and not input_list:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(outputs, grads, retain_graph, create_graph, input_list, accumulate=True)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as a tuple; ``.grad`` untouched.

    Computes the sum over ``outputs`` of the vector-Jacobian products ``grad_outputs[i]`` times
    the Jacobian of ``outputs[i]`` with respect to each input, and returns one gradient per
    input (same shape as the input). Nothing is accumulated into any ``.grad``.

    Args:
        outputs: the tensor, or sequence of tensors, to differentiate.
        inputs: the tensor, or sequence of tensors, to differentiate with respect to.
        grad_outputs: the vector of the vector-Jacobian product, one per output; ``None`` (or a
            ``None`` entry) means a gradient of 1 for a one-element output.
        retain_graph: keep the graph's saved tensors for another backward pass. Defaults to
            ``create_graph``.
        create_graph: record the backward computation, so the returned gradients can be
            differentiated again (Hessians, gradient penalties).
        only_inputs: accepted for compatibility; it has no effect.
        allow_unused: if False, an input that the outputs do not depend on raises an error; if
            True its gradient is ``None``. Defaults to ``materialize_grads``.
        is_grads_batched: accepted for compatibility and ignored: the first dimension of
            ``grad_outputs`` is not treated as a batch (use ``graphgrad.func.vmap``).
        materialize_grads: return zeros instead of ``None`` for unused inputs.

    Example:
        >>> import graphgrad as torch
        >>> x = torch.tensor(3.0, requires_grad=True)
        >>> (dx,) = torch.autograd.grad(x**3, x, create_graph=True)
        >>> dx
        tensor(27., grad_fn=<MulBackward0>)
        >>> torch.autograd.grad(dx, x)
        (tensor(18.),)
        >>> torch.autograd.grad((x * 2).sum(), [x, torch.tensor(1.0, requires_grad=True)],
        ...                     allow_unused=True)
        (tensor(2.), None)
    """
    outs = _as_list(outputs)
    ins = _as_list(inputs) if not isinstance(inputs, Sequence) else list(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    grads = _make_grads(outs, _as_list(grad_outputs))
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(outs, grads, retain_graph, create_graph, ins, accumulate=False)
    for i, (t, g) in enumerate(zip(ins, results)):
        if g is None:
            if materialize_grads:
                results[i] = Tensor._make(np.zeros(t._data.shape, t._data.dtype))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
    return tuple(results)
