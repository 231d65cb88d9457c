"""``linear`` and ``bilinear``: what ``nn.Linear`` and ``nn.Bilinear`` compute.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.linear(torch.ones(1, 2), torch.ones(3, 2)).shape
torch.Size([1, 3])
"""

from __future__ import annotations

from ...ops.linalg import products as _linalg
from ...ops.linalg.matmul import matmul
from ...tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: what ``nn.Linear`` computes.

    Args:
        input: the tensor, ``(*, in_features)``.
        weight: ``(out_features, in_features)``.
        bias: ``(out_features,)``, or ``None``.

    >>> weight = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    >>> F.linear(torch.tensor([[1.0, 2.0]]), weight, torch.tensor([0.5, 0.0]))
    tensor([[3.5000, 2.0000]])
    """
    wt = weight.t()
    # PyTorch's three ways, which its graph shows (AddmmBackward0, ViewBackward0 or the
    # matmul's UnsafeViewBackward0 / SqueezeBackward4, then AddBackward0 for a bias)
    if bias is not None and input.ndim == 2:
        return _linalg.addmm(bias, input, wt)
    if bias is not None and input.is_contiguous():  # (flattened to one addmm)
        flat = input.view(-1, input.shape[-1])
        return _linalg.addmm(bias, flat, wt).view(*input.shape[:-1], weight.shape[0])
    out = matmul(input, wt)
    return out if bias is None else out.add_(bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None):
    """``y_k = input1^T weight_k input2 + bias_k``: what ``nn.Bilinear`` computes.

    Args:
        input1: ``(*, in1)``.
        input2: ``(*, in2)``.
        weight: ``(out, in1, in2)``.
        bias: ``(out,)``, or ``None``.

    >>> F.bilinear(torch.ones(1, 2), torch.ones(1, 3), torch.ones(4, 2, 3)).shape
    torch.Size([1, 4])
    """
    inner = (input1.unsqueeze(-2).unsqueeze(-1) * weight).sum(-2)  # (..., out, in2)
    out = (inner * input2.unsqueeze(-2)).sum(-1)
    return out + bias if bias is not None else out
