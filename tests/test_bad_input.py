"""Bad input and misuse, each case run in graphgrad and in torch: the same result, or an
exception of the same type with the same message (issue 13, items 5, 10, 15-17)."""

from __future__ import annotations

import fractions

import numpy as np
import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

X = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def _inference_tensor(T):
    with T.inference_mode():
        return T.zeros(2)


def _set(obj, name, value):
    setattr(obj, name, value)
    return obj


def _expanded(T):
    return T.zeros(1).expand(3)


def _setitem(t, key, value):
    t[key] = value
    return t


def _grad_of_double(T, grad_outputs):
    x = T.ones(2, requires_grad=True)
    return T.autograd.grad([x * 2], [x], grad_outputs)


def _load(T, module, **state):
    module.load_state_dict({**module.state_dict(), **state})
    return module.state_dict()


def _value_and_grad(T, op):
    """``op`` of a 0-d leaf, and the leaf's gradient (PyTorch takes 0-d as one element)."""
    x = T.tensor(3.0, requires_grad=True)
    y = op(T, x)
    y.sum().backward()
    return y, x.grad


CASES = {
    # 0-d tensors with dim 0 or -1, found by tests/fuzz: values and gradients, or the error
    "flip_0d": lambda T: _value_and_grad(T, lambda T, x: T.flip(x, [0])),
    "transpose_0d": lambda T: _value_and_grad(T, lambda T, x: T.transpose(x, -1, 0)),
    "gather_0d_index_1d": lambda T: _value_and_grad(
        T, lambda T, x: T.gather(x, 0, T.tensor([0, 0]))
    ),
    "index_select_0d_value": lambda T: _value_and_grad(
        T, lambda T, x: T.index_select(x, 0, T.tensor([0]))
    ),
    "index_select_0d_two": lambda T: T.index_select(T.tensor(3.0), 0, T.tensor([0, 0])),
    "index_select_empty_dim": lambda T: T.index_select(T.ones(2, 0), 1, T.tensor([0])),
    "narrow_0d": lambda T: T.narrow(T.tensor(3.0), 0, 0, 1),
    "roll_0d": lambda T: T.roll(T.tensor(3.0), 1, -1),
    "expand_nothing": lambda T: T.ones(2).expand(),
    "expand_minus_two": lambda T: T.ones(1, 3).expand(-2, 3),
    "cat_empty_1d_any_dim": lambda T: T.cat([T.ones(0), T.ones(0, dtype=T.float64)], 1),
    # integer powers, bool operands, empty integer division, NumPy bools as PyTorch reads them
    "pow_int_negative_tensor": lambda T: (
        T.tensor([2, 1, -1, -1, 0], dtype=T.int16) ** T.tensor([-1, -5, -3, -4, -2], dtype=T.int16)
    ),
    "sub_float_minus_true": lambda T: T.tensor(1.0) - True,
    "rsub_true_minus_float": lambda T: True - T.tensor(1.0),
    "maximum_bool_scalar": lambda T: T.maximum(T.tensor([1, 2]), False),
    "minimum_float_scalar": lambda T: T.minimum(T.tensor([1.0]), 0.5),
    "fmod_bool_tensor": lambda T: T.fmod(T.tensor([True]), T.tensor([True])),
    "remainder_bool_scalar": lambda T: T.remainder(T.tensor([True]), True),
    "fmod_empty_by_zero": lambda T: T.fmod(T.ones(0, dtype=T.uint8), 0),
    "fmod_by_numpy_false": lambda T: T.fmod(T.tensor([3], dtype=T.uint8), np.False_),
    "add_numpy_true": lambda T: T.tensor([3], dtype=T.uint8) + np.True_,
    "floor_bool": lambda T: T.floor(T.tensor([True])),
    "round_bool": lambda T: T.round(T.tensor([True])),
    "abs_bool": lambda T: T.abs(T.tensor([True])),
    "pow_bool_tensors": lambda T: T.tensor([True]) ** T.tensor([False]),
    "roll_empty_any_dim": lambda T: T.roll(T.ones(0), 1, 5),
    "index_select_empty_1d": lambda T: T.index_select(T.ones(0), 0, T.tensor([0])),
    "clamp_keeps_negative_zero": lambda T: T.clamp(T.tensor([-0.0, float("nan"), -1.0]), 0.0),
    # 5: negative indices are out of bounds (index_select has two messages, by dim)
    "gather_neg": lambda T: T.tensor(X).gather(1, T.tensor([[-1]])),
    "gather_neg_dim0": lambda T: T.tensor(X).gather(0, T.tensor([[-1]])),
    "gather_0d": lambda T: T.tensor(5.0).gather(0, T.tensor(-1)),
    "scatter_neg": lambda T: T.tensor(X).scatter(1, T.tensor([[-1]]), T.tensor([[9.0]])),
    "scatter_value_neg": lambda T: T.tensor(X).scatter(1, T.tensor([[-1]]), 9.0),
    "scatter_add_neg": lambda T: T.tensor(X).scatter_add(1, T.tensor([[-1]]), T.tensor([[9.0]])),
    "index_select_neg_dim0": lambda T: T.tensor(X).index_select(0, T.tensor([-1])),
    "index_select_neg_dim1": lambda T: T.tensor(X).index_select(1, T.tensor([-1])),
    "index_select_big_dim1": lambda T: T.zeros(2, 3, 4).index_select(1, T.tensor([3])),
    "index_select_neg_dim2": lambda T: T.zeros(2, 3, 4).index_select(2, T.tensor([-1])),
    "index_select_0d": lambda T: T.tensor(5.0).index_select(0, T.tensor([-1])),
    "index_add_neg": lambda T: T.tensor(X).index_add(1, T.tensor([-1]), T.ones(2, 1)),
    "take_along_dim_neg": lambda T: T.take_along_dim(T.tensor(X), T.tensor([[-1]]), 1),
    "take_along_flat_neg": lambda T: T.take_along_dim(T.tensor(X), T.tensor([-1])),
    "take_neg": lambda T: T.tensor(X).take(T.tensor([-1])),
    "one_hot_neg": lambda T: T.nn.functional.one_hot(T.tensor([-1]), 3),
    # 10: invalid sizes, ranges and flags
    "narrow_neg_length": lambda T: T.zeros(3).narrow(0, 1, -1),
    "arange_wrong_sign": lambda T: T.arange(0, 5, -1),
    "arange_backwards": lambda T: T.arange(5, 0),
    "arange_neg_end": lambda T: T.arange(-1),
    "arange_empty_ok": lambda T: T.arange(0, 0, -1),
    "arange_nan": lambda T: T.arange(float("nan")),
    "arange_inf": lambda T: T.arange(float("inf")),
    "zeros_float": lambda T: T.zeros(2.5),
    "zeros_str": lambda T: T.zeros("3"),
    "zeros_bool": lambda T: T.zeros(True),
    "zeros_none": lambda T: T.zeros(None),
    "zeros_float_in_list": lambda T: T.zeros([2.0]),
    "zeros_float_second": lambda T: T.zeros(2, 3.0),
    "zeros_numpy_int": lambda T: T.zeros(np.int64(2)),
    "zeros_tensor_int": lambda T: T.zeros(T.tensor(2)),
    "full_float_size": lambda T: T.full((2.5,), 1.0),
    "randn_float": lambda T: T.randn(2.5),
    "rand_str": lambda T: T.rand("2"),
    "reshape_float": lambda T: T.zeros(6).reshape(6.0),
    "reshape_float_tuple": lambda T: T.zeros(6).reshape((6.0,)),
    "expand_float": lambda T: T.zeros(2, 3).expand(2, 3.0),
    "view_float_second": lambda T: T.zeros(2, 3).view(3, 2.0),
    "view_minus_2": lambda T: T.zeros(2).view(-2),
    "view_tensor_size": lambda T: T.zeros(2).view(T.tensor(2)),
    "eye_neg": lambda T: T.eye(-1),
    "eye_neg_m": lambda T: T.eye(2, -1),
    "eye_float": lambda T: T.eye(2.5),
    "requires_grad_str": lambda T: T.zeros(2).requires_grad_("yes"),
    "requires_grad_int": lambda T: T.zeros(2).requires_grad_(1),
    "requires_grad_attr_int": lambda T: _set(T.zeros(2), "requires_grad", 1),
    "requires_grad_attr_none": lambda T: _set(T.zeros(2), "requires_grad", None),
    "where_float_condition": lambda T: T.where(T.tensor([1.0, 0.0]), T.ones(2), T.zeros(2)),
    "where_long_condition": lambda T: T.where(T.tensor([1, 0]), T.ones(2), T.zeros(2)),
    "where_uint8_condition": lambda T: T.where(
        T.tensor([1, 0], dtype=T.uint8), T.ones(2), T.zeros(2)
    ),
    "inference_requires_grad": lambda T: _inference_tensor(T).requires_grad_(),
    "inference_requires_grad_attr": lambda T: _set(_inference_tensor(T), "requires_grad", True),
    "inference_requires_grad_false": lambda T: _inference_tensor(T).requires_grad_(False),
    # 15: leaks of NumPy's errors
    "softmax_empty_dim0": lambda T: T.zeros(0, 3).softmax(0),
    "bool_minus_bool": lambda T: T.tensor([True]) - T.tensor([False]),
    "bool_minus_true": lambda T: T.tensor([True]) - True,
    "true_minus_bool": lambda T: True - T.tensor([True]),
    "bool_minus_int": lambda T: T.tensor([True]) - 1,
    "float_minus_bool": lambda T: T.ones(2) - T.tensor([True, False]),
    "neg_bool": lambda T: -T.tensor([True]),
    "expanded_add_": lambda T: _expanded(T).add_(1),
    "expanded_copy_": lambda T: _expanded(T).copy_(T.ones(3)),
    "expanded_setitem_slice": lambda T: _setitem(_expanded(T), slice(None), 1.0),
    "expanded_setitem_one": lambda T: _setitem(_expanded(T), 1, 5.0),
    "expanded_fill_": lambda T: _expanded(T).fill_(1.0),
    "max_pool_too_big": lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 2, 2), 3),
    "max_pool_stride_0": lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 2, 2), 1, stride=0),
    "max_pool_kernel_0": lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 2, 2), 0),
    "max_pool_kernel_neg": lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 2, 2), -1),
    "max_pool_dilation_0": lambda T: T.nn.functional.max_pool2d(T.zeros(1, 1, 4, 4), 2, dilation=0),
    "avg_pool_too_big": lambda T: T.nn.functional.avg_pool2d(T.zeros(1, 1, 2, 2), 3),
    "avg_pool1d_too_big": lambda T: T.nn.functional.avg_pool1d(T.zeros(1, 1, 2), 3),
    "avg_pool_stride_0": lambda T: T.nn.functional.avg_pool2d(T.zeros(1, 1, 2, 2), 1, stride=0),
    "add_fraction": lambda T: T.ones(2) + fractions.Fraction(1, 2),
    "radd_fraction": lambda T: fractions.Fraction(1, 2) + T.ones(2),
    "add_big_endian": lambda T: T.ones(2) + np.array([1.0, 2.0], dtype=">f8"),
    "tensor_big_endian": lambda T: T.tensor(np.array([1.0, 2.0], dtype=">f8")),
    "as_tensor_big_endian": lambda T: T.as_tensor(np.array([1.0, 2.0], dtype=">f4")),
    "from_numpy_big_endian": lambda T: T.from_numpy(np.array([1.0, 2.0], dtype=">f8")),
    "tensor_object_array": lambda T: T.tensor(np.array([1, "a"], dtype=object)),
    "sum_ndarray": lambda T: T.sum(np.ones(2)),
    "mean_ndarray": lambda T: T.mean(np.ones(2)),
    "max_ndarray": lambda T: T.max(np.ones(2)),
    "reshape_ndarray": lambda T: T.reshape(np.ones(2), (2, 1)),
    "exp_float": lambda T: T.exp(1.0),
    "exp_list": lambda T: T.exp([1.0]),
    "neg_float": lambda T: T.neg(1.0),
    "sin_ndarray": lambda T: T.sin(np.ones(2)),
    "relu_float": lambda T: T.relu(1.0),
    "add_scalar_first": lambda T: T.add(1.5, T.ones(2)),
    "pow_scalar_first": lambda T: T.pow(2.0, T.ones(2)),
    "zeros_dtype_str": lambda T: T.zeros(2, dtype="float32"),
    "ones_dtype_numpy": lambda T: T.ones(2, dtype=np.float32),
    "empty_dtype_int": lambda T: T.empty(2, dtype=1),
    "full_dtype_str": lambda T: T.full((2,), 1.0, dtype="f"),
    "zeros_dtype_int_type": lambda T: T.zeros(2, dtype=int),
    "tensor_dtype_float_type": lambda T: T.tensor(1, dtype=float),
    "to_float_type": lambda T: T.ones(2).to(float),
    # 16: exceptions of PyTorch's type
    "zeros_neg": lambda T: T.zeros(-1),
    "zeros_neg_second": lambda T: T.zeros(2, -1),
    "ones_neg": lambda T: T.ones(-1),
    "empty_neg": lambda T: T.empty(-1),
    "full_neg": lambda T: T.full((-1,), 1.0),
    "tensor_none": lambda T: T.tensor(None),
    "tensor_list_none": lambda T: T.tensor([None]),
    "tensor_str": lambda T: T.tensor("a"),
    "tensor_int_and_str": lambda T: T.tensor([1, "a"]),
    "tensor_list_str": lambda T: T.tensor(["a"]),
    "tensor_nested_str_first": lambda T: T.tensor([["a"], 1]),
    "tensor_nested_str_later": lambda T: T.tensor([[1], "a"]),
    "where_condition_shape": lambda T: T.where(T.ones(2).bool(), T.ones(3), T.ones(3)),
    "where_input_shape": lambda T: T.where(T.ones(3).bool(), T.ones(2), T.ones(3)),
    "where_scalar_other": lambda T: T.where(T.ones(3).bool(), T.ones(2), 0.0),
    "where_dim_named": lambda T: T.where(T.ones(2, 1).bool(), T.ones(3), T.ones(4)),
    "conv2d_double_input": lambda T: T.nn.functional.conv2d(
        T.ones(1, 1, 3, 3, dtype=T.float64), T.ones(1, 1, 2, 2)
    ),
    "conv2d_double_weight": lambda T: T.nn.functional.conv2d(
        T.ones(1, 1, 3, 3), T.ones(1, 1, 2, 2, dtype=T.float64)
    ),
    "conv2d_double_bias": lambda T: T.nn.functional.conv2d(
        T.ones(1, 1, 3, 3), T.ones(1, 1, 2, 2), T.ones(1, dtype=T.float64)
    ),
    "conv1d_bias_checked_before_weight": lambda T: T.nn.functional.conv1d(
        T.ones(1, 1, 3, dtype=T.float64), T.ones(1, 1, 2), T.ones(1)
    ),
    "conv_long_input_float_bias": lambda T: T.nn.functional.conv2d(
        T.ones(1, 1, 3, 3, dtype=T.long), T.ones(1, 1, 2, 2, dtype=T.long), T.ones(1)
    ),
    "conv_shape_checked_before_dtype": lambda T: T.nn.functional.conv2d(
        T.ones(1, 2, 3, 3, dtype=T.float64), T.ones(1, 1, 2, 2)
    ),
    "conv_transpose_double_input": lambda T: T.nn.functional.conv_transpose2d(
        T.ones(1, 1, 3, 3, dtype=T.float64), T.ones(1, 1, 2, 2)
    ),
    "conv_layer_double_input": lambda T: T.nn.Conv2d(1, 1, 2)(T.ones(1, 1, 3, 3, dtype=T.float64)),
    "softmax_long_lastdim": lambda T: T.tensor([[1, 2]]).softmax(1),
    "softmax_long_dim0": lambda T: T.tensor([[1, 2]]).softmax(0),
    "softmax_long_0d": lambda T: T.tensor(3).softmax(0),
    "softmax_bool": lambda T: T.tensor([True]).softmax(0),
    "softmax_byte": lambda T: T.zeros(2, 3, dtype=T.uint8).softmax(1),
    "softmax_cast_to_long": lambda T: T.tensor([1.5]).softmax(0, dtype=T.long),
    "log_softmax_int": lambda T: T.zeros(2, 3, dtype=T.int32).log_softmax(1),
    "log_softmax_long_dim0": lambda T: T.tensor([[1, 2]]).log_softmax(0),
    "softmin_long": lambda T: T.nn.functional.softmin(T.tensor([1, 2]), 0),
    "cross_entropy_long_input": lambda T: T.nn.functional.cross_entropy(
        T.tensor([[1, 2]]), T.tensor([0])
    ),
    "bool_of_empty": lambda T: bool(T.tensor([])),
    "bool_of_two": lambda T: bool(T.tensor([1, 2])),
    "masked_select_float_mask": lambda T: T.randn(3).masked_select(T.tensor([1.0, 0.0, 1.0])),
    "grad_wrong_dtype": lambda T: _set(T.zeros(2, requires_grad=True), "grad", T.zeros(2).double()),
    "grad_long": lambda T: _set(T.zeros(2), "grad", T.zeros(2, dtype=T.long)),
    "grad_wrong_size": lambda T: _set(T.zeros(2, 3, requires_grad=True), "grad", T.zeros(3)),
    "grad_dtype_before_size": lambda T: _set(T.zeros(2), "grad", T.zeros(3).double()),
    "bce_long_target": lambda T: T.nn.functional.binary_cross_entropy(
        T.tensor([0.5]), T.tensor([1])
    ),
    "bce_double_input": lambda T: T.nn.functional.binary_cross_entropy(
        T.tensor([0.5], dtype=T.float64), T.tensor([1.0])
    ),
    "bce_bool_target_before_range": lambda T: T.nn.functional.binary_cross_entropy(
        T.tensor([1.5]), T.tensor([True])
    ),
    "tensor_dict": lambda T: T.tensor({}),
    "tensor_fraction": lambda T: T.tensor(fractions.Fraction(1, 2)),
    "tensor_list_fraction": lambda T: T.tensor([fractions.Fraction(1, 2)]),
    "tensor_ragged": lambda T: T.tensor([[1], [1, 2]]),
    "tensor_ragged_deep": lambda T: T.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]]),
    "matmul_int": lambda T: T.ones(2) @ 1,
    "rmatmul_int": lambda T: 1 @ T.ones(2),
    "matmul_list": lambda T: T.ones(2) @ [1.0, 1.0],
    "matmul_fn_int": lambda T: T.matmul(T.ones(2), 1),
    "backward_list": lambda T: (T.ones(2, requires_grad=True) * 2).backward([1.0, 1.0]),
    "backward_float": lambda T: (T.ones(2, requires_grad=True) * 2).sum().backward(1.0),
    "grad_list": lambda T: _grad_of_double(T, [[1.0, 1.0]]),
    "add_none": lambda T: T.ones(2) + None,
    "add_str": lambda T: T.ones(2) + "a",
    "add_list": lambda T: T.ones(2) + [1, 2],
    "pow_none": lambda T: T.ones(2) ** None,
    "mod_none": lambda T: T.ones(2) % None,
    "lt_none": lambda T: T.ones(2) < None,
    "and_none": lambda T: T.ones(2).bool() & None,
    "iadd_none": lambda T: T.ones(2).__iadd__(None),
    # 17: no error in PyTorch
    "eq_none": lambda T: T.ones(2) == None,  # noqa: E711 - the operator is what is tested
    "ne_none": lambda T: T.ones(2) != None,  # noqa: E711
    "eq_str": lambda T: T.ones(2) == "a",
    "eq_list": lambda T: T.ones(2) == [1, 1],
    "eq_object": lambda T: T.ones(2) == object(),
    "in_list": lambda T: T.ones(2) in [None, "a"],
    "batch_norm_empty_train": lambda T: T.nn.BatchNorm1d(3)(T.zeros(0, 3)),
    "batch_norm_empty_eval": lambda T: T.nn.BatchNorm1d(3).eval()(T.zeros(0, 3)),
    "load_1_into_0d": lambda T: _load(T, T.nn.BatchNorm1d(2), num_batches_tracked=T.tensor([5])),
    "load_2_into_0d": lambda T: _load(T, T.nn.BatchNorm1d(2), num_batches_tracked=T.tensor([5, 6])),
    "load_11_into_0d": lambda T: _load(T, T.nn.BatchNorm1d(2), num_batches_tracked=T.tensor([[5]])),
    "load_0d_into_1": lambda T: _load(T, T.nn.Linear(1, 1), bias=T.tensor(1.0)),
}

# Same exception type, another message: PyTorch's argument parser lists its overloads, and
# PyTorch names the uint16/32/64 dtypes graphgrad does not have
TYPE_ONLY = {
    "tensor_object_array",
    "zeros_none",
    "narrow_float",
    "eye_float",
    "add_fraction_fn",
    "exp_list",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_matches_torch(name):
    torch = pytest.importorskip("torch")
    got, want = outcome(graphgrad, CASES[name]), outcome(torch, CASES[name])
    assert_same(got, want, message=name not in TYPE_ONLY)


def test_batch_norm_empty_batch_keeps_statistics():
    torch = pytest.importorskip("torch")

    def case(T):
        bn = T.nn.BatchNorm1d(3)
        x = T.zeros(0, 3, requires_grad=True)
        y = bn(x)
        y.sum().backward()
        return y, x.grad, bn.weight.grad, bn.bias.grad, bn.running_mean, bn.running_var

    assert_same(outcome(graphgrad, case), outcome(torch, case))
    assert graphgrad.nn.BatchNorm1d(3)(graphgrad.zeros(0, 3)).grad_fn.name() == "AddBackward0"


@pytest.mark.parametrize(
    "call",
    [lambda T, x: x.narrow(0, 0, 1), lambda T, x: x.narrow(5, 0, 1), lambda T, x: x.select(0, 0)],
)
def test_zero_dim_narrow_and_select_raise_as_torch(call):
    torch = pytest.importorskip("torch")
    import graphgrad

    errors = []
    for T in (graphgrad, torch):
        with pytest.raises(Exception) as info:
            call(T, T.tensor(1.0))
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
