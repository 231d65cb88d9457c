"""Values and gradients at the edges (ties, 0**0, infinities, NaN, float32's largest values,
integer wrap-around), each case run in graphgrad and in torch and compared bit for bit, the
signs of zeros included (issue 13, items 2-9)."""

from __future__ import annotations

import pytest

from tests._compare_torch import assert_like_torch

NAN, INF = float("nan"), float("inf")


def _grads(op, *values, seed=None):
    """``op(*leaves)``, then the leaves' gradients of ``(result * seed).sum()``."""

    def case(T):
        leaves = [T.tensor(v, requires_grad=True) for v in values]
        out = op(T, *leaves)
        weight = T.full(out.shape, -1.5) if seed is None else T.tensor(seed)
        (out * weight).sum().backward()
        return (out, *(leaf.grad for leaf in leaves))

    return case


X3 = [0.0, 5.0, 2.0, 2.0, 2.0, 2.0, NAN, 2.0, NAN, 0.0, 0.0, 5.0, 5.0]
LO = [1.0, 1.0, 1.0, NAN, 3.0, 2.0, 1.0, 1.0, 3.0, NAN, 3.0, 3.0, NAN]
HI = [1.0, 1.0, NAN, 3.0, 1.0, 2.0, 3.0, 2.0, 1.0, 3.0, NAN, NAN, 1.0]

CASES = {
    # 2: clamp with tensor bounds: ties give the gradient to the input
    "clamp_min_tie": _grads(lambda T, a, b: a.clamp(min=b), [1.0, 2.0, 0.0], [1.0, 2.0, 1.0]),
    "clamp_max_tie": _grads(lambda T, a, b: a.clamp(max=b), [1.0, 2.0, 3.0], [1.0, 2.0, 1.0]),
    "clamp_both": _grads(lambda T, a, b, c: a.clamp(b, c), X3, LO, HI),
    "clamp_min_fn": _grads(lambda T, a, b: T.clamp_min(a, b), [1.0, 2.0, 0.0], [1.0, 2.0, 1.0]),
    "clamp_max_fn": _grads(lambda T, a, b: T.clamp_max(a, b), [1.0, 2.0, 3.0], [1.0, 2.0, 1.0]),
    "clamp_node": lambda T: T.clamp_min(T.ones(2, requires_grad=True), T.zeros(2)).grad_fn.name(),
    "clamp_int_float_bound": lambda T: T.clamp(T.tensor([1, 2]), min=T.tensor([1.5, 1.5])),
    # 3: a ** b at 0 ** 0, for both inputs, and a scalar base of 0
    "pow_tensor": _grads(
        lambda T, a, b: a**b,
        [0.0, 0.0, 0.0, -0.0, 2.0, 0.0, NAN, 0.0, -1.0, 1.0],
        [0.0, -0.0, 1.0, 0.0, 0.0, NAN, 0.0, -1.0, 0.5, NAN],
    ),
    "pow_zero_base": _grads(lambda T, b: T.pow(0.0, b), [0.0, -0.0, 1.0, 2.0, -1.0, NAN, 0.5]),
    "pow_neg_zero_base": _grads(lambda T, b: T.pow(-0.0, b), [0.0, 1.0, -1.0, -2.0, NAN]),
    # 4: fmod and remainder by infinities (and zeros' signs)
    "fmod_inf": lambda T: T.fmod(T.tensor([1.5, -2.0, 0.0, -0.0]), INF),
    "fmod_neg_inf": lambda T: T.fmod(T.tensor([1.5, -2.0, 0.0, -0.0]), -INF),
    "fmod_tensor_inf": lambda T: T.fmod(T.tensor([1.5, -2.0]), T.tensor([-INF, INF])),
    "remainder_inf": lambda T: T.remainder(T.tensor([1.5, -2.0, 0.0, -0.0]), INF),
    "remainder_neg_inf": lambda T: T.remainder(T.tensor([1.5, -2.0, 0.0, -0.0]), -INF),
    "remainder_zero_signs": lambda T: T.remainder(
        T.tensor([0.0, -0.0, 3.0, -3.0, 4.5, -4.5]), T.tensor([-3.0, 3.0, -3.0, 3.0, -2.0, 2.0])
    ),
    "fmod_grads": _grads(lambda T, a, b: T.fmod(a, b), [5.0, -7.0, 1.5], [3.0, 2.0, -1.0]),
    "remainder_grads": _grads(lambda T, a, b: a % b, [5.0, -7.0, 1.5], [3.0, 2.0, -1.0]),
    "fmod_node": lambda T: (
        T.fmod(T.ones(1, requires_grad=True), 2.0).grad_fn.name(),
        T.remainder(T.ones(1, requires_grad=True), T.ones(1)).grad_fn.name(),
    ),
    "int_fmod_by_zero": lambda T: T.fmod(T.tensor([5]), 0),
    "int_remainder_by_zero": lambda T: T.remainder(T.tensor([5]), T.tensor([0])),
    "int_remainder": lambda T: T.remainder(T.tensor([5, -5]), T.tensor([3, -3])),
    # 7: NaN reaches the gradients of maximum, minimum, amax, amin, max, min
    "maximum_nan": _grads(
        lambda T, a, b: T.maximum(a, b), [NAN, 1, 2, 2, NAN], [1, NAN, 2, 3, NAN]
    ),
    "minimum_nan": _grads(
        lambda T, a, b: T.minimum(a, b), [NAN, 1, 2, 2, NAN], [1, NAN, 2, 3, NAN]
    ),
    "amax_nan": _grads(lambda T, a: a.amax(), [1.0, NAN, 3.0]),
    "amin_dim_nan": _grads(lambda T, a: a.amin(1), [[1.0, NAN, 3.0, NAN], [1.0, 1.0, 0.0, -1.0]]),
    "amax_dim_keepdim": _grads(
        lambda T, a: a.amax(0, keepdim=True), [[1.0, NAN, 3.0, NAN], [1.0, 1.0, 0.0, -1.0]]
    ),
    "max_all_nan": _grads(lambda T, a: a.max(), [[1.0, NAN, 3.0, NAN]]),
    "min_dim_nan": _grads(lambda T, a: a.min(0)[0], [1.0, NAN, NAN]),
    # 8: regression losses at float32's largest values
    "mse_mean_3e38": _grads(
        lambda T, a: T.nn.functional.mse_loss(a, T.zeros(2)), [3e38, 3e38], seed=1.0
    ),
    "mse_sum_1e38": _grads(
        lambda T, a: T.nn.functional.mse_loss(a, T.zeros(2), reduction="sum"), [1e38, 1.0]
    ),
    "l1_3e38": _grads(lambda T, a: T.nn.functional.l1_loss(a, T.tensor([-3e38])), [3e38]),
    "smooth_l1_3e38": _grads(
        lambda T, a: T.nn.functional.smooth_l1_loss(a, T.tensor([-3e38, 0.0])), [3e38, 0.5]
    ),
    "huber_3e38": _grads(
        lambda T, a: T.nn.functional.huber_loss(a, T.tensor([-3e38, 0.0]), delta=2.0),
        [3e38, 0.5],
    ),
    # 6: integers out of range
    "tensor_2_63": lambda T: T.tensor([2**63]),
    "tensor_below_int64": lambda T: T.tensor([-(2**63) - 1]),
    "tensor_2_64_nested": lambda T: T.tensor([[1], [2**64]]),
    "tensor_float_and_big_int": lambda T: T.tensor([1.5, 2**63]),
    "uint8_300": lambda T: T.tensor([300], dtype=T.uint8),
    "uint8_minus_1": lambda T: T.tensor([-1, -255], dtype=T.uint8),
    "uint8_minus_256": lambda T: T.tensor([-256], dtype=T.uint8),
    "uint8_minus_float": lambda T: T.tensor([-1.5], dtype=T.uint8),
    "int8_200": lambda T: T.tensor(200, dtype=T.int8),
    "int8_float_range": lambda T: T.tensor([-1.5, 127.9], dtype=T.int8),
    "int32_nan": lambda T: T.tensor([NAN], dtype=T.int32),
    "float16_overflow": lambda T: T.tensor([1e6, 70000.5], dtype=T.float16),
    "float64_exact": lambda T: T.tensor([0.1], dtype=T.float64),
    # 9: one-element tensors inside a list are numbers of their dtype
    "tensor_of_ones1": lambda T: T.tensor([T.ones(1), T.ones(1)]),
    "tensor_of_ones2": lambda T: T.tensor([T.ones(2), T.ones(2)]),
    "tensor_of_int8": lambda T: T.tensor([T.tensor(1, dtype=T.int8), T.tensor(2, dtype=T.int8)]),
    "tensor_of_mixed": lambda T: T.tensor([T.tensor(1), T.tensor(2.0)]),
    "tensor_of_nested": lambda T: T.tensor([[T.ones(1)]]),
    "tensor_of_empty": lambda T: T.tensor([T.ones(0)]),
    # 15: integer scalars wrap into integer dtypes
    "uint8_plus_minus_1": lambda T: T.tensor([0, 200], dtype=T.uint8) + (-1),
    "uint8_times_300": lambda T: T.tensor([0, 200], dtype=T.uint8) * 300,
    "int8_plus_200": lambda T: T.tensor([1], dtype=T.int8) + 200,
    "int64_plus_2_63": lambda T: T.tensor([1]) + 2**63,
    "int64_plus_2_64": lambda T: T.tensor([1]) + 2**64,
    "uint8_eq_256": lambda T: T.tensor([0, 200], dtype=T.uint8) == 256,
    "uint8_lt_300": lambda T: T.tensor([0, 200], dtype=T.uint8) < 300,
    "uint8_where": lambda T: T.where(
        T.tensor([True, False]), T.tensor([0, 200], dtype=T.uint8), -1
    ),
    "uint8_fill": lambda T: T.zeros(2, dtype=T.uint8).fill_(-1),
    "uint8_fill_300": lambda T: T.zeros(2, dtype=T.uint8).fill_(300),
    "uint8_full": lambda T: T.full((2,), -1, dtype=T.uint8),
    "uint8_full_300": lambda T: T.full((2,), 300, dtype=T.uint8),
    "uint8_clamp_range": lambda T: T.tensor([0, 200], dtype=T.uint8).clamp(-1, 300),
    "uint8_remainder": lambda T: T.remainder(T.tensor([5], dtype=T.uint8), -1),
    "softmax_empty": lambda T: (T.zeros(0).softmax(0), T.zeros(0, 3).log_softmax(0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edge_value_matches_torch(name):
    assert_like_torch(CASES[name])
