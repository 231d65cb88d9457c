# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""LBFGS against PyTorch: the iterates on Rosenbrock's function with and without the
strong-Wolfe line search, the closure-call counts, the state, several parameter shapes."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import graphgrad

# Rosenbrock's valley amplifies rounding: graphgrad's dot products and ``a + t*d`` (PyTorch's is
# a fused multiply-add) differ from PyTorch's in the last bit, and after dozens of iterations the
# iterates agree to about 1e-9 relative; the counts of iterations and closure calls agree exactly.
RTOL = 1e-7


def _rosenbrock_run(T, steps: int, **kwargs):
    x = T.nn.Parameter(T.tensor([-1.5, 2.0], dtype=T.float64))
    opt = T.optim.LBFGS([x], **kwargs)

    def closure():
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    trace = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's float() of a tensor that requires grad
        for _ in range(steps):
            loss = float(opt.step(closure))
            state = opt.state[x]
            trace.append((loss, x.detach().numpy().copy(), state["func_evals"], state["n_iter"]))
    return trace, opt


CONFIGS = [
    {"line_search_fn": "strong_wolfe"},
    {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 7},
    {"line_search_fn": "strong_wolfe", "max_iter": 4, "max_eval": 5, "history_size": 2},
    {"line_search_fn": "strong_wolfe", "max_iter": 1},  # max_eval 1: no room to search
    {"lr": 0.5, "max_iter": 5},
    {"lr": 0.1, "history_size": 2, "max_iter": 8},
    {"max_iter": 3, "tolerance_change": 1e-3},
]


@pytest.mark.parametrize(
    "kwargs", CONFIGS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items())
)
def test_rosenbrock_iterates_match_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours, _ = _rosenbrock_run(graphgrad, 4, **kwargs)
    theirs, _ = _rosenbrock_run(torch, 4, **kwargs)
    for (loss, x, evals, n_iter), (t_loss, t_x, t_evals, t_n_iter) in zip(
        ours, theirs, strict=True
    ):
        assert (evals, n_iter) == (t_evals, t_n_iter)
        assert loss == pytest.approx(t_loss, rel=RTOL)
        np.testing.assert_allclose(x, t_x, rtol=RTOL)


def _as_array(value):
    if value is None:
        return None
    return np.asarray(value.detach().numpy() if hasattr(value, "detach") else value, np.float64)


def test_state_matches_torch():
    torch = pytest.importorskip("torch")
    kwargs = {"line_search_fn": "strong_wolfe", "history_size": 4, "max_iter": 6}
    _, ours = _rosenbrock_run(graphgrad, 2, **kwargs)
    _, theirs = _rosenbrock_run(torch, 2, **kwargs)
    our_state = ours.state_dict()["state"][0]
    their_state = theirs.state_dict()["state"][0]
    assert sorted(our_state) == sorted(their_state)
    for key, value in their_state.items():
        mine = our_state[key]
        if isinstance(value, list):
            assert len(mine) == len(value), key
            for a, b in zip(mine, value, strict=True):
                assert (a is None) == (b is None), key
                if b is not None:
                    np.testing.assert_allclose(_as_array(a), _as_array(b), rtol=1e-6, err_msg=key)
        elif isinstance(value, int):
            assert mine == value, key
        else:
            np.testing.assert_allclose(_as_array(mine), _as_array(value), rtol=1e-6, err_msg=key)
    assert ours.state_dict()["param_groups"] == theirs.state_dict()["param_groups"]


def _transposed(T, values):
    """A transposed view in graphgrad; a contiguous copy for PyTorch, whose LBFGS raises
    ``view size is not compatible`` on a non-contiguous parameter (its gradient is gathered
    with ``view(-1)``). The iterates are the same: both flatten in row-major order."""
    view = T.tensor(values).t()
    return view if T is graphgrad else view.contiguous()


def _shapes_run(T, line_search_fn):
    """A bounded quartic over a 0-d, a 1-d and a transposed (non-contiguous) parameter."""
    rng = np.random.default_rng(3)
    params = [
        T.nn.Parameter(T.tensor(rng.uniform(-1, 1, ()))),
        T.nn.Parameter(T.tensor(rng.uniform(-1, 1, (4,)))),
        T.nn.Parameter(_transposed(T, rng.uniform(-1, 1, (3, 2)))),
    ]
    assert params[2].is_contiguous() == (T is not graphgrad)
    opt = T.optim.LBFGS(params, line_search_fn=line_search_fn, lr=0.5, max_iter=6)

    def closure():
        opt.zero_grad()
        loss = sum(((p - 0.3) ** 4 + (p * p) * 0.5).sum() for p in params)
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    return [p.detach().numpy().copy() for p in params]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_zero_dim_one_dim_and_noncontiguous_parameters(line_search_fn):
    torch = pytest.importorskip("torch")
    ours = _shapes_run(graphgrad, line_search_fn)
    theirs = _shapes_run(torch, line_search_fn)
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_state_dict_round_trip_continues_the_same_run():
    kwargs = {"line_search_fn": "strong_wolfe", "max_iter": 3}
    straight, _ = _rosenbrock_run(graphgrad, 3, **kwargs)
    first, opt = _rosenbrock_run(graphgrad, 1, **kwargs)
    x = opt.param_groups[0]["params"][0]
    resumed = graphgrad.optim.LBFGS([x], **kwargs)
    resumed.load_state_dict(opt.state_dict())

    def closure():
        resumed.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    for _ in range(2):
        resumed.step(closure)
    np.testing.assert_array_equal(x.detach().numpy(), straight[-1][1])


def test_converged_parameters_return_at_once():
    x = graphgrad.nn.Parameter(graphgrad.tensor([1.0, 1.0], dtype=graphgrad.float64))
    opt = graphgrad.optim.LBFGS([x])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = ((x - 1) ** 2).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 0.0
    assert len(calls) == 1 and opt.state[x]["n_iter"] == 0


def test_repr_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    for T in (graphgrad, torch):
        w = T.nn.Parameter(T.ones(2))
        text = repr(T.optim.LBFGS([w], line_search_fn="strong_wolfe"))
        if T is graphgrad:
            ours = text
    assert ours == text
    w = graphgrad.nn.Parameter(graphgrad.ones(2))
    with pytest.raises(ValueError, match=r"LBFGS doesn't support per-parameter options"):
        graphgrad.optim.LBFGS(
            [{"params": [w]}, {"params": [graphgrad.zeros(1, requires_grad=True)]}]
        )
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        graphgrad.optim.LBFGS([w], lr=-1)
    opt = graphgrad.optim.LBFGS([w], line_search_fn="armijo")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(lambda: (w * w).sum().backward() or (w * w).sum())
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'closure'"):
        opt.step()


@pytest.mark.parametrize(("max_iter", "max_eval"), list(itertools.product([2, 5], [None, 3])))
def test_float32_parameters_follow_torch(max_iter, max_eval):
    """float32 state stays float32 (PyTorch keeps ``ro``, ``H_diag``... as 0-d tensors)."""
    torch = pytest.importorskip("torch")
    results = []
    for T in (graphgrad, torch):
        x = T.nn.Parameter(T.tensor([0.5, -0.25, 1.5]))
        opt = T.optim.LBFGS([x], max_iter=max_iter, max_eval=max_eval, lr=0.3)

        def closure(x=x, opt=opt):
            opt.zero_grad()
            loss = ((x - 1) ** 2 * T.tensor([1.0, 3.0, 0.5])).sum()
            loss.backward()
            return loss

        for _ in range(3):
            opt.step(closure)
        results.append((x.detach().numpy().copy(), opt.state[x]["d"].numpy().dtype))
    assert results[0][1] == results[1][1] == np.float32
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
