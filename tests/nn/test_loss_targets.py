"""nll_loss and cross_entropy check their targets and weights as PyTorch does: the same errors,
in the same order, for the shapes beginners get wrong (a 0-d target, an ``(N, 1)`` target, a
weight of the wrong length), and the same values where PyTorch accepts the input."""

from __future__ import annotations

import pytest

import graphgrad

from .._compare_torch import assert_same, outcome

# (input shape, target: a list or (shape, dtype name), keyword arguments)
CASES = {
    "0-d target, batch of 1": ((1, 5), 2, {}),
    "0-d target, batch of 2": ((2, 5), 2, {}),
    "1-d input, target [2]": ((5,), [2], {}),
    "1-d input, target of size 2": ((5,), [2, 1], {}),
    "1-d input, 0-d target": ((5,), 2, {}),
    "1-d input, 2-d target": ((5,), [[2]], {}),
    "(N, 1) target": ((2, 5), [[2], [1]], {}),
    "float target (2, 4)": ((2, 5), ((2, 4), "float32"), {}),
    "float target (3,)": ((2, 5), ((3,), "float32"), {}),
    "float target (2,)": ((2, 5), ((2,), "float32"), {}),
    "int32 target": ((2, 5), ((2,), "int32"), {}),
    "short weight": ((2, 5), [1, 2], {"weight": (3,)}),
    "short weight, target past it": ((2, 5), [1, 4], {"weight": (3,)}),
    "long weight": ((2, 5), [1, 2], {"weight": (6,)}),
    "2-d weight": ((2, 5), [1, 2], {"weight": (1, 5)}),
    "float64 weight": ((2, 5), [1, 2], {"weight": (5,), "weight_dtype": "float64"}),
    "weight, 1-d input": ((5,), 2, {"weight": (3,)}),
    "3-d input": ((2, 5, 3), [[1, 2, 0], [0, 0, 0]], {}),
    "3-d input, wrong target": ((2, 5, 3), [[1, 2, 0, 1], [0, 0, 0, 1]], {}),
    "3-d input, short batch": ((2, 5, 3), [[1, 2, 0]], {}),
    "3-d input, 1-d target": ((2, 5, 3), [1, 2], {}),
    "3-d input, short weight": ((2, 5, 3), ((2, 3), "int64"), {"weight": (3,)}),
    "4-d input, 2-d target": ((2, 5, 3, 3), ((2, 3), "int64"), {}),
    "4-d input, 4-d target": ((2, 5, 3, 3), ((2, 3, 3, 1), "int64"), {}),
    "4-d input, short weight": ((2, 5, 3, 3), ((2, 3, 3), "int64"), {"weight": (3,)}),
    "4-d input, float target and short weight": ((2, 5, 3, 3), ((2, 3, 3), "float32"),
                                                 {"weight": (3,)}),
    "4-d input, batch": ((2, 5, 3, 3), ((3, 3, 3), "int64"), {}),
    "4-d input, spatial size": ((2, 5, 3, 3), ((2, 3, 4), "int64"), {}),
    "5-d input, target": ((2, 5, 3, 3, 2), ((2, 3, 3), "int64"), {}),
    "target out of range": ((2, 5), [1, 7], {}),
    "1-d input, target [2], no reduction": ((5,), [2], {"reduction": "none"}),
    "label smoothing, (N, 1) target": ((2, 5), [[2], [1]], {"label_smoothing": 0.1}),
}  # fmt: skip


def call(T, fn: str, case: str):
    shape, target, kwargs = CASES[case]
    kwargs = dict(kwargs)
    if fn == "nll_loss" and "label_smoothing" in kwargs:
        pytest.skip("label smoothing is cross_entropy's")
    input = T.zeros(shape)  # log_softmax of zeros: the same bits on both sides
    if isinstance(target, tuple):
        target = T.zeros(target[0], dtype=getattr(T, target[1]))
    else:
        target = T.tensor(target)
    if "weight" in kwargs:
        dtype = getattr(T, kwargs.pop("weight_dtype", "float32"))
        kwargs["weight"] = T.ones(kwargs["weight"], dtype=dtype)
    return getattr(T.nn.functional, fn)(input, target, **kwargs)


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("case", CASES)
def test_checks_and_values_match_pytorchs(fn, case):
    torch = pytest.importorskip("torch")
    got, want = (outcome(T, lambda T: call(T, fn, case)) for T in (graphgrad, torch))
    assert_same(got, want)


def test_a_weight_of_the_wrong_length_is_refused_without_torch():
    # before: the first three classes' weights were read and a loss came back (1.6094)
    with pytest.raises(RuntimeError, match="either for all 5 classes or no classes"):
        graphgrad.nn.functional.cross_entropy(
            graphgrad.zeros(2, 5), graphgrad.tensor([1, 2]), weight=graphgrad.ones(3)
        )
