"""The time loop of the recurrent layers: one direction of one layer over a packed batch.

Both padded and packed input arrive here as packed rows: ``gates_in`` holds ``x W_ih^T + b_ih``
for every step, ``batch_sizes[t]`` rows for step ``t`` (a padded batch is the case where every
step has the whole batch). Sequences are sorted longest first, so the sequences that have ended
are always the last rows of the state; they are set aside (forward) or joined in (reverse).
Everything is graphgrad ops (linear, slicing, cat, sigmoid, tanh), so gradients flow for free.

>>> import graphgrad as torch
>>> w = torch.ones(2, 2)
>>> steps, (h,) = run_direction(rnn_tanh_step, torch.zeros(3, 2), [2, 1], (torch.ones(2, 2),),
...                             (w, None, None), reverse=False)
>>> [tuple(s.shape) for s in steps], h.shape
([(2, 2), (1, 2)], torch.Size([2, 2]))
"""

from __future__ import annotations

from ..ops.shape.join import cat
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling


def rnn_tanh_step(gates_in: Tensor, state: tuple, weights: tuple) -> tuple:
    """Elman step with tanh: ``h' = tanh(gates_in + h W_hh^T + b_hh)``.

    Args:
        gates_in: this step's ``x W_ih^T + b_ih``.
        state: ``(h,)``.
        weights: ``(w_hh, b_hh, w_hr)``; ``w_hr`` is unused.

    >>> rnn_tanh_step(torch.zeros(1, 2), (torch.zeros(1, 2),), (torch.eye(2), None, None))
    (tensor([[0., 0.]]),)
    """
    w_hh, b_hh, _ = weights
    return ((F.linear(state[0], w_hh, b_hh) + gates_in).tanh(),)


def rnn_relu_step(gates_in: Tensor, state: tuple, weights: tuple) -> tuple:
    """Elman step with relu: ``h' = relu(gates_in + h W_hh^T + b_hh)``.

    Args:
        gates_in: this step's ``x W_ih^T + b_ih``.
        state: ``(h,)``.
        weights: ``(w_hh, b_hh, w_hr)``; ``w_hr`` is unused.

    >>> rnn_relu_step(-torch.ones(1, 2), (torch.zeros(1, 2),), (torch.eye(2), None, None))
    (tensor([[0., 0.]]),)
    """
    w_hh, b_hh, _ = weights
    return ((F.linear(state[0], w_hh, b_hh) + gates_in).relu(),)


def lstm_step(gates_in: Tensor, state: tuple, weights: tuple) -> tuple:
    """LSTM step, gates in PyTorch's order (input, forget, cell, output), then the projection.

    Args:
        gates_in: this step's ``x W_ih^T + b_ih`` (4 * hidden columns).
        state: ``(h, c)``.
        weights: ``(w_hh, b_hh, w_hr)``; ``w_hr`` (or None) projects ``h``.

    >>> h, c = lstm_step(torch.zeros(1, 4), (torch.zeros(1, 1), torch.ones(1, 1)),
    ...                  (torch.ones(4, 1), None, None))
    >>> c
    tensor([[0.5000]])
    """
    w_hh, b_hh, w_hr = weights
    h, c = state
    i, f, g, o = (F.linear(h, w_hh, b_hh) + gates_in).chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr)), c


def gru_step(gates_in: Tensor, state: tuple, weights: tuple) -> tuple:
    """GRU step, gates in PyTorch's order (reset, update, new): ``h' = n + z * (h - n)``.

    Args:
        gates_in: this step's ``x W_ih^T + b_ih`` (3 * hidden columns).
        state: ``(h,)``.
        weights: ``(w_hh, b_hh, w_hr)``; ``w_hr`` is unused.

    >>> gru_step(torch.zeros(1, 3), (torch.ones(1, 1),), (torch.zeros(3, 1), None, None))
    (tensor([[0.5000]]),)
    """
    w_hh, b_hh, _ = weights
    h = state[0]
    in_r, in_z, in_n = gates_in.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r, z = (h_r + in_r).sigmoid(), (h_z + in_z).sigmoid()
    n = (in_n + h_n * r).tanh()
    return ((h - n) * z + n,)


def _join(parts: list) -> Tensor:
    return parts[0] if len(parts) == 1 else cat(parts)


def run_direction(step, gates_in, batch_sizes, state0, weights, reverse: bool):
    """Run ``step`` over the packed steps; return the step outputs in time order (one
    ``(batch_sizes[t], H)`` tensor each, for the caller to join) and the final state.

    Args:
        step: one of the ``*_step`` functions.
        gates_in: ``x W_ih^T + b_ih`` for all packed rows, ``(sum(batch_sizes), G)``.
        batch_sizes: a list of ints, non-increasing.
        state0: the initial state, a tuple of ``(batch_sizes[0], *)`` tensors.
        weights: what ``step`` takes besides the gates and the state.
        reverse: run from the last step to the first.

    >>> steps, (h,) = run_direction(gru_step, torch.zeros(2, 3), [1, 1], (torch.ones(1, 1),),
    ...                             (torch.zeros(3, 1), None, None), reverse=True)
    >>> steps
    [tensor([[0.2500]]), tensor([[0.5000]])]
    """
    if reverse:
        return _run_backward_in_time(step, gates_in, batch_sizes, state0, weights)
    state, ended, outputs, start = state0, [], [], 0
    for size in batch_sizes:
        if size < state[0].shape[0]:  # the last rows' sequences ended: keep their final state
            ended.append(tuple(s[size:] for s in state))
            state = tuple(s[:size] for s in state)
        state = step(gates_in[start : start + size], state, weights)
        outputs.append(state[0])
        start += size
    ended.append(state)
    final = tuple(_join([part[k] for part in reversed(ended)]) for k in range(len(state)))
    return outputs, final


def _run_backward_in_time(step, gates_in, batch_sizes, state0, weights):
    last = batch_sizes[-1]
    state = state0 if last == state0[0].shape[0] else tuple(s[:last] for s in state0)
    outputs, end = [], gates_in.shape[0]
    for size in reversed(batch_sizes):
        have = state[0].shape[0]
        if size > have:  # longer sequences start here: join their initial state
            state = tuple(cat([s, s0[have:size]]) for s, s0 in zip(state, state0))
        state = step(gates_in[end - size : end], state, weights)
        outputs.append(state[0])
        end -= size
    outputs.reverse()
    return outputs, state
