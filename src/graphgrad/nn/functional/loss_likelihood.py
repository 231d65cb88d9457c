"""Likelihood losses, composed of existing ops: poisson_nll_loss, gaussian_nll_loss, ctc_loss
(the forward recursion in log space, differentiated by autograd) and linear_cross_entropy.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.poisson_nll_loss(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]))
tensor(0.8591)
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd.grad_mode import no_grad
from ...ops.array_step import array_step
from ...ops.elementwise import where
from ...ops.shape.join import cat, stack
from ...tensor import Tensor
from .._reduction import reduce_tensor, reduction_code
from .linear import linear
from .loss import cross_entropy


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:  # fmt: skip
    """The negative log likelihood of ``target`` under a Poisson distribution of rate
    ``exp(input)`` (``log_input``) or ``input``; see ``nn.PoissonNLLLoss``.

    Args:
        input: the log-rates (or the rates).
        target: the observed counts.
        log_input: ``input`` holds log-rates.
        full: add Stirling's approximation of ``log(target!)`` (for targets above 1).
        eps: keeps ``log(input)`` finite when ``log_input`` is False.
        size_average, reduce, reduction: as in ``mse_loss``.

    >>> F.poisson_nll_loss(torch.tensor([1.0]), torch.tensor([1.0]), log_input=False)
    tensor(1.)
    """
    code = reduction_code(reduction, size_average, reduce)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + where(target > 1, stirling, stirling.new_zeros(()))
    return reduce_tensor(loss, code)


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:  # fmt: skip
    """The negative log likelihood of ``target`` under a Gaussian of mean ``input`` and
    variance ``var``: ``0.5 * (log(var) + (input - target) ** 2 / var)``; see
    ``nn.GaussianNLLLoss``.

    Args:
        input: the means.
        target: the samples.
        var: the variances: ``input``'s shape, or one fewer trailing dim (or size 1 there), or
            a float for all.
        full: add the constant ``0.5 * log(2 pi)``.
        eps: the smallest variance used (the gradient passes through the clamp).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> F.gaussian_nll_loss(torch.tensor([0.0]), torch.tensor([2.0]), torch.tensor([1.0]))
    tensor(2.)
    """
    if not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input.new_full(input.shape, float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.shape[:-1] == var.shape[:-1] and var.ndim and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    _check_var(var._data)
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)  # in place, unrecorded: the gradient ignores the clamp, as PyTorch
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_tensor(loss, reduction_code(reduction))


# -- CTC --------------------------------------------------------------------------------------
_NEG = -1e30  # "log 0" kept finite, so unreachable states get a zero gradient, not NaN


def _ctc_targets(targets: Tensor, target_lengths: np.ndarray, n: int) -> np.ndarray:
    """``(N, S)`` label rows, from padded ``(N, S)`` targets or their 1-D concatenation."""
    t = targets._data.astype(np.int64)
    if t.ndim == 2:
        return t
    width = int(target_lengths.max()) if target_lengths.size else 0
    rows = np.zeros((n, width), np.int64)
    starts = np.concatenate([[0], np.cumsum(target_lengths)[:-1]])
    for b, (s, k) in enumerate(zip(starts, target_lengths, strict=True)):
        rows[b, :k] = t[s : s + k]
    return rows


def _ctc_nll(log_probs: Tensor, labels: np.ndarray, in_lens: np.ndarray, tgt_lens: np.ndarray,
             blank: int) -> Tensor:  # fmt: skip
    """``-log p(labels | log_probs)`` per sample, by the alpha recursion over the extended
    label sequence (blanks between and around the labels)."""
    steps, n, _ = log_probs.shape
    width = 2 * labels.shape[1] + 1
    ext = np.full((n, width), blank, np.int64)
    ext[:, 1::2] = labels
    # a state may also come from two back: a label differing from the label before the blank
    skip = np.zeros((n, width), bool)
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    index = Tensor._make(ext[None].repeat(steps, 0))
    emit = log_probs.gather(2, index)  # (T, N, width)
    state = np.arange(width)
    alpha = where(Tensor._make(state < 2), emit[0], emit.new_full((n, width), _NEG))
    neg = alpha.new_full((n, 1), _NEG)
    skip_t, neg2 = Tensor._make(skip), alpha.new_full((n, 2), _NEG)
    # an input of length 0 has emitted nothing: only the empty label sequence is reachable
    nothing_emitted = Tensor._make(np.where(state == 0, 0.0, _NEG).astype(alpha._data.dtype))
    finals = [nothing_emitted] * n
    for b in np.nonzero(in_lens == 1)[0]:
        finals[int(b)] = alpha[b]
    for t in range(1, steps):
        one_back = _cat_left(neg, alpha[:, :-1])
        two_back = where(skip_t, _cat_left(neg2, alpha[:, :-2]), alpha.new_full((), _NEG))
        alpha = _logsumexp3(alpha, one_back, two_back) + emit[t]
        for b in np.nonzero(in_lens == t + 1)[0]:
            finals[int(b)] = alpha[b]
    losses = []
    for sample in range(n):
        end = 2 * int(tgt_lens[sample])
        last = finals[sample][end : end + 1]
        if end > 0:
            last = finals[sample][end - 1 : end + 1]
        losses.append(-last.logsumexp(0))
    return stack(losses)


def _cat_left(pad: Tensor, a: Tensor) -> Tensor:
    return cat([pad, a], 1)


def _logsumexp3(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    return stack([a, b, c]).logsumexp(0)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:  # fmt: skip
    """The Connectionist Temporal Classification loss: ``-log`` of the total probability of
    every alignment of each target to its input; see ``nn.CTCLoss``.

    Args:
        log_probs: ``(T, N, C)`` or ``(T, C)`` log-probabilities (``log_softmax`` output).
        targets: ``(N, S)`` padded label rows, or their 1-D concatenation.
        input_lengths: the length of each input (a tensor or a sequence).
        target_lengths: the length of each target.
        blank: the blank label.
        reduction: ``"mean"`` (each loss divided by its target length, then averaged),
            ``"sum"`` or ``"none"``.
        zero_infinity: give impossible alignments a loss (and gradient) of 0.

    >>> lp = torch.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
    >>> F.ctc_loss(lp, torch.tensor([[1]]), [2], [1], reduction="sum")
    tensor(0.2877)
    """
    code = reduction_code(reduction)
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0) if targets.ndim == 1 else targets
    n = log_probs.shape[1]
    in_lens = np.asarray(getattr(input_lengths, "_data", input_lengths), np.int64).reshape(-1)
    tgt_lens = np.asarray(getattr(target_lengths, "_data", target_lengths), np.int64).reshape(-1)
    if in_lens.size != n or tgt_lens.size != n:
        raise RuntimeError(
            f"input_lengths must be of size batch_size ({n}), and target_lengths too"
        )
    if (in_lens > log_probs.shape[0]).any():
        bad = int(in_lens[in_lens > log_probs.shape[0]][0])
        raise RuntimeError(
            f"Expected input_lengths to have value at most {log_probs.shape[0]}, but got "
            f"value {bad} (while checking arguments for ctc_loss_cpu)"
        )
    labels = _ctc_targets(targets, tgt_lens, n)
    loss = _ctc_nll(log_probs, labels, in_lens, tgt_lens, blank)
    impossible = loss._data > 1e29
    if impossible.any():
        mask = Tensor._make(impossible)
        fill = 0.0 if zero_infinity else math.inf
        loss = where(mask, loss.new_full((), fill), loss)
    if unbatched:
        loss = loss.reshape(())
    if code == 1:
        lengths = Tensor._make(np.maximum(tgt_lens, 1).astype(loss._data.dtype))
        return (loss / lengths.reshape(loss.shape)).mean()
    return reduce_tensor(loss, code)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:  # fmt: skip
    """``cross_entropy(linear(input, linear_weight, linear_bias), target)``, the output
    layer and its loss in one call.

    Args:
        input: ``(N, in_features)`` or ``(in_features,)`` features.
        linear_weight: ``(C, in_features)``.
        target: class indices (or probabilities).
        linear_bias: ``(C,)`` or ``None``.
        weight, reduction, label_smoothing: as in ``cross_entropy``.
        ignore_index: a target value that contributes nothing (``None``: -100).
        options: PyTorch's chunking options (unused: the logits are computed at once).

    >>> F.linear_cross_entropy(torch.tensor([[1.0, 0.0]]), torch.eye(2), torch.tensor([0]))
    tensor(0.3133)
    """
    logits = linear(input, linear_weight, linear_bias)
    return cross_entropy(
        logits,
        target,
        weight=weight,
        ignore_index=-100 if ignore_index is None else ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


__all__ = ["ctc_loss", "gaussian_nll_loss", "linear_cross_entropy", "poisson_nll_loss"]


@array_step
def _check_var(var: np.ndarray) -> None:
    if (var < 0).any():
        raise ValueError("var has negative entry/entries")
