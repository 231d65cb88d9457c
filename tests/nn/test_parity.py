"""Every layer against PyTorch: same weights (copied across), same input, same output gradient;
outputs, input gradients, parameter gradients and the top node's name must agree."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad

RNG = np.random.default_rng(0)


def _x(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, shape).astype(np.float32)


# (id, module factory taking the nn namespace, input arrays or factory, is the input int?)
LAYERS = [
    ("linear", lambda nn: nn.Linear(5, 3), _x(4, 5)),
    ("linear_nobias", lambda nn: nn.Linear(5, 3, bias=False), _x(4, 5)),
    ("linear_3d", lambda nn: nn.Linear(5, 3), _x(2, 4, 5)),
    ("linear_1d", lambda nn: nn.Linear(5, 3), _x(5)),
    ("bilinear", None, None),
    ("conv1d", lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1), _x(2, 3, 9)),
    ("conv2d", lambda nn: nn.Conv2d(3, 4, 3), _x(2, 3, 6, 6)),
    (
        "conv2d_groups",
        lambda nn: nn.Conv2d(
            4, 6, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), groups=2, bias=False
        ),
        _x(2, 4, 7, 6),
    ),
    ("conv2d_same", lambda nn: nn.Conv2d(2, 3, 3, padding="same"), _x(1, 2, 5, 5)),
    ("conv2d_unbatched", lambda nn: nn.Conv2d(2, 3, 3), _x(2, 5, 5)),
    (
        "conv_transpose2d",
        lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
        _x(2, 3, 4, 4),
    ),
    ("conv_transpose1d", lambda nn: nn.ConvTranspose1d(2, 3, 4, stride=3, groups=1), _x(2, 2, 5)),
    ("maxpool2d", lambda nn: nn.MaxPool2d(2), _x(2, 3, 6, 6)),
    (
        "maxpool2d_pad",
        lambda nn: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
        _x(2, 3, 7, 6),
    ),
    ("maxpool2d_dilation", lambda nn: nn.MaxPool2d(2, stride=1, dilation=2), _x(1, 2, 5, 5)),
    ("maxpool1d", lambda nn: nn.MaxPool1d(3, stride=2), _x(2, 3, 9)),
    ("avgpool2d", lambda nn: nn.AvgPool2d(2), _x(2, 3, 6, 6)),
    (
        "avgpool2d_pad",
        lambda nn: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        _x(2, 3, 7, 6),
    ),
    ("avgpool1d", lambda nn: nn.AvgPool1d(2), _x(2, 3, 8)),
    ("adaptive_avgpool2d", lambda nn: nn.AdaptiveAvgPool2d((2, 3)), _x(2, 3, 7, 8)),
    ("adaptive_avgpool2d_1", lambda nn: nn.AdaptiveAvgPool2d(1), _x(2, 3, 5, 5)),
    ("adaptive_avgpool1d", lambda nn: nn.AdaptiveAvgPool1d(4), _x(2, 3, 10)),
    ("batchnorm1d", lambda nn: nn.BatchNorm1d(3), _x(5, 3)),
    ("batchnorm1d_3d", lambda nn: nn.BatchNorm1d(3), _x(4, 3, 2)),
    ("batchnorm2d", lambda nn: nn.BatchNorm2d(3), _x(2, 3, 4, 4)),
    ("batchnorm2d_eval", lambda nn: nn.BatchNorm2d(3).eval(), _x(2, 3, 4, 4)),
    ("batchnorm2d_noaffine", lambda nn: nn.BatchNorm2d(3, affine=False), _x(2, 3, 4, 4)),
    ("layernorm", lambda nn: nn.LayerNorm(4), _x(3, 4)),
    ("layernorm_2d", lambda nn: nn.LayerNorm((3, 4)), _x(2, 3, 4)),
    ("flatten", lambda nn: nn.Flatten(), _x(2, 3, 4)),
    ("identity", lambda nn: nn.Identity(), _x(2, 3)),
    ("dropout_eval", lambda nn: nn.Dropout(0.5).eval(), _x(2, 3)),
    ("relu", lambda nn: nn.ReLU(), _x(3, 4)),
    ("leaky_relu", lambda nn: nn.LeakyReLU(0.2), _x(3, 4)),
    ("gelu", lambda nn: nn.GELU(), _x(3, 4)),
    ("gelu_tanh", lambda nn: nn.GELU(approximate="tanh"), _x(3, 4)),
    ("silu", lambda nn: nn.SiLU(), _x(3, 4)),
    ("elu", lambda nn: nn.ELU(0.5), _x(3, 4)),
    ("selu", lambda nn: nn.SELU(), _x(3, 4)),
    ("softplus", lambda nn: nn.Softplus(beta=2.0, threshold=1.0), _x(3, 4)),
    ("tanh", lambda nn: nn.Tanh(), _x(3, 4)),
    ("sigmoid", lambda nn: nn.Sigmoid(), _x(3, 4)),
    ("softmax", lambda nn: nn.Softmax(dim=1), _x(3, 4)),
    ("softmin", lambda nn: nn.Softmin(dim=0), _x(3, 4)),
    ("log_softmax", lambda nn: nn.LogSoftmax(dim=-1), _x(2, 3, 4)),
    (
        "sequential",
        lambda nn: nn.Sequential(
            nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3)
        ),
        _x(2, 1, 4, 4),
    ),
]
LAYERS = [case for case in LAYERS if case[1] is not None]

INT_LAYERS = [
    ("embedding", lambda nn: nn.Embedding(10, 4), np.array([[1, 2, 9], [4, 2, 0]])),
    ("embedding_pad", lambda nn: nn.Embedding(6, 3, padding_idx=2), np.array([0, 2, 5, 2])),
]


def copy_weights(src_torch, dst) -> None:
    """Load the torch module's parameters and buffers into the graphgrad module."""
    state = {k: graphgrad.tensor(v.detach().numpy()) for k, v in src_torch.state_dict().items()}
    dst.load_state_dict(state)


def _node(t) -> str | None:
    return None if t.grad_fn is None else t.grad_fn.name()


def _compare(ours, theirs, rtol=1e-5, atol=1e-5):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


def _check_layer(make, data, requires_grad: bool) -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = make(torch.nn)
    ours = make(graphgrad.nn)
    copy_weights(theirs, ours)
    x_t = torch.tensor(data, requires_grad=requires_grad)
    x_g = graphgrad.tensor(data, requires_grad=requires_grad)
    out_t = theirs(x_t)
    out_g = ours(x_g)
    _compare(out_g, out_t)
    assert _node(out_g) == _node(out_t)
    seed = RNG.standard_normal(tuple(out_t.shape)).astype(np.float32)
    out_t.backward(torch.tensor(seed))
    out_g.backward(graphgrad.tensor(seed))
    if requires_grad:
        _compare(x_g.grad, x_t.grad)
    params_t = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _compare(p.grad, params_t[name].grad, atol=1e-4)
    buffers_t = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():
        _compare(b, buffers_t[name])


@pytest.mark.parametrize(("case", "make", "data"), LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(case, make, data):
    _check_layer(make, data, requires_grad=True)


@pytest.mark.parametrize(("case", "make", "data"), INT_LAYERS, ids=[c[0] for c in INT_LAYERS])
def test_int_input_layer_matches_torch(case, make, data):
    _check_layer(make, data, requires_grad=False)


def test_bilinear_matches_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Bilinear(3, 4, 2)
    ours = graphgrad.nn.Bilinear(3, 4, 2)
    copy_weights(theirs, ours)
    a, b = _x(5, 3), _x(5, 4)
    out_t = theirs(torch.tensor(a), torch.tensor(b))
    out_g = ours(graphgrad.tensor(a), graphgrad.tensor(b))
    _compare(out_g, out_t)
    out_t.sum().backward()
    out_g.sum().backward()
    _compare(ours.weight.grad, theirs.weight.grad, atol=1e-4)


def test_batchnorm_running_stats_follow_torch_over_steps():
    torch = pytest.importorskip("torch")
    theirs, ours = (
        torch.nn.BatchNorm1d(3, momentum=None),
        graphgrad.nn.BatchNorm1d(3, momentum=None),
    )
    for _ in range(3):
        x = _x(6, 3)
        theirs(torch.tensor(x))
        ours(graphgrad.tensor(x))
    for name, b in ours.named_buffers():
        _compare(b, dict(theirs.named_buffers())[name])
    assert int(ours.num_batches_tracked) == 3


def test_linear_node_structure_is_addmm_with_transposed_weight():
    layer = graphgrad.nn.Linear(3, 2)
    out = layer(graphgrad.ones(4, 3, requires_grad=True))
    names = [None if n is None else n.name() for n, _ in out.grad_fn.next_functions]
    assert out.grad_fn.name() == "AddmmBackward0"
    assert names == [
        "torch::autograd::AccumulateGrad",
        "torch::autograd::AccumulateGrad",
        "TBackward0",
    ]


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 4), (2, 2, 3, 4)])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("contiguous", [True, False])
def test_linear_takes_pytorchs_path_for_each_input(shape, bias, contiguous):
    # before: every input but a matrix was flattened into one mm/addmm and viewed back, so
    # ``Linear(bias=False)`` on a batch of sequences (a GPT's heads) showed ViewBackward0 where
    # PyTorch's matmul shows UnsafeViewBackward0, and a transposed input with a bias showed
    # ViewBackward0 for AddBackward0
    torch = pytest.importorskip("torch")
    if not contiguous and len(shape) < 3:
        pytest.skip("only batches of three or more dims can be transposed here")
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) / 10
    w, b = np.ones((5, shape[-1])) / 3, np.arange(5.0)
    names, values = [], []
    for T in (graphgrad, torch):
        xt = T.tensor(x, requires_grad=True)
        xt = xt if contiguous else xt.transpose(0, 1)
        out = T.nn.functional.linear(xt, T.tensor(w), T.tensor(b) if bias else None)
        names.append(out.grad_fn.name())
        values.append(out.detach().numpy())
    assert names[0] == names[1]
    np.testing.assert_allclose(values[0], values[1], rtol=1e-15)


def test_data_parallel_is_pytorchs_cpu_one():
    # before: AttributeError (PyTorch's saved-tensors-hooks tutorial ends with it)
    torch = pytest.importorskip("torch")
    nets = [T.nn.DataParallel(T.nn.Linear(2, 1)) for T in (graphgrad, torch)]
    nets[0].load_state_dict(
        {k: graphgrad.tensor(v.numpy()) for k, v in nets[1].state_dict().items()}
    )
    x = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    outs = [net(T.tensor(x)) for net, T in zip(nets, (graphgrad, torch), strict=True)]
    assert [repr(n) for n in nets] == [repr(nets[1])] * 2
    assert (
        list(nets[0].state_dict()) == list(nets[1].state_dict()) == ["module.weight", "module.bias"]
    )
    np.testing.assert_allclose(outs[0].detach().numpy(), outs[1].detach().numpy(), rtol=1e-6)
    assert (
        nets[0].device_ids == nets[1].device_ids == []
        and outs[0].grad_fn.name() == "AddmmBackward0"
    )
