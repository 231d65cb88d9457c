"""Creation functions' values against PyTorch's (``linspace`` bit for bit)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
import graphgrad.nn.functional as F

from .random._helpers import torch_with_simd_kernels

# PyTorch's AVX2 and AVX-512 kernels count the first half up from ``start`` and the rest down
# from ``end``, each value one fused multiply-add (values recorded from torch 2.13)
RECORDED = [
    ((-5, 5, 200), "float32", {32: -3.3919596672058105, 100: 0.025125589221715927}),
    ((-5, 5, 200), "float64", {33: -3.3417085427135675}),
    ((-1, 1, 100), "float32", {16: -0.6767677068710327}),
    ((0.1, 0.7, 1000), "float16", {1: 0.1005859375, 499: 0.39990234375, 500: 0.400390625}),
    ((-3.5, 2.7, 9), "int32", dict(enumerate([-3, -2, -1, -1, 0, 0, 0, 1, 2]))),
]


@pytest.mark.parametrize(("args", "dtype", "values"), RECORDED)
def test_linspace_gives_pytorchs_recorded_values(args, dtype, values):
    # before: NumPy's linspace in float64, rounded once (closer to exact, but other bits: 64 of
    # the 200 float32 values of the first row; and integers from the unrounded ends)
    got = graphgrad.linspace(*args, dtype=getattr(graphgrad, dtype))
    assert {i: got[i].item() for i in values} == values


def test_affine_grid_scales_its_positions_in_two_roundings():
    # PyTorch's ``linspace(-1, 1, n) * (n - 1) / n``: the middle of 7 is -2.55e-08, not 0
    grid = F.affine_grid(graphgrad.eye(2, 3).unsqueeze(0), (1, 1, 3, 7), align_corners=False)
    assert grid[0, 0, 3, 0].item() == -2.554484801464696e-08


def _cases() -> list:
    rng = np.random.default_rng(0)
    cases = [(-5, 5, 200), (3, -2, 37), (0, 1, 1), (2, 5, 0), (1, 1, 5), (0, 1, 2), (0, 10, 7)]
    for _ in range(60):
        cases.append(
            (float(rng.normal() * 50), float(rng.normal() * 50), int(rng.integers(2, 3000)))
        )
    return cases


DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "complex64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_linspace_matches_torch_bit_for_bit(dtype):
    torch = torch_with_simd_kernels()  # (its scalar kernels round without the FMA)
    for start, end, steps in _cases():
        want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        got = graphgrad.linspace(start, end, steps, dtype=getattr(graphgrad, dtype)).numpy()
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes(), (start, end, steps)


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.tensor([np.zeros(2), np.zeros(2)]),
        lambda T: T.tensor([[1.0, 2.0], np.zeros(2)]),
        lambda T: T.tensor([[np.zeros(2)]]),
        lambda T: T.as_tensor((np.zeros(2), np.zeros(2))),
        lambda T: T.FloatTensor([np.zeros(2), np.zeros(2)]),
    ],
)
def test_a_list_of_arrays_warns_as_pytorch_does(make, monkeypatch):
    from graphgrad import _utilities

    monkeypatch.setattr(_utilities, "_warned", set())
    with pytest.warns(UserWarning, match="Creating a tensor from a list of numpy.ndarrays is"):
        assert make(graphgrad).tolist() in ([[0.0, 0.0], [0.0, 0.0]], [[1.0, 2.0], [0.0, 0.0]],
                                            [[[0.0, 0.0]]])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(graphgrad)  # once per process, as PyTorch's warning


@pytest.mark.parametrize(
    "make", [lambda T: T.tensor([np.float32(1), np.float32(2)]), lambda T: T.tensor([np.zeros(())])]
)
def test_numpy_scalars_and_0d_arrays_in_a_list_do_not_warn(make, monkeypatch):
    from graphgrad import _utilities

    monkeypatch.setattr(_utilities, "_warned", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(graphgrad)
