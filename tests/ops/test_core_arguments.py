"""Core tensor operations given arguments where graphgrad gave a value PyTorch does not: each
case runs in graphgrad and in torch, and the outcome (values and dtype, or the exception's type
and message) must be the same. Found by a probe of 838 edge-case calls against torch 2.13."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad

from .._compare_torch import assert_like_torch

NAN = float("nan")


def assigned(T, make, key, value):
    x = make(T)
    x[key] = value
    return x


CASES = {
    # view(dtype) reads the same bytes (it converted the values)
    "view float32 as int32": lambda T: T.tensor([1.0, 2.0]).view(T.int32),
    "view float32 as float64, odd": lambda T: T.ones(3).view(T.float64),
    "view float32 as float64": lambda T: T.ones(2, 4).view(T.float64),
    "view float64 as float32": lambda T: T.ones(2, dtype=T.float64).view(T.float32),
    "view float32 as uint8": lambda T: T.ones(1).view(T.uint8),
    "view float32 as int16, 2-D": lambda T: T.ones(2, 2).view(T.int16),
    "view uint8 as bool": lambda T: T.tensor([0, 1, 2], dtype=T.uint8).view(T.bool),
    "view 0-d as int32": lambda T: T.tensor(1.0).view(T.int32),
    "view 0-d as float64": lambda T: T.tensor(1.0).view(T.float64),
    "view transposed as float64": lambda T: T.ones(4, 2).t().view(T.float64),
    "view transposed as int16": lambda T: T.ones(2, 3).t().view(T.int16),
    "view requires_grad": lambda T: T.ones(2, requires_grad=True).view(T.int32).requires_grad,
    # integer division toward zero stays integer (it gave floats, and inf for 1 // 0)
    "div trunc int": lambda T: T.div(T.tensor([7, -7, 7, -7, 0]), T.tensor([2, 2, -2, -2, 3]),
                                     rounding_mode="trunc"),
    "div trunc by 0": lambda T: T.div(T.tensor([1]), T.tensor([0]), rounding_mode="trunc"),
    "div_ trunc int": lambda T: T.tensor([7]).div_(2, rounding_mode="trunc"),
    "div trunc int scalar": lambda T: T.div(T.tensor([7]), 2, rounding_mode="trunc"),
    "div trunc int by float": lambda T: T.div(T.tensor([7]), 2.0, rounding_mode="trunc"),
    "div trunc uint8": lambda T: T.div(T.tensor([7], dtype=T.uint8), T.tensor([2], dtype=T.uint8),
                                       rounding_mode="trunc"),
    # a NaN bound makes clamp's result NaN (it was ignored)
    "clamp min nan": lambda T: T.tensor([1.0, 5.0]).clamp(NAN),
    "clamp max nan": lambda T: T.tensor([1.0, 5.0]).clamp(max=NAN),
    "clamp_min nan": lambda T: T.tensor([1.0, 5.0]).clamp_min(NAN),
    "clamp_max nan": lambda T: T.tensor([1.0, 5.0]).clamp_max(NAN),
    # alpha: no float for integers; a bool for bools
    "add bool alpha 2": lambda T: T.add(T.tensor([True]), T.tensor([True]), alpha=2),
    "add int alpha 0.5": lambda T: T.add(T.arange(3), T.arange(3), alpha=0.5),
    "add float alpha 0.5": lambda T: T.add(T.arange(3.0), T.arange(3), alpha=0.5),
    "sub int alpha 0.5": lambda T: T.sub(T.arange(3), T.arange(3), alpha=0.5),
    "add_ int alpha 0.5": lambda T: T.arange(3).add_(T.arange(3), alpha=0.5),
    # arange in integer dtypes: the bounds and step truncated first
    "arange int64 step 0.5": lambda T: T.arange(0, 2.5, 0.5, dtype=T.int64),
    "arange int64 (-1.5, 2)": lambda T: T.arange(-1.5, 2, 1, dtype=T.int64),
    "arange int64 (0, 2.5)": lambda T: T.arange(0, 2.5, 1, dtype=T.int64),
    "arange int64 step 1.5": lambda T: T.arange(0, 3, 1.5, dtype=T.int64),
    "arange int64 (0, -2.5, -1)": lambda T: T.arange(0, -2.5, -1, dtype=T.int64),
    "arange uint8 (0, 2.5)": lambda T: T.arange(0, 2.5, 1, dtype=T.uint8),
    "arange int8 (-1.5, 2)": lambda T: T.arange(-1.5, 2, 1, dtype=T.int8),
    "arange int8 step 0.5": lambda T: T.arange(0, 2.5, 0.5, dtype=T.int8),
    "arange bool": lambda T: T.arange(3, dtype=T.bool),
    # comparisons of two dtypes
    "isclose int float": lambda T: T.isclose(T.arange(3), T.arange(3.0)),
    "allclose float32 float64": lambda T: T.allclose(T.ones(2), T.ones(2, dtype=T.float64)),
    # assignment takes a tensor or a Python number
    "assign None": lambda T: assigned(T, lambda T: T.zeros(3), 0, None),
    "assign list": lambda T: assigned(T, lambda T: T.zeros(2, 4), 0, [1, 2, 3, 4]),
    "assign tuple": lambda T: assigned(T, lambda T: T.zeros(3), 0, (1.0,)),
    "assign str": lambda T: assigned(T, lambda T: T.zeros(3), 0, "a"),
    "assign ndarray": lambda T: assigned(T, lambda T: T.zeros(3), slice(None), np.ones(3)),
    "assign numpy scalar": lambda T: assigned(T, lambda T: T.zeros(3), 0, np.float32(2)),
    "assign list to int64": lambda T: assigned(T, lambda T: T.zeros(3, dtype=T.int64), [0, 1],
                                               [1, 2]),
    "assign bool": lambda T: assigned(T, lambda T: T.zeros(3), slice(None), True),
    "assign tensor": lambda T: assigned(T, lambda T: T.zeros(3), slice(None), T.ones(3)),
    # index, put and take: PyTorch's index dtypes, sizes and source dtypes
    "put more indices than values": lambda T: T.zeros(3).put(T.tensor([0, 1]), T.tensor([1.0])),
    "put float64 source": lambda T: T.zeros(3).put(T.tensor([0]), T.tensor([1.0], dtype=T.float64)),
    "take int32 index": lambda T: T.zeros(3).take(T.tensor([0], dtype=T.int32)),
    "index with int8": lambda T: T.arange(4.0)[T.tensor([1, 0], dtype=T.int8)],
    "index with int16": lambda T: T.arange(4.0)[T.tensor([1, 0], dtype=T.int16)],
    "index with int32": lambda T: T.arange(4.0)[T.tensor([1, 0], dtype=T.int32)],
    "index_put float64": lambda T: T.zeros(3).index_put((T.tensor([0]),),
                                                        T.tensor([1.0], dtype=T.float64)),
    # shapes and reductions
    "squeeze a dim twice": lambda T: T.ones(1, 3, 1).squeeze((0, 0)),
    "squeeze 0 and -3": lambda T: T.ones(1, 3, 1).squeeze((0, -3)),
    "broadcast_shapes -1": lambda T: T.broadcast_shapes((-1, 4)),
    "vector_norm -1 of nothing": lambda T: T.linalg.vector_norm(T.zeros(0), ord=-1),
    "vector_norm inf of nothing": lambda T: T.linalg.vector_norm(T.zeros(0), ord=float("inf")),
    "vector_norm -inf of nothing": lambda T: T.linalg.vector_norm(T.zeros(0), ord=-float("inf")),
    "vector_norm 2 of nothing": lambda T: T.linalg.vector_norm(T.zeros(0)),
    "vector_norm -1 over a full dim": lambda T: T.linalg.vector_norm(T.zeros(2, 0), ord=-1, dim=0),
    "round int decimals": lambda T: T.arange(3).round(decimals=1),
    # errors that leaked NumPy's or Python's
    "assign NaN into int64": lambda T: assigned(T, lambda T: T.zeros(3, dtype=T.int64), 0, NAN),
    "assign 300 into int8": lambda T: assigned(T, lambda T: T.zeros(3, dtype=T.int8), 0, 300),
    "assign inf into int64": lambda T: assigned(T, lambda T: T.zeros(3, dtype=T.int64), 0,
                                                float("inf")),
    "assign complex into float": lambda T: assigned(T, lambda T: T.zeros(2), 0, 1 + 2j),
    "ragged depth": lambda T: T.tensor([[[1]], [2]]),
    "ragged number": lambda T: T.tensor([[1], 2]),
    "ragged string": lambda T: T.tensor([[1], "a"]),
    "ragged None": lambda T: T.tensor([[1], None]),
    "Tensor(-1)": lambda T: T.Tensor(-1),
    "new_zeros(-1)": lambda T: T.zeros(2).new_zeros(-1),
    "full with a string": lambda T: T.full((2,), "a"),
    "full with None": lambda T: T.full((2,), None),
    "full with a 0-d tensor": lambda T: T.full((2,), T.tensor(3.0)),
    "hstack of nothing": lambda T: T.hstack([]),
    "vstack of nothing": lambda T: T.vstack([]),
    "unbind 0-d": lambda T: T.tensor(5.0).unbind(),
    "complex of a tensor": lambda T: complex(T.tensor(1 + 2j)),
    # other exception types
    "~ of a float tensor": lambda T: ~T.zeros(3),
    "~ of a bool tensor": lambda T: ~T.tensor([True, False]),
    "bitwise_not of a float tensor": lambda T: T.bitwise_not(T.zeros(3)),
    "index_fill with a float index": lambda T: T.zeros(3).index_fill(0, T.tensor([0.0]), 1.0),
    "index_fill with an int32 index": lambda T: T.zeros(3).index_fill(
        0, T.tensor([0], dtype=T.int32), 1.0),
    "kthvalue of nothing": lambda T: T.zeros(0).kthvalue(1),
    "kthvalue over an empty dim": lambda T: T.zeros(2, 0).kthvalue(1),
    "bool @ bool": lambda T: T.ones(2, 2, dtype=T.bool) @ T.ones(2, 2, dtype=T.bool),
    "bool vectors @": lambda T: T.ones(2, dtype=T.bool) @ T.ones(2, dtype=T.bool),
    "bool mm": lambda T: T.mm(T.ones(2, 2, dtype=T.bool), T.ones(2, 2, dtype=T.bool)),
    # scatter's deprecated reduce argument (it raised NotImplementedError)
    "scatter add a value": lambda T: T.zeros(3).scatter(0, T.tensor([0, 0]), 2.0, reduce="add"),
    "scatter multiply a value": lambda T: T.ones(3).scatter(0, T.tensor([0, 0]), 2.0,
                                                            reduce="multiply"),
    "scatter multiply, 2-D": lambda T: T.ones(2, 3).scatter(1, T.tensor([[0, 0], [2, 1]]),
                                                            T.full((2, 3), 2.0), reduce="multiply"),
    "scatter add a tensor": lambda T: T.zeros(3).scatter(0, T.tensor([0, 0, 2]),
                                                         T.tensor([1.0, 2.0, 3.0]), reduce="add"),
    "scatter_ add": lambda T: T.zeros(3).scatter_(0, T.tensor([0, 0]), T.ones(2), reduce="add"),
    "scatter add integers": lambda T: T.zeros(3, dtype=T.int64).scatter(
        0, T.tensor([1, 1]), T.tensor([5, 6]), reduce="add"),
    "scatter reduce max": lambda T: T.zeros(3).scatter(0, T.tensor([0]), T.ones(1), reduce="max"),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_outcome_matches_pytorchs(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scatter's deprecation warning, on both sides
        assert_like_torch(CASES[name])


def test_view_as_another_dtype_reads_the_bytes_without_torch():
    assert graphgrad.tensor([1.0]).view(graphgrad.int32).item() == 1065353216
