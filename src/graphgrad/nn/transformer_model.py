"""``nn.Transformer``: an encoder stack and a decoder stack of the model width ``d_model``.

>>> import graphgrad as torch
>>> torch.nn.Transformer.generate_square_subsequent_mask(2)
tensor([[0., -inf],
        [0., 0.]])
"""

from __future__ import annotations

from collections.abc import Callable

from ..tensor import Tensor
from . import functional as F  # noqa: N812 - PyTorch's spelling
from . import init
from .module import Module
from .norm import LayerNorm
from .transformer import (
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
    square_subsequent_mask,
)


class Transformer(Module):
    """An encoder-decoder Transformer; every parameter with more than one dimension is
    re-drawn with Xavier-uniform after construction, in PyTorch's order.

    Args:
        d_model: the model width.
        nhead: the number of attention heads.
        num_encoder_layers: the encoder's depth.
        num_decoder_layers: the decoder's depth.
        dim_feedforward: the feed-forward blocks' hidden width.
        dropout: the dropout probability everywhere.
        activation: ``"relu"``, ``"gelu"`` or a callable.
        custom_encoder: an encoder to use instead of building one.
        custom_decoder: a decoder to use instead of building one.
        layer_norm_eps: the LayerNorms' eps.
        batch_first: inputs are ``(N, S, E)`` rather than ``(S, N, E)``.
        norm_first: normalise before each block rather than after each residual.
        bias: give the Linear and LayerNorm layers biases.
        device: only ``"cpu"`` (or ``None``) is supported.
        dtype: the parameters' dtype (the default dtype when ``None``).

    >>> model = torch.nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1,
    ...     num_decoder_layers=1, dim_feedforward=8, batch_first=True)
    >>> model(torch.rand(2, 5, 4), torch.rand(2, 3, 4)).shape
    torch.Size([2, 3, 4])
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        shared = dict(
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            activation=activation,
            layer_norm_eps=layer_norm_eps,
            batch_first=batch_first,
            norm_first=norm_first,
            bias=bias,
            dtype=dtype,
        )
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer: Module = TransformerEncoderLayer(d_model, nhead, **shared)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, **shared)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Tensor | None = None,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src``, then decode ``tgt`` attending to the encoding.

        Args:
            src: ``(S, N, E)`` (``(N, S, E)`` if batch_first, ``(S, E)`` unbatched).
            tgt: ``(T, N, E)`` likewise.
            src_mask: ``(S, S)`` or ``(N * nhead, S, S)`` mask on the encoder.
            tgt_mask: ``(T, T)`` or ``(N * nhead, T, T)`` mask on the decoder's self-attention.
            memory_mask: ``(T, S)`` or ``(N * nhead, T, S)`` mask on attention to the encoding.
            src_key_padding_mask: ``(N, S)``: True (or -inf) marks source positions to ignore.
            tgt_key_padding_mask: ``(N, T)``, likewise for the target.
            memory_key_padding_mask: ``(N, S)``, likewise for the encoding.
            src_is_causal: whether ``src_mask`` is causal (None: detect it).
            tgt_is_causal: whether ``tgt_mask`` is causal (None: detect it).
            memory_is_causal: a hint that ``memory_mask`` is the causal mask.

        >>> model = torch.nn.Transformer(4, 2, 1, 1, 8, batch_first=True)
        >>> model(torch.rand(1, 5, 4), torch.rand(1, 3, 4)).shape
        torch.Size([1, 3, 4])
        """
        batched = src.ndim == 3
        batch_dim = 0 if self.batch_first else 1
        if batched and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None) -> Tensor:
        """The ``(sz, sz)`` causal mask: ``-inf`` above the diagonal, 0 elsewhere.

        Args:
            sz: the sequence length.
            device: only ``"cpu"`` (or ``None``) is supported.
            dtype: the mask's dtype (the default dtype when ``None``).

        >>> torch.nn.Transformer.generate_square_subsequent_mask(2, dtype=torch.float64)
        tensor([[0., -inf],
                [0., 0.]], dtype=torch.float64)
        """
        return square_subsequent_mask(sz, device, dtype)
