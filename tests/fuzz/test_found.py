"""Regression tests for the differences from torch that the fuzz tests found and that were
fixed (each fails on the code before its fix)."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

SPECIAL = [-0.0, 0.0, float("nan"), float("inf"), -float("inf"), -2.5, 3.0]


def _both(fn, values):
    torch = pytest.importorskip("torch")
    ours = fn(graphgrad, graphgrad.tensor(values)).numpy()
    theirs = fn(torch, torch.tensor(values)).numpy()
    return ours, theirs


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: T.sign(x),  # NaN gave NaN (torch: 0), -0.0 gave -0.0 (torch: +0.0)
        lambda T, x: T.relu(x),  # -0.0 gave +0.0 (torch keeps -0.0)
        lambda T, x: T.nn.functional.elu(x),  # -0.0 gave +0.0
    ],
    ids=["sign", "relu", "elu"],
)
def test_special_values_and_zero_signs(fn):
    for values in (SPECIAL, *SPECIAL):  # one tensor, and each value as a 0-d tensor
        ours, theirs = _both(fn, values)
        # elu's expm1 at -2.5 is torch's vectorised kernel's (an ulp apart on AVX-512 from
        # AVX2 and NumPy): the specials, zeros and signs are exact, the rest to a few ulps
        np.testing.assert_allclose(ours, theirs, rtol=4 * np.finfo(np.float32).eps, atol=0)
        assert np.array_equal(np.signbit(ours), np.signbit(theirs))


@pytest.mark.parametrize(
    ("input", "target", "message"),
    [
        ([0.5], [float("nan")], "all elements of target should be between 0 and 1"),
        ([float("nan")], [0.5], "all elements of input should be between 0 and 1"),
        ([0.5], [2.0], "all elements of target should be between 0 and 1"),
        ([2.0], [3.0], "all elements of input should be between 0 and 1"),
    ],
)
def test_binary_cross_entropy_checks_input_and_target_as_torch(input, target, message):
    torch = pytest.importorskip("torch")
    for T in (graphgrad, torch):
        with pytest.raises(RuntimeError, match=message):
            T.nn.functional.binary_cross_entropy(T.tensor(input), T.tensor(target))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_pool_takes_the_last_nan_of_a_window_as_torch(dtype):
    # graphgrad took the first NaN (np.argmax), so indices and gradients went elsewhere
    torch = pytest.importorskip("torch")
    nan = float("nan")
    values = [[[[nan, 3.0, 5.0, nan, 7.0, 1.0], [2.0, nan, 0.0, 4.0, nan, nan]]]]
    seed = np.arange(1.0, 4.0).reshape(1, 1, 1, 3)
    results = []
    for T in (graphgrad, torch):
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        out, index = T.nn.functional.max_pool2d(x, 2, return_indices=True)
        out.backward(T.tensor(seed, dtype=out.dtype))
        results.append((out.detach().numpy(), index.numpy(), x.grad.numpy()))
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_singular_inverse_raises_torchs_class_name():
    # graphgrad's class was named LinAlgError; torch's is torch._C._LinAlgError
    torch = pytest.importorskip("torch")
    names = []
    for T in (graphgrad, torch):
        with pytest.raises(T.linalg.LinAlgError, match="The diagonal element 1 is zero") as info:
            T.linalg.inv(T.zeros(2, 2))
        names.append(type(info.value).__name__)
    assert names[0] == names[1] == "_LinAlgError"


@pytest.mark.parametrize(
    ("shape", "dim", "n"),
    [((2, 0, 3), 0, 2), ((0, 3, 2), 2, 3), ((0, 3, 2), -1, -1), ((3, 0), 0, 5), ((2, 3), 0, 3),
     ((0,), 0, 0), ((2, 3, 4), 2, 4)],
)  # fmt: skip
def test_index_select_out_of_range_on_an_empty_input_raises_as_torch(shape, dim, n):
    # an empty input of 2 dims or more gave IndexError; torch's kernel raises a RuntimeError
    torch = pytest.importorskip("torch")
    raised = []
    for T in (graphgrad, torch):
        with pytest.raises((IndexError, RuntimeError)) as info:
            T.zeros(shape).index_select(dim, T.tensor([n]))
        raised.append((type(info.value), str(info.value)))
    assert raised[0] == raised[1]


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: 3 ** T.tensor([-5, -1, 0, 1, 3], dtype=T.int16),  # NumPy's ValueError
        lambda T: T.pow(-1, T.tensor([-5, -2, 0, 3], dtype=T.int8)),
        lambda T: T.pow(0, T.tensor([-1, 0, 2], dtype=T.int64)),
        lambda T: T.pow(np.int64(3), T.tensor([-1, 2], dtype=T.int16)),  # was int64
        lambda T: T.tensor([True, False]) ** False,  # was int8
        lambda T: T.tensor([True, False]) ** True,
        lambda T: 2 ** T.tensor([True, False]),
        lambda T: False ** T.tensor([True, False]),  # NotImplementedError, was int8
    ],
)
def test_integer_and_bool_powers_as_torch(fn):
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        try:
            out = fn(T)
            results.append((str(out.dtype).replace("torch.", ""), out.tolist()))
        except Exception as e:  # noqa: BLE001 - compared with torch's
            results.append((type(e).__name__, str(e)))
    assert results[0] == results[1]


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_of_negative_zeros_is_positive_zero_as_torch(dim):
    # PyTorch accumulates from +0.0; graphgrad kept NumPy's -0.0 (in the values and gradients)
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        x = T.tensor([[-0.0, 1.0, -0.0], [-0.0, -0.0, -1.0]], requires_grad=True)
        out = x.cumsum(dim)
        out.backward(T.full((2, 3), -0.0))
        results.append([out.detach().numpy(), x.grad.numpy()])
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


@pytest.mark.parametrize("loss", ["mse_loss", "huber_loss", "smooth_l1_loss"])
def test_regression_loss_target_gradient_zero_signs_as_torch(loss):
    # the target's gradient was minus the input's: -0.0 where input == target (torch: +0.0)
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        x = T.tensor([0.5, -0.0, 2.0, 1e-45, 3.0], requires_grad=True)
        y = T.tensor([0.5, 0.0, -1.0, 1e-45, 3.5], requires_grad=True)
        getattr(T.nn.functional, loss)(x, y).backward()
        results.append([x.grad.numpy(), y.grad.numpy()])
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def test_pow_tensor_gradient_multiplies_in_torchs_order():
    # g * exponent underflowed to 0 before the product with self ** (exponent - 1) = -inf: nan
    torch = pytest.importorskip("torch")
    tiny = -5e-324
    results = []
    for T in (graphgrad, torch):
        x = T.tensor([tiny, 2.0], dtype=T.float64, requires_grad=True)
        e = T.tensor([tiny, 3.0], dtype=T.float64, requires_grad=True)
        (x**e).backward(T.tensor([0.25, 1.0], dtype=T.float64))
        results.append(x.grad.numpy())
    np.testing.assert_array_equal(results[0], results[1])


def test_atan2_gradient_at_the_origin_is_zero_as_torch():
    # both gradients were NaN (0 * 1/0); torch gives 0 and -0.0 there
    torch = pytest.importorskip("torch")
    grads = []
    for T in (graphgrad, torch):
        a = T.tensor([0.0, 1.0, -2.0], requires_grad=True)
        b = T.tensor([0.0, 0.0, 3.0], requires_grad=True)
        T.atan2(a, b).sum().backward()
        grads.append((a.grad.numpy(), b.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_array_equal(ours, theirs)
        assert np.array_equal(np.signbit(ours), np.signbit(theirs))


@pytest.mark.parametrize("number", [-2, np.int32(-2), -200, 300])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16"])
def test_number_minus_integer_tensor_wraps_as_torch(number, dtype):
    # NumPy's OverflowError leaked for a number out of the tensor's range (torch wraps it)
    torch = pytest.importorskip("torch")
    ours = number - graphgrad.tensor([1, 3], dtype=getattr(graphgrad, dtype))
    theirs = number - torch.tensor([1, 3], dtype=getattr(torch, dtype))
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("divisor", [1e-310, 0.0, 2.5, -1e-40])
def test_floor_divide_of_integers_by_a_float_is_computed_in_float32_as_torch(divisor):
    # computed in float64 it gave 0 (not NaN) for 0 // 1e-310, and NumPy's warnings leaked
    torch = pytest.importorskip("torch")
    values = [0, 1, -1, 5, -7]
    ours = graphgrad.floor_divide(graphgrad.tensor(values), divisor)
    theirs = torch.floor_divide(torch.tensor(values), divisor)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize(
    "fn",
    [lambda x, y: x / y, lambda x, y: x.reciprocal() + y],
    ids=["div", "reciprocal"],
)
def test_division_gradients_have_torchs_bits(fn):
    # -grad * self / (other * other) and -grad * result * result differed from torch's
    # -grad * ((self / other) / other) and -grad * (result * result) in the last bit for a third
    # to a half of float32 inputs (elementwise IEEE arithmetic, so the bits must match)
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b, g = (rng.standard_normal(10_000).astype(np.float32) for _ in range(3))
    grads = []
    for T in (graphgrad, torch):
        x, y = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)
        fn(x, y).backward(T.tensor(g))
        grads.append((x.grad.numpy(), y.grad.numpy()))
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])


@pytest.mark.parametrize(
    "fn",
    [
        lambda T: -(2 ** T.tensor([0, 1, 2, 3], dtype=T.uint8)),  # NumPy's OverflowError leaked
        lambda T: np.int64(-1) ** T.tensor([0, 1, 2], dtype=T.uint8),
        lambda T: 300 ** T.tensor([0, 1, 2, 3], dtype=T.uint8),
        lambda T: T.pow(-3, T.tensor([1, 3], dtype=T.int8)),
        lambda T: T.tensor([1, 2], dtype=T.uint8) ** 300,  # PyTorch's RuntimeError
        lambda T: T.tensor([1, 2], dtype=T.int8) ** 200,
        lambda T: T.tensor([1, 2], dtype=T.int32) ** 2**40,
        lambda T: T.tensor([1, 2], dtype=T.uint8) ** 255,
        lambda T: T.pow(T.tensor([True, False, True]), T.tensor([True, False])),  # shapes first
    ],
)
def test_integer_powers_with_out_of_range_numbers_as_torch(fn):
    # found by the fuzz run: a number base out of the exponent's range leaked NumPy's
    # OverflowError (PyTorch wraps it); bool ** bool of shapes that do not broadcast raised
    # NotImplementedError (PyTorch checks the shapes first)
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        try:
            out = fn(T)
            results.append((str(out.dtype).replace("torch.", ""), out.tolist()))
        except Exception as e:  # noqa: BLE001 - compared with torch's
            results.append((type(e).__name__, str(e)))
    assert results[0] == results[1]


@pytest.mark.parametrize("output_size", [(3, 2), (2, 2)])  # windows of mixed and of one size
def test_adaptive_avg_pool_sums_each_window_then_divides_as_torch(output_size):
    # graphgrad multiplied by an averaging matrix: two float32 maxima in a window gave 1.1e38
    # (PyTorch's sum overflows to inf), and an inf made 0 * inf = NaN in windows without it
    torch = pytest.importorskip("torch")
    big = np.finfo(np.float32).max
    a = np.arange(40, dtype=np.float32).reshape(1, 2, 5, 4) / 7
    a[0, 0, 0, 0] = a[0, 0, 1, 1] = big
    a[0, 1, 4, 3] = np.inf
    ours, theirs = (
        T.nn.functional.adaptive_avg_pool2d(T.tensor(a), output_size).numpy()
        for T in (graphgrad, torch)
    )
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)  # inf where inf, the rest close


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gamma_functions_at_huge_values_and_poles_as_torch(dtype):
    # lgamma of 1.8e308 leaked math's OverflowError (PyTorch: inf); digamma's gradient at the
    # poles -1, -2 took sin(pi x) in float64 for float32 inputs (9.5e31, PyTorch's float32
    # kernel gives 1.3e15); casts to float32 warned of overflow
    torch = pytest.importorskip("torch")
    big = np.finfo(dtype).max
    values = np.array([big, -big, -1.0, -2.0, -0.5, 0.3, 0.0, 7.5, np.inf, np.nan], dtype)
    results = []
    for T in (graphgrad, torch):
        x = T.tensor(values, requires_grad=True)
        T.digamma(x).backward(T.ones(len(values), dtype=x.dtype))
        results.append(
            [T.lgamma(x.detach()).numpy(), x.grad.numpy(), T.polygamma(1, x.detach()).numpy()]
        )
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)  # NaN and inf where torch's


@pytest.mark.parametrize("op", ["fmod", "remainder", "pow"])
def test_bool_operands_that_do_not_broadcast_give_the_shape_error_first(op):
    # fmod and remainder of bools raised "not implemented for 'Bool'" before PyTorch's shape
    # error (the long fuzz run); pow had the same fix
    torch = pytest.importorskip("torch")
    messages = []
    for T in (graphgrad, torch):
        with pytest.raises(RuntimeError) as info:
            getattr(T, op)(T.tensor([False, False]), T.tensor([], dtype=T.bool))
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["i1", "i1e"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bessel_i1_gradient_near_zero_is_one_half_as_torch(name, dtype):
    # I1(x) ~ x/2 underflows at the smallest subnormals: I1(x)/x gave 0 (so i1's gradient was
    # 1.0), and i1e's 0 * (1 + 1/x) = 0 * inf gave NaN; the derivative there is 1/2
    torch = pytest.importorskip("torch")
    tiny = float(np.finfo(dtype).smallest_subnormal)
    values = [tiny, -tiny, 1e-38, -1e-20, 0.0, 0.75, -3.0]
    grads = []
    for T in (graphgrad, torch):
        x = T.tensor(values, dtype=getattr(T, dtype), requires_grad=True)
        getattr(T.special, name)(x).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0][:5], 0.5)
    # (i1e's formula cancels in float32 at |x| ~ 3: a few float32 ulps either way)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5)


@pytest.mark.parametrize("name", ["i1", "i1e"])
def test_bessel_i1_at_the_float64_max_as_torch(name):
    # the Hankel expansion's sqrt(2 pi x) overflowed there: i1e gave 0 and i1 0 * inf = NaN
    torch = pytest.importorskip("torch")
    values = [1.7e308, -1.79e308, 1e300, 709.0]
    ours = getattr(graphgrad.special, name)(graphgrad.tensor(values, dtype=graphgrad.float64))
    theirs = getattr(torch.special, name)(torch.tensor(values, dtype=torch.float64))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13)


def test_ndtri_in_the_far_tail_is_exact():
    # Newton steps on erfc(z) lost digits where erfc nears underflow: ndtri(5e-324) was
    # -38.46596 (torch, and mpmath to 50 digits: -38.467405617144344)
    p = [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-50]
    want = [-38.467405617144344, -37.663060331949524, -37.5193793471445, -37.0470962993612,
            -30.20559417957964, -14.933337534788487]  # fmt: skip
    got = graphgrad.special.ndtri(graphgrad.tensor(p, dtype=graphgrad.float64))
    np.testing.assert_allclose(got.numpy(), want, rtol=4e-16)


def test_erfcx_of_the_float64_max_is_its_subnormal_value():
    # 1 / (x sqrt(pi)) overflowed in x * sqrt(pi): erfcx gave 0 (torch: 3.1384e-309), and its
    # gradient 2 x erfcx(x) - 2/sqrt(pi) gave inf * 0 = NaN where torch's gives inf
    x = graphgrad.tensor([1.7976931348623157e308, 1e200], dtype=graphgrad.float64,
                         requires_grad=True)  # fmt: skip
    y = graphgrad.special.erfcx(x)
    assert y.tolist() == [3.138408733985445e-309, 5.641895835477563e-201]
    y.backward(graphgrad.tensor([-0.5, 1.0], dtype=graphgrad.float64))
    assert x.grad.tolist() == [-np.inf, 0.0]


def test_max_pool_of_an_all_minus_inf_window_picks_its_first_input_element():
    # the padding (-inf) tied with the window's -inf inputs and won: index -1, and backward
    # leaked NumPy's "'list' argument must have no negative elements" (torch: the first input)
    F = graphgrad.nn.functional
    x = graphgrad.full((1, 1, 3, 3), -np.inf)
    x[0, 0, 2, 2] = 1.0
    x.requires_grad_()
    values, indices = F.max_pool2d(x, 2, stride=2, padding=1, return_indices=True)
    assert indices.tolist() == [[[[0, 1], [3, 8]]]]
    assert values.tolist() == [[[[-np.inf, -np.inf], [-np.inf, 1.0]]]]
    values.sum().backward()
    assert x.grad.tolist() == [[[[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]]]
    z = graphgrad.full((1, 1, 2, 4, 3), -np.inf, requires_grad=True)
    _, indices = F.max_pool3d(z, (2, 3, 2), (1, 2, 2), 1, ceil_mode=True, return_indices=True)
    assert indices[0, 0, 2].tolist() == [[12, 13], [15, 16], [21, 22]]
    assert F.max_pool1d(graphgrad.full((1, 1, 5), -np.inf), 3, 2, 1, return_indices=True)[
        1
    ].tolist() == [[[0, 1, 3]]]
