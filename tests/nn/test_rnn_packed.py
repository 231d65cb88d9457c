"""nn.utils.rnn (padding and packing) and packed input to the recurrent layers, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as G
from graphgrad.nn.utils import rnn as GR

from ._rnn_helpers import (
    as_state_tensors,
    assert_close,
    assert_same_parameters,
    state_shape,
    twin_layers,
    twin_leaves,
    weighted_sum,
)

T = pytest.importorskip("torch")
TR = pytest.importorskip("torch.nn.utils.rnn")

LENGTHS = [[5, 3, 3, 1], [2, 5, 1, 4], [3, 3, 3]]


def _sequences(lengths, dtype="double", features=3):
    rng = np.random.default_rng(sum(lengths))
    arrays = [rng.standard_normal((n, features)) for n in lengths]
    pairs = [twin_leaves(T, a, dtype) for a in arrays]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _assert_packed_equal(t, g):
    assert np.array_equal(g.data.detach().numpy(), t.data.detach().numpy())
    assert g.batch_sizes.tolist() == t.batch_sizes.tolist()
    assert g.batch_sizes.dtype == G.int64
    for a, b in ((t.sorted_indices, g.sorted_indices), (t.unsorted_indices, g.unsorted_indices)):
        assert (a is None and b is None) or a.tolist() == b.tolist()


@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_pad_round_trip_with_gradients_as_torch(lengths, batch_first):
    ts, gs = _sequences(lengths)
    tp = TR.pad_sequence(ts, batch_first=batch_first)
    gp = GR.pad_sequence(gs, batch_first=batch_first)
    assert_close(tp, gp, atol=0)
    sort = lengths == sorted(lengths, reverse=True)
    t_packed = TR.pack_padded_sequence(tp, lengths, batch_first, enforce_sorted=sort)
    g_packed = GR.pack_padded_sequence(gp, lengths, batch_first, enforce_sorted=sort)
    _assert_packed_equal(t_packed, g_packed)
    t_out, t_len = TR.pad_packed_sequence(t_packed, batch_first, -1.0, total_length=6)
    g_out, g_len = GR.pad_packed_sequence(g_packed, batch_first, -1.0, total_length=6)
    assert_close(t_out, g_out, atol=0)
    assert g_len.tolist() == t_len.tolist() == lengths and g_len.dtype == G.int64
    weights = np.random.default_rng(0).standard_normal(tuple(t_out.shape))
    (t_out * T.tensor(weights)).sum().backward()
    (g_out * G.tensor(weights)).sum().backward()
    for a, b in zip(ts, gs):
        assert_close(a.grad, b.grad, atol=0)


def test_pack_sequence_unpack_and_unpad_as_torch():
    ts, gs = _sequences([2, 4, 4, 1])
    t_packed = TR.pack_sequence(ts, enforce_sorted=False)
    g_packed = GR.pack_sequence(gs, enforce_sorted=False)
    _assert_packed_equal(t_packed, g_packed)
    assert g_packed.sorted_indices.tolist() == [1, 2, 0, 3]  # ties keep their order, as torch
    for a, b in zip(TR.unpack_sequence(t_packed), GR.unpack_sequence(g_packed)):
        assert_close(a, b, atol=0)
    lengths = [2, 4, 4, 1]
    for first in (False, True):
        t_pad, g_pad = TR.pad_sequence(ts, first), GR.pad_sequence(gs, first)
        t_parts = TR.unpad_sequence(t_pad, T.tensor(lengths), first)
        g_parts = GR.unpad_sequence(g_pad, G.tensor(lengths), first)
        for a, b in zip(t_parts, g_parts):
            assert_close(a, b, atol=0)


@pytest.mark.parametrize("side", ["left", "right"])
def test_pad_sequence_sides_values_and_dtype_as_torch(side):
    seqs = [[1, 2], [3, 4, 5], [6]]
    t = TR.pad_sequence([T.tensor(s) for s in seqs], True, 9, side)
    g = GR.pad_sequence([G.tensor(s) for s in seqs], True, 9, side)
    assert g.tolist() == t.tolist() and g.dtype == G.int64
    mixed = [T.ones(2), T.ones(1, dtype=T.float64)], [G.ones(2), G.ones(1, dtype=G.float64)]
    assert TR.pad_sequence(mixed[0]).dtype == T.float32  # the first sequence's dtype
    assert GR.pad_sequence(mixed[1]).dtype == G.float32
    assert GR.pad_sequence(G.ones(2, 3)).tolist() == TR.pad_sequence(T.ones(2, 3)).tolist()


def test_packed_sequence_repr_conversions_and_invert_permutation():
    t = TR.pack_sequence([T.tensor([1.0]), T.tensor([2.0, 3.0])], enforce_sorted=False)
    g = GR.pack_sequence([G.tensor([1.0]), G.tensor([2.0, 3.0])], enforce_sorted=False)
    assert repr(g) == repr(t)
    assert isinstance(g, tuple) and g._fields == t._fields
    assert g.double().data.dtype == G.float64 and g.to(G.float32) is g
    assert g.long().data.tolist() == [2, 1, 3] and not g.is_cuda and not g.is_pinned()
    for name in ("double", "float", "half", "long", "int", "short", "char", "byte"):
        assert getattr(g, name)().data.dtype == getattr(G, str(getattr(t, name)().data.dtype)[6:])
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        g.cuda()
    perm = [3, 0, 2, 1]
    assert (
        GR.invert_permutation(G.tensor(perm)).tolist()
        == TR.invert_permutation(T.tensor(perm)).tolist()
    )
    assert GR.invert_permutation(None) is None
    legacy = GR.PackedSequence((G.ones(3), G.tensor([2, 1])))
    assert repr(legacy) == repr(TR.PackedSequence((T.ones(3), T.tensor([2, 1]))))
    assert GR.__all__ == TR.__all__


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we compare whatever each library raises
        return type(e).__name__, str(e)
    return None


BAD_CALLS = [
    lambda L, R: R.pack_padded_sequence(L.ones(4, 3, 2), [4, 2, 3]),
    lambda L, R: R.pack_padded_sequence(L.ones(4, 3, 2), [4, 3, 0]),
    lambda L, R: R.pack_padded_sequence(L.ones(4, 3, 2), [4, 3]),
    lambda L, R: R.pack_padded_sequence(L.ones(4, 3, 2), L.tensor([[4, 3, 1]])),
    lambda L, R: R.pack_padded_sequence(L.ones(4, 3, 2), [4, 3, -1], enforce_sorted=False),
    lambda L, R: R.pack_padded_sequence(L.ones(3, 2), [0, 3]),
    lambda L, R: R.pack_padded_sequence(L.ones(0, 2), [1, 1]),
    lambda L, R: R.pack_padded_sequence(L.ones(3), [3]),
    lambda L, R: R.pad_packed_sequence(R.pack_sequence([L.ones(3)]), total_length=2),
    lambda L, R: R.pad_sequence([L.ones(2, 3), L.ones(3, 2)]),
    lambda L, R: R.pad_sequence([]),
    lambda L, R: R.pad_sequence([L.ones(2)], padding_side="top"),
    lambda L, R: R.pack_sequence([L.ones(2), L.ones(3)]),
]


@pytest.mark.parametrize("call", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_arguments_raise_torchs_error(call):
    expected = _outcome(lambda: call(T, TR))
    assert expected is not None
    assert _outcome(lambda: call(G, GR)) == expected


def test_lengths_past_the_padding_raise_where_torch_reads_out_of_bounds():
    with pytest.raises(RuntimeError, match="at most the padded sequence length 4, but got 5"):
        GR.pack_padded_sequence(G.ones(4, 3, 2), [5, 3, 1])


LAYERS = [
    ("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 2, "dropout": 0.4}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
    ("RNN", {"nonlinearity": "relu", "bidirectional": True, "batch_first": True}),
    ("LSTM", {}),
]


def _twin_state(layer, batch: int):
    cells = [False, True] if layer.mode == "LSTM" else [False]
    rng = np.random.default_rng(5)
    pairs = [twin_leaves(T, rng.standard_normal(state_shape(layer, (batch,), c))) for c in cells]
    ts, gs = [p[0] for p in pairs], [p[1] for p in pairs]
    if layer.mode == "LSTM":
        return tuple(ts), tuple(gs), ts, gs
    return ts[0], gs[0], ts, gs


@pytest.mark.parametrize(("cls", "kw"), LAYERS)
@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("given_state", [True, False], ids=["hx", "no-hx"])
def test_layers_on_packed_sequences_match_torch_float64(cls, kw, lengths, given_state):
    t, g = twin_layers(T, cls, kw)
    ts, gs = _sequences(lengths)
    sort = lengths == sorted(lengths, reverse=True)
    t_in, g_in = TR.pack_sequence(ts, sort), GR.pack_sequence(gs, sort)
    t_hx, g_hx, t_leaves, g_leaves = (None, None, [], [])
    if given_state:
        t_hx, g_hx, t_leaves, g_leaves = _twin_state(t, len(lengths))
    T.manual_seed(3)
    G.manual_seed(3)
    (t_out, t_state), (g_out, g_state) = t(t_in, t_hx), g(g_in, g_hx)
    assert isinstance(g_out, GR.PackedSequence)
    assert g_out.batch_sizes is g_in.batch_sizes and g_out.unsorted_indices is g_in.unsorted_indices
    t_outs, g_outs = (
        [t_out.data, *as_state_tensors(t_state)],
        [g_out.data, *as_state_tensors(g_state)],
    )
    for a, b in zip(t_outs, g_outs):
        assert_close(a, b, atol=1e-12)
    weights = [np.random.default_rng(9).standard_normal(tuple(x.shape)) for x in t_outs]
    weighted_sum(t_outs, [T.tensor(w) for w in weights]).backward()
    weighted_sum(g_outs, [G.tensor(w) for w in weights]).backward()
    for a, b in zip(ts + t_leaves, gs + g_leaves):
        assert_close(a.grad, b.grad, atol=1e-12)
    assert_same_parameters(t, g, atol=1e-12, grads=True)


def test_packed_output_pads_to_the_padded_forward():
    """The packed run's padded output equals the padded run where the sequences are running."""
    g = twin_layers(T, "GRU", {"bidirectional": False})[1]
    _, gs = _sequences([4, 2])
    out, h = g(GR.pack_sequence(gs))
    padded, lengths = GR.pad_packed_sequence(out, batch_first=True)
    alone = g(gs[1])[0]
    assert_close(alone, padded[1, :2], atol=1e-15)
    assert padded[1, 2:].abs().sum().item() == 0
    assert_close(alone[-1], h[0, 1], atol=1e-15)
