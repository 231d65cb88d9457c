# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""In-place ops: rebasing onto the op's node, version counters shared by views, the errors
PyTorch gives (spec §2.2, §3.9, §3.10), and gradients checked against torch and against
finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

OPS = [
    "add_(b, alpha=2)",
    "sub_(1)",
    "mul_(b)",
    "div_(2)",
    "pow_(2)",
    "zero_()",
    "fill_(2.)",
    "clamp_(0, 1)",
    "clamp_(min=0)",
    "relu_()",
    "sigmoid_()",
    "copy_(b)",
    "copy_(b64)",
    "neg_()",
    "exp_()",
    "tanh_()",
    "abs_()",
]


def _run_inplace(T, op: str):
    a = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = T.tensor([3.0, 4.0, 5.0], requires_grad=True)
    b64 = T.tensor([3.0, 4.0, 5.0], dtype=T.float64, requires_grad=True)
    y = a * 1
    r = eval("y." + op, {"y": y, "b": b, "b64": b64})
    assert r is y
    name = type(y.grad_fn).__name__
    nexts = [(None if n is None else type(n).__name__, i) for n, i in y.grad_fn.next_functions]
    (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    grads = [None if t.grad is None else t.grad.tolist() for t in (a, b, b64)]
    return name, nexts, y._version, y.tolist(), grads


@pytest.mark.parametrize("op", OPS)
def test_inplace_op_rebases(op):
    name, nexts, version, _, grads = _run_inplace(graphgrad, op)
    assert version == 1
    assert nexts[0] == ("MulBackward0", 0)
    assert grads[0] is not None


@pytest.mark.parametrize("op", OPS)
def test_inplace_op_parity(op):
    torch = pytest.importorskip("torch")
    ours, theirs = _run_inplace(graphgrad, op), _run_inplace(torch, op)
    assert ours[0].removeprefix("torch::autograd::") == theirs[0]
    assert ours[1] == theirs[1] and ours[2] == theirs[2]
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-6)
    for g, h in zip(ours[4], theirs[4], strict=False):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(g, h, rtol=1e-5)


def test_inplace_gradients_match_finite_differences():
    def f(x, w):
        y = x * 1
        y.mul_(w)  # saves the old y (a clone) for w's gradient
        y.add_(w, alpha=0.5)
        y.pow_(2)
        y.sigmoid_()  # saves its own output
        return y

    x = graphgrad.tensor([0.3, -0.7, 1.1], dtype=graphgrad.float64, requires_grad=True)
    w = graphgrad.tensor([0.9, 0.4, -0.2], dtype=graphgrad.float64, requires_grad=True)
    assert graphgrad.autograd.gradcheck(f, (x, w))
    assert graphgrad.autograd.gradgradcheck(f, (x, w))


def test_versions_shared_by_views_and_detach_but_not_data():
    x = graphgrad.tensor([1.0, 2.0, 3.0, 4.0])
    v = x.view(2, 2)
    d = x.detach()
    v.add_(1)
    assert x._version == v._version == d._version == 1
    d.zero_()
    assert x._version == 2
    x.data.mul_(10)
    assert x._version == 2  # .data writes are not counted


def test_leaf_and_view_of_leaf_errors():
    a = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    for op in ("add_(1)", "zero_()", "fill_(1)", "copy_(graphgrad.ones(2))", "mul_(2)", "relu_()"):
        with pytest.raises(
            RuntimeError,
            match="^a leaf Variable that requires grad is being used in an in-place operation.$",
        ):
            eval("a." + op, {"a": a, "graphgrad": graphgrad})
    with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad"):
        a.view(2).add_(1)
    with pytest.raises(RuntimeError, match="^a view of a leaf Variable that requires grad"):
        a[0] = 5.0
    with graphgrad.no_grad():
        a.sub_(0.5)
    assert a.requires_grad and a.is_leaf and a.tolist() == [0.5, 1.5] and a._version == 1


def test_modified_saved_tensor_error():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y**2
    y.add_(1)
    with pytest.raises(RuntimeError) as err:
        z.sum().backward()
    assert str(err.value) == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [2]], which is output 0 of Add, is at version 1; expected "
        "version 0 instead. Hint: enable anomaly detection to find the operation that failed to "
        "compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )
    e = x.exp()
    e.detach().zero_()
    with pytest.raises(RuntimeError, match=r"which is output 0 of Exp, is at version 1"):
        e.sum().backward()
    y = x + 1
    y.relu_()  # relu_ saves its own output: no error
    y.sum().backward()


def test_setitem_copyslices_and_inplace_through_views():
    a = graphgrad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = a * 2
    y[0] = 5.0
    assert type(y.grad_fn).__name__ == "CopySlices" and y._version == 1
    y.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 2.0]
    z = graphgrad.zeros(3)
    z[0] = a[0] * 3
    assert z.requires_grad
    a.grad = None
    z.sum().backward()
    assert a.grad.tolist() == [3.0, 0.0, 0.0]
    w = a.view(3) * 1
    v = w[1:]
    v.mul_(2)
    assert w._version == v._version == 1
    a.grad = None
    w.sum().backward()
    assert a.grad.tolist() == [1.0, 2.0, 2.0]


def test_inplace_ops_on_integer_tensor_and_dtype_errors():
    i = graphgrad.tensor([1, 2])
    i.add_(1)
    assert i.tolist() == [2, 3] and i._version == 1
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        i.add_(1.5)
    with pytest.raises(
        RuntimeError,
        match=r"output with shape \[3\] doesn't match the "
        r"broadcast shape \[2, 3\]",
    ):
        graphgrad.ones(3).add_(graphgrad.ones(2, 3))
