"""Tests generated from the primitive registry: every primitive, without writing a new test.

For each sample of each registered primitive: the forward against NumPy, gradcheck and
gradgradcheck in float64, that the public call really reaches the primitive, and, where torch
is installed, values, gradients and the node name against PyTorch.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import graphgrad
from graphgrad.ops.primitive import REGISTRY

from . import __name__ as _pkg

SAMPLES: dict = {}
for _info in pkgutil.iter_modules(__import__(_pkg, fromlist=["x"]).__path__):
    if _info.name.startswith("samples_"):
        SAMPLES.update(importlib.import_module(f"{_pkg}.{_info.name}").SAMPLES)

CASES = [(name, i) for name in sorted(SAMPLES) for i in range(len(SAMPLES[name]))]


def _inputs(sample, requires_grad: bool = True):
    return [
        graphgrad.tensor(a, dtype=graphgrad.float64, requires_grad=requires_grad)
        for a in sample.arrays()
    ]


def _node_names(out) -> list[str]:
    """Every node name reachable from ``out`` (iterative walk)."""
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        stack.extend(n for n, _ in node.next_functions)
    return names


def test_every_primitive_has_samples():
    missing = sorted(set(REGISTRY) - set(SAMPLES))
    assert not missing, f"primitives without samples: {missing}"


def test_samples_name_registered_primitives():
    unknown = sorted(set(SAMPLES) - set(REGISTRY))
    assert not unknown, f"samples for unknown primitives: {unknown}"


@pytest.mark.parametrize(("name", "index"), CASES)
def test_forward_matches_numpy(name, index):
    sample = SAMPLES[name][index]
    if sample.ref is None:
        pytest.skip("no NumPy reference for this sample")
    out = sample.fn(graphgrad, *_inputs(sample, requires_grad=False))
    np.testing.assert_allclose(out.numpy(), sample.ref(*sample.arrays()), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "index"), CASES)
def test_reaches_primitive(name, index):
    sample = SAMPLES[name][index]
    out = sample.fn(graphgrad, *_inputs(sample))
    assert REGISTRY[name].node_name in _node_names(out)


@pytest.mark.parametrize(("name", "index"), CASES)
def test_gradcheck(name, index):
    sample = SAMPLES[name][index]
    tol = {k: sample.extra[k] for k in ("atol", "rtol", "eps") if k in sample.extra}
    assert graphgrad.autograd.gradcheck(
        lambda *xs: sample.fn(graphgrad, *xs), _inputs(sample), **tol
    )


@pytest.mark.parametrize(("name", "index"), CASES)
def test_gradgradcheck(name, index):
    sample = SAMPLES[name][index]
    if not sample.gradgrad:
        pytest.skip("first-order only (its derivative is piecewise constant or a cast)")
    assert graphgrad.autograd.gradgradcheck(lambda *xs: sample.fn(graphgrad, *xs), _inputs(sample))


@pytest.mark.parametrize(("name", "index"), CASES)
def test_parity_with_torch(name, index):
    torch = pytest.importorskip("torch")
    sample = SAMPLES[name][index]
    if not sample.parity:
        pytest.skip("no PyTorch counterpart for this sample")
    ours = _inputs(sample)
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in sample.arrays()]
    out, ref = sample.fn(graphgrad, *ours), sample.fn(torch, *theirs)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert out.grad_fn.name() == ref.grad_fn.name()
    seed = np.random.default_rng(1).standard_normal(tuple(ref.shape))
    out.backward(graphgrad.tensor(seed, dtype=out.dtype))
    ref.backward(torch.tensor(seed, dtype=ref.dtype))
    for x, y in zip(ours, theirs):
        if y.grad is None:
            assert x.grad is None or not np.any(x.grad.numpy())
        else:
            np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-10, atol=1e-12)
            if (name, index) not in ZERO_SIGN_DIFFERENCES:
                _assert_zero_signs_match(x.grad.numpy(), y.grad.numpy())


# Samples whose gradients have a zero of the other sign than PyTorch's somewhere: the rules
# compute the same values by another route (PyTorch writes into zeros where these multiply).
# Known and left: the values are equal, only the printed sign of a zero differs.
ZERO_SIGN_DIFFERENCES = {("cumprod", 1), ("einsum", 3), ("vector_norm", 2)}


def _assert_zero_signs_match(ours: np.ndarray, theirs: np.ndarray) -> None:
    zeros = (ours == 0) & (theirs == 0)
    assert (np.signbit(ours[zeros]) == np.signbit(theirs[zeros])).all(), "-0.0 against +0.0"
