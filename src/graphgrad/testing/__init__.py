"""``torch.testing``: :func:`assert_close` compares results with PyTorch's tolerances and
messages, and :func:`make_tensor` makes random test inputs from PyTorch's random stream.

>>> import graphgrad as torch
>>> torch.testing.assert_close(torch.ones(2), torch.ones(2))
"""

from ._comparison import assert_allclose, assert_close
from ._creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]
