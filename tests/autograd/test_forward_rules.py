# ruff: noqa: N812 - fwAD is the name PyTorch uses
"""The forward (JVP) rules of the reductions, statistics, det, convolution, norms and losses
against PyTorch's own forward mode: ``torch.func.jvp`` on every sample the generated tests use,
the cases a rule has to handle specially (ties, zeros, a zero spread); and reverse mode through
the tangent (``jacrev(jacfwd(f))`` needs the rules to be differentiable), by gradcheck.

tests/autograd/test_forward_vs_reverse.py checks every rule against graphgrad's own reverse
mode; this file checks them against a second implementation. Reverse mode through the tangent
is checked against finite differences, not torch: torch 2.13's JVPs of det, layer_norm and
batch_norm read factors saved by the primal (LU, mean, rstd) as constants, so differentiating
their tangent with respect to the primal gives wrong values there (see the det test below).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad
import graphgrad.autograd.forward_ad as fwAD

from ..ops.test_primitives import SAMPLES

torch = pytest.importorskip("torch")
torch_ad = torch.autograd.forward_ad

RULES = (
    "amax",
    "amin",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "convolution",
    "cumprod",
    "det",
    "huber_loss",
    "layer_norm",
    "mse_loss",
    "smooth_l1_loss",
    "std",
    "std_mean",
    "var",
    "var_mean",
    "vector_norm",
)
CASES = [(name, i) for name in RULES for i, sample in enumerate(SAMPLES[name]) if sample.parity]
TOL = {"rtol": 1e-10, "atol": 1e-12}


def _tangents(arrays: list) -> list:
    rng = np.random.default_rng(3)
    return [rng.standard_normal(a.shape) for a in arrays]


def _ours(fn, arrays: list, tangents: list) -> tuple[np.ndarray, np.ndarray]:
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(
                graphgrad.tensor(a, dtype=graphgrad.float64),
                graphgrad.tensor(v, dtype=graphgrad.float64),
            )
            for a, v in zip(arrays, tangents, strict=True)
        ]
        primal, tangent = fwAD.unpack_dual(fn(graphgrad, *duals))
        return primal.numpy(), tangent.numpy()


@pytest.mark.parametrize(("name", "index"), CASES)
def test_matches_torch_func_jvp(name, index):
    sample = SAMPLES[name][index]
    arrays = sample.arrays()
    tangents = _tangents(arrays)
    primal, tangent = _ours(sample.fn, arrays, tangents)
    ref_primal, ref_tangent = torch.func.jvp(
        lambda *xs: sample.fn(torch, *xs),
        tuple(torch.tensor(a) for a in arrays),
        tuple(torch.tensor(v) for v in tangents),
    )
    np.testing.assert_allclose(primal, ref_primal.numpy(), **TOL)
    np.testing.assert_allclose(tangent, ref_tangent.numpy(), **TOL)


_TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
_ZEROS = np.array([[1.0, 0.0, 2.0, 0.0, 3.0], [2.0, 0.5, 0.0, 4.0, 1.0]])
EDGES = {
    # ties share the tangent evenly, as the backward shares the gradient
    "amax ties": (lambda T, x: T.amax(x, 1), _TIES),
    "amax all ties": (lambda T, x: x.amax(), _TIES),
    "amin ties keepdim": (lambda T, x: T.amin(x, 0, keepdim=True), np.ones((2, 3))),
    "inf-norm ties": (lambda T, x: T.linalg.vector_norm(x, float("inf"), dim=1), -_TIES),
    "-inf-norm": (lambda T, x: T.linalg.vector_norm(x, -float("inf"), dim=0), _TIES),
    # one zero in a line, then two
    "cumprod zeros": (lambda T, x: T.cumprod(x, 1), _ZEROS),
    "cumprod zeros dim 0": (lambda T, x: T.cumprod(x, 0), _ZEROS.T),
    # a row with no spread: std's tangent is 0 there
    "std zero spread": (lambda T, x: T.std(x, 1), np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])),
    "std_mean zero spread": (
        lambda T, x: T.std_mean(x, 1, correction=0)[0],
        np.array([[2.0, 2.0], [1.0, 3.0]]),
    ),
    "0-norm": (lambda T, x: T.linalg.vector_norm(x, 0), _ZEROS),
    "0.5-norm with zeros": (lambda T, x: T.linalg.vector_norm(x, 0.5, dim=1), _ZEROS),
    "var 0-d": (lambda T, x: T.var(x[0, 0], correction=0), _TIES),
    "det batch": (
        lambda T, x: T.linalg.det(x.reshape(2, 2, 2)),
        np.array([[2.0, 1.0, 1.0, 3.0], [0.5, -1.0, 2.0, 1.5]]),
    ),
    "conv tangent of bias only": (
        lambda T, b: T.nn.functional.conv1d(
            T.ones(2, 1, 4, dtype=T.float64), T.ones(3, 1, 2, dtype=T.float64), b
        ),
        np.array([1.0, 2.0, 3.0]),
    ),
    "layer_norm weight only": (
        lambda T, w: T.nn.functional.layer_norm(
            T.tensor([[1.0, 2.0, 4.0], [0.0, -1.0, 3.0]], dtype=T.float64), (3,), w
        ),
        np.array([0.5, 1.0, 2.0]),
    ),
}


@pytest.mark.parametrize("case", sorted(EDGES))
def test_edge_cases_match_torch(case):
    fn, a = EDGES[case]
    tangents = _tangents([a])
    _, tangent = _ours(fn, [a], tangents)
    with torch_ad.dual_level():
        dual = torch_ad.make_dual(torch.tensor(a), torch.tensor(tangents[0]))
        ref = torch_ad.unpack_dual(fn(torch, dual)).tangent
    np.testing.assert_allclose(tangent, ref.numpy(), **TOL)


def _tangent_of(sample, n: int):
    """``(*primals, *tangents) -> tangent of sample.fn``: a function for gradcheck."""

    def fn(*xs):
        with fwAD.dual_level():
            duals = [fwAD.make_dual(p, v) for p, v in zip(xs[:n], xs[n:], strict=True)]
            return fwAD.unpack_dual(sample.fn(graphgrad, *duals)).tangent

    return fn


@pytest.mark.parametrize("name", RULES)
def test_reverse_mode_through_the_rule(name):
    sample = SAMPLES[name][0]
    arrays = sample.arrays()
    xs = [
        graphgrad.tensor(a, dtype=graphgrad.float64, requires_grad=True)
        for a in arrays + _tangents(arrays)
    ]
    assert graphgrad.autograd.gradcheck(_tangent_of(sample, len(arrays)), xs)


def test_reverse_through_det_tangent_closed_form():
    """det [[a, b], [c, d]] = ad - bc, whose tangent is d da + a dd - c db - b dc: its gradient
    in (a, b, c, d) is (dd, -dc, -db, da). (torch 2.13 gives [[3.82, -0.64], [-1.27, 2.55]].)"""
    a = graphgrad.tensor([[2.0, 1.0], [0.5, 3.0]], dtype=graphgrad.float64, requires_grad=True)
    with fwAD.dual_level():
        dual = fwAD.make_dual(a, graphgrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=a.dtype))
        fwAD.unpack_dual(graphgrad.linalg.det(dual)).tangent.backward()
    np.testing.assert_allclose(a.grad.numpy(), [[4.0, -3.0], [-2.0, 1.0]], **TOL)


def test_rules_are_their_own():
    """None of these falls back to transposing its backward rules."""
    from graphgrad.ops.primitive import REGISTRY

    assert [n for n in RULES if REGISTRY[n].jvp is None] == []


@pytest.mark.parametrize("name", ["det", "convolution", "var_mean", "batch_norm", "cumprod"])
def test_transposed_backward_fallback_agrees(name, monkeypatch):
    """No primitive needs the fallback any more (``jvp=None``: transpose the backward rules with
    one reverse pass); it stays for new primitives, so keep it tested against the rules."""
    from graphgrad.ops.primitive import REGISTRY

    for index, sample in enumerate(SAMPLES[name]):
        arrays = sample.arrays(seed=index)
        tangents = _tangents(arrays)
        expected = _ours(sample.fn, arrays, tangents)[1]
        with monkeypatch.context() as m:
            m.setattr(REGISTRY[name], "jvp", None)
            got = _ours(sample.fn, arrays, tangents)[1]
        np.testing.assert_allclose(got, expected, **TOL)
