# ruff: noqa: N803, N806 - ``T`` is the module under test; ``A`` a matrix, as in PyTorch docs
"""In-place writes against PyTorch: ``x[key] = value`` and in-place ops through views (CopySlices
and its gradients), the gather/scatter family, refused in-place cases, as_strided, nonzero."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as torch


def _parity(fn, shapes):
    """Run ``fn`` in graphgrad and in PyTorch on the same inputs; compare the values, the top
    node and its next_functions, and the gradients of every input."""
    pt = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(-2, 2, s) for s in shapes]
    seed = None
    results = []
    for T in (torch, pt):
        xs = [T.tensor(a, requires_grad=True) for a in arrays]
        out = fn(T, *xs)
        if seed is None:
            seed = np.random.default_rng(1).standard_normal(tuple(out.shape))
        node = out.grad_fn
        nexts = [(n.name() if n else None, nr) for n, nr in node.next_functions]
        out.backward(T.tensor(seed))
        grads = [None if x.grad is None else x.grad.numpy().copy() for x in xs]
        results.append((out.detach().numpy().copy(), node.name(), nexts, grads))
    (v1, n1, f1, g1), (v2, n2, f2, g2) = results
    np.testing.assert_allclose(v1, v2, rtol=1e-12, atol=1e-12)
    assert (n1, f1) == (n2, f2)
    for got, want in zip(g1, g2, strict=True):
        if want is None:
            assert got is None or not got.any()
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _view_mul(T, a):
    w = a * 1
    w[1:].mul_(2)
    return w


def _view_result(T, a):
    w = a * 1
    v = w[1:]
    v.mul_(2)
    return v


def _two_views(T, x):
    y = x * 1
    y[0].add_(1)
    y.view(-1).mul_(3)
    return y


def _view_times_tensor(T, x, b):
    w = x * 1
    w[:, 1].mul_(b)
    return w


def _transposed_view(T, x):
    w = x * 1
    w.t()[0].mul_(2)
    return w


def _non_contiguous_base(T, x):
    y = x.t() * 2  # NumPy and PyTorch both keep the transposed layout
    y[0].mul_(3)
    return y


def _view_of_view(T, a):
    w = a * 1
    v = w[1:]
    v[0:2].mul_(2)
    return v


def _other_view(T, a):
    w = a * 1
    v1, v2 = w[1:], w[:2]
    v1.mul_(2)
    return v2


def _base_then_view(T, a):
    w = a * 1
    v = w[1:]
    w.mul_(2)
    return v


def _assign_index(T, x, b):
    y = x * 1
    y[[0, 2]] = b
    return y


def _assign_mixed(T, x, b):
    y = x * 1
    y[1:, [0, 2]] = b
    return y


def _assign_from_self(T, a):
    w = a * a
    w[0] = w[1] * 3
    return w


def _assign_twice(T, x):
    y = x * 1
    y[0] = 1.0
    y[1] *= 2
    return y


def _relu_through_view(T, a):
    w = a * 1
    w[1:].relu_()
    return w


def _diagonal_write(T, x):
    y = x * 1
    y.diagonal().mul_(5)
    return y


def _strided_write(T, x):
    y = x * 1
    y.unsqueeze(0)[0, 1:, ::2].sub_(x[1:, ::2] * 2)
    return y


def _select_from_grad(T, x, b):
    y = x * 1
    y[:, 0] = b[0]
    return y


def _masked_fill_inplace(T, x):
    y = x * 1
    y.masked_fill_(x > 0, 0.0)
    return y


def _index_add_on_view(T, x, b):
    y = x * 1
    y[1:].index_add_(0, T.tensor([0, 0]), b)
    return y


def _copy_into_view(T, x, b):
    y = x * 1
    y[:, 1:].copy_(b)
    return y


def _zero_select(T, x):
    y = x * 1
    y.select(1, 2).zero_()
    return y


def _scatter_inplace(T, x, b):
    y = x * 1
    y.scatter_(0, T.tensor([[2, 0, 1, 2]]), b)
    return y


PARITY = [
    (_view_mul, [(3,)]),
    (_view_result, [(3,)]),
    (_two_views, [(3, 4)]),
    (_view_times_tensor, [(3, 4), (3,)]),
    (_transposed_view, [(3, 4)]),
    (_non_contiguous_base, [(3, 4)]),
    (_view_of_view, [(5,)]),
    (_other_view, [(3,)]),
    (_base_then_view, [(3,)]),
    (_assign_index, [(3, 4), (2, 4)]),
    (_assign_mixed, [(3, 4), (2, 2)]),
    (_assign_from_self, [(3,)]),
    (_assign_twice, [(3, 4)]),
    (_relu_through_view, [(4,)]),
    (_diagonal_write, [(3, 4)]),
    (_strided_write, [(3, 4)]),
    (_select_from_grad, [(3, 4), (3,)]),
    (_masked_fill_inplace, [(3, 4)]),
    (_index_add_on_view, [(3, 4), (2, 4)]),
    (_copy_into_view, [(3, 4), (3, 3)]),
    (_zero_select, [(3, 4)]),
    (_scatter_inplace, [(3, 4), (1, 4)]),
]


@pytest.mark.parametrize(("fn", "shapes"), PARITY, ids=[f.__name__ for f, _ in PARITY])
def test_inplace_and_setitem_match_pytorch(fn, shapes):
    _parity(fn, shapes)


def test_write_through_view_gradients():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = a * 1
    v = w[1:]
    v.mul_(2)
    assert w.grad_fn.name() == "torch::autograd::CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    node = v.grad_fn
    assert (node._saved_size, node._saved_stride, node._saved_storage_offset) == ((2,), (1,), 1)
    assert v._base is w and v._version == w._version == 1
    w.sum().backward()
    assert a.grad.tolist() == [1.0, 2.0, 2.0]


def test_copy_slices_double_backward():
    def fn(a, b):
        w = a * a
        w[1:3] = b * b
        w[0].mul_(b[0])
        return w * w

    a = torch.tensor([0.5, -1.0, 1.5, 2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.7, -0.3], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(fn, (a, b))
    assert torch.autograd.gradgradcheck(fn, (a, b))


def test_retain_grad_follows_the_base():
    a = torch.ones(3, requires_grad=True)
    y = a * 1
    y.retain_grad()
    y[1:].mul_(2)
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0, 1.0]
    assert a.grad.tolist() == [1.0, 2.0, 2.0]


def test_inplace_on_multi_output_views_is_refused():
    a = torch.ones(4, requires_grad=True)
    w = a * 1
    with pytest.raises(RuntimeError) as err:
        w.unbind()[0].mul_(2)
    assert str(err.value) == (
        "Output 0 of UnbindBackward0 is a view and is being modified inplace. This view is the "
        "output of a function that returns multiple views. Such functions do not allow the "
        "output views to be modified inplace. You should replace the inplace operation by an "
        "out-of-place one."
    ).replace("UnbindBackward0", "Unbind")
    with pytest.raises(RuntimeError, match="^Output 1 of Split is a view"):
        w.split(2)[1].add_(1)
    z = torch.zeros(4)
    with pytest.raises(RuntimeError, match="^A view was created in no_grad mode and is being"):
        z.split(2)[0].add_(a[:2])
    with torch.no_grad():
        pieces = (a * 1).split(2)
    pieces[0].mul_(2)  # nothing requires grad here: allowed


def test_inplace_on_view_made_under_no_grad_is_refused():
    a = torch.ones(3, requires_grad=True)
    w = a * 1
    with torch.no_grad():
        v = w[1:]
    with pytest.raises(RuntimeError) as err:
        v.mul_(a[1:])
    assert str(err.value) == (
        "A view was created in no_grad mode and is being modified inplace with grad mode "
        "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You "
        "can clarify your code by moving both the view and the inplace either both inside the "
        "no_grad block (if you don't want the inplace to be tracked) or both outside (if you want "
        "the inplace to be tracked)."
    )


def test_inplace_on_expanded_view_is_refused():
    a = torch.ones(3, requires_grad=True)
    e = (a * 1)[:1].expand(3)
    with pytest.raises(RuntimeError) as err:
        e.add_(a)
    assert str(err.value) == (
        "unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location. Please clone() the tensor before performing the operation."
    )


def test_as_strided_public():
    x = torch.arange(12.0, requires_grad=True)
    y = torch.as_strided(x.view(3, 4), (2, 2), (1, 4), 1)
    assert y.tolist() == [[1.0, 5.0], [2.0, 6.0]] and y.grad_fn.name() == "AsStridedBackward0"
    overlap = torch.as_strided(torch.arange(4.0, requires_grad=True), (3, 2), (1, 1))
    overlap.sum().backward()
    leaf = overlap.grad_fn.next_functions[0][0].variable
    assert leaf.grad.tolist() == [1.0, 2.0, 2.0, 1.0]
    with pytest.raises(RuntimeError, match="^setStorage: sizes \\[3, 4\\], strides \\[4, 1\\]"):
        torch.as_strided(torch.ones(3, 4), (3, 4), (4, 1), 1)


def test_nonzero_and_argwhere():
    x = torch.tensor([[0.0, 1.0], [2.0, 0.0]])
    assert torch.nonzero(x).tolist() == [[0, 1], [1, 0]]
    assert [t.tolist() for t in torch.nonzero(x, as_tuple=True)] == [[0, 1], [1, 0]]
    assert torch.nonzero(torch.tensor(3.0)).shape == (1, 0)
    assert torch.argwhere(x).dtype == torch.int64


def test_inplace_index_ops_keep_their_nodes():
    x = torch.ones(3, 4, requires_grad=True)
    y = x * 1
    assert y.masked_fill_(x > 0, 2.0).grad_fn.name() == "MaskedFillBackward0"
    assert y.index_add_(0, torch.tensor([1]), torch.ones(1, 4)).grad_fn.name() == (
        "IndexAddBackward0"
    )
    assert y.scatter_(0, torch.tensor([[0]]), 5.0).grad_fn.name() == "ScatterBackward1"
    assert y._version == 3
