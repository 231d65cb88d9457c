"""The seed program of Example 4 printed exactly as PyTorch prints it (spec 4), which needs the
bit-compatible small matmul (spec 4.3); the kernel's negative zeros are checked on their own."""

# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in
# sample.py; matrices are named A, B as in the math

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as torch
from graphgrad.ops.linalg.products import matmul_arrays

from ._helpers import _tree


# -- the small-matmul kernel and seed Example 4 (spec 4 and 4.3) ------------------------------
def test_small_matmul_keeps_negative_zero_when_k_is_one():
    a = np.array([[1.0], [-2.0]], np.float32)
    b = np.array([[0.0, -3.0]], np.float32)
    out = matmul_arrays(a, b)
    assert np.signbit(out[1, 0]) and out.tolist() == [[0.0, -3.0], [-0.0, 6.0]]


X = [
    1.5409960746765137,
    -0.293428897857666,
    -2.1787893772125244,
    0.5684312582015991,
    -1.0845223665237427,
    -1.3985954523086548,
    0.40334683656692505,
    0.8380263447761536,
    -0.7192575931549072,
    -0.40334352850914,
]
W1 = [
    0.5988394618034363,
    -1.5550950765609741,
    -0.3413603901863098,
    1.85300612449646,
    0.46809640526771545,
    -0.1577124446630478,
    1.4436601400375366,
    0.26604941487312317,
    1.3893661499023438,
    1.586334228515625,
    0.946298360824585,
    -0.843676745891571,
    0.9318265914916992,
    1.2590092420578003,
    2.0049805641174316,
    0.05373690277338028,
    0.4396958351135254,
    0.11241118609905243,
    0.6407923698425293,
    0.441156268119812,
    -0.21586325764656067,
    -0.7425481677055359,
    0.5627213716506958,
    0.25962740182876587,
    0.5228604674339294,
    2.3022053241729736,
    -1.4688938856124878,
    -1.586688756942749,
    1.203223705291748,
    0.08453469723463058,
    -1.2001394033432007,
    -0.004785737954080105,
    -0.23033547401428223,
    -0.3917543888092041,
    -0.4731197953224182,
    0.3355507552623749,
    1.5091218948364258,
    2.0819554328918457,
    1.7067116498947144,
    2.3803675174713135,
    -1.1256016492843628,
    -0.31699809432029724,
    -0.14067143201828003,
    0.8057535886764526,
    0.32761430740356445,
    -0.7607071995735168,
    -1.5990819931030273,
    0.018486667424440384,
    -0.7504268288612366,
    0.18540798127651215,
]
B1 = [
    -0.67763751745224,
    1.0421911478042603,
    -1.9512622356414795,
    0.41861534118652344,
    3.3214149475097656,
]
W2 = [
    0.8764007091522217,
    1.2345104217529297,
    -1.16419517993927,
    -0.024031592532992363,
    0.6479946374893188,
]
B2 = [1.7340123653411865]

EXAMPLE_4 = """\
tensor([[0.0000, 5.3057, 0.0000, 0.0000, 0.2679]], grad_fn=<ReluBackward0>)
tensor([[8.4576]], grad_fn=<AddBackward0>)
tensor([[ 0.0000,  1.9024,  0.0000,  0.0000,  0.9986],
        [-0.0000, -0.3622, -0.0000, -0.0000, -0.1901],
        [-0.0000, -2.6897, -0.0000, -0.0000, -1.4118],
        [ 0.0000,  0.7017,  0.0000,  0.0000,  0.3683],
        [-0.0000, -1.3389, -0.0000, -0.0000, -0.7028],
        [-0.0000, -1.7266, -0.0000, -0.0000, -0.9063],
        [ 0.0000,  0.4979,  0.0000,  0.0000,  0.2614],
        [ 0.0000,  1.0346,  0.0000,  0.0000,  0.5430],
        [-0.0000, -0.8879, -0.0000, -0.0000, -0.4661],
        [-0.0000, -0.4979, -0.0000, -0.0000, -0.2614]])
tensor([0.0000, 1.2345, 0.0000, 0.0000, 0.6480])
tensor([[0.0000],
        [5.3057],
        [0.0000],
        [0.0000],
        [0.2679]])
tensor([1.])
tensor([[-1.6165,  2.8101,  0.2577,  0.8287, -0.5779, -1.7586, -0.3125,  3.4055,
         -0.1790, -1.8539]])"""


def _example_4(T, x_requires_grad: bool):
    """Seed Example 4 (``manual_seed(0)`` draws, spelled out): a two-layer net, backward."""
    x = T.tensor([X], requires_grad=x_requires_grad)
    w1 = T.tensor(W1).reshape(10, 5).detach().requires_grad_()
    b1 = T.tensor(B1, requires_grad=True)
    w2 = T.tensor(W2).reshape(5, 1).detach().requires_grad_()
    b2 = T.tensor(B2, requires_grad=True)
    h = T.relu(x @ w1 + b1)
    y = h @ w2 + b2
    y.backward()
    return h, y, [w1.grad, b1.grad, w2.grad, b2.grad], x


def test_seed_example_4_prints_exactly_as_pytorch():
    h, y, grads, _ = _example_4(torch, False)
    _, _, _, x = _example_4(torch, True)
    text = "\n".join(repr(t) for t in [h, y, *grads, x.grad])
    assert text == EXAMPLE_4
    g = grads[0].numpy()
    assert int((np.signbit(g) & (g == 0)).sum()) == 18  # the negative zeros of W1.grad
    assert _tree(y.grad_fn) == [
        "AddBackward0",
        "  MmBackward0",
        "    ReluBackward0",
        "      AddBackward0",
        "        MmBackward0",
        "          None",
        "          AccumulateGrad",
        "        AccumulateGrad",
        "    AccumulateGrad",
        "  AccumulateGrad",
    ]


def test_seed_example_4_matches_torch_within_the_matmul_error():
    # torch's matmul kernel depends on the CPU (MKL's SSE4.2 and AVX2 kernels sum as graphgrad
    # does, K ascending, and agree to the bit; its AVX-512 kernel sums in another order and
    # h[0,4] differs by 16 ulp). A dot product of K float32 terms, summed in any order, is
    # within K * 2**-24 * sum(|a_i * b_i|) of the exact value; two kernels differ by at most
    # twice that, and the second layer carries it on. The bound below allows 8 * K * 2**-24
    # of the program's largest magnitude, and still catches any wrong term (~1e-1 here).
    torch_ = pytest.importorskip("torch")
    ours, theirs = _example_4(torch, True), _example_4(torch_, True)
    pairs = zip(
        [ours[0], ours[1], *ours[2], ours[3].grad],
        [theirs[0], theirs[1], *theirs[2], theirs[3].grad],
        strict=True,
    )
    for a, b in pairs:
        mine, ref = a.detach().numpy(), b.detach().numpy()
        assert mine.dtype == ref.dtype == np.float32 and mine.shape == ref.shape
        scale = max(np.abs(ref).max(), 1.0)
        np.testing.assert_allclose(mine, ref, rtol=0, atol=8 * 10 * 2.0**-24 * scale)
