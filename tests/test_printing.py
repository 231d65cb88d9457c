"""Tests for graphgrad._printing: repr/str byte-identical to PyTorch 2.13, the recorded strings.

Exact strings recorded from real PyTorch in spec/torch-behaviour.md, section 1 (values, wrapping,
summarization, print options), printed through a minimal stand-in tensor (so these run before,
and independently of, graphgrad's core). Parity with live PyTorch over generated arrays, and the
checks on real graphgrad tensors, are in test_printing_parity.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ._printing_helpers import (  # noqa: F401 - _reset_printoptions is an autouse fixture
    F32,
    F64,
    I64,
    INF,
    NAN,
    Parameter,
    Tensor,
    _printing,
    _reset_printoptions,
    dtypes,
    show,
)

# -- exact strings from the spec (section 1.1) ---------------------------------------------------


SPEC_SCALARS = [
    ("tensor(14.)", 14.0, F32, {}),
    ("tensor(7., requires_grad=True)", 7.0, F32, {"requires_grad": True}),
    ("tensor(3.5000)", 3.5, F32, {}),
    ("tensor(0.3333)", 1 / 3, F32, {}),
    ("tensor(5)", 5, I64, {}),
    ("tensor(True)", True, np.bool_, {}),
    ("tensor(2., dtype=torch.float64)", 2.0, F64, {}),
    ("tensor(1.0000e-05)", 1e-5, F32, {}),
    ("tensor(1.2346e+08)", 123456789.0, F32, {}),
    ("tensor(100000000.)", 1e8, F32, {}),
    ("tensor(1.0000e+09)", 1e9, F32, {}),
    ("tensor(0.)", 0.0, F32, {}),
    ("tensor(-0.)", -0.0, F32, {}),
    ("tensor(nan)", NAN, F32, {}),
    ("tensor(inf)", INF, F32, {}),
    ("tensor(1.5000, dtype=torch.float16)", 1.5, np.float16, {}),
    ("tensor(49., grad_fn=<PowBackward0>)", 49.0, F32, {"grad_fn": "PowBackward0"}),
    ("tensor(52., grad_fn=<AddBackward0>)", 52.0, F32, {"grad_fn": "AddBackward0"}),
]

SPEC_VECTORS = [
    ("tensor([1., 2., 3.])", [1, 2, 3], F32, {}),
    ("tensor([1.0000, 2.5000, 3.0000])", [1, 2.5, 3], F32, {}),
    ("tensor([-1.0000,  2.5000,  3.0000])", [-1, 2.5, 3], F32, {}),
    ("tensor([-1.,  2., 30.])", [-1, 2, 30], F32, {}),
    ("tensor([0., 0., 0.])", [0, 0, 0], F32, {}),
    ("tensor([-0., 1., 2.])", [-0.0, 1, 2], F32, {}),
    ("tensor([-0.0000, 1.5000, 2.0000])", [-0.0, 1.5, 2], F32, {}),
    ("tensor([1, 2, 3])", [1, 2, 3], I64, {}),
    ("tensor([  1, -20, 300])", [1, -20, 300], I64, {}),
    ("tensor([1, 2, 3], dtype=torch.int32)", [1, 2, 3], np.int32, {}),
    ("tensor([ True, False])", [True, False], np.bool_, {}),
    ("tensor([1., 2.], dtype=torch.float64)", [1, 2], F64, {}),
    ("tensor([1., nan, inf, -inf])", [1, NAN, INF, -INF], F32, {}),
    ("tensor([1.5000,    nan,    inf])", [1.5, NAN, INF], F32, {}),
    ("tensor([1.0000e+00, 1.0010e+03])", [1, 1001], F32, {}),
    ("tensor([   1., 1000.])", [1, 1000], F32, {}),
    ("tensor([1.0000e-04, 2.0000e-04])", [1e-4, 2e-4], F32, {}),
    ("tensor([0.0000e+00, 1.0000e-05, 1.0000e+00])", [0, 1e-5, 1], F32, {}),
    ("tensor([100000., 200000.])", [1e5, 2e5], F32, {}),
    ("tensor([1.2346e+04, 1.0000e-03])", [12345.6, 1e-3], F32, {}),
    ("tensor([0.1235, 1.0000])", [0.12345678, 1], F32, {}),
    ("tensor([1.0312, 0.5000])", [1.03125, 0.5], F32, {}),
    (
        "tensor([ 1.5410, -0.2934, -2.1788,  0.5684, -1.0845])",
        [1.5410, -0.2934, -2.1788, 0.5684, -1.0845],
        F32,
        {},
    ),
    ("tensor([1, 2], dtype=torch.uint8)", [1, 2], np.uint8, {}),
    ("tensor([1.+2.j, 3.-4.j])", [1 + 2j, 3 - 4j], np.complex64, {}),
    (
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
        [1, 2],
        F64,
        {"requires_grad": True},
    ),
    (
        "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)",
        [2, 4],
        F64,
        {"grad_fn": "MulBackward0"},
    ),
]

SPEC_MATRICES = [
    (
        "tensor([[22., 45., 74.],\n        [ 1.,  2.,  3.]])",
        [[22, 45, 74], [1, 2, 3]],
        F32,
        {},
    ),
    (
        "tensor([[  1.0000,  -2.5000,   3.0000],\n        [400.2500,   5.0000,   6.0000]])",
        [[1, -2.5, 3], [400.25, 5, 6]],
        F32,
        {},
    ),
    (
        "tensor([[  1,   2,   3],\n        [ 40,  50, 600]])",
        [[1, 2, 3], [40, 50, 600]],
        I64,
        {},
    ),
    (
        (
            "tensor([[ 0.3731, -0.8920, -1.5091],\n"
            "        [ 0.3704,  1.4565,  0.9398]], requires_grad=True)"
        ),
        [[0.3731, -0.8920, -1.5091], [0.3704, 1.4565, 0.9398]],
        F32,
        {"requires_grad": True},
    ),
    (
        (
            "tensor([[   8.,   36.,   90.],\n"
            "        [ 176.,  300.,  468.],\n"
            "        [ 686.,  960., 1296.]], grad_fn=<AddBackward0>)"
        ),
        [[8, 36, 90], [176, 300, 468], [686, 960, 1296]],
        F32,
        {"grad_fn": "AddBackward0"},
    ),
    (
        (
            "tensor([[[ 0.,  1.,  2.,  3.],\n"
            "         [ 4.,  5.,  6.,  7.],\n"
            "         [ 8.,  9., 10., 11.]],\n"
            "\n"
            "        [[12., 13., 14., 15.],\n"
            "         [16., 17., 18., 19.],\n"
            "         [20., 21., 22., 23.]]])"
        ),
        np.arange(24).reshape(2, 3, 4),
        F32,
        {},
    ),
    (
        (
            "tensor([[[[ 0,  1],\n"
            "          [ 2,  3]],\n"
            "\n"
            "         [[ 4,  5],\n"
            "          [ 6,  7]]],\n"
            "\n"
            "\n"
            "        [[[ 8,  9],\n"
            "          [10, 11]],\n"
            "\n"
            "         [[12, 13],\n"
            "          [14, 15]]]])"
        ),
        np.arange(16).reshape(2, 2, 2, 2),
        I64,
        {},
    ),
]

SPEC_EMPTY = [
    ("tensor([])", np.zeros(0), F32),
    ("tensor([], size=(0, 3))", np.zeros((0, 3)), F32),
    ("tensor([], dtype=torch.int64)", np.zeros(0), I64),
    ("tensor([], size=(2, 0), dtype=torch.float64)", np.zeros((2, 0)), F64),
]

RANDN_20 = [
    -0.6731, 0.8728, 1.0554, 0.1778, -1.4782, 2.5672, -0.4731, 0.3356, 1.5091, 2.0820,
    1.7067, 2.3804, -1.0670, 1.1149, -0.1407, 0.8058, 0.3276, -0.7607, -1.5991, 0.0185,
]  # fmt: skip
RANDN_2x12 = [
    [0.8419, -0.4000, 1.0395, 0.3582, -0.0033, -0.5344, 1.1687, 0.3945, -0.8025, -1.2952,
     -0.7502, -1.3120],
    [-0.2188, -2.4351, -0.0729, -0.0340, 0.7969, -0.1848, -0.3701, -1.2103, -0.6227, -0.4637,
     1.9218, -0.4025],
]  # fmt: skip
RANDN_8 = [0.7748, -0.0730, -0.4577, 0.0941, 0.8110, -2.6339, 0.7493, 0.2622]
RANDN_2x8 = [
    [-1.0198, 0.4691, -0.2432, 0.6858, 0.3867, -1.0567, -0.7208, -0.6314],
    [0.0495, 0.4505, 0.2020, -0.4283, 0.7938, 0.6584, 0.6678, -0.5585],
]

SPEC_WRAPPED = [
    (
        (
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            "        28., 29.])"
        ),
        np.arange(30),
        F32,
        {},
    ),
    (
        (
            "tensor([-0.6731,  0.8728,  1.0554,  0.1778, -1.4782,  2.5672, -0.4731,  0.3356,\n"
            "         1.5091,  2.0820,  1.7067,  2.3804, -1.0670,  1.1149, -0.1407,  0.8058,\n"
            "         0.3276, -0.7607, -1.5991,  0.0185])"
        ),
        RANDN_20,
        F32,
        {},
    ),
    (
        (
            "tensor([[ 0.8419, -0.4000,  1.0395,  0.3582, -0.0033, -0.5344,  1.1687,  0.3945,\n"
            "         -0.8025, -1.2952, -0.7502, -1.3120],\n"
            "        [-0.2188, -2.4351, -0.0729, -0.0340,  0.7969, -0.1848, -0.3701, -1.2103,\n"
            "         -0.6227, -0.4637,  1.9218, -0.4025]])"
        ),
        RANDN_2x12,
        F32,
        {},
    ),
    (
        (
            "tensor([ 0.7748, -0.0730, -0.4577,  0.0941,  0.8110, -2.6339,  0.7493,  0.2622],\n"
            "       dtype=torch.float64, grad_fn=<MulBackward0>)"
        ),
        RANDN_8,
        F64,
        {"grad_fn": "MulBackward0"},
    ),
    (
        (
            "tensor([[-1.0198,  0.4691, -0.2432,  0.6858,  0.3867, -1.0567, -0.7208, -0.6314],\n"
            "        [ 0.0495,  0.4505,  0.2020, -0.4283,  0.7938,  0.6584,  0.6678, -0.5585]],\n"
            "       dtype=torch.float64, grad_fn=<MulBackward0>)"
        ),
        RANDN_2x8,
        F64,
        {"grad_fn": "MulBackward0"},
    ),
]


@pytest.mark.parametrize(
    ("expected", "data", "dtype", "kwargs"),
    SPEC_SCALARS + SPEC_VECTORS + SPEC_MATRICES + SPEC_WRAPPED,
    ids=lambda v: v if isinstance(v, str) and v.startswith("tensor") else "",
)
def test_spec_outputs(expected, data, dtype, kwargs):
    assert show(data, dtype, **kwargs) == expected


@pytest.mark.parametrize(("expected", "data", "dtype"), SPEC_EMPTY)
def test_spec_empty(expected, data, dtype):
    assert show(data, dtype) == expected


def test_spec_empty_dtypes_shown_unless_default_float():
    assert show(np.zeros(0), np.bool_) == "tensor([], dtype=torch.bool)"
    assert show(np.zeros(0), np.complex64) == "tensor([], dtype=torch.complex64)"
    assert show(np.zeros((2, 0, 3)), F32) == "tensor([], size=(2, 0, 3))"


def test_spec_parameter():
    param = Parameter(np.array([1.0, 2.0], F32), requires_grad=True)
    assert (
        _printing.tensor_repr(param)
        == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    )
    frozen = Parameter(np.array([1.0], F32))
    assert _printing.tensor_repr(frozen) == "Parameter containing:\ntensor([1.])"


def test_other_subclass_prints_its_name():
    class A(Tensor):
        pass

    assert _printing.tensor_repr(A(np.array([1.0], F32))) == "A([1.])"


def test_device_suffix_comes_first():
    t = Tensor(np.array([1.0], F64), device="cuda:0", requires_grad=True)
    expected = "tensor([1.], device='cuda:0', dtype=torch.float64, requires_grad=True)"
    assert _printing.tensor_repr(t) == expected


# -- summarization (spec 1.1) ---------------------------------------------------------------------

RANDN_100_EDGES = [
    [0.0930, -0.6661, 0.6080, -2.8891, -1.5100, 1.0241],
    [-0.3433, 1.5713, 0.1916, -0.0546, 0.4083, 1.1264],
    [-0.6079, -0.3625, -1.5072, 1.1311, -0.0902, -0.8979],
    [-1.6312, -0.4494, 0.4861, -1.3896, -0.8086, -0.8632],
    [0.5435, -1.1036, 1.1156, 0.5529, -0.7298, -0.2456],
    [0.6166, 2.2402, -1.1251, 2.1971, -1.3319, 0.0774],
]


def test_spec_summarized_arange_float():
    assert show(np.arange(2000), F32) == (
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])"
    )


def test_spec_summarized_arange_int():
    assert show(np.arange(1001), I64) == "tensor([   0,    1,    2,  ...,  998,  999, 1000])"


def test_spec_summarized_matrix_uses_only_edge_items_for_the_format():
    data = np.full((100, 100), 1e9, F32)  # the hidden middle must not affect the format
    edges = [0, 1, 2, 97, 98, 99]
    data[np.ix_(edges, edges)] = np.array(RANDN_100_EDGES, F32)
    assert _printing.tensor_repr(Tensor(data)) == (
        "tensor([[ 0.0930, -0.6661,  0.6080,  ..., -2.8891, -1.5100,  1.0241],\n"
        "        [-0.3433,  1.5713,  0.1916,  ..., -0.0546,  0.4083,  1.1264],\n"
        "        [-0.6079, -0.3625, -1.5072,  ...,  1.1311, -0.0902, -0.8979],\n"
        "        ...,\n"
        "        [-1.6312, -0.4494,  0.4861,  ..., -1.3896, -0.8086, -0.8632],\n"
        "        [ 0.5435, -1.1036,  1.1156,  ...,  0.5529, -0.7298, -0.2456],\n"
        "        [ 0.6166,  2.2402, -1.1251,  ...,  2.1971, -1.3319,  0.0774]])"
    )


def test_spec_summarized_column():
    rows = ["[1.]"] * 3 + ["..."] + ["[1.]"] * 3
    assert show(np.ones((1001, 1)), F32) == "tensor([" + ",\n        ".join(rows) + "])"


def test_spec_1000_elements_not_summarized():
    text = show(np.arange(1000), I64)
    assert "..." not in text
    lines = text.split("\n")
    assert len(lines) == math.ceil(1000 / 14)
    assert lines[0].count(",") == 14


def test_spec_summarized_3d_elided_block():
    text = show(np.arange(12 * 12 * 12).reshape(12, 12, 12), I64)
    assert ",\n\n        ...,\n\n        [[" in text


# -- print options (spec 1.3, 1.4) ----------------------------------------------------------------

MIXED = [1.12345, 22.5, -0.001234]


def test_get_printoptions_defaults():
    assert _printing.get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("default", (4, 1000, 3, 80)), ("short", (2, 1000, 2, 80)), ("full", (4, math.inf, 3, 80))],
)
def test_profiles(profile, expected):
    _printing.set_printoptions(profile=profile)
    opts = _printing.get_printoptions()
    assert (opts["precision"], opts["threshold"], opts["edgeitems"], opts["linewidth"]) == expected


def test_set_printoptions_always_sets_sci_mode():
    _printing.set_printoptions(sci_mode=True)
    assert _printing.get_printoptions()["sci_mode"] is True
    _printing.set_printoptions(precision=3)
    assert _printing.get_printoptions()["sci_mode"] is None
    assert _printing.get_printoptions()["precision"] == 3


def test_unknown_profile_changes_nothing():
    _printing.set_printoptions(precision=6)
    _printing.set_printoptions(profile="nonsense")
    assert _printing.get_printoptions()["precision"] == 6


def test_printoptions_context_restores():
    _printing.set_printoptions(linewidth=100, sci_mode=False)
    before = _printing.get_printoptions()
    with _printing.printoptions(precision=1):
        assert show(MIXED) == "tensor([ 1.1e+00,  2.2e+01, -1.2e-03])"
    assert _printing.get_printoptions() == before
    with pytest.raises(RuntimeError), _printing.printoptions(precision=2):
        raise RuntimeError
    assert _printing.get_printoptions() == before


@pytest.mark.parametrize(
    ("options", "data", "dtype", "expected"),
    [
        ({}, MIXED, F32, "tensor([ 1.1235e+00,  2.2500e+01, -1.2340e-03])"),
        ({"precision": 2}, MIXED, F32, "tensor([ 1.12e+00,  2.25e+01, -1.23e-03])"),
        (
            {"precision": 2},
            np.arange(12.0).reshape(3, 4) / 3,
            F32,
            (
                "tensor([[0.00, 0.33, 0.67, 1.00],\n"
                "        [1.33, 1.67, 2.00, 2.33],\n"
                "        [2.67, 3.00, 3.33, 3.67]])"
            ),
        ),
        ({"sci_mode": True}, [1, 2.5], F32, "tensor([1.0000e+00, 2.5000e+00])"),
        ({"sci_mode": False}, [1e-5, 1e5], F32, "tensor([     0.0000, 100000.0000])"),
        ({"threshold": 5}, np.arange(10), I64, "tensor([0, 1, 2,  ..., 7, 8, 9])"),
        ({"threshold": 5, "edgeitems": 1}, np.arange(10), I64, "tensor([0,  ..., 9])"),
        ({"threshold": 5, "edgeitems": 0}, np.arange(10), I64, "tensor([...], size=(10,))"),
        (
            {"linewidth": 40},
            np.arange(20),
            F32,
            (
                "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,\n"
                "         6.,  7.,  8.,  9., 10., 11.,\n"
                "        12., 13., 14., 15., 16., 17.,\n"
                "        18., 19.])"
            ),
        ),
        ({"profile": "short"}, np.arange(2000), I64, "tensor([   0,    1,  ..., 1998, 1999])"),
        ({"precision": 1}, MIXED, F32, "tensor([ 1.1e+00,  2.2e+01, -1.2e-03])"),
    ],
)
def test_spec_printoptions_probes(options, data, dtype, expected):
    _printing.set_printoptions(**options)
    assert show(data, dtype) == expected


def test_threshold_counts_dims_longer_than_twice_edgeitems():
    _printing.set_printoptions(threshold=5)
    assert "..." not in show(np.ones((6, 5)))


def test_default_dtype_float64_hides_float64_and_shows_float32():
    dtypes.set_default_dtype(dtypes.float64)
    assert show([1.0, 2.0], F64) == "tensor([1., 2.])"
    assert show([1.0, 2.0], F32) == "tensor([1., 2.], dtype=torch.float32)"
    assert show([1j], np.complex128) == "tensor([0.+1.j])"
    assert show([1j], np.complex64) == "tensor([0.+1.j], dtype=torch.complex64)"
