"""``nn.modules.rnn``: PyTorch's home of these classes, for code and checkpoints that
name them there; each is the ``graphgrad.nn`` class of that name.

>>> import graphgrad as torch
>>> torch.nn.modules.rnn.GRU is torch.nn.GRU
True
"""

from __future__ import annotations

from ..rnn import GRU, LSTM, RNN, RNNBase
from ..rnn_cell import GRUCell, LSTMCell, RNNCell

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell"]
