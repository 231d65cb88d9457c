"""The Transformer of "Attention Is All You Need": encoder and decoder layers, their stacks,
and ``Transformer`` itself, built from MultiheadAttention, Linear, LayerNorm and Dropout.

>>> import graphgrad as torch
>>> square_subsequent_mask(3)
tensor([[0., -inf, -inf],
        [0., 0., -inf],
        [0., 0., 0.]])
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable

from .. import creation
from ..autograd.grad_mode import is_grad_enabled
from ..dtypes import int64
from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from .activation import GELU, ReLU
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .functional.attention import _canonical_mask, _none_or_dtype
from .linear import Linear
from .module import Module
from .norm import LayerNorm


def _activation(activation: str | Callable) -> Callable:
    if not isinstance(activation, str):
        return activation
    if activation in ("relu", "gelu"):
        return getattr(F, activation)
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _clones(module: Module, n: int) -> ModuleList:
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


def _is_causal_mask(mask: Tensor | None, is_causal: bool | None, size: int) -> bool:
    """Whether ``mask`` is (or is declared to be) the causal mask, as PyTorch's layers detect."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    causal = square_subsequent_mask(size, dtype=mask.dtype)
    return tuple(mask.shape) == tuple(causal.shape) and bool((mask == causal).all())


def square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
    """The ``(sz, sz)`` causal mask: ``-inf`` above the diagonal, 0 elsewhere.

    Args:
        sz: the sequence length.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the mask's dtype (the default dtype when ``None``).

    >>> square_subsequent_mask(2)
    tensor([[0., -inf],
            [0., 0.]])
    """
    return creation.full((sz, sz), float("-inf"), dtype=dtype).triu(diagonal=1)


_NESTED_WARNED: list[bool] = []


def _warn_nested_prototype_once() -> None:
    """The warning PyTorch gives (once per process) when it builds a nested tensor."""
    if not _NESTED_WARNED:
        _NESTED_WARNED.append(True)
        warnings.warn(
            "The PyTorch API of nested tensors is in prototype stage and will change in the "
            "near future. We recommend specifying layout=torch.jagged when constructing a "
            "nested tensor, as this layout receives active development, has better operator "
            "coverage, and works with torch.compile.",
            stacklevel=3,
        )


def _seq_len(x: Tensor, batch_first: bool) -> int:
    return x.shape[1 if batch_first and x.ndim == 3 else 0]


class _FeedForwardLayer(Module):
    """What the encoder and decoder layers share: the feed-forward block and sublayer order."""

    def _feed_forward(self, x: Tensor) -> Tensor:
        return self._dropout_ff_out(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def _self_attention(self, x: Tensor, mask, padding, is_causal: bool) -> Tensor:
        out = self.self_attn(
            x, x, x, attn_mask=mask, key_padding_mask=padding, need_weights=False,
            is_causal=is_causal,
        )[0]  # fmt: skip
        return self.dropout1(out)

    def _build_feed_forward(self, d_model, dim_feedforward, dropout, activation, bias, dtype):
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)

    def _set_activation(self, activation) -> None:
        activation = _activation(activation)
        relu = activation is F.relu or isinstance(activation, ReLU)
        gelu = activation is F.gelu or isinstance(activation, GELU)
        self.activation_relu_or_gelu = 1 if relu else 2 if gelu else 0
        self.activation = activation


class TransformerEncoderLayer(_FeedForwardLayer):
    """Self-attention then a feed-forward block, each wrapped in dropout, a residual and a
    LayerNorm (after the residual, or before the block when ``norm_first``).

    Args:
        d_model: the model width.
        nhead: the number of attention heads.
        dim_feedforward: the feed-forward block's hidden width.
        dropout: the dropout probability everywhere.
        activation: ``"relu"``, ``"gelu"`` or a callable (a Module is registered as a child).
        layer_norm_eps: the LayerNorms' eps.
        batch_first: inputs are ``(N, S, E)`` rather than ``(S, N, E)``.
        norm_first: normalise before each block rather than after each residual.
        bias: give the Linear and LayerNorm layers biases.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> layer = torch.nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    >>> layer(torch.rand(5, 3, 4)).shape
    torch.Size([5, 3, 4])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self._build_feed_forward(d_model, dim_feedforward, dropout, activation, bias, dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self._set_activation(activation)

    @property
    def _dropout_ff_out(self) -> Dropout:
        return self.dropout2

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """One encoder layer over ``src``.

        Args:
            src: ``(S, N, E)`` (``(N, S, E)`` if batch_first, ``(S, E)`` unbatched).
            src_mask: ``(S, S)`` or ``(N * nhead, S, S)``: True (or -inf) forbids.
            src_key_padding_mask: ``(N, S)``: True (or -inf) marks positions to ignore.
            is_causal: a hint that ``src_mask`` is the causal mask.

        >>> layer = torch.nn.TransformerEncoderLayer(4, 1, 8, dropout=0.0)
        >>> layer(torch.ones(2, 4)).shape
        torch.Size([2, 4])
        """
        src_key_padding_mask = _canonical_mask(
            src_key_padding_mask,
            "src_key_padding_mask",
            _none_or_dtype(src_mask),
            "src_mask",
            src.dtype,
        )
        src_mask = _canonical_mask(src_mask, "src_mask", None, "", src.dtype, False)
        x = src
        if self.norm_first:
            x = x + self._self_attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._feed_forward(self.norm2(x))
        x = self.norm1(x + self._self_attention(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._feed_forward(x))


class TransformerDecoderLayer(_FeedForwardLayer):
    """Self-attention, attention to the encoder's output (``memory``), then a feed-forward
    block, each with dropout, a residual and a LayerNorm.

    Args:
        d_model: the model width.
        nhead: the number of attention heads.
        dim_feedforward: the feed-forward block's hidden width.
        dropout: the dropout probability everywhere.
        activation: ``"relu"``, ``"gelu"`` or a callable (a Module is registered as a child).
        layer_norm_eps: the LayerNorms' eps.
        batch_first: inputs are ``(N, T, E)`` rather than ``(T, N, E)``.
        norm_first: normalise before each block rather than after each residual.
        bias: give the Linear and LayerNorm layers biases.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> layer = torch.nn.TransformerDecoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    >>> layer(torch.rand(5, 3, 4), torch.rand(6, 3, 4)).shape
    torch.Size([5, 3, 4])
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, dtype=dtype
        )
        self._build_feed_forward(d_model, dim_feedforward, dropout, activation, bias, dtype)
        self.norm_first = norm_first
        for i in (1, 2, 3):
            setattr(
                self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            )
        for i in (1, 2, 3):
            setattr(self, f"dropout{i}", Dropout(dropout))
        self._set_activation(activation)

    @property
    def _dropout_ff_out(self) -> Dropout:
        return self.dropout3

    def _cross_attention(self, x: Tensor, memory: Tensor, mask, padding, is_causal) -> Tensor:
        out = self.multihead_attn(
            x, memory, memory, attn_mask=mask, key_padding_mask=padding, is_causal=is_causal,
            need_weights=False,
        )[0]  # fmt: skip
        return self.dropout2(out)

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """One decoder layer over ``tgt``, attending to ``memory``.

        Args:
            tgt: ``(T, N, E)`` (``(N, T, E)`` if batch_first, ``(T, E)`` unbatched).
            memory: ``(S, N, E)``, the encoder's output.
            tgt_mask: ``(T, T)`` or ``(N * nhead, T, T)`` mask on self-attention.
            memory_mask: ``(T, S)`` or ``(N * nhead, T, S)`` mask on attention to memory.
            tgt_key_padding_mask: ``(N, T)``: True (or -inf) marks positions to ignore.
            memory_key_padding_mask: ``(N, S)``, likewise for memory.
            tgt_is_causal: a hint that ``tgt_mask`` is the causal mask.
            memory_is_causal: a hint that ``memory_mask`` is the causal mask.

        >>> layer = torch.nn.TransformerDecoderLayer(4, 1, 8, dropout=0.0)
        >>> layer(torch.ones(2, 4), torch.ones(3, 4)).shape
        torch.Size([2, 4])
        """
        x = tgt
        if self.norm_first:
            x = x + self._self_attention(
                self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal
            )
            x = x + self._cross_attention(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            return x + self._feed_forward(self.norm3(x))
        x = self.norm1(x + self._self_attention(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(
            x
            + self._cross_attention(
                x, memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
        )
        return self.norm3(x + self._feed_forward(x))


def _why_no_nested_tensor(layer) -> str:
    """PyTorch's reason (in its warning) for not taking its nested-tensor fast path."""
    name = "encoder_layer"
    if not isinstance(layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    attn = layer.self_attn
    checks = (
        (layer.norm_first, f"{name}.norm_first was True"),
        (
            not attn.batch_first,
            f"{name}.self_attn.batch_first was not True"
            "(use batch_first for better inference performance)",
        ),
        (not attn._qkv_same_embed_dim, f"{name}.self_attn._qkv_same_embed_dim was not True"),
        (attn.in_proj_bias is None, f"{name}.self_attn was passed bias=False"),
        (not layer.activation_relu_or_gelu, f"{name}.activation_relu_or_gelu was not True"),
        (
            layer.norm1.eps != layer.norm2.eps,
            f"{name}.norm1.eps was not equal to {name}.norm2.eps",
        ),
        (attn.num_heads % 2 == 1, f"{name}.self_attn.num_heads is odd"),
    )
    return next((why for failed, why in checks if failed), "")


class TransformerEncoder(Module):
    """``num_layers`` copies of ``encoder_layer`` run in turn, then an optional ``norm``.

    Args:
        encoder_layer: the layer to copy (each copy starts with its parameters' values).
        num_layers: the number of copies.
        norm: a module applied to the last layer's output, or None.
        enable_nested_tensor: PyTorch's fast-path switch; graphgrad has no nested tensors, but
            warns as PyTorch does when the layer rules its fast path out.
        mask_check: accepted for compatibility (PyTorch's fast-path mask check).

    >>> layer = torch.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True)
    >>> encoder = torch.nn.TransformerEncoder(layer, num_layers=2)
    >>> encoder(torch.rand(3, 5, 4)).shape
    torch.Size([3, 5, 4])
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor = self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why = _why_no_nested_tensor(encoder_layer)
        if enable_nested_tensor and why:
            warnings.warn(
                f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why}",
                stacklevel=2,
            )
            self.use_nested_tensor = False

    def forward(
        self,
        src: Tensor,
        mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """Run every layer over ``src``.

        Args:
            src: ``(S, N, E)`` (``(N, S, E)`` if batch_first, ``(S, E)`` unbatched).
            mask: ``(S, S)`` or ``(N * nhead, S, S)`` attention mask.
            src_key_padding_mask: ``(N, S)``: True (or -inf) marks positions to ignore.
            is_causal: whether ``mask`` is the causal mask; None detects it from ``mask``.

        >>> layer = torch.nn.TransformerEncoderLayer(4, 2, 8)
        >>> encoder = torch.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        >>> encoder(torch.rand(5, 4)).shape
        torch.Size([5, 4])
        """
        src_key_padding_mask = _canonical_mask(
            src_key_padding_mask,
            "src_key_padding_mask",
            _none_or_dtype(mask),
            "mask",
            src.dtype,
        )
        mask = _canonical_mask(mask, "mask", None, "", src.dtype, False)
        first = self.layers[0] if len(self.layers) else None
        batch_first = getattr(getattr(first, "self_attn", None), "batch_first", False)
        is_causal = _is_causal_mask(mask, is_causal, _seq_len(src, batch_first))
        out = src
        for layer in self.layers:
            out = layer(
                out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask
            )
        if self._takes_nested_path(src, mask, src_key_padding_mask):
            # PyTorch's nested-tensor path drops padded positions and pads them back as zeros.
            _warn_nested_prototype_once()
            out = out.masked_fill(src_key_padding_mask.unsqueeze(-1) != 0, 0.0)
        return self.norm(out) if self.norm is not None else out

    def _takes_nested_path(self, src: Tensor, mask, padding) -> bool:
        """Whether PyTorch would run this call on nested tensors (inference, batched, padding
        only at the end of each row, no attention mask): its padded outputs are then zeros."""
        if not self.use_nested_tensor or src.ndim != 3 or padding is None or mask is not None:
            return False
        if self.layers[0].training or padding.ndim != 2:
            return False
        params = [p for layer in self.layers[:1] for p in layer.parameters()]
        if is_grad_enabled() and (src.requires_grad or any(p.requires_grad for p in params)):
            return False
        padded = (padding != 0).to(int64)
        return not self.mask_check or bool((padded[:, 1:] >= padded[:, :-1]).all())


class TransformerDecoder(Module):
    """``num_layers`` copies of ``decoder_layer`` run in turn, then an optional ``norm``.

    Args:
        decoder_layer: the layer to copy (each copy starts with its parameters' values).
        num_layers: the number of copies.
        norm: a module applied to the last layer's output, or None.

    >>> layer = torch.nn.TransformerDecoderLayer(4, 2, 8)
    >>> decoder = torch.nn.TransformerDecoder(layer, num_layers=2)
    >>> decoder(torch.rand(5, 3, 4), torch.rand(6, 3, 4)).shape
    torch.Size([5, 3, 4])
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers, self.norm = num_layers, norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Run every layer over ``tgt``, each attending to ``memory``.

        Args:
            tgt: ``(T, N, E)`` (``(N, T, E)`` if batch_first, ``(T, E)`` unbatched).
            memory: ``(S, N, E)``, the encoder's output.
            tgt_mask: ``(T, T)`` or ``(N * nhead, T, T)`` mask on self-attention.
            memory_mask: ``(T, S)`` or ``(N * nhead, T, S)`` mask on attention to memory.
            tgt_key_padding_mask: ``(N, T)``: True (or -inf) marks positions to ignore.
            memory_key_padding_mask: ``(N, S)``, likewise for memory.
            tgt_is_causal: whether ``tgt_mask`` is causal; None detects it from ``tgt_mask``.
            memory_is_causal: a hint that ``memory_mask`` is the causal mask.

        >>> layer = torch.nn.TransformerDecoderLayer(4, 2, 8)
        >>> torch.nn.TransformerDecoder(layer, 1)(torch.rand(2, 4), torch.rand(3, 4)).shape
        torch.Size([2, 4])
        """
        first = self.layers[0] if len(self.layers) else None
        batch_first = getattr(getattr(first, "self_attn", None), "batch_first", False)
        tgt_is_causal = _is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(tgt, batch_first))
        out = tgt
        for layer in self.layers:
            out = layer(
                out,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        return self.norm(out) if self.norm is not None else out
