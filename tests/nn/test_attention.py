"""F.scaled_dot_product_attention and nn.MultiheadAttention against PyTorch (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg
import graphgrad.nn.functional as F  # noqa: N812

from ._attention_helpers import TOL, as_array, assert_parity, inputs

torch = pytest.importorskip("torch")


def _sdpa(lib, shapes, mask=None, **kw):
    q, k, v = inputs(lib, 3, *shapes)
    m = None if mask is None else mask(lib)
    out = lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m, **kw)
    (out * out).sum().backward()
    return [as_array(t) for t in (out, q.grad, k.grad, v.grad)]


BOOL = [[True, False, True, True, False]] * 2 + [[False] * 5]  # last row fully masked
FLOAT = [[0.0, -1.0, 0.5, float("-inf"), 2.0]] * 3


@pytest.mark.parametrize(
    "mask, kw",
    [
        (None, {}),
        (None, {"is_causal": True}),
        (lambda L: L.tensor(BOOL), {}),
        (lambda L: L.tensor(FLOAT, dtype=L.float64), {}),
        (lambda L: L.tensor([[float("-inf")] * 5] * 3, dtype=L.float64), {}),
        (None, {"scale": 0.3}),
    ],
)
def test_sdpa_matches_torch_with_each_kind_of_mask(mask, kw):
    shapes = [(2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6)]
    for a, b in zip(_sdpa(gg, shapes, mask, **kw), _sdpa(torch, shapes, mask, **kw)):
        np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


@pytest.mark.parametrize(
    "shapes, kw",
    [
        ([(2, 4, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4)], {"enable_gqa": True}),
        ([(3, 4), (5, 4), (5, 2)], {}),
        ([(3, 1, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)], {}),  # broadcast batch dims
    ],
)
def test_sdpa_matches_torch_for_gqa_unbatched_and_broadcast(shapes, kw):
    for a, b in zip(_sdpa(gg, shapes, **kw), _sdpa(torch, shapes, **kw)):
        np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


def test_sdpa_dropout_draws_torchs_mask():
    outs = []
    for lib in (torch, gg):
        q, k, v = inputs(lib, 0, (1, 2, 4, 4), (1, 2, 4, 4), (1, 2, 4, 4))
        lib.manual_seed(7)
        outs.append(as_array(lib.nn.functional.scaled_dot_product_attention(q, k, v, None, 0.5)))
    np.testing.assert_allclose(outs[1], outs[0], rtol=TOL, atol=TOL)


def _message(lib, fn):
    with pytest.raises(Exception) as info:
        fn(lib)
    return type(info.value).__name__, str(info.value)


@pytest.mark.parametrize(
    "fn",
    [
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(1, 3, 4), L.ones(1, 5, 3), L.ones(1, 5, 4)
        ),
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(3, 4), L.ones(5, 4), L.ones(5, 4), attn_mask=L.ones(3, 5, dtype=L.int64)
        ),
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(3, 4, dtype=L.float64), L.ones(5, 4), L.ones(5, 4)
        ),
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(4), L.ones(5, 4), L.ones(5, 4)
        ),
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(3, 4), L.ones(5, 4), L.ones(5, 4), L.ones(3, 5, dtype=L.bool), is_causal=True
        ),
        lambda L: L.nn.functional.scaled_dot_product_attention(
            L.ones(3, 4), L.ones(5, 4), L.ones(5, 4), dropout_p=1.5
        ),
    ],
)
def test_sdpa_errors_match_torch(fn):
    assert _message(gg, fn) == _message(torch, fn)


def _mha(**kw):
    return lambda L: L.nn.MultiheadAttention(8, 2, **kw)


def _call(batch_first=False, **fkw):
    def call(lib, m, q, k, v):
        f = {n: (val(lib) if callable(val) else val) for n, val in fkw.items()}
        return m(q, k, v, **f)

    return call


def _shapes(bf=False, kdim=8, vdim=8):
    seq = [(3, 2, 8), (5, 2, kdim), (5, 2, vdim)]
    return [(s[1], s[0], s[2]) for s in seq] if bf else seq


PADDING = [[False, False, True, False, True], [True, False, False, False, False]]


@pytest.mark.parametrize(
    "kw, fkw",
    [
        ({}, {}),
        ({}, {"need_weights": False}),
        ({}, {"average_attn_weights": False}),
        ({"bias": False}, {}),
        ({"add_bias_kv": True, "add_zero_attn": True}, {}),
        ({}, {"attn_mask": lambda L: L.tensor([[False, True, False, False, True]] * 3)}),
        (
            {},
            {
                "attn_mask": lambda L: L.tensor([[0.0, -1.0, 0.5, 0.0, 2.0]] * 3, dtype=L.float64),
                "need_weights": False,
            },
        ),
        ({}, {"attn_mask": lambda L: L.zeros(4, 3, 5, dtype=L.float64)}),
        ({}, {"key_padding_mask": lambda L: L.tensor(PADDING)}),
        ({}, {"key_padding_mask": lambda L: L.tensor(PADDING), "need_weights": False}),
        (
            {"add_bias_kv": True},
            {"key_padding_mask": lambda L: L.tensor(PADDING), "attn_mask": lambda L: L.zeros(3, 5)},
        ),
    ],
)
def test_mha_matches_torch(kw, fkw):
    fkw = dict(fkw)
    if "attn_mask" in fkw and "key_padding_mask" in fkw:
        fkw["attn_mask"] = lambda L: L.zeros(3, 5, dtype=L.float64)
        fkw["key_padding_mask"] = lambda L: L.where(L.tensor(PADDING), float("-inf"), 0.0).double()
    assert_parity(torch, _mha(**kw), _call(**fkw), _shapes())


def test_mha_is_causal_hint_with_its_mask():
    mask = lambda L: L.nn.Transformer.generate_square_subsequent_mask(3).double()  # noqa: E731
    for need in (True, False):
        call = _call(attn_mask=mask, is_causal=True, need_weights=need)
        assert_parity(torch, _mha(), call, [(3, 2, 8)] * 3)


@pytest.mark.parametrize("bf", [False, True])
def test_mha_batch_first_and_kdim_vdim(bf):
    assert_parity(torch, _mha(batch_first=bf, kdim=3, vdim=5), _call(), _shapes(bf, 3, 5))


def test_mha_unbatched_with_padding_mask():
    call = _call(key_padding_mask=lambda L: L.tensor([False, True, False, False, False]))
    assert_parity(torch, _mha(), call, [(3, 8), (5, 8), (5, 8)])


def test_mha_training_dropout_draws_torchs_masks():
    def build(L):
        return L.nn.MultiheadAttention(8, 2, dropout=0.4)

    for need in (True, False):  # the weights path and the SDPA path
        assert_parity(torch, build, _call(need_weights=need), _shapes())


def test_mha_parameters_and_repr_match_torch():
    for kw in ({}, {"kdim": 3, "vdim": 5, "add_bias_kv": True}, {"bias": False}):
        torch.manual_seed(4)
        t = torch.nn.MultiheadAttention(6, 3, **kw)
        gg.manual_seed(4)
        g = gg.nn.MultiheadAttention(6, 3, **kw)
        assert repr(g) == repr(t)
        assert [n for n, _ in g.named_parameters()] == [n for n, _ in t.named_parameters()]
        for a, b in zip(g.parameters(), t.parameters()):
            np.testing.assert_array_equal(as_array(a), as_array(b))


X = (3, 2, 4)


@pytest.mark.parametrize(
    "make, args",
    [
        (lambda L: L.nn.MultiheadAttention(5, 2), None),
        (lambda L: L.nn.MultiheadAttention(0, 2), None),
        (lambda L: L.nn.MultiheadAttention(4, 2), lambda L: (L.ones(3, 2, 5),) * 3),
        (lambda L: L.nn.MultiheadAttention(4, 2), lambda L: (L.ones(2, 3, 2, 4),) * 3),
        (
            lambda L: L.nn.MultiheadAttention(4, 2),
            lambda L: (L.ones(*X), L.ones(4, 2, 4), L.ones(*X)),
        ),
        (
            lambda L: L.nn.MultiheadAttention(4, 2),
            lambda L: (L.ones(3, 4), L.ones(*X), L.ones(*X)),
        ),
    ],
)
def test_mha_errors_match_torch(make, args):
    def fn(lib):
        m = make(lib)
        return m(*args(lib))

    assert _message(gg, fn) == _message(torch, fn)


@pytest.mark.parametrize(
    "fkw",
    [
        {"attn_mask": lambda L: L.ones(2, 2, dtype=L.bool)},
        {"attn_mask": lambda L: L.ones(5, 3, 3, dtype=L.bool)},
        {"attn_mask": lambda L: L.ones(1, 1, 3, 3, dtype=L.bool)},
        {"attn_mask": lambda L: L.ones(3, 3, dtype=L.int32)},
        {"key_padding_mask": lambda L: L.ones(3, 3, dtype=L.bool)},
        {"is_causal": True},
    ],
)
def test_mha_mask_errors_match_torch(fkw):
    def fn(lib):
        m = lib.nn.MultiheadAttention(4, 2)
        x = lib.ones(*X)
        return m(x, x, x, **{n: (v(lib) if callable(v) else v) for n, v in fkw.items()})

    assert _message(gg, fn) == _message(torch, fn)


def test_mismatched_mask_types_warn_as_torch():
    m = gg.nn.MultiheadAttention(4, 2)
    x = gg.ones(*X)
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask"):
        m(x, x, x, attn_mask=gg.zeros(3, 3), key_padding_mask=gg.zeros(2, 3, dtype=gg.bool))


def test_functional_mha_forward_is_what_the_layer_runs():
    gg.manual_seed(0)
    m = gg.nn.MultiheadAttention(4, 2)
    x = gg.randn(*X)
    out, w = F.multi_head_attention_forward(
        x, x, x, 4, 2, m.in_proj_weight, m.in_proj_bias, None, None, False, 0.0,
        m.out_proj.weight, m.out_proj.bias,
    )  # fmt: skip
    ref, ref_w = m(x, x, x)
    assert gg.equal(out, ref) and gg.equal(w, ref_w)
