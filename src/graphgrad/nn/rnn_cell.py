"""Recurrent cells: RNNCell, LSTMCell, GRUCell (one time step, PyTorch's parameters and init).

>>> import graphgrad as torch
>>> torch.nn.LSTMCell(3, 4)
LSTMCell(3, 4)
"""

from __future__ import annotations

import math

from ..creation import zeros
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from .linear import empty_parameter
from .module import Module


class _CellBase(Module):
    """Shared parameters of the cells: ``gates * hidden_size`` rows of input and hidden weights."""

    _gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype=None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = self._gates * hidden_size
        self.weight_ih = empty_parameter(rows, input_size, dtype=dtype)
        self.weight_hh = empty_parameter(rows, hidden_size, dtype=dtype)
        if bias:
            self.bias_ih = empty_parameter(rows, dtype=dtype)
            self.bias_hh = empty_parameter(rows, dtype=dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden)) in PyTorch's order.

        >>> torch.nn.GRUCell(2, 3).reset_parameters()
        """
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        """``input_size, hidden_size`` and any non-default options.

        >>> torch.nn.RNNCell(2, 3, bias=False).extra_repr()
        '2, 3, bias=False'
        """
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _gates_of(self, input: Tensor, hx: Tensor) -> tuple[Tensor, Tensor]:
        return (
            F.linear(input, self.weight_ih, self.bias_ih),
            F.linear(hx, self.weight_hh, self.bias_hh),
        )

    def _batched(self, input: Tensor, hx, name: str = "hx"):
        """Check the input's rank, add a batch dimension to 1-D input, make a zero state if None."""
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        if hx is not None and hx.dim() != input.dim():
            raise ValueError(
                f"{type(self).__name__}: Expected hidden to be {input.dim()}D, "
                f"got {hx.dim()}D instead"
            )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        elif not batched:
            hx = hx.unsqueeze(0)
        return input, hx, batched


class RNNCell(_CellBase):
    """An Elman RNN cell: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu).

    Args:
        input_size: features in the input ``x``.
        hidden_size: features in the hidden state ``h``.
        bias: if False, no ``bias_ih`` / ``bias_hh``.
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        device: accepted for PyTorch compatibility (CPU only).
        dtype: parameter dtype (default dtype if None).

    >>> cell = torch.nn.RNNCell(3, 2)
    >>> cell(torch.ones(4, 3)).shape
    torch.Size([4, 2])
    """

    def __init__(
        self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None
    ):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step from ``input`` (batch x input_size, or 1-D) and ``hx`` (zeros if None).

        Args:
            input: the input at this step.
            hx: the previous hidden state, or None for zeros.

        >>> torch.nn.RNNCell(3, 2)(torch.ones(3)).shape
        torch.Size([2])
        """
        input, hx, batched = self._batched(input, hx)
        gi, gh = self._gates_of(input, hx)
        h = (gi + gh).tanh() if self.nonlinearity == "tanh" else (gi + gh).relu()
        return h if batched else h.squeeze(0)


class LSTMCell(_CellBase):
    """A long short-term memory cell; gates in PyTorch's order input, forget, cell, output.

    Args:
        input_size: features in the input ``x``.
        hidden_size: features in the hidden and cell states.
        bias: if False, no ``bias_ih`` / ``bias_hh``.
        device: accepted for PyTorch compatibility (CPU only).
        dtype: parameter dtype (default dtype if None).

    >>> h, c = torch.nn.LSTMCell(3, 2)(torch.ones(4, 3))
    >>> h.shape, c.shape
    (torch.Size([4, 2]), torch.Size([4, 2]))
    """

    _gates = 4

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, input: Tensor, hx=None):
        """One step; ``hx`` is a pair ``(h, c)`` or None for zeros. Returns ``(h', c')``.

        Args:
            input: the input at this step.
            hx: the previous ``(h, c)``, or None for zeros.

        >>> h, c = torch.nn.LSTMCell(3, 2)(torch.ones(3))
        >>> h.shape
        torch.Size([2])
        """
        h, c = (None, None) if hx is None else hx
        input, h, batched = self._batched(input, h)
        _, c, _ = self._batched(input if batched else input.squeeze(0), c)
        gi, gh = self._gates_of(input, h)
        i, f, g, o = (gi + gh).chunk(4, 1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(_CellBase):
    """A gated recurrent unit cell; gates in PyTorch's order reset, update, new.

    Args:
        input_size: features in the input ``x``.
        hidden_size: features in the hidden state ``h``.
        bias: if False, no ``bias_ih`` / ``bias_hh``.
        device: accepted for PyTorch compatibility (CPU only).
        dtype: parameter dtype (default dtype if None).

    >>> torch.nn.GRUCell(3, 2)(torch.ones(4, 3)).shape
    torch.Size([4, 2])
    """

    _gates = 3

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        """One step from ``input`` and ``hx`` (zeros if None).

        Args:
            input: the input at this step.
            hx: the previous hidden state, or None for zeros.

        >>> torch.nn.GRUCell(3, 2)(torch.ones(3)).shape
        torch.Size([2])
        """
        input, hx, batched = self._batched(input, hx)
        gi, gh = self._gates_of(input, hx)
        ir, iz, in_ = gi.chunk(3, 1)
        hr, hz, hn = gh.chunk(3, 1)
        r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
        n = (in_ + r * hn).tanh()
        h = (1 - z) * n + z * hx
        return h if batched else h.squeeze(0)
