# ruff: noqa: N803 - ``NN`` is the nn namespace under test (graphgrad or torch)
"""Module semantics: registration, traversal, modes, state_dict checking, hooks, reprs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import graphgrad
from graphgrad import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.Tanh()
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(8, 2, bias=False)

    def forward(self, x):
        return self.fc2(self.drop(self.act(self.fc1(x))))


def test_registration_and_traversal_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "drop", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "drop", "fc2"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())
    assert net.get_submodule("fc1") is net.fc1
    assert net.get_parameter("fc2.weight") is net.fc2.weight
    shared = nn.Sequential(net.fc1, net.fc1)
    assert len(list(shared.parameters())) == 2  # a shared module counts once


def test_buffers_and_state_dict_keys_match_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    m = nn.Module()
    m.register_buffer("a", graphgrad.ones(2))
    m.register_buffer("b", graphgrad.zeros(1), persistent=False)
    assert list(m.state_dict()) == ["a"]
    assert [n for n, _ in m.named_buffers()] == ["a", "b"]


def test_state_dict_is_detached_and_shares_storage():
    layer = nn.Linear(2, 2)
    sd = layer.state_dict()
    assert not sd["weight"].requires_grad
    sd["weight"]._data[0, 0] = 42.0
    assert float(layer.weight._data[0, 0]) == 42.0


def test_train_eval_and_zero_grad():
    net = Net()
    assert net.training and net.drop.training
    net.eval()
    assert not net.training and not net.drop.training
    net.train()
    out = net(graphgrad.ones(3, 4)).sum()
    out.backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(graphgrad.ones(3, 4)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert float(net.fc1.weight.grad.abs().sum()) == 0.0


def test_load_state_dict_errors_match_torch_and_leave_module_untouched():
    torch = pytest.importorskip("torch")
    bad = {"weight": np.ones((3, 3), np.float32), "foo": np.ones(1, np.float32)}
    theirs = torch.nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as expected:
        theirs.load_state_dict({k: torch.tensor(v) for k, v in bad.items()})
    ours = nn.Linear(3, 2)
    before = ours.weight.detach().clone()
    with pytest.raises(RuntimeError) as got:
        ours.load_state_dict({k: graphgrad.tensor(v) for k, v in bad.items()})
    assert str(got.value) == str(expected.value)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), before.numpy())
    half = {"weight": graphgrad.zeros(2, 3), "foo": graphgrad.ones(1)}
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias"'):
        ours.load_state_dict(half)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), before.numpy())


def test_load_state_dict_non_strict_and_batchnorm_counter():
    ours = nn.Linear(3, 2)
    result = ours.load_state_dict(
        {"weight": graphgrad.zeros(2, 3), "foo": graphgrad.ones(1)}, strict=False
    )
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]
    assert float(ours.weight.abs().sum()) == 0.0
    assert repr(ours.load_state_dict(ours.state_dict())) == "<All keys matched successfully>"
    seq = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    with pytest.raises(RuntimeError) as got:
        seq.load_state_dict({})
    assert "num_batches_tracked" not in str(got.value)  # as PyTorch: an old layout is accepted
    assert str(got.value).startswith("Error(s) in loading state_dict for Sequential:\n\t")


def test_setattr_type_checks():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'weight'"):
        layer.weight = graphgrad.ones(2, 2)
    layer.bias = None
    assert layer.bias is None and "bias" not in layer.state_dict()
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        _ = layer.nope
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(1)


def test_apply_hooks_and_handles():
    net = Net()
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Dropout", "Linear", "Net"]
    calls = []
    h1 = net.fc1.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = net.fc1.register_forward_hook(lambda m, args, out: calls.append(out.shape))
    out = net.fc1(graphgrad.ones(1, 4))
    np.testing.assert_allclose(out.detach().numpy(), net.fc1.bias.detach().numpy()[None])
    assert calls == [graphgrad.Size([1, 8])]
    h1.remove()
    h2.remove()
    net.fc1(graphgrad.ones(1, 4))
    assert len(calls) == 1
    replaced = net.fc1.register_forward_hook(lambda m, args, out: out * 0)
    assert float(net.fc1(graphgrad.ones(1, 4)).abs().sum()) == 0.0
    replaced.remove()


def test_to_double_and_deepcopy():
    net = Net().double()
    assert net.fc1.weight.dtype == graphgrad.float64
    assert isinstance(net.fc1.weight, nn.Parameter)
    clone = copy.deepcopy(net)
    clone.fc1.weight._data[...] = 0
    assert float(net.fc1.weight.abs().sum()) > 0


@pytest.mark.parametrize("lib", ["graphgrad", "torch"])
def test_deepcopy_after_backward_starts_the_copy_without_autograd_state(lib):
    # the copy's parameters kept the original's gradient accumulator, hooks and views (a
    # compiled call then saw their gradients arrive through another tensor's path)
    torch = graphgrad if lib == "graphgrad" else pytest.importorskip("torch")
    model = torch.nn.Linear(3, 2)
    model(torch.ones(1, 3)).sum().backward()
    model.weight.flag = 7
    model.weight.register_post_accumulate_grad_hook(lambda p: p.grad.mul_(100))
    clone = copy.deepcopy(model)
    assert clone.weight.grad is None and not hasattr(clone.weight, "flag")
    clone(torch.full((1, 3), 2.0)).sum().backward()
    assert clone.weight.grad.tolist() == [[2.0] * 3] * 2  # the hook stayed behind
    assert model.weight.grad.tolist() == [[1.0] * 3] * 2  # and the original is untouched
    # a plain tensor keeps its gradient and the attributes set on it, not its hooks
    t = torch.ones(2, requires_grad=True)
    (t * 2).sum().backward()
    t.tag = ["a"]
    t.register_hook(lambda g: g * 10)
    u = copy.deepcopy(t)
    assert u.grad.tolist() == [2.0, 2.0] and u.tag == ["a"] and u.tag is not t.tag
    (u * 3).sum().backward()
    assert u.grad.tolist() == [5.0, 5.0] and t.grad.tolist() == [2.0, 2.0]
    # a view copies as a tensor of its own
    base = torch.zeros(4)
    view = copy.deepcopy(base[:2])
    view.add_(1)
    assert base.tolist() == [0.0] * 4 and view.tolist() == [1.0, 1.0] and view._base is None


def _repr_cases(NN):
    return [
        NN.Sequential(NN.Linear(10, 5), NN.ReLU(), NN.Linear(5, 1)),
        NN.Conv2d(1, 6, 5),
        NN.Conv2d(3, 6, 3, stride=2, padding=1, bias=False),
        NN.Conv2d(3, 6, (3, 5), groups=3, dilation=2),
        NN.Conv1d(3, 6, 3),
        NN.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1),
        NN.MaxPool2d(2),
        NN.MaxPool2d(3, stride=1, padding=1),
        NN.AvgPool2d(2),
        NN.AvgPool1d(3),
        NN.AdaptiveAvgPool2d((1, 1)),
        NN.CrossEntropyLoss(),
        NN.MSELoss(),
        NN.Softmax(dim=1),
        NN.Softmax(),
        NN.LogSoftmax(dim=1),
        NN.Sigmoid(),
        NN.Flatten(),
        NN.BatchNorm1d(4),
        NN.BatchNorm2d(3, affine=False),
        NN.LayerNorm(4),
        NN.LayerNorm((2, 3), elementwise_affine=True, bias=False),
        NN.Embedding(10, 3),
        NN.Embedding(10, 3, padding_idx=0),
        NN.LeakyReLU(),
        NN.LeakyReLU(0.2, inplace=True),
        NN.Dropout(0.5),
        NN.Dropout2d(0.1),
        NN.GELU(),
        NN.GELU("tanh"),
        NN.SiLU(),
        NN.ELU(),
        NN.Softplus(),
        NN.ReLU(inplace=True),
        NN.Identity(),
        NN.Tanh(),
        NN.ModuleList([NN.ReLU(), NN.ReLU(), NN.Tanh(), NN.Linear(2, 2)]),
        NN.ModuleDict({"a": NN.ReLU(), "b": NN.Linear(2, 2)}),
        NN.Sequential(),
        NN.Unflatten(1, (2, 3)),
        NN.Bilinear(2, 3, 4),
        NN.SELU(),
        NN.Softmin(1),
        NN.HuberLoss(),
        NN.SmoothL1Loss(),
        NN.BCEWithLogitsLoss(),
        NN.NLLLoss(),
        NN.BCELoss(),
    ]


def test_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_repr_cases(nn), _repr_cases(torch.nn), strict=False):
        assert repr(ours) == repr(theirs)


def _net_class(NN):
    def init(self):
        NN.Module.__init__(self)
        self.fc1 = NN.Linear(4, 8)
        self.act = NN.Tanh()
        self.drop = NN.Dropout(0.5)
        self.fc2 = NN.Linear(8, 2, bias=False)

    return type("Net", (NN.Module,), {"__init__": init})


def test_nested_repr_matches_torch_and_spec():
    torch = pytest.importorskip("torch")
    assert repr(_net_class(nn)()) == repr(_net_class(torch.nn)())
    assert repr(Net()) == (
        "Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n  (act): Tanh()\n"
        "  (drop): Dropout(p=0.5, inplace=False)\n"
        "  (fc2): Linear(in_features=8, out_features=2, bias=False)\n)"
    )


def test_containers():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU) and isinstance(seq[-1], nn.Linear)
    assert len(seq[:2]) == 2 and isinstance(seq[:2], nn.Sequential)
    seq.append(nn.Sigmoid())
    assert list(seq._modules) == ["0", "1", "2", "3"]
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"]
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.Linear(2, 1))
    assert len(list(layers.parameters())) == 8
    holder = nn.Module()
    holder.blocks = layers
    assert "blocks.3.bias" in holder.state_dict()
    d = nn.ModuleDict({"x": nn.Linear(1, 1)})
    d["y"] = nn.ReLU()
    assert list(d.keys()) == ["x", "y"] and "x" in d


def test_a_shared_submodule_has_keys_under_each_of_its_names_as_in_torch():
    torch = pytest.importorskip("torch")
    got = []
    for T in (graphgrad, torch):
        T.manual_seed(0)
        net = T.nn.Sequential(T.nn.Linear(2, 2), T.nn.ReLU())
        net.add_module("again", net[0])
        keys = list(net.state_dict())
        result = net.load_state_dict({"0.weight": T.zeros(2, 2)}, strict=False)
        got.append((keys, result.missing_keys, [n for n, _ in net.named_parameters()]))
    assert got[0] == got[1]
    assert got[0][0] == ["0.weight", "0.bias", "again.weight", "again.bias"]
