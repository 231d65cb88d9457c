"""``inplace=True`` of the activations against torch: the input is overwritten and returned,
its version bumped once, the node is PyTorch's (``EluBackward1`` for the forms that save their
result), and values, gradients and gradients of gradients are PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg

# x avoids every kink (0, +-0.5, +-1, +-3, the thresholds) by at least 0.05
_X = [-3.7, -2.1, -0.7, -0.2, 0.3, 0.8, 1.3, 2.6, 3.8, 0.65]

CASES = {
    "elu": lambda F, x, ip: F.elu(x, 0.7, inplace=ip),
    "selu": lambda F, x, ip: F.selu(x, inplace=ip),
    "celu": lambda F, x, ip: F.celu(x, 1.5, inplace=ip),
    "leaky_relu": lambda F, x, ip: F.leaky_relu(x, 0.2, inplace=ip),
    "silu": lambda F, x, ip: F.silu(x, inplace=ip),
    "threshold": lambda F, x, ip: F.threshold(x, 0.1, 2.0, inplace=ip),
    "threshold_high_value": lambda F, x, ip: F.threshold(x, 0.1, 20.0, inplace=ip),
    "rrelu": lambda F, x, ip: F.rrelu(x, 0.1, 0.3, inplace=ip),
    "hardsigmoid": lambda F, x, ip: F.hardsigmoid(x, inplace=ip),
    "hardswish": lambda F, x, ip: F.hardswish(x, inplace=ip),
    "mish": lambda F, x, ip: F.mish(x, inplace=ip),
    "relu6": lambda F, x, ip: F.relu6(x, inplace=ip),
    "hardtanh": lambda F, x, ip: F.hardtanh(x, -0.5, 1.0, inplace=ip),
    "ELU module": lambda F, x, ip: F.ELU_module(0.7, ip)(x),
    "SELU module": lambda F, x, ip: F.SELU_module(ip)(x),
    "SiLU module": lambda F, x, ip: F.SiLU_module(ip)(x),
    "LeakyReLU module": lambda F, x, ip: F.LeakyReLU_module(0.2, ip)(x),
    "CELU module": lambda F, x, ip: F.CELU_module(1.5, ip)(x),
    "Mish module": lambda F, x, ip: F.Mish_module(ip)(x),
}
# PyTorch has no double backward for these (the rest are checked to the second order)
NO_GRADGRAD = {"hardsigmoid", "hardtanh", "relu6", "threshold", "threshold_high_value"}


class _F:
    """``lib.nn.functional`` plus the modules by name, so one lambda serves both libraries."""

    def __init__(self, lib):
        self.lib = lib

    def __getattr__(self, name):
        if name.endswith("_module"):
            return getattr(self.lib.nn, name[: -len("_module")])
        return getattr(self.lib.nn.functional, name)


def _run(lib, case, inplace):
    leaf = lib.tensor(_X, dtype=lib.float64, requires_grad=True)
    x = leaf * 1
    version = x._version
    y = CASES[case](_F(lib), x, inplace)
    (g,) = lib.autograd.grad(y, leaf, lib.linspace(-1, 1, len(_X), dtype=lib.float64),
                             create_graph=True)  # fmt: skip
    second = None
    if case not in NO_GRADGRAD:
        second = np.zeros(len(_X))  # (a zero second derivative may record no graph)
        if g.requires_grad:
            (found,) = lib.autograd.grad(g.sum(), leaf, allow_unused=True)
            second = second if found is None else found.numpy()
    return {
        "value": y.detach().numpy().copy(),
        "x after": x.detach().numpy().copy(),
        "returns input": y is x,
        "version bump": x._version - version,
        "node": type(y.grad_fn).__name__,
        "grad": g.detach().numpy(),
        "gradgrad": second,
    }


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("case", sorted(CASES))
def test_activation_matches_torch(case, inplace):
    torch = pytest.importorskip("torch")
    ours, theirs = _run(gg, case, inplace), _run(torch, case, inplace)
    for key, value in theirs.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_allclose(ours[key], value, rtol=1e-12, atol=1e-15, err_msg=key)
            if key != "gradgrad":
                assert (np.signbit(ours[key]) == np.signbit(value)).all(), key
        else:
            assert ours[key] == value, key


def test_inplace_rrelu_in_training_draws_as_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (gg, torch):
        lib.manual_seed(0)
        leaf = lib.tensor(_X, dtype=lib.float64, requires_grad=True)
        x = leaf * 1
        y = lib.nn.functional.rrelu(x, training=True, inplace=True)
        y.sum().backward()
        results.append((y is x, type(y.grad_fn).__name__, x.detach().numpy(), leaf.grad.numpy()))
    (a_is, a_node, a_x, a_g), (b_is, b_node, b_x, b_g) = results
    assert a_is and b_is and a_node == b_node == "RreluWithNoiseBackward1"
    np.testing.assert_allclose(a_x, b_x, rtol=1e-12)
    np.testing.assert_allclose(a_g, b_g, rtol=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda F, x: F.elu(x, -1.0, inplace=True), "^In-place elu backward calculation"),
        (lambda F, x: F.celu(x, -1.0, inplace=True), "^In-place elu backward calculation"),
        (lambda F, x: F.leaky_relu(x, -0.2, inplace=True), "^In-place leakyReLu backward"),
    ],
)
def test_inplace_negative_slope_backward_refused_as_torch(call, message):
    x = gg.tensor(_X, requires_grad=True) * 1
    y = call(gg.nn.functional, x)
    with pytest.raises(RuntimeError, match=message):
        y.sum().backward()


def test_inplace_on_a_leaf_that_requires_grad_refused():
    x = gg.tensor(_X, requires_grad=True)
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad"):
        gg.nn.functional.elu(x, inplace=True)


def test_inplace_without_grad_writes_the_input():
    x = gg.tensor([-1.0, 2.0])
    assert gg.nn.functional.silu(x, inplace=True) is x
    np.testing.assert_allclose(x.numpy(), [-0.26894142, 1.76159416], rtol=1e-6)
    assert x._version == 1
