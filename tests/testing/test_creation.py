"""``torch.testing.make_tensor``: PyTorch's values for the same seed, and its errors."""

from __future__ import annotations

import warnings

import pytest

import graphgrad
from graphgrad.testing import make_tensor

from .._compare_torch import assert_same, outcome


def test_float32_values_are_pytorchs_uniform_draws_in_minus_9_to_9():
    graphgrad.manual_seed(0)
    got = make_tensor((2, 2), dtype=graphgrad.float32, device="cpu")
    # torch.manual_seed(0); make_tensor((2, 2), dtype=torch.float32, device="cpu") in torch 2.13
    want = [[-0.06738138198852539, 4.8279924392700195], [-7.407406330108643, -6.623451232910156]]
    assert got.tolist() == want


def test_noncontiguous_takes_every_second_value_of_a_wider_draw():
    graphgrad.manual_seed(0)
    got = make_tensor(2, 3, dtype=graphgrad.float32, device="cpu", noncontiguous=True)
    graphgrad.manual_seed(0)
    wide = graphgrad.empty(2, 6).uniform_(-9, 9)
    assert graphgrad.equal(got, wide[..., 1::2]) and not got.is_contiguous()


def _seeded(T, **kwargs):
    T.manual_seed(0)
    shape = kwargs.pop("shape", (5,))
    if shape is None:  # the sizes as several arguments
        return T.testing.make_tensor(3, 2, device="cpu", **kwargs)
    return T.testing.make_tensor(shape, device="cpu", **kwargs)


# Each case runs with ``T`` = torch and with ``T`` = graphgrad: the same tensor or error.
CASES = {
    "float32": lambda T: _seeded(T, dtype=T.float32),
    "float64": lambda T: _seeded(T, dtype=T.float64),
    "float16": lambda T: _seeded(T, dtype=T.float16),
    "int64": lambda T: _seeded(T, dtype=T.int64),
    "int32": lambda T: _seeded(T, dtype=T.int32),
    "int8": lambda T: _seeded(T, dtype=T.int8),
    "uint8": lambda T: _seeded(T, dtype=T.uint8),
    "bool": lambda T: _seeded(T, dtype=T.bool, low=-5, high=300),
    "complex64": lambda T: _seeded(T, shape=(2, 3), dtype=T.complex64),
    "0-d": lambda T: _seeded(T, shape=(), dtype=T.float32),
    "several ints": lambda T: _seeded(T, shape=None, dtype=T.float32),
    "Size": lambda T: _seeded(T, shape=T.Size([2, 3]), dtype=T.float32),
    "low high": lambda T: _seeded(T, dtype=T.float32, low=0, high=1),
    "int low high": lambda T: _seeded(T, shape=(8,), dtype=T.int64, low=0, high=3),
    "rounded up": lambda T: _seeded(T, shape=(8,), dtype=T.int64, low=0.5, high=3.5),
    "clamped uint8": lambda T: _seeded(T, dtype=T.uint8, low=-5, high=300),
    "clamped int8": lambda T: _seeded(T, dtype=T.int8, low=100, high=200),
    "clamped int32": lambda T: _seeded(T, dtype=T.int32, low=-(2**40), high=2**40),
    "clamped float32": lambda T: _seeded(T, dtype=T.float32, low=-1e40, high=1e40),
    "exclude zero": lambda T: _seeded(T, shape=(8,), dtype=T.int64, low=-1, high=1,
                                      exclude_zero=True),
    "noncontiguous": lambda T: _seeded(T, shape=(3,), dtype=T.float32, noncontiguous=True),
    "noncontiguous 1": lambda T: _seeded(T, shape=(2, 1), dtype=T.float32,
                                         noncontiguous=True).stride(),
    "requires_grad": lambda T: _seeded(T, dtype=T.float32, requires_grad=True).requires_grad,
    "int requires_grad": lambda T: _seeded(T, dtype=T.int64, requires_grad=True),
    "no device": lambda T: T.testing.make_tensor((2,), dtype=T.float32),
    "dtype name": lambda T: T.testing.make_tensor((2,), dtype="float", device="cpu"),
    "low >= high": lambda T: _seeded(T, dtype=T.float32, low=5, high=1),
    "int low == high": lambda T: _seeded(T, dtype=T.int64, low=2, high=2),
    "default low >= high": lambda T: _seeded(T, dtype=T.float32, high=-20),
    "nan": lambda T: _seeded(T, dtype=T.float32, low=float("nan")),
    "outside uint8": lambda T: _seeded(T, dtype=T.uint8, low=300, high=400),
    "outside float16": lambda T: _seeded(T, dtype=T.float16, low=1e6, high=1e7),
    "both layouts": lambda T: _seeded(T, dtype=T.float32, noncontiguous=True,
                                      memory_format=getattr(T, "contiguous_format", object())),
    "negative size": lambda T: _seeded(T, shape=(-1,), dtype=T.float32),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_outcomes_match_pytorchs(name):
    torch = pytest.importorskip("torch")
    got, want = outcome(graphgrad, CASES[name]), outcome(torch, CASES[name])
    if name == "both layouts":  # graphgrad has no memory-format objects: the same refusal
        assert got[0] == want[0] == "ValueError" and "mutually exclusive" in got[1]
        return
    assert_same(got, want)


def test_low_equal_to_high_warns_and_fills_as_pytorch_does():
    torch = pytest.importorskip("torch")
    case = lambda T: _seeded(T, shape=(3,), dtype=T.float32, low=2, high=2)  # noqa: E731
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert_same(outcome(graphgrad, case), outcome(torch, case))
    messages = {str(w.message) for w in caught if w.category is FutureWarning}
    assert len(messages) == 1 and "Passing `low==high`" in messages.pop()
