"""Tests for graphgrad._printing against live PyTorch 2.13.

* parity with ``repr(torch.from_numpy(array))`` over a broad generated set of arrays and print
  options, printed through the stand-in tensor of _printing_helpers (skipped when torch is not
  installed);
* a few checks on real graphgrad tensors (skipped until ``graphgrad.tensor`` exists).

The exact strings recorded from the spec are tested in test_printing.py.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from ._printing_helpers import (  # noqa: F401 - _reset_printoptions is an autouse fixture
    INF,
    NAN,
    Tensor,
    _printing,
    _reset_printoptions,
    dtypes,
)

# -- parity with real PyTorch ---------------------------------------------------------------------

_RNG = np.random.default_rng(20240613)

FLOAT_SHAPES = [
    (), (1,), (3,), (7,), (30,), (100,), (1001,), (2000,), (1, 1), (3, 4), (2, 12), (8, 20),
    (100, 100), (1001, 1), (1, 1001), (2, 3, 4), (3, 1, 5), (12, 12, 12), (2, 2, 2, 2),
    (1, 2, 1, 2), (4, 5, 6, 7), (5, 5, 5, 5, 5),
]  # fmt: skip
EMPTY_SHAPES = [(0,), (0, 3), (2, 0), (2, 0, 3), (0, 0)]
FLOAT_DTYPES = [np.float16, np.float32, np.float64]
INT_DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.int64]


def _family(name: str, n: int) -> np.ndarray:
    """``n`` float64 values of one kind of magnitude (random, fixed seed)."""
    rng = _RNG
    if name == "normal":
        return rng.standard_normal(n)
    if name == "integral":
        return rng.integers(-50, 300, n).astype(float)
    if name == "big":
        return rng.standard_normal(n) * 1e10
    if name == "tiny":
        return rng.standard_normal(n) * 1e-8
    if name == "mixed":
        return 10.0 ** rng.uniform(-8, 10, n) * rng.choice([-1.0, 1.0], n)
    if name == "special":
        pool = np.array([0.0, -0.0, NAN, INF, -INF, 1.5, -2.25, 1e-3, 7.0])
        return rng.choice(pool, n)
    if name == "zeros":
        return rng.choice(np.array([0.0, -0.0]), n)
    if name == "threshold":  # values around the sci-mode boundaries
        pool = np.array([1.0, 1000.0, 1001.0, 1e-4, 2e-4, 1e8, 1e8 + 8, 0.5, 9.99995, 99.99995])
        return rng.choice(pool, n)
    if name == "extreme":  # 3-digit exponents in float64, overflow to inf in float32/16
        return 10.0 ** rng.uniform(-300, 300, n) * rng.choice([-1.0, 1.0], n)
    if name == "rounding":  # values whose rounding adds a digit or bumps the exponent
        pool = np.array([0.99995, 9.99995, -99.99996, 0.00015, 999999.5, 65504.0, -0.0, 0.5])
        return rng.choice(pool, n)
    raise ValueError(name)


FAMILIES = [
    "normal", "integral", "big", "tiny", "mixed", "special", "zeros", "threshold", "extreme",
    "rounding",
]  # fmt: skip


def _make(shape, family, dtype) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` filled from ``family``."""
    size = math.prod(shape)
    values = _family(family, max(size, 1))[:size].reshape(shape)
    kind = np.dtype(dtype).kind
    if kind == "c":
        out = np.empty(shape, dtype)
        out.real = values
        out.imag = _family(family, max(size, 1))[:size].reshape(shape)
        return out
    if kind in "iu":
        info = np.iinfo(dtype)
        scale = float(info.max) if family == "mixed" else 100.0
        ints = np.clip(np.nan_to_num(values / max(np.abs(values).max(), 1) * scale), -1e18, 1e18)
        return np.asarray(np.clip(ints, info.min, info.max)).astype(dtype)
    if kind == "b":
        return np.asarray(values > 0)
    with np.errstate(over="ignore"):
        return values.astype(dtype)


def _parity_cases() -> list[tuple[str, np.ndarray, dict, dict]]:
    """(id, array, print options, tensor flags) for the torch parity test."""
    cases = []
    for shape, family, dtype in itertools.product(FLOAT_SHAPES, FAMILIES, FLOAT_DTYPES):
        cases.append((f"{np.dtype(dtype).name}-{family}-{shape}", _make(shape, family, dtype)))
    for shape, family, dtype in itertools.product(
        FLOAT_SHAPES[::2], ["normal", "mixed", "special"], [np.complex64, np.complex128]
    ):
        cases.append((f"{np.dtype(dtype).name}-{family}-{shape}", _make(shape, family, dtype)))
    for shape, family, dtype in itertools.product(
        FLOAT_SHAPES, ["normal", "mixed"], INT_DTYPES + [np.bool_]
    ):
        cases.append((f"{np.dtype(dtype).name}-{family}-{shape}", _make(shape, family, dtype)))
    for shape, dtype in itertools.product(EMPTY_SHAPES, FLOAT_DTYPES + INT_DTYPES + [np.bool_]):
        cases.append((f"empty-{np.dtype(dtype).name}-{shape}", np.zeros(shape, dtype)))
    return [(name, array, {}, {}) for name, array in cases] + _option_cases() + _grad_cases()


OPTION_SETS = [
    {"precision": 0},
    {"precision": 1},
    {"precision": 2},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"sci_mode": False, "precision": 2},
    {"linewidth": 10},
    {"linewidth": 40},
    {"linewidth": 120},
    {"threshold": 5},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"edgeitems": 0},
    {"threshold": 0},
    {"profile": "short"},
    {"profile": "full"},
]
OPTION_ARRAYS = [
    ((), "normal", np.float32),
    ((5,), "mixed", np.float32),
    ((30,), "normal", np.float64),
    ((3, 4), "special", np.float32),
    ((8, 20), "normal", np.float32),
    ((2, 3, 4), "integral", np.float32),
    ((4, 5, 6, 7), "mixed", np.float64),
    ((2000,), "normal", np.float32),
    ((12, 12, 12), "integral", np.int64),
    ((7,), "normal", np.complex64),
    ((10,), "normal", np.bool_),
    ((100, 100), "tiny", np.float16),
]


def _option_cases() -> list[tuple[str, np.ndarray, dict, dict]]:
    """Every print-option set against a spread of arrays."""
    cases = []
    for options, (shape, family, dtype) in itertools.product(OPTION_SETS, OPTION_ARRAYS):
        name = f"{options}-{np.dtype(dtype).name}-{family}-{shape}"
        cases.append((name, _make(shape, family, dtype), options, {}))
    return cases


def _grad_cases() -> list[tuple[str, np.ndarray, dict, dict]]:
    """Suffix placement: requires_grad / grad_fn with dtypes that also print a dtype suffix."""
    cases = []
    shapes = [(), (3,), (7,), (8,), (9,), (2, 8), (3, 7), (30,), (2000,)]
    for shape, dtype, flag in itertools.product(
        shapes, [np.float32, np.float64, np.float16], ["requires_grad", "grad_fn"]
    ):
        name = f"{flag}-{np.dtype(dtype).name}-{shape}"
        cases.append((name, _make(shape, "normal", dtype), {}, {flag: True}))
        cases.append(
            (name + "-lw60", _make(shape, "normal", dtype), {"linewidth": 60}, {flag: True})
        )
    return cases


PARITY_CASES = _parity_cases()


def _torch_tensor(torch, array: np.ndarray, flags: dict):
    """The torch tensor for a case, and the stand-in that must print the same."""
    t = torch.from_numpy(array.copy())
    if flags.get("requires_grad"):
        t.requires_grad_()
    if flags.get("grad_fn"):
        t = t.requires_grad_() * 1
    stand_in = Tensor(t.detach().numpy(), grad_fn=t.grad_fn, requires_grad=t.requires_grad)
    return t, stand_in


@pytest.mark.parametrize(
    ("array", "options", "flags"),
    [case[1:] for case in PARITY_CASES],
    ids=[case[0] for case in PARITY_CASES],
)
def test_parity_with_torch(array, options, flags):
    torch = pytest.importorskip("torch")
    t, stand_in = _torch_tensor(torch, array, flags)
    torch.set_printoptions(**options)
    _printing.set_printoptions(**options)
    try:
        expected = repr(t)
    finally:
        torch.set_printoptions(profile="default")
    assert _printing.tensor_repr(stand_in) == expected


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_parity_with_torch_default_float64(dtype):
    torch = pytest.importorskip("torch")
    array = _make((3, 4), "normal", dtype)
    torch.set_default_dtype(torch.float64)
    dtypes.set_default_dtype(dtypes.float64)
    try:
        expected = [repr(torch.from_numpy(array)), repr(torch.from_numpy(array[:0]))]
    finally:
        torch.set_default_dtype(torch.float32)
    assert [_printing.tensor_repr(Tensor(array)), _printing.tensor_repr(Tensor(array[:0]))] == (
        expected
    )


def test_parity_with_torch_printoptions_api():
    torch = pytest.importorskip("torch")
    from torch._tensor_str import get_printoptions

    for kwargs in OPTION_SETS + [{"profile": "nonsense", "precision": 3}]:
        torch.set_printoptions(**kwargs)
        _printing.set_printoptions(**kwargs)
        assert _printing.get_printoptions() == get_printoptions()
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("sci_mode", [None, True, False])
def test_formatter_width_is_the_longest_element(family, sci_mode):
    from graphgrad._printing_format import Formatter, PrintOptions

    for size in (1, 2, 5, 100, 3000):
        values = _family(family, size)
        fmt = Formatter(values, PrintOptions(sci_mode=sci_mode), floating=True)
        shown = values[np.isfinite(values) & (values != 0)].tolist()
        assert fmt.width == max([len(fmt.format(v).lstrip()) for v in shown] + [1])


# -- real graphgrad tensors -----------------------------------------------------------------------


def _graphgrad():
    """The graphgrad package, or skip while its core is not importable yet."""
    try:
        import graphgrad
    except Exception as exc:  # noqa: BLE001 - the core is written in parallel
        pytest.skip(f"graphgrad not importable yet: {exc}")
    if not hasattr(graphgrad, "tensor"):
        pytest.skip("graphgrad.tensor not available yet")
    return graphgrad


def test_real_graphgrad_tensors():
    gg = _graphgrad()
    x = gg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert str(x) == repr(x)
    y = x * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    z = (x * x).sum() + 3
    assert repr(z) == "tensor(8., grad_fn=<AddBackward0>)"
    d = gg.tensor([1.0, 2.0], dtype=gg.float64, requires_grad=True)
    assert repr(d) == "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"
    assert repr(gg.tensor([1, 2, 3])) == "tensor([1, 2, 3])"
    assert repr(gg.tensor(-0.0)) == "tensor(-0.)"


REAL_EXPRESSIONS = {
    "matrix": lambda m: m.tensor([[1.0, -2.5], [400.25, 6.0]]),
    "pow-sum": lambda m: (m.tensor([1.0, 2.0], requires_grad=True) ** 2).sum(),
    "float64-mul": lambda m: m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True) * 2,
    "wrapped-suffix": lambda m: (
        m.tensor([0.7748, -0.073, -0.4577, 0.0941, 0.811, -2.6339, 0.7493, 0.2622], dtype=m.float64)
        .requires_grad_()
        .mul(1)
    ),
    "arange-summarized": lambda m: m.arange(2000.0),
    "arange-int": lambda m: m.arange(1001),
    "empty-int": lambda m: m.tensor([], dtype=m.int64),
    "empty-2d": lambda m: m.zeros(0, 3),
    "neg-zero": lambda m: m.tensor(-0.0),
    "nonfinite": lambda m: m.tensor([1.5, math.nan, math.inf]),
    "int32": lambda m: m.tensor([1, 2, 3], dtype=m.int32),
    "bool": lambda m: m.tensor([True, False]),
    "complex": lambda m: m.tensor([1 + 2j, 3 - 4j]),
    "3d": lambda m: m.arange(24.0).reshape(2, 3, 4),
}


@pytest.mark.parametrize("name", list(REAL_EXPRESSIONS))
def test_real_graphgrad_matches_torch(name):
    torch = pytest.importorskip("torch")
    gg = _graphgrad()
    build = REAL_EXPRESSIONS[name]
    try:
        ours = build(gg)
    except (AttributeError, TypeError, NotImplementedError) as exc:
        pytest.skip(f"graphgrad cannot build this yet: {exc!r}")
    assert repr(ours) == repr(build(torch))
    assert str(ours) == str(build(torch))


def test_real_graphgrad_exports_printoptions():
    gg = _graphgrad()
    with gg.printoptions(precision=2):
        assert repr(gg.tensor([1.0 / 3, 2.0])) == "tensor([0.33, 2.00])"
    gg.set_printoptions(sci_mode=True)
    assert gg.get_printoptions()["sci_mode"] is True
    assert repr(gg.tensor([1.0, 2.5])) == "tensor([1.0000e+00, 2.5000e+00])"


def test_real_graphgrad_parameter():
    gg = _graphgrad()
    nn = getattr(gg, "nn", None)
    if nn is None or not hasattr(nn, "Parameter"):
        pytest.skip("graphgrad.nn.Parameter not available yet")
    param = nn.Parameter(gg.tensor([1.0, 2.0]))
    assert repr(param) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"


def test_grad_fn_suffix_uses_the_class_name():
    """Regression: CopySlices' name() is namespaced, but repr shows the bare class name."""
    import graphgrad as gg

    a = gg.ones(3, requires_grad=True)
    y = a * 1
    y[0] = 2
    assert repr(y) == "tensor([2., 1., 1.], grad_fn=<CopySlices>)"
    z = gg.zeros(3)
    z.copy_(a)
    assert repr(z) == "tensor([1., 1., 1.], grad_fn=<CopyBackwards>)"
