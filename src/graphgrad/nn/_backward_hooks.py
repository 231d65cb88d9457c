"""``Module.register_full_backward_hook``: ``hook(module, grad_input, grad_output)`` after the
gradients with respect to the module's inputs are computed.

As in PyTorch, the module's tensor inputs and outputs pass through an identity ``Function``
(``BackwardHookFunctionBackward`` nodes): the output node records ``grad_output``; the input
node's hook calls the user hooks, which may return a replacement ``grad_input``. When no input
requires grad, the hooks run once ``grad_output`` is known, with ``grad_input`` all None.

>>> import graphgrad as torch
>>> seen = []
>>> layer = torch.nn.Linear(2, 1)
>>> _ = layer.register_full_backward_hook(lambda m, gi, go: seen.append(go[0].shape))
>>> layer(torch.ones(3, 2, requires_grad=True)).sum().backward()
>>> seen
[torch.Size([3, 1])]
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor

if TYPE_CHECKING:
    from ..autograd.node import Node


class BackwardHookFunction(Function):
    """The identity, as a node to hang the hooks on."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return tuple(Tensor._make(a._data) for a in args)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _wrap(values: tuple) -> tuple[tuple, list[int] | None, Node | None]:
    """``values`` with their tensors through the identity; the tensors' positions; its node."""
    positions = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
    tensors = [values[i] for i in positions]
    if not (is_grad_enabled() and any(t.requires_grad for t in tensors)):
        return values, None, None
    wrapped = BackwardHookFunction.apply(*tensors)
    wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
    out = list(values)
    for i, t in zip(positions, wrapped, strict=True):
        out[i] = t
    node = next(t.grad_fn for t in wrapped if t.grad_fn is not None)
    return tuple(out), positions, node


def _pack(positions: list, grads, n: int) -> tuple:
    out = [None] * n
    for i, g in zip(positions, grads, strict=False):
        out[i] = g
    return tuple(out)


class BackwardHook:
    """The hooks of one call of one module."""

    def __init__(self, module, hooks: list, pre_hooks: list = ()) -> None:  # type: ignore[assignment]
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.n_inputs = 0
        self.input_positions: list[int] | None = None
        self.grad_outputs: tuple | None = None

    def setup_input_hook(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_positions, node = _wrap(args)
        if node is not None:
            node.register_hook(self._input_hook)
        return args

    def setup_output_hook(self, output):
        single = not isinstance(output, tuple)
        values, positions, node = _wrap((output,) if single else output)
        if node is not None:
            assert positions is not None  # _wrap gives both or neither
            if self.pre_hooks:
                node.register_prehook(lambda grads: self._run_pre(positions, grads, len(values)))

            def record(grad_inputs, grad_outputs):
                self.grad_outputs = _pack(positions, grad_inputs, len(values))
                if self.input_positions is None and self.hooks:  # no input needs a gradient
                    warnings.warn(
                        "Full backward hook is firing when gradients are computed with respect "
                        "to module outputs since no inputs require gradients. See https://docs."
                        "pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module."
                        "register_full_backward_hook for more details.",
                        UserWarning,
                        stacklevel=2,
                    )
                    self._run(tuple([None] * self.n_inputs), none_only=True)

            node.register_hook(record)
        return values[0] if single else values

    def _run_pre(self, positions: list, grads: tuple, n: int) -> tuple:
        """The backward pre-hooks: each may replace ``grad_output``."""
        grad_output = _pack(positions, grads, n)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is None:
                continue
            if len(result) != len(grad_output):
                raise RuntimeError(
                    f"Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(result)}, but expected {len(grad_output)}"
                )
            grad_output = tuple(result)
        return tuple(grad_output[i] for i in positions)

    def _run(self, grad_input: tuple, none_only: bool = False) -> tuple:
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_outputs)
            if result is None:
                continue
            if none_only and any(r is not None for r in result):
                raise RuntimeError(
                    "Backward hook for Modules where no input requires gradient should always "
                    "return None or None for all gradients."
                )
            if len(result) != len(grad_input):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got "
                    f"{len(result)}, but expected {len(grad_input)}"
                )
            grad_input = tuple(result)
        return grad_input

    def _input_hook(self, grad_inputs, grad_outputs):
        positions = self.input_positions
        assert positions is not None  # registered by setup_input_hook, which set them
        packed = self._run(_pack(positions, grad_inputs, self.n_inputs))
        return tuple(packed[i] for i in positions)
