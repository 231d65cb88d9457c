"""Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, packed sequences).

Parameters have PyTorch's names, shapes and order (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` with ``proj_size``, ``..._reverse``) and are
drawn as PyTorch draws them, so after the same ``manual_seed`` they are equal bit for bit and
state dicts move between the two. Each layer is a composite of ``linear``, ``sigmoid``,
``tanh``, slicing, ``stack`` and ``cat`` (see ``_rnn_steps``), so gradients of every order come
for free. The outputs' nodes have the names PyTorch's CPU build gives them (docs/nn.md).

>>> import graphgrad as torch
>>> lstm = torch.nn.LSTM(10, 20, num_layers=2, batch_first=True)
>>> lstm
LSTM(10, 20, num_layers=2, batch_first=True)
>>> out, (h, c) = lstm(torch.randn(3, 5, 10))
>>> out.shape, h.shape, c.shape
(torch.Size([3, 5, 20]), torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
>>> out.grad_fn.name(), out.grad_fn.next_functions[0][0].name(), h.grad_fn.name()
('TransposeBackward0', 'MkldnnRnnLayerBackward0', 'StackBackward0')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

from ..backends import mkldnn
from ..creation import zeros
from ..dtypes import float32
from ..ops.shape.join import cat, rnn_layer_stack, stack
from ..tensor import Tensor
from . import _rnn_checks as checks
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from ._rnn_steps import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step, run_direction
from .linear import empty_parameter
from .module import Module
from .utils.rnn import PackedSequence

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_STEPS = {"LSTM": lstm_step, "GRU": gru_step, "RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters, their init, the layer loop, the checks.

    Args:
        mode: ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'``.
        input_size: features of the input.
        hidden_size: features of the hidden state.
        num_layers: stacked layers, each reading the previous one's output.
        bias: if False, no ``bias_ih_l*`` / ``bias_hh_l*``.
        batch_first: input and output are ``(batch, seq, feature)`` instead of
            ``(seq, batch, feature)`` (the hidden state keeps batch in dim 1).
        dropout: in training mode, dropout with this probability on the output of every layer
            but the last.
        bidirectional: also run each layer from the last step to the first.
        proj_size: LSTM only: project the hidden state to this size (``weight_hr_l*``).
        device: accepted for PyTorch compatibility (CPU only).
        dtype: parameter dtype (default dtype if None).

    >>> torch.nn.RNNBase("GRU", 2, 3, bidirectional=True)
    RNNBase(2, 3, bidirectional=True)
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        dropout = checks.check_options(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size
        )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                stacklevel=3,
            )
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = dropout, bidirectional, proj_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(self._directions):
                self._add_layer_parameters(layer, direction, dtype)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _out_size(self) -> int:
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def _add_layer_parameters(self, layer: int, direction: int, dtype) -> None:
        rows = _GATES[self.mode] * self.hidden_size
        in_size = self.input_size if layer == 0 else self._out_size * self._directions
        shapes: list[tuple[str, tuple[int, ...]]] = [
            ("weight_ih", (rows, in_size)),
            ("weight_hh", (rows, self._out_size)),
        ]
        if self.bias:
            shapes += [("bias_ih", (rows,)), ("bias_hh", (rows,))]
        if self.proj_size > 0:
            shapes.append(("weight_hr", (self.proj_size, self.hidden_size)))
        suffix = "_reverse" if direction == 1 else ""
        names = [f"{kind}_l{layer}{suffix}" for kind, _ in shapes]
        for name, (_, shape) in zip(names, shapes):
            setattr(self, name, empty_parameter(*shape, dtype=dtype))
        self._flat_weights_names.extend(names)
        self._all_weights.append(names)

    @property
    def _flat_weights(self) -> list:
        """The parameters in PyTorch's flat order (read afresh, so ``.double()`` shows)."""
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction, as lists in PyTorch's order.

        >>> [[tuple(p.shape) for p in w] for w in torch.nn.GRU(2, 3).all_weights]
        [[(9, 2), (9, 3), (9,), (9,)]]
        """
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Draw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in order.

        >>> torch.nn.LSTM(2, 3).reset_parameters()
        """
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch packs the weights for cuDNN here; graphgrad has nothing to pack.

        >>> torch.nn.GRU(2, 3).flatten_parameters()
        """

    def extra_repr(self) -> str:
        """``input_size, hidden_size`` and the options that differ from the defaults.

        >>> torch.nn.LSTM(10, 20, proj_size=5, dropout=0.5, num_layers=2).extra_repr()
        '10, 20, proj_size=5, num_layers=2, dropout=0.5'
        """
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def forward(self, input, hx=None):
        """Run the layers over ``input``; returns ``(output, h_n)``, or for LSTM
        ``(output, (h_n, c_n))``.

        Args:
            input: ``(L, N, H_in)`` (``(N, L, H_in)`` if ``batch_first``), ``(L, H_in)`` for
                one unbatched sequence, or a :class:`PackedSequence`.
            hx: the initial state, ``(D * num_layers, N, H_out)`` (``(D * num_layers, H_out)``
                unbatched), a pair ``(h_0, c_0)`` for LSTM; zeros if None.

        >>> out, h = torch.nn.GRU(3, 4)(torch.ones(5, 3))
        >>> out.shape, h.shape
        (torch.Size([5, 4]), torch.Size([1, 4]))
        """
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        checks.check_input_rank(self, input)
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:  # one sequence: a batch of one, where the batch dimension goes
            input = input.unsqueeze(batch_dim)
            hx = None if hx is None else checks.unsqueeze_hidden(self, hx)
        elif hx is not None:
            checks.check_batched_hidden(self, hx)
        if self.batch_first:
            input = input.transpose(0, 1)
        steps, batch = input.shape[0], input.shape[1]
        checks.check_input(self, input, 3)
        if steps == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        rows = input.reshape(steps * batch, input.shape[2])
        join = rnn_layer_stack if self._in_onednn(rows) else stack
        state0 = self._initial_state(hx, batch, rows)
        out, state = self._run_layers(rows, [batch] * steps, state0, join)
        if self.batch_first:  # PyTorch's GRU and RNN turn it around in place (TransposeBackward1)
            out = out.transpose(0, 1) if self.mode == "LSTM" else out.transpose_(0, 1)
        if not batched:
            out, state = out.squeeze(batch_dim), tuple(s.squeeze(1) for s in state)
        return out, self._pack_state(state)

    def _in_onednn(self, rows: Tensor) -> bool:
        """Whether PyTorch's CPU build would run this in oneDNN (a float32 LSTM without
        projections, while ``torch.backends.mkldnn.enabled``): then each direction's output
        comes from a ``MkldnnRnnLayerBackward0`` node, as there. The numbers are the same."""
        return (
            mkldnn.enabled
            and self.mode == "LSTM"
            and self.proj_size == 0
            and rows.dtype is float32
            and rows.numel() != 0
        )

    def _forward_packed(self, input: PackedSequence, hx):
        sizes = [int(n) for n in input.batch_sizes.tolist()]
        if hx is not None and input.sorted_indices is not None:
            hx = self._map_state(hx, lambda h: h.index_select(1, input.sorted_indices))
        checks.check_input(self, input.data, 2)
        # PyTorch's oneDNN path takes packed sequences only when they all have the same length
        fused = self._in_onednn(input.data) and sizes[0] == sizes[-1]
        state0 = self._initial_state(hx, sizes[0], input.data)
        out, state = self._run_layers(input.data, sizes, state0, rnn_layer_stack if fused else cat)
        if fused:  # (steps, batch, H) back to packed rows
            out = out.reshape(input.data.shape[0], out.shape[-1])
        if input.unsorted_indices is not None:
            state = tuple(s.index_select(1, input.unsorted_indices) for s in state)
        packed = PackedSequence(
            out, input.batch_sizes, input.sorted_indices, input.unsorted_indices
        )
        return packed, self._pack_state(state)

    def _map_state(self, hx, fn):
        return tuple(fn(h) for h in hx) if self.mode == "LSTM" else fn(hx)

    def _pack_state(self, state: tuple):
        return state if self.mode == "LSTM" else state[0]

    def _initial_state(self, hx, batch: int, like: Tensor) -> tuple:
        """The initial state as a tuple ``(h,)`` or ``(h, c)``, checked or made of zeros."""
        layers = self.num_layers * self._directions
        sizes = [self._out_size] + ([self.hidden_size] if self.mode == "LSTM" else [])
        if hx is None:
            return tuple(zeros(layers, batch, size, dtype=like.dtype) for size in sizes)
        if self.mode == "LSTM" and len(hx) != 2:
            raise RuntimeError("lstm expects two hidden states")
        state = tuple(hx) if self.mode == "LSTM" else (hx,)
        for k, (h, size) in enumerate(zip(state, sizes)):
            checks.check_hidden_size(self, h, (layers, batch, size), k)
        # PyTorch computes in the weights' dtype whatever the dtype of c_0
        return tuple(s.to(like.dtype) for s in state)

    def _run_layers(
        self, rows: Tensor, batch_sizes: list, state0: tuple, join: Callable[[list], Tensor]
    ):
        """All layers and directions over packed ``rows``; the output and the final state.

        ``join`` makes each direction's output of its step outputs: ``cat`` gives packed rows
        (as PyTorch does for packed input), ``stack`` or ``rnn_layer_stack`` gives
        ``(steps, batch, H)``; bidirectional layers ``cat`` the two along the last dimension.
        """
        step, finals, out = _STEPS[self.mode], [], rows
        for layer in range(self.num_layers):
            # the input, or the previous layer's output, as rows
            rows = out if out.dim() == 2 else out.reshape(-1, out.shape[-1])
            outputs = []
            for direction in range(self._directions):
                names = self._all_weights[layer * self._directions + direction]
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights_of(names)
                index = layer * self._directions + direction
                steps, final = run_direction(
                    step,
                    F.linear(rows, w_ih, b_ih),
                    batch_sizes,
                    tuple(s[index] for s in state0),
                    (w_hh, b_hh, w_hr),
                    reverse=direction == 1,
                )
                outputs.append(join(steps))
                finals.append(final)
            out = outputs[0] if len(outputs) == 1 else cat(outputs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                out = F.dropout(out, self.dropout, True)
        state = tuple(stack([f[k] for f in finals]) for k in range(len(state0)))
        return out, state

    def _weights_of(self, names: list) -> tuple:
        """``(w_ih, w_hh, b_ih, b_hh, w_hr)`` of one layer and direction, None where absent."""
        found = {name.split("_l")[0]: getattr(self, name) for name in names}
        kinds = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return tuple(found.get(kind) for kind in kinds)


class RNN(RNNBase):
    """A multi-layer Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None)``; the
    arguments are those of :class:`RNNBase`, plus ``nonlinearity`` (``'tanh'`` or ``'relu'``).

    Args:
        args: positional arguments in the order above.
        kwargs: keyword arguments by the names above.

    >>> rnn = torch.nn.RNN(3, 4, nonlinearity="relu")
    >>> out, h = rnn(torch.ones(5, 2, 3))
    >>> out.shape, h.shape
    (torch.Size([5, 2, 4]), torch.Size([1, 2, 4]))
    """

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)


class LSTM(RNNBase):
    """A multi-layer long short-term memory RNN (gates input, forget, cell, output).

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0, device=None, dtype=None)``, the arguments of
    :class:`RNNBase`. ``forward`` returns ``(output, (h_n, c_n))``.

    Args:
        args: positional arguments in the order above.
        kwargs: keyword arguments by the names above.

    >>> lstm = torch.nn.LSTM(3, 4, proj_size=2, bidirectional=True)
    >>> out, (h, c) = lstm(torch.ones(5, 3))
    >>> out.shape, h.shape, c.shape
    (torch.Size([5, 4]), torch.Size([2, 2]), torch.Size([2, 4]))
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """A multi-layer gated recurrent unit RNN (gates reset, update, new).

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, device=None, dtype=None)``, the arguments of :class:`RNNBase`.

    Args:
        args: positional arguments in the order above.
        kwargs: keyword arguments by the names above.

    >>> out, h = torch.nn.GRU(3, 4, num_layers=2)(torch.ones(5, 2, 3))
    >>> out.shape, h.shape
    (torch.Size([5, 2, 4]), torch.Size([2, 2, 4]))
    """

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)
