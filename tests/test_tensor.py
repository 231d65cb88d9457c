"""Tensor semantics with PyTorch's exact messages: requires_grad rules, .grad of non-leaves,
retain_grad, detach, .data, in-place checks and versions, dtype promotion, conversions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as torch


def _message(fn) -> str:
    with pytest.raises(Exception) as err:
        fn()
    return str(err.value)


def test_requires_grad_on_integer_tensors_three_texts():
    assert _message(lambda: torch.tensor(7, requires_grad=True)) == (
        "Only Tensors of floating point and complex dtype can require gradients"
    )
    assert _message(lambda: torch.ones(3, dtype=torch.long, requires_grad=True)) == (
        "Only Tensors of floating point and complex dtype can require gradients"
    )
    assert _message(lambda: torch.arange(3).requires_grad_()) == (
        "only Tensors of floating point dtype can require gradients"
    )
    t = torch.arange(3)
    with pytest.raises(RuntimeError) as err:
        t.requires_grad = True
    assert str(err.value) == (
        "only Tensors of floating point and complex dtype can require gradients"
    )


def test_requires_grad_flag_on_non_leaf():
    y = torch.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="^you can only change requires_grad flags of leaf"):
        y.requires_grad = False
    t = torch.ones(2)
    assert t.requires_grad_() is t and t.requires_grad
    assert repr(t) == "tensor([1., 1.], requires_grad=True)"


def test_grad_of_non_leaf_warns_and_is_none():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None
    assert y.retains_grad is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.tensor(1.0).grad is None


def test_retain_grad():
    x = torch.tensor(7.0, requires_grad=True)
    y = x**2
    y.retain_grad()
    z = y * 3
    z.retain_grad()
    z.backward()
    assert (y.grad.item(), z.grad.item(), x.grad.item()) == (3.0, 1.0, 42.0)
    assert y.retains_grad
    x.retain_grad()  # no-op on a leaf
    assert _message(lambda: torch.tensor(1.0).retain_grad()) == (
        "can't retain_grad on Tensor that has requires_grad=False"
    )


def test_detach_shares_storage_and_version():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    d.numpy()[0] = 100
    assert y.tolist() == [100.0, 4.0]
    e = x.exp()
    e.detach().zero_()
    assert _message(lambda: e.sum().backward()) == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [2]], which is output 0 of Exp, is at version 1; expected "
        "version 0 instead. Hint: enable anomaly detection to find the operation that failed to "
        "compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def test_data_is_untracked():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.data is not x.data and not x.data.requires_grad
    y = x * x
    x.data.mul_(10)
    assert x._version == 0
    y.sum().backward()
    assert x.grad.tolist() == [20.0, 40.0]
    x.data = torch.tensor([5.0, 6.0, 7.0])
    assert x.is_leaf and x.requires_grad and x.shape == (3,)
    w = torch.tensor([1.0], requires_grad=True)
    (w * 2).sum().backward()
    w.data -= 0.01 * w.grad.data
    assert w.grad.item() == 2.0 and abs(w.item() - 0.98) < 1e-7


def test_inplace_on_leaf_errors():
    x = torch.ones(3, requires_grad=True)
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.sub_(1)):
        assert _message(op) == (
            "a leaf Variable that requires grad is being used in an in-place operation."
        )

    def iadd():
        y = x
        y += 1

    assert "leaf Variable" in _message(iadd)
    with torch.no_grad():
        x.sub_(0.5)
    assert x.requires_grad and x.tolist() == [0.5, 0.5, 0.5] and x._version == 1


def test_inplace_rebases_grad_fn_and_bumps_version():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * 2
    y.add_(1)
    assert (y.grad_fn.name(), y._version) == ("AddBackward0", 1)
    assert y.grad_fn.next_functions[0][0].name() == "MulBackward0"
    y.mul_(3)
    y += 1
    y.relu_()
    y.sigmoid_()
    assert (y.grad_fn.name(), y._version) == ("SigmoidBackward0", 5)
    # relu_ saved its output, which sigmoid_ then overwrote: PyTorch refuses, and so do we.
    assert "which is output 0 of Relu, is at version 5; expected version 4" in _message(
        lambda: y.sum().backward()
    )
    b = torch.tensor([-0.5, 0.1, 0.2], requires_grad=True)
    y = b * 2
    y.add_(1)
    y.mul_(0.3)
    y.sigmoid_()
    y.sum().backward()
    s = 1 / (1 + np.exp(-((np.array([-0.5, 0.1, 0.2]) * 2 + 1) * 0.3)))
    np.testing.assert_allclose(b.grad.numpy(), s * (1 - s) * 0.6, rtol=1e-5)


def test_inplace_op_that_needs_the_old_value():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    m = a * 1
    m.mul_(b)
    m.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0] and b.grad.tolist() == [1.0, 2.0, 3.0]


def test_zero_fill_copy_nodes():
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert (a * 1).zero_().grad_fn.name() == "ZeroBackward0"
    assert (a * 1).fill_(2).grad_fn.name() == "FillBackward2"
    z = torch.zeros(3)
    z.copy_(a)
    assert z.grad_fn.name() == "torch::autograd::CopyBackwards" and z.requires_grad
    (z * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0]


def test_saved_tensor_modified_in_place():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y**2
    y.add_(1)
    assert (
        "[torch.FloatTensor [2]], which is output 0 of Add, is at version 1; expected "
        "version 0 instead." in _message(lambda: z.sum().backward())
    )
    y = x.sigmoid()
    y.mul_(2)
    assert "which is output 0 of Sigmoid, is at version 1" in _message(lambda: y.sum().backward())
    y = x + 1
    y.relu_()
    y.sum().backward()
    s = torch.tensor(2.0, requires_grad=True) * 1
    t = s**2
    s.add_(1)
    assert "[torch.FloatTensor []], which is output 0 of Add" in _message(t.backward)
    w = torch.ones(3, 4, requires_grad=True)
    h = (torch.ones(2, 3, requires_grad=True) @ w).sum()
    with torch.no_grad():
        w.add_(1)
    assert _message(h.backward) == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [3, 4]] is at version 1; expected version 0 instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


def test_inplace_result_errors():
    assert _message(lambda: torch.tensor([1, 2]).add_(1.5)) == (
        "result type Float can't be cast to the desired output type Long"
    )
    assert _message(lambda: torch.ones(3).add_(torch.ones(2, 3))) == (
        "output with shape [3] doesn't match the broadcast shape [2, 3]"
    )


@pytest.mark.parametrize(
    ("make", "dtype"),
    [
        (lambda: torch.tensor(7.0), torch.float32),
        (lambda: torch.tensor(7), torch.int64),
        (lambda: torch.tensor([1, 2.0]), torch.float32),
        (lambda: torch.tensor(True), torch.bool),
        (lambda: torch.arange(5), torch.int64),
        (lambda: torch.arange(5.0), torch.float32),
        (lambda: torch.arange(0, 1, 0.25), torch.float32),
        (lambda: torch.linspace(0, 1, 3), torch.float32),
        (lambda: torch.ones(2, dtype=torch.float32) * 2.5, torch.float32),
        (lambda: torch.ones(2, dtype=torch.float16) + 1.5, torch.float16),
        (lambda: torch.ones(2, dtype=torch.int32) + 1, torch.int32),
        (lambda: torch.ones(2, dtype=torch.int64) * 2, torch.int64),
        (lambda: torch.ones(2, dtype=torch.bool) + 1, torch.int64),
        (lambda: torch.tensor([1, 2]) + 1.5, torch.float32),
        (lambda: torch.tensor([1, 2]) / 2, torch.float32),
        (lambda: torch.tensor([1, 2]) // 2, torch.int64),
        (lambda: torch.ones(2, dtype=torch.int32) + torch.ones(2, dtype=torch.int64), torch.int64),
        (lambda: torch.ones(2) + torch.ones(2, dtype=torch.float64), torch.float64),
        (lambda: torch.ones(2, dtype=torch.bool) + torch.ones(2, dtype=torch.bool), torch.bool),
        (lambda: torch.ones(2) + torch.tensor(1.0, dtype=torch.float64), torch.float32),
        (lambda: torch.tensor([1, 2]) + torch.tensor(1.0, dtype=torch.float64), torch.float64),
        (lambda: torch.tensor(1.0) + torch.tensor(1.0, dtype=torch.float64), torch.float64),
        (lambda: torch.from_numpy(np.ones(2)), torch.float64),
        (lambda: torch.tensor(np.float64(1.5)), torch.float64),
        (lambda: torch.ones(2) * np.float64(2), torch.float32),
        (lambda: torch.tensor([1, 2]) ** 2, torch.int64),
        (lambda: torch.tensor([1, 2]) ** 0.5, torch.float32),
        (lambda: torch.ones(2, dtype=torch.int32).sum(), torch.int64),
        (lambda: torch.tensor([1, 2]) > 1, torch.bool),
    ],
)
def test_dtype_promotion(make, dtype):
    assert make().dtype is dtype


def test_promotion_values_and_errors():
    assert repr(torch.tensor([1, 2]) + 1.5) == "tensor([2.5000, 3.5000])"
    assert repr(torch.tensor([1, 2]) / 2) == "tensor([0.5000, 1.0000])"
    assert repr(torch.tensor([True, True]).sum()) == "tensor(2)"
    assert _message(lambda: torch.tensor([1, 2]) ** -1) == (
        "Integers to negative integer powers are not allowed."
    )
    assert _message(lambda: torch.tensor([1, 2]).mean()) == (
        "mean(): could not infer output dtype. Input dtype must be either a floating point or "
        "complex dtype. Got: Long"
    )


def test_conversions():
    assert _message(lambda: float(torch.ones(2))) == (
        "only one element tensors can be converted to Python scalars"
    )
    assert _message(lambda: torch.ones(2).item()) == (
        "a Tensor with 2 elements cannot be converted to Scalar"
    )
    assert _message(lambda: bool(torch.ones(2))) == (
        "Boolean value of Tensor with more than one value is ambiguous"
    )
    assert _message(lambda: torch.ones(2, requires_grad=True).numpy()) == (
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    )
    assert _message(lambda: len(torch.tensor(1.0))) == "len() of a 0-d tensor"
    assert torch.tensor(2.5).item() == 2.5 and int(torch.tensor(3)) == 3
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        torch.tensor(torch.ones(2))


def test_memory_sharing():
    a = np.zeros(3, np.float32)
    t = torch.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5 if hasattr(torch.Tensor, "__getitem__") else t.tolist()[0] == 5
    c = torch.tensor(a)
    a[1] = 7
    assert c.tolist()[1] == 0
    assert t.numpy() is a


def test_to_and_conversion_methods():
    a = torch.ones(2, requires_grad=True)
    assert a.float() is a and a.to(torch.float32) is a and a.contiguous() is a
    d = a.double()
    assert d.dtype is torch.float64 and d.grad_fn.name() == "ToCopyBackward0"
    assert a.long().dtype is torch.int64 and a.int().dtype is torch.int32
    assert a.bool().dtype is torch.bool and a.type_as(d).dtype is torch.float64
    assert a.type() == "torch.FloatTensor" and a.cpu() is a


def test_attributes():
    t = torch.zeros(2, 3)
    assert t.shape == (2, 3) and t.size() == torch.Size([2, 3]) and t.size(-1) == 3
    assert repr(t.shape) == "torch.Size([2, 3])"
    assert t.dim() == t.ndim == 2 and t.numel() == 6
    assert str(t.device) == "cpu" and t.dtype is torch.float32
    assert t.tolist() == [[0.0] * 3] * 2
    assert np.asarray(t).shape == (2, 3)
    assert torch.get_default_dtype() is torch.float32


def test_set_default_dtype():
    torch.set_default_dtype(torch.float64)
    try:
        assert torch.tensor(1.5).dtype is torch.float64
        assert torch.tensor([1, 2]).dtype is torch.int64
        assert (torch.tensor([1, 2]) + 1.5).dtype is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.tensor(1.5).dtype is torch.float32


def test_creation_functions():
    assert torch.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert torch.ones((2,)).tolist() == [1.0, 1.0]
    assert torch.full((2,), 7).dtype is torch.int64
    assert torch.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert torch.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert torch.arange(1, 4).tolist() == [1, 2, 3]
    assert torch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert torch.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    like = torch.full_like(torch.ones(2, dtype=torch.float64), 3)
    assert like.dtype is torch.float64 and like.tolist() == [3.0, 3.0]
    assert torch.zeros_like(torch.ones(2, 2)).shape == (2, 2)
    assert torch.as_tensor(np.ones(2)).dtype is torch.float64
    assert torch.empty(2, 2).shape == (2, 2)


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_filled_creation_takes_size_by_keyword(name):
    make = getattr(torch, name)
    assert make(size=(2, 3)).shape == make(size=[2, 3]).shape == (2, 3)  # gat/main.py's form
    assert make(size=torch.Size([4])).shape == (4,)
    assert (
        _message(lambda: make(2, size=(2,))) == f"{name}() got multiple values for argument 'size'"
    )
    with pytest.raises(TypeError):
        make(sizes=(2,))


def test_storage_flags_and_is_methods_are_pytorchs():
    # (dcgan's forward tests ``input.is_cuda or input.is_xpu``: AttributeError)
    real = pytest.importorskip("torch")
    ours, theirs = torch.ones(2), real.ones(2)
    names = [n for n in dir(theirs) if n.startswith("is_")]
    flags = [n for n in names if not callable(getattr(theirs, n))]
    assert {n: getattr(ours, n) for n in flags} == {n: getattr(theirs, n) for n in flags}
    for lib, t in ((torch, ours), (real, theirs)):
        assert (t.is_neg(), t.is_distributed(), t.is_same_size(lib.zeros(2))) == (
            False, False, True,
        )  # fmt: skip
        assert lib.tensor([0.5]).is_nonzero() and not lib.tensor(0).is_nonzero()
        with pytest.raises(RuntimeError, match="with more than one value is ambiguous"):
            t.is_nonzero()
