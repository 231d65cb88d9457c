"""The recurrent layers' argument checks, with PyTorch's error types and messages.

>>> import graphgrad as torch
>>> try:
...     torch.nn.GRU(3, 4)(torch.ones(2, 5, 4))
... except RuntimeError as e:
...     print(e)
input.size(-1) must be equal to input_size. Expected 3, got 4
"""

from __future__ import annotations

from ..tensor import Tensor

_DROPOUT_MESSAGE = (
    "dropout should be a number in range [0, 1] representing the probability of an element "
    "being zeroed"
)


def _require_int(name: str, value) -> None:
    if not isinstance(value, int):
        raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")


def check_options(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, proj):
    """Check the constructor's options in PyTorch's order; return ``dropout`` as a float.

    Args:
        mode: the layer kind (``'LSTM'``, ``'GRU'``, ``'RNN_TANH'``, ``'RNN_RELU'``).
        input_size: features of the input.
        hidden_size: features of the hidden state.
        num_layers: stacked layers.
        bias: must be a bool.
        batch_first: must be a bool.
        dropout: a probability.
        proj: ``proj_size``.

    >>> check_options("GRU", 2, 3, 1, True, False, 0, 0)
    0.0
    """
    value = float(dropout)
    if isinstance(dropout, bool) or not 0 <= value <= 1:
        raise ValueError(_DROPOUT_MESSAGE)
    if not isinstance(bias, bool):
        raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
    _require_int("input_size", input_size)
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    _require_int("hidden_size", hidden_size)
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if not isinstance(num_layers, int):
        raise TypeError(f"'{type(num_layers).__name__}' object cannot be interpreted as an integer")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")
    if mode not in ("LSTM", "GRU", "RNN_TANH", "RNN_RELU"):
        raise ValueError("Unrecognized RNN mode: " + mode)
    return value


def _name(module) -> str:
    return "RNN" if module.mode.startswith("RNN") else module.mode


def check_input_rank(module, input: Tensor) -> None:
    """A padded input must be 2-D (one sequence) or 3-D (a batch): ValueError otherwise.

    Args:
        module: the recurrent layer.
        input: its input.

    >>> check_input_rank(torch.nn.LSTM(2, 3), torch.ones(4, 2))
    """
    if input.dim() not in (2, 3):
        tail = " tensor instead" if _name(module) == "RNN" else " instead"
        raise ValueError(
            f"{_name(module)}: Expected input to be 2D or 3D, got {input.dim()}D{tail}"
        )


def _ranks(module, hx) -> tuple:
    return (hx[0].dim(), hx[1].dim()) if module.mode == "LSTM" else (hx.dim(),)


def _rank_error(module, kind: str, want: int, ranks: tuple) -> RuntimeError:
    if module.mode == "LSTM":
        return RuntimeError(
            f"For {kind} {want}-D input, hx and cx should also be {want}-D but got "
            f"({ranks[0]}-D, {ranks[1]}-D) tensors"
        )
    return RuntimeError(
        f"For {kind} {want}-D input, hx should also be {want}-D but got {ranks[0]}-D tensor"
    )


def check_batched_hidden(module, hx) -> None:
    """With batched (3-D) input, ``hx`` (and ``cx``) must be 3-D.

    Args:
        module: the recurrent layer.
        hx: the initial state given.

    >>> check_batched_hidden(torch.nn.GRU(2, 3), torch.zeros(1, 4, 3))
    """
    ranks = _ranks(module, hx)
    if any(r != 3 for r in ranks):
        raise _rank_error(module, "batched", 3, ranks)


def unsqueeze_hidden(module, hx):
    """With unbatched (2-D) input, ``hx`` must be 2-D; give it a batch dimension of 1.

    Args:
        module: the recurrent layer.
        hx: the initial state given.

    >>> unsqueeze_hidden(torch.nn.GRU(2, 3), torch.zeros(1, 3)).shape
    torch.Size([1, 1, 3])
    """
    ranks = _ranks(module, hx)
    if any(r != 2 for r in ranks):
        raise _rank_error(module, "unbatched", 2, ranks)
    if module.mode == "LSTM":
        return (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
    return hx.unsqueeze(1)


def check_input(module, input: Tensor, rank: int) -> None:
    """The input's dtype must be the weights', its rank ``rank``, its last size ``input_size``.

    Args:
        module: the recurrent layer.
        input: the padded input (seq first) or the packed data.
        rank: 3 for padded input, 2 for packed data.

    >>> check_input(torch.nn.GRU(2, 3), torch.ones(4, 1, 2), 3)
    """
    dtype = module._flat_weights[0].dtype
    if input.dtype != dtype:
        raise ValueError(
            f"RNN input dtype ({input.dtype}) does not match weight dtype ({dtype}). Convert "
            f"input: input.to({dtype}), or convert model: model.to({input.dtype})"
        )
    if input.dim() != rank:
        raise RuntimeError(f"input must have {rank} dimensions, got {input.dim()}")
    if input.shape[-1] != module.input_size:
        raise RuntimeError(
            "input.size(-1) must be equal to input_size. "
            f"Expected {module.input_size}, got {input.shape[-1]}"
        )


_DTYPE_LETTERS = {"float64": "Double", "float32": "Float", "float16": "Half"}


def _letter(dtype) -> str:
    name = str(dtype).replace("torch.", "")
    return _DTYPE_LETTERS.get(name, name)


def check_hidden_size(module, h: Tensor, expected: tuple, which: int) -> None:
    """``h`` must have the shape ``expected``; ``hx`` (not ``cx``) must have the weights' dtype.

    Args:
        module: the recurrent layer.
        h: one initial state tensor (batched).
        expected: its expected shape.
        which: 0 for ``hx``, 1 for ``cx`` (named in LSTM's messages).

    >>> check_hidden_size(torch.nn.GRU(2, 3), torch.zeros(1, 4, 3), (1, 4, 3), 0)
    """
    if tuple(h.shape) != expected:
        label = f"hidden[{which}]" if module.mode == "LSTM" else "hidden"
        raise RuntimeError(f"Expected {label} size {expected}, got {list(h.shape)}")
    dtype = module._flat_weights[0].dtype
    if which == 0 and h.dtype != dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_letter(h.dtype)} and "
            f"{_letter(dtype)}"
        )
