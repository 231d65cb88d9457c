"""The smaller ``nn.utils`` functions against PyTorch: gradient-norm helpers, parameter
vectors, ``skip_init``, BatchNorm fusion, the weight memory-format conversions,
``functional_call``, ``nn.parameter.is_lazy`` and ``nn.factory_kwargs``."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad

from ._transcript import compare


def test_clip_grad_helpers():
    def scenario(T, t):
        U = T.nn.utils
        w = T.nn.Parameter(T.ones(3))
        w.grad = T.ones(3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t.note(U.clip_grad_norm([w], 1.0), w.grad)
        t.note(caught[0].category.__name__, str(caught[0].message))
        t.note(U.get_total_norm([]), U.get_total_norm([T.ones(2, requires_grad=True)]))
        t.note(U.get_total_norm([T.ones(2), T.ones(3, dtype=T.float64)]))
        t.note(U.get_total_norm([T.tensor([3.0, -4.0])], norm_type=float("inf")))
        t.note(U.get_total_norm(T.tensor([3.0, -4.0]), norm_type=1))
        t.error(lambda: U.get_total_norm([T.tensor([float("inf")])], error_if_nonfinite=True))
        t.note(U.clip_grads_with_norm_([w], 1.0, T.tensor(5.0)), w.grad)
        t.note(U.clip_grads_with_norm_(w, 1.0, T.tensor(0.01)), w.grad)
        g = T.nn.Parameter(T.tensor([[0.5, -2.0], [3.0, 1.25]]))
        g.grad = T.tensor([[0.3, -0.7], [1.1, 2.3]])
        h = T.nn.Parameter(T.tensor([1.0, 2.0], dtype=T.float64))
        h.grad = T.tensor([0.1, -0.2], dtype=T.float64)
        before = g.grad._version
        t.note(U.clip_grad_norm_([g, h], 0.5), g.grad, h.grad, g.grad._version - before)
        t.note(U.clip_grad_norm_([g, h], 0.5, norm_type=float("inf")), g.grad, h.grad)
        g.grad = T.tensor([[0.3, float("nan")], [-1.1, 2.3]])
        before = g.grad._version
        t.note(U.clip_grad_value_([g, h], 0.25), g.grad, h.grad, g.grad._version - before)
        t.note(U.clip_grad_value_(h, 0.05), h.grad)

    compare(scenario)


def test_parameter_vectors_and_skip_init():
    def scenario(T, t):
        U = T.nn.utils
        m = T.nn.Linear(2, 3)
        vec = U.parameters_to_vector(m.parameters())
        t.note(vec, vec.grad_fn.name())
        U.vector_to_parameters(T.arange(9.0), m.parameters())
        t.note(m.weight, m.bias, type(m.weight).__name__)
        t.error(lambda: U.vector_to_parameters([1.0], m.parameters()))
        t.error(lambda: U.skip_init(int))
        t.error(lambda: U.skip_init(T.nn.ReLU))
        s = U.skip_init(T.nn.Linear, 5, 1, bias=False)
        t.note(s, s.weight.shape, s.weight.requires_grad, T.rand(2))  # no draws by skip_init

    compare(scenario)


def test_fusion():
    def scenario(T, t):
        U = T.nn.utils
        conv, bn = T.nn.Conv2d(2, 3, 3), T.nn.BatchNorm2d(3)
        bn(conv(T.randn(4, 2, 5, 5)))  # running statistics that are not the defaults
        conv.eval(), bn.eval()
        t.error(lambda: U.fuse_conv_bn_eval(conv.train(), bn))
        conv.eval()
        fused = U.fuse_conv_bn_eval(conv, bn)
        x = T.randn(1, 2, 5, 5)
        t.note(fused, fused(x), bn(conv(x)), fused.weight.requires_grad)
        tconv, tbn = T.nn.ConvTranspose1d(2, 3, 2).eval(), T.nn.BatchNorm1d(3, affine=False).eval()
        tbn.running_var.fill_(4.0)
        ft = U.fuse_conv_bn_eval(tconv, tbn, transpose=True)
        x1 = T.randn(1, 2, 4)
        t.note(ft(x1), tbn(tconv(x1)))
        w, b = U.fuse_conv_bn_weights(
            T.ones(2, 1, 1), None, T.zeros(2), T.full((2,), 3.0), 1.0, None, None
        )
        t.note(w, b, type(w).__name__, w.requires_grad)
        lin, bn1 = T.nn.Linear(2, 3).eval(), T.nn.BatchNorm1d(3).eval()
        bn1.running_mean.fill_(0.5)
        x2 = T.randn(4, 2)
        t.note(U.fuse_linear_bn_eval(lin, bn1)(x2), bn1(lin(x2)))
        t.error(lambda: U.fuse_linear_bn_eval(lin, T.nn.BatchNorm1d(2).eval()))
        lw, lb = U.fuse_linear_bn_weights(
            T.ones(1, 2), None, T.zeros(1), T.full((1,), 3.0), 1.0, T.ones(1), T.zeros(1)
        )
        t.note(lw, lb)

    compare(scenario)


def test_weight_memory_format_keeps_values_and_parameters():
    net = graphgrad.nn.Sequential(graphgrad.nn.Conv2d(1, 2, 3), graphgrad.nn.Conv3d(1, 1, 2))
    before = [p.detach().clone() for p in net.parameters()]
    weight = net[0].weight
    assert graphgrad.nn.utils.convert_conv2d_weight_memory_format(net, None) is net
    assert graphgrad.nn.utils.convert_conv3d_weight_memory_format(net, None) is net
    assert net[0].weight is weight
    for p, old in zip(net.parameters(), before, strict=True):
        assert np.array_equal(p.detach().numpy(), old.numpy())


def test_functional_call():
    def scenario(T, t):
        call = T.func.functional_call
        m = T.nn.Linear(2, 1)
        x = T.ones(1, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = T.nn.utils.stateless.functional_call(m, {"weight": T.ones(1, 2)}, x)
        t.note(out, caught[0].category.__name__, str(caught[0].message))
        t.note(call(m, ({"weight": T.ones(1, 2)}, {"bias": T.zeros(1)}), (x,)))
        t.error(lambda: call(m, ({"weight": T.ones(1, 2)}, {"weight": T.zeros(1)}), (x,)))
        extra = {"weight": T.ones(1, 2), "foo": T.ones(1), "a.b": T.ones(1)}
        t.error(lambda: call(m, extra, (x,), strict=True))
        t.note(call(m, {"foo": T.ones(1)}, (x,)), hasattr(m, "foo"))
        t.error(lambda: call(m, {"weight": 3}, (x,)))

        class Tied(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = T.nn.Linear(1, 1, bias=False)
                self.b = T.nn.Linear(1, 1, bias=False)
                self.b.weight = self.a.weight

            def forward(self, x, y=1):
                return self.a(x) + self.b(x) * y

        tied = Tied()
        one = {"a.weight": T.ones(1, 1)}
        t.note(call(tied, one, T.ones(1, 1), {"y": 2}))
        t.note(call(tied, one, T.ones(1, 1), tie_weights=False) - tied.b.weight)
        both = {"a.weight": T.ones(1, 1), "b.weight": T.zeros(1, 1)}
        t.error(lambda: call(tied, both, T.ones(1, 1)))
        w = T.ones(1, 2, requires_grad=True)
        call(m, {"weight": w}, (x,)).sum().backward()
        t.note(w.grad, m.weight.grad)
        bn = T.nn.BatchNorm1d(2)
        rm = T.zeros(2)
        call(bn, {"running_mean": rm}, (T.randn(4, 2),))
        t.note(rm, bn.running_mean)

    compare(scenario)


def test_is_lazy_and_factory_kwargs():
    def scenario(T, t):
        t.note(T.nn.parameter.is_lazy(T.nn.LazyLinear(3).weight))
        t.note(T.nn.parameter.is_lazy(T.nn.Linear(2, 3).weight))
        t.note(T.nn.factory_kwargs(None), T.nn.factory_kwargs({"device": "cpu"}))
        t.note(T.nn.factory_kwargs({"dtype": T.float64, "factory_kwargs": {"device": "cpu"}}))
        t.error(lambda: T.nn.factory_kwargs({"foo": 1}))
        t.error(lambda: T.nn.factory_kwargs({"dtype": 2, "factory_kwargs": {"dtype": 1}}))

    compare(scenario)


def test_prune_module_is_not_in_all():
    torch = pytest.importorskip("torch")
    assert ("prune" in graphgrad.nn.utils.__all__) == ("prune" in torch.nn.utils.__all__)
