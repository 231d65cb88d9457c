"""Regressions found in review of the core (engine, nodes, accumulation), each checked against
PyTorch's behaviour; and guards for the gradient-stealing fast path, which must never let
``.grad`` share memory with a tensor someone else holds."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as torch


@pytest.fixture(autouse=True)
def _quiet_create_graph_warning():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Using backward\\(\\) with create_graph=True")
        yield


def test_create_graph_backward_does_not_alias_user_gradient():
    # The first gradient is cloned under create_graph (PyTorch's AccumulateGrad does), so a
    # later in-place accumulation cannot write into the caller's ``gradient``.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = torch.tensor([1.0, 1.0])
    (x + 1).backward(g, create_graph=True)
    assert x.grad is not g
    (x * 1).sum().backward()
    assert g.tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_create_graph_backward_of_leaf_does_not_alias_user_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = torch.tensor([1.0, 1.0])
    x.backward(g, create_graph=True)
    x.backward(g)
    assert g.tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [2.0, 2.0]


def test_create_graph_grad_keeps_its_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (gg,) = torch.autograd.grad(x.grad.sum(), x)
    assert gg.tolist() == [6.0, 12.0]


def test_in_place_accumulation_bumps_grad_version():
    # PyTorch's ``variable.grad += new_grad`` counts as an in-place write: a graph that saved
    # the old .grad must refuse to run, not compute with the new values.
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    (x * 2).sum().backward()
    loss = (x.grad * w).sum()  # saves x.grad for w's gradient
    (x * 5).sum().backward()
    assert x.grad._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# -- guards for the steal-without-copy path ----------------------------------------------------


def test_x_plus_x_does_not_alias():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = torch.tensor([1.0, 1.0])
    (x + x).backward(g)
    (x + x).backward(g)
    assert g.tolist() == [1.0, 1.0]
    assert x.grad.tolist() == [4.0, 4.0]


def test_passthrough_gradient_is_copied():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g = torch.tensor([1.0, 1.0])
    (x + 1).backward(g)
    assert x.grad is not g
    (x * 3).backward(g)
    assert g.tolist() == [1.0, 1.0]


def test_hook_that_keeps_its_input_sees_no_later_writes():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    kept = []
    x.register_hook(lambda g: kept.append(g) or g)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert kept[0].tolist() == [3.0, 3.0]
    assert x.grad.tolist() == [6.0, 6.0]


def test_retain_graph_twice_accumulates_fresh_gradients():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x * 2).sum()
    z.backward(retain_graph=True)
    first = x.grad
    z.backward()
    assert first is x.grad  # accumulated in place, as PyTorch does
    assert x.grad.tolist() == [4.0, 4.0]


def test_stolen_gradient_is_not_shared_with_another_leaf():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a * b).sum().backward()
    (a * b).sum().backward()
    assert a.grad.tolist() == [6.0, 8.0]
    assert b.grad.tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.floor(),
        lambda x: x.ceil(),
        lambda x: x.round(),
        lambda x: x.trunc(),
        lambda x: x.sign(),
        lambda x: x**0,
        lambda x: (x * 1).fill_(2.0),
        lambda x: (x * 1).zero_(),
    ],
)
def test_zero_gradients_are_positive_zeros(fn):
    # PyTorch's rule is zeros_like(grad): +0.0 even where the incoming gradient is negative
    # (these rules were ``g * 0``, which printed -0. there)
    x = torch.tensor([1.5, -2.0, 0.0], requires_grad=True)
    fn(x).backward(torch.tensor([-1.0, 2.0, -3.0]))
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert not np.signbit(x.grad.numpy()).any()
    (g,) = torch.autograd.grad(fn(x), x, torch.tensor([-1.0, 2.0, -3.0]))
    assert not np.signbit(g.numpy()).any()  # the tensor rules too


BROADCAST_FAILURES = [
    (lambda T, a, b: a + b, (1, 2), (3,)),
    (lambda T, a, b: a * b, (2, 3), (3, 2)),  # two dims differ: the last one is named
    (lambda T, a, b: T.maximum(a, b), (1, 2), (3,)),
    (lambda T, a, b: T.where(a > 0, a, b), (1, 2), (3,)),
    (lambda T, a, b: a.add_(b), (2, 3), (4, 3, 3)),
    (lambda T, a, b: T.matmul(a, b), (2, 3, 4, 5), (3, 2, 5, 6)),
    (lambda T, a, b: a > b, (2, 3), (3, 2)),
    (lambda T, a, b: T.eq(a, b), (1, 2), (3,)),
]


@pytest.mark.parametrize(("fn", "shape_a", "shape_b"), BROADCAST_FAILURES)
def test_shapes_that_do_not_broadcast_raise_torchs_error(fn, shape_a, shape_b):
    # elementwise ops let NumPy's ValueError ("operands could not be broadcast together")
    # through; PyTorch raises a RuntimeError naming the last dim that does not match
    with pytest.raises(RuntimeError, match="must match the size of tensor b") as ours:
        fn(torch, torch.ones(*shape_a), torch.ones(*shape_b))
    real = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as theirs:
        fn(real, real.ones(*shape_a), real.ones(*shape_b))
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("exponent", [3, 3.0, -2, -0.5])
def test_special_powers_match_torch_bits(exponent):
    # PyTorch computes x**3 as x * x * x, x**-2 as 1 / (x * x) and x**-0.5 as 1 / sqrt(x);
    # NumPy's pow differs from those in the last bit for about a third of float32 inputs
    real = pytest.importorskip("torch")
    x = np.abs(np.random.default_rng(0).standard_normal(2000)).astype(np.float32) + 1e-3
    ours = (torch.tensor(x) ** exponent).numpy()
    theirs = (real.tensor(x) ** exponent).numpy()
    assert ours.tobytes() == theirs.tobytes()


def test_copy_into_a_smaller_tensor_is_torchs_runtime_error():
    # Found by GradScaler.update(new_scale=<1-element tensor>): NumPy's ValueError leaked.
    with pytest.raises(RuntimeError, match=r"output with shape \[\] doesn't match the broadcast "
                       r"shape \[1\]"):  # fmt: skip
        torch.zeros(()).copy_(torch.ones(1))
    assert torch.zeros(2, 2).copy_(torch.ones(2)).tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize(
    "call",
    ["t_()", "transpose_(0, 1)", "swapaxes_(0, 1)", "swapdims_(1, 0)", "unsqueeze_(0)",
     "unsqueeze(0).squeeze_()", "unsqueeze(0).squeeze_(0)", "unsqueeze(0).squeeze_((0,))",
     "as_strided_((3,), (1,))"],
)  # fmt: skip
def test_inplace_views_have_torchs_node_and_count_as_a_write(call):
    """In-place views recorded the out-of-place node (TBackward0 for ``t_``, torch TBackward1)
    and left ``_version`` at 0 (torch: 1); swapaxes_/swapdims_/as_strided_ were missing."""
    real = pytest.importorskip("torch")

    def run(T):
        y = T.ones(2, 3, requires_grad=True) * 1
        before = y._version
        out = eval(f"y.{call}")  # noqa: S307 - the parametrized calls above
        grad = T.autograd.grad(out.sum() * 2, y)[0] if call.startswith("as_") else None
        node = out.grad_fn
        return (type(node).__name__, node.next_functions[0][0].name(), y._version - before,
                tuple(out.shape), None if grad is None else grad.tolist())  # fmt: skip

    assert run(torch) == run(real)


@pytest.mark.parametrize("eps", [None, 0.1])
def test_logit_gradient_at_the_poles_and_node_are_torchs(eps):
    """logit's gradient at 0 and 1 was NaN (torch: inf with the sign of the incoming gradient,
    at -0.0 too), and its node was LogBackward0 (torch: LogitBackward0)."""
    real = pytest.importorskip("torch")

    def run(T):
        x = T.tensor([-0.0, 0.0, 1.0, 0.1, 0.05, 0.5, -0.2, 1.5], requires_grad=True)
        y = x.logit(eps=eps)
        y.backward(T.tensor([1.0, -1.0, 2.0, 1.0, 1.0, -3.0, 1.0, 1.0]))
        return type(y.grad_fn).__name__, y.tolist(), x.grad.tolist()

    assert str(run(torch)) == str(run(real))  # str: NaN equals NaN


def test_hypot_gradient_beside_an_infinity_and_node_are_torchs():
    """hypot's gradient was NaN beside an infinite other side (torch: x / inf = 0) and its node
    WhereBackward0 (torch: HypotBackward0)."""
    real = pytest.importorskip("torch")
    inf, nan = float("inf"), float("nan")

    def run(T):
        x = T.tensor([1.0, inf, inf, nan, 0.0, 3.0, -inf], requires_grad=True)
        y = T.tensor([inf, 1.0, inf, inf, 0.0, -4.0, 2.0], requires_grad=True)
        h = T.hypot(x, y)
        h.sum().backward()
        return type(h.grad_fn).__name__, h.tolist(), x.grad.tolist(), y.grad.tolist()

    assert str(run(torch)) == str(run(real))  # str: NaN equals NaN
