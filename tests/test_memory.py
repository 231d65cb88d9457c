"""Memory: saved tensors and gradients are freed as soon as backward is done with them, and a
long training loop runs in flat memory (a leak of one small object per step fails the test)."""

from __future__ import annotations

import gc
import sys
import tracemalloc
import weakref

import numpy as np
import pytest

import graphgrad as torch
import graphgrad.nn.functional as F
from graphgrad import nn, optim


def _training_step_fn(batch: int = 128):
    """W5's training step (Linear, ReLU, cross-entropy, SGD) on a small MLP, so that 10,000
    steps take seconds."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 4))  # fmt: skip
    opt = optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((batch, 16)).astype(np.float32))
    y = torch.tensor(rng.integers(0, 4, batch))

    def step() -> float:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def test_training_loop_memory_is_flat():
    # sys.getallocatedblocks counts every live small object (tensors, nodes, tuples, dicts and
    # the ndarray headers), without tracemalloc's slowdown.
    step = _training_step_fn()
    first = step()
    for _ in range(499):  # warm-up: lazily created state reaches its size
        step()
    gc.collect()
    blocks_before = sys.getallocatedblocks()
    objects_before = len(gc.get_objects())
    for _ in range(9_500):
        last = step()
    gc.collect()
    grown = sys.getallocatedblocks() - blocks_before
    assert last < first  # it trained
    # A leak of one object per step would add 9,500 blocks.
    assert grown < 500, f"{grown} more live blocks after 9,500 steps"
    assert len(gc.get_objects()) - objects_before < 50


def test_saved_tensors_are_freed_after_backward():
    x = torch.ones(1000, requires_grad=True)
    h = x.exp()  # ExpBackward0 saves its result
    y = (h * 2).sum()
    ref = weakref.ref(h._data)
    del h
    assert ref() is not None  # the graph holds it until backward
    y.backward()
    assert ref() is None  # freed by backward (y and its graph are still alive)
    assert y.grad_fn is not None


def test_retain_graph_keeps_saved_tensors_until_last_backward():
    x = torch.ones(10, requires_grad=True)
    h = x.exp()
    y = h.sum()
    ref = weakref.ref(h._data)
    del h
    y.backward(retain_graph=True)
    assert ref() is not None
    y.backward()
    assert ref() is None
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.e * np.ones(10), rtol=1e-6)


def test_gradients_are_dropped_once_consumed():
    # A chain of 30 multiplications of a 4 MB tensor: if the engine kept each node's incoming
    # gradient until the end, backward would peak near 30 x 4 MB.
    n = 1_000_000
    x = torch.ones(n, requires_grad=True)
    y = x
    for _ in range(30):
        y = y * 1.5  # saves only the scalar: the forward keeps no array alive either
    loss = y.sum()
    gc.collect()
    tracemalloc.start()
    try:
        loss.backward()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 4 * n, f"backward peaked at {peak / 2**20:.1f} MiB"
    np.testing.assert_allclose(x.grad.numpy()[:3], [1.5**30] * 3, rtol=1e-5)


def test_long_chain_is_freed_without_recursion():
    # 40,000 nodes: building, backward and freeing the graph all run without recursion.
    x = torch.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None
    assert x.grad.item() == 1.0


def test_leaf_gradients_never_alias_other_tensors():
    # The engine stores a new gradient as .grad without a copy only when nothing else holds it:
    # a gradient passed through (x + y), the caller's own tensor, or a view is copied.
    x = torch.ones(3, requires_grad=True)
    y = torch.ones(3, requires_grad=True)
    seed = torch.ones(3)
    (x + y).backward(seed)
    (x + y).backward(seed)  # accumulates in place into x.grad and y.grad
    assert not np.shares_memory(x.grad._data, y.grad._data)
    assert not np.shares_memory(x.grad._data, seed._data)
    np.testing.assert_array_equal(seed.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
    a = torch.ones(2, 2, requires_grad=True)
    b = torch.ones(2, 2, requires_grad=True)
    (a @ b).sum().backward()  # mm's rules make new arrays: they become the .grad tensors
    (a @ b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.full((2, 2), 4.0))
    np.testing.assert_array_equal(b.grad.numpy(), np.full((2, 2), 4.0))


# -- nodes share dicts of plain saved values (primitive._shared_values) ------------------------


def test_nodes_with_equal_plain_values_share_one_dict():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 0.9, x * 0.9
    assert a.grad_fn._saved is b.grad_fn._saved
    assert (x + 1).grad_fn._saved is (x + 1).grad_fn._saved


def test_shared_values_keep_their_type_and_sign():
    # 1, 1.0 and True are equal keys, and 0.0 == -0.0: none may borrow another's dict
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    shown = [(x * v).grad_fn._saved_other for v in (1, 1.0, 0.0, -0.0)]
    assert [t.dtype for t in shown] == [torch.int64, torch.float64, torch.float64, torch.float64]
    assert [np.signbit(t.item()) for t in shown[2:]] == [False, True]
    (x * -0.0).sum().backward()
    assert np.signbit(x.grad.numpy()).tolist() == [True, True]


def test_release_does_not_touch_a_shared_dict():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 0.9, x * 0.9
    a.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        a.sum().backward()
    assert b.grad_fn._saved_other.item() == pytest.approx(0.9)
    b.sum().backward()
    assert x.grad.tolist() == pytest.approx([1.8, 1.8])
