"""``torch.testing.assert_close``: PyTorch's tolerances and failure messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad.testing import assert_allclose, assert_close

from .._compare_torch import assert_like_torch, assert_same, outcome


def _message(call) -> tuple[str, str]:
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the exception is what is checked
        return type(e).__name__, str(e)
    return "ok", ""


def test_a_float32_mismatch_reports_counts_differences_and_tolerances():
    a, e = graphgrad.tensor([1.0, 2.0, 3.0]), graphgrad.tensor([1.0, 2.5, 3.0])
    assert _message(lambda: assert_close(a, e)) == ("AssertionError", (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)"
    ))  # fmt: skip


def test_default_tolerances_follow_the_dtype():
    assert_close(graphgrad.tensor([1.0]), graphgrad.tensor([1.0 + 1e-6]))  # float32: 1e-5 atol
    wide = graphgrad.tensor([1.0 + 1e-6], dtype=graphgrad.float64)
    with pytest.raises(AssertionError, match="up to 1e-07 allowed"):
        assert_close(graphgrad.tensor([1.0], dtype=graphgrad.float64), wide)
    with pytest.raises(AssertionError, match="Tensor-likes are not equal!"):
        assert_close(graphgrad.tensor([1, 2]), graphgrad.tensor([1, 3]))


def test_an_item_in_a_container_is_named_and_msg_replaces_or_wraps_the_message():
    actual, expected = {"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}
    assert _message(lambda: assert_close(actual, expected))[1].endswith(
        "\n\nThe failure occurred for item ['a'][1]['b']"
    )
    assert _message(lambda: assert_close(actual, expected, msg="custom")) == (
        "AssertionError", "custom")  # fmt: skip
    wrapped = _message(lambda: assert_close(1.0, 2.0, msg=lambda m: f"<{m}>"))[1]
    assert wrapped.startswith("<Scalars are not close!") and wrapped.endswith(">")


def test_inputs_no_pair_compares_raise_type_error_naming_both_types():
    assert _message(lambda: assert_close(graphgrad.ones(1), [1.0])) == ("TypeError", (
        "No comparison pair was able to handle inputs of type "
        "<class 'graphgrad.tensor.Tensor'> and <class 'list'>."
    ))  # fmt: skip


def test_assert_allclose_warns_and_uses_its_older_float32_tolerance():
    with pytest.warns(FutureWarning, match="assert_allclose\\(\\)` is deprecated"):
        assert_allclose(graphgrad.tensor([1.0]), [1.00005])  # rtol 1e-4: close
    with warnings.catch_warnings(), pytest.raises(AssertionError, match="up to 0.0001 allowed"):
        warnings.simplefilter("ignore", FutureWarning)
        assert_allclose(graphgrad.tensor([1.0, 2.0]), graphgrad.tensor([1.0, 2.5]))


def _made(T, x):
    return x(T) if callable(x) else x


def close(actual, expected, **kwargs):
    """A case: ``assert_close`` of two inputs; a callable input is built from the module ``T``."""
    return lambda T: T.testing.assert_close(_made(T, actual), _made(T, expected), **kwargs)


def t(values, dtype=None, sparse=False):
    """A tensor of ``values`` (``dtype`` named as in torch), made by the module under test."""
    return lambda T: (lambda x: x.to_sparse() if sparse else x)(
        T.tensor(values, dtype=dtype and getattr(T, dtype))
    )


def arange_t(T):
    return T.arange(6.0).reshape(3, 2).t()


NAN, INF = float("nan"), float("inf")
# Each case runs with ``T`` = torch and with ``T`` = graphgrad; the outcome (None, or the
# exception's type and message) must be the same.
CASES = {
    "equal": close(t([1.0, 2.0]), t([1.0, 2.0])),
    "within": close(t([1.0, 2.0]), t([1.0, 2.0000001])),
    "float32": close(t([1.0, 2, 3, 4]), t([1.0, 2.5, 3, 4.1])),
    "2d": close(lambda T: T.zeros(2, 3), lambda T: T.ones(2, 3)),
    "t": close(lambda T: T.arange(6.0).reshape(2, 3), arange_t),
    "float16": close(t([1.0, 2.0], "float16"), t([1.0, 2.01], "float16")),
    "float64": close(t([1.0, 2.0], "float64"), t([1.0, 2.01], "float64")),
    "mixed": close(t([1.0, 2.0], "float64"), t([1.0, 2.01]), check_dtype=False),
    "int-float": close(t([1, 2]), t([1.0, 2.5]), check_dtype=False),
    "int": close(t([1, 2]), t([1, 3])),
    "uint8": close(t([3], "uint8"), t([1], "uint8")),
    "uint8-": close(t([1], "uint8"), t([3], "uint8")),
    "int-tol": close(t([1, 2]), t([1, 3]), rtol=0.1, atol=0.0),
    "bool": close(t([True]), t([False])),
    "0-d": close(t(1.0), t(1.5)),
    "0-d int": close(t(3), t(4)),
    "0-d bool": close(t(True), t(False)),
    "0-d mixed": close(t(3.0), t(4.0, "float64"), check_dtype=False),
    "1 element": close(t([[1.0]]), t([[1.5]])),
    "nan": close(t([[1.0, NAN], [2, 3]]), t([[1.0, NAN], [2, 4]])),
    "equal_nan": close(t([[1.0, NAN], [2, 3]]), t([[1.0, NAN], [2, 4]]), equal_nan=True),
    "inf": close(t([1.0, INF]), t([1.0, INF])),
    "-inf": close(t([1.0, INF]), t([1.0, -INF])),
    "zero": close(t([0.0, 2.0]), t([1e-3, 2.0])),
    "complex": close(t([1.0 + 1j]), t([1.0 + 2j])),
    "tolerances": close(t([1.0, 2]), t([1.0, 2.5]), atol=0.1, rtol=0.01),
    "zero tolerances": close(t([1.0, 2]), t([1.0, 2.5]), rtol=0, atol=0),
    "no atol": close(t([1.0]), t([1.0]), rtol=0.2),
    "no rtol": close(t([1.0]), t([1.0]), atol=0.2),
    "msg": close(t([1.0, 2]), t([1.0, 2.5]), msg=lambda m: m + " EXTRA"),
    "shape": close(t([1.0, 2, 3]), t([1.0, 2])),
    "shape first": close(t([1.0, 2]), t([1.0, 2, 3], "float64")),
    "dtype": close(t([1.0]), t([1.0], "float64")),
    "stride": close(lambda T: T.arange(6.0).reshape(2, 3), arange_t, check_stride=True),
    "grad": close(t([1.0, 2]), lambda T: T.tensor([1.0, 2]).requires_grad_()),
    "empty": close(lambda T: T.zeros(0), lambda T: T.zeros(0)),
    "Parameter": close(lambda T: T.nn.Parameter(T.tensor([1.0])), t([1.5])),
    "numpy": close(np.float32([1.0, 2]), np.float32([1.0, 2.5])),
    "numpy 0-d": close(np.array(1.0), np.array(1.5)),
    "sparse values": close(t([1.0, 2], sparse=True), t([1.0, 2.5], sparse=True)),
    "sparse nnz": close(t([1.0, 2], sparse=True), t([1.0, 0], sparse=True)),
    "sparse indices": close(t([1.0, 0], sparse=True), t([0.0, 2], sparse=True)),
    "layout": close(t([1.0, 2], sparse=True), t([1.0, 2])),
    "layout before dtype": close(t([1.0, 2], sparse=True), t([1.0, 2], "float64")),
    "no layout check": close(t([1.0, 2]), t([1.0, 2.5], sparse=True), check_layout=False),
    "numbers": close(1.0, 1.1),
    "ints": close(1, 2),
    "big ints": close(2**70, 2**70 + 1),
    "int vs float": close(1, 1.0),
    "complex numbers": close(1 + 2j, 1 + 3j),
    "numpy scalars": close(np.float32(1.0), np.float64(1.5)),
    "numpy int": close(np.int64(1), 2),
    "booleans": close(True, False),
    "None": close(None, None),
    "None mismatch": close(None, 1),
    "None mismatch, other side": close(1, None),
    "list vs tuple": close([1, 2], (1, 2)),
    "lengths": close([1, 2], [1, 2, 3]),
    "nested": close([[1, 2], [3]], [[1, 2], [4]]),
    "tensor in a list": close(lambda T: [T.tensor(1.0)], lambda T: [T.tensor(1.5)]),
    "msg in a list": close(lambda T: [T.tensor(1.0)], lambda T: [T.tensor(1.5)], msg="custom"),
    "keys": close({"a": 1}, {"b": 1}),
    "missing key": close({"a": 1}, {"a": 1, "c": 2}),
    "int key": close({1: 1}, {1: 2}),
    "strings": close("a", "b"),
    "strings, msg": close("a", "b", msg="x"),
    "strings in a list": close(["a"], ["b"]),
}


@pytest.mark.parametrize("name", CASES)
def test_outcomes_match_pytorchs(name):
    assert_like_torch(CASES[name])


@pytest.mark.parametrize("name", ["Parameter strict", "tensor vs list"])
def test_type_errors_match_pytorchs_but_for_the_class_names(name):
    torch = pytest.importorskip("torch")
    case = {
        "Parameter strict": lambda T: T.testing.assert_close(
            T.nn.Parameter(T.tensor([1.0])), T.tensor([1.5]), allow_subclasses=False
        ),
        "tensor vs list": lambda T: T.testing.assert_close(T.tensor([1.0, 2.0]), [1.0, 2.0]),
    }[name]
    got, want = outcome(graphgrad, case), outcome(torch, case)
    renamed = want[1].replace("torch.nn.parameter.Parameter", "graphgrad.nn.parameter.Parameter")
    assert got == (want[0], renamed.replace("'torch.Tensor'", "'graphgrad.tensor.Tensor'"))


def allclose(actual, expected, **kwargs):
    return lambda T: T.testing.assert_allclose(_made(T, actual), _made(T, expected), **kwargs)


ALLCLOSE = {
    "list": allclose(t([1.0, 2.0]), [1.0, 2.5]),
    "float64 expected": allclose(t([1.0, 2.0]), t([1.0, 2.00001], "float64")),
    "nan": allclose(t([1.0, NAN]), t([1.0, NAN])),
    "msg": allclose(t([1.0, 2.0]), t([1.0, 2.5]), msg="m"),
    "rtol only": allclose(t([1.0, 2.0]), t([1.0, 2.5]), rtol=0.5),
    "numbers": allclose(1.0, 1.5),
    "ints": allclose(t([1, 2]), t([1, 3])),
    "float16": allclose(t([1.0, 2.0], "float16"), t([1.0, 2.01], "float16")),
}


@pytest.mark.parametrize("name", ALLCLOSE)
def test_assert_allclose_matches_pytorchs(name):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert_same(outcome(graphgrad, ALLCLOSE[name]), outcome(torch, ALLCLOSE[name]))
