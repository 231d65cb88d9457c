"""Multi-head attention as a layer: ``MultiheadAttention`` (its output projection is a
``NonDynamicallyQuantizableLinear``, PyTorch's name for a plain Linear there).

>>> import graphgrad as torch
>>> torch.nn.MultiheadAttention(4, 2)
MultiheadAttention(
  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
)
"""

from __future__ import annotations

from ..tensor import Tensor
from . import init
from .functional.attention import _canonical_mask, _none_or_dtype, multi_head_attention_forward
from .linear import Linear, empty_parameter
from .module import Module
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` under the name PyTorch gives ``MultiheadAttention.out_proj``.

    Args:
        in_features: the size of each input's last dimension.
        out_features: the size of each output's last dimension.
        bias: whether to add a learnable bias.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> NonDynamicallyQuantizableLinear(2, 3)
    NonDynamicallyQuantizableLinear(in_features=2, out_features=3, bias=True)
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__(in_features, out_features, bias, device, dtype)


class MultiheadAttention(Module):
    """Attention over ``num_heads`` heads of ``embed_dim / num_heads`` features each.

    Parameters are created and drawn in PyTorch's order (``out_proj`` first, then Xavier on
    the input projections; biases zero), so ``manual_seed`` gives PyTorch's values.

    Args:
        embed_dim: the model width ``E`` (the query's last dimension).
        num_heads: the number of heads; must divide ``embed_dim``.
        dropout: dropout on the attention weights in training.
        bias: give the input and output projections biases.
        add_bias_kv: learn a key and a value appended to every sequence.
        add_zero_attn: append a zero key and value to every sequence.
        kdim: the key width (``embed_dim`` when None).
        vdim: the value width (``embed_dim`` when None).
        batch_first: inputs are ``(N, L, E)`` rather than ``(L, N, E)``.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> mha = torch.nn.MultiheadAttention(4, 2, batch_first=True)
    >>> x = torch.ones(1, 3, 4)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    (torch.Size([1, 3, 4]), torch.Size([1, 3, 3]))
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                "embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self._declare_projections(bias, dtype)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias, dtype=dtype)
        self.bias_k: Parameter | None
        self.bias_v: Parameter | None
        if add_bias_kv:
            self.bias_k = empty_parameter(1, 1, embed_dim, dtype=dtype)
            self.bias_v = empty_parameter(1, 1, embed_dim, dtype=dtype)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _declare_projections(self, bias: bool, dtype) -> None:
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty_parameter(3 * e, e, dtype=dtype)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = empty_parameter(e, e, dtype=dtype)
            self.k_proj_weight = empty_parameter(e, self.kdim, dtype=dtype)
            self.v_proj_weight = empty_parameter(e, self.vdim, dtype=dtype)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty_parameter(3 * e, dtype=dtype)
        else:
            self.register_parameter("in_proj_bias", None)

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns ``(output, weights)``.

        Args:
            query: ``(L, N, E)`` (``(N, L, E)`` if batch_first, ``(L, E)`` unbatched).
            key: ``(S, N, kdim)`` likewise.
            value: ``(S, N, vdim)`` likewise.
            key_padding_mask: ``(N, S)``: True (or -inf) marks keys to ignore.
            need_weights: also return the attention weights (else None).
            attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``: True (or -inf) forbids.
            average_attn_weights: average the weights over heads (else one map per head).
            is_causal: a hint that ``attn_mask`` is the causal mask.

        >>> mha = torch.nn.MultiheadAttention(2, 1)
        >>> mha(torch.ones(3, 2), torch.ones(3, 2), torch.ones(3, 2))[1]
        tensor([[0.3333, 0.3333, 0.3333],
                [0.3333, 0.3333, 0.3333],
                [0.3333, 0.3333, 0.3333]], grad_fn=<SqueezeBackward1>)
        """
        batched = query.ndim == 3
        key_padding_mask = _canonical_mask(
            key_padding_mask,
            "key_padding_mask",
            _none_or_dtype(attn_mask),
            "attn_mask",
            query.dtype,
        )
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if self.batch_first and batched:
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = multi_head_attention_forward(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            training=self.training,
            key_padding_mask=key_padding_mask,
            need_weights=need_weights,
            attn_mask=attn_mask,
            use_separate_proj_weight=separate,
            q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights,
            is_causal=is_causal,
        )
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights
