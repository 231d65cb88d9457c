# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""graphgrad.func: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian and vmap, against
torch.func (spec §3.19) and finite differences."""

from __future__ import annotations

from importlib import import_module

import numpy as np
import pytest

import graphgrad

from ..autograd._helpers import central_difference


def _cases(T):
    from importlib import import_module

    fn = import_module(T.__name__ + ".func")
    vmap, grad = fn.vmap, fn.grad
    x = T.arange(6.0).reshape(2, 3)
    out = []

    def record(call):
        try:
            r = call()
        except Exception as e:  # noqa: BLE001 - the type and message are what we compare
            out.append((type(e).__name__, str(e).split(" TreeSpec")[0]))
            return
        out.append(_plain(r))

    record(lambda: vmap(T.sum)(x))
    record(lambda: vmap(T.dot)(x, x))
    record(lambda: vmap(lambda a, b: a * b, in_dims=(0, None))(x, T.ones(3)))
    record(lambda: vmap(lambda a: a.sum(), in_dims=1)(x))
    record(lambda: vmap(lambda a: a * 2, out_dims=1)(x))
    record(lambda: vmap(lambda a: (a, a.sum()), out_dims=(1, 0))(x))
    record(lambda: vmap(lambda a: 3)(x))
    record(lambda: vmap(lambda a, b: a + b)(x, T.ones(3)))
    record(lambda: vmap(lambda a, b: a + b, in_dims=(None, None))(x, x))
    record(lambda: vmap(lambda a: a, in_dims=2)(x))
    record(
        lambda: vmap(vmap(T.dot))(x.unsqueeze(0).expand(4, 2, 3), x.unsqueeze(0).expand(4, 2, 3))
    )
    record(lambda: vmap(lambda d: d["a"] * d["b"])({"a": x, "b": x}))
    record(lambda: vmap(lambda a, k: a * k, in_dims=(0, None))(x, 3))
    record(lambda: vmap(lambda a, k: a * k)(x, 3))
    record(lambda: vmap(lambda a: a.sum(), in_dims=0)(T.tensor(1.0)))
    record(lambda: vmap(lambda a: (a, 3), out_dims=(0, None))(x))
    record(lambda: vmap(grad(lambda w, a: (w * a).sum() ** 2), in_dims=(None, 0))(T.ones(3), x))
    record(lambda: grad(T.sin)(T.tensor(0.5)))
    record(lambda: grad(lambda a: a**2)(T.ones(2)))
    record(lambda: grad(lambda a: 3.0)(T.ones(2)))
    record(lambda: grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(T.ones(2), T.ones(2) * 3))
    record(lambda: grad(lambda a, b: (a * b).sum(), argnums=2)(T.ones(2), T.ones(2)))
    record(lambda: grad(lambda a: ((a**2).sum(), a * 3), has_aux=True)(T.ones(2)))
    record(lambda: fn.grad_and_value(lambda a: ((a**2).sum(), a * 3), has_aux=True)(T.ones(2)))
    record(lambda: fn.grad_and_value(lambda a: (a**2).sum())(T.ones(2)))
    record(lambda: grad(grad(lambda t: t**3))(T.tensor(2.0)))
    record(lambda: grad(lambda d: (d["a"] ** 2).sum())({"a": T.ones(2)}))
    record(lambda: fn.jacrev(T.sin)(T.tensor([0.0, 1.0])))
    record(lambda: fn.jacfwd(T.sin)(T.tensor([0.0, 1.0])))
    record(lambda: fn.hessian(lambda a: (a**3).sum())(T.tensor([1.0, 2.0])))
    record(lambda: fn.jacrev(lambda a, b: (a * b, a + b), argnums=(0, 1))(T.ones(2), T.ones(2)))
    record(lambda: fn.jacfwd(lambda a, b: a * b, argnums=1)(T.ones(2), T.ones(2) * 2))
    record(lambda: fn.vjp(T.sin, T.tensor([0.0, 1.0]))[1](T.ones(2)))
    record(lambda: fn.jvp(T.sin, (T.tensor([0.0, 1.0]),), (T.ones(2),)))
    record(lambda: fn.jvp(T.sin, T.tensor([0.0, 1.0]), T.ones(2)))
    record(
        lambda: fn.jvp(
            fn.grad(lambda a: (a**3).sum()), (T.tensor([1.0, 2.0]),), (T.tensor([1.0, 0.0]),)
        )
    )
    record(lambda: fn.jacfwd(fn.jacfwd(lambda a: (a**3).sum()))(T.tensor([1.0, 2.0])))
    record(lambda: vmap(fn.jacrev(lambda a: a.sin() * a))(x))
    return out


def _plain(r):
    if isinstance(r, (tuple, list)):
        return type(r).__name__, tuple(_plain(e) for e in r)
    if isinstance(r, dict):
        return {k: _plain(v) for k, v in r.items()}
    if not hasattr(r, "shape"):
        return r
    return (tuple(r.shape), np.round(r.detach().numpy().astype(float), 5).tolist(), r.requires_grad)


def test_func_values():
    got = _cases(graphgrad)
    assert got[0] == ((2,), [3.0, 12.0], False)
    assert got[1] == ((2,), [5.0, 50.0], False)
    assert got[6] == (
        "ValueError",
        "vmap(<lambda>, ...): `<lambda>` must only return Tensors, "
        "got type <class 'int'>. Did you mean to set out_dims= to None for output?",
    )
    assert got[17] == ((), 0.87758, False)
    assert got[18][0] == "RuntimeError" and "got tensor with 1 dims" in got[18][1]
    assert got[25] == ((), 12.0, False)


def test_func_parity():
    torch = pytest.importorskip("torch")
    ours, theirs = _cases(graphgrad), _cases(torch)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        assert a == b, f"case {i}: {a} != {b}"


def test_grad_keeps_outer_graph_when_inputs_require_grad():
    y = graphgrad.ones(2, requires_grad=True)
    g = graphgrad.func.grad(lambda a: (a**3).sum())(y)
    assert g.requires_grad and g.tolist() == [3.0, 3.0]
    g.sum().backward()
    assert y.grad.tolist() == [6.0, 6.0]
    assert not graphgrad.func.grad(lambda a: (a**3).sum())(graphgrad.ones(2)).requires_grad


def test_per_sample_gradients_match_a_loop():
    rng = np.random.default_rng(0)
    w = graphgrad.tensor(rng.standard_normal(3))
    xs = graphgrad.tensor(rng.standard_normal((5, 3)))
    ys = graphgrad.tensor(rng.standard_normal(5))

    def loss(w, x, y):
        return ((x * w).sum().tanh() - y) ** 2

    batched = graphgrad.func.vmap(graphgrad.func.grad(loss), in_dims=(None, 0, 0))(w, xs, ys)
    for i in range(5):
        wi = w.detach().requires_grad_()
        loss(wi, xs.select(0, i), ys.select(0, i)).backward()
        np.testing.assert_allclose(batched.numpy()[i], wi.grad.numpy(), rtol=1e-12)


def test_jacobians_against_finite_differences():
    rng = np.random.default_rng(1)
    a = graphgrad.tensor(rng.standard_normal((3, 2)))

    def f(x):
        return (a @ x).sigmoid() * x.sum()

    x0 = rng.standard_normal(2)
    numeric = central_difference(lambda v: f(graphgrad.tensor(v)).numpy(), x0)
    for jac in (graphgrad.func.jacrev, graphgrad.func.jacfwd):
        np.testing.assert_allclose(
            jac(f)(graphgrad.tensor(x0)).numpy(), numeric, rtol=1e-6, atol=1e-8
        )
    h = graphgrad.func.hessian(lambda x: f(x).sum())(graphgrad.tensor(x0)).numpy()
    h_rev = graphgrad.func.jacrev(graphgrad.func.jacrev(lambda x: f(x).sum()))(
        graphgrad.tensor(x0)
    ).numpy()
    np.testing.assert_allclose(h, h_rev, rtol=1e-10)
    np.testing.assert_allclose(h, h.T, rtol=1e-10)


def test_vmap_randomness_modes():
    if not hasattr(graphgrad, "rand"):
        pytest.skip("the RNG module is not there yet")
    x = graphgrad.ones(3, 2)
    with pytest.raises(
        RuntimeError, match="vmap: called random operation while in randomness error mode"
    ):
        graphgrad.func.vmap(lambda a: graphgrad.rand(2) + a)(x)
    same = graphgrad.func.vmap(lambda a: graphgrad.rand(2) + a, randomness="same")(x)
    assert np.all(same.numpy() == same.numpy()[0])
    diff = graphgrad.func.vmap(lambda a: graphgrad.rand(2) + a, randomness="different")(x)
    assert not np.all(diff.numpy() == diff.numpy()[0])


def _stacked_states(T):
    """What stack_module_state returns, and raises, for small models built after one seed."""
    from importlib import import_module

    fn = import_module(T.__name__ + ".func")
    T.manual_seed(0)
    models = [T.nn.Sequential(T.nn.Linear(2, 3), T.nn.BatchNorm1d(3)) for _ in range(2)]
    params, buffers = fn.stack_module_state(models)
    out: list = [
        (k, v.tolist(), v.requires_grad, v.is_leaf, str(v.dtype))
        for k, v in [*params.items(), *buffers.items()]
    ]
    frozen = [T.nn.Linear(2, 3), T.nn.Linear(2, 3)]
    frozen[0].weight.requires_grad_(False)
    bad = [
        [],
        [T.nn.Linear(2, 3), T.nn.Linear(2, 4)],
        [T.nn.Linear(2, 3), T.nn.Linear(2, 3).eval()],
    ]
    for models in [frozen, *bad]:
        try:
            fn.stack_module_state(models)
        except RuntimeError as e:
            out.append(str(e))
    return out


def test_stack_module_state_matches_torch():
    torch = pytest.importorskip("torch")
    assert _stacked_states(graphgrad) == _stacked_states(torch)


def test_stack_module_state_with_vmap_matches_each_model():
    graphgrad.manual_seed(0)
    models = [graphgrad.nn.Linear(3, 2) for _ in range(4)]
    params, buffers = graphgrad.func.stack_module_state(models)
    x = graphgrad.randn(4, 5, 3)

    def fmodel(p, b, xb):
        return graphgrad.func.functional_call(models[0], (p, b), (xb,))

    got = graphgrad.func.vmap(fmodel)(params, buffers, x)
    want = graphgrad.stack([m(xb) for m, xb in zip(models, x, strict=True)])
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    got.sum().backward()
    assert params["weight"].grad.shape == (4, 2, 3) and models[0].weight.grad is None


def test_jacrev_of_parameters_in_a_dict_or_a_list():
    # before: AttributeError "'dict' object has no attribute '_data'" (PyTorch's neural
    # tangent kernel tutorial takes jacrev over functional_call's dict of parameters)
    torch = pytest.importorskip("torch")
    seen = []
    for T in (graphgrad, torch):
        F = import_module(T.__name__ + ".func")
        net = T.nn.Linear(3, 2)
        with T.no_grad():
            net.weight.copy_(T.arange(6.0).reshape(2, 3) / 10)
        params = {k: v.detach() for k, v in net.named_parameters()}
        j = F.jacrev(lambda p, x: F.functional_call(net, p, (x,)))(params, T.ones(4, 3))
        listed = F.jacrev(lambda ws, x: ws[0] * x + ws[1].sum())([T.ones(2), T.ones(3)], T.ones(2))
        seen.append(({k: v.tolist() for k, v in j.items()}, [v.tolist() for v in listed]))
    assert seen[0] == seen[1]
