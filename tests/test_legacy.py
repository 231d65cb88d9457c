"""Legacy and convenience forms (torch.Tensor(...), FloatTensor, Variable, new_*, finfo...),
indexing with a range, and reprs, as PyTorch prints them."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad.autograd import Variable


def test_tensor_constructor_forms():
    assert graphgrad.Tensor().shape == (0,)
    assert (
        graphgrad.Tensor(2, 3).shape == (2, 3) and graphgrad.Tensor(2, 3).dtype is graphgrad.float32
    )
    assert graphgrad.Tensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data
    assert graphgrad.Tensor(graphgrad.Size([4])).shape == (4,)
    x = graphgrad.ones(2)
    alias = graphgrad.Tensor(x)
    assert alias is not x and np.shares_memory(alias.numpy(), x.numpy())
    with pytest.raises(TypeError, match="new\\(\\): data must be a sequence \\(got float\\)"):
        graphgrad.Tensor(3.5)


def test_typed_constructors():
    assert graphgrad.LongTensor([1.7, 2]).tolist() == [1, 2]
    assert graphgrad.LongTensor([1]).dtype is graphgrad.int64
    assert graphgrad.DoubleTensor(2).dtype is graphgrad.float64
    assert graphgrad.BoolTensor([1, 0]).tolist() == [True, False]
    assert graphgrad.IntTensor([3]).dtype is graphgrad.int32
    assert isinstance(graphgrad.ones(1), graphgrad.FloatTensor)
    assert not isinstance(graphgrad.ones(1), graphgrad.LongTensor)
    assert repr(graphgrad.FloatTensor) == "<class 'torch.FloatTensor'>"
    assert graphgrad.ones(2).type(graphgrad.LongTensor).dtype is graphgrad.int64
    with pytest.raises(TypeError, match="expected TensorOptions\\(dtype=long int"):
        graphgrad.LongTensor(graphgrad.ones(2))


def test_default_dtype_decides_torch_tensor():
    graphgrad.set_default_dtype(graphgrad.float64)
    try:
        assert graphgrad.Tensor([1]).dtype is graphgrad.float64
        assert graphgrad.FloatTensor([1]).dtype is graphgrad.float32
    finally:
        graphgrad.set_default_dtype(graphgrad.float32)


def test_variable():
    x = graphgrad.ones(2)
    v = Variable(x, requires_grad=True)
    assert v is not x and v.requires_grad and not x.requires_grad
    assert isinstance(x, Variable)
    (v * 3).sum().backward()
    assert v.grad.tolist() == [3.0, 3.0]


def test_new_family():
    x = graphgrad.tensor([1, 2], dtype=graphgrad.int32)
    assert x.new_ones(2, 3).shape == (2, 3) and x.new_ones((2,)).dtype is graphgrad.int32
    assert x.new_zeros(2).tolist() == [0, 0]
    assert x.new_full((2,), 7).tolist() == [7, 7]
    assert x.new_empty(3).shape == (3,)
    assert x.new_tensor([1.7]).dtype is graphgrad.int32
    assert x.new_ones(1, dtype=graphgrad.float64).dtype is graphgrad.float64
    assert x.new([5]).tolist() == [5]
    y = graphgrad.ones(1).new_zeros(2, requires_grad=True)
    assert y.requires_grad and y.is_leaf
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        x.new_tensor(x)


def test_finfo_iinfo_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("float16", "float32", "float64"):
        got, want = graphgrad.finfo(getattr(graphgrad, name)), torch.finfo(getattr(torch, name))
        assert repr(got) == repr(want)
        assert (got.eps, got.max, got.min, got.tiny, got.bits) == (
            want.eps, want.max, want.min, want.tiny, want.bits,
        )  # fmt: skip
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        got, want = graphgrad.iinfo(getattr(graphgrad, name)), torch.iinfo(getattr(torch, name))
        assert repr(got) == repr(want) and (got.min, got.max) == (want.min, want.max)
    assert repr(graphgrad.finfo()) == repr(torch.finfo())
    with pytest.raises(TypeError, match="torch.finfo\\(\\) requires a floating point"):
        graphgrad.finfo(graphgrad.int32)
    with pytest.raises(TypeError, match="torch.bool is not supported by torch.iinfo"):
        graphgrad.iinfo(graphgrad.bool)


def test_threads_determinism_default_device():
    before = graphgrad.get_num_threads()
    graphgrad.set_num_threads(3)
    assert graphgrad.get_num_threads() == 3
    graphgrad.set_num_threads(before)
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        graphgrad.set_num_threads(0)
    graphgrad.use_deterministic_algorithms(True)
    assert graphgrad.are_deterministic_algorithms_enabled()
    graphgrad.use_deterministic_algorithms(False)
    assert not graphgrad.are_deterministic_algorithms_enabled()
    graphgrad.set_default_device("cpu")
    assert graphgrad.get_default_device() == graphgrad.device("cpu")
    graphgrad.set_default_device(None)
    assert repr(graphgrad.get_default_device()) == "device(type='cpu')"


def test_range_indexing_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.arange(12.0).reshape(3, 4)
    for key in (range(2), (range(0, 3, 2), 1), (slice(None), range(1, 3))):
        got = graphgrad.tensor(a)[key]
        assert got.tolist() == torch.tensor(a)[key].tolist()
    x = graphgrad.tensor(a, requires_grad=True)
    x[range(1, 3)].sum().backward()
    assert x.grad.sum().item() == 8.0
    y = graphgrad.zeros(3, 4)
    y[range(2)] = 1
    assert y.sum().item() == 8.0


def test_list_of_tensors_index():
    x = graphgrad.arange(12.0).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert x[[graphgrad.tensor([0, 1]), graphgrad.tensor([1, 2])]].tolist() == [1.0, 6.0]
    assert x[graphgrad.tensor([0, 1]), graphgrad.tensor([1, 2])].tolist() == [1.0, 6.0]


_REPRS = """
import re, sys
T = __import__(sys.argv[1])
x = T.ones(2, requires_grad=True)
y = (x * 2).sum()
class Sq(T.autograd.Function):
    @staticmethod
    def forward(ctx, a): return a * a
    @staticmethod
    def backward(ctx, g): return g
w = x.clone(); w[0] = 3
items = [y.grad_fn, y.grad_fn.next_functions, y.grad_fn.next_functions[0][0].next_functions,
         Sq.apply(x).grad_fn, w.grad_fn, T.Generator(), T.default_generator, T.device('cpu'),
         T.float32, T.int64, T.nn.Parameter(T.ones(2)), T.nn.Linear(2, 3),
         T.nn.Sequential(T.nn.Linear(2, 3), T.nn.ReLU()),
         T.optim.SGD([T.nn.Parameter(T.ones(1))], lr=0.1, momentum=0.9),
         T.optim.Adam([T.nn.Parameter(T.ones(1))], lr=0.1), T.Size([2, 3]), type(y.grad_fn),
         T.nn.Parameter(T.ones(2), requires_grad=False), T.finfo(T.float32), T.FloatTensor]
p = [T.nn.Parameter(T.ones(1))]
items += [T.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
          T.optim.Adam(p, lr=1e-3, amsgrad=True), T.optim.AdamW(p), T.optim.RMSprop(p),
          T.optim.Adagrad(p), T.nn.Conv2d(3, 8, 3, stride=2, padding=1), T.nn.BatchNorm1d(4),
          T.nn.LayerNorm(5), T.nn.Embedding(10, 3), T.nn.Dropout(0.2), T.iinfo(T.int64)]
for i in items:
    print(re.sub("0x[0-9a-f]+", "0x..", repr(i)))
"""


def _reprs(module: str) -> str:
    run = subprocess.run([sys.executable, "-c", _REPRS, module], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_reprs_match_torch():
    pytest.importorskip("torch")
    assert _reprs("graphgrad") == _reprs("torch")


def test_node_and_generator_reprs():
    x = graphgrad.ones(2, requires_grad=True)
    (node, _), _ = (x * 2).grad_fn.next_functions
    assert re.fullmatch(r"<AccumulateGrad object at 0x[0-9a-f]+>", repr(node))
    assert node.name() == "torch::autograd::AccumulateGrad"
    assert re.fullmatch(r"<torch._C.Generator object at 0x[0-9a-f]+>", repr(graphgrad.Generator()))
