"""The Transformer layers, stacks and nn.Transformer against PyTorch (float64)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as gg

from ._attention_helpers import as_array, assert_parity

torch = pytest.importorskip("torch")

PAD = [[False, False, True, False, True], [True, False, False, False, False]]


def _quiet(build):
    def quiet(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build(lib)

    return quiet


def _encoder_layer(**kw):
    return lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)


def _causal(L, n=5):
    return L.nn.Transformer.generate_square_subsequent_mask(n, dtype=L.float64)


@pytest.mark.parametrize(
    "kw, fkw",
    [
        ({}, {}),
        ({"norm_first": True}, {}),
        ({"activation": "gelu"}, {}),
        ({"bias": False}, {}),
        ({}, {"src_mask": _causal, "is_causal": True}),
        ({}, {"src_mask": lambda L: L.ones(5, 5, dtype=L.bool).triu(1)}),
        ({}, {"src_key_padding_mask": lambda L: L.tensor(PAD)}),
    ],
)
def test_encoder_layer_matches_torch(kw, fkw):
    def call(lib, m, x):
        return [m(x, **{n: (v(lib) if callable(v) else v) for n, v in fkw.items()})]

    assert_parity(torch, _encoder_layer(**kw), call, [(5, 2, 8)])


def test_encoder_layer_batch_first_and_module_activation():
    def build(L):
        return L.nn.TransformerEncoderLayer(8, 2, 16, 0.0, L.nn.GELU(), batch_first=True)

    assert_parity(torch, build, lambda lib, m, x: [m(x)], [(2, 5, 8)])


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_matches_torch(norm_first):
    def build(L):
        return L.nn.TransformerDecoderLayer(8, 2, 16, 0.0, norm_first=norm_first)

    def call(lib, m, t, mem):
        return [m(t, mem, tgt_mask=_causal(lib, 4), memory_key_padding_mask=lib.tensor(PAD))]

    assert_parity(torch, build, call, [(4, 2, 8), (5, 2, 8)])


@pytest.mark.parametrize("bf", [False, True])
def test_encoder_and_decoder_stacks_match_torch(bf):
    def build(L):
        enc = L.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=bf)
        dec = L.nn.TransformerDecoderLayer(8, 2, 16, 0.0, batch_first=bf)
        return L.nn.ModuleList(
            [L.nn.TransformerEncoder(enc, 2, L.nn.LayerNorm(8)), L.nn.TransformerDecoder(dec, 2)]
        )

    def call(lib, m, src, tgt):
        memory = m[0](src, mask=_causal(lib))  # the causal mask is detected
        return [m[1](tgt, memory, tgt_mask=_causal(lib, 4))]

    shapes = [(2, 5, 8), (2, 4, 8)] if bf else [(5, 2, 8), (4, 2, 8)]
    assert_parity(torch, _quiet(build), call, shapes)


@pytest.mark.parametrize(
    "kw", [{}, {"batch_first": True, "norm_first": True, "activation": "gelu"}]
)
def test_transformer_matches_torch(kw):
    def build(L):
        return L.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, **kw)

    def call(lib, m, src, tgt):
        mask = m.generate_square_subsequent_mask(4, dtype=lib.float64)
        return [m(src, tgt, tgt_mask=mask, src_key_padding_mask=lib.tensor(PAD))]

    shapes = [(2, 5, 8), (2, 4, 8)] if kw else [(5, 2, 8), (4, 2, 8)]
    assert_parity(torch, _quiet(build), call, shapes)


@pytest.mark.parametrize("bf", [False, True])
def test_training_mode_dropout_matches_torch(bf):
    def build(L):
        return L.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=bf)

    assert_parity(torch, build, lambda lib, m, x: [m(x)], [(2, 5, 8) if bf else (5, 2, 8)])


def test_transformer_init_is_torchs_bit_for_bit():
    torch.manual_seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.Transformer(8, 2, 1, 1, 16)
        gg.manual_seed(3)
        g = gg.nn.Transformer(8, 2, 1, 1, 16)
    assert repr(g) == repr(t)
    assert [n for n, _ in g.named_parameters()] == [n for n, _ in t.named_parameters()]
    for a, b in zip(g.parameters(), t.parameters()):
        np.testing.assert_array_equal(as_array(a), as_array(b))


def _warnings(lib, build):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build(lib)
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize(
    "kw", [{}, {"batch_first": True}, {"batch_first": True, "norm_first": True}]
)
def test_encoder_nested_tensor_warning_matches_torch(kw):
    def build(L):
        L.nn.TransformerEncoder(L.nn.TransformerEncoderLayer(4, 2, 8, **kw), 2)
        L.nn.TransformerEncoder(L.nn.TransformerEncoderLayer(4, 1, 8, batch_first=True), 1)
        for act in (L.nn.ReLU(), L.nn.Tanh()):
            layer = L.nn.TransformerEncoderLayer(4, 2, 8, activation=act, batch_first=True)
            L.nn.TransformerEncoder(layer, 1)

    assert _warnings(gg, build) == _warnings(torch, build)


def _message(lib, fn):
    with pytest.raises(Exception) as info:
        fn(lib)
    return type(info.value).__name__, str(info.value)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.nn.TransformerEncoderLayer(4, 2, 8, activation="tanh"),
        lambda L: L.nn.Transformer(4, 2, 1, 1, 8)(L.ones(5, 2, 4), L.ones(3, 3, 4)),
        lambda L: L.nn.Transformer(4, 2, 1, 1, 8)(L.ones(5, 2, 4), L.ones(3, 2, 6)),
        lambda L: L.nn.TransformerEncoderLayer(4, 2, 8)(L.ones(5, 2, 6)),
    ],
)
def test_errors_match_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _message(gg, fn) == _message(torch, fn)


def test_generate_square_subsequent_mask_prints_as_torch():
    assert repr(gg.nn.Transformer.generate_square_subsequent_mask(3)) == repr(
        torch.nn.Transformer.generate_square_subsequent_mask(3)
    )


def test_eval_mode_matches_torchs_fused_fast_path():
    """In eval mode without grad, PyTorch takes its fused ("fast path") kernels: same math,
    another summation order."""
    outs = []
    for lib in (torch, gg):
        lib.manual_seed(0)
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).double()
        encoder = lib.nn.TransformerEncoder(layer, 2).eval()
        mha = lib.nn.MultiheadAttention(8, 2, batch_first=True).double().eval()
        x = lib.randn(2, 5, 8, dtype=lib.float64)
        pad = lib.tensor([[False] * 5, [False, False, False, True, True]])
        with lib.no_grad():
            outs.append(
                [
                    encoder(x),
                    mha(x, x, x, need_weights=False)[0],
                    mha(x, x, x, key_padding_mask=pad)[0],
                ]
            )
    for a, b in zip(*outs):
        np.testing.assert_allclose(as_array(b), as_array(a), rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
@pytest.mark.parametrize("grad", [False, True])
def test_inference_with_padding_zeroes_padded_outputs_as_torchs_nested_path(grad):
    outs = []
    for lib in (torch, gg):
        lib.manual_seed(0)
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        encoder = lib.nn.TransformerEncoder(layer, 2, lib.nn.LayerNorm(8)).double().eval()
        x = lib.randn(2, 5, 8, dtype=lib.float64)
        pad = lib.tensor([[False] * 5, [False, False, False, True, True]])
        with lib.set_grad_enabled(grad):
            outs.append(as_array(encoder(x, src_key_padding_mask=pad)))
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-12, atol=1e-12)
