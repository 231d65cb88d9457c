# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""Tensor hooks, retain_grad, post-accumulate hooks and node hooks: order and semantics as in
PyTorch (spec §3.15), with the same scenarios replayed on torch where it is installed."""

from __future__ import annotations

import pytest

import graphgrad


def _order_scenario(T):
    """Every kind of hook on one small graph; returns the log of calls and the grads."""
    log = []
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: log.append(("h1", g.tolist())) or g * 10)
    y.retain_grad()
    y.register_hook(lambda g: log.append(("h2", g.tolist())))
    y.grad_fn.register_prehook(lambda go: log.append(("pre", [t.tolist() for t in go])))
    y.grad_fn.register_hook(
        lambda gi, go: log.append(
            ("post", [None if t is None else t.tolist() for t in gi], [t.tolist() for t in go])
        )
    )
    x.register_hook(lambda g: log.append(("leaf", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda p: log.append(("acc", p.grad.tolist())))
    y.sum().backward()
    return log, y.grad.tolist(), x.grad.tolist()


def test_hook_order():
    log, y_grad, x_grad = _order_scenario(graphgrad)
    assert log == [
        ("h1", [1.0, 1.0]),  # tensor hooks in registration order...
        ("h2", [10.0, 10.0]),
        ("pre", [[10.0, 10.0]]),  # ...then the node's pre-hooks, the node, its hooks
        ("post", [[20.0, 20.0], None], [[10.0, 10.0]]),
        ("leaf", [20.0, 20.0]),  # a leaf's hooks run before accumulation
        ("acc", [20.0, 20.0]),  # and post-accumulate hooks after it
    ]
    assert y_grad == [10.0, 10.0]  # retain_grad runs last: it sees the hooked value
    assert x_grad == [20.0, 20.0]


def test_hook_order_parity():
    torch = pytest.importorskip("torch")
    assert _order_scenario(graphgrad) == _order_scenario(torch)


def test_hook_replaces_and_handle_removes():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 2)
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    h.remove()
    h.remove()  # removing twice is harmless
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with x.register_hook(lambda g: g * 100):
        pass  # the handle also works as a context manager that removes on exit
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_hooks_chain_in_order_and_fire_once_per_tensor():
    x = graphgrad.tensor([1.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.item()) or g * 2)
    x.register_hook(lambda g: seen.append(g.item()) or g * 10)
    (x * 2 + x * 3).sum().backward()  # two uses: the hook sees the summed gradient once
    assert seen == [5.0, 10.0] and x.grad.item() == 100.0


def test_leaf_hook_registered_before_any_graph_survives():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 0)
    import gc

    gc.collect()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_hooks_in_autograd_grad():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 5)
    assert graphgrad.autograd.grad((y * 3).sum(), y)[0].tolist() == [15.0, 15.0]
    y2 = x * 2
    y2.retain_grad()
    graphgrad.autograd.grad((y2 * 3).sum(), x)
    assert y2.grad.tolist() == [3.0, 3.0]  # retain_grad fills .grad under autograd.grad too
    calls = []
    x.register_post_accumulate_grad_hook(lambda p: calls.append(1))
    graphgrad.autograd.grad((x * 3).sum(), x)
    assert calls == []  # nothing is accumulated by autograd.grad


def test_hook_errors():
    def backward_error(hook):
        x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(hook)
        with pytest.raises((RuntimeError, TypeError)) as err:
            (x * 2).sum().backward()
        return type(err.value), str(err.value)

    def myhook(g):
        return g.sum()

    assert backward_error(myhook) == (RuntimeError, "hook 'myhook' has changed the size of value")
    assert backward_error(lambda g: g.double()) == (
        RuntimeError,
        "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
        "torch.DoubleTensor)",
    )
    assert backward_error(lambda g: 3) == (TypeError, "expected Variable, but hook returned 'int'")
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't"):
        graphgrad.ones(2).register_hook(lambda g: g)


def test_node_hook_may_replace_and_is_checked():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 100, None))
    y.sum().backward()
    assert x.grad.tolist() == [200.0, 200.0]
    x.grad = None
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0] * 7,))
    y.sum().backward()
    assert x.grad.tolist() == [14.0, 14.0]
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0], go[0]))
    with pytest.raises(
        RuntimeError,
        match=r"hook '<lambda>' has returned an incorrect number of "
        r"values \(got 2, but expected 1\)",
    ):
        y.sum().backward()


def test_accumulate_grad_node_hooks():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    acc = (x * 1).grad_fn.next_functions[0][0]
    log = []
    acc.register_prehook(lambda go: log.append(("pre", go[0].tolist())))
    acc.register_hook(lambda gi, go: log.append(("post", gi, go[0].tolist())))
    (x * 3).sum().backward()
    assert log == [("pre", [3.0, 3.0]), ("post", (), [3.0, 3.0])]


def test_post_accumulate_grad_hook():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert seen == [[2.0, 2.0], [5.0, 5.0]]
    x.register_post_accumulate_grad_hook(lambda p: 1)
    with pytest.raises(RuntimeError, match="Tensor post accumulate grad hooks should return None."):
        (x * 2).sum().backward()
    with pytest.raises(
        RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf tensors"
    ):
        (x * 2).register_post_accumulate_grad_hook(lambda p: None)


def _retain_after_inplace(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    log = []
    y.register_hook(lambda g: log.append(g.tolist()))
    y.mul_(3)
    y.register_hook(lambda g: log.append(("new", g.tolist())))
    y.sum().backward()
    return y.grad.tolist(), log, x.grad.tolist()


def test_retain_grad_follows_inplace_but_old_hooks_stay():
    # retain_grad now reports the final y's gradient; the hook registered before mul_ sees the
    # gradient of y's old value, the one registered after sees the new one.
    assert _retain_after_inplace(graphgrad) == (
        [1.0, 1.0],
        [("new", [1.0, 1.0]), [3.0, 3.0]],
        [6.0, 6.0],
    )


def test_retain_grad_parity():
    torch = pytest.importorskip("torch")
    assert _retain_after_inplace(graphgrad) == _retain_after_inplace(torch)


def test_retain_grad_with_create_graph_keeps_graph():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x**2
    y.retain_grad()
    (gx,) = graphgrad.autograd.grad((y**2).sum(), x, create_graph=True)
    assert y.grad.tolist() == [2.0, 8.0] and y.grad.grad_fn.name() == "CloneBackward0"
    assert gx.tolist() == [4.0, 32.0]


def _execution_order(T) -> list:
    """The order in which backward runs the nodes of a graph with chains, forks and joins:
    node pre-hooks log function nodes, post-accumulate hooks the four leaves."""
    log = []
    leaves = [T.tensor([0.5, -1.0], requires_grad=True) for _ in range(4)]
    for i, leaf in enumerate(leaves):
        leaf.register_post_accumulate_grad_hook(lambda p, i=i: log.append(i))
    a, b, c, d = leaves
    h = (a * 2).tanh()  # a chain (one ready node at a time: handed on directly)
    u, v = h * b, h + c  # a fork
    w = (u.exp() + v.sigmoid()) * d  # a join
    out = w.sum() + (a * c).sum()
    stack, seen = [out.grad_fn], set()
    while stack:  # every function node logs its name when it runs
        node = stack.pop()
        if node is None or node in seen or not hasattr(node, "register_prehook"):
            continue
        seen.add(node)
        name = node.name()
        if "AccumulateGrad" not in name:
            node.register_prehook(lambda go, name=name: log.append(name))
        stack.extend(n for n, _ in node.next_functions)
    out.backward()
    return log


def test_execution_order_matches_torch():
    torch = pytest.importorskip("torch")
    assert _execution_order(graphgrad) == _execution_order(torch)
