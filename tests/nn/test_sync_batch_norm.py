"""SyncBatchNorm outside a process group against torch's: values, gradients, running
statistics, reprs, errors, and convert_sync_batchnorm. (Across ranks: the DDP worker in
tests/distributed.)"""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

X = np.random.default_rng(0).standard_normal((4, 3, 5))


@pytest.mark.parametrize("train", [True, False])
def test_sync_batch_norm_is_batch_norm_without_a_group(train):
    torch = pytest.importorskip("torch")
    got = []
    for T in (graphgrad, torch):
        bn = T.nn.SyncBatchNorm(3, momentum=None).double().train(train)
        x = T.tensor(X, requires_grad=True)
        y = bn(x)
        (y * T.tensor(X)).sum().backward()
        got.append([y.detach().numpy(), x.grad.numpy(), bn.running_mean.numpy(),
                    bn.running_var.numpy(), bn.weight.grad.numpy()])  # fmt: skip
        got[-1].append((repr(bn), type(y.grad_fn).__name__, int(bn.num_batches_tracked)))
    for g, w in zip(got[0][:5], got[1][:5], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    assert got[0][5] == got[1][5]


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.nn.SyncBatchNorm(3)(T.ones(3)),
        lambda T: T.nn.SyncBatchNorm(0)(T.ones(2, 0)),
    ],
)
def test_sync_batch_norm_errors_match_torch(call):
    torch = pytest.importorskip("torch")
    errors = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:
            call(T)
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_convert_sync_batchnorm_shares_parameters_buffers_and_mode():
    torch = pytest.importorskip("torch")
    reprs = []
    for T in (graphgrad, torch):
        inner = T.nn.Sequential(T.nn.BatchNorm1d(4, affine=False))
        net = T.nn.Sequential(T.nn.Conv2d(1, 2, 3), T.nn.BatchNorm2d(2), inner).eval()
        weight, mean = net[1].weight, net[1].running_mean
        out = T.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        assert out[1].weight is weight and out[1].running_mean is mean
        assert not out[1].training and not out[2][0].training
        reprs.append((repr(out), list(out.state_dict())))
    assert reprs[0] == reprs[1]
