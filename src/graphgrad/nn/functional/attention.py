"""Attention, built from differentiable ops (matmul, softmax, masked_fill, dropout, linear), so
its gradients come from theirs: ``scaled_dot_product_attention`` and the multi-head attention
that ``nn.MultiheadAttention`` runs, ``multi_head_attention_forward``.

>>> q = torch.ones(1, 2, 3, 4)
>>> F.scaled_dot_product_attention(q, q, q).shape
torch.Size([1, 2, 3, 4])
"""

from __future__ import annotations

import math
import warnings

from ... import creation
from ...compile._flag import state as _compile_state
from ...dtypes import bool_
from ...ops.shape.join import cat
from ...tensor import Tensor
from .dropout import dropout
from .linear import linear
from .pad import pad


def _check_sdpa_inputs(query: Tensor, key: Tensor, value: Tensor) -> None:
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead."
        )
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype.cpp} key.dtype: {key.dtype.cpp} and value.dtype: "
            f"{value.dtype.cpp} instead."
        )
    if query.shape[-1] != key.shape[-1]:
        batch = math.prod(query.shape[:-2])
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{batch}, {query.shape[-1]}] but got: [{batch}, {key.shape[-1]}]."
        )


def _attention_bias(
    query: Tensor, attn_mask: Tensor | None, is_causal: bool, length: int, source: int
) -> tuple[Tensor | None, Tensor | None]:
    """SDPA's mask as (keep, bias): a bool mask of positions that may attend (True = attend, as
    SDPA reads a bool mask, or the causal triangle) and a float mask to add."""
    keep = bias = None
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if is_causal:
        keep = creation.ones(length, source, dtype=_bool()).tril()
    if attn_mask is None:
        return keep, bias
    if attn_mask.dtype == _bool():
        keep = attn_mask
    elif attn_mask.is_floating_point():
        bias = attn_mask.to(query.dtype)
    else:
        raise RuntimeError(
            "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
            f"attn_mask.dtype: {attn_mask.dtype.cpp} and  query.dtype: {query.dtype.cpp} instead."
        )
    return keep, bias


def _bool():
    return bool_


def _repeat_heads(t: Tensor, heads: int) -> Tensor:
    """GQA: repeat each of ``t``'s heads (dim -3) to reach ``heads``, as repeat_interleave."""
    have = t.shape[-3]
    if heads % have != 0:
        raise RuntimeError(
            "Number of heads in key and value must divide the number of heads in query"
        )
    if have == heads:
        return t
    shape = tuple(t.shape)
    wide = t.unsqueeze(-3).expand(*shape[:-2], heads // have, *shape[-2:])
    return wide.reshape(*shape[:-3], heads, *shape[-2:])


def _safe_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim, with rows masked out entirely giving zeros (not NaN), as
    PyTorch's attention does; the NaN never enters the graph, so gradients stay finite."""
    dead = (scores.detach() == float("-inf")).all(-1, keepdim=True)
    # The shortcut reads a value into Python, which graphgrad.compile cannot record (as
    # PyTorch's own modules skip their fast paths under torch.compiler.is_compiling()): a call
    # being recorded takes the general path, whose values are the same.
    if _compile_state.recorder is None and not bool(dead.any()):
        return scores.softmax(-1)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two dimensions.

    A row whose every position is masked out gives zeros. Dropout on the attention weights
    draws from the default generator as PyTorch's does, so ``manual_seed`` gives its mask.

    Args:
        query: ``(..., L, E)``.
        key: ``(..., S, E)``.
        value: ``(..., S, Ev)``.
        attn_mask: a bool mask (True = may attend) or a float mask added to the scores,
            broadcastable to ``(..., L, S)``.
        dropout_p: the probability of dropping an attention weight (always applied if > 0).
        is_causal: let position ``i`` attend only to positions ``<= i`` (``attn_mask`` must
            then be None, as PyTorch's reference path requires).
        scale: the factor on the scores; ``1 / sqrt(E)`` when None.
        enable_gqa: grouped-query attention: key/value may have fewer heads (dim -3) than
            query, each repeated to match.

    >>> q = torch.ones(2, 3, 4)
    >>> F.scaled_dot_product_attention(q, q, torch.arange(12.0).view(1, 3, 4), is_causal=True)[0]
    tensor([[0., 1., 2., 3.],
            [2., 3., 4., 5.],
            [4., 5., 6., 7.]])
    """
    _check_sdpa_inputs(query, key, value)
    if dropout_p < 0.0 or dropout_p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")
    if enable_gqa:
        heads = query.shape[-3]
        key, value = _repeat_heads(key, heads), _repeat_heads(value, heads)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query.matmul(key.transpose(-2, -1)) * factor
    keep, bias = _attention_bias(query, attn_mask, is_causal, length, source)
    if bias is not None:
        scores = scores + bias
    if keep is not None:
        scores = scores.masked_fill(keep.logical_not(), float("-inf"))
    weights = _safe_softmax(scores) if keep is not None or bias is not None else scores.softmax(-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights.matmul(value)


def _canonical_mask(
    mask, mask_name: str, other_type, other_name: str, target_type, check_other=True
):
    """A bool mask (True = masked out, as MultiheadAttention reads it) becomes a float mask of
    0 and -inf in ``target_type``; a float mask passes through."""
    if mask is None:
        return None
    is_bool = mask.dtype == _bool()
    if not is_bool and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. "
            "Use same type for both instead.",
            stacklevel=4,
        )
    if is_bool:
        return creation.zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _none_or_dtype(mask):
    return None if mask is None else mask.dtype


# -- multi-head attention ---------------------------------------------------------------------
def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """Whether the input is batched (3-D); PyTorch's assertions for every other layout."""
    if query.ndim == 3:
        _check_batched(query, key, value, key_padding_mask, attn_mask)
        return True
    _check_unbatched(query, key, value, key_padding_mask, attn_mask, num_heads)
    return False


def _check_batched(query, key, value, key_padding_mask, attn_mask) -> None:
    if key.ndim != 3 or value.ndim != 3:
        raise AssertionError(
            "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
            f"{key.ndim}-D and {value.ndim}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.ndim != 2:
        raise AssertionError(
            "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D "
            f"but found {key_padding_mask.ndim}-D tensor instead"
        )
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise AssertionError(
            "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
            f"but found {attn_mask.ndim}-D tensor instead"
        )
    if key_padding_mask is not None and key_padding_mask.shape[0] != query.shape[1]:
        raise AssertionError(
            f"Expected key_padded_mask.shape[0] to be {query.shape[1]}, but got "
            f"{key_padding_mask.shape[0]}"
        )


def _check_unbatched(query, key, value, key_padding_mask, attn_mask, num_heads) -> None:
    if query.ndim != 2:
        raise AssertionError(
            "query should be unbatched 2D or batched 3D tensor but received "
            f"{query.ndim}-D query tensor"
        )
    if key.ndim != 2 or value.ndim != 2:
        raise AssertionError(
            "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
            f"{key.ndim}-D and {value.ndim}-D tensors respectively"
        )
    if key_padding_mask is not None and key_padding_mask.ndim != 1:
        raise AssertionError(
            "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
            f"but found {key_padding_mask.ndim}-D tensor instead"
        )
    if attn_mask is not None:
        if attn_mask.ndim not in (2, 3):
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                f"but found {attn_mask.ndim}-D tensor instead"
            )
        if attn_mask.ndim == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(
                    f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
                )


def _project(query, key, value, in_proj_weight, in_proj_bias, separate) -> tuple:
    """The input projections: one packed ``(3E, E)`` weight, or three when key/value widths
    differ (``separate`` = (q_proj_weight, k_proj_weight, v_proj_weight))."""
    if separate is None:
        weights = in_proj_weight.chunk(3)
    else:
        weights = separate
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _shaped_attn_mask(attn_mask, tgt_len, src_len, heads_x_batch):
    if attn_mask is None:
        return None
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                f"{(tgt_len, src_len)}."
            )
        return attn_mask.unsqueeze(0)
    if tuple(attn_mask.shape) != (heads_x_batch, tgt_len, src_len):
        raise RuntimeError(
            f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
            f"{(heads_x_batch, tgt_len, src_len)}."
        )
    return attn_mask


def _append_column(mask):
    return None if mask is None else pad(mask, (0, 1))


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention of sequence-first ``(L, N, E)`` (or unbatched ``(L, E)``) inputs,
    as ``nn.MultiheadAttention`` computes it. Masks read True (bool) as *masked out*.

    Args:
        query: ``(L, N, E)`` queries.
        key: ``(S, N, kdim)`` keys.
        value: ``(S, N, vdim)`` values.
        embed_dim_to_check: the expected ``E``.
        num_heads: the number of heads (``E`` divides evenly among them).
        in_proj_weight: the packed ``(3E, E)`` query/key/value projection.
        in_proj_bias: the packed ``(3E,)`` projection bias, or None.
        bias_k: a ``(1, 1, E)`` key appended to every sequence, or None.
        bias_v: a ``(1, 1, E)`` value appended to every sequence, or None.
        add_zero_attn: append a zero key and value to every sequence.
        dropout_p: dropout on the attention weights (in training only).
        out_proj_weight: the ``(E, E)`` output projection.
        out_proj_bias: its bias, or None.
        training: apply dropout.
        key_padding_mask: ``(N, S)`` positions of the keys to ignore.
        need_weights: also return the attention weights.
        attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)`` mask.
        use_separate_proj_weight: use ``q/k/v_proj_weight`` instead of ``in_proj_weight``.
        q_proj_weight: the ``(E, E)`` query projection.
        k_proj_weight: the ``(E, kdim)`` key projection.
        v_proj_weight: the ``(E, vdim)`` value projection.
        static_k: projected keys ``(N * num_heads, S, E / num_heads)`` to use as they are.
        static_v: projected values, likewise.
        average_attn_weights: average the returned weights over the heads.
        is_causal: a hint that ``attn_mask`` is the causal mask (``attn_mask`` is required).

    >>> x = torch.ones(3, 1, 4)
    >>> out, w = F.multi_head_attention_forward(x, x, x, 4, 2, torch.ones(12, 4), None, None,
    ...     None, False, 0.0, torch.eye(4), None)
    >>> out.shape, w.shape
    (torch.Size([3, 1, 4]), torch.Size([1, 3, 3]))
    """
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask, attn_mask, is_causal = _canonical_masks(
        key_padding_mask, attn_mask, is_causal, need_weights, query.dtype
    )
    head_dim = _head_dim(embed_dim, embed_dim_to_check, num_heads)
    separate = _separate_weights(
        key, value, use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight
    )
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, separate)
    attn_mask = _shaped_attn_mask(attn_mask, tgt_len, key.shape[0], bsz * num_heads)
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = _append_column(attn_mask), _append_column(key_padding_mask)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, bsz * num_heads, head_dim)
    v = _heads(v, static_v, bsz * num_heads, head_dim)
    if add_zero_attn:
        zeros = creation.zeros(bsz * num_heads, 1, head_dim, dtype=q.dtype)
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask, key_padding_mask = _append_column(attn_mask), _append_column(key_padding_mask)
    attn_mask = _with_padding(attn_mask, key_padding_mask, bsz, num_heads, k.shape[1])
    dropout_p = dropout_p if training else 0.0
    out_proj = (out_proj_weight, out_proj_bias)
    if need_weights:
        out, weights = _attend(q, k, v, attn_mask, dropout_p, out_proj, bsz, num_heads)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        return (out, weights) if batched else (out.squeeze(1), weights.squeeze(0))
    out = _attend_fused(q, k, v, attn_mask, dropout_p, is_causal, out_proj, bsz, num_heads)
    return (out if batched else out.squeeze(1)), None


def _canonical_masks(key_padding_mask, attn_mask, is_causal, need_weights, dtype) -> tuple:
    """The masks as float additive masks (or None), and what remains of the causal hint."""
    key_padding_mask = _canonical_mask(
        key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask", dtype
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        return key_padding_mask, None, True  # the hint lets attention build the causal mask
    attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", dtype, False)
    return key_padding_mask, attn_mask, is_causal and key_padding_mask is None


def _head_dim(embed_dim: int, embed_dim_to_check: int, num_heads: int) -> int:
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    return head_dim


def _separate_weights(key, value, use_separate, q_weight, k_weight, v_weight) -> tuple | None:
    """The three projection weights when they are separate (else None), with PyTorch's checks."""
    if use_separate:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                f"{value.shape[:2]}"
            )
        return (q_weight, k_weight, v_weight)
    if key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    return None


def _with_padding(attn_mask, key_padding_mask, bsz: int, num_heads: int, src_len: int):
    """``attn_mask`` with the key padding mask added, per head: ``(N * heads, L or 1, S)``."""
    if key_padding_mask is None:
        return attn_mask
    if tuple(key_padding_mask.shape) != (bsz, src_len):
        raise AssertionError(
            f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
            f"{key_padding_mask.shape}"
        )
    padding = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
    padding = padding.reshape(bsz * num_heads, 1, src_len)
    return padding if attn_mask is None else attn_mask + padding


def _attend(q, k, v, attn_mask, dropout_p: float, out_proj: tuple, bsz: int, num_heads: int):
    """Attention with its weights, ``(L, N, E)`` and ``(N, heads, L, S)``, computed by hand."""
    tgt_len, src_len, head_dim = q.shape[1], k.shape[1], q.shape[2]
    scores = (q * math.sqrt(1.0 / head_dim)).matmul(k.transpose(-2, -1))
    weights = (scores if attn_mask is None else scores + attn_mask).softmax(-1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    out = weights.matmul(v).transpose(0, 1).reshape(tgt_len * bsz, head_dim * num_heads)
    out = linear(out, *out_proj).reshape(tgt_len, bsz, -1)
    return out, weights.reshape(bsz, num_heads, tgt_len, src_len)


def _attend_fused(q, k, v, attn_mask, dropout_p, is_causal, out_proj, bsz, num_heads):
    """Attention without its weights, through ``scaled_dot_product_attention``: ``(L, N, E)``."""
    tgt_len, src_len, head_dim = q.shape[1], k.shape[1], q.shape[2]
    if attn_mask is not None:
        if attn_mask.shape[0] == 1 and attn_mask.ndim == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, head_dim * num_heads)
    return linear(out, *out_proj).reshape(tgt_len, bsz, -1)


def _heads(t: Tensor, static: Tensor | None, heads_x_batch: int, head_dim: int) -> Tensor:
    """``(S, N, E)`` projected keys/values as ``(N * heads, S, head_dim)``, or ``static``."""
    if static is not None:
        return static
    return t.reshape(t.shape[0], heads_x_batch, head_dim).transpose(0, 1)
