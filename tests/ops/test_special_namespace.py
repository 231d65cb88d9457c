"""``graphgrad.special`` against ``torch.special``: the names, and the values and gradients
of each function, on ordinary points and on the tails and edges (0, +-inf, NaN)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

torch = pytest.importorskip("torch")

# torch.special names graphgrad does not have yet (Bessel functions of the first and second
# kind, Airy, zeta); Tensor, torch and the *_common docstring pieces are not API
NOT_BUILT = {
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "zeta",
    "Tensor", "torch", "common_args", "multi_dim_common",
}  # fmt: skip


def test_names_match_torch():
    theirs = {n for n in dir(torch.special) if not n.startswith("_")} - NOT_BUILT
    assert sorted(theirs ^ set(graphgrad.special.__all__)) == []


def test_aliases_are_the_ops_themselves():
    pairs = [("expit", "sigmoid"), ("gammaln", "lgamma"), ("psi", "digamma"), ("erfc", "erfc")]
    for alias, name in pairs:
        assert graphgrad.special.__dict__[alias].__name__ == getattr(graphgrad, name).__name__


EDGES = [-1e10, -40.0, -30.0, -5.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.5, 1.0, 5.0, 9.99, 10.0,
         30.0, 699.0, 701.0, 1e4, float("inf"), float("-inf"), float("nan")]  # fmt: skip
PROBABILITIES = [0.0, 1e-300, 1e-20, 1e-5, 0.025, 0.3, 0.5, 0.7, 1 - 1e-10, 1.0, 1.5, -0.1]
UNARY = {
    "expit": EDGES, "logit": [0.0, 0.2, 0.5, 1.0], "erf": EDGES, "erfc": EDGES, "erfcx": EDGES,
    "erfinv": [-1.0, -0.5, 0.0, 0.3, 0.999, 1.0], "exp2": [-3.0, 0.0, 2.5], "expm1": EDGES[4:12],
    "log1p": [-0.5, 0.0, 3.0], "gammaln": [0.5, 3.0, 10.0], "digamma": [0.5, 3.0],
    "psi": [0.5, 3.0], "i0": EDGES[3:13], "i0e": EDGES, "i1": EDGES[3:17], "i1e": EDGES,
    "ndtr": EDGES, "ndtri": PROBABILITIES, "log_ndtr": EDGES, "sinc": [-1.5, 0.0, 0.25],
    "entr": [-1.0, 0.0, 0.5, 2.0, float("inf"), float("nan")],
}  # fmt: skip
# (ndtr: torch rounds its far lower tail to 0 below x = -26 or so, graphgrad keeps erfc's)
RTOL = {"ndtr": 1e-10, "ndtri": 1e-11, "log_ndtr": 1e-12, "erfcx": 1e-14}


def _close(ours, theirs, rtol):
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_match_torch(name):
    values = np.array(UNARY[name], np.float64)
    ours = getattr(graphgrad.special, name)(graphgrad.tensor(values)).numpy()
    theirs = getattr(torch.special, name)(torch.tensor(values)).numpy()
    if name == "ndtr":
        theirs, ours = theirs[values > -26], ours[values > -26]
    _close(ours, theirs, RTOL.get(name, 1e-13))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_gradients_match_torch(name):
    values = np.array([v for v in UNARY[name] if np.isfinite(v) and abs(v) < 50], np.float64)
    if name == "logit":  # (graphgrad's logit has gradient NaN at 0 and 1, torch's inf)
        values = values[(values > 0) & (values < 1)]
    x = graphgrad.tensor(values, requires_grad=True)
    y = torch.tensor(values, requires_grad=True)
    (ours,) = graphgrad.autograd.grad(getattr(graphgrad.special, name)(x).sum(), x)
    (theirs,) = torch.autograd.grad(getattr(torch.special, name)(y).sum(), y)
    _close(ours.numpy(), theirs.numpy(), 1e-8 if name in ("ndtri", "erfcx") else 1e-12)


def test_float32_values_match_torch():
    values = np.array([-3.0, -0.5, 0.0, 0.7, 4.0], np.float32)
    for name in ("i0e", "i1e", "i1", "erfcx", "ndtr", "log_ndtr", "entr"):
        ours = getattr(graphgrad.special, name)(graphgrad.tensor(values))
        theirs = getattr(torch.special, name)(torch.tensor(values))
        assert ours.dtype == graphgrad.float32
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-6, equal_nan=True)


def test_binary_and_reductions_match_torch():
    a, b = np.array([0.0, 0.0, 2.0, 1.5]), np.array([-1.0, float("nan"), 1e-10, 3.0])
    for name in ("xlogy", "xlog1py"):
        ours = getattr(graphgrad.special, name)(graphgrad.tensor(a), graphgrad.tensor(b))
        theirs = getattr(torch.special, name)(torch.tensor(a), torch.tensor(b))
        _close(ours.numpy(), theirs.numpy(), 1e-15)
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    for call in (
        lambda T, t: T.special.softmax(t, 1),
        lambda T, t: T.special.log_softmax(t, 0),
        lambda T, t: T.special.logsumexp(t, 1, keepdim=True),
        lambda T, t: T.special.multigammaln(t.abs() + 2, 2),
        lambda T, t: T.special.polygamma(1, t.abs() + 1),
        lambda T, t: T.special.gammainc(t.abs(), t.abs() + 1),
        lambda T, t: T.special.round(t / 3, decimals=2),
    ):
        ours = call(graphgrad, graphgrad.tensor(x)).numpy()
        _close(ours, call(torch, torch.tensor(x)).numpy(), 1e-12)


def test_xlog1py_gradients_match_torch():
    a, b = np.array([0.0, 2.0, 1.5]), np.array([0.5, 1e-10, 3.0])
    xs = [graphgrad.tensor(v, requires_grad=True) for v in (a, b)]
    ts = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    ours = graphgrad.autograd.grad(graphgrad.special.xlog1py(*xs).sum(), xs)
    theirs = torch.autograd.grad(torch.special.xlog1py(*ts).sum(), ts)
    for o, t in zip(ours, theirs):
        _close(o.numpy(), t.numpy(), 1e-14)


def test_node_names_match_torch():
    for name in ("i0e", "i1e", "i1", "erfcx", "log_ndtr", "ndtri", "entr"):
        x = graphgrad.tensor([0.3], requires_grad=True)
        y = torch.tensor([0.3], requires_grad=True)
        ours = getattr(graphgrad.special, name)(x).grad_fn.name()
        assert ours == getattr(torch.special, name)(y).grad_fn.name()


POLYNOMIALS = [n for n in graphgrad.special.__all__ if "polynomial" in n]
BESSEL = [n for n in graphgrad.special.__all__ if "bessel" in n]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_polynomials_match_torch(name):
    x, n = np.meshgrid(
        [-1.5, -1.0, -0.3, 0.0, 0.25, 0.5, 1.0, 2.0], [-1, 0, 1, 2, 2.5, 3, 5, 10, 20]
    )
    ours = getattr(graphgrad.special, name)(graphgrad.tensor(x), graphgrad.tensor(n))
    theirs = getattr(torch.special, name)(torch.tensor(x), torch.tensor(n))
    # (torch evaluates some through cos(n acos x): its zeros carry rounding)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, atol=1e-13)
    xt = graphgrad.tensor([0.5], requires_grad=True)
    assert getattr(graphgrad.special, name)(xt, 3).requires_grad is False
    mixed = getattr(graphgrad.special, name)(graphgrad.tensor([2, 3]), graphgrad.tensor([2]))
    assert mixed.dtype == graphgrad.float32
    assert (
        mixed.tolist()
        == getattr(torch.special, name)(torch.tensor([2, 3]), torch.tensor([2])).tolist()
    )


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_without_gradients_match_torch(name):
    v = np.array([-1.0, 0.0, 1e-4, 0.5, 2.0, 10.0, 100.0, 700.0, 800.0, np.inf, np.nan])
    ours = getattr(graphgrad.special, name)(graphgrad.tensor(v)).numpy()
    theirs = getattr(torch.special, name)(torch.tensor(v)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=0, equal_nan=True)
