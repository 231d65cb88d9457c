"""torch.autograd.graph's saved-tensor hooks: what is packed, when it is unpacked, and the
errors, as torch does them (thread-locality is in test_threads.py)."""

from __future__ import annotations

import pytest

import graphgrad

graph = graphgrad.autograd.graph


def _story(T) -> list:
    """What a program sees of the hooks: packs, unpacks and gradients, as plain values."""
    seen: list = []
    log: list = []

    def pack(t):
        log.append(("pack", tuple(t.shape)))
        return ("packed", t)

    def unpack(p):
        log.append("unpack")
        return p[1]

    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        z = (x * x).sqrt()  # x twice, then sqrt's result (sqrt: the same bits on every CPU)
    seen += [list(log), z.grad_fn._saved_result.tolist(), list(log)]  # reading it unpacks
    log.clear()
    z.sum().backward()
    seen += [list(log), x.grad.tolist()]
    # what the unpack hook returns is what backward uses
    with T.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t * 0 + 1):
        (x * x).sum().backward()
    seen.append(x.grad.tolist())
    # no in-place check: the hooks own the value
    x.grad = None
    with T.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        a = x.clone()
        b = a * a
    a.add_(1)
    b.sum().backward()
    seen.append(x.grad.tolist())
    # the innermost hooks win; nothing is saved under no_grad
    log.clear()
    with T.autograd.graph.saved_tensors_hooks(lambda t: ("outer", t), lambda p: p[1]):
        with T.autograd.graph.saved_tensors_hooks(lambda t: ("inner", t), lambda p: p[1]):
            y = x.sqrt()
            with T.no_grad():
                x * x
    seen.append(y.grad_fn._saved_result.tolist())

    # custom Functions' save_for_backward goes through them too
    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t * t

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return 2 * t * g

    log.clear()
    x.grad = None
    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        s = Square.apply(x).sum()
    s.backward()
    seen += [list(log), x.grad.tolist()]
    with T.autograd.graph.save_on_cpu():
        y = (x * x).sum()
    y.backward()
    seen.append(x.grad.tolist())
    return seen


def test_hooks_pack_and_unpack_as_in_torch():
    torch = pytest.importorskip("torch")
    assert _story(graphgrad) == _story(torch)


def test_hooks_pack_each_saved_tensor_and_unpack_at_backward():
    seen = _story(graphgrad)
    assert seen[0] == [("pack", (2,))] * 3
    assert seen[2] == [("pack", (2,))] * 3 + ["unpack"]
    assert seen[3] == ["unpack"] * 3
    assert seen[4] == [1.0, 1.0]
    assert seen[5] == [3.0, 3.0]  # x.grad + 2 (the unpack hook's ones)
    assert seen[6] == [4.0, 6.0]  # 2 * (x + 1): the modified a, unchecked
    assert seen[8] == [("pack", (2,)), "unpack"]
    assert seen[9:] == [[2.0, 4.0], [4.0, 8.0]]


def test_hook_errors_as_in_torch():
    x = graphgrad.ones(2, requires_grad=True)
    with graph.saved_tensors_hooks(lambda t: 5, lambda p: 7):
        y = x.exp()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor but got result "
                                        "of type int"):  # fmt: skip
        y.sum().backward()
    with pytest.raises(RuntimeError, match="^no hooks here$"):
        with graph.disable_saved_tensors_hooks("no hooks here"), graph.save_on_cpu():
            pass
    with pytest.raises(RuntimeError, match="^not now$"):
        with graph.save_on_cpu(), graph.disable_saved_tensors_hooks("not now"):
            pass
    with graph.save_on_cpu():  # usable again after both errors
        (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_a_compiled_function_runs_eagerly_under_hooks():
    packed: list = []
    w = graphgrad.ones(2, requires_grad=True)
    step = graphgrad.compile(lambda: (w * w).sum().backward())
    step()
    step()  # replayed: no hooks then
    with graph.saved_tensors_hooks(lambda t: packed.append(t) or t, lambda t: t):
        step()
    assert len(packed) == 2
    assert w.grad.tolist() == [6.0, 6.0]


def test_an_inference_tensor_is_refused_before_packing():
    with graphgrad.inference_mode():
        a = graphgrad.ones(2)
    packed: list = []
    w = graphgrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="^Inference tensors cannot be saved for backward"):
        with graph.saved_tensors_hooks(lambda t: packed.append(t) or t, lambda t: t):
            w * a
    assert packed == []
