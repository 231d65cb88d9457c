"""ops/pointwise_composite.py against torch: values (special values included), dtypes,
gradients (float64, first and second order), errors, in-place methods and edge shapes."""

import itertools

import numpy as np
import pytest

import graphgrad as gg
from graphgrad.autograd.gradcheck import gradcheck, gradgradcheck
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")

SPECIAL = [-np.inf, -3.5, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 2.25, 1e30, np.inf, np.nan]
PAIRS = np.array(list(itertools.product(SPECIAL, SPECIAL))).T
UNARY = ["sinc", "deg2rad", "rad2deg", "frac", "exp2", "logit"]
BINARY = ["logaddexp", "logaddexp2", "hypot", "xlogy", "copysign", "fmax", "fmin"]
# Exact IEEE formulas (a product by a constant, a difference, a selection): torch's bits.
EXACT = {"deg2rad", "rad2deg", "frac", "copysign", "fmax", "fmin"}


def _call(T, name, arrays, **kwargs):
    return getattr(T, name)(*(T.tensor(a) for a in arrays), **kwargs)


def _assert_close(got, want, exact):
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    a, b = got.detach().numpy(), want.detach().numpy()
    if exact:
        assert np.array_equal(a, b, equal_nan=True)
        assert np.array_equal(np.signbit(a), np.signbit(b))
        return
    tol = 1e-13 if a.dtype == np.float64 else 2e-6
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", BINARY)
def test_binary_values_on_special_pairs(name, dtype):
    with np.errstate(all="ignore"):
        arrays = [PAIRS[0].astype(dtype), PAIRS[1].astype(dtype)]
    _assert_close(_call(gg, name, arrays), _call(torch, name, arrays), name in EXACT)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_on_special_values(name, dtype):
    with np.errstate(all="ignore"):
        arrays = [np.array(SPECIAL + [1e-20, 3.0, -2.0, 0.75], dtype=dtype)]
    _assert_close(_call(gg, name, arrays), _call(torch, name, arrays), name in EXACT)


@pytest.mark.parametrize("eps", [None, 1e-6, 0.25, 0.6, -1.0])
def test_logit_eps_clamps_as_torch(eps):
    x = [np.array([-0.5, 0.0, 0.1, 0.3, 0.5, 0.7, 1.0, 1.5])]
    _assert_close(_call(gg, "logit", x, eps=eps), _call(torch, "logit", x, eps=eps), False)


@pytest.mark.parametrize("name", ["sinc", "deg2rad", "rad2deg", "exp2", "logit"])
@pytest.mark.parametrize("values", [[0, 1, 2, -3], [True, False]])
def test_integers_and_bools_give_default_float(name, values):
    x = [np.array(values)]
    _assert_close(_call(gg, name, x), _call(torch, name, x), name in EXACT)


@pytest.mark.parametrize(
    "case",
    [
        lambda T: T.xlogy(T.tensor([0, 1, 2]), T.tensor([0, 2, 3])),
        lambda T: T.xlogy(2, T.tensor([0.5, 2.0])),
        lambda T: T.xlogy(T.tensor([0.0, 1.5]), 3),
        lambda T: T.xlogy(T.tensor([1.0], dtype=T.float32), T.tensor([2.0], dtype=T.float64)),
        lambda T: T.copysign(T.tensor([1, -2]), -1),
        lambda T: T.copysign(T.tensor([1.0, 2.0]), T.tensor(-0.0, dtype=T.float64)),
        lambda T: T.copysign(T.tensor(2.0), T.tensor([-1.0, 1.0])),
        lambda T: T.fmax(T.tensor([1, 5]), T.tensor([1.5])),
        lambda T: T.fmin(T.tensor([True, False]), T.tensor([False, False])),
        lambda T: T.addcmul(T.tensor([1, 2]), T.tensor([1, 2]), T.tensor([3, 4]), value=2),
        lambda T: T.addcmul(T.tensor([1, 2]), T.tensor([1, 2]), T.tensor([3, 4]), value=0.5),
        lambda T: T.addcmul(T.tensor([1.0, 2.0]), T.tensor([1, 2]), T.tensor([3, 4])),
        lambda T: T.addcdiv(T.tensor([1, 2]), T.tensor([1.0, 2.0]), T.tensor([4, 8]), value=3),
        lambda T: T.addcdiv(T.ones(2, 1), T.tensor([1.0, 2.0]), T.tensor([[4.0], [8.0]])),
    ],
)
def test_mixed_dtypes_and_numbers(case):
    assert_same(outcome(gg, case), outcome(torch, case))


@pytest.mark.parametrize(
    "case",
    [
        lambda T: T.logaddexp(T.tensor([1, 2]), T.tensor([1, 2])),
        lambda T: T.logaddexp2(T.tensor([True]), T.tensor([True])),
        lambda T: T.hypot(T.tensor([1, 2]), T.tensor([1.0, 2.0]).long()),
        lambda T: T.frac(T.tensor([1, 2])),
        lambda T: T.frac(T.tensor([True])),
        lambda T: T.logaddexp(T.tensor([1.0]), 1),
        lambda T: T.hypot(T.tensor([1.0]), 2.0),
        lambda T: T.fmax(T.tensor([1.0]), 1),
        lambda T: T.fmin(T.tensor([1.0]), 1.5),
        lambda T: T.logaddexp(T.ones(2), T.ones(3)),
        lambda T: T.hypot(T.ones(2), T.ones(3)),
        lambda T: T.xlogy(T.ones(2), T.ones(3)),
        lambda T: T.copysign(T.ones(2), T.ones(3)),
        lambda T: T.fmax(T.ones(2), T.ones(3)),
        lambda T: T.addcmul(T.ones(2), T.ones(3), T.ones(2)),
        lambda T: T.addcdiv(T.ones(2), T.tensor([1, 2]), T.tensor([1, 2])),
        lambda T: T.addcmul(T.tensor([True]), T.tensor([True]), T.tensor([True])),
        lambda T: T.sinc(1.0),
        lambda T: T.tensor([1, 2]).deg2rad_(),
        lambda T: T.tensor([1, 2]).xlogy_(T.tensor([1, 2])),
    ],
)
def test_errors_match_torch(case):
    assert_same(outcome(gg, case), outcome(torch, case))


def test_xlogy_of_two_numbers_is_a_type_error():
    with pytest.raises(TypeError):
        gg.xlogy(2, 3)


# Inputs for the gradient comparisons: smooth points, plus ties and zeros where the gradient
# follows a convention (ties of fmax, zeros of copysign, hypot and xlogy).
GRAD_CASES = {
    "logaddexp": ([-2.0, 0.0, 1.5, 3.0, 700.0], [-2.0, 1.0, -1.0, 3.0, -700.0]),
    "logaddexp2": ([-2.0, 0.0, 1.5, 3.0, 700.0], [-2.0, 1.0, -1.0, 3.0, -700.0]),
    "hypot": ([0.0, 0.0, 3.0, -2.0, 1e200], [0.0, 1.0, -4.0, -2.0, 1e200]),
    "xlogy": ([0.0, 0.0, 2.0, -1.5, 0.5], [0.0, 2.0, 3.0, 0.25, 1.0]),
    "copysign": ([0.0, -0.0, 2.0, -1.5, 0.5], [-1.0, 2.0, -0.0, 0.25, np.nan]),
    "fmax": ([1.0, 2.0, np.nan, 0.5, -1.0], [1.0, np.nan, 3.0, 0.25, 2.0]),
    "fmin": ([1.0, 2.0, np.nan, 0.5, -1.0], [1.0, np.nan, 3.0, 0.25, 2.0]),
    "sinc": ([0.0, 0.5, -1.25, 3.0, 1e-9],),
    "deg2rad": ([0.0, 90.0, -45.0],),
    "rad2deg": ([0.0, 1.0, -2.0],),
    "frac": ([0.25, -1.5, 3.75],),
    "exp2": ([0.0, -1.5, 3.25],),
    "logit": ([0.1, 0.5, 0.75, 1.5, -0.5],),
}


def _grads(T, name, arrays, kwargs):
    inputs = [T.tensor(np.array(a), dtype=T.float64, requires_grad=True) for a in arrays]
    out = getattr(T, name)(*inputs, **kwargs)
    out.backward(T.arange(1.0, out.numel() + 1, dtype=T.float64).reshape(out.shape))
    return [None if t.grad is None else t.grad.numpy() for t in inputs]


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    got = _grads(gg, name, GRAD_CASES[name], {})
    want = _grads(torch, name, GRAD_CASES[name], {})
    if name == "copysign":  # PyTorch gives `other` a zero gradient; graphgrad none
        assert got[1] is None and not want[1].any()
        got, want = got[:1], want[:1]
    if name == "xlogy":  # d/dy at x = y = 0: PyTorch's 0 / 0 = NaN, graphgrad 0
        assert np.isnan(want[1][0]) and got[1][0] == 0
        got[1][0] = want[1][0]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("eps", [None, 0.2, 0.6])
def test_logit_gradient_with_eps(eps):
    x = ([0.1, 0.2, 0.5, 0.8, 0.9],)
    got, want = _grads(gg, "logit", x, {"eps": eps}), _grads(torch, "logit", x, {"eps": eps})
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addc_gradients_broadcast(name):
    arrays = ([[1.0], [2.0]], [0.5, -1.5, 2.0], [[3.0, 4.0, -2.0]])
    for kwargs in ({}, {"value": -0.75}):
        got, want = _grads(gg, name, arrays, kwargs), _grads(torch, name, arrays, kwargs)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-12)


SMOOTH = {
    "logaddexp": 2,
    "logaddexp2": 2,
    "hypot": 2,
    "xlogy": 2,
    "sinc": 1,
    "exp2": 1,
    "logit": 1,
    "copysign": 1,
    "addcmul": 3,
    "addcdiv": 3,
}


@pytest.mark.parametrize("name", list(SMOOTH))
def test_gradcheck_and_gradgradcheck(name):
    rng = np.random.default_rng(0)
    shapes = [(3, 1), (4,), (1, 4)][: SMOOTH[name]]
    inputs = [
        gg.tensor(rng.uniform(0.2, 0.8, s), dtype=gg.float64, requires_grad=True) for s in shapes
    ]
    fn = getattr(gg, name)
    if name == "copysign":
        sign = gg.tensor([-1.0, 1.0, -1.0, 1.0], dtype=gg.float64)
        inputs, fn = inputs, lambda x: gg.copysign(x, sign)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("shape", [(0,), (), (2, 0, 3)])
@pytest.mark.parametrize("name", BINARY + UNARY)
def test_empty_and_zero_dim(name, shape):
    arrays = [np.full(shape, 0.5)] * (2 if name in BINARY else 1)
    _assert_close(_call(gg, name, arrays), _call(torch, name, arrays), name in EXACT)


@pytest.mark.parametrize("name", BINARY)
def test_broadcasting(name):
    arrays = [np.linspace(0.1, 2, 6).reshape(2, 1, 3), np.linspace(-1, 3, 4).reshape(4, 1)]
    _assert_close(_call(gg, name, arrays), _call(torch, name, arrays), name in EXACT)


@pytest.mark.parametrize("name", BINARY + UNARY + ["addcmul", "addcdiv"])
def test_tensor_methods_are_torchs(name):
    for method in (name, name + "_"):
        assert hasattr(gg.Tensor, method) == hasattr(torch.Tensor, method), method


@pytest.mark.parametrize("name", ["hypot", "xlogy", "copysign"])
def test_inplace_method_matches_torch(name):
    def case(T):
        x = T.tensor([0.5, -2.0, 3.0])
        y = getattr(x, name + "_")(T.tensor([1.5, 0.25, -1.0]))
        return x, y is x

    assert_same(outcome(gg, case), outcome(torch, case))
