"""A generator's cheap snapshot (graphgrad.compile's check): the whole state, put back exactly."""

import numpy as np

import graphgrad as torch


def test_snapshot_restores_the_stream_the_normal_cache_and_the_seed():
    g = torch.Generator().manual_seed(3)
    torch.randn(3, generator=g)  # leaves a cached normal (the scalar path draws pairs)
    snap, state = g._snapshot(), g.get_state()
    want = [torch.randn(5, generator=g), torch.rand(700, generator=g)]
    g.manual_seed(9)
    g._restore(snap)
    assert np.array_equal(g.get_state().numpy(), state.numpy())
    got = [torch.randn(5, generator=g), torch.rand(700, generator=g)]
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(got, want))


def test_snapshots_are_equal_exactly_when_the_states_are():
    g = torch.Generator().manual_seed(0)
    first = g._snapshot()
    assert g._snapshot()[:3] == first[:3]
    g.random_uint32(1)
    assert g._snapshot()[:3] != first[:3]
    g._restore(first)
    assert g._snapshot()[:3] == first[:3]


def test_snapshot_holds_numpys_engine_state():
    g = torch.Generator().manual_seed(5)
    g.random_uint32(10)
    (raw, _), *_ = g._snapshot()
    state = g._mt._bits.state["state"]
    assert np.frombuffer(raw[:-4], np.uint32).tolist() == state["key"].tolist()
    assert int.from_bytes(raw[-4:], "little") == state["pos"]
