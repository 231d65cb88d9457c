"""The first-order path: each primitive's rules run on arrays against the same rules on tensors.

``backward()`` without ``create_graph`` runs a primitive's array rules on plain arrays;
``autograd.grad(..., inputs)`` runs its Tensor rules. Both must give the same bits, for every
sample of every primitive that has array rules, in float32 and float64, and where NumPy's own
promotion would differ from PyTorch's (a float32 gradient meeting an int64 operand).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
from graphgrad.ops.primitive import REGISTRY

from .test_primitives import SAMPLES

ARRAY_CASES = [
    (name, i)
    for name in sorted(SAMPLES)
    if REGISTRY[name].rules_on_arrays
    for i in range(len(SAMPLES[name]))
]


def _both_paths(fn, arrays: list, dtype) -> tuple[list, list]:
    """The gradients of ``fn`` on leaves from ``arrays``: via backward() (arrays) and via
    autograd.grad (Tensors), for the same seed gradient."""
    leaves = [graphgrad.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    seed = graphgrad.tensor(np.random.default_rng(2).standard_normal(out.shape), dtype=out.dtype)
    tensor_path = graphgrad.autograd.grad(out, leaves, seed, retain_graph=True, allow_unused=True)
    out.backward(seed)
    return [x.grad for x in leaves], list(tensor_path)


def _assert_same_bits(got: list, want: list) -> None:
    for a, b in zip(got, want):
        if b is None:
            assert a is None or not np.any(a.numpy())
            continue
        assert a.dtype is b.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_hot_primitives_run_on_arrays():
    hot = ("add", "sub", "rsub", "mul", "div", "neg", "pow", "exp", "log", "tanh", "sigmoid",
           "relu", "sum", "mean", "sum_dim", "mean_dim", "softmax", "log_softmax", "nll_loss",
           "nll_loss2d", "mse_loss", "smooth_l1_loss", "huber_loss", "gelu", "silu",
           "leaky_relu", "softplus", "elu", "abs", "sin", "cos", "sqrt", "clamp", "where",
           "maximum", "minimum", "view", "reshape_copy", "unsqueeze", "squeeze", "squeeze_dim",
           "squeeze_dims", "permute", "transpose", "t", "expand", "clone", "mm", "addmm", "bmm",
           "mv", "dot", "matmul_squeeze", "matmul_unsafe_view", "embedding")  # fmt: skip
    assert [n for n in hot if not REGISTRY[n].rules_on_arrays] == []


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("name", "index"), ARRAY_CASES)
def test_rules_on_arrays_match_rules_on_tensors(name, index, dtype):
    sample = SAMPLES[name][index]
    got, want = _both_paths(
        lambda *xs: sample.fn(graphgrad, *xs), sample.arrays(), getattr(graphgrad, dtype)
    )
    _assert_same_bits(got, want)


@pytest.mark.parametrize("op", ["mul", "div", "add", "sub"])
@pytest.mark.parametrize("other_dtype", ["int64", "int32", "float64", "bool"])
def test_mixed_dtypes_promote_as_tensors_do(op, other_dtype):
    # float32 * int64 is float32 in PyTorch but float64 in NumPy: the array rules must follow
    # the tensors (a value that float32 and float64 products round differently)
    other = graphgrad.tensor([3, 16777217, 1], dtype=getattr(graphgrad, other_dtype))
    x = graphgrad.tensor([0.1, 1.7, -2.3], requires_grad=True)
    fn = getattr(graphgrad, op)
    if op == "sub" and other_dtype == "bool":  # PyTorch refuses to subtract a bool tensor
        with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
            fn(x, other)
        return
    got, want = _both_paths(lambda t: fn(t, other), [x.detach().numpy()], x.dtype)
    _assert_same_bits(got, want)
    assert got[0].dtype is graphgrad.float32


@pytest.mark.parametrize("shape", [(), (1,), (3, 1)])
def test_zero_dim_and_broadcast_gradients(shape):
    # ufuncs on 0-d arrays return NumPy scalars; the engine must hand on arrays of the leaves'
    # shapes either way, and undo broadcasting against a (4,) operand
    a = np.full(shape, 0.7, np.float32)
    b = np.linspace(-1, 1, 4, dtype=np.float32)

    def fn(x, y):
        return ((x * y + 0.5).tanh().relu() * 3 - y / (x + 2) + x**2).exp().sigmoid().sum()

    got, want = _both_paths(fn, [a, b], graphgrad.float32)
    _assert_same_bits(got, want)
    assert got[0].shape == shape and type(got[0].numpy()) is np.ndarray


def test_saved_tensor_modified_in_place_is_caught():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y.exp()
    y.add_(1)  # z's rule reads its result, not y: fine; y's product with itself is not
    w = y * y
    y.mul_(2)
    z.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


def test_leaf_gradient_owns_its_array():
    # the leaf keeps the rule's fresh array as .grad, never an array that a saved slot or
    # another leaf also holds
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    y = graphgrad.tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    x.grad.add_(1)
    assert y.grad.tolist() == [1.0, 1.0]


def test_leaf_keeps_a_view_only_when_nothing_else_holds_its_base():
    # nn.Linear's weight gradient is the transpose of a fresh product: kept without a copy
    lin = graphgrad.nn.Linear(3, 2)
    lin(graphgrad.ones(4, 3)).sum().backward()
    assert lin.weight.grad.is_contiguous()
    assert lin.weight.grad.tolist() == [[4.0] * 3] * 2
    # here the transpose views the caller's gradient, which must not change with x.grad
    x = graphgrad.zeros(2, 3, requires_grad=True)
    g = graphgrad.arange(6.0).reshape(3, 2)
    x.t().backward(g)
    x.grad.add_(100)
    assert g.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert x.grad.tolist() == [[100.0, 102.0, 104.0], [101.0, 103.0, 105.0]]


_UNARY = [
    lambda x: x.exp() * 0.1, lambda x: x.tanh(), lambda x: x.sigmoid(), lambda x: x.relu(),
    lambda x: x**3, lambda x: -x.abs(), lambda x: graphgrad.nn.functional.gelu(x),
    lambda x: x.clamp(-0.5, 0.5), lambda x: (x * x + 1).sqrt().log(), lambda x: x.sin(),
    lambda x: graphgrad.log_softmax(x, -1) if x.ndim else x,
    lambda x: x.t() if x.ndim == 2 else x, lambda x: x.sum(-1, keepdim=True) if x.ndim else x,
    lambda x: x.mean(0) if x.ndim else x,
]  # fmt: skip
_BINARY = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1),
    lambda a, b: graphgrad.maximum(a, b), lambda a, b: graphgrad.where(a > b, a, b),
    lambda a, b: a * 0.7 + b * -1.3, lambda a, b: 2.0 - a * b,
]  # fmt: skip


def _random_program(rng: np.random.Generator):
    """A random composition of the ops above on two leaves (broadcast shapes, scalars)."""
    steps = []
    for _ in range(rng.integers(2, 9)):
        if rng.random() < 0.5:
            steps.append(("unary", rng.integers(len(_UNARY)), rng.integers(1 << 30)))
        else:
            steps.append(("binary", rng.integers(len(_BINARY)), rng.integers(1 << 30)))

    def program(a, b):
        values = [a, b]
        for kind, op, pick in steps:
            if kind == "unary":
                values.append(_UNARY[op](values[pick % len(values)]))
            else:
                x, y = values[pick % len(values)], values[(pick >> 8) % len(values)]
                values.append(_BINARY[op](x, y))
        return sum(v.sum() for v in values[2:])

    return program


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_give_the_same_bits_on_both_paths(seed):
    rng = np.random.default_rng(seed)
    shape = [(), (3,), (2, 3), (1, 3), (2, 1)][seed % 5]
    other = [shape, shape[-1:], (1,) * len(shape)][seed % 3]
    for dtype in (graphgrad.float32, graphgrad.float64):
        program = _random_program(rng)
        arrays = [rng.standard_normal(shape), rng.standard_normal(other)]
        got, want = _both_paths(program, arrays, dtype)
        _assert_same_bits(got, want)
