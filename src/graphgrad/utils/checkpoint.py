"""Activation checkpointing: trade compute for memory by recomputing a segment in backward.

``checkpoint(fn, *args, use_reentrant=False)`` runs ``fn`` as usual but lets go of the tensors
its nodes saved for backward (the activations); when backward first reaches one of those
nodes, ``fn`` runs again on the same inputs and the recomputed values take their place. The
output's ``grad_fn`` is ``fn``'s own last node and gradients equal the plain ones, as PyTorch's
non-reentrant variant. ``use_reentrant=True`` (PyTorch's old default, and what it does when
``use_reentrant`` is not given, with a warning) wraps ``fn`` in one ``CheckpointFunction``
node instead, whose backward reruns ``fn`` and backpropagates through it.

>>> import graphgrad as torch
>>> from graphgrad.utils.checkpoint import checkpoint
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = checkpoint(lambda t: (t.sin() * t).sum(), x, use_reentrant=False)
>>> y.grad_fn.name()
'SumBackward0'
>>> y.backward(); x.grad
tensor([1.3818, 0.0770])
"""

from __future__ import annotations

import contextlib
import warnings

from ..autograd import Function, backward
from ..autograd import node as _node
from ..autograd.grad_mode import _state as _grad_state
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.node import AccumulateGrad, FunctionNode
from ..autograd.saved import SavedSlot
from ..compile._flag import state as _compile_state
from ..random.draws import get_rng_state, set_rng_state
from ..tensor import Tensor

__all__ = ["CheckpointError", "checkpoint", "checkpoint_sequential"]

USE_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
    "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants."
)


class CheckpointError(RuntimeError):
    """The recomputation did not save what the original forward saved (the checkpointed
    function is not deterministic).

    >>> from graphgrad.utils.checkpoint import CheckpointError
    >>> issubclass(CheckpointError, RuntimeError)
    True
    """


def checkpoint(
    function,
    *args,
    use_reentrant: bool | None = None,
    context_fn=None,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    preserve_rng_state: bool = True,
    **kwargs,
):
    """``function(*args, **kwargs)``, keeping none of its activations for backward: the
    first time backward needs them, ``function`` runs again on the same inputs (random state
    restored). Memory for compute.

    Args:
        function: the function to run.
        args: its positional arguments.
        use_reentrant: False (recommended) records the function's own graph and recomputes it
            lazily; True wraps it in one ``CheckpointFunctionBackward`` node. ``None`` warns and
            means True, as in PyTorch.
        preserve_rng_state: restore the random state for the recomputation.
        context_fn, determinism_check, debug, early_stop: accepted for compatibility.

    >>> from graphgrad.utils.checkpoint import checkpoint
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = checkpoint(lambda t: (t.sin() * 2).sum(), x, use_reentrant=False)
    >>> y.backward(); x.grad
    tensor([ 1.0806, -0.8323])
    """
    if use_reentrant is None:
        warnings.warn(USE_REENTRANT_WARNING, UserWarning, stacklevel=2)
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if _compile_state.recorder is not None:  # (its backward runs a backward of its own)
            _compile_state.recorder.stop("checkpoint(use_reentrant=True)")
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_without_reentrant(function, args, kwargs, preserve_rng_state)


def checkpoint_sequential(
    functions, segments: int, input, use_reentrant: bool | None = None, **kwargs
):
    """Run ``functions`` (a list or ``nn.Sequential``) in ``segments`` checkpointed chunks;
    the last chunk runs normally, as in PyTorch.

    Args:
        functions: the modules or functions, applied in order.
        segments: how many chunks.
        input: the input of the first function.
        use_reentrant: as in ``checkpoint``.

    >>> from graphgrad.utils.checkpoint import checkpoint_sequential
    >>> net = torch.nn.Sequential(*[torch.nn.Tanh() for _ in range(4)])
    >>> checkpoint_sequential(net, 2, torch.ones(3, requires_grad=True), use_reentrant=False).shape
    torch.Size([3])
    """
    if use_reentrant is None:
        warnings.warn(USE_REENTRANT_WARNING, UserWarning, stacklevel=2)
        use_reentrant = True
    funcs = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = max(len(funcs) // segments, 1)
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        chunk = funcs[start : end + 1]
        input = checkpoint(_run_all(chunk), input, use_reentrant=use_reentrant, **kwargs)
    return _run_all(funcs[end + 1 :])(input)


def _run_all(funcs: list):
    def forward(x):
        for f in funcs:
            x = f(x)
        return x

    return forward


# -- the reentrant variant: one custom Function --------------------------------------------------
class _RngState:
    """The default generator's state when ``enabled`` (restored for recomputing)."""

    def __init__(self, enabled: bool) -> None:
        self.state = get_rng_state() if enabled else None

    @contextlib.contextmanager
    def forked(self):
        """Recompute from the forward's RNG state, then put back the state found here, even
        when the recomputation raises (a KeyboardInterrupt must not leave the RNG rewound),
        as PyTorch's fork of the RNG does."""
        if self.state is None:
            yield
            return
        current = get_rng_state()
        set_rng_state(self.state)
        try:
            yield
        finally:
            set_rng_state(current)


class CheckpointFunction(Function):
    """Forward without recording; backward reruns the function with grad and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state: bool, *args):
        ctx.run_function = run_function
        ctx.rng = _RngState(preserve_rng_state)
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors, strict=False):
            inputs[i] = t.detach().requires_grad_(t.requires_grad)
        with ctx.rng.forked(), enable_grad():
            outputs = ctx.run_function(*inputs)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [
            (o, g)
            for o, g in zip(outputs, grads, strict=False)
            if isinstance(o, Tensor) and o.requires_grad
        ]
        if not pairs:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        backward([o for o, _ in pairs], [g for _, g in pairs])
        grads_in = [None] * len(inputs)
        for i in ctx.tensor_indices:
            grads_in[i] = inputs[i].grad
        return (None, None, *grads_in)


# -- the non-reentrant variant: drop saved activations, refill them on first use ----------------
def _checkpoint_without_reentrant(function, args: tuple, kwargs: dict, preserve_rng: bool):
    if _compile_state.recorder is not None:
        # a compiled call's replay keeps arrays, not a graph whose activations it could drop,
        # and the recomputation gives the same values: the segment is recorded as a plain call
        return function(*args, **kwargs)
    rng = _RngState(preserve_rng)
    start = next(_node._sequence)
    outputs = function(*args, **kwargs)
    if not _grad_state.enabled:
        return outputs
    nodes = _segment_nodes(outputs, start)
    dropped = [(n, _drop_activations(n, start)) for n in nodes]
    dropped = [(n, keys) for n, keys in dropped if keys]
    if not dropped:
        return outputs
    state = {"done": False}

    def recompute(_grad_outputs):
        if not state["done"]:
            again_start = next(_node._sequence)
            with rng.forked(), enable_grad():
                again = function(*args, **kwargs)
            _refill(dropped, nodes, _segment_nodes(again, again_start))
            state["done"] = True  # only now: an interrupted recomputation runs again

    for n, _ in dropped:
        n.register_prehook(recompute)
    return outputs


def _segment_nodes(outputs, start: int) -> list:
    """The nodes made since sequence number ``start`` that lead to ``outputs``, oldest first."""
    outs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    stack = [o.grad_fn for o in outs if isinstance(o, Tensor) and o.grad_fn is not None]
    seen, found = set(), []
    while stack:
        n = stack.pop()
        if n is None or n in seen or type(n) is AccumulateGrad or n._sequence_nr < start:
            continue
        seen.add(n)
        found.append(n)
        stack.extend(n._next_nodes)
    return sorted(found, key=lambda n: n._sequence_nr)


def _made_inside(slot: SavedSlot, start: int) -> bool:
    t = slot.tensor
    if t is None:
        return True  # a saved output of the node: always an activation
    return t.grad_fn is not None and t.grad_fn._sequence_nr >= start


def _drop_activations(node, start: int) -> list:
    """Free the saved activations of ``node``; the keys that will need refilling."""
    if not isinstance(node, FunctionNode):
        return []
    keys = []
    for key, slot in node._saved.items():
        if type(slot) is SavedSlot and _made_inside(slot, start):
            slot.tensor = slot.data = None
            keys.append(key)
    return keys


def _refill(dropped: list, original: list, again: list) -> None:
    """Copy the recomputed saved values into the original nodes (paired by creation order)."""
    original = [n for n in original if isinstance(n, FunctionNode)]
    again = [n for n in again if isinstance(n, FunctionNode)]
    if [n.name() for n in original] != [n.name() for n in again]:
        raise CheckpointError(
            "torch.utils.checkpoint: Recomputed values for the following tensors have different "
            "metadata than during the forward pass: the recomputation ran "
            f"{[n.name() for n in again]} instead of {[n.name() for n in original]}."
        )
    twin = {id(o): n for o, n in zip(original, again, strict=False)}
    for node, keys in dropped:
        new = twin[id(node)]
        for key in keys:
            node._saved[key].adopt(new._saved[key])
