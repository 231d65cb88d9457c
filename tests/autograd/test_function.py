# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""Custom autograd.Function: ctx API, node naming, output handling, errors and double backward,
against PyTorch (spec §3.16) and against finite differences."""

from __future__ import annotations

import warnings

import pytest

import graphgrad

from ._helpers import doubling


def _functions(T):
    """The same custom Functions, written against module ``T`` (graphgrad or torch)."""

    class MyExp(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return grad * result

    class Scale(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.needs = ctx.needs_input_grad
            ctx.grad_mode = T.is_grad_enabled()
            return x * k + y

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None, g

    class Cube(T.autograd.Function):  # the setup_context style
        @staticmethod
        def forward(x):
            return x**3

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2  # differentiable: double backward works

    class Split(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = T.tensor([1, 0])
            b = x * 3
            ctx.mark_non_differentiable(b)
            return x * 2, idx, b

        @staticmethod
        def backward(ctx, ga, gi, gb):
            ctx.seen = (ga.tolist(), gi.tolist(), gb.tolist())
            return ga

    class NoMaterialize(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            ctx.seen = (ga is None, gb is None)
            return ga

    class AddOne(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    return MyExp, Scale, Cube, Split, NoMaterialize, AddOne


def _scenario(T):
    MyExp, Scale, Cube, Split, NoMaterialize, AddOne = _functions(T)
    out = {}
    x = T.tensor([0.0, 1.0], requires_grad=True)
    y = MyExp.apply(x)
    out["repr"] = repr(y)
    out["name"] = type(y.grad_fn).__name__
    out["saved_is_output"] = y.grad_fn.saved_tensors[0] is y
    y.sum().backward()
    out["exp_grad"] = [round(v, 4) for v in x.grad.tolist()]
    c = T.tensor([1.0, 1.0])
    s = Scale.apply(x, 3, c)
    out["scale_next"] = [
        None if n is None else type(n).__name__ for n, _ in s.grad_fn.next_functions
    ]
    out["needs"] = (s.grad_fn.needs, s.grad_fn.grad_mode)
    cube = Cube.apply(x)
    (g,) = T.autograd.grad(cube.sum(), x, create_graph=True)
    out["cube"] = (g.tolist(), T.autograd.grad(g.sum(), x)[0].tolist())
    a, idx, b = Split.apply(x)
    out["split_flags"] = (a.requires_grad, idx.requires_grad, b.requires_grad, b.grad_fn)
    a.sum().backward()
    out["split_seen"] = a.grad_fn.seen
    p, q = NoMaterialize.apply(x)
    p.sum().backward()
    out["no_materialize"] = p.grad_fn.seen
    z = x * 1
    w = AddOne.apply(z)
    out["dirty"] = (w is z, type(z.grad_fn).__name__, z._version)
    with T.no_grad():
        r = MyExp.apply(x)
    out["no_grad"] = (r.requires_grad, r.grad_fn)
    return out


def test_function_scenario():
    got = _scenario(graphgrad)
    assert got["repr"] == "tensor([1.0000, 2.7183], grad_fn=<MyExpBackward>)"
    assert got["name"] == "MyExpBackward" and got["saved_is_output"] is False
    assert got["exp_grad"] == [1.0, 2.7183]
    assert got["scale_next"] == ["AccumulateGrad", None]  # one edge per tensor input
    assert got["needs"] == ((True, False, False), False)
    assert got["cube"] == ([0.0, 3.0], [0.0, 6.0])
    assert got["split_flags"] == (True, False, False, None)
    assert got["split_seen"] == ([1.0, 1.0], [0, 0], [0.0, 0.0])
    assert got["no_materialize"] == (False, True)
    assert got["dirty"] == (True, "AddOneBackward", 2)
    assert got["no_grad"] == (False, None)


def test_function_parity():
    torch = pytest.importorskip("torch")
    ours, theirs = _scenario(graphgrad), _scenario(torch)
    ours["scale_next"] = [
        n.removeprefix("torch::autograd::") if n else n for n in ours["scale_next"]
    ]
    assert ours == theirs


def _errors(T):
    wrong_num = doubling(T, "WrongNum", lambda ctx, g: (g, g))
    wrong_shape = doubling(T, "WrongShape", lambda ctx, g: T.ones(3))
    extra_none = doubling(T, "ExtraNone", lambda ctx, g: (g, None))

    class NonTensorGrad(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    class SaveInt(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(3)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Leaf(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    x = T.tensor([1.0, 2.0], requires_grad=True)
    messages = []
    for fn, args in ((wrong_num, (x,)), (NonTensorGrad, (x, 2)), (wrong_shape, (x,))):
        try:
            fn.apply(*args).sum().backward()
        except RuntimeError as e:
            messages.append(str(e))
    extra_none.apply(x).sum().backward()  # trailing Nones are allowed
    try:
        SaveInt.apply(x)
    except TypeError as e:
        messages.append(str(e))
    y = Leaf.apply(x)
    y.sum().backward()
    try:
        _ = y.grad_fn.saved_tensors
    except RuntimeError as e:
        messages.append(str(e)[:60])
    return messages


def test_function_errors():
    assert _errors(graphgrad) == [
        "function WrongNumBackward returned an incorrect number of gradients (expected 1, got 2)",
        "function NonTensorGradBackward returned a gradient different than None at position 2, "
        "but the corresponding forward input was not a Variable",
        "Function WrongShapeBackward returned an invalid gradient at index 0 - got [3] but "
        "expected shape compatible with [2]",
        "save_for_backward can only save variables, but argument 0 is of type int",
        "Trying to backward through the graph a second time (or direc",
    ]


def test_function_errors_parity():
    torch = pytest.importorskip("torch")
    assert _errors(graphgrad) == _errors(torch)


def test_once_differentiable():
    from graphgrad.autograd.function import once_differentiable

    class Square(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = graphgrad.tensor([2.0, 3.0], requires_grad=True)
    (g,) = graphgrad.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [4.0, 6.0] and not g.requires_grad
    (g,) = graphgrad.autograd.grad(
        Square.apply(x * 1), x, graphgrad.ones(2, requires_grad=True), create_graph=True
    )
    with pytest.raises(
        RuntimeError,
        match="trying to differentiate twice a function that was marked with @once_differentiable",
    ):
        g.sum().backward()


def test_instantiating_is_deprecated():
    class F(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        f = F()
    assert w[0].category is DeprecationWarning and "should not be instantiated" in str(w[0].message)
    with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward"):
        f(graphgrad.ones(1))


def test_custom_function_gradcheck_and_double_backward():
    class Softplus(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x, beta):
            ctx.save_for_backward(x)
            ctx.beta = beta
            return (1 + (x * beta).exp()).log() / beta

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x * ctx.beta).sigmoid(), None

    x = graphgrad.tensor([-1.0, 0.2, 1.5], dtype=graphgrad.float64, requires_grad=True)
    assert graphgrad.autograd.gradcheck(lambda t: Softplus.apply(t, 2.0), (x,))
    assert graphgrad.autograd.gradgradcheck(lambda t: Softplus.apply(t, 2.0), (x,))


def test_apply_with_keyword_arguments_and_hooks_on_node():
    class Mul(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = graphgrad.tensor([1.0], requires_grad=True)
    y = Mul.apply(x, k=5.0)
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append(gi[0].item()))
    y.backward()
    assert x.grad.item() == 5.0 and seen == [5.0]
