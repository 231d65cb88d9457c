"""torch's utilities against torch: can_cast over every pair of dtypes, the warning,
determinism and matmul-precision settings, _assert, compiled_with_cxx11_abi, get_device_module."""

from __future__ import annotations

import warnings

import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")

DTYPES = "bool uint8 int8 int16 int32 int64 float16 bfloat16 float32 float64 complex64 complex128"


def both(case, message=True):
    assert_same(outcome(graphgrad, case), outcome(torch, case), message)


def test_can_cast_every_pair_as_torch():
    def table(T):
        names = [n for n in DTYPES.split() if hasattr(graphgrad, n)]
        return [(a, b, T.can_cast(getattr(T, a), getattr(T, b))) for a in names for b in names]

    both(table)


@pytest.mark.parametrize(
    "case",
    [
        lambda T: T.can_cast(1, T.float),
        lambda T: T.can_cast(T.float, "x"),
        lambda T: T.can_cast(from_=T.float, to=T.int),
    ],
)
def test_can_cast_arguments_as_torch(case):
    both(case)


def test_warn_always_as_torch():
    def run(T):
        seen = [T.is_warn_always_enabled()]
        T.set_warn_always(True)
        seen.append(T.is_warn_always_enabled())
        T.set_warn_always(False)
        return seen + [T.is_warn_always_enabled()]

    both(run)
    both(lambda T: T.set_warn_always("x"))


@pytest.mark.parametrize("mode", ["default", "warn", "error", 0, 1, 2, 3, "x", 1.5])
def test_deterministic_debug_mode_as_torch(mode):
    def run(T):
        try:
            T.set_deterministic_debug_mode(mode)
            return (
                T.get_deterministic_debug_mode(),
                T.are_deterministic_algorithms_enabled(),
                T.is_deterministic_algorithms_warn_only_enabled(),
            )
        finally:
            T.set_deterministic_debug_mode(0)

    both(run)


@pytest.mark.parametrize("precision", ["high", "medium", "highest", "x", 1])
def test_float32_matmul_precision_as_torch(precision):
    def run(T):
        start = T.get_float32_matmul_precision()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                T.set_float32_matmul_precision(precision)
            return start, T.get_float32_matmul_precision(), [str(w.message)[:40] for w in caught]
        finally:
            T.set_float32_matmul_precision("highest")

    both(run)


@pytest.mark.parametrize("condition", [True, False, 0, 1, "s"])
def test_assert_as_torch(condition):
    both(lambda T: T._assert(condition, "the message"))
    both(lambda T: T._assert(T.tensor(bool(condition)), "the message"))


def test_compiled_with_cxx11_abi_as_torch():
    both(lambda T: T.compiled_with_cxx11_abi())


@pytest.mark.parametrize("device", [None, "cpu", "cuda", "cuda:0", "foo", 3])
def test_get_device_module_as_torch(device):
    def run(T):
        if device == "cpu":
            return T.get_device_module(T.device("cpu")).__name__.split(".", 1)[1]
        return T.get_device_module(device).__name__.split(".", 1)[1]

    both(run)


def test_cpu_module_as_torch():
    both(
        lambda T: (
            T.cpu.is_available(),
            T.cpu.device_count(),
            T.cpu.current_device(),
            T.cpu.synchronize(),
            T.cpu.is_initialized(),
        )
    )
