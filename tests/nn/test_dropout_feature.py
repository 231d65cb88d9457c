"""Feature dropout (dropout1d/dropout2d) on every rank PyTorch accepts: the mask shape, the
warnings, the errors and ``inplace=True``, against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as gg


def _run(lib, name, shape, inplace):
    """(result, input after, result is input, version bump, warnings, input's gradient)."""
    lib.manual_seed(3)
    leaf = lib.ones(*shape, dtype=lib.float64, requires_grad=True)
    x = leaf * 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = getattr(lib.nn.functional, name)(x, 0.5, inplace=inplace)
    y.sum().backward()
    messages = [str(w.message) for w in caught]
    return y.detach().numpy(), x.detach().numpy(), y is x, x._version, messages, leaf.grad.numpy()


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize(
    "name, shape",
    [
        ("dropout2d", (4, 5)),  # was a (4, 4, 5) result, and an error in place
        ("dropout2d", (3, 4, 2)),  # read as (N, C, L), as PyTorch (with a warning)
        ("dropout2d", (2, 3, 2, 2)),
        ("dropout2d", (1, 2, 2, 2, 2)),
        ("dropout1d", (4, 5)),
        ("dropout1d", (2, 4, 5)),
    ],
)
def test_feature_dropout_matches_torch(name, shape, inplace):
    torch = pytest.importorskip("torch")
    ours, theirs = _run(gg, name, shape, inplace), _run(torch, name, shape, inplace)
    if name == "dropout1d" and len(shape) == 2 and inplace:
        # PyTorch's unsqueeze_ and squeeze_ bump the version; graphgrad's do not (yet)
        ours, theirs = ours[:3] + ours[4:], theirs[:3] + theirs[4:]
    for a, b in zip(ours, theirs):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


def test_feature_dropout_rank_errors_as_torch():
    F = gg.nn.functional
    with pytest.raises(RuntimeError, match="^Feature dropout requires at least 2 dimensions"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            F.dropout2d(gg.ones(3))
    with pytest.raises(
        RuntimeError, match="^dropout1d: Expected 2D or 3D input, but received a 4D"
    ):
        F.dropout1d(gg.ones(1, 2, 2, 2))
    with pytest.warns(UserWarning, match="^dropout2d: Received a 1-D input"):
        assert F.dropout2d(gg.ones(3), training=False).shape == (3,)


@pytest.mark.parametrize("name", ["alpha_dropout", "feature_alpha_dropout"])
def test_alpha_dropout_in_place_as_torch(name):
    """In place, PyTorch multiplies then adds into the input (AddBackward0, two version bumps);
    graphgrad copied the out-of-place result in (CopyBackwards)."""
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (gg, torch):
        lib.manual_seed(3)
        leaf = lib.linspace(-1, 1, 24, dtype=lib.float64).reshape(2, 3, 4).requires_grad_()
        x = leaf * 1
        y = getattr(lib.nn.functional, name)(x, 0.5, True, inplace=True)
        y.sum().backward()
        seen.append((y is x, x._version, type(y.grad_fn).__name__, x.detach().numpy().copy(),
                     leaf.grad.numpy()))  # fmt: skip
    ours, theirs = seen
    assert ours[:3] == theirs[:3] == (True, 2, "AddBackward0")
    # (an ulp apart at places: PyTorch computes the affine map's constants its own way)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-15, atol=1e-16)
    np.testing.assert_array_equal(ours[4], theirs[4])
