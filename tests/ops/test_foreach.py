"""torch._foreach_* against torch: every name torch documents exists; each form (unary, binary
with a number / numbers / a tensor / tensors, pointwise, lerp, norm...) gives torch's values
(transcendentals within float32 rounding), in-place forms return their list, and the errors
are torch's."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
from graphgrad.ops.foreach import BINARY, UNARY
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
POSITIVE = [RNG.uniform(0.1, 0.9, n).astype(np.float32) for n in (3, 5)]
OTHER = [RNG.uniform(0.1, 0.9, n).astype(np.float32) for n in (3, 5)]


def _xs(T, arrays=POSITIVE):
    return [T.tensor(a) for a in arrays]


def close(case, exact=False):
    """graphgrad's and torch's outcomes agree: errors by type and message, values within a
    float32 rounding (or exactly)."""
    got, want = outcome(graphgrad, case), outcome(torch, case)
    if exact or got[0] != "ok" or want[0] != "ok":
        assert_same(got, want)
        return
    assert len(got[1]) == len(want[1])
    for g, w in zip(got[1], want[1], strict=True):
        assert g[:3] == w[:3]
        np.testing.assert_allclose(g[3], w[3], rtol=2e-6, atol=1e-7)


def test_every_foreach_name_torch_has_is_here():
    names = {n for n in dir(torch) if n.startswith("_foreach_")}
    missing = sorted(n for n in names if not hasattr(graphgrad, n))
    assert missing == ["_foreach_powsum"]


@pytest.mark.parametrize("op", UNARY)
def test_unary_as_torch(op):
    close(lambda T: getattr(T, f"_foreach_{op}")(_xs(T)))


@pytest.mark.parametrize("op", UNARY)
def test_unary_in_place_is_the_op_in_place(op):
    xs = _xs(graphgrad)
    want = [getattr(graphgrad, op)(x) for x in xs]
    assert getattr(graphgrad, f"_foreach_{op}_")(xs) is xs
    assert all(graphgrad.equal(x, w) for x, w in zip(xs, want, strict=True))


OPERANDS = {
    "number": lambda T: 0.75,
    "numbers": lambda T: [0.5, 2.0],
    "tensor": lambda T: T.tensor(1.5),
    "tensors": lambda T: _xs(T, OTHER),
}


@pytest.mark.parametrize("operand", OPERANDS)
@pytest.mark.parametrize("op", BINARY)
def test_binary_as_torch(op, operand):
    close(lambda T: getattr(T, f"_foreach_{op}")(_xs(T), OPERANDS[operand](T)), exact=op != "pow")

    def in_place(T):
        xs = _xs(T)
        assert getattr(T, f"_foreach_{op}_")(xs, OPERANDS[operand](T)) is xs
        return xs

    close(in_place, exact=op != "pow")


@pytest.mark.parametrize("op", ["add", "sub"])
def test_alpha_as_torch(op):
    # x + alpha * y: whether torch's kernel fuses the multiply-add decides the last bit
    close(lambda T: getattr(T, f"_foreach_{op}")(_xs(T), _xs(T, OTHER), alpha=2.5))


def test_number_to_the_power_of_each_as_torch():
    close(lambda T: T._foreach_pow(2.0, _xs(T)))


VALUES = {"number": 0.5, "numbers": [0.5, 2.0], "tensor": "tensor"}


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
def test_pointwise_as_torch(op, value):
    def run(T):
        v = T.tensor([0.5, 2.0]) if value == "tensor" else VALUES[value]
        out = getattr(T, f"_foreach_{op}")(_xs(T), _xs(T, OTHER), _xs(T), v)
        xs = _xs(T)
        getattr(T, f"_foreach_{op}_")(xs, _xs(T, OTHER), _xs(T), v)
        return list(out) + xs

    close(run)  # a fused multiply-add or not in torch's kernel decides the last bit


@pytest.mark.parametrize("weight", ["number", "numbers", "tensors"])
def test_lerp_as_torch(weight):
    def run(T):
        w = {"number": 0.25, "numbers": [0.25, 0.75], "tensors": _xs(T, OTHER)}[weight]
        xs = _xs(T)
        T._foreach_lerp_(xs, _xs(T, OTHER), w)
        return list(T._foreach_lerp(_xs(T), _xs(T, OTHER), w)) + xs

    close(run)  # lerp's last bit depends on whether torch's kernel fuses the multiply-add


@pytest.mark.parametrize(
    "case",
    [
        lambda T: T._foreach_norm(_xs(T)),
        lambda T: T._foreach_norm(_xs(T), 1),
        lambda T: T._foreach_norm(_xs(T), float("inf"), dtype=T.float64),
        lambda T: T._foreach_max(_xs(T)),
        lambda T: T._foreach_clone(_xs(T)),
        lambda T: T._foreach_copy_(_xs(T), _xs(T, OTHER)),
        lambda T: T._foreach_zero_(_xs(T)),
        lambda T: T._foreach_mm([T.tensor(OTHER[0][:2]).reshape(1, 2)], [T.eye(2)]),
        lambda T: T._foreach_sqrt([T.tensor([1, 4])]),
        lambda T: T._foreach_neg([T.tensor([1, 4])]),
        lambda T: T._foreach_add([T.ones(2)], [T.ones(2, dtype=T.float64)]),
    ],
)
def test_other_foreach_ops_as_torch(case):
    close(case)


@pytest.mark.parametrize(
    "case",
    [
        lambda T: T._foreach_add(_xs(T), _xs(T)[:1]),
        lambda T: T._foreach_add([], 1),
        lambda T: T._foreach_sqrt([]),
        lambda T: T._foreach_add(_xs(T), [1]),
        lambda T: T._foreach_sqrt(T.ones(2)),
        lambda T: T._foreach_sqrt([1.0]),
        lambda T: T._foreach_add(_xs(T), [T.ones(5), T.ones(5)]),
        lambda T: T._foreach_add_([T.ones(2, requires_grad=True)], 1),
        lambda T: T._foreach_add_([T.ones(2, dtype=T.int64)], 1.5),
        lambda T: T._foreach_sqrt_([T.ones(2, dtype=T.int64)]),
    ],
)
def test_errors_as_torch(case):
    close(case)


def test_gradients_flow_through_the_ops():
    def run(T):
        xs = [T.tensor(a, requires_grad=True) for a in POSITIVE]
        ys = T._foreach_mul(T._foreach_exp(xs), _xs(T, OTHER))
        sum(y.sum() for y in ys).backward()
        return [x.grad for x in xs]

    close(run)
