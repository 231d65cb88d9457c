"""NumPy's argument names (keepdims=, axis=) and out=, as PyTorch accepts them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad

REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "logsumexp", "std", "var", "any", "all"]


@pytest.mark.parametrize("name", REDUCTIONS)
def test_keepdims_and_axis_match_torch(name):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).uniform(0.5, 2, (2, 3))
    want = getattr(torch, name)(torch.tensor(a), axis=1, keepdims=True)
    got = getattr(graphgrad, name)(graphgrad.tensor(a), axis=1, keepdims=True)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    method = getattr(graphgrad.tensor(a), name)(axis=0, keepdims=True)
    np.testing.assert_allclose(
        method.numpy(), getattr(torch.tensor(a), name)(0, keepdim=True).numpy()
    )


def test_keepdims_on_max_and_argmax():
    x = graphgrad.tensor([[1.0, 5.0], [4.0, 2.0]])
    assert x.max(dim=1, keepdims=True).indices.tolist() == [[1], [0]]
    assert graphgrad.argmax(x, axis=0, keepdims=True).tolist() == [[1, 0]]


@pytest.mark.parametrize(
    ("fn", "args", "shape"),
    [
        (graphgrad.add, (graphgrad.ones(2), 1), (2,)),
        (graphgrad.mul, (graphgrad.ones(2), graphgrad.full((2,), 3.0)), (2,)),
        (graphgrad.matmul, (graphgrad.ones(2, 3), graphgrad.ones(3, 2)), (2, 2)),
        (graphgrad.exp, (graphgrad.zeros(3),), (3,)),
        (graphgrad.cat, ([graphgrad.ones(1), graphgrad.zeros(1)],), (2,)),
    ],
)
def test_out_writes_into_the_given_tensor(fn, args, shape):
    out = graphgrad.empty(shape)
    version = out._version
    result = fn(*args, out=out)
    assert result is out
    np.testing.assert_array_equal(out.numpy(), fn(*args).numpy())
    assert out._version == version + 1


def test_out_resizes_an_empty_tensor_silently_and_warns_otherwise():
    out = graphgrad.empty(0)
    graphgrad.add(graphgrad.ones(2), 1, out=out)
    assert out.tolist() == [2.0, 2.0]
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        graphgrad.add(graphgrad.ones(2), 1, out=graphgrad.empty(3))


def test_out_casts_like_torch():
    out = graphgrad.empty(2, dtype=graphgrad.float64)
    graphgrad.add(graphgrad.ones(2), 1, out=out)
    assert out.dtype is graphgrad.float64 and out.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output"):
        graphgrad.add(graphgrad.ones(2), 1.5, out=graphgrad.empty(2, dtype=graphgrad.int64))


def test_out_refuses_inputs_that_require_grad():
    x = graphgrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="add\\(\\): functions with out=... arguments don't"):
        graphgrad.add(x, x, out=graphgrad.empty(2))
    with graphgrad.no_grad():
        assert graphgrad.add(x, x, out=graphgrad.empty(2)).tolist() == [2.0, 2.0]


def test_out_for_tuple_results():
    values, indices = graphgrad.empty(0), graphgrad.empty(0, dtype=graphgrad.int64)
    result = graphgrad.max(graphgrad.tensor([[1.0, 3.0], [4.0, 2.0]]), 1, out=(values, indices))
    assert result[0] is values and result.indices is indices
    assert values.tolist() == [3.0, 4.0] and indices.tolist() == [1, 0]


def test_out_names_are_accepted_by_torch():
    torch = pytest.importorskip("torch")
    from graphgrad._arg_forms import OUT_NAMES

    x = torch.rand(3, 3)
    for name in ("add", "mul", "matmul", "sum", "exp", "sort", "topk", "cumsum", "where"):
        if name in OUT_NAMES:
            fn = getattr(torch, name)
            args = {"sum": (x, 0), "topk": (x, 2), "cumsum": (x, 0), "sort": (x,)}
            args = args.get(name, (x, x) if name in ("add", "mul", "matmul") else (x,))
            result = fn(*args)
            out = (
                tuple(torch.empty(0, dtype=r.dtype) for r in result)
                if isinstance(result, tuple)
                else torch.empty(0)
            )
            fn(*args, out=out)


SCALE_FIRST = [
    ("add", lambda t, a, b: a.add(-0.5, b)),
    ("add_", lambda t, a, b: a.clone().add_(-0.5, b)),
    ("add", lambda t, a, b: t.add(a, 2, b)),
    ("sub_", lambda t, a, b: a.clone().sub_(3, b)),
    ("sub", lambda t, a, b: t.sub(a, 3, b)),
    ("addcmul", lambda t, a, b: a.addcmul(0.5, b, a)),
    ("addcmul_", lambda t, a, b: a.clone().addcmul_(0.5, b, a)),
    ("addcmul", lambda t, a, b: t.addcmul(a, 0.5, b, a)),
    ("addcdiv", lambda t, a, b: a.addcdiv(2, b, a)),
    ("addcdiv_", lambda t, a, b: a.clone().addcdiv_(-2, b, a)),
    ("addcdiv", lambda t, a, b: t.addcdiv(a, 2, b, a)),
]


@pytest.mark.parametrize(("name", "call"), SCALE_FIRST)
def test_deprecated_scale_first_forms_match_torch(name, call, monkeypatch):
    torch = pytest.importorskip("torch")
    from graphgrad import _utilities

    monkeypatch.setattr(_utilities, "_warned", set())
    a, b = np.array([1.0, 2.0, 4.0]), np.array([0.5, -1.0, 3.0])
    with pytest.warns(UserWarning, match=f"This overload of {name} is deprecated"):
        got = call(graphgrad, graphgrad.tensor(a), graphgrad.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = call(torch, torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-15)


def test_deprecated_scale_first_warns_once_with_torchs_text(monkeypatch):
    from graphgrad import _utilities

    monkeypatch.setattr(_utilities, "_warned", set())
    p, g = graphgrad.ones(2), graphgrad.ones(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p.add_(-0.5, g)
        graphgrad.add(p, 2, g)  # the first deprecated overload warns, no later one
    assert [str(w.message) for w in caught] == [
        "This overload of add_ is deprecated:\n\tadd_(Number alpha, Tensor other)\n"
        "Consider using one of the following signatures instead:\n"
        "\tadd_(Tensor other, *, Number alpha = 1)"
    ]
    assert caught[0].filename == __file__
    assert p.tolist() == [0.5, 0.5]


def test_deprecated_scale_first_records_the_graph():
    b = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graphgrad.ones(2).sub(3, b).sum().backward()
    assert b.grad.tolist() == [-3.0, -3.0]
