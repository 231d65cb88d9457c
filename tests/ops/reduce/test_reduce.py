"""Reductions: node names and saved attributes, ties and kinks (spec 3.26), keepdim shapes,
the (values, indices) named tuples, error messages (spec 3.25) and result dtypes (spec 3.24)."""

# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import graphgrad as torch

NEG1 = 2**64 - 1  # how PyTorch shows dim=-1 in a node's saved attributes


def _a(requires_grad: bool = True):
    return torch.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]], requires_grad=requires_grad)


def _names(t) -> list[str]:
    """Node names from ``t`` down the first input of each node."""
    out, node = [], t.grad_fn
    while node is not None and node.name() != "AccumulateGrad":
        out.append(node.name())
        node = node.next_functions[0][0]
    return out


# -- node names and saved attributes ------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "name", "attrs"),
    [
        (lambda a: a.sum(), "SumBackward0", {"self_sym_sizes": (2, 3)}),
        (lambda a: a.sum(-1), "SumBackward1", {"dim": (NEG1,), "keepdim": False}),
        (lambda a: a.sum((1, 0), keepdim=True), "SumBackward1", {"dim": (1, 0), "keepdim": True}),
        (lambda a: a.mean(), "MeanBackward0", {"self_sym_numel": 6, "self_sym_sizes": (2, 3)}),
        (lambda a: a.mean(0), "MeanBackward1", {"dim": (0,), "self_sym_numel": 6}),
        (lambda a: a.nansum(1), "NansumBackward0", {"dim": (1,), "keepdim": False}),
        (lambda a: a.prod(), "ProdBackward0", {}),
        (lambda a: a.prod(1, keepdim=True), "ProdBackward1", {"dim": 1, "keepdim": True}),
        (lambda a: a.max(), "MaxBackward1", {}),
        (lambda a: a.min(), "MinBackward1", {}),
        (
            lambda a: a.max(-1).values,
            "MaxBackward0",
            {"dim": NEG1, "keepdim": False, "self_sym_sizes": (2, 3)},
        ),
        (lambda a: a.min(0, keepdim=True)[0], "MinBackward0", {"dim": 0, "keepdim": True}),
        (lambda a: a.amax(), "AmaxBackward0", {"dim": (), "keepdim": False}),
        (lambda a: a.amin((0, 1)), "AminBackward0", {"dim": (0, 1)}),
        (lambda a: a.median(), "MedianBackward0", {}),
        (lambda a: a.median(1).values, "MedianBackward1", {"dim": 1, "keepdim": False}),
        (lambda a: a.var(), "VarBackward0", {"correction": None, "dim": None, "keepdim": False}),
        (lambda a: a.var(1), "VarBackward0", {"correction": 1, "dim": (1,)}),
        (lambda a: a.var(unbiased=False), "VarBackward0", {"correction": 0, "dim": None}),
        (lambda a: a.var(None), "VarBackward0", {"correction": 1}),
        (lambda a: a.std(-1, keepdim=True), "StdBackward0", {"correction": 1, "dim": (NEG1,)}),
        (lambda a: torch.var_mean(a, 1)[0], "VarMeanBackward0", {"correction": 1, "dim": (1,)}),
        (lambda a: torch.std_mean(a)[1], "StdMeanBackward0", {"correction": None}),
        (lambda a: a.norm(), "LinalgVectorNormBackward0", {"ord": 2, "dim": None}),
        (lambda a: a.norm(p="fro", dim=1), "LinalgVectorNormBackward0", {"ord": 2, "dim": (1,)}),
        (lambda a: a.norm(p=1), "LinalgVectorNormBackward0", {"ord": 1}),
        (lambda a: a.norm(p=math.inf), "LinalgVectorNormBackward0", {"ord": math.inf}),
        (lambda a: torch.linalg.norm(a), "LinalgVectorNormBackward0", {"ord": 2.0}),
        (lambda a: a.logsumexp(1), "LogsumexpBackward0", {"dim": (1,), "keepdim": False}),
        (lambda a: a.cumsum(-1), "CumsumBackward0", {"dim": NEG1}),
        (lambda a: a.cumprod(0), "CumprodBackward0", {"dim": 0}),
    ],
)
def test_node_names_and_saved_attributes(expr, name, attrs):
    a = _a()
    node = expr(a).grad_fn
    assert node.name() == name
    for key, value in attrs.items():
        assert getattr(node, "_saved_" + key) == value
    assert node.next_functions[0][0].variable is a


def test_saved_tensors_are_the_input_and_the_result():
    a = _a()
    y = a.max()
    assert y.grad_fn._saved_self is a
    assert y.grad_fn._saved_result.item() == 6.0
    values, indices = a.max(1)
    node = values.grad_fn
    assert node._saved_indices.tolist() == [1, 2]
    assert torch.std_mean(a)[0].grad_fn._saved_result0.shape == ()
    assert sorted(n for n in dir(a.prod(1).grad_fn) if n.startswith("_saved_")) == [
        "_saved_dim",
        "_saved_keepdim",
        "_saved_result",
        "_saved_self",
    ]


def test_attributes_match_torch():
    torch_ = pytest.importorskip("torch")
    exprs = [
        lambda a, T: a.sum(-1),
        lambda a, T: a.prod(1),
        lambda a, T: a.max(0).values,
        lambda a, T: a.amax(-1, keepdim=True),
        lambda a, T: a.var(),
        lambda a, T: a.var(1),
        lambda a, T: a.std(unbiased=False),
        lambda a, T: a.norm(p=3, dim=-1),
        lambda a, T: T.logsumexp(a, (0, 1)),
        lambda a, T: a.cumsum(-1),
        lambda a, T: a.median(1).values,
        lambda a, T: T.var_mean(a, 0)[1],
    ]
    data = [[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]]
    for expr in exprs:
        ours = expr(torch.tensor(data, requires_grad=True), torch).grad_fn
        theirs = expr(torch_.tensor(data, requires_grad=True), torch_).grad_fn
        assert ours.name() == theirs.name()
        names = [n for n in dir(theirs) if n.startswith("_saved_") and "raw" not in n]
        assert sorted(n for n in dir(ours) if n.startswith("_saved_")) == sorted(names)
        for n in names:
            mine, ref = getattr(ours, n), getattr(theirs, n)
            if isinstance(ref, torch_.Tensor):
                np.testing.assert_allclose(mine.detach().numpy(), ref.detach().numpy())
            else:
                assert mine == ref, (theirs.name(), n)


# -- ties and kinks (spec 3.26) ----------------------------------------------------------------
def test_max_splits_the_gradient_evenly_among_ties():
    x = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
    x.max().backward()
    assert repr(x.grad) == "tensor([0.5000, 0.5000, 0.0000])"
    x.grad = None
    x.min().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


def test_max_with_dim_sends_the_gradient_to_the_returned_index():
    x = torch.tensor([[2.0, 2.0, 1.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert indices.tolist() == [0]
    values.sum().backward()
    assert repr(x.grad) == "tensor([[1., 0., 0.]])"


def test_amax_amin_and_median_split_ties():
    x = torch.tensor([[3.0, 1.0, 3.0], [0.0, 0.0, 2.0]], requires_grad=True)
    x.amax(1).sum().backward()
    assert x.grad.tolist() == [[0.5, 0.0, 0.5], [0.0, 0.0, 1.0]]
    x.grad = None
    x.amin().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.5, 0.5, 0.0]]
    y = torch.tensor([1.0, 2.0, 2.0, 3.0], requires_grad=True)
    assert y.median().item() == 2.0  # the lower of the two middle values
    y.median().backward()
    assert y.grad.tolist() == [0.0, 0.5, 0.5, 0.0]


def test_norm_gradient_is_zero_at_the_zero_vector():
    for p in (2, 1, 3, math.inf, 0.5):
        x = torch.zeros(2, requires_grad=True)
        x.norm(p=p).backward()
        assert repr(x.grad) == "tensor([0., 0.])", p


def test_norm_values_and_gradients():
    x = torch.tensor([3.0, -4.0], requires_grad=True)
    assert x.norm().item() == 5.0
    assert x.norm(p=1).item() == 7.0
    assert x.norm(p=math.inf).item() == 4.0
    assert x.norm(p=0).item() == 2.0
    x.norm().backward()
    assert x.grad.tolist() == pytest.approx([0.6, -0.8])


def test_prod_with_zeros_has_exact_gradients():
    x = torch.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]], requires_grad=True)
    x.prod(1).sum().backward()
    assert x.grad.tolist() == [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [8.0, 4.0, 2.0]]
    y = torch.tensor([2.0, 0.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad(y.prod(), y, create_graph=True)
    assert g.tolist() == [0.0, 6.0, 0.0]
    (h,) = torch.autograd.grad(g[1], y)  # d/dy of y0 * y2
    assert h.tolist() == [3.0, 0.0, 2.0]


def test_cumprod_with_zeros_matches_torch():
    data = [[2.0, 0.0, 3.0, 0.5], [0.0, 4.0, 0.0, 2.0]]
    x = torch.tensor(data, requires_grad=True)
    x.cumprod(1).sum().backward()
    # 11 = 2 + 2*3 + 2*3*0.5: the running products that skip the zero
    assert x.grad.tolist() == [[1.0, 11.0, 0.0, 0.0], [5.0, 0.0, 0.0, 0.0]]
    torch_ = pytest.importorskip("torch")
    ref = torch_.tensor(data, requires_grad=True)
    ref.cumprod(1).sum().backward()
    assert x.grad.tolist() == ref.grad.tolist()


def test_logsumexp_is_stable():
    x = torch.tensor([1000.0, 1000.0], requires_grad=True)
    y = x.logsumexp(0)
    assert y.item() == pytest.approx(1000.0 + math.log(2))
    y.backward()
    assert x.grad.tolist() == pytest.approx([0.5, 0.5], rel=1e-4)  # float32, as in PyTorch
    assert torch.tensor([-math.inf, -math.inf]).logsumexp(0).item() == -math.inf


def test_nansum_ignores_nan():
    x = torch.tensor([1.0, math.nan, 2.0], requires_grad=True)
    y = x.nansum()
    assert y.item() == 3.0
    y.backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]


# -- shapes, named tuples, values --------------------------------------------------------------
@pytest.mark.parametrize(
    ("fn", "shape"),
    [
        (lambda a: a.sum(1, keepdim=True), (2, 1, 4)),
        (lambda a: a.mean((0, 2), True), (1, 3, 1)),
        (lambda a: a.prod(-1, keepdim=True), (2, 3, 1)),
        (lambda a: a.amax(1, True), (2, 1, 4)),
        (lambda a: a.max(0, keepdim=True).values, (1, 3, 4)),
        (lambda a: a.max(0, keepdim=True).indices, (1, 3, 4)),
        (lambda a: a.var(2, keepdim=True), (2, 3, 1)),
        (lambda a: a.norm(dim=(0, 1), keepdim=True), (1, 1, 4)),
        (lambda a: a.logsumexp(0, keepdim=True), (1, 3, 4)),
        (lambda a: a.argmax(1, True), (2, 1, 4)),
        (lambda a: a.argmax(keepdim=True), (1, 1, 1)),
        (lambda a: a.all(1, keepdim=True), (2, 1, 4)),
        (lambda a: a.sum(()), ()),
        (lambda a: a.cumsum(1), (2, 3, 4)),
    ],
)
def test_keepdim_shapes(fn, shape):
    a = torch.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert fn(a).shape == shape


def test_max_with_dim_returns_a_named_tuple():
    a = _a()
    out = torch.max(a, 1)
    assert type(out).__name__ == "max" and type(out).__module__ == "torch.return_types"
    assert isinstance(out, tuple) and len(out) == 2
    values, indices = out
    assert out.values is values and out.indices is indices and out[0] is values
    assert indices.dtype == torch.int64 and indices.grad_fn is None
    assert not indices.requires_grad and values.requires_grad
    assert repr(out) == (
        "torch.return_types.max(\nvalues=tensor([5., 6.], "
        "grad_fn=<MaxBackward0>),\nindices=tensor([1, 2]))"
    )
    assert type(a.min(0)).__name__ == "min" and type(a.median(0)).__name__ == "median"
    assert isinstance(out, torch.return_types.max)


def test_max_of_two_tensors_is_maximum():
    a, b = _a(), torch.tensor([3.0, 3.0, 3.0])
    assert torch.max(a, b).grad_fn.name() == "MaximumBackward0"
    assert torch.min(a, b).tolist() == [[1.0, 3.0, 2.0], [3.0, 3.0, 3.0]]
    assert a.max(b).tolist() == [[3.0, 5.0, 3.0], [4.0, 3.0, 6.0]]


def test_argmax_argmin_all_any():
    a = _a(False)
    assert a.argmax().item() == 5 and a.argmin().item() == 0
    assert a.argmax(1).tolist() == [1, 2] and torch.argmin(a, 0).tolist() == [0, 1, 0]
    assert a.argmax().dtype == torch.int64
    b = torch.tensor([[True, False], [True, True]])
    assert b.all().item() is False and b.any().item() is True
    assert b.all(1).tolist() == [False, True] and torch.any(b, 0, keepdim=True).shape == (1, 2)
    assert torch.tensor([1.0, 2.0]).all().dtype == torch.bool
    u = torch.tensor([1, 0], dtype=torch.uint8)
    assert u.all().dtype == torch.uint8 and u.any().item() == 1


def test_var_std_defaults_are_unbiased():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert repr(x.std()) == "tensor(1.2910)"
    assert repr(x.std(unbiased=False)) == "tensor(1.1180)"
    assert repr(x.var(correction=0)) == "tensor(1.2500)"
    assert x.var(False).item() == 1.25
    v, m = torch.var_mean(x)
    assert (round(v.item(), 4), m.item()) == (1.6667, 2.5)


def test_var_warns_when_degrees_of_freedom_run_out():
    with pytest.warns(UserWarning, match=r"var\(\): degrees of freedom is <= 0"):
        y = torch.ones(1).var()
    assert math.isnan(y.item())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.ones(2).var()


def test_mean_and_sum_with_dtype():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.mean(dtype=torch.float64)
    assert y.dtype == torch.float64 and y.grad_fn.name() == "MeanBackward0"
    y.backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [0.5, 0.5]
    assert torch.tensor([1, 2]).mean(dtype=torch.float32).item() == 1.5
    assert torch.tensor([1, 2]).sum(dtype=torch.float32).dtype == torch.float32


# -- dtypes (spec 3.24) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "dtype", "text"),
    [
        (lambda: torch.tensor([1, 2], dtype=torch.int32).sum(), torch.int64, "tensor(3)"),
        (lambda: torch.tensor([True, True]).sum(), torch.int64, "tensor(2)"),
        (lambda: torch.tensor([1, 2], dtype=torch.int32).prod(), torch.int64, "tensor(2)"),
        (lambda: torch.tensor([True, False]).cumsum(0), torch.int64, "tensor([1, 1])"),
        (lambda: torch.tensor([1, 2]).max(), torch.int64, "tensor(2)"),
        (lambda: torch.tensor([True, False]).max(), torch.bool, "tensor(True)"),
        (lambda: torch.tensor([1, 2]).amax(), torch.int64, "tensor(2)"),
        (lambda: torch.tensor([1, 2]).logsumexp(0), torch.float32, "tensor(2.3133)"),
        (
            lambda: torch.tensor([1.0, 2.0], dtype=torch.float64).sum(),
            torch.float64,
            "tensor(3., dtype=torch.float64)",
        ),
        (lambda: torch.tensor([]).sum(), torch.float32, "tensor(0.)"),
        (lambda: torch.tensor([]).prod(), torch.float32, "tensor(1.)"),
        (lambda: torch.tensor([]).mean(), torch.float32, "tensor(nan)"),
        (lambda: torch.tensor([]).median(), torch.float32, "tensor(nan)"),
    ],
)
def test_result_dtypes(expr, dtype, text):
    out = expr()
    assert out.dtype == dtype
    assert repr(out) == text


# -- errors (spec 3.25) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "exc", "message"),
    [
        (
            lambda: torch.ones(3).sum(dim=2),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 2)",
        ),
        (
            lambda: torch.ones(2, 3).mean(-3),
            IndexError,
            "Dimension out of range (expected to be in range of [-2, 1], but got -3)",
        ),
        (
            lambda: torch.ones(2, 3).sum((0, -2)),
            RuntimeError,
            "dim 0 appears multiple times in the list of dims",
        ),
        (
            lambda: torch.tensor([]).max(),
            RuntimeError,
            "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
            "reduction dim with the 'dim' argument.",
        ),
        (lambda: torch.tensor([]).min(), RuntimeError, "min(): Expected reduction dim to be"),
        (lambda: torch.tensor([]).amax(), RuntimeError, "amax(): Expected reduction dim to be"),
        (
            lambda: torch.ones(0, 3).max(0),
            IndexError,
            "max(): Expected reduction dim 0 to have non-zero size.",
        ),
        (
            lambda: torch.tensor([]).argmax(),
            IndexError,
            "argmax(): Expected reduction dim to be specified for input.numel() == 0.",
        ),
        (
            lambda: torch.tensor([1, 2]).mean(),
            RuntimeError,
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            "complex dtype. Got: Long",
        ),
        (
            lambda: torch.tensor([1, 2]).var(),
            RuntimeError,
            "std and var only support floating point and complex dtypes",
        ),
        (
            lambda: torch.tensor([1, 2]).norm(),
            RuntimeError,
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
        ),
        (
            lambda: torch.ones(3).cumsum(1),
            IndexError,
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ),
        (
            lambda: torch.ones(2, 3).max(keepdim=True),
            TypeError,
            "max() received an invalid combination of arguments",
        ),
    ],
)
def test_error_messages(expr, exc, message):
    with pytest.raises(exc) as info:
        expr()
    assert str(info.value).startswith(message)


def test_errors_match_torch():
    torch_ = pytest.importorskip("torch")
    exprs = [
        lambda T: T.ones(3).sum(dim=2),
        lambda T: T.tensor([]).max(),
        lambda T: T.ones(0, 3).max(0),
        lambda T: T.tensor([1, 2]).mean(),
        lambda T: T.tensor([1, 2]).std(),
        lambda T: T.ones(2, 3).sum((0, 0)),
    ]
    for expr in exprs:
        with pytest.raises(Exception) as ours:
            expr(torch)
        with pytest.raises(Exception) as theirs:
            expr(torch_)
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value) == str(theirs.value)


def test_zero_dim_reductions():
    s = torch.tensor(3.0, requires_grad=True)
    assert s.sum(0).item() == 3.0 and s.sum(-1).shape == ()
    values, indices = s.max(0)
    assert values.item() == 3.0 and indices.item() == 0
    s.prod().backward()
    assert s.grad.item() == 1.0


def test_double_backward_through_reductions():
    x = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
    (g,) = torch.autograd.grad(x.norm() ** 2, x, create_graph=True)
    assert g.tolist() == pytest.approx([2.0, 4.0, 8.0])
    (h,) = torch.autograd.grad(g.sum(), x)
    assert h.tolist() == pytest.approx([2.0, 2.0, 2.0])


def test_var_leaves_pythons_record_of_shown_warnings_alone():
    # before: var() changed the warning filters (``catch_warnings``), which makes Python forget
    # which warnings it has shown: a user's warning meant to show once per line came back
    # after every var(), as in a training loop that logs with ``.var()``
    def warn():
        warnings.warn("shown once per line", UserWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            warn()
            torch.ones(2, 3).var(dim=1)
    assert [str(w.message) for w in caught] == ["shown once per line"]
